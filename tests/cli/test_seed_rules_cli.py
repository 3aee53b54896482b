"""The plan's rules a domain audit found unenforced, through ``fupin`` (the rest are in
tests/unit/test_seed_rules.py): one enterprise for one household 一对一; the urban 低保 standard
per person per year; a return recognised at district level or higher; a district finding
rectified by its street."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def refused(fupin: Fupin, line: str, actor: str, field: str, rule: str) -> None:
    before = fupin.event_count()

    result = fupin(line, actor=actor)

    assert_refused(result, field, rule)
    assert fupin.event_count() == before


def test_an_enterprise_paired_with_a_household_is_refused_for_another(seeded: Fupin) -> None:
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-11')}", "jn-01")
    seeded.ok(f"household sign JH-0004 {doc('2016-08-05')}", "jn-01")
    seeded.ok(f"household register JH-0004 --key-target {doc('2016-08-10')}", "jn-01")

    refused(
        seeded,
        f"household pair JH-0004 e-1 {doc('2016-08-11')}",
        "jn-01",
        "helper",
        "e-1 is paired with household JH-0001: an enterprise or cooperative pairs one household "
        "一对一",
    )
    seeded.ok(f"household pair JH-0004 sw-1 {doc('2016-08-11')}", "jn-01")


def test_a_monthly_urban_dibao_standard_is_refused(seeded: Fupin) -> None:
    refused(
        seeded,
        f"programme set-year 2017 --urban-dibao 650 --rural-income 19000 --note 更正 "
        f"{doc('2017-01-10')}",
        "admin",
        "urban_dibao",
        "650.00 yuan cannot be a year's urban 低保 standard: it is recorded per person per year "
        "(a monthly standard × 12)",
    )
    seeded.ok(
        f"programme set-year 2017 --urban-dibao 7800 --rural-income 19000 --note 更正 "
        f"{doc('2017-01-10')}",
        "admin",
    )


def exited(seeded: Fupin) -> str:
    """JH-0001's 2016 exit, approved on 2016-12-20; returns the line that recognises its return
    on 2017-08-25, ``{}`` for the authority."""
    for line, actor in (
        (f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}", "jn-01"),
        (f"household propose-exit JH-0001 2016 {doc('2016-12-01')}", "jn-01"),
        (f"household verify-exit JH-0001 {doc('2016-12-05')}", "jn-01"),
        (
            f"household exit-notice JH-0001 --start 2016-12-06 --end 2016-12-12 "
            f"{doc('2016-12-06')}",
            "jn-01",
        ),
        (f"household approve-exit JH-0001 {doc('2016-12-20')}", "qu-01"),
    ):
        seeded.ok(line, actor)
    return "household return JH-0001 recognised --disaster 台风天鸽 --authority {} " + doc(
        "2017-08-25"
    )


def test_a_return_recognised_by_a_village_committee_is_refused(seeded: Fupin) -> None:
    line = exited(seeded)

    refused(
        seeded,
        line.format("雄光村委会"),
        "jn-01",
        "authority",
        "'雄光村委会' is a village 村 body, below the district: a return is recognised by a "
        "department at district level or higher 区级以上",
    )
    refused(seeded, line.format("民政局"), "jn-01", "authority", "'民政局' names no level")
    seeded.ok(line.format("江海区农业农村局"), "jn-01")


def test_the_villages_street_reports_the_rectification_of_a_district_finding(
    seeded: Fupin,
) -> None:
    seeded.ok(f"inspection open DC-2016 --level district --year 2016 {doc('2016-12-10')}", "insp-1")
    seeded.ok(
        "inspection find DC-2016 f-1 --subject-kind village --subject 雄光 --description 台账不全 "
        f"--deadline 2017-01-31 {doc('2016-12-12')}",
        "insp-1",
    )

    refused(
        seeded,
        f"inspection rectify DC-2016 f-1 --summary 已补齐台账 --note 补录 {doc('2017-01-20')}",
        "ll-01",
        "as",
        "ll-01 works for street '礼乐', not '江南'",
    )
    seeded.ok(
        f"inspection rectify DC-2016 f-1 --summary 已补齐台账 --note 补录 {doc('2017-01-20')}",
        "jn-01",
    )
    seeded.ok(f"inspection close DC-2016 f-1 {doc('2017-01-25')}", "insp-1")


def test_an_enterprise_paired_with_a_household_until_later_is_refused_for_another(
    seeded: Fupin,
) -> None:
    # rv1's F4: e-1 helped JH-0001 from 2016-08-15 until it was replaced on 2017-06-01; a
    # pairing with JH-0004 from 2016-09-01 would have it help two households at the end of 2016.
    seeded.ok(f"helper add e-3 --kind enterprise --name 江海五金厂 {doc('2016-07-26')}", "admin")
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-15')}", "jn-01")
    seeded.ok(
        f"household unpair JH-0001 e-1 --reason 调整 --replacement e-3 {doc('2017-06-01')}",
        "jn-01",
    )
    seeded.ok(f"household sign JH-0004 {doc('2016-08-05')}", "jn-01")
    seeded.ok(f"household register JH-0004 --key-target {doc('2016-08-10')}", "jn-01")

    refused(
        seeded,
        f"household pair JH-0004 e-1 {doc('2016-09-01')}",
        "jn-01",
        "helper",
        "e-1 was paired with household JH-0001 until 2017-06-01, after 2016-09-01: an "
        "enterprise or cooperative pairs one household 一对一",
    )
    seeded.ok(f"household pair JH-0004 e-1 {doc('2017-06-01')}", "jn-01")


def test_a_monthly_rural_income_is_refused(seeded: Fupin) -> None:
    for rural in ("0.01", "1583.33"):
        refused(
            seeded,
            f"programme set-year 2018 --urban-dibao 8400 --rural-income {rural} --note 更正 "
            f"{doc('2018-01-01')}",
            "admin",
            "rural_income",
            f"{rural} yuan cannot be a year's district rural per-capita disposable income",
        )
    refused(
        seeded,
        f"programme set-year 2018 --urban-dibao 2100 --rural-income 20000 --note 更正 "
        f"{doc('2018-01-01')}",
        "admin",
        "urban_dibao",
        "2100.00 yuan cannot be a year's urban 低保 standard",
    )


def test_a_ministry_recognises_a_return_and_a_street_body_does_not(seeded: Fupin) -> None:
    line = exited(seeded)

    refused(
        seeded,
        line.format("外海街道工业区管理办公室"),
        "jn-01",
        "authority",
        "'外海街道工业区管理办公室' is a street 街道 body, below the district",
    )
    refused(seeded, line.format("江海区"), "jn-01", "authority", "'江海区' names a place")
    seeded.ok(line.format("应急管理部"), "jn-01")


def test_the_rectification_of_an_unknown_finding_names_the_finding(seeded: Fupin) -> None:
    seeded.ok(f"inspection open DC-1 --level district --year 2016 {doc('2016-09-01')}", "insp-1")

    for actor in ("jn-01", "qu-01"):
        refused(
            seeded,
            f"inspection rectify DC-1 f9 --summary ok {doc('2016-09-20')}",
            actor,
            "finding",
            "'f9' is not a finding of DC-1",
        )
