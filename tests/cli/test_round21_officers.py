"""Session 21, a provincial inspector: ``officer retire`` and ``officer change``.

- a retirement dated before the officer's registration was recorded (reports as of 2017 showed
  an officer retired in 2016 beside hundreds of their 2017 events), and could not be corrected;
- a transfer dated before the registration (and the programme) was recorded;
- ``officer list --as-of`` took transfers in recording order: one back-dated, entered after a
  later-dated one, read as the transfer in force;
- a transfer to the role and street the officer holds was recorded;
- (tester, later in session 21) a transfer recorded on the wrong day could never be fixed: a
  second one to the same post was a no-op, a retirement dated before it was refused, and a
  correction of it was refused (only a retirement was correctable); an officer's registration
  dated 0001-01-01, before the ledger was founded, was recorded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import orjson
from ledger.application import Ledger, open_ledger
from ledger.officers import Officer
from ledger.verification import verify_ledger

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import stamp

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


@contextmanager
def _opened(fupin: Fupin) -> Iterator[Ledger]:
    """The ledger of ``fupin``'s store, to write into it what no command writes."""
    app = open_ledger(fupin.store)
    try:
        yield app
    finally:
        app.close()


def _listed(fupin: Fupin, as_of: str = "") -> dict[str, dict[str, object]]:
    """``officer list`` (as of ``as_of``, if given), by officer id."""
    line = "officer list --format json" + (f" --as-of {as_of}" if as_of else "")
    return {row["officer"]: row for row in orjson.loads(fupin.ok(line).stdout)["officers"]}


def test_a_retirement_dated_before_the_registration_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(f"officer retire ll-01 --reason 调离 {doc('2016-01-01')}", "admin")

    assert_refused(refused, "effective", "ll-01 was registered only on 2016-07-26")
    assert seeded.event_count() == before
    assert _listed(seeded, "2017-06-01")["ll-01"]["active"] is True


def test_a_transfer_dated_before_the_registration_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(f"officer change jn-01 --role inspector {doc('2015-01-01')}", "admin")

    assert_refused(refused, "effective", "jn-01 was registered only on 2016-07-26")
    assert seeded.event_count() == before


def test_a_transfer_or_retirement_dated_before_the_latest_transfer_is_refused(
    seeded: Fupin,
) -> None:
    seeded.ok(f"officer change ll-01 --role officer --street 江南 {doc('2018-06-01')}", "admin")
    before = seeded.event_count()

    back = seeded(f"officer change ll-01 --role officer --street 礼乐 {doc('2017-01-01')}", "admin")
    retired = seeded(f"officer retire ll-01 --reason 调离 {doc('2018-05-31')}", "admin")

    for refused in (back, retired):
        assert_refused(
            refused, "effective", "ll-01's latest transfer took effect only on 2018-06-01"
        )
    assert seeded.event_count() == before
    seeded.ok(f"officer change ll-01 --role officer --street 礼乐 {doc('2018-06-01')}", "admin")
    seeded.ok(f"officer retire ll-01 --reason 调离 {doc('2018-06-01')}", "admin")


def test_a_transfer_to_the_post_the_officer_holds_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    street = seeded(
        f"officer change jn-01 --role officer --street 江南 {doc('2017-01-01')}", "admin"
    )
    district = seeded(f"officer change qu-01 --role officer {doc('2017-01-01')}", "admin")

    assert_refused(street, "role", "jn-01 is already officer of 江南: nothing to change")
    assert_refused(district, "role", "qu-01 is already officer of the district: nothing to change")
    assert seeded.event_count() == before


def test_the_list_takes_transfers_by_effective_date_in_a_ledger_holding_a_back_dated_one(
    seeded: Fupin,
) -> None:
    """A ledger written before session 21 may hold a transfer dated before one recorded
    earlier: the one in force on a day is the latest dated by then, today as of any date."""
    seeded.ok(f"officer change jn-01 --role officer --street 礼乐 {doc('2018-06-01')}", "admin")
    with _opened(seeded) as app:  # as the command recorded it before session 21
        officer = app.load(Officer, "jn-01", "officer")
        officer._role_changed("officer", "", app.provenance(stamp(day=date(2017, 1, 1)), "admin"))
        app.save(officer)

    streets = {
        day: _listed(seeded, day)["jn-01"]["street"]
        for day in ("2016-12-31", "2017-06-01", "2018-06-15", "")
    }

    assert streets == {"2016-12-31": "江南", "2017-06-01": "", "2018-06-15": "礼乐", "": "礼乐"}


def test_an_imported_transfer_keeps_the_commands_rules(seeded: Fupin, tmp_path: Path) -> None:
    rows = [
        ("change_officer", "2015-01-01", {"officer": "jn-01", "role": "inspector"}),
        ("retire_officer", "2016-01-01", {"officer": "ll-01", "reason": "调离"}),
        ("change_officer", "2017-01-01", {"officer": "jn-01", "role": "officer", "street": "江南"}),
    ]
    said = (
        "effective: jn-01 was registered only on 2016-07-26",
        "effective: ll-01 was registered only on 2016-07-26",
        "role: jn-01 is already officer of 江南: nothing to change",
    )
    before = seeded.event_count()

    for (command, effective, args), rule in zip(rows, said, strict=True):
        line = {
            "command": command,
            "ref": f"o-{effective}",
            "actor": "admin",
            "effective": effective,
            "document": "调岗通知",
            "note": "",
            "args": args,
        }
        path = tmp_path / "rows.jsonl"
        path.write_bytes(orjson.dumps(line) + b"\n")
        refused = seeded(f"import {path}", "admin")
        assert refused.exit_code == 2, refused.output
        assert f"line 1, {rule}" in " ".join(refused.stderr.split())
    assert seeded.event_count() == before


def test_a_retirement_recorded_in_error_is_corrected_and_the_officer_records_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"officer retire ll-01 --reason 调离 {doc('2017-01-01')}", "admin")
    line = f"correct officer ll-01 2 --reason 录错人员 {doc('2017-01-02')}"

    assert_refused(
        seeded(line, "jn-01"),
        "as",
        "jn-01 is officer; fupin correct of an officer's retirement or transfer needs admin",
    )
    assert_refused(
        seeded(f"correct officer ll-01 2 --reason 录错人员 {doc('2016-12-31')}", "admin"),
        "effective",
        "entry 2 took effect only on 2017-01-01",
    )
    assert seeded.ok(line, "admin").stdout.strip() == (
        "officer ll-01 entry 2 corrected: its OfficerRetired of 2017-01-01 is void"
    )

    assert _listed(seeded)["ll-01"]["active"] is True
    assert _listed(seeded, "2017-06-01")["ll-01"]["active"] is True
    seeded.ok(f"helper add sw-9 --kind social-worker --name 张社工 {doc('2017-02-01')}", "ll-01")
    assert seeded("verify").exit_code == 0
    seeded.ok(f"officer retire ll-01 --reason 调离 {doc('2017-03-01')}", "admin")
    assert _listed(seeded)["ll-01"]["active"] is False
    assert reimported(seeded, tmp_path).exit_code == 0


def test_verify_reports_a_retirement_voided_by_anyone_but_the_district_office(
    seeded: Fupin,
) -> None:
    """Written into the file by hand: a district officer's correction of a retirement, and
    an admin's dated before the retirement; the officer's later events are still theirs."""
    seeded.ok(f"officer retire ll-01 --reason 调离 {doc('2017-01-01')}", "admin")
    seeded.ok(f"officer retire ana-1 --reason 调离 {doc('2017-01-01')}", "admin")
    with _opened(seeded) as app:
        for actor, key, day in (
            ("qu-01", "ll-01", date(2017, 1, 2)),
            ("admin", "ana-1", date(2016, 12, 31)),
        ):
            officer = app.load(Officer, key, "key")
            officer._corrected(2, "录错", app.authorise(stamp(actor, day), "correct"))
            app.save(officer)

        reasons = [p.reason for p in verify_ledger(app.recorder, app.mapper).problems]

    assert reasons == [
        "officer voided an officer's retirement or transfer; correct_officer needs admin (the "
        "district office)",
        "its record's rules refuse it (effective: the correction is dated 2016-12-31; entry 2 "
        "took effect only on 2017-01-01)",
    ]


# -- a transfer recorded in error voided (the latest in force only) ------------------------------


def test_a_transfer_on_the_wrong_day_is_voided_and_recorded_again_on_its_day(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"officer change jn-01 --role officer --street 礼乐 {doc('2018-06-01')}", "admin")
    refused = seeded(f"officer retire jn-01 --reason 调离 {doc('2017-12-31')}", "admin")
    assert_refused(refused, "effective", "jn-01's latest transfer took effect only on 2018-06-01")
    line = f"correct officer jn-01 2 --reason 日期录错 {doc('2018-06-01')}"

    assert_refused(
        seeded(line, "qu-01"),
        "as",
        "qu-01 is officer; fupin correct of an officer's retirement or transfer needs admin",
    )
    assert seeded.ok(line, "admin").stdout.strip() == (
        "officer jn-01 entry 2 corrected: its OfficerRoleChanged of 2018-06-01 is void"
    )

    for day in ("", "2018-06-15"):
        row = _listed(seeded, day)["jn-01"]
        assert (row["role"], row["street"]) == ("officer", "江南")
    seeded.ok(f"officer change jn-01 --role officer --street 礼乐 {doc('2017-03-01')}", "admin")
    assert _listed(seeded, "2017-06-01")["jn-01"]["street"] == "礼乐"
    assert _listed(seeded, "2017-02-01")["jn-01"]["street"] == "江南"
    seeded.ok(f"officer retire jn-01 --reason 调离 {doc('2017-12-31')}", "admin")
    assert seeded("verify").exit_code == 0
    assert reimported(seeded, tmp_path).exit_code == 0


def test_only_the_latest_transfer_is_voided_and_not_under_a_retirement(seeded: Fupin) -> None:
    seeded.ok(f"officer change jn-01 --role officer --street 礼乐 {doc('2017-01-01')}", "admin")
    seeded.ok(f"officer change jn-01 --role inspector {doc('2017-02-01')}", "admin")
    seeded.ok(f"officer retire jn-01 --reason 调离 {doc('2017-03-01')}", "admin")
    before = seeded.event_count()

    earlier = seeded(f"correct officer jn-01 2 --reason 录错 {doc('2017-03-01')}", "admin")
    retired = seeded(f"correct officer jn-01 3 --reason 录错 {doc('2017-03-01')}", "admin")

    assert_refused(earlier, "version", "entry 2 is not jn-01's latest transfer (entry 3 is)")
    assert_refused(retired, "version", "jn-01 retired at entry 4: their transfer 3 is voided")
    assert seeded.event_count() == before
    seeded.ok(f"correct officer jn-01 4 --reason 录错 {doc('2017-03-01')}", "admin")
    seeded.ok(f"correct officer jn-01 3 --reason 录错 {doc('2017-03-01')}", "admin")
    seeded.ok(f"correct officer jn-01 2 --reason 录错 {doc('2017-03-01')}", "admin")
    row = _listed(seeded)["jn-01"]
    assert (row["role"], row["street"], row["active"]) == ("officer", "江南", True)


def test_an_admin_does_not_void_their_own_transfer_to_admin(seeded: Fupin) -> None:
    seeded.ok(f"officer change qu-01 --role admin {doc('2017-01-01')}", "admin")
    before = seeded.event_count()

    refused = seeded(f"correct officer qu-01 2 --reason 录错 {doc('2017-01-02')}", "qu-01")

    assert_refused(refused, "officer", "an admin does not give up their own admin role")
    assert seeded.event_count() == before
    seeded.ok(f"correct officer qu-01 2 --reason 录错 {doc('2017-01-02')}", "admin")
    assert _listed(seeded)["qu-01"]["role"] == "officer"


def test_verify_judges_an_officers_later_events_by_the_post_a_voided_transfer_restores(
    seeded: Fupin,
) -> None:
    seeded.ok(f"officer change jn-01 --role inspector {doc('2016-09-01')}", "admin")
    seeded.ok(f"correct officer jn-01 2 --reason 录错 {doc('2016-09-01')}", "admin")

    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-02')}", "jn-01")

    assert seeded("verify").exit_code == 0


def test_verify_reports_a_voided_transfer_that_was_not_the_latest(seeded: Fupin) -> None:
    """Written into the file by hand: a correction of jn-01's first transfer, the second in
    force; the command refuses it."""
    seeded.ok(f"officer change jn-01 --role officer --street 礼乐 {doc('2017-01-01')}", "admin")
    seeded.ok(f"officer change jn-01 --role officer --street 江南 {doc('2017-02-01')}", "admin")
    with _opened(seeded) as app:
        officer = app.load(Officer, "jn-01", "key")
        prov = app.authorise(stamp("admin", date(2017, 3, 1)), "correct_officer")
        officer._corrected(2, "录错", prov)
        app.save(officer)

        reasons = [p.reason for p in verify_ledger(app.recorder, app.mapper).problems]

    assert len(reasons) == 1
    assert reasons[0].startswith(
        "its record's rules refuse it (version: entry 2 is not jn-01's latest transfer"
    )


# -- an officer registered before the ledger was founded ------------------------------------------


def test_an_officer_registered_before_the_ledger_was_founded_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(f"officer add jn-10 --name 新专干 --role analyst {doc('0001-01-01')}", "admin")

    assert_refused(
        refused,
        "effective",
        "jn-10's registration is dated 0001-01-01, before the ledger was founded on "
        "2016-07-26 (fupin init registered its first admin)",
    )
    assert seeded.event_count() == before
    seeded.ok(f"officer add jn-10 --name 新专干 --role analyst {doc('2016-07-26')}", "admin")


def test_a_transfer_the_officer_acted_under_is_not_voided(seeded: Fupin) -> None:
    # tester M, session 21: voided after the officer had recorded as an inspector, every view
    # of the officers said they never were one, beside the inspection they opened as one
    seeded.ok(f"officer change jn-01 --role inspector {doc('2018-06-01')}", "admin")
    seeded.ok(f"inspection open IX-1 --level district --year 2018 {doc('2018-07-01')}", "jn-01")
    before = seeded.event_count()

    refused = seeded(f"correct officer jn-01 2 --reason 调错 {doc('2018-07-02')}", "admin")

    assert_refused(
        refused,
        "version",
        "jn-01 recorded InspectionOpened (log position ",
    )
    assert "after this transfer, under the post it gave them: a transfer they acted" in (
        refused.stderr
    )
    assert seeded.event_count() == before
    assert _listed(seeded)["jn-01"]["role"] == "inspector"
