"""Session 27, tester E (a district officer and editor): the public notice list 公示名单 printed
for the public (``fupin notice --format html``) was half English: its rows read
"identification 识别公示" / "exit 退出公示", "rural" / "urban", dates 2016-08-06, and its
title "2016-08-01 — 2016-08-31". The page is wholly Chinese: 识别公示 / 退出公示, 农村 / 城镇,
2016年8月6日, its title's period 2016年8月1日至2016年8月31日. The CSV, which scripts read, keeps
its column keys and values (docs/privacy.md)."""

from __future__ import annotations

import re

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round15_void_approval import EXIT
from tests.support import id_card

STORE_INDEPENDENT = "the page's words: SQLite is enough (tests/conftest.py)"

YEAR = "notice --street 江南 --from 2016-08-01 --to 2016-12-31"
#: An ASCII word: what the rows of the public page no longer hold.
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def _rows(page: str) -> list[list[str]]:
    """The cells of each row of the page's table."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in body.split("</tr>") if "<td>" in row]


def _with_urban_notice(seeded: Fupin) -> Fupin:
    """``seeded`` with JH-0005, an urban household of 江南, under notice 3-9 August 2016, and
    JH-0001's exit notice, 6-12 December 2016."""
    seeded.ok(
        "household identify JH-0005 --street 江南 --village 江南社区 --area urban --members 2 "
        f"--head-name 张三 --id-card {id_card(5)} --phone 13800000000 --address 江海区1号 "
        f"{doc('2016-08-01')}",
        "jn-01",
    )
    seeded.ok(f"household review JH-0005 {doc('2016-08-02')}", "jn-01")
    seeded.ok(
        f"household notice JH-0005 --start 2016-08-03 --end 2016-08-09 {doc('2016-08-03')}",
        "jn-01",
    )
    for actor, line in EXIT:  # JH-0001's exit notice, 6-12 December 2016
        seeded.ok(line, actor)
    return seeded


def test_the_printed_notice_list_is_wholly_chinese(seeded: Fupin) -> None:
    page = _with_urban_notice(seeded).ok(f"{YEAR} --format html", "jn-01").stdout

    rows = {row[2]: row for row in _rows(page)}
    assert {r[3] for r in rows.values()} == {"识别公示", "退出公示"}
    assert rows["JH-0005"][7] == "城镇"
    assert rows["JH-0004"][7] == "农村"
    assert rows["JH-0004"][8:] == ["2016年8月3日", "2016年8月9日"]
    for row in rows.values():  # the household number is an id, not a word
        assert not [c for c in row[:2] + row[3:] if ASCII_WORD.search(c)], row
    assert "江南街道 公示名单 2016年8月1日至2016年12月31日" in page
    assert "2016-08" not in page


def test_the_csv_keeps_its_columns_and_values_for_scripts(seeded: Fupin) -> None:
    lines = _with_urban_notice(seeded).ok(YEAR, "jn-01").stdout.splitlines()

    assert lines[0].lstrip("\ufeff").startswith("street,village,household,kind,")
    urban = next(line for line in lines if "JH-0005" in line).split(",")
    assert urban[3] == "identification 识别公示"
    assert urban[7:] == ["urban", "2016-08-03", "2016-08-09"]
