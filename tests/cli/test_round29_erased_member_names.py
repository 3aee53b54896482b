"""Session 29, tester J (a street officer tracking household composition): once a household's
personal data was erased (`fupin erase`), its members' names read one ``[erased]`` for them
all, in `household show`, `history`, the HTML report's dossier and `export events` alike: a
household of 3 read as if it had one member named ``[erased]``. They now read one ``[erased]``
for each member the output counts there (the dossier's facts, the entry's own count), so that
a reader sees both that the names are erased and how many members there are."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from tests.cli.conftest import Fupin, doc, history_rows
from tests.support import id_card

STORE_INDEPENDENT = "how the reads show an erased household: SQLite is enough"

JN = "jn-01"
ERASED = "[erased]"


def _erased_then_grown(fupin: Fupin) -> None:
    """JH-0002 (identified 2016-08-01 with 3 members) names its 3 members on 2016-08-03, is
    erased on 2016-08-05, and grows to 4 members on 2016-08-06 (its count alone)."""
    names = " ".join(f"--member-name {name}" for name in ("户主2", "张三", "李四"))
    fupin.ok(
        f"household members JH-0002 --members 3 --head-name 户主2 --id-card {id_card(2)} "
        f"{names} --note 补录成员 {doc('2016-08-03')}",
        JN,
    )
    fupin.ok("erase JH-0002 --reason 本人申请 -d 删除申请1号 -e 2016-08-05", "admin")
    fupin.ok(f"household members JH-0002 --members 4 --note 新生儿出生 {doc('2016-08-06')}", JN)


def _shown(fupin: Fupin, options: str = "") -> dict[str, Any]:
    shown: dict[str, Any] = orjson.loads(
        fupin.ok(f"household show JH-0002 --format json {options}", "admin").stdout
    )
    return shown


def test_household_show_gives_one_erased_name_for_each_member(seeded: Fupin) -> None:
    _erased_then_grown(seeded)

    now = _shown(seeded)
    then = _shown(seeded, "--as-of 2016-08-05")
    table = seeded.ok("household show JH-0002 --format csv", "admin").stdout

    assert now["facts"][0]["members"] == 4
    assert now["personal"][0]["member_names"] == [ERASED] * 4  # was ["[erased]"]
    assert now["personal"][0]["head_name"] == ERASED
    assert then["facts"][0]["members"] == 3
    assert then["personal"][0]["member_names"] == [ERASED] * 3
    assert "[erased]、[erased]、[erased]、[erased]" in table


def test_history_and_the_export_give_each_entrys_count_of_erased_names(
    seeded: Fupin, tmp_path: Path
) -> None:
    _erased_then_grown(seeded)
    log = tmp_path / "events.jsonl"

    entries = history_rows(seeded, "JH-0002")
    seeded.ok(f"export events -o {log}", "admin")

    people: list[Any] = [
        e["details"] for e in entries if e["event"] in ("Identified", "MembersChanged")
    ]
    assert [(d["members"], d["personal"] and d["personal"]["member_names"]) for d in people] == [
        (3, [ERASED] * 3),
        (3, [ERASED] * 3),
        (4, None),  # the count alone, recorded after the erasure: no personal data
    ]
    rows = [orjson.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    mine = [r for r in rows if r.get("args", {}).get("household") == "JH-0002"]
    assert [(r["command"], r["args"].get("member_names")) for r in mine[:3]] == [
        ("identify", [ERASED] * 3),
        ("change_members", [ERASED] * 3),
        ("change_members", None),
    ]


def test_the_html_reports_dossier_gives_one_erased_name_for_each_member(
    seeded: Fupin, tmp_path: Path
) -> None:
    # JH-0001 (3 members, registered and paired) has a dossier in the report: it owes visits
    seeded.ok("erase JH-0001 --reason 本人申请 -d 删除申请1号 -e 2016-08-12", "admin")
    out = tmp_path / "report.html"

    seeded.ok(f"report html --out {out} --as-of 2017-06-30", "admin")

    said = re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))
    assert "[erased]、[erased]、[erased]" in said
    assert "[erased]、[erased]、[erased]、" not in said
