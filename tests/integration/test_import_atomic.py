"""A file is applied all or nothing; a dry run writes nothing; every bad row is named."""

from __future__ import annotations

import gc
from datetime import date
from typing import Any

import pytest
from ledger import imports
from ledger.application import Ledger
from ledger.base import natural_id
from ledger.core import Stamp
from ledger.errors import ConflictError
from ledger.funds import FundAccount
from ledger.household import Household
from ledger.imports import Row, import_rows

from tests.support import id_card, reopened, stamp


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


def identify_row(n: int, **change: Any) -> Row:
    values: dict[str, Any] = {
        "ref": f"JN-IMP-{n}",
        "actor": "jn-01",
        "effective": "2016-08-01",
        "document": "江南低保台账",
        "household": f"IMP-{n:04d}",
        "street": "江南",
        "village": "雄光",
        "area": "rural",
        "members": 2,
        "labour": "是",
        "willing": True,
        "head_name": f"户主{n}",
        "id_card": id_card(n),
        "member_names": f"户主{n}、家属{n}",
    }
    values.update(change)
    return Row(f"row {n + 1}", "identify", values)


def wrong_check_digit(card: str) -> str:
    return card[:-1] + ("1" if card[-1] != "1" else "2")


def run(app: Ledger, rows: list[Row], dry_run: bool = False) -> Any:
    return import_rows(app, rows, source="t.csv", digest="x", dry_run=dry_run)


def test_good_rows_are_all_applied_and_their_refs_recorded(ledger: Ledger) -> None:
    result = run(ledger, [identify_row(1), identify_row(2)])

    assert (result.applied, result.errors) == (2, [])
    assert ledger.household("IMP-0002").members == 2


def test_one_bad_row_anywhere_means_nothing_is_written(ledger: Ledger) -> None:
    before = ledger.event_count()
    rows = [identify_row(1), identify_row(2, members="two"), identify_row(3)]

    result = run(ledger, rows)

    assert [(e.where, e.column) for e in result.errors] == [("row 3", "members")]
    assert ledger.event_count() == before


def test_the_error_report_names_every_bad_row_not_only_the_first(ledger: Ledger) -> None:
    rows = [
        identify_row(1, village="不存在"),
        identify_row(2),
        identify_row(3, id_card=wrong_check_digit(id_card(3))),
        identify_row(4, effective="2016-13-01"),
    ]

    result = run(ledger, rows)

    assert [(e.where, e.column) for e in result.errors] == [
        ("row 2", "village"),
        ("row 4", "id_card"),
        ("row 5", "effective"),
    ]


def test_a_dry_run_checks_everything_and_writes_nothing(ledger: Ledger) -> None:
    before = ledger.event_count()

    result = run(ledger, [identify_row(1), identify_row(2)], dry_run=True)

    assert (result.applied, result.errors, result.written) == (2, [], False)
    assert ledger.event_count() == before


def test_a_later_row_sees_an_earlier_row_of_the_same_file(ledger: Ledger) -> None:
    review = Row(
        "row 3",
        "review",
        {
            "ref": "R-1",
            "actor": "jn-01",
            "effective": "2016-08-03",
            "document": "评议",
            "household": "IMP-0001",
            "accepted": "true",
        },
    )

    result = run(ledger, [identify_row(1), review])

    assert result.errors == []
    assert ledger.household("IMP-0001").stage == "reviewed"


def test_a_reference_used_twice_in_one_file_is_refused(ledger: Ledger) -> None:
    rows = [identify_row(1), identify_row(2, ref="JN-IMP-1")]

    result = run(ledger, rows)

    assert [(e.where, e.column) for e in result.errors] == [("row 3", "ref")]


@pytest.mark.parametrize("ref", ["", "   "], ids=["empty", "spaces"])
def test_a_blank_reference_is_refused_and_nothing_is_written(ledger: Ledger, ref: str) -> None:
    # A blank ref was never looked up in the register, so each re-import applied it again.
    before = ledger.event_count()

    results = [run(ledger, [identify_row(1, ref=ref)]) for _ in range(2)]

    for result in results:
        assert [(e.where, e.column, e.rule) for e in result.errors] == [
            ("row 2", "ref", "is required")
        ]
    assert ledger.event_count() == before
    assert not ledger.exists(Household, "IMP-0001")


def test_reimporting_skips_rows_already_imported_and_applies_new_ones(ledger: Ledger) -> None:
    run(ledger, [identify_row(1)])
    before = ledger.event_count()

    result = run(ledger, [identify_row(1), identify_row(2)])

    assert (result.applied, result.skipped) == (1, 1)
    assert ledger.event_count() > before


def test_an_unknown_command_and_an_unknown_column_are_named(ledger: Ledger) -> None:
    rows = [Row("row 2", "fly", {"ref": "a"}), identify_row(2, colour="red")]

    result = run(ledger, rows)

    assert [(e.where, e.column) for e in result.errors] == [
        ("row 2", "command"),
        ("row 3", "colour"),
    ]


def test_a_large_files_references_are_recorded_in_bounded_events_and_skipped_next_time(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "REFS_PER_EVENT", 2)
    rows = [identify_row(n) for n in range(1, 6)]

    first = run(ledger, rows)
    again = run(ledger, rows)

    batches = [
        vars(e)
        for e in ledger.events.get(imports.ImportLedger.create_id())
        if type(e).__name__ == "BatchRecorded"
    ]
    recorded = [batch["refs"] for batch in batches]
    assert recorded == [("JN-IMP-1", "JN-IMP-2"), ("JN-IMP-3", "JN-IMP-4"), ("JN-IMP-5",)]
    assert {batch["sha256"] for batch in batches} == {"x"}
    marks = [mark for batch in batches for mark in batch["marks"]]
    assert [len(batch["marks"]) for batch in batches] == [2, 2, 1]
    assert len(set(marks)) == 5
    assert all(len(mark) == 16 for mark in marks)
    assert (first.applied, again.applied, again.skipped) == (5, 0, 5)


def test_recorded_refs_reads_the_register_a_page_at_a_time(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "REFS_PER_EVENT", 2)
    monkeypatch.setattr(imports, "_REGISTER_PAGE", 2)  # pages end inside the register
    for n in range(1, 8):
        run(ledger, [identify_row(n)])
    run(ledger, [identify_row(n) for n in range(8, 13)])  # one file, three events

    everything = {f"JN-IMP-{n}" for n in range(1, 13)}
    assert imports.recorded_refs(ledger) == everything
    assert imports.recorded_refs(ledger, {"JN-IMP-12", "JN-IMP-1", "JN-IMP-99"}) == {
        "JN-IMP-12",
        "JN-IMP-1",
    }
    assert imports.recorded_refs(ledger, set()) == set()


def test_the_register_at_its_head_is_the_replayed_register(ledger: Ledger) -> None:
    assert imports.register_at(ledger, imports.register_version(ledger)) is None  # no import
    for n in range(1, 4):
        run(ledger, [identify_row(n)])

    head = imports.register_at(ledger, imports.register_version(ledger))
    replayed = ledger.get_by_id(imports.ImportLedger.create_id())

    assert isinstance(head, imports.ImportLedger)
    assert (head.id, head.version) == (replayed.id, replayed.version)  # type: ignore[union-attr]
    assert vars(head) == vars(replayed)


@pytest.mark.parametrize("before", [False, True], ids=["first-import", "later-import"])
def test_an_import_that_another_import_overtakes_writes_nothing(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, before: bool
) -> None:
    # Import A reads the register; import B records the same reference and commits; then A
    # applies its rows. A must fail on the register's version, not record the row twice.
    if before:
        run(ledger, [identify_row(1)])
    assert ledger.location is not None
    read = imports.recorded_rows

    def overtaken(app: Ledger, *args: Any, **kwargs: Any) -> Any:
        found = read(app, *args, **kwargs)
        if app is ledger:
            with reopened(ledger) as other:
                assert run(other, [identify_row(10, ref="SAME")]).applied == 1
        return found

    monkeypatch.setattr(imports, "recorded_rows", overtaken)
    with pytest.raises(ConflictError, match="nothing of the batch was written"):
        run(ledger, [identify_row(11, ref="SAME")])
    monkeypatch.undo()

    assert imports.recorded_refs(ledger, {"SAME"}) == {"SAME"}
    assert ledger.exists(Household, "IMP-0010")
    assert not ledger.exists(Household, "IMP-0011")


@pytest.mark.parametrize("bad", [False, True], ids=["applied", "refused"])
def test_an_import_pauses_the_cyclic_collector_and_restores_it(ledger: Ledger, bad: bool) -> None:
    # A large import holds millions of objects until its one save; the collector's full
    # passes over them cost a quarter of its time and free nothing (ledger.core).
    seen: list[bool] = []
    rows = [identify_row(1), identify_row(2, members="two" if bad else 2)]
    gc.enable()
    try:
        import_rows(
            ledger,
            rows,
            source="t.csv",
            digest="x",
            progress=lambda *_: seen.append(gc.isenabled()),
        )
        assert (seen, gc.isenabled()) == ([False], True)
        gc.disable()  # a caller that paused it already gets it back paused
        run(ledger, [identify_row(3)])
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- a reference names one row for good ------------------------------------------------------


def visit_like_row(ref: str, n: int, **change: Any) -> Row:
    """Another row than ``identify_row(n)``: the same household, a review."""
    values: dict[str, Any] = {
        "ref": ref,
        "actor": "jn-01",
        "effective": "2016-08-03",
        "document": "雄光评议记录",
        "household": f"IMP-{n:04d}",
        "accepted": True,
    }
    values.update(change)
    return Row(f"row {n + 1}", "review", values)


def test_a_ref_imported_before_for_another_row_is_refused_and_nothing_is_written(
    ledger: Ledger,
) -> None:
    # Numbered 1, 2, 3 in each file: the second file's row 1 is not the first file's row 1.
    run(ledger, [identify_row(1, ref="1"), identify_row(2, ref="2")])
    before = ledger.recorder.max_notification_id()

    result = run(ledger, [identify_row(3, ref="3"), visit_like_row("1", 1)])

    assert [(e.where, e.column) for e in result.errors] == [("row 2", "ref")]
    assert "'1' was imported before for another row" in result.errors[0].rule
    assert ledger.recorder.max_notification_id() == before
    assert not ledger.exists(Household, "IMP-0003")


def test_a_row_imported_again_under_its_ref_is_skipped_whoever_imports_it(
    ledger: Ledger,
) -> None:
    rows = [identify_row(1), visit_like_row("R-1", 1)]
    run(ledger, rows)

    # Another officer (an importer is a registered officer: session 19).
    again = import_rows(ledger, rows, source="again.csv", digest="y", default_actor="qu-01")
    retyped = run(ledger, [identify_row(1, actor="jn-02", head_name="户主甲")])

    assert (again.errors, again.applied, again.skipped) == ([], 0, 2)
    # personal data is not part of a row's mark (the register keeps no trace of it)
    assert (retyped.errors, retyped.skipped) == ([], 1)


def test_a_recorded_row_under_another_ref_is_refused_as_recorded_twice(ledger: Ledger) -> None:
    run(ledger, [identify_row(1), visit_like_row("001", 1)])

    result = run(ledger, [visit_like_row("1", 1)])  # Excel dropped the leading zeros

    assert [(e.where, e.column) for e in result.errors] == [("row 2", "ref")]
    assert "ref '001' of an earlier import" in result.errors[0].rule
    assert result.applied == 0


def allocation_row(ref: str, **change: Any) -> Row:
    values: dict[str, Any] = {
        "ref": ref,
        "actor": "qu-01",
        "effective": "2016-08-20",
        "document": "江财〔2016〕12号",
        "account": "city-2016",
        "amount": "40000",
    }
    values.update(change)
    return Row(f"row {ref}", "receive_allocation", values)


def test_two_rows_of_one_file_alike_but_for_their_ref_are_refused(ledger: Ledger) -> None:
    ledger.open_account(stamp("qu-01", date(2016, 8, 10)), "city-2016", "city", 2016)

    twice = run(ledger, [allocation_row("A"), allocation_row("B")])
    apart = run(ledger, [allocation_row("A"), allocation_row("B", note="第二笔")])

    assert [str(e) for e in twice.errors] == [
        "row B, ref: the same row as row A in all that is compared (command, date, document, "
        "note and values; not its ref or its officer): importing it again would record it "
        "twice. If it is another one, or enters again an entry voided with fupin correct, say "
        "what sets it apart in its note or document (e.g. 重新录入)"
    ]
    assert (apart.errors, apart.applied) == ([], 2)
    account = ledger.get_by_id(natural_id("fund", "city-2016"))
    assert isinstance(account, FundAccount)
    assert account.received_fen == 8_000_000


def test_batches_recorded_before_rows_were_marked_still_skip_their_refs(
    ledger: Ledger,
) -> None:
    # A register written by an older fupin: references only (BatchImported).
    prov = ledger.authorise(Stamp("jn-01", date(2016, 8, 1), "import old.csv"), "import_batch")
    register = imports.ImportLedger(prov=prov)
    register._batch_imported("x", "old.csv", ("JN-IMP-1",), prov)
    ledger.save(register)

    result = run(ledger, [identify_row(1), identify_row(2)])

    assert (result.errors, result.applied, result.skipped) == ([], 1, 1)
    assert imports.recorded_rows(ledger, {"JN-IMP-1", "JN-IMP-2"}, frozenset()) == (
        {"JN-IMP-1": None, "JN-IMP-2": result_mark(identify_row(2))},
        {},
    )


def result_mark(row: Row) -> str:
    parsed = imports.parse_row(row, "")
    assert not isinstance(parsed, list)
    return parsed.mark


def test_an_id_card_with_a_lowercase_check_letter_is_read_as_the_command_line_reads_it(
    ledger: Ledger,
) -> None:
    result = run(ledger, [identify_row(6, id_card="44070419800101006x")])

    assert (result.errors, result.applied) == ([], 1)
    assert ledger.personal_data("IMP-0006")["id_card"] == "44070419800101006X"


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        (
            "id_card",
            4.4070419800101005e17,
            "is a number in the spreadsheet, not text: format the column as text (文本) and "
            "type it again (a long number such as an ID card loses its last digits)",
        ),
        (
            "members",
            2.5,
            "expects a whole number, not 2.5: the cell holds a fraction",
        ),
    ],
)
def test_a_spreadsheet_number_where_text_is_due_says_how_to_mend_it(
    ledger: Ledger, field: str, value: float, rule: str
) -> None:
    result = run(ledger, [identify_row(1, **{field: value})])

    assert [(e.column, e.rule) for e in result.errors] == [(field, rule)]


def test_a_formula_result_that_is_not_a_whole_amount_of_fen_says_round_it(
    ledger: Ledger,
) -> None:
    ledger.open_account(stamp("qu-01", date(2016, 8, 10)), "city-2016", "city", 2016)

    result = run(ledger, [allocation_row("A", amount=1234.5600000000002)])

    assert [(e.column, e.rule) for e in result.errors] == [
        (
            "amount",
            "1234.5600000000002 is not an amount in yuan with at most 2 decimals: "
            "round the cell's formula with ROUND(…, 2)",
        )
    ]


def test_a_negative_spreadsheet_amount_is_not_told_to_round(ledger: Ledger) -> None:
    ledger.open_account(stamp("qu-01", date(2016, 8, 10)), "city-2016", "city", 2016)

    result = run(ledger, [allocation_row("A", amount=-5.5)])

    # Since session 22 as the text -5.5 is told: amounts are never negative.
    assert [e.column for e in result.errors] == ["amount"]
    rule = result.errors[0].rule
    assert rule.startswith("'-5.5' is not an amount in yuan with at most 2 decimals")
    assert "an amount is never negative (money paid out is recorded with fund disburse" in rule
    assert "ROUND" not in rule


@pytest.mark.parametrize("amount", [5e16, 1.5e16, 12345678901234567890.0, 50_000_000_000_000_000])
def test_a_spreadsheet_number_too_large_is_refused_as_too_large(
    ledger: Ledger, amount: float
) -> None:
    # A numeric cell or a JSON number was refused as malformed ('5e+16 is not an amount') or
    # 'out of range', where the same amount typed as text is too large.
    ledger.open_account(stamp("qu-01", date(2016, 8, 10)), "city-2016", "city", 2016)

    result = run(ledger, [allocation_row("A", amount=amount)])

    assert [e.column for e in result.errors] == ["amount"]
    assert "exceeds the largest amount the ledger accepts" in result.errors[0].rule


def test_only_an_exports_own_refs_are_spared_the_same_row_check(ledger: Ledger) -> None:
    ledger.open_account(stamp("qu-01", date(2016, 8, 10)), "city-2016", "city", 2016)
    run(ledger, [allocation_row("1")])

    typed = run(ledger, [allocation_row("x:y@1")])  # looks like an export's ref, is not one
    held = run(ledger, [allocation_row("fund:city-2016@2")])  # entry 2: the ledger holds it
    exported = run(ledger, [allocation_row("fund:city-2016@3")])  # the account's next entry

    assert [e.column for e in typed.errors] == ["ref"]
    assert [e.column for e in held.errors] == ["ref"]
    assert "names entry 2 of fund city-2016, which this ledger holds already" in str(held.errors)
    assert (exported.errors, exported.applied) == ([], 1)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the batch's own bookkeeping
def test_each_row_reads_only_the_entries_it_makes_not_the_whole_batch(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import notes which entries each row makes (``Ledger.batch_made``): it asks from the
    batch's length before the row, never for the whole batch, else a file of N rows costs
    N² / 2 (since session 31: a 200 k-row file ran for hours, where 10 k took 14 s)."""
    listed: list[int] = []
    made = Ledger.batch_made

    def counted(app: Ledger, since: int = 0) -> list[Any]:
        found = made(app, since)
        listed.append(len(found))
        return found

    monkeypatch.setattr(Ledger, "batch_made", counted)
    result = run(ledger, [identify_row(n) for n in range(1, 41)])

    assert (result.applied, result.errors) == (40, [])
    assert len(listed) == 40  # once a row
    assert max(listed) <= 2  # an identification: its event (and a key's)
