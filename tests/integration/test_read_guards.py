"""Since session 25 (the event-sourcing reviewer): a command that judges itself on a record it
only reads, or on events it scans in the log, and saves another record, is run again on fresh
state when that read moved before its save (``ledger.guards``): two such commands at once left
a state each refuses alone (a village payment to a village no longer relatively poor; a worker
employed of a household with no labour capacity; a retired officer's save).

Deterministic: two ledgers on one store, the second's command run inside the first's attempt
(after its read, before its save); the first then retries and refuses by its ordinary rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from ledger import imports
from ledger.application import Ledger
from ledger.errors import AlreadyExistsError, ConflictError, PermissionRefusedError, RuleError
from ledger.funds import Disbursement, FundAccount
from ledger.guards import ReadGuards
from ledger.imports import Row, import_rows

from tests.support import TickingClock, id_card, identify, ledger_at, register, reopen, stamp

STORE_INDEPENDENT = "one SQLite file shared by two ledgers; PostgreSQL's table lock below"

PAYMENT = Disbursement(10_000, "facilities", "village", street="江南", village="雄光")


@pytest.fixture
def two(store: str, ticking: TickingClock) -> Iterator[tuple[Ledger, Ledger]]:
    """Two applications on one store, as two processes: JH-1 registered (labour capacity),
    an account with money in it."""
    with ledger_at(store, ticking) as first:
        register(first, "JH-1", key_target=False)  # its labour may be amended away
        first.open_account(stamp("qu-01"), "city-2016", "city", 2016)
        first.receive_allocation(stamp("qu-01"), "city-2016", 100_000)
        second = reopen(first)
        try:
            yield first, second
        finally:
            second.close()


def between(
    monkeypatch: pytest.MonkeyPatch, app: Ledger, method: str, other: Callable[[], object]
) -> list[int]:
    """Run ``other`` (the other writer's whole command) once, right after ``app.method``
    returns inside ``app``'s first attempt: after its read, before its save. The list
    counts the calls of ``method``: 2 when the first attempt was run again."""
    real = getattr(app, method)
    calls: list[int] = []

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        found = real(*args, **kwargs)
        if len(calls) == 1:
            other()
        return found

    monkeypatch.setattr(app, method, wrapped)
    return calls


def village_payments(app: Ledger) -> int:
    """The payments out of the account in force (its allocation is the one flow in)."""
    account = app.load(FundAccount, "city-2016", "account")
    return sum(1 for _, fen in account.flows.values() if fen < 0)


def flag(app: Ledger) -> bool:
    from ledger.places import Street

    return bool(app.load(Street, "江南", "street").villages["雄光"])


def amend_village(app: Ledger) -> None:
    app.amend_village(stamp("admin", date(2016, 9, 1)), "江南", "雄光", False, "录入错误")


def pay(app: Ledger) -> None:
    app.disburse(stamp("qu-01", date(2016, 9, 2)), "city-2016", PAYMENT)


def test_a_village_payment_judged_on_a_flag_amended_meanwhile_is_refused(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    calls = between(monkeypatch, first, "check_village_payment", lambda: amend_village(second))

    with pytest.raises(RuleError) as refused:
        pay(first)

    assert refused.value.field == "village"
    assert "雄光 is not a relatively poor village" in str(refused.value)
    assert len(calls) == 2  # judged again on fresh state
    assert not flag(second)
    assert village_payments(second) == 0


def test_an_amended_flag_judged_on_payments_scanned_before_one_was_saved_is_refused(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    calls = between(monkeypatch, first, "check_no_village_payment", lambda: pay(second))

    with pytest.raises(RuleError) as refused:
        amend_village(first)

    assert refused.value.field == "relatively_poor"
    assert "stands, made to a relatively poor village" in str(refused.value)
    assert len(calls) == 2
    assert flag(second)
    assert village_payments(second) == 1


def no_labour(app: Ledger) -> None:
    app.amend(stamp("jn-01", date(2016, 9, 1)), "household", "JH-1", {"labour": False}, "录入错误")


def employ(app: Ledger, actor: str = "jn-01") -> None:
    app.employ_worker(stamp(actor, date(2016, 9, 2)), "e-1", "JH-1", date(2016, 9, 2))


def labour(app: Ledger) -> bool:
    from ledger.household import Household

    return bool(app.load(Household, "JH-1", "household").labour)


def test_an_employment_judged_on_labour_amended_away_meanwhile_is_refused(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    calls = between(monkeypatch, first, "authorise", lambda: no_labour(second))

    with pytest.raises(RuleError) as refused:
        employ(first)

    assert refused.value.field == "household"
    assert "no labour capacity" in str(refused.value)
    assert len(calls) == 2
    assert not labour(second)


def test_labour_amended_away_judged_on_employments_scanned_before_one_was_saved_is_refused(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    calls = between(monkeypatch, first, "check_nothing_needs_labour", lambda: employ(second))

    with pytest.raises(RuleError) as refused:
        no_labour(first)

    assert refused.value.field == "labour"
    assert "employment of a worker of JH-1" in str(refused.value)
    assert len(calls) == 2
    assert labour(second)


#: The day of jn-01's latest entry in ``two``: a retirement is dated on or after it.
_LAST_DAY = date(2016, 8, 10)


def test_a_save_by_an_officer_retired_meanwhile_is_refused(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    # dated on jn-01's latest entry (JH-1 registered on 2016-08-10), as it is since session 28
    retire = lambda: second.retire_officer(stamp("admin", _LAST_DAY), "jn-01", "调离")  # noqa: E731
    between(monkeypatch, first, "authorise", retire)
    before = first.event_count()

    with pytest.raises(PermissionRefusedError) as refused:
        employ(first)

    assert refused.value.field == "as"
    assert "jn-01 has retired" in str(refused.value)
    assert first.event_count() == before + 1  # the retirement alone


def test_a_command_judging_its_officer_before_its_attempt_is_judged_again(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``identify`` authorises before its attempt: the officer's version then read guards the
    # save, and the retry judges the officer again.
    first, second = two
    # dated on jn-01's latest entry (JH-1 registered on 2016-08-10), as it is since session 28
    retire = lambda: second.retire_officer(stamp("admin", _LAST_DAY), "jn-01", "调离")  # noqa: E731
    calls = between(monkeypatch, first, "authorise", retire)
    before = first.event_count()

    with pytest.raises(PermissionRefusedError) as refused:
        identify(first, "JH-2", serial=2)

    assert "jn-01 has retired" in str(refused.value)
    assert len(calls) == 2
    assert first.event_count() == before + 1  # the retirement alone


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_on_postgresql_a_village_payment_judged_on_a_flag_amended_meanwhile_is_refused(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    test_a_village_payment_judged_on_a_flag_amended_meanwhile_is_refused(two, monkeypatch)


def test_a_read_nothing_moved_passes_on_the_first_attempt(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    # The other writer saves elsewhere (another household's street): nothing the payment read.
    calls = between(
        monkeypatch,
        first,
        "check_village_payment",
        lambda: register(second, "LL-1", "礼乐", village="新创", serial=2),
    )

    pay(first)

    assert len(calls) == 1
    assert village_payments(second) == 1


def test_past_the_limit_a_save_elsewhere_is_no_move(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the records guarded one by one, a record read is marked in a filter: a save of
    # another record meanwhile is still no move (before: the log's head, any save was one).
    first, second = two
    monkeypatch.setattr(ReadGuards, "LIMIT", 1)
    calls = between(
        monkeypatch,
        first,
        "check_village_payment",
        lambda: register(second, "LL-1", "礼乐", village="新创", serial=2),
    )

    pay(first)

    assert len(calls) == 1
    assert village_payments(second) == 1


def test_past_the_limit_a_record_read_that_moved_is_still_a_move(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    monkeypatch.setattr(ReadGuards, "LIMIT", 1)
    calls = between(monkeypatch, first, "check_village_payment", lambda: amend_village(second))

    with pytest.raises(RuleError) as refused:
        pay(first)

    assert "雄光 is not a relatively poor village" in str(refused.value)
    assert len(calls) == 2


IMPORTED = 310  # households an import touches: past the 256 records once guarded one by one


def identify_rows(count: int = IMPORTED) -> list[Row]:
    return [
        Row(
            f"row {n + 1}",
            "identify",
            {
                "ref": f"JN-Q-{n}",
                "actor": "jn-01",
                "effective": "2016-08-01",
                "document": "江南低保台账",
                "household": f"Q-{n:04d}",
                "street": "江南",
                "village": "雄光",
                "area": "rural",
                "members": 1,
                "labour": "是",
                "willing": True,
                "head_name": f"户主{n}",
                "id_card": id_card(100 + n),
            },
        )
        for n in range(1, count + 1)
    ]


def before_import_saves(monkeypatch: pytest.MonkeyPatch, other: Callable[[], object]) -> list[int]:
    """Run ``other`` once, after the import's first run read everything, before its save; the
    list counts the runs that got to their save."""
    real = imports._record_batch
    runs: list[int] = []

    def wrapped(*args: Any, **kwargs: Any) -> None:
        runs.append(1)
        if len(runs) == 1:
            other()
        real(*args, **kwargs)

    monkeypatch.setattr(imports, "_record_batch", wrapped)
    return runs


def test_an_import_of_hundreds_of_households_passes_a_save_elsewhere_meanwhile(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Since session 25 (the lead): an import past 256 records was guarded by the log's head,
    # so any officer's save meanwhile ran it again (and a busy ledger failed it after 3 runs).
    first, second = two
    runs = before_import_saves(
        monkeypatch, lambda: second.receive_allocation(stamp("qu-01"), "city-2016", 5_000)
    )

    result = import_rows(first, identify_rows(), source="q.csv", digest="q")

    assert (result.applied, result.errors) == (IMPORTED, [])
    assert len(runs) == 1  # one run: nothing it read moved
    assert second.household(f"Q-{IMPORTED:04d}").members == 1


def test_an_import_of_hundreds_of_households_one_saved_meanwhile_is_run_again(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another officer identifies one of the file's households between the import's read and
    # its save: the import runs again on fresh state and refuses that row by its rule.
    first, second = two
    runs = before_import_saves(monkeypatch, lambda: identify(second, "Q-0005", serial=105))
    before = first.event_count()

    result = import_rows(first, identify_rows(), source="q.csv", digest="q")

    assert len(runs) == 1  # the second run has a bad row: no save
    assert result.applied == IMPORTED - 1
    assert [e.where for e in result.errors] == ["row 6"]
    assert first.event_count() == before + 1  # the other officer's identification alone


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_on_postgresql_an_import_of_hundreds_of_households_passes_a_save_elsewhere(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    test_an_import_of_hundreds_of_households_passes_a_save_elsewhere_meanwhile(two, monkeypatch)


def test_a_batch_whose_read_moved_before_its_save_writes_nothing(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch (an import's rows) is guarded as a command is: it is not retried here (an
    # import runs itself again whole, docs/import.md), and nothing of it is written.
    first, second = two
    between(monkeypatch, first, "check_village_payment", lambda: amend_village(second))

    with pytest.raises(ConflictError) as refused, first.batch():
        pay(first)

    assert "nothing of the batch was written" in str(refused.value)
    assert village_payments(second) == 0
    assert not flag(second)


def test_a_household_judged_before_its_attempt_on_a_lookalike_created_meanwhile_is_refused(
    two: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``identify`` judges its number against the ones on record before its attempt (jh-9
    # beside JH-9 is refused): another writer's JH-9 saved meanwhile refuses the save, which
    # a retry would not judge again: run again, it is refused by the rule.
    first, second = two
    calls = between(
        monkeypatch, first, "check_no_lookalike", lambda: identify(second, "JH-9", serial=9)
    )
    before = first.event_count()

    with pytest.raises(ConflictError) as refused:
        identify(first, "jh-9", serial=10)

    assert "run it again" in str(refused.value)
    assert len(calls) == 1
    assert first.event_count() == before + 1  # the other writer's JH-9 alone
    with pytest.raises(AlreadyExistsError) as again:
        identify(first, "jh-9", serial=10)
    assert "only in the case of its letters" in str(again.value)


def _reviewed(app: Ledger, number: str, serial: int) -> None:
    identify(app, number, serial=serial)
    app.review(stamp("jn-01", date(2016, 8, 2)), number, True)


def _ten_notice_days(app: Ledger) -> None:
    app.amend_rules(stamp("admin", date(2016, 8, 1)), {"notice_min_days": 10}, "录入错误")


@pytest.fixture
def unnoticed(store: str, ticking: TickingClock) -> Iterator[tuple[Ledger, Ledger]]:
    """Two applications on one store holding no notice yet: the notice days are amended only
    then (``AMENDABLE_RULES``)."""
    with ledger_at(store, ticking) as first:
        second = reopen(first)
        try:
            yield first, second
        finally:
            second.close()


def test_a_notice_judged_on_notice_days_amended_meanwhile_is_refused(
    unnoticed: tuple[Ledger, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tester e, session 35 (F4): the notice days were read before the attempt, and a 7-day
    # notice was saved after an amendment to 10 days, both commands run at once.
    first, second = unnoticed
    _reviewed(first, "JH-2", 2)
    calls = between(monkeypatch, first, "programme", lambda: _ten_notice_days(second))

    with pytest.raises(RuleError) as refused:
        first.post_notice(
            stamp("jn-01", date(2016, 8, 3)), "JH-2", date(2016, 8, 3), date(2016, 8, 9)
        )

    assert refused.value.field == "end"
    assert "the plan needs 10" in str(refused.value)
    assert len(calls) >= 2  # judged again on fresh state
    assert second.household("JH-2").notice is None
