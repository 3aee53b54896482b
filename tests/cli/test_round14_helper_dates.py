"""Round 14: a helper serves the programme only from the day it was registered. A pairing (or a
replacement named by ``household unpair``, or an employment) dated before the helper's own
registration was accepted: the household owed visits of a helper not yet on record, and a place
of the 4+1 was filled by no one."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

LATE_CADRE = "helper add c-9 --kind cadre --name 迟干部 --unit 区民政局 --rank section " + doc(
    "2017-03-01"
)
LATE_FIRM = "helper add e-9 --kind enterprise --name 迟到厂 " + doc("2017-03-01")


def test_a_pairing_before_the_helpers_registration_is_refused(seeded: Fupin) -> None:
    seeded.ok(LATE_CADRE, actor="qu-01")
    before = seeded.event_count()

    refused = seeded(f"household pair JH-0001 c-9 {doc('2017-02-28')}", actor="jn-01")

    assert_refused(refused, "effective", "c-9 was registered on 2017-03-01: it cannot be paired")
    assert seeded.event_count() == before
    seeded.ok(f"household pair JH-0001 c-9 {doc('2017-03-01')}", actor="jn-01")


def test_an_enterprise_paired_before_its_registration_is_refused(seeded: Fupin) -> None:
    seeded.ok(LATE_FIRM, actor="qu-01")
    before = seeded.event_count()

    refused = seeded(f"household pair JH-0001 e-9 {doc('2016-12-01')}", actor="jn-01")

    assert_refused(refused, "effective", "e-9 was registered on 2017-03-01")
    assert seeded.event_count() == before


def test_a_replacement_before_its_registration_is_refused(seeded: Fupin) -> None:
    seeded.ok(LATE_CADRE, actor="qu-01")
    before = seeded.event_count()
    line = "household unpair JH-0001 c-1 --replacement c-9 --reason 调岗 {}"

    refused = seeded(line.format(doc("2016-10-01")), actor="jn-01")

    assert_refused(refused, "replacement", "c-9 was registered on 2017-03-01")
    assert seeded.event_count() == before
    seeded.ok(line.format(doc("2017-03-02")), actor="jn-01")


def test_an_employment_recorded_before_the_enterprises_registration_is_refused(
    seeded: Fupin,
) -> None:
    seeded.ok(LATE_FIRM, actor="qu-01")
    before = seeded.event_count()
    line = "helper employ e-9 JH-0001 --since 2016-09-01 {}"

    refused = seeded(line.format(doc("2016-09-01")), actor="jn-01")

    assert_refused(refused, "effective", "e-9 was registered on 2017-03-01: it cannot be recorded")
    assert seeded.event_count() == before
    # A job that began before the registration is recorded once the enterprise is on record.
    seeded.ok(line.format(doc("2017-03-01")), actor="jn-01")
