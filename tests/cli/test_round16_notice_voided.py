"""Round 16: ``fupin notice`` (the public notice list 公示名单) listed an identification notice
that a correction had voided, and a notice posted again twice (the voided one and the new one),
while ``household show`` and the reports had the household back at its review. A voided notice
never was a notice: it is not listed, as CSV or HTML; an exit notice, which no correction
voids (voiding the exit's approval puts the exit back at its notice), stays listed."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round15_void_approval import EXIT

AUGUST = "notice --street 江南 --from 2016-08-01 --to 2016-08-31"


def _version(fupin: Fupin, number: str, event: str) -> int:
    """The version of ``number``'s last ``event``."""
    history = orjson.loads(fupin.ok(f"history {number} --format json", "admin").stdout)
    return max(int(e["version"]) for e in history if e["event"] == event)


def _lines(fupin: Fupin, period: str, number: str) -> list[str]:
    return [line for line in fupin.ok(period, "jn-01").stdout.splitlines() if number in line]


def test_a_voided_notice_is_not_listed_and_one_posted_again_is_listed_once(
    seeded: Fupin,
) -> None:
    # seeded: JH-0004 under notice 3-9 August 2016, unsigned; JH-0001 registered.
    assert len(_lines(seeded, AUGUST, "JH-0004")) == 1
    notice = _version(seeded, "JH-0004", "NoticePosted")

    seeded.ok(f"correct household JH-0004 {notice} --reason 日期录错 {doc('2016-08-10')}", "jn-01")

    assert _lines(seeded, AUGUST, "JH-0004") == []
    assert "JH-0004" not in seeded.ok(f"{AUGUST} --format html", "jn-01").stdout
    assert len(_lines(seeded, AUGUST, "JH-0001")) == 1  # a notice not voided stays

    seeded.ok(
        f"household notice JH-0004 --start 2016-08-12 --end 2016-08-18 {doc('2016-08-12')}",
        "jn-01",
    )

    listed = _lines(seeded, AUGUST, "JH-0004")
    assert len(listed) == 1, listed
    assert listed[0].endswith("2016-08-12,2016-08-18")
    assert seeded.ok(f"{AUGUST} --format html", "jn-01").stdout.count("JH-0004") == 1


def test_an_exit_notice_stays_listed_when_the_approval_is_voided(seeded: Fupin) -> None:
    for actor, line in EXIT:
        seeded.ok(line, actor)
    approval = _version(seeded, "JH-0001", "ExitAdvanced")
    notice = _version(seeded, "JH-0004", "NoticePosted")
    seeded.ok(
        f"correct household JH-0001 {approval} --reason 审批对象录错 {doc('2016-12-28')}", "qu-01"
    )
    seeded.ok(f"correct household JH-0004 {notice} --reason 日期录错 {doc('2016-08-10')}", "jn-01")

    december = _lines(seeded, "notice --street 江南 --from 2016-12-01 --to 2016-12-31", "JH-0001")

    assert len(december) == 1, december  # the exit is back at its notice: the notice stands
    assert "exit 退出公示" in december[0]
    assert _lines(seeded, AUGUST, "JH-0004") == []
