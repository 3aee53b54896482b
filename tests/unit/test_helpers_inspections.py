"""Helpers 帮扶责任人 and employers [四(二)、四(十一)]; inspections 督查 [六(三)、(七)]."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from ledger.application import Ledger
from ledger.errors import (
    AlreadyExistsError,
    InputError,
    NotFoundError,
    PermissionRefusedError,
    RuleError,
)
from ledger.helpers import Helper
from ledger.inspections import Inspection

from tests.support import identify, refuses, register, stamp

JN = "jn-01"
INSP = "insp-1"


def helper(app: Ledger, helper_id: str) -> Helper:
    return app.load(Helper, helper_id, "helper")


def inspection(app: Ledger, code: str = "insp-2016") -> Inspection:
    return app.load(Inspection, code, "inspection")


# -- helpers of the 4+1 model ----------------------------------------------------------------


def test_cadre_of_deputy_section_level_or_above_is_registered(ledger: Ledger) -> None:
    ledger.register_helper(stamp(JN), "c-9", "cadre", "赵干部", "区民政局", rank="deputy-bureau")

    assert (helper(ledger, "c-9").kind, helper(ledger, "c-9").rank) == ("cadre", "deputy-bureau")


@pytest.mark.parametrize("rank", ["", "clerk", "section-member"])
def test_cadre_below_deputy_section_level_is_refused(ledger: Ledger, rank: str) -> None:
    refuses(
        ledger,
        RuleError,
        "rank",
        lambda: ledger.register_helper(stamp(JN), "c-9", "cadre", "赵", rank=rank),
    )


def test_volunteer_team_of_fewer_than_ten_members_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        RuleError,
        "team_size",
        lambda: ledger.register_helper(stamp(JN), "v-9", "volunteer-team", "队", team_size=9),
    )


def test_volunteer_team_of_more_than_any_has_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        RuleError,
        "team_size",
        lambda: ledger.register_helper(stamp(JN), "v-9", "volunteer-team", "队", team_size=10**20),
    )


@pytest.mark.parametrize(
    ("kind", "rank", "team_size", "field"),
    [
        ("enterprise", "whatever", 50, "rank"),
        ("cooperative", "section", 0, "rank"),
        ("social-worker", "", 12, "team_size"),
        ("cadre", "section", 50, "team_size"),
        ("volunteer-team", "bureau", 12, "rank"),
    ],
)
def test_a_rank_is_a_cadres_only_and_a_team_size_a_volunteer_teams_only(
    ledger: Ledger, kind: str, rank: str, team_size: int, field: str
) -> None:
    refused = refuses(
        ledger,
        RuleError,
        field,
        lambda: ledger.register_helper(
            stamp(JN), "h-9", kind, "某", rank=rank, team_size=team_size
        ),
    )

    assert kind in refused.rule
    assert "leave it out" in refused.rule


def test_an_unknown_rank_is_refused_with_the_ranks(ledger: Ledger) -> None:
    refused = refuses(
        ledger,
        RuleError,
        "rank",
        lambda: ledger.register_helper(stamp(JN), "c-9", "cadre", "赵", rank="whatever"),
    )

    assert (
        "deputy-section 副科级, section 正科级, deputy-division 副处级, division 正处级, "
        in str(refused)
    )


def test_helper_of_an_unknown_kind_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        InputError,
        "kind",
        lambda: ledger.register_helper(stamp(JN), "x-9", "neighbour", "邻居"),
    )


def test_helper_id_is_registered_only_once(ledger: Ledger) -> None:
    refuses(
        ledger,
        AlreadyExistsError,
        "helper",
        lambda: ledger.register_helper(stamp(JN), "e-1", "enterprise", "另一厂"),
    )


def test_helper_without_a_name_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        InputError,
        "name",
        lambda: ledger.register_helper(stamp(JN), "e-9", "enterprise", " "),
    )


# -- employment of registered poor workers [四(十一)] -----------------------------------------

#: An employment recorded the day it began.
HIRED = stamp(JN, date(2016, 9, 1))


def test_enterprise_employs_a_registered_worker(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    ledger.employ_worker(HIRED, "e-1", "JH-1", date(2016, 9, 1))

    assert helper(ledger, "e-1").workers == {"JH-1": date(2016, 9, 1)}


def test_cooperative_employs_a_registered_worker(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.register_helper(stamp(JN), "coop-1", "cooperative", "合作社")

    ledger.employ_worker(HIRED, "coop-1", "JH-1", date(2016, 9, 1))

    assert list(helper(ledger, "coop-1").workers) == ["JH-1"]


def test_helper_that_is_not_an_employer_cannot_employ(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    refuses(
        ledger,
        RuleError,
        "helper",
        lambda: ledger.employ_worker(stamp(JN), "sw-1", "JH-1", date(2016, 9, 1)),
    )


def test_worker_is_employed_by_an_enterprise_only_once(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.employ_worker(HIRED, "e-1", "JH-1", date(2016, 9, 1))

    refuses(
        ledger,
        RuleError,
        "household",
        lambda: ledger.employ_worker(
            stamp(JN, date(2016, 10, 1)), "e-1", "JH-1", date(2016, 10, 1)
        ),
    )


def test_worker_from_an_unregistered_household_is_refused(ledger: Ledger) -> None:
    identify(ledger, "JH-1")
    refuses(
        ledger,
        RuleError,
        "household",
        lambda: ledger.employ_worker(HIRED, "e-1", "JH-1", date(2016, 9, 1)),
    )


def test_employment_by_an_unknown_enterprise_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    refuses(
        ledger,
        NotFoundError,
        "enterprise",
        lambda: ledger.employ_worker(stamp(JN), "e-404", "JH-1", date(2016, 9, 1)),
    )


def test_ended_employment_removes_the_worker(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.employ_worker(HIRED, "e-1", "JH-1", date(2016, 9, 1))

    ledger.end_employment(stamp(JN, date(2016, 11, 1)), "e-1", "JH-1")

    assert helper(ledger, "e-1").workers == {}


def test_ending_an_employment_that_does_not_exist_is_refused(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    refuses(ledger, RuleError, "household", lambda: ledger.end_employment(stamp(JN), "e-1", "JH-1"))


def test_voiding_an_employment_removes_the_worker(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    ledger.employ_worker(HIRED, "e-1", "JH-1", date(2016, 9, 1))

    # Helpers belong to no street, so a district-level officer corrects them (see authority).
    ledger.correct(stamp("qu-01", HIRED.effective), "helper", "e-1", 2, "employed by e-2, not e-1")

    assert helper(ledger, "e-1").workers == {}
    assert helper(ledger, "e-1").voided == {2: "employed by e-2, not e-1"}


def test_helper_registration_cannot_be_voided(ledger: Ledger) -> None:
    refuses(
        ledger,
        RuleError,
        "version",
        lambda: ledger.correct(stamp("qu-01"), "helper", "e-1", 1, "x"),
    )


# -- inspections 督查 ------------------------------------------------------------------------


def open_district(app: Ledger, code: str = "insp-2016") -> None:
    app.open_inspection(stamp(INSP, date(2016, 12, 1)), code, "district", 2016, scope="年度督查")


def open_street(app: Ledger, code: str = "insp-2016") -> None:
    app.open_inspection(stamp(INSP, date(2016, 12, 1)), code, "street", 2016, street="江南")


#: A rectification reported, then the finding closed, after the finding of 2016-12-02.
RECTIFIED = stamp("qu-01", date(2017, 1, 20), "补录")  # entered after its deadline, so says
CLOSED = stamp(INSP, date(2017, 1, 25))


def finding(
    app: Ledger,
    finding_id: str = "f1",
    kind: str = "village",
    code: str = "insp-2016",
    subject: str = "雄光",
) -> None:
    app.record_finding(
        stamp(INSP, date(2016, 12, 2)),
        code,
        finding_id,
        kind,
        subject,
        "台账不全",
        date(2017, 1, 31),
    )


def test_district_inspection_is_opened(ledger: Ledger) -> None:
    open_district(ledger)

    opened = inspection(ledger)
    assert (opened.level, opened.year, opened.street, opened.scope) == (
        "district",
        2016,
        "",
        "年度督查",
    )


def test_inspection_of_an_unknown_level_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        InputError,
        "level",
        lambda: ledger.open_inspection(stamp(INSP), "i", "city", 2016),
    )


def test_street_inspection_without_its_street_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        InputError,
        "street",
        lambda: ledger.open_inspection(stamp(INSP), "i", "street", 2016),
    )


def test_inspection_of_an_unknown_street_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        NotFoundError,
        "street",
        lambda: ledger.open_inspection(stamp(INSP), "i", "street", 2016, street="外海"),
    )


def test_street_inspector_cannot_open_a_district_inspection(ledger: Ledger) -> None:
    ledger.register_officer(stamp(), "insp-jn", "街道督查", "inspector", "江南", "江南街道")

    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.open_inspection(stamp("insp-jn"), "i", "district", 2016),
    )
    ledger.open_inspection(stamp("insp-jn"), "i", "street", 2016, street="江南")
    assert inspection(ledger, "i").street == "江南"


def test_inspection_code_is_opened_only_once(ledger: Ledger) -> None:
    open_district(ledger)
    refuses(ledger, AlreadyExistsError, "inspection", lambda: open_district(ledger))


def test_finding_is_recorded_with_its_rectification_deadline(ledger: Ledger) -> None:
    open_district(ledger)

    finding(ledger)

    assert inspection(ledger).findings == {"f1": date(2017, 1, 31)}


def test_district_inspection_does_not_reach_households(ledger: Ledger) -> None:
    open_district(ledger)
    refuses(ledger, RuleError, "subject", lambda: finding(ledger, kind="household"))


def test_street_inspection_reaches_households(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    open_street(ledger)

    finding(ledger, kind="household", subject="JH-1")

    assert list(inspection(ledger).findings) == ["f1"]


def test_finding_id_is_recorded_only_once(ledger: Ledger) -> None:
    open_district(ledger)
    finding(ledger)
    refuses(ledger, RuleError, "finding", lambda: finding(ledger))


def test_deadline_before_the_finding_is_refused(ledger: Ledger) -> None:
    open_district(ledger)
    refuses(
        ledger,
        RuleError,
        "deadline",
        lambda: ledger.record_finding(
            stamp(INSP, date(2016, 12, 2)),
            "insp-2016",
            "f1",
            "village",
            "雄光",
            "x",
            date(2016, 12, 1),
        ),
    )


def test_finding_about_an_unknown_kind_of_subject_is_refused(ledger: Ledger) -> None:
    open_district(ledger)
    refuses(ledger, InputError, "subject_kind", lambda: finding(ledger, kind="weather"))


def test_rectification_of_an_unknown_finding_is_refused(ledger: Ledger) -> None:
    open_district(ledger)
    refuses(
        ledger,
        RuleError,
        "finding",
        lambda: ledger.report_rectification(stamp("qu-01"), "insp-2016", "f9", "done"),
    )


def test_closing_a_finding_without_rectification_is_refused(ledger: Ledger) -> None:
    open_district(ledger)
    finding(ledger)
    refuses(
        ledger,
        RuleError,
        "finding",
        lambda: ledger.close_finding(stamp(INSP), "insp-2016", "f1"),
    )


def test_rectified_finding_is_closed(ledger: Ledger) -> None:
    open_district(ledger)
    finding(ledger)
    ledger.report_rectification(RECTIFIED, "insp-2016", "f1", "台账已补齐")

    ledger.close_finding(CLOSED, "insp-2016", "f1")

    assert inspection(ledger).closed == {"f1"}


def test_closed_finding_takes_no_more_rectifications_or_closings(ledger: Ledger) -> None:
    open_district(ledger)
    finding(ledger)
    ledger.report_rectification(RECTIFIED, "insp-2016", "f1", "台账已补齐")
    ledger.close_finding(CLOSED, "insp-2016", "f1")

    refuses(
        ledger,
        RuleError,
        "finding",
        lambda: ledger.report_rectification(RECTIFIED, "insp-2016", "f1", "again"),
    )
    refuses(
        ledger,
        RuleError,
        "finding",
        lambda: ledger.close_finding(CLOSED, "insp-2016", "f1"),
    )


def test_criticism_notice_names_the_slow_unit(ledger: Ledger) -> None:
    open_district(ledger)

    ledger.notice_criticism(stamp(INSP, date(2016, 12, 20)), "insp-2016", "江南街道", "进度缓慢")

    assert inspection(ledger).criticised == ["江南街道"]


def test_criticism_notice_without_a_unit_is_refused(ledger: Ledger) -> None:
    open_district(ledger)
    refuses(
        ledger,
        InputError,
        "unit",
        lambda: ledger.notice_criticism(stamp(INSP), "insp-2016", " ", "进度缓慢"),
    )


def test_leadership_talk_is_held_with_a_street_for_a_year(ledger: Ledger) -> None:
    open_district(ledger)

    ledger.hold_talk(stamp(INSP, date(2017, 2, 5)), "insp-2016", "礼乐", 2016, "未完成年度减贫任务")

    assert inspection(ledger).talks == [("礼乐", 2016)]


def test_leadership_talk_for_a_year_outside_the_programme_is_refused(ledger: Ledger) -> None:
    open_district(ledger)
    refuses(
        ledger,
        RuleError,
        "year",
        lambda: ledger.hold_talk(stamp(INSP), "insp-2016", "礼乐", 1999, "未完成年度减贫任务"),
    )


def test_leadership_talk_with_an_unknown_street_is_refused(ledger: Ledger) -> None:
    open_district(ledger)
    refuses(
        ledger,
        NotFoundError,
        "street",
        lambda: ledger.hold_talk(stamp(INSP), "insp-2016", "外海", 2016, "x"),
    )


def test_command_on_an_unknown_inspection_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        NotFoundError,
        "inspection",
        lambda: ledger.close_finding(stamp(INSP), "nope", "f1"),
    )


def test_an_inspections_opening_cannot_be_voided(ledger: Ledger) -> None:
    open_district(ledger)
    finding(ledger)
    error = refuses(
        ledger,
        RuleError,
        "version",
        lambda: ledger.correct(stamp(INSP), "inspection", "insp-2016", 1, "typo"),
    )
    kinds = "CriticismNoticed, FindingClosed, FindingRecorded, LeadershipTalkHeld"
    assert f"correctable: {kinds}, RectificationReported" in error.rule


def test_a_voided_finding_leaves_the_inspection(ledger: Ledger) -> None:
    open_district(ledger)
    finding(ledger, "f1")
    finding(ledger, "f2", subject="新创")

    ledger.correct(stamp(INSP, date(2016, 12, 3)), "inspection", "insp-2016", 2, "录错村")

    held = inspection(ledger)
    assert (held.findings, held.voided_findings) == ({"f2": date(2017, 1, 31)}, {"f1"})
    assert list(held.subjects) == list(held.found_on) == ["f2"]
    refuses(ledger, RuleError, "finding", lambda: finding(ledger, "f1"))  # its id stays used
    error = refuses(
        ledger,
        RuleError,
        "finding",
        lambda: ledger.report_rectification(
            stamp(JN, date(2017, 1, 5), "补录"), "insp-2016", "f1", "x"
        ),
    )
    assert "'f1' of insp-2016 was voided by a correction" in error.rule


def test_one_of_two_talks_about_a_year_is_voided(ledger: Ledger) -> None:
    open_district(ledger)
    talk = partial(ledger.hold_talk, stamp(INSP, date(2017, 2, 5)), "insp-2016")
    talk("礼乐", 2016, "未完成年度减贫任务")
    talk("礼乐", 2016, "再次约谈")
    ledger.notice_criticism(stamp(INSP, date(2017, 2, 6)), "insp-2016", "礼乐街道", "进度缓慢")

    ledger.correct(stamp(INSP, date(2017, 2, 7)), "inspection", "insp-2016", 3, "重复录入")
    ledger.correct(stamp(INSP, date(2017, 2, 7)), "inspection", "insp-2016", 4, "录错单位")

    held = inspection(ledger)
    assert (held.talks, held.criticised, sorted(held.voided)) == ([("礼乐", 2016)], [], [3, 4])


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("household", "JH-9"),
        ("account", "nope"),
        ("helper", "nobody"),
        ("officer", "ghost"),
        ("street", "外海"),
        ("village", "不存在村"),
    ],
)
def test_a_finding_about_a_subject_not_on_record_is_refused(
    ledger: Ledger, kind: str, subject: str
) -> None:
    open_street(ledger)

    refuses(ledger, NotFoundError, "subject", lambda: finding(ledger, kind=kind, subject=subject))


def test_a_district_finding_names_a_village_of_any_street(ledger: Ledger) -> None:
    open_district(ledger)

    finding(ledger, kind="village", subject="新创")  # of 礼乐

    assert list(inspection(ledger).findings) == ["f1"]


def test_a_street_inspection_finds_only_within_its_street(ledger: Ledger) -> None:
    register(ledger, "LL-1", street="礼乐", village="新创", serial=2)
    open_street(ledger)  # of 江南

    # A village of another street is named as such (session 19: "no village '新创' on record").
    for kind, subject in (("household", "LL-1"), ("street", "礼乐"), ("village", "新创")):
        refuses(ledger, RuleError, "subject", partial(finding, ledger, kind=kind, subject=subject))
