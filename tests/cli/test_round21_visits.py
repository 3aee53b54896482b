"""Tester H, session 21: the same visit recorded twice (typed in, and imported from the 走访台账)
counted twice toward the quarter's visits. A visit like one in force (the same helper, day,
document, note and summary, as a reader reads them) is refused, as an allocation or payment
recorded twice is (tests/cli/test_round16_money_twice.py); an export replays a ledger that
holds two alike as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ledger.application import open_ledger

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import stamp

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

VISIT = "household visit JH-0001 --helper c-1 --summary 入户走访 " + doc("2016-09-10")
TWICE = (
    "c-1's visit to JH-0001 on 2016-09-10 is on record under document '江高发〔2016〕4号' "
    "(entry {entry}): the same visit recorded twice?"
)


def _visit_entry(fupin: Fupin) -> int:
    app = open_ledger(str(fupin.store))
    try:
        household = app.household("JH-0001")
        (entry,) = household.visits
    finally:
        app.close()
    return entry


def test_the_same_visit_typed_in_twice_is_refused_and_nothing_written(seeded: Fupin) -> None:
    seeded.ok(VISIT, "jn-01")
    before = seeded.event_count()

    result = seeded(VISIT, actor="jn-01")

    assert_refused(result, "document", TWICE.format(entry=_visit_entry(seeded)))
    assert "fupin correct household JH-0001" in result.stderr
    assert seeded.event_count() == before


def test_a_visit_alike_but_for_spaces_and_full_width_forms_is_the_same_visit(
    seeded: Fupin,
) -> None:
    seeded.ok(VISIT, "jn-01")
    before = seeded.event_count()

    result = seeded(
        "household visit JH-0001 --helper c-1 --summary '入户 走访' "
        "-d 江高发(2016)４号 -e 2016-09-10",
        actor="jn-01",
    )

    assert_refused(result, "document", "the same visit recorded twice?")
    assert seeded.event_count() == before


def test_a_second_visit_that_day_with_its_own_summary_or_document_is_recorded(
    seeded: Fupin,
) -> None:
    seeded.ok(VISIT, "jn-01")
    seeded.ok(VISIT.replace("入户走访", "第二次入户"), "jn-01")
    seeded.ok(VISIT.replace(doc("2016-09-10"), "-d 走访记录2 -e 2016-09-10"), "jn-01")

    app = open_ledger(str(seeded.store))
    try:
        assert len(app.household("JH-0001").visits) == 3
    finally:
        app.close()


def test_a_visit_voided_may_be_entered_again_as_it_was(seeded: Fupin) -> None:
    seeded.ok(VISIT, "jn-01")
    entry = _visit_entry(seeded)
    seeded.ok(f"correct household JH-0001 {entry} --reason 录错 -d 更正 -e 2016-09-11", "jn-01")

    seeded.ok(VISIT, "jn-01")

    app = open_ledger(str(seeded.store))
    try:
        assert len(app.household("JH-0001").visits) == 1
    finally:
        app.close()


def test_a_visit_typed_in_and_then_imported_is_refused_naming_the_row(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(VISIT, "jn-01")
    before = seeded.event_count()
    sheet = tmp_path / "record_visit.csv"
    sheet.write_text(
        "ref,effective,document,household,helper,summary\n"
        "VD-1,2016-09-10,江高发〔2016〕4号,JH-0001,c-1,入户走访\n",
        encoding="utf-8",
    )

    result = seeded(f"import {sheet}", actor="jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "row 2, document: c-1's visit to JH-0001 on 2016-09-10 is on record" in said
    assert seeded.event_count() == before


def test_an_export_replays_a_ledger_holding_two_visits_alike(seeded: Fupin, tmp_path: Path) -> None:
    # A ledger recorded before session 21 may hold the same visit twice: its export replays.
    app = open_ledger(str(seeded.store))
    try:
        app.replaying_export = True
        for _ in range(2):
            app.record_visit(stamp("jn-01", date(2016, 9, 10)), "JH-0001", "c-1", "入户走访")
    finally:
        app.close()

    result = reimported(seeded, tmp_path)

    assert result.exit_code == 0, result.output
    fresh = open_ledger(str(tmp_path / "fresh.db"))
    try:
        assert len(fresh.household("JH-0001").visits) == 2
    finally:
        fresh.close()


def test_an_imported_second_visit_whose_note_sets_it_apart_is_recorded(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(VISIT, "jn-01")
    sheet = tmp_path / "record_visit.csv"
    sheet.write_text(
        "ref,effective,document,note,household,helper,summary\n"
        "VD-2,2016-09-10,江高发〔2016〕4号,下午再访,JH-0001,c-1,入户走访\n",
        encoding="utf-8",
    )

    seeded.ok(f"import {sheet}", "jn-01")

    app = open_ledger(str(seeded.store))
    try:
        assert len(app.household("JH-0001").visits) == 2
    finally:
        app.close()
