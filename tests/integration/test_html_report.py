"""The HTML report's inputs and page without a browser: masking by reader, dossier anchors,
figures carried in data attributes (the browser test checks the demo's page as drawn)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from ledger.application import Ledger
from ledger.errors import PermissionRefusedError
from ledger.funds import Disbursement, FundAccount
from projections import api
from projections.html_parts import wan
from projections.html_report import render
from projections.series import gather, mask_id_card, mask_name, report_days

from tests.support import id_card, register, stamp

FULL_ID = re.compile(r"\d{17}[\dX]")


def test_a_name_keeps_only_its_surname() -> None:
    assert mask_name("张三丰") == "张**"


def test_an_id_card_keeps_only_its_region_code_and_last_four() -> None:
    assert mask_id_card("440704198904307702") == "440704********7702"


def test_report_days_are_the_quarter_ends_then_the_report_day() -> None:
    days = report_days(date(2016, 8, 1), date(2017, 2, 14))

    assert days == [date(2016, 9, 30), date(2016, 12, 31), date(2017, 2, 14)]


def test_wan_rounds_fen_to_a_tenth_of_ten_thousand_yuan() -> None:
    assert (wan(240_000_000), wan(159_200_000), wan(0)) == ("240万", "159.2万", "0")


def test_wan_below_ten_thousand_yuan_keeps_two_significant_digits() -> None:
    # Session 37's tester l (F2): grid lines of 250, 500, 750 and 1,000 yuan read 0万, 0.1万,
    # 0.1万, 0.1万, and a bar of 133.32 yuan 0万
    ticks = [wan(fen) for fen in (25_000, 50_000, 75_000, 100_000)]
    assert ticks == ["0.025万", "0.05万", "0.075万", "0.1万"]
    # re-tester r (F3): 9,500 to 9,999.99 yuan read 1万; they keep two significant digits too
    assert (wan(13_332), wan(-3_333), wan(1), wan(949_999), wan(950_000), wan(1_040_000)) == (
        "0.013万",
        "-0.0033万",
        "0.000001万",
        "0.95万",
        "0.95万",
        "1万",
    )


def test_an_analyst_sees_the_named_household_masked(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    inputs = gather(ledger, reader="ana-1")

    assert inputs.masked
    assert [d["household"]["number"] for d in inputs.dossiers] == ["JH-1"]
    assert inputs.dossiers[0]["personal"]["head_name"] == "户**"
    assert inputs.dossiers[0]["personal"]["id_card"] == mask_id_card(id_card(1))
    assert not FULL_ID.search(render(inputs))


def test_a_masked_dossier_of_an_erased_household_reads_erased(ledger: Ledger) -> None:
    # The report's own masking copy garbled it to "[*******".
    register(ledger, "JH-1")
    ledger.erase(stamp("admin", date(2016, 9, 1)), "JH-1", "本人申请")

    personal = gather(ledger, reader="ana-1").dossiers[0]["personal"]

    assert (personal["head_name"], personal["id_card"]) == ("[erased]", "[erased]")


def test_a_ledger_of_reference_data_only_says_no_casework_yet(ledger: Ledger) -> None:
    page = render(gather(ledger, reader="ana-1"))

    assert "no casework recorded yet" in page
    assert "None" not in page


def test_a_corrected_payment_does_not_move_the_reports_today(ledger: Ledger) -> None:
    # Its ReceiptVoided, dated the day of the correction, moved today to it: every quarter
    # up to it counted as missed.
    register(ledger, "JH-1")
    ledger.plan_measure(stamp("jn-01", date(2016, 8, 11)), "JH-1", "m1", "industry", "养鸡")
    ledger.open_account(stamp("qu-01", date(2016, 8, 11)), "city-2016", "city", 2016)
    ledger.receive_allocation(stamp("qu-01", date(2016, 8, 11)), "city-2016", 100_000)
    payment = Disbursement(50_000, "industry", "household", "JH-1", "m1")
    ledger.disburse(stamp("qu-01", date(2016, 8, 12)), "city-2016", payment)
    before = api.caseload(ledger)["today"]
    paid = ledger.load(FundAccount, "city-2016", "account").version
    ledger.correct(stamp("qu-01", date(2018, 12, 30)), "fund", "city-2016", paid, "重复支付")

    # Nor does the voided payment itself (2026-11-30): today is the last day with an entry in
    # force, the allocation's.
    assert before == "2016-08-12"
    assert api.caseload(ledger)["today"] == "2016-08-11"


def test_a_reader_without_an_officer_id_sees_personal_data_masked(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    page = render(gather(ledger))

    assert "户**" in page
    assert not FULL_ID.search(page)


def test_an_inspector_sees_personal_data_in_full(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    page = render(gather(ledger, reader="insp-1"))

    assert id_card(1) in page
    assert "户主1" in page


def test_an_unknown_reader_is_refused(ledger: Ledger) -> None:
    with pytest.raises(PermissionRefusedError) as refused:
        gather(ledger, reader="nobody")

    assert refused.value.field == "as"


def test_a_retired_inspector_is_refused(ledger: Ledger) -> None:
    ledger.retire_officer(stamp(), "insp-1", "调离")

    with pytest.raises(PermissionRefusedError) as refused:
        gather(ledger, reader="insp-1")

    assert refused.value.field == "as"


def test_each_finding_links_to_a_dossier_on_the_page(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    register(ledger, "LL-1", street="礼乐", village="新创")

    page = render(gather(ledger))

    links = set(re.findall(r'href="#(household-[^"]+)"', page))
    assert links == {"household-JH-1", "household-LL-1"}
    assert all(f'id="{anchor}"' in page for anchor in links)


def test_the_last_caseload_point_equals_the_caseload_report(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    register(ledger, "LL-1", street="礼乐", village="新创", key_target=False)

    inputs = gather(ledger, as_of=date(2016, 12, 31))

    last = [row for row in inputs.series if row["day"] == "2016-12-31"]
    report = api.caseload(ledger, as_of=date(2016, 12, 31))
    assert sum(row["households"] for row in last) == report["totals"]["households"] == 2
    assert {(r["street"], r["status"]) for r in last} == {
        (g["street"], g["status"]) for g in report["groups"]
    }


def test_the_plan_table_has_every_column_of_the_plan(ledger: Ledger) -> None:
    """The plan gained late exits and cumulative figures (the talk rule compares those); the
    page's table showed only the first columns."""
    register(ledger, "JH-1")

    page = render(gather(ledger))

    plan = page.split("分街道减贫计划", 1)[1].split("</table>", 1)[0]
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", plan)
    assert heads[:11] == [
        *("street", "year", "key targets", "target", "exits", "late exits, not counted"),
        *("cumulative target", "cumulative exits", "year over", "talk due", "talk held"),
    ]


def test_a_finding_rectified_late_and_closed_is_listed_as_a_deadline_missed(
    ledger: Ledger,
) -> None:
    # The section lists findings rectified after their deadline, closed or not: it was titled
    # "Overdue rectifications 逾期未整改" (not rectified), which a closed one is not (session 24).
    register(ledger, "JH-1")
    s = stamp("insp-1", date(2016, 12, 1))
    ledger.open_inspection(s, "DC-1", "district", 2016)
    ledger.record_finding(s, "DC-1", "F1", "village", "雄光", "台账不全", date(2016, 12, 31))
    ledger.report_rectification(stamp("qu-01", date(2017, 1, 10)), "DC-1", "F1", "已补齐")
    ledger.close_finding(stamp("insp-1", date(2017, 1, 12)), "DC-1", "F1")

    page = render(gather(ledger, as_of=date(2017, 3, 1)))

    assert "逾期未整改" not in page
    listed = page.split("Deadlines missed 逾期整改 (rectified late or not yet)", 1)[1]
    assert ">F1<" in listed.split("</table>", 1)[0]
