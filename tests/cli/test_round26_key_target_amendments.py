"""Session 26, tester N: a household's key-target mark amended years after the plan's years.

``household amend LL-000050 --willing --key-target`` (or back, ``--not-key-target
--not-willing``) recorded in 2026 restates the mark from the start: it moved 礼乐's K, and with
it the 2:3:5 targets and the talks due 约谈 [六(七)] of the closed years 2016–2018, and no row
of the report said so (only ``fupin history`` did). The amendment stays possible (a field typed
wrong is corrected so), but the accountability report lists each amendment of a registered
household's key-target mark, with labour and willing when given with it
(``key_target_amendments``): who, when, the document, why, before → after, and the plan years
already over when it was recorded whose K it changes, in JSON, CSV, the table and the HTML
report; as known before it, it lists nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, doc
from tests.support import DOC, TickingClock, ledger_at, register, stamp

STORE_INDEPENDENT = "a household's amendment and a report: SQLite is enough"

JN = "jn-01"
UNMARKED = "household amend JH-0001 --not-key-target --not-willing --reason 登记勾选错误 "


def _report(fupin: Fupin, *more: str) -> dict[str, object]:
    command = " ".join(("report accountability --format json --as-of 2019-03-01", *more))
    found: dict[str, object] = orjson.loads(fupin.ok(command, "admin").stdout)
    return found


def _key_targets(report: dict[str, object]) -> list[int]:
    plan = report["plan"]
    assert isinstance(plan, list)
    return [row["key_targets"] for row in plan if row["street"] == "江南"]


def test_an_amendment_after_the_plan_years_is_listed_with_the_closed_years(
    seeded: Fupin,
) -> None:
    before = datetime.now(UTC).isoformat()
    seeded.ok(UNMARKED + doc("2019-02-10"), JN)

    report = _report(seeded)
    then = _report(seeded, f"--known-at {before}")

    rows = report["key_target_amendments"]
    assert isinstance(rows, list)
    assert [(r["field"], r["before"], r["after"]) for r in rows] == [
        ("key_target", "yes", "no"),
        ("willing", "yes", "no"),
    ]
    row = rows[0]
    assert (row["household"], row["street"], row["effective"]) == ("JH-0001", "江南", "2019-02-10")
    assert (row["amended_by"], row["document"], row["reason"]) == (JN, DOC, "登记勾选错误")
    assert row["recorded_at"] > before
    assert row["changes_closed_years"] is True
    assert row["closed_years"] == "2016, 2017, 2018"
    # the K it moved: 江南's one key target was in every year's K
    assert _key_targets(then) == [1, 1, 1]
    assert _key_targets(report) == []
    assert then["key_target_amendments"] == []


def test_an_amendment_recorded_while_its_year_ran_changes_no_closed_year(fupin: Fupin) -> None:
    with ledger_at(fupin.store, TickingClock(datetime(2016, 8, 20, 2, tzinfo=UTC))) as app:
        register(app, "JH-0001", serial=1)
        app.amend(
            stamp(JN, date(2016, 8, 20)),
            "household",
            "JH-0001",
            {"key_target": False, "willing": False},
            "登记勾选错误",
        )

    rows = _report(fupin)["key_target_amendments"]

    assert isinstance(rows, list)
    assert [(r["changes_closed_years"], r["closed_years"]) for r in rows] == [(False, "")] * 2


def test_the_csv_the_table_and_the_html_report_list_them(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(UNMARKED + doc("2019-02-10"), JN)
    page = tmp_path / "r.html"

    csv = seeded.ok("report accountability --format csv", "admin").stdout
    table = " ".join(seeded.ok("report accountability", "admin").stdout.split())
    seeded.ok(f"report html --out {page}", "admin")

    assert "# key_target_amendments" in csv
    assert "JH-0001,江南,2019-02-10," in csv
    assert ',登记勾选错误,key_target,yes,no,yes,"2016, 2017, 2018"' in csv
    assert "key_target_amendments" in table
    html = page.read_text(encoding="utf-8")
    assert "Key-target marks amended" in html
    assert "登记勾选错误" in html
