"""Session 29 (brief b): an entry the district office imported in a street officer's name says
so in the household's dossier and in the read models, as ``fupin history`` has since session 28
(``jn-01 (officer), imported by admin``). Before, ``household show`` and every ``pj_`` table
with a ``recorded_by`` column named the officer alone: an inspector reading the dossier could
not tell the admin's import from the officer's own entry. The read models keep ``imported_by``
beside ``recorded_by`` (schema 32): read models an older fupin built are rebuilt once, as for
every schema before. Then every other "who" column (brief b, second part; schema 33): a
pairing's ``paired_by`` and ``unpaired_by``, the closure's ``closed_by`` (in the dossier and the
HTML report's), an inspection's ``opened_by``, each with its ``X_imported_by`` beside it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc, history_rows, run_sql
from tests.cli.test_round26_schema_upgrade import Officers, officers  # noqa: F401 (a fixture)
from tests.cli.test_round28_imported_by import ROW

#: JH-0001's income of 2016, imported by the admin in jn-01's name.
INCOME: dict[str, object] = {
    **ROW,
    "command": "assess_income",
    "ref": "IMP-I-1",
    "effective": "2016-09-06",
    "args": {"household": "JH-0001", "year": 2016, "income": "9000.00"},
}


def _import(fupin: Fupin, folder: Path, *rows: dict[str, object]) -> None:
    path = folder / "imp.jsonl"
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    assert "imported" in fupin.ok(f"import {path}", "admin").stdout


def _shown(fupin: Fupin, section: str, *options: str) -> list[tuple[object, ...]]:
    line = " ".join(("household show JH-0001 --format json", *options))
    rows = orjson.loads(fupin.ok(line, "insp-1").stdout)[section]
    return [(row["recorded_by"], row["imported_by"]) for row in rows]


def _own_visit_then_imported(fupin: Fupin, folder: Path) -> str:
    """jn-01's own visit of 2016-09-01, then the admin's import of jn-01's visit of 2016-09-05
    and assessment; returns the own visit's recording time (an import not known yet)."""
    fupin.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")
    own = str(history_rows(fupin, "JH-0001")[-1]["recorded_at"])
    _import(fupin, folder, ROW, INCOME)
    return own


def test_the_dossier_says_who_imported_an_entry_for_its_officer(
    seeded: Fupin, tmp_path: Path
) -> None:
    own = _own_visit_then_imported(seeded, tmp_path)

    assert _shown(seeded, "visits") == [("jn-01", None), ("jn-01", "admin")]
    assert _shown(seeded, "incomes") == [("jn-01", "admin")]
    table = seeded.ok("household show JH-0001", "insp-1").stdout
    assert table.count("jn-01, imported by admin") == 2  # the visit, the assessment
    assert "imported_by" not in table  # said in the recorded_by cell, as history says it
    blocks = seeded.ok("household show JH-0001 --format csv", "insp-1").stdout.split("\n\n")
    visits = [b for b in blocks if b.startswith("# visits\n")]
    rows = list(csv.DictReader(io.StringIO(visits[0].partition("\n")[2])))
    assert [(r["visited_on"], r["imported_by"]) for r in rows] == [
        ("2016-09-01", ""),
        ("2016-09-05", "admin"),
    ]
    # As of a day, and as known at a moment: the same read models, replayed.
    assert _shown(seeded, "visits", "--as-of 2016-09-05") == [("jn-01", None), ("jn-01", "admin")]
    assert _shown(seeded, "visits", "--as-of 2016-09-04") == [("jn-01", None)]
    assert _shown(seeded, "visits", f"--known-at {own}") == [("jn-01", None)]
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_the_read_models_keep_imported_by_beside_recorded_by(seeded: Fupin, tmp_path: Path) -> None:
    _own_visit_then_imported(seeded, tmp_path)
    sql = "SELECT visited_on, recorded_by, imported_by FROM pj_visits ORDER BY visited_on"

    found = orjson.loads(seeded.ok(f'query "{sql}" --format json', "ana-1").stdout)

    assert found["rows"] == [["2016-09-01", "jn-01", None], ["2016-09-05", "jn-01", "admin"]]


#: Since schema 33: jn-01's pairing of JH-0001 with c-2, insp-1's inspection and its finding
#: about JH-0001, then jn-01's closure of JH-0001, each imported by the admin.
PAIRING: dict[str, object] = {
    **ROW,
    "command": "pair",
    "ref": "IMP-P-1",
    "effective": "2016-09-02",
    "args": {"household": "JH-0001", "helper": "c-2"},
}
INSPECTION: dict[str, object] = {
    **ROW,
    "command": "open_inspection",
    "ref": "IMP-IN-1",
    "actor": "insp-1",
    "effective": "2016-09-03",
    "args": {"inspection": "SI-1", "level": "street", "year": 2016, "street": "江南"},
}
FINDING: dict[str, object] = {
    **INSPECTION,
    "command": "record_finding",
    "ref": "IMP-F-1",
    "effective": "2016-09-04",
    "args": {
        **{"inspection": "SI-1", "finding": "f-1", "subject_kind": "household"},
        **{"subject": "JH-0001", "description": "走访记录不全", "deadline": "2016-12-31"},
    },
}
CLOSURE: dict[str, object] = {
    **ROW,
    "command": "close",
    "ref": "IMP-C-1",
    "effective": "2016-09-20",
    "args": {"household": "JH-0001", "because": "全户死亡", "into": "", "reason": "注销"},
}


def test_the_dossier_says_who_imported_a_pairing_a_finding_and_the_closure(
    seeded: Fupin, tmp_path: Path
) -> None:
    _import(seeded, tmp_path, PAIRING, INSPECTION, FINDING, CLOSURE)

    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "insp-1").stdout)
    helpers = [(h["helper"], h["paired_by"], h["paired_imported_by"]) for h in shown["helpers"]]
    assert helpers == [("c-1", "jn-01", None), ("c-2", "jn-01", "admin")]
    facts = shown["household"]
    assert (facts["closed_by"], facts["closed_imported_by"]) == ("jn-01", "admin")
    assert _shown(seeded, "findings") == [("insp-1", "admin")]
    table = seeded.ok("household show JH-0001", "insp-1").stdout
    assert table.count("jn-01, imported by admin") == 2  # c-2's pairing, the closure
    assert table.count("insp-1, imported by admin") == 1  # the finding
    assert "imported_by" not in table  # no column or fact of its own: said in the cell
    csv_text = seeded.ok("household show JH-0001 --format csv", "insp-1").stdout
    assert "helper,role,paired_on,paired_by,paired_imported_by,unpaired_on" in csv_text
    assert ",jn-01,admin,2016-09-20," in csv_text  # c-2's, ended by the closure
    assert "closed_imported_by" in csv_text
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_the_read_models_say_who_imported_each_who_column(seeded: Fupin, tmp_path: Path) -> None:
    handover = {  # c-1 (jn-01's own pairing) hands over to c-2
        **ROW,
        "command": "unpair",
        "ref": "IMP-U-1",
        "effective": "2016-09-10",
        "args": {"household": "JH-0001", "helper": "c-1", "reason": "调整", "replacement": "c-2"},
    }
    _import(seeded, tmp_path, INSPECTION, handover)
    sql = (
        "SELECT helper, paired_by, paired_imported_by, unpaired_by, unpaired_imported_by "
        "FROM pj_pairings ORDER BY helper"
    )

    pairings = orjson.loads(seeded.ok(f'query "{sql}" --format json', "ana-1").stdout)["rows"]
    sql = "SELECT code, opened_by, opened_imported_by FROM pj_inspections"
    opened = orjson.loads(seeded.ok(f'query "{sql}" --format json', "ana-1").stdout)["rows"]

    assert pairings == [
        ["c-1", "jn-01", None, "jn-01", "admin"],
        ["c-2", "jn-01", "admin", None, None],
    ]
    assert opened == [["SI-1", "insp-1", "admin"]]


def test_the_html_dossier_says_who_imported_the_closure(seeded: Fupin, tmp_path: Path) -> None:
    # JH-0001, never visited, is named by missed visits: its dossier is in the report
    _import(seeded, tmp_path, {**CLOSURE, "effective": "2016-12-20"})

    page = tmp_path / "report.html"
    seeded.ok(f"report html --out {page}", "admin")
    text = page.read_text(encoding="utf-8")

    card = text[text.index('id="household-JH-0001"') :]
    said = re.sub(r"<[^>]+>", "", card[: card.index("</section>")])
    assert "died-out, 走访台账导入〔2016〕, by jn-01, imported by admin" in said


#: The read models as fupin of schema 31 left ``pj_visits``: no ``imported_by``.
AS_SCHEMA_31 = (
    "ALTER TABLE pj_visits DROP COLUMN imported_by",
    "UPDATE pj_schema SET version = 31 WHERE id = 1",
)


def test_read_models_of_schema_31_are_rebuilt_with_imported_by(
    seeded: Fupin, tmp_path: Path
) -> None:
    _own_visit_then_imported(seeded, tmp_path)
    seeded.ok("report caseload --format json")
    run_sql(seeded.store, *AS_SCHEMA_31)

    # The store's owner's first report after the upgrade rebuilds them (on PostgreSQL the
    # table is made again in the new shape, with its grants).
    assert _shown(seeded, "visits") == [("jn-01", None), ("jn-01", "admin")]
    assert seeded.ok("projections check", "admin").exit_code == 0


#: The read models as fupin of schema 32 left ``pj_pairings``: no ``paired_imported_by``.
AS_SCHEMA_32 = (
    "ALTER TABLE pj_pairings DROP COLUMN paired_imported_by",
    "UPDATE pj_schema SET version = 32 WHERE id = 1",
)


def test_read_models_of_schema_32_are_rebuilt_with_every_importer(
    seeded: Fupin, tmp_path: Path
) -> None:
    _import(seeded, tmp_path, PAIRING)
    seeded.ok("report caseload --format json")
    run_sql(seeded.store, *AS_SCHEMA_32)

    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "insp-1").stdout)

    assert [h["paired_imported_by"] for h in shown["helpers"]] == [None, "admin"]
    assert seeded.ok("projections check", "admin").exit_code == 0


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_the_officers_role_meeting_pj_pairings_of_schema_32_is_refused(
    seeded: Fupin,
    officers: Officers,  # noqa: F811 (the fixture imported above)
) -> None:
    run_sql(seeded.store, *AS_SCHEMA_32)

    result = seeded(f"--store {officers.dsn} household show JH-0001", "jn-01")

    assert_refused(result, "store", "table pj_pairings lacks column paired_imported_by")
    seeded.ok("projections rebuild")
    assert seeded.ok(f"--store {officers.dsn} household show JH-0001", "jn-01").exit_code == 0


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_the_officers_role_meeting_pj_visits_of_schema_31_is_refused(
    seeded: Fupin,
    officers: Officers,  # noqa: F811 (the fixture imported above)
) -> None:
    run_sql(seeded.store, *AS_SCHEMA_31)

    result = seeded(f"--store {officers.dsn} household show JH-0001", "jn-01")

    assert_refused(result, "store", "table pj_visits lacks column imported_by")
    seeded.ok("projections rebuild")
    assert seeded.ok(f"--store {officers.dsn} household show JH-0001", "jn-01").exit_code == 0
