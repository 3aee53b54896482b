"""Round 13, issue 4: a return to poverty is recognised by a department at district level or
higher 区级以上 [六(六)]: a name holding one of the ledger's streets (江海区礼乐), or an office
所, 站 or 办 named after a street or town (江海区荷塘民政所), is refused, writing nothing; the
district's and the city's own bureaus and offices are recognised as before."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_seed_rules_cli import exited

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

RULE = "below the district: a return is recognised by a department at district level or higher"


def test_a_name_holding_a_street_on_record_is_refused(seeded: Fupin) -> None:
    line = exited(seeded)
    seeded.ok(f"place add-street 外海 {doc('2016-07-26')}", "admin")
    before = seeded.event_count()

    for authority, street in (
        ("江海区礼乐", "礼乐"),
        ("江门市江海区外海", "外海"),
        ("江海区外海民政所", "外海"),
        ("江海区礼乐农业服务站", "礼乐"),
        ("江海區外海民政所", "外海"),
    ):
        assert_refused(
            seeded(line.format(authority), "jn-01"),
            "authority",
            f"{authority!r} names {street}, a street 街道 on record, {RULE}",
        )
    assert seeded.event_count() == before


def test_an_office_named_after_a_town_is_refused(seeded: Fupin) -> None:
    # 荷塘 is a town of another district, on no record of the ledger.
    line = exited(seeded)
    before = seeded.event_count()

    for authority in ("江海区荷塘民政所", "江门市蓬江区荷塘农业服务站", "江海区荷塘扶贫办"):
        assert_refused(
            seeded(line.format(authority), "jn-01"),
            "authority",
            f"{authority!r} is an office of '荷塘', a street or town",
        )
    assert seeded.event_count() == before


def test_district_and_city_departments_are_still_recognised(seeded: Fupin) -> None:
    line = exited(seeded)
    seeded.ok(f"place add-street 外海 {doc('2016-07-26')}", "admin")
    withdraw = "household withdraw-return JH-0001 --reason 认定有误 " + doc("2017-08-25")

    for authority in (
        "江海区民政局",
        "江海区农业农村局",
        "江门市气象局",
        "江海区自然资源局",
        "江海区扶贫办",
        "江海区三防办",
        "江门市农业技术推广站",
    ):
        seeded.ok(line.format(authority), "jn-01")
        seeded.ok(withdraw, "jn-01")
