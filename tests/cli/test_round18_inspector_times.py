"""Session 18, testers G (an inspector replaying history) and H (the data-protection officer):

- ``--known-at`` took a time later today (the check compared days), and labelled the report
  with it: run again at that time, the same label showed other figures;
- ``--known-at 2017-02-29`` said "not an ISO 8601 date or timestamp" where ``--as-of`` says
  "no day of the calendar", and "from 1970 on" was said of times that were not before 1970;
- the two events of one payment carried recording times 1 ms apart (a correction's 12 ms): an
  "as known at" time between them saw half of one save;
- ``fupin log`` sent the operator to ``fupin verify`` for a damaged household key, which
  ``verify`` cannot see (it opens no key): ``fupin keys check`` finds them;
- a change of members of an erased household without the head's name asked for it, then
  refused it as erased."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from ledger import clock
from ledger.values import CHINA

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_damaged_key_round12 import damage

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the CLI's own checks


@SQLITE
def test_a_known_at_time_later_today_is_refused(seeded: Fupin) -> None:
    later = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    # A time pasted from history may be a little ahead: machines differ by up to 10 minutes.
    close = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()

    result = seeded(f"report caseload --known-at {later}", "ana-1")

    assert_refused(result, "known-at", f"'{later}' has not come yet (it is ")
    assert seeded(f"report caseload --known-at {close}", "ana-1").exit_code == 0


@SQLITE
@pytest.mark.parametrize("hour", [4, 15])  # 15:55 UTC: the last 10 minutes of the day in China
def test_today_as_a_bare_date_is_what_is_known_now(seeded: Fupin, hour: int) -> None:
    fixed = datetime(2026, 11, 30, hour, 55, tzinfo=UTC)
    with clock.using_clock(lambda: fixed):
        result = seeded(
            f"report caseload --known-at {fixed.astimezone(CHINA).date()} --format json", "ana-1"
        )

    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["known_at"] == fixed.isoformat()


@SQLITE
@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("2017-02-29", "'2017-02-29' is no day of the calendar (day is out of range for month)"),
        ("2016-08-10T24:00", "'2016-08-10T24:00' is no time of the clock (hour must be in"),
        (
            "2016-08-10T12",
            "'2016-08-10T12' is not an ISO 8601 date or timestamp (YYYY-MM-DD or YYYY年M月D日, or",
        ),
        ("1969-12-31T23:00Z", "'1969-12-31T23:00Z' is before 1970: give a time from 1970 on"),
    ],
)
def test_a_known_at_not_on_the_calendar_says_so(seeded: Fupin, when: str, said: str) -> None:
    result = seeded(f"report caseload --known-at {when}", "ana-1")

    assert_refused(result, "known-at", said)


def test_the_events_of_one_save_carry_one_recording_time(seeded: Fupin) -> None:
    before = seeded.event_count()
    seeded.ok(
        "fund disburse city-2016 --amount 100 --category education --purpose household "
        f"--household JH-0001 --measure m-1 {doc('2016-09-01')}",
        "qu-01",
    )
    seeded.ok(f"correct fund city-2016 3 --reason 金额录错 {doc('2016-09-02')}", "qu-01")

    log = [orjson.loads(line) for line in seeded.ok("log", "admin").stdout.splitlines()]
    payment, correction = log[before : before + 2], log[before + 2 :]

    assert [e["event"] for e in payment] == ["Disbursed", "FundsReceived"]
    assert [e["event"] for e in correction] == ["Corrected", "ReceiptVoided"]
    for save in (payment, correction):
        assert len({e["recorded_at"] for e in save}) == 1, save
    assert payment[0]["recorded_at"] < correction[0]["recorded_at"]


@SQLITE
def test_log_sends_a_damaged_key_to_keys_check(seeded: Fupin) -> None:
    damage(seeded, "JH-0004", "JH-0001")

    result = seeded("log", "admin")

    assert result.exit_code == 1, result.output
    damaged = [line for line in result.stderr.splitlines() if "JH-0004" in line]
    assert damaged
    assert all("`fupin keys check` lists every such household" in line for line in damaged)
    assert all("`fupin verify` reports every such event" not in line for line in damaged)
    [entry, *_] = [orjson.loads(x) for x in result.stdout.splitlines() if '"problem"' in x]
    assert "`fupin keys check` lists every such household" in entry["problem"]


@SQLITE
def test_members_of_an_erased_household_are_refused_as_erased_first(seeded: Fupin) -> None:
    seeded.ok(f"erase JH-0002 --reason 本人申请 {doc('2016-09-01')}", "admin")
    before = seeded.event_count()

    # Since session 24 the count alone is recorded for an erased household; personal data
    # given without the head and ID card is still refused as erased, before asking for them.
    result = seeded(
        f"household members JH-0002 --members 2 --note 出生 {doc('2016-09-02')} "
        "--member-name 甲 --member-name 乙",
        "jn-01",
    )

    assert_refused(result, "household", "the personal data of JH-0002 was erased")
    assert seeded.event_count() == before


def test_a_command_making_a_record_before_its_save_records_one_time(seeded: Fupin) -> None:
    # An enterprise's helper record and its pairings record are made before the save (the
    # reviewer, session 18: 1 s apart on the tests' ticking clock).
    before = seeded.event_count()
    seeded.ok(f"helper add e-9 --kind enterprise --name 江海五金厂 {doc('2016-07-26')}", "admin")

    log = [orjson.loads(line) for line in seeded.ok("log", "admin").stdout.splitlines()]
    save = log[before:]

    assert len(save) == 2, save
    assert len({e["recorded_at"] for e in save}) == 1, save


@SQLITE
def test_an_erasure_is_said_only_to_one_who_may_change_members(seeded: Fupin) -> None:
    seeded.ok(f"erase JH-0002 --reason 本人申请 {doc('2016-09-01')}", "admin")

    result = seeded(
        f"household members JH-0002 --members 2 --note 出生 {doc('2016-09-02')}", "ana-1"
    )

    assert result.exit_code == 2, result.output
    assert "erased" not in result.stderr
    assert result.stderr.startswith("refused as: ")
