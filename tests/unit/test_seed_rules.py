"""Rules of the plan (江高发〔2016〕4号) a domain audit found unenforced: an enterprise or
cooperative pairs one household 一对一 [四(二)、四(十一)]; the urban 低保 standard is a yearly
figure per person; a return to poverty is recognised at district level or higher [六(六)]; a
street reports the rectification of a district finding about its own villages."""

from __future__ import annotations

from datetime import date

import pytest
from ledger.application import Ledger
from ledger.errors import LedgerError, PermissionRefusedError, RuleError
from ledger.inspections import Inspection
from ledger.programme import YearParameters

from tests.support import refuses, register, reopened, stamp

JN, LL, QU = "jn-01", "ll-01", "qu-01"
PAIRED = date(2016, 8, 11)


def registered(app: Ledger, *numbers: str) -> None:
    for serial, number in enumerate(numbers, start=1):
        if number.startswith("LL"):
            register(app, number, street="礼乐", village="新创", serial=serial)
        else:
            register(app, number, serial=serial)


# -- one enterprise (or cooperative) for one household 一对一 --------------------------------


def test_an_enterprise_paired_with_one_household_is_refused_for_another(ledger: Ledger) -> None:
    registered(ledger, "JH-1", "JH-2")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")

    error = refuses(
        ledger, RuleError, "helper", lambda: ledger.pair(stamp(JN, PAIRED), "JH-2", "e-1")
    )

    assert "e-1 is paired with household JH-1" in error.rule
    assert "一对一" in error.rule
    assert "e-1" not in ledger.household("JH-2").helpers


def test_a_cooperative_pairs_one_household_too(ledger: Ledger) -> None:
    registered(ledger, "JH-1", "LL-1")
    ledger.register_helper(stamp(), "coop-1", "cooperative", "雄光合作社")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "coop-1")

    refuses(ledger, RuleError, "helper", lambda: ledger.pair(stamp(LL, PAIRED), "LL-1", "coop-1"))


def test_the_other_helpers_may_be_paired_with_several_households(ledger: Ledger) -> None:
    # The seed limits the enterprise alone: 176 enterprises "一对一" for 176 households. A
    # cadre, a social worker or a volunteer team may help several (the demo shares them).
    registered(ledger, "JH-1", "JH-2")
    for number in ("JH-1", "JH-2"):
        for helper in ("c-1", "sw-1", "v-1"):
            ledger.pair(stamp(JN, PAIRED), number, helper)

    assert set(ledger.household("JH-2").helpers) == {"c-1", "sw-1", "v-1"}


def test_an_enterprise_replaced_in_its_household_may_pair_another(ledger: Ledger) -> None:
    registered(ledger, "JH-1", "JH-2")
    ledger.register_helper(stamp(), "e-2", "enterprise", "江海五金厂")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")
    ledger.unpair(stamp(JN, date(2016, 9, 1)), "JH-1", "e-1", "企业搬迁", "e-2")

    ledger.pair(stamp(JN, date(2016, 9, 2)), "JH-2", "e-1")

    assert ledger.household("JH-2").helpers["e-1"] == "enterprise"


def test_a_replacement_enterprise_paired_elsewhere_is_refused(ledger: Ledger) -> None:
    registered(ledger, "JH-1", "JH-2")
    ledger.register_helper(stamp(), "e-2", "enterprise", "江海五金厂")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")
    ledger.pair(stamp(JN, PAIRED), "JH-2", "e-2")

    error = refuses(
        ledger,
        RuleError,
        "replacement",
        lambda: ledger.unpair(stamp(JN, date(2016, 9, 1)), "JH-2", "e-2", "企业搬迁", "e-1"),
    )

    assert "e-1 is paired with household JH-1" in error.rule


def test_a_pairing_in_another_session_is_seen(store_ledger: Ledger) -> None:
    # The pairings on record are read from the store (on SQLite and PostgreSQL alike), not
    # only those this application made.
    registered(store_ledger, "JH-1", "JH-2")
    store_ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")
    with reopened(store_ledger) as other:
        refuses(other, RuleError, "helper", lambda: other.pair(stamp(JN, PAIRED), "JH-2", "e-1"))


def test_two_pairings_of_one_enterprise_in_one_batch_are_refused(store_ledger: Ledger) -> None:
    # An import: the first pairing is not saved yet when the second row is checked.
    registered(store_ledger, "JH-1", "JH-2")
    with store_ledger.batch():
        store_ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")
        with pytest.raises(RuleError) as refused:
            store_ledger.pair(stamp(JN, PAIRED), "JH-2", "e-1")
    assert refused.value.field == "helper"

    assert "e-1" in store_ledger.household("JH-1").helpers
    assert "e-1" not in store_ledger.household("JH-2").helpers


def test_an_enterprise_paired_again_with_its_own_household_is_refused_as_before(
    ledger: Ledger,
) -> None:
    registered(ledger, "JH-1")
    ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")

    error = refuses(
        ledger, RuleError, "helper", lambda: ledger.pair(stamp(JN, PAIRED), "JH-1", "e-1")
    )

    assert error.rule == "'e-1' is already paired with JH-1"


def test_a_pairing_dated_within_another_households_ended_pairing_is_refused(
    ledger: Ledger,
) -> None:
    # 一对一 counts by effective date: e-1 helped JH-1 from 2016-08-15 to 2017-06-01 (replaced
    # by e-2), so it cannot have helped JH-2 from 2016-09-01 as well.
    registered(ledger, "JH-1", "JH-2")
    ledger.register_helper(stamp(), "e-2", "enterprise", "江海五金厂")
    ledger.pair(stamp(JN, date(2016, 8, 15)), "JH-1", "e-1")
    ledger.unpair(stamp(JN, date(2017, 6, 1)), "JH-1", "e-1", "调整", "e-2")

    error = refuses(
        ledger, RuleError, "helper", lambda: ledger.pair(stamp(JN, date(2016, 9, 1)), "JH-2", "e-1")
    )

    assert "e-1 was paired with household JH-1 until 2017-06-01" in error.rule
    assert "一对一" in error.rule
    # From the day that pairing ended, it may pair JH-2.
    ledger.pair(stamp(JN, date(2017, 6, 1)), "JH-2", "e-1")
    assert ledger.household("JH-2").paired_on["e-1"] == date(2017, 6, 1)


def test_a_replacement_dated_within_another_households_ended_pairing_is_refused(
    ledger: Ledger,
) -> None:
    registered(ledger, "JH-1", "JH-2")
    for helper in ("e-2", "e-3"):
        ledger.register_helper(stamp(), helper, "enterprise", f"{helper}厂")
    ledger.pair(stamp(JN, date(2016, 8, 15)), "JH-1", "e-1")
    ledger.unpair(stamp(JN, date(2017, 6, 1)), "JH-1", "e-1", "调整", "e-2")
    ledger.pair(stamp(JN, date(2016, 8, 15)), "JH-2", "e-3")

    error = refuses(
        ledger,
        RuleError,
        "replacement",
        lambda: ledger.unpair(stamp(JN, date(2017, 5, 31)), "JH-2", "e-3", "调整", "e-1"),
    )

    assert "until 2017-06-01" in error.rule
    ledger.unpair(stamp(JN, date(2017, 6, 1)), "JH-2", "e-3", "调整", "e-1")
    assert "e-1" in ledger.household("JH-2").helpers


def test_an_ended_pairing_read_from_the_store_counts_by_date(store_ledger: Ledger) -> None:
    registered(store_ledger, "JH-1", "JH-2")
    store_ledger.register_helper(stamp(), "e-2", "enterprise", "江海五金厂")
    store_ledger.pair(stamp(JN, date(2016, 8, 15)), "JH-1", "e-1")
    store_ledger.unpair(stamp(JN, date(2017, 6, 1)), "JH-1", "e-1", "调整", "e-2")
    with reopened(store_ledger) as other:
        refuses(
            other,
            RuleError,
            "helper",
            lambda: other.pair(stamp(JN, date(2017, 5, 31)), "JH-2", "e-1"),
        )


# -- the urban 低保 standard is per person per year -----------------------------------------


@pytest.mark.parametrize("fen", [65_000, 119_999, 210_000, 299_999])
def test_an_urban_dibao_standard_that_cannot_be_yearly_is_refused(ledger: Ledger, fen: int) -> None:
    # 650 yuan is the monthly figure 低保 standards are published as; stored as a year's, an
    # urban household would exit at 975 yuan a year. 2,100 is a quarter's (700 a month).
    error = refuses(
        ledger,
        RuleError,
        "urban_dibao",
        lambda: ledger.set_year(stamp(note="更正"), YearParameters(2017, fen, 1_900_000)),
    )

    assert "per person per year" in error.rule
    assert "× 12" in error.rule
    assert ledger.programme().years[2017].urban_dibao_standard_fen == 780_000


def test_an_urban_dibao_standard_of_3000_yuan_a_year_is_accepted(ledger: Ledger) -> None:
    ledger.set_year(stamp(note="更正"), YearParameters(2017, 300_000, 1_900_000))

    assert ledger.programme().exit_threshold(2017, "urban") == 450_000


# -- the district's rural per-capita income is a yearly figure too --------------------------


@pytest.mark.parametrize("fen", [1, 158_333, 475_000, 499_999])
def test_a_rural_income_that_cannot_be_yearly_is_refused(ledger: Ledger, fen: int) -> None:
    # 0.01 yuan; 1,583.33 (19,000 a year typed as a month's); 4,750 (a quarter's).
    error = refuses(
        ledger,
        RuleError,
        "rural_income",
        lambda: ledger.set_year(stamp(note="更正"), YearParameters(2018, 840_000, fen)),
    )

    assert "per person per year" in error.rule
    assert "5000.00 yuan" in error.rule
    assert ledger.programme().years[2018].rural_income_fen == 2_000_000


def test_a_rural_income_of_5000_yuan_a_year_is_accepted(ledger: Ledger) -> None:
    ledger.set_year(stamp(note="更正"), YearParameters(2018, 840_000, 500_000))

    assert ledger.programme().exit_threshold(2018, "rural") == 225_000


# -- a return 返贫 is recognised at district level or higher [六(六)] -------------------------


def exited(app: Ledger) -> None:
    """JH-1 registered, its 2016 income over the threshold, its exit approved on 2016-12-20."""
    registered(app, "JH-1")
    app.assess_income(stamp(JN, date(2016, 11, 30)), "JH-1", 2016, 900_000)
    app.propose_exit(stamp(JN, date(2016, 12, 1)), "JH-1", 2016)
    app.verify_exit(stamp(JN, date(2016, 12, 5)), "JH-1")
    app.post_exit_notice(
        stamp(JN, date(2016, 12, 6)), "JH-1", date(2016, 12, 6), date(2016, 12, 12)
    )
    app.approve_exit(stamp(QU, date(2016, 12, 20)), "JH-1")


def refused_recognition(app: Ledger, authority: str) -> LedgerError:
    """JH-1 exited; its return recognised by ``authority`` on 2017-08-25 must be refused, naming
    the authority and writing nothing."""
    exited(app)
    return refuses(
        app,
        RuleError,
        "authority",
        lambda: app.advance_return(
            stamp(JN, date(2017, 8, 25)), "JH-1", "recognised", "台风天鸽", authority
        ),
    )


@pytest.mark.parametrize(
    "authority",
    [
        "雄光村委会",
        "雄光村",
        "江南街道办事处",
        "江海区江南街道办事处",
        "江海区江南街道农业办",
        "外海街道江南社区居委会",
        "江海区雄乡村委会",
        "江海区镇龙村",
        "礼乐镇人民政府",
        "某某乡人民政府",
        "江海区江南办事处",
        # a street body whose name holds 区 or 市 inside a word after its street
        "外海街道工业区管理办公室",
        "外海街道片区民政工作站",
        "礼乐街道市政服务中心",
        "外海街道灾区救助站",
        "外海镇片区民政工作站",
        "江海区外海街道工业区管理办公室",
        "街道武装部",
        # review1's
        "江海区外海街道办事处",
        "外海镇人民政府",
        "礼乐街道农业服务中心",
        # traditional characters
        "江海區外海街道辦事處",
        "外海鎮人民政府",
        "某某鄉人民政府",
        "江海區雄光村民委員會",
        "江海区雄光村民委员会",
        "雄光村民小组",
        # review4's: every level has a command post 指挥部, an armed-forces office 武装部 and
        # a party branch 支部 (no ministry); a 镇 or 村 alone after the district is the level
        "江南三防指挥部",
        "三防指挥部",
        "礼乐武装部",
        "镇人民武装部",
        "村党支部",
        "江海区村委会",
        "江海区镇人民政府",
    ],
)
def test_a_return_recognised_below_the_district_is_refused(ledger: Ledger, authority: str) -> None:
    error = refused_recognition(ledger, authority)

    assert "district level or higher" in error.rule
    assert "六(六)" in error.rule


@pytest.mark.parametrize("authority", ["民政局", "农业部门", "气象台"])
def test_a_return_recognised_by_a_department_of_no_level_is_refused(
    ledger: Ledger, authority: str
) -> None:
    error = refused_recognition(ledger, authority)

    assert "区级以上" in error.rule


@pytest.mark.parametrize("authority", ["江海区", "江门市", "广东省", "江门市江海区", "江海區"])
def test_a_return_recognised_by_a_place_with_no_department_is_refused(
    ledger: Ledger, authority: str
) -> None:
    error = refused_recognition(ledger, authority)

    assert error.rule.startswith(f"{authority!r} names a place, not its department")


@pytest.mark.parametrize(
    "authority",
    [
        "江海区农业农村局",
        "江门市气象局",
        "广东省民政厅",
        "江海区民政局",
        "区气象局",
        "区应急局",
        "江海区住房和城乡建设局",
        "江海区自然资源局",
        "江门市国土资源局",
        "国家乡村振兴局",
        "中国气象局",
        "中华人民共和国应急管理部",
        "江门高新区（江海区）农林水务局",
        "镇江市气象局",
        "江苏省镇江市气象局",
        # ministries and national bodies, named without a place
        "民政部",
        "自然资源部",
        "应急管理部",
        "水利部",
        "农业农村部",
        "国家林业和草原局",
        "中国地震局",
        "海关总署",
        "国家市场监督管理总局",
        # 城镇, 乡镇, 村镇, 村民 inside a department's words
        "江海区民政局城镇低保股",
        "江门市乡镇企业局",
        "江门市村镇建设管理站",
        "江门市村民自治指导中心",
        "江门市市场监督管理局",
        "江门市城市管理和综合执法局",
        "江海区乡村振兴局",
        # traditional characters
        "江海區民政局",
        "國務院",  # review4: 務 was not read as 务
        "國務院扶貧辦",
        "江門市氣象局",
        "廣東省民政廳",
        "江海區農業農村局",
        # review1's
        "江海区应急管理局",
        "江门市江海区民政局",
        "广东省自然资源厅",
        "国家气象局",
        "江门市气象台",
        "江海区气象局（台）",
    ],
)
def test_a_return_recognised_at_district_level_or_higher_is_accepted(
    ledger: Ledger, authority: str
) -> None:
    exited(ledger)

    ledger.advance_return(stamp(JN, date(2017, 8, 25)), "JH-1", "recognised", "台风天鸽", authority)

    assert ledger.household("JH-1").return_steps == ["recognised"]


# -- the rectification of a district finding, by the street it concerns ---------------------


def district_finding(app: Ledger, code: str, kind: str, subject: str) -> None:
    app.open_inspection(stamp("insp-1", date(2016, 12, 10)), code, "district", 2016)
    app.record_finding(
        stamp("insp-1", date(2016, 12, 12)),
        code,
        "f-1",
        kind,
        subject,
        "台账不全",
        date(2017, 1, 31),
    )


def rectified(app: Ledger, code: str) -> bool:
    return "f-1" in app.load(Inspection, code, "inspection").rectified


@pytest.mark.parametrize(("kind", "subject"), [("village", "雄光"), ("street", "江南")])
def test_the_street_of_a_district_findings_subject_reports_its_rectification(
    ledger: Ledger, kind: str, subject: str
) -> None:
    district_finding(ledger, "DC-2016", kind, subject)

    ledger.report_rectification(
        stamp(JN, date(2017, 1, 20), "补录"), "DC-2016", "f-1", "已补齐台账"
    )

    assert rectified(ledger, "DC-2016")


@pytest.mark.parametrize(("kind", "subject"), [("village", "雄光"), ("street", "江南")])
def test_another_street_cannot_report_the_rectification(
    ledger: Ledger, kind: str, subject: str
) -> None:
    district_finding(ledger, "DC-2016", kind, subject)

    error = refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.report_rectification(
            stamp(LL, date(2017, 1, 20), "补录"), "DC-2016", "f-1", "已补齐台账"
        ),
    )

    assert error.rule == "ll-01 works for street '礼乐', not '江南'"


@pytest.mark.parametrize("actor", [JN, QU])
def test_the_rectification_of_an_unknown_finding_names_the_finding(
    ledger: Ledger, actor: str
) -> None:
    # Not "jn-01 works for street '江南', not the district": there is no such finding.
    district_finding(ledger, "DC-2016", "village", "雄光")

    error = refuses(
        ledger,
        RuleError,
        "finding",
        lambda: ledger.report_rectification(
            stamp(actor, date(2017, 1, 20), "补录"), "DC-2016", "f9", "x"
        ),
    )

    assert error.rule == "'f9' is not a finding of DC-2016"


def test_a_finding_about_a_village_of_two_streets_is_rectified_by_the_district(
    ledger: Ledger,
) -> None:
    # Two streets each have a village 雄光: the finding does not say which, so neither
    # street's officer may report its rectification; the district does.
    ledger.add_village(stamp(), "礼乐", "雄光", False)
    district_finding(ledger, "DC-2016", "village", "雄光")

    for officer in (JN, LL):
        error = refuses(
            ledger,
            PermissionRefusedError,
            "as",
            lambda officer=officer: ledger.report_rectification(  # type: ignore[misc]
                stamp(officer, date(2017, 1, 20)), "DC-2016", "f-1", "x"
            ),
        )
        assert "village '雄光' is in streets 江南 and 礼乐" in error.rule
        assert "the district reports" in error.rule
    ledger.report_rectification(stamp(QU, date(2017, 1, 20), "补录"), "DC-2016", "f-1", "已整改")

    assert rectified(ledger, "DC-2016")


def test_a_district_finding_about_a_helper_is_rectified_by_the_district(ledger: Ledger) -> None:
    district_finding(ledger, "DC-2016", "helper", "c-1")

    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.report_rectification(
            stamp(JN, date(2017, 1, 20), "补录"), "DC-2016", "f-1", "x"
        ),
    )
    ledger.report_rectification(stamp(QU, date(2017, 1, 20), "补录"), "DC-2016", "f-1", "已整改")

    assert rectified(ledger, "DC-2016")


def test_a_finding_recorded_in_the_same_batch_is_rectified_by_its_street(
    store_ledger: Ledger,
) -> None:
    with store_ledger.batch():
        district_finding(store_ledger, "DC-2016", "village", "雄光")
        store_ledger.report_rectification(
            stamp(JN, date(2017, 1, 20), "补录"), "DC-2016", "f-1", "已补齐台账"
        )

    assert rectified(store_ledger, "DC-2016")


def test_a_street_inspection_is_still_rectified_by_its_street(ledger: Ledger) -> None:
    registered(ledger, "LL-1")
    ledger.open_inspection(stamp("insp-1", date(2016, 12, 10)), "SI-1", "street", 2016, "礼乐")
    ledger.record_finding(
        stamp("insp-1", date(2016, 12, 12)),
        "SI-1",
        "f-1",
        "household",
        "LL-1",
        "x",
        date(2017, 1, 31),
    )

    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.report_rectification(
            stamp(JN, date(2017, 1, 20), "补录"), "SI-1", "f-1", "x"
        ),
    )
    ledger.report_rectification(stamp(LL, date(2017, 1, 20), "补录"), "SI-1", "f-1", "已整改")
