"""Session 28, tester M: a household taken on 建档立卡 after the programme's last year.

A new key target identified and registered in 2019 (or 2020) was paired, visited and paid, but
could never be assessed nor exit: 2019 is only for the plan of households that returned to
poverty in 2018 [六(六)], the plan takes everyone out by the end of 2018 [三], and K counts
registrations by each 31 December. It stayed in the caseload and the missed visits for good.
Registration, and identification, review, notice and signature, which lead only to it, are now
refused after 31 December of the programme's own last year (2019 for a 2016-2019 programme);
a rejection at review, which ends the case, and the steps of a return are not. An export's
rows replayed into the empty store they rebuild are spared (an older ledger still moves), and
``fupin verify`` notes such a household.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from cli.main import app as fupin_app
from ledger.application import open_ledger
from ledger.programme import ProgrammeRules, YearParameters
from ledger.values import replayed_as_recorded

from tests.cli.conftest import (
    Fupin,
    assert_refused,
    doc,
    last_entry,
    reimported,
    rule_came_in,
)
from tests.cli.test_round13_unpairings import EXIT, RETURN
from tests.support import id_card, identify, stamp

STORE_INDEPENDENT = "the household's steps, an export's replay and verify: SQLite is enough"

JN = "jn-01"
RULE = "a household is identified and registered 建档立卡 by 2018-12-31"


def _identify(number: str, effective: str, serial: int = 9) -> str:
    return (
        f"household identify {number} --street 江南 --village 雄光 --area rural --members 3 "
        f"--labour --willing --dibao --head-name 陈新 --id-card {id_card(serial)} {doc(effective)}"
    )


def _taken_on(fupin: Fupin, number: str, days: tuple[str, str, str, str, str, str]) -> None:
    """``number`` identified, accepted at review, noticed (start to end), signed and
    registered on the ``days`` given, each command required to succeed."""
    identified, reviewed, start, end, signed, registered = days
    fupin.ok(_identify(number, identified), JN)
    fupin.ok(f"household review {number} --accepted {doc(reviewed)}", JN)
    fupin.ok(f"household notice {number} --start {start} --end {end} -d 公示", JN)
    fupin.ok(f"household sign {number} {doc(signed)}", JN)
    fupin.ok(f"household register {number} {doc(registered)}", JN)


def test_a_household_is_not_identified_after_the_programme_s_last_year(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(_identify("JN-N19", "2019-03-01"), JN)

    assert_refused(refused, "effective", RULE)
    assert "the identification is dated 2019-03-01" in refused.stderr
    assert "2019 is only for the plan of households that returned to poverty in 2018" in (
        " ".join(refused.stderr.split())
    )
    assert seeded.event_count() == before


def test_a_household_taken_on_by_the_last_day_is_registered(seeded: Fupin) -> None:
    days = ("2018-12-01", "2018-12-05", "2018-12-06", "2018-12-13", "2018-12-14", "2018-12-31")
    _taken_on(seeded, "JN-N18", days)


def test_each_step_towards_registration_is_refused_after_the_last_year(seeded: Fupin) -> None:
    # The seeded ledger: JH-0002 identified, JH-0003 reviewed, JH-0004 under notice, unsigned.
    before = seeded.event_count()
    refusals = [
        (f"household review JH-0002 --accepted {doc('2019-01-02')}", "effective"),
        ("household notice JH-0003 --start 2019-01-02 --end 2019-01-09 -d 公示", "start"),
        # its registration would be dated from 2019-01-01
        ("household notice JH-0003 --start 2018-12-24 --end 2018-12-31 -d 公示", "end"),
        (f"household sign JH-0004 {doc('2019-01-02')}", "effective"),
    ]
    for line, field in refusals:
        assert_refused(seeded(line, JN), field, "registered 建档立卡 by 2018-12-31")
    assert seeded.event_count() == before

    seeded.ok(f"household sign JH-0004 {doc('2018-12-30')}", JN)
    refused = seeded(f"household register JH-0004 {doc('2019-01-01')}", JN)
    assert_refused(refused, "effective", RULE)
    assert "the registration is dated 2019-01-01" in refused.stderr


def test_a_rejection_at_review_after_the_last_year_ends_the_case(seeded: Fupin) -> None:
    said = seeded.ok(f"household review JH-0002 --rejected {doc('2019-02-01')}", JN)

    assert "rejected" in said.output


def test_a_programme_to_2019_takes_households_on_in_2019_not_2020(fupin: Fupin) -> None:
    with closing(open_ledger(fupin.store, create=True)) as app:
        app.initialise("admin", "区扶贫办", "江高发〔2016〕4号", date(2016, 7, 26))
        s = stamp(day=date(2016, 7, 26))
        app.open_programme(
            s, "精准扶贫", ProgrammeRules(last_year=2019, reduction_shares=(2, 3, 3, 2))
        )
        app.set_year(s, YearParameters(2016, 720_000, 1_800_000))
        app.register_street(s, "江南")
        app.add_village(s, "江南", "雄光", True)
        app.register_officer(s, "jn-01", "江南专干", "officer", "江南", "江南街道扶贫办")

    days = ("2019-03-01", "2019-03-05", "2019-03-06", "2019-03-13", "2019-03-14", "2019-03-20")
    _taken_on(fupin, "JN-N19", days)
    refused = fupin(_identify("JN-N20", "2020-01-02", serial=10), JN)
    assert_refused(refused, "effective", "registered 建档立卡 by 2019-12-31")


def test_a_household_returned_in_2018_still_exits_in_the_2019_plan(seeded: Fupin) -> None:
    seeded.ok(
        "programme set-year 2019 --urban-dibao 9000 --rural-income 21000 -d 江财〔2019〕1号 "
        "-e 2019-01-05",
        "admin",
    )
    for actor, line in EXIT + [(a, x.replace("-e 2017-", "-e 2018-")) for a, x in RETURN]:
        seeded.ok(line, actor)  # exited in 2016, returned in 2018

    for actor, line in [
        (JN, f"household assess JH-0001 2019 --income 12000 {doc('2019-10-10')}"),
        (JN, f"household propose-exit JH-0001 2019 {doc('2019-10-11')}"),
        (JN, f"household verify-exit JH-0001 {doc('2019-10-15')}"),
        (JN, "household exit-notice JH-0001 --start 2019-10-16 --end 2019-10-22 -d 公示"),
        ("qu-01", f"household approve-exit JH-0001 {doc('2019-11-01')}"),
    ]:
        seeded.ok(line, actor)


def _recorded_by_an_older_fupin(fupin: Fupin) -> None:
    """JH-0009 identified in 2016, reviewed, noticed, signed and registered in 2019, as a fupin
    before session 28 took it (``rebuilding_export``: as an export's rows are replayed)."""
    with closing(open_ledger(fupin.store)) as app, replayed_as_recorded():
        app.rebuilding_export = True
        identify(app, "JH-0009", serial=9)
        app.review(stamp(JN, date(2019, 3, 5)), "JH-0009", True)
        app.post_notice(stamp(JN, date(2019, 3, 6)), "JH-0009", date(2019, 3, 6), date(2019, 3, 13))
        app.sign(stamp(JN, date(2019, 3, 14)), "JH-0009")
        app.register(stamp(JN, date(2019, 3, 20)), "JH-0009", True)


def _verified(fupin: Fupin, store: str) -> str:
    result = fupin.runner.invoke(fupin_app, ["--store", store, "--as", "admin", "verify"])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


@pytest.mark.spared_on_replay("late_registration")
def test_an_older_ledger_moves_and_verify_notes_the_late_registration(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _recorded_by_an_older_fupin(seeded)
    rule_came_in(monkeypatch, "late_registration", after_now=True)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    for store in (seeded.store, str(tmp_path / "fresh.db")):
        said = _verified(seeded, store)
        assert (
            "under today's rules: household JH-0009 was registered on 2019-03-20, after "
            "2018-12-31, the end of the programme's last year (2018)" in said
        )
        assert "is in no year's plan" in said
        assert "fupin household close NUMBER --because in-error" in said
        # the moved store's note says the export's recording time is no evidence (since
        # re-tester P, session 28); the store it came from says it was recorded as taken
        elsewhere = store != seeded.store
        assert ("its original recording time is the export's, which is no evidence" in said) is (
            elsewhere
        )
        assert (
            "not a problem if a fupin took it: recorded as it was taken" in said
        ) is not elsewhere


def test_verify_notes_no_household_registered_within_the_years(seeded: Fupin) -> None:
    assert "the end of the programme's last year" not in _verified(seeded, seeded.store)


def test_a_registered_household_signs_again_after_the_last_year(seeded: Fupin) -> None:
    # Its signature voided, a registered household signs again: that leads to no registration.
    signed = last_entry(seeded, "JH-0001", "Signed")
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        # as a fupin before session 29 took it: a signature under a registration stands since
        ledger.correct(stamp(JN, date(2019, 2, 1)), "household", "JH-0001", signed, "签字有误")

    seeded.ok(f"household sign JH-0001 {doc('2019-02-02')} --note 户主补签", JN)


def test_identification_and_review_leave_time_for_a_full_notice_and_registration(
    seeded: Fupin,
) -> None:
    """Re-tester P, session 28, finding 4: identified or accepted at review on 2018-12-25 to
    -31, a household passed, though its notice of at least 7 days could not end by 2018-12-30
    nor it be registered by 2018-12-31. The latest day is 2018-12-31 less the notice days."""
    before = seeded.event_count()
    bound = "after 2018-12-24: a household is registered 建档立卡 by 2018-12-31"

    refused = seeded(_identify("JN-N25", "2018-12-25"), JN)
    assert_refused(refused, "effective", bound)
    said = " ".join(refused.stderr.split())
    assert "the identification is dated 2018-12-25" in said
    assert "a notice 公示 of at least 7 days [四(一)]" in said
    assert "(date it on or before 2018-12-24)" in said
    refused = seeded(f"household review JH-0002 --accepted {doc('2018-12-31')}", JN)
    assert_refused(refused, "effective", bound)
    assert "the village review is dated 2018-12-31" in refused.stderr
    assert seeded.event_count() == before

    # on the latest day, a full notice and the registration still fit in the year
    days = ("2018-12-24", "2018-12-24", "2018-12-24", "2018-12-30", "2018-12-31", "2018-12-31")
    _taken_on(seeded, "JN-N24", days)
