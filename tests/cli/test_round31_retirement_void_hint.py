"""Session 31, tester l (F3): a retirement or transfer dated before an entry its officer
recorded under the post it ends is refused, and the refusal offered "or void that entry first"
for any entry but a correction or a record's ``Amended``, also for one ``fupin correct``
refuses: a village's amendment ``VillageAmended`` (the street's entries are not voided), a
helper's registration ``HelperRegistered`` ("not a correctable entry"). The void is offered
only for an entry the correction takes (its record's ``VOIDABLE``), and the refusal says what
is true of any other."""

from __future__ import annotations

import re
from datetime import date

from tests.cli.conftest import Fupin, assert_refused, doc, verify_after_older_retirement

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

_VOID = "void that entry first"


def _refused_step(seeded: Fupin, line: str, rule: str) -> str:
    """The admin's ``line`` (a retirement or transfer) refused on its date for ``rule``,
    nothing written: its refusal, on one line."""
    before = seeded.event_count()
    refused = seeded(line, "admin")
    assert_refused(refused, "effective", rule)
    assert seeded.event_count() == before
    return " ".join(refused.stderr.split())


def test_a_retirement_before_a_village_amendment_is_told_it_is_an_amendment(
    seeded: Fupin,
) -> None:
    seeded.ok(
        f"officer add admin2 --name 区管理员 --role admin --unit 区扶贫办 {doc('2016-07-26')}",
        "admin",
    )
    seeded.ok(
        f"place amend-village 江南 江南社区 --relatively-poor --reason 录错 {doc('2016-09-05')}",
        "admin2",
    )

    said = _refused_step(
        seeded,
        f"officer retire admin2 --reason 调离 {doc('2016-09-01')}",
        "admin2 recorded VillageAmended dated 2016-09-05",
    )

    assert "date the retirement on or after 2016-09-05 (a correction 更正 or an amendment " in said
    assert _VOID not in said


def test_a_transfer_before_a_helpers_registration_is_not_told_to_void_it(seeded: Fupin) -> None:
    seeded.ok(
        "helper add c-9 --kind cadre --name 赵干部 --rank section --unit 区财政局 "
        f"{doc('2016-09-10')}",
        "jn-01",
    )
    # the registration is no entry a correction takes, as the refusal says
    voided = seeded(f"correct helper c-9 1 --reason 录错 {doc('2016-09-11')}", "admin")
    assert_refused(voided, "version", "1 is not a correctable entry here")

    said = _refused_step(
        seeded,
        f"officer change jn-01 --role inspector {doc('2016-09-01')}",
        "jn-01 recorded HelperRegistered dated 2016-09-10",
    )

    assert (
        "date the transfer on or after 2016-09-10 (entry 1, a HelperRegistered, is not one a "
        "correction voids)" in said
    )
    assert _VOID not in said


def test_a_retirement_before_a_visit_is_still_told_to_void_it_and_the_void_is_taken(
    seeded: Fupin,
) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-10')}", "jn-01")

    said = _refused_step(
        seeded,
        f"officer retire jn-01 --reason 调离 {doc('2016-09-01')}",
        "jn-01 recorded VisitRecorded dated 2016-09-10",
    )

    assert "date the retirement on or after 2016-09-10, or void that entry first if it is " in said
    entry = re.search(r"\(entry (\d+) of household JH-0001,", said)
    assert entry is not None
    # the hint followed: the visit voided (by an admin: a correction of jn-01's is theirs too)
    seeded.ok(f"correct household JH-0001 {entry[1]} --reason 录错 {doc('2016-09-11')}", "admin")
    seeded.ok(f"officer retire jn-01 --reason 调离 {doc('2016-09-01')}", "admin")


def test_verify_quotes_the_command_that_voids_an_older_retirement(seeded: Fupin) -> None:
    """F9: the note of a retirement an older fupin dated before its officer's entries quoted
    ``fupin correct officer OFFICER_ID ENTRY --reason …``; it names the officer and the entry,
    and the command, followed as shown (its reason and document filled), clears the note."""
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-10')}", "jn-01")

    said = verify_after_older_retirement(seeded, "jn-01", date(2016, 9, 1))

    assert "jn-01's retirement (entry 2, log position " in said
    assert "void it (`fupin correct officer jn-01 2 --reason …`) and record it anew" in said
    assert "OFFICER_ID" not in said
    seeded.ok(f"correct officer jn-01 2 --reason 日期错 {doc('2016-09-11')}", "admin")
    assert "jn-01's retirement" not in seeded.ok("verify").stdout
