"""Session 23 (tester B): a household identified with its members' names, the head of
household not among them (``--head-name 赵六 --member-name 钱七 --member-name 孙八``), was
taken. The head is a member: when names are given, the head's is one of them, at the
identification and at a change of members. The refusal never quotes a name."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

IDENTIFY = (
    "household identify JH-0050 --street 江南 --village 雄光 --area rural --members 2 "
    f"--head-name 赵六 --id-card {id_card(50)} {doc('2016-08-01')} "
)
MEMBERS = (
    f"household members JH-0050 --head-name 赵六 --id-card {id_card(50)} --note 户主变更 "
    f"--members 2 {doc('2016-09-15')} "
)
RULE = "the head of household's name is not among the members' names: the head is a member"


def test_an_identification_whose_names_leave_out_the_head_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(IDENTIFY + "--member-name 钱七 --member-name 孙八", "jn-01")

    assert_refused(refused, "member_names", RULE)
    assert "钱七" not in refused.stderr
    assert "赵六" not in refused.stderr
    assert seeded.event_count() == before


def test_the_head_among_the_names_or_no_names_at_all_pass(seeded: Fupin) -> None:
    seeded.ok(IDENTIFY + "--member-name 钱七 --member-name 赵六", "jn-01")
    seeded.ok(IDENTIFY.replace("JH-0050", "JH-0051").replace(id_card(50), id_card(51)), "jn-01")


def test_a_change_of_members_whose_names_leave_out_the_head_is_refused(seeded: Fupin) -> None:
    seeded.ok(IDENTIFY + "--member-name 赵六 --member-name 钱七", "jn-01")
    before = seeded.event_count()

    refused = seeded(MEMBERS + "--member-name 钱七 --member-name 孙八", "jn-01")

    assert_refused(refused, "member_names", RULE)
    assert seeded.event_count() == before
    seeded.ok(MEMBERS + "--member-name 赵六 --member-name 孙八", "jn-01")
