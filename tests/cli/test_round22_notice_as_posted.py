"""Tester K, session 22: the public notice list 公示名单 showed a household as last recorded
before its notice, not as it stood on the notice's first day: a change of members dated two
months after the notice, entered before it (a clerk back-filling a paper file), named a head
who was not head yet, with the later count of members, on the reprinted list. It now lists the
household's members and head as of the notice's first day, as known when it was posted."""

from __future__ import annotations

from tests.cli.conftest import Fupin, doc
from tests.support import id_card

STORE_INDEPENDENT = "the list's own reading: SQLite is enough (tests/conftest.py)"


def test_a_notice_lists_the_household_as_it_stood_on_its_first_day(seeded: Fupin) -> None:
    identify = (
        f"household identify JN-800001 --street 江南 --village 雄光 --members 3 --labour --willing "
        f"--dibao --head-name 张大山 --id-card {id_card(81)} --member-name 张大山 "
        f"--member-name 李小花 --member-name 张明 "
    )
    seeded.ok(identify + doc("2016-08-01"), "jn-01")
    later = (
        f"household members JN-800001 --members 2 --head-name 李小花 --id-card {id_card(82)} "
        "--member-name 李小花 --member-name 张明 --note 户主死亡 "
    )
    seeded.ok(later + doc("2016-10-01"), "jn-01")  # dated after the notice, entered before
    seeded.ok("household review JN-800001 --accepted " + doc("2016-08-02"), "jn-01")
    notice = "household notice JN-800001 --start 2016-08-03 --end 2016-08-09 "
    seeded.ok(notice + doc("2016-08-03"), "jn-01")

    listed = seeded.ok(
        "notice --street 江南 --from 2016-08-03 --to 2016-08-09 --format csv", "jn-01"
    ).stdout

    row = next(line for line in listed.splitlines() if "JN-800001" in line)
    assert "张**" in row
    assert id_card(81)[-4:] in row
    assert ",3," in row
    assert "李**" not in row


def test_a_short_exit_notice_cites_the_exit_procedure(seeded: Fupin) -> None:
    """Tester T, session 22: the identification notice's refusal cited [四(一)], the exit
    notice's nothing (the exit procedure is [六(六)])."""
    from tests.cli.conftest import assert_refused
    from tests.cli.test_round13_unpairings import EXIT

    for actor, line in EXIT[:3]:  # assessed, proposed, verified
        seeded.ok(line, actor)
    short = "household exit-notice JH-0001 --start 2016-12-06 --end 2016-12-11 "

    refused = seeded(short + doc("2016-12-06"), "jn-01")

    assert_refused(
        refused,
        "end",
        "the notice lasts 6 days; the plan needs 7 (the programme's notice days, 四(一)'s, for "
        "the exit notice of 六(六))",
    )
