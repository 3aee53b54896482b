"""Session 27, tester H (re-test of the Chinese wording, M1): the printed notice list 公示名单
was not wholly Chinese: an erased household's 户主 and 身份证号 read ``[erased]``, and a list
--known-at said ``as known at 2016-08-10T23:59:59.999999+08:00`` under its title. Every marker
is Chinese (（已删除）, （无法读取）) and the time is said as the public reads it, in China:
截至2016年8月10日24时的记录 for a day's end, 截至2017年3月1日9时30分的记录 for a time
(docs/privacy.md)."""

from __future__ import annotations

import re
from datetime import datetime

from ledger.values import CHINA_STANDARD_TIME

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round27_notice_words import ASCII_WORD, _rows

STORE_INDEPENDENT = "the page's words: SQLite is enough (tests/conftest.py)"

PAGE = "notice --street 江南 --from 2016-08-01 --to 2016-08-31 --format html"


def _known_at_line(page: str) -> str:
    found = re.search(r'<p class="known-at">(.*?)</p>', page)
    assert found is not None, page
    return found[1]


def test_an_erased_household_reads_erased_in_chinese(seeded: Fupin) -> None:
    seeded.ok(f"erase JH-0004 --reason 本人申请删除 {doc('2016-09-01')}", "admin")

    page = seeded.ok(PAGE, "jn-01").stdout

    erased = next(row for row in _rows(page) if row[2] == "JH-0004")
    assert erased[4:6] == ["（已删除）", "（已删除）"]
    assert "[erased]" not in page


def test_the_time_a_list_shows_is_said_in_chinese_in_china(seeded: Fupin) -> None:
    day_end = seeded.ok(f"{PAGE} --known-at 2016年8月10日", "jn-01").stdout
    morning = seeded.ok(f"{PAGE} --known-at 2017-03-01T01:30:00+00:00", "jn-01").stdout
    today = datetime.now(CHINA_STANDARD_TIME).date()  # today's date: the list as known now
    now = seeded.ok(f"{PAGE} --known-at {today}", "jn-01").stdout

    assert _known_at_line(day_end) == "截至2016年8月10日24时的记录"
    assert _known_at_line(morning) == "截至2017年3月1日9时30分的记录"
    read = _known_at_line(now)
    assert re.fullmatch(
        r"截至\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时(\d{1,2}分(\d{1,2}秒)?)?（读取时）的记录"
        r"（暂定：[^（）]*前，时钟偏慢的电脑仍可能补录此前的记录）",  # known now: not final yet
        read,
    )
    for page in (day_end, morning, now):
        assert not ASCII_WORD.search(_known_at_line(page))
        assert "as known at" not in page
