"""Session 31, helper d: since session 25 a household is not closed 注销 while an enterprise's
employment of one of its workers stands past the closure's day, and since session 31 ``fupin
verify`` notes one an older fupin left so; yet today's fupin still left exactly that state two
ways. ``helper end-employment`` dated after the household's closure was taken (the job then stood
past the closure until that day), and so was ``fupin correct helper`` voiding the end of an
employment once the household had been closed after it (the job stood again, past the closure).
Since session 31 both are refused naming the closure and the rule, nothing written: the end is
dated on or before the closure, and the closure is voided first, then the end. Voiding the
employment itself is taken (it never was), and so is voiding an end an older fupin dated after
the closure (verify's note says to, then to end it on or before it). An older ledger holding
either still moves (``import --create``), and verify notes its employment."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from cli.main import app
from cli.verify import _EMPLOYED_PAST_CLOSURE
from ledger.application import open_ledger
from ledger.values import (
    SESSION_25_RULES,
    SESSION_29_RULES,
    SPARED_BEFORE,
    replayed_as_recorded,
)

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.cli.test_round30_under_way_past_closure import (
    CLOSE,
    EMPLOYED,
    ENDS,
    JN,
    _closed_before_its_exit,
)
from tests.support import stamp

#: The days verify's employment note says its rules came in (session 25's two, then the three)
SINCE = "2026-12-02 (2026-12-03 for some of these rules)"

STORE_INDEPENDENT = "an employment's end and the household's closure: SQLite is enough"

EMPLOY = f"helper employ e-1 JH-0001 --since 2016-09-01 {doc('2016-09-01')}"
#: what an end dated after the closure is told (its day, then the closure's entry)
END_AFTER = (
    "the end of e-1's employment of a worker of JH-0001 is dated {0}; JH-0001 was closed on "
    "2016-12-20 (died-out) (entry {1}): " + ENDS + "; end it on or before the closure's date "
    "2016-12-20 (fupin helper end-employment e-1 JH-0001 -e DATE), or, if the closure was in "
    "error, void it first (fupin correct household JH-0001 {1} --reason …)"
)
#: what voiding an end on or before the closure is told (the closure's entry, the end's entry)
VOID_UNDER = (
    "JH-0001 was closed on 2016-12-20 (died-out) (entry {0}): voiding entry {1} of e-1, its end "
    "on 2016-11-30 of the employment of a worker of JH-0001, would leave that employment "
    "standing past the closure, and " + ENDS + "; void the closure first (fupin correct "
    "household JH-0001 {0} --reason …), then the end (then end the employment on the right day, "
    "on or before the closure, and close the household again)"
)


def _refused(fupin: Fupin, line: str, field: str, said: str) -> None:
    """``line`` (by jn-01) refused on ``field`` saying ``said``, with nothing written."""
    before = fupin.event_count()

    assert_refused(fupin(line, JN), field, said)

    assert fupin.event_count() == before


def _ended_then_closed(fupin: Fupin) -> int:
    """e-1 employs a worker of JH-0001 from 2016-09-01 (entry 2 of e-1) to 2016-11-30 (entry
    3), and JH-0001 is closed on 2016-12-20: the closure's entry."""
    fupin.ok(EMPLOY, JN)
    fupin.ok(f"helper end-employment e-1 JH-0001 {doc('2016-11-30')}", JN)
    return _closed_before_its_exit(fupin)


def _verify_notes(fupin: Fupin) -> str:
    return " ".join(fupin.ok("verify", "admin").stdout.split())


def test_an_end_dated_after_the_closure_is_refused_naming_it(seeded: Fupin) -> None:
    closure = _closed_before_its_exit(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 30 took it: from before the closure, entered after it
        ledger.employ_worker(stamp(JN, date(2016, 9, 1)), "e-1", "JH-0001", date(2016, 9, 1))

    line = "helper end-employment e-1 JH-0001 {}"
    _refused(
        seeded, line.format(doc("2017-01-05")), "effective", END_AFTER.format("2017-01-05", closure)
    )
    # the employment's own rules first: an end before it began is refused as before
    assert_refused(
        seeded(line.format(doc("2016-08-31")), JN), "effective", "JH-0001 was employed by e-1"
    )
    # ended on the closure's day, it does not stand past it: taken, and verify's note ends
    assert "under today's rules" in _verify_notes(seeded)
    seeded.ok(line.format(doc("2016-12-20")), JN)
    assert "under today's rules" not in _verify_notes(seeded)


def test_an_end_after_a_voided_closure_is_taken(seeded: Fupin) -> None:
    closure = _closed_before_its_exit(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        ledger.employ_worker(stamp(JN, date(2016, 9, 1)), "e-1", "JH-0001", date(2016, 9, 1))

    # the refusal's other way: the closure in error voided, the end is any day
    seeded.ok(f"correct household JH-0001 {closure} --reason 误注销 {doc('2016-12-21')}", "admin")
    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2017-01-05')}", JN)


def test_voiding_an_end_before_the_closure_is_refused_until_the_closure_is_voided(
    seeded: Fupin,
) -> None:
    closure = _ended_then_closed(seeded)
    void_end = f"correct helper e-1 3 --reason 离职日期错 {doc('2016-12-21')}"

    _refused(seeded, void_end, "version", VOID_UNDER.format(closure, 3))
    assert "under today's rules" not in _verify_notes(seeded)
    # the correction's own rules first: the reason
    assert_refused(
        seeded(f"correct helper e-1 3 --reason ' ' {doc('2016-12-21')}", JN),
        "reason",
        "a correction must say why",
    )
    # the order that works: the closure voided, then the end, the job ended on its true day,
    # and the household closed again
    seeded.ok(f"correct household JH-0001 {closure} --reason 先改离职 {doc('2016-12-21')}", "admin")
    seeded.ok(void_end, JN)
    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2016-12-10')}", JN)
    seeded.ok(CLOSE.format("2016-12-20"), JN)
    assert "under today's rules" not in _verify_notes(seeded)


def test_voiding_the_employment_itself_after_the_closure_is_taken(seeded: Fupin) -> None:
    _ended_then_closed(seeded)

    # it never was: nothing stands past the closure
    seeded.ok(f"correct helper e-1 2 --reason 录错户 {doc('2016-12-21')}", JN)

    assert "under today's rules" not in _verify_notes(seeded)


@pytest.mark.spared_on_replay("employment_end_after_closure", "end_voided_after_closure")
def test_an_older_ledger_holding_both_moves_and_verify_notes_its_employment(
    seeded: Fupin, tmp_path: Path
) -> None:
    closure = _ended_then_closed(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 31 took them: the end voided after the closure (entry 4 of
        # e-1), then the employment ended after the closure (entry 5)
        ledger.correct(stamp(JN, date(2016, 12, 21)), "helper", "e-1", 3, "离职日期错")
        ledger.end_employment(stamp(JN, date(2017, 1, 5)), "e-1", "JH-0001")

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    late = EMPLOYED.format(
        closure,
        "2016-12-20",
        "ended only on 2017-01-05 (entry 5 of e-1; void that end, fupin correct helper e-1 5 "
        f"--reason …, and end it on or before 2016-12-20): {ENDS}, which a fupin before "
        f"{SINCE} did not check",
    )
    refuses = (
        "today's fupin refuses a closure while one stands, one from the closure's date on, one "
        "from before the closure entered after it, an end dated after the closure, and the "
        "voiding of an end on or before it while the closure stands)"
    )
    here = _verify_notes(seeded)
    assert here.count(late) == here.count("under today's rules") == 1, here
    assert refuses in here.split(late)[1]
    verified = seeded.runner.invoke(app, ["--store", str(tmp_path / "fresh.db"), "verify"])
    assert verified.exit_code == 0, verified.output
    said = " ".join(verified.stdout.split())
    assert said.count(late) == said.count("under today's rules") == 1, said
    assert "recorded before the move, import --create on" in said.split(late)[1]
    # the way the note names: the late end voided (dated after the closure, it is), and the
    # employment ended on or before the closure
    seeded.ok(f"correct helper e-1 5 --reason 离职日期错 {doc('2017-01-06')}", JN)
    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2016-12-15')}", JN)
    assert "under today's rules" not in _verify_notes(seeded)


def test_the_note_names_the_days_the_rules_it_states_came_in() -> None:
    # verify's one note says the days the rules it covers came in (since session 32 five:
    # session 25's two of a closure and an employment, which came in a day before the three):
    # the first, and the last for some of them, so that no rule is said to be unchecked by a
    # fupin that checked it
    rules = ("under_way_past_closure", "employment_end_after_closure", "end_voided_after_closure")
    assert set(rules) | {"closure_while_employed", "employed_from_closure"} == set(
        _EMPLOYED_PAST_CLOSURE
    )
    assert {SPARED_BEFORE[rule] for rule in rules} == {SESSION_29_RULES}
    assert SPARED_BEFORE["closure_while_employed"] == SESSION_25_RULES
    assert SPARED_BEFORE["employed_from_closure"] == SESSION_25_RULES
    assert SINCE == "2026-12-02 (2026-12-03 for some of these rules)"
