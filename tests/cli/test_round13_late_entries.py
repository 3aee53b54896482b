"""Round 13, two entries that went unchecked: a replacement paired (inside ``household unpair
--replacement``) on a day the household had exited, which ``household pair`` refuses; and a
finding's rectification deadline 限期整改 typed years late (2071 for 2017), which kept the
finding off the overdue list for good (no entry of an inspection can be corrected)."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round13_unpairings import EXIT

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

REPLACE = "household unpair JH-0001 c-1 --replacement c-2 --reason 调岗 {}"


def test_a_replacement_dated_after_the_exit_is_refused(seeded: Fupin) -> None:
    for actor, line in EXIT:  # JH-0001's exit, approved 2016-12-20
        seeded.ok(line, actor=actor)
    before = seeded.event_count()

    refused = seeded(REPLACE.format(doc("2017-01-10")), actor="jn-01")

    assert_refused(refused, "effective", "the replacement is dated 2017-01-10; JH-0001 exited")
    assert seeded.event_count() == before
    # On the approval's day the household is still assisted, as for a pairing.
    seeded.ok(REPLACE.format(doc("2016-12-20")), actor="jn-01")


def test_a_replacement_while_assisted_is_recorded(seeded: Fupin) -> None:
    seeded.ok(REPLACE.format(doc("2016-09-01")), actor="jn-01")


FIND = "inspection find DC-2016 f-1 --subject-kind village --subject 雄光 --deadline {} " + doc(
    "2016-12-12"
)


def test_a_rectification_deadline_more_than_a_year_after_the_finding_is_refused(
    seeded: Fupin,
) -> None:
    seeded.ok(f"inspection open DC-2016 --level district --year 2016 {doc('2016-12-10')}", "insp-1")
    before = seeded.event_count()

    refused = seeded(FIND.format("2071-01-31"), actor="insp-1")

    assert_refused(refused, "deadline", "more than a year after the finding (2016-12-12)")
    assert seeded.event_count() == before
    seeded.ok(FIND.format("2017-12-13"), actor="insp-1")  # 366 days: the longest
