"""One household's life told through ``fupin``: from ``init`` to a return to poverty 返贫, then
read back with ``history`` and ``log``. Each step is a command line an officer would type."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

#: (who records it, the command line after ``fupin --as WHO``), in the order they happened.
District = list[tuple[str, str]]

SET_UP_THE_DISTRICT: District = [
    ("admin", "programme open -d 江高发〔2016〕4号 -e 2016-07-26"),
    (
        "admin",
        "programme set-year 2016 --urban-dibao 7200 --rural-income 18000 "
        "-d 江高发〔2016〕4号 -e 2016-07-26",
    ),
    ("admin", "place add-street 江南 -d 江高发〔2016〕4号 -e 2016-07-26"),
    ("admin", "place add-village 江南 雄光 --relatively-poor -d 江高发〔2016〕4号 -e 2016-07-26"),
    (
        "admin",
        "officer add jn-01 --name 江南专干 --role officer --street 江南 --unit 江南街道扶贫办 "
        "-d 江海扶贫〔2016〕1号 -e 2016-07-26",
    ),
    (
        "admin",
        "officer add qu-01 --name 区专干 --role officer --unit 区扶贫办 "
        "-d 江海扶贫〔2016〕1号 -e 2016-07-26",
    ),
    (
        "jn-01",
        "helper add c-1 --kind cadre --name 王干部 --rank section --unit 区财政局 "
        "-d 江南扶贫〔2016〕3号 -e 2016-07-28",
    ),
    (
        "jn-01",
        "helper add e-1 --kind enterprise --name 江海电子厂 -d 江南扶贫〔2016〕3号 -e 2016-07-28",
    ),
    (
        "jn-01",
        "helper add sw-1 --kind social-worker --name 陈社工 -d 江南扶贫〔2016〕3号 -e 2016-07-28",
    ),
    (
        "jn-01",
        "helper add v-1 --kind volunteer-team --name 党员义工队 --team-size 10 "
        "-d 江南扶贫〔2016〕3号 -e 2016-07-28",
    ),
]

IDENTIFY_AND_REGISTER: District = [
    (
        "jn-01",
        "household identify JH-0001 --street 江南 --village 雄光 --area rural --members 2 "
        f"--labour --willing --dibao --head-name 张三 --id-card {id_card(1)} "
        "--phone 13800000000 --address 江海区雄光村1号 --member-name 张三 --member-name 李四 "
        "-d 江南扶贫〔2016〕5号 -e 2016-08-01",
    ),
    ("jn-01", "household review JH-0001 --accepted -d 雄光村评议记录 -e 2016-08-02"),
    (
        "jn-01",
        "household notice JH-0001 --start 2016-08-03 --end 2016-08-09 "
        "-d 雄光村公示〔2016〕1号 -e 2016-08-03",
    ),
    ("jn-01", "household sign JH-0001 -d 签字确认表 -e 2016-08-05"),
    ("jn-01", "household register JH-0001 --key-target -d 江南扶贫〔2016〕8号 -e 2016-08-10"),
]

HELP_THE_HOUSEHOLD: District = [
    *(
        ("jn-01", f"household pair JH-0001 {helper} -d 江南扶贫〔2016〕9号 -e 2016-08-11")
        for helper in ("c-1", "e-1", "sw-1", "v-1")
    ),
    ("jn-01", "household agree JH-0001 -d 扶贫协议JH-0001 -e 2016-08-15"),
    ("jn-01", "household visit JH-0001 --helper c-1 --summary 入户走访 -d 走访记录 -e 2016-09-01"),
    ("jn-01", "household visit JH-0001 --helper sw-1 --summary 心理疏导 -d 走访记录 -e 2016-10-10"),
    # the same visit entered again, its summary worded otherwise (typed the same, it is refused
    # as recorded twice since session 21): voided below as 重复录入
    ("jn-01", "household visit JH-0001 --helper sw-1 --summary 心理辅导 -d 走访记录 -e 2016-10-10"),
    (
        "jn-01",
        "household plan-measure JH-0001 m-1 --category employment --description 电子厂就业 "
        "--budget 3000 -d 一户一策JH-0001 -e 2016-08-20",
    ),
    ("jn-01", "helper employ e-1 JH-0001 --since 2016-09-01 -d 劳动合同 -e 2016-09-01"),
    (
        "jn-01",
        "household complete-measure JH-0001 m-1 --outcome 已上岗 -d 一户一策JH-0001 -e 2016-09-01",
    ),
    ("qu-01", "fund open city-2016 --source city --year 2016 -d 江财〔2016〕20号 -e 2016-08-01"),
    ("qu-01", "fund allocate city-2016 --amount 100000 -d 江财〔2016〕21号 -e 2016-08-05"),
    (
        "qu-01",
        "fund disburse city-2016 --amount 2500.50 --category employment --purpose household "
        "--household JH-0001 --measure m-1 -d 支付凭证0001 -e 2016-09-05",
    ),
]

EXIT_AND_RETURN: District = [
    ("jn-01", "household assess JH-0001 2016 --income 9000 -d 收入核算表 -e 2016-11-30"),
    ("jn-01", "household propose-exit JH-0001 2016 -d 江南扶贫〔2016〕30号 -e 2016-12-01"),
    ("jn-01", "household verify-exit JH-0001 -d 核实表 -e 2016-12-05"),
    (
        "jn-01",
        "household exit-notice JH-0001 --start 2016-12-06 --end 2016-12-12 "
        "-d 雄光村公示〔2016〕9号 -e 2016-12-06",
    ),
    ("qu-01", "household approve-exit JH-0001 -d 江海扶贫〔2016〕40号 -e 2016-12-20"),
    (
        "jn-01",
        "household return JH-0001 recognised --disaster 台风天鸽 --authority 江海区民政局 "
        "-d 江海民〔2017〕8号 -e 2017-08-25",
    ),
    ("jn-01", "household return JH-0001 applied -d 江南扶贫〔2017〕15号 -e 2017-08-28"),
    ("qu-01", "household return JH-0001 reviewed -d 江海扶贫〔2017〕22号 -e 2017-09-05"),
    ("qu-01", "household return JH-0001 approved -d 江门扶贫〔2017〕5号 -e 2017-09-20"),
]


def run(fupin: Fupin, script: District) -> None:
    for actor, line in script:
        fupin.ok(line, actor=actor)


def test_a_household_from_identification_to_return_is_told_by_history_and_log(
    fupin: Fupin,
) -> None:
    fupin.ok("init --admin admin --name 区扶贫办 -d 江高发〔2016〕4号 -e 2016-07-26")
    run(fupin, SET_UP_THE_DISTRICT + IDENTIFY_AND_REGISTER + HELP_THE_HOUSEHOLD)
    # The second sw-1 visit was typed twice: void it, saying why.
    duplicate = orjson.loads(fupin.ok("history JH-0001 --format json").stdout)[-4]
    assert (duplicate["event"], duplicate["details"]["helper"]) == ("VisitRecorded", "sw-1")
    fupin.ok(
        f"correct household JH-0001 {duplicate['version']} --reason 重复录入 "
        "-d 更正单 -e 2016-10-11",
        actor="jn-01",
    )
    run(fupin, EXIT_AND_RETURN)
    stored = fupin.event_count()

    table = fupin.ok("history JH-0001").stdout
    # Personal data is shown in full to the household's own street (docs/privacy.md).
    entries = orjson.loads(fupin.ok("history JH-0001 --format json", actor="jn-01").stdout)
    tail = fupin.ok(f"log --since {stored - 3}").stdout.splitlines()

    assert "Identified" in table
    assert "ReturnAdvanced" in table
    assert "jn-01 (officer)" in table
    assert "江门扶贫〔2017〕5号" in table
    assert [e["event"] for e in entries] == [
        "Identified", "Reviewed", "NoticePosted", "Signed", "Registered",
        "HelperPaired", "HelperPaired", "HelperPaired", "HelperPaired", "AgreementSigned",
        "VisitRecorded", "VisitRecorded", "VisitRecorded", "MeasurePlanned", "MeasureCompleted",
        "FundsReceived", "Corrected", "IncomeAssessed", "ExitProposed", "ExitAdvanced",
        "ExitNoticed", "ExitAdvanced", "ReturnAdvanced", "ReturnAdvanced", "ReturnAdvanced",
        "ReturnAdvanced",
    ]  # fmt: skip
    by_event = {e["event"]: e for e in entries}
    assert by_event["Identified"]["details"]["personal"]["member_names"] == ["张三", "李四"]
    assert by_event["FundsReceived"]["details"]["amount_fen"] == 250050
    assert by_event["Corrected"]["details"] == {
        "corrects": duplicate["version"],
        "reason": "重复录入",
    }
    assert by_event["IncomeAssessed"]["details"]["income_fen"] == 900000
    assert [e["details"]["step"] for e in entries if e["event"] == "ReturnAdvanced"] == [
        "recognised", "applied", "reviewed", "approved",
    ]  # fmt: skip
    assert (entries[-1]["actor"], entries[-1]["effective"]) == ("qu-01", "2017-09-20")
    assert [orjson.loads(line)["position"] for line in tail] == [stored - 2, stored - 1, stored]
    assert [orjson.loads(line)["details"].get("step") for line in tail] == [
        "applied", "reviewed", "approved",
    ]  # fmt: skip


def events_after(fupin: Fupin, position: int) -> list[tuple[str, str]]:
    """(aggregate, event) of every event stored after ``position``, from ``fupin log``."""
    lines = fupin.ok(f"log --since {position}").stdout.splitlines()
    return [(entry["aggregate"], entry["event"]) for entry in map(orjson.loads, lines)]


def test_an_inspection_runs_from_finding_to_rectification_notice_and_talk(seeded: Fupin) -> None:
    start = seeded.event_count()
    script: District = [
        (
            "insp-1",
            "inspection open DC-2016-1 --level district --year 2016 --scope 年度督查 "
            "-d 江海督〔2016〕1号 -e 2016-12-10",
        ),
        (
            "insp-1",
            "inspection find DC-2016-1 f-1 --subject-kind village --subject 雄光 "
            "--description 台账不全 --deadline 2017-01-31 -d 督查通知书 -e 2016-12-12",
        ),
        (
            "qu-01",
            "inspection rectify DC-2016-1 f-1 --summary 已补齐台账 --note 补录 "
            "-d 整改报告 -e 2017-01-20",
        ),
        ("insp-1", "inspection close DC-2016-1 f-1 -d 销号单 -e 2017-01-25"),
        (
            "insp-1",
            "inspection criticise DC-2016-1 --unit 江南街道 --reason 进度滞后 "
            "-d 江海督〔2017〕2号 -e 2017-01-26",
        ),
        (
            "insp-1",
            "inspection talk DC-2016-1 --street 江南 --year 2016 --reason 未完成年度减贫任务 "
            "-d 约谈记录 -e 2017-02-01",
        ),
    ]

    run(seeded, script)

    assert events_after(seeded, start) == [
        ("Inspection", "InspectionOpened"),
        ("Inspection", "FindingRecorded"),
        ("Inspection", "RectificationReported"),
        ("Inspection", "FindingClosed"),
        ("Inspection", "CriticismNoticed"),
        ("Inspection", "LeadershipTalkHeld"),
    ]


def test_officers_helpers_members_and_money_change_hands_on_record(seeded: Fupin) -> None:
    start = seeded.event_count()
    script: District = [
        (
            "admin",
            "officer add jn-02 --name 江南专干二 --role officer --street 江南 "
            "-d 江海扶贫〔2016〕2号 -e 2016-08-01",
        ),
        ("admin", "officer change jn-02 --role officer --street 礼乐 -d 调岗通知 -e 2016-09-01"),
        ("admin", "officer retire jn-02 --reason 退休 -d 退休通知 -e 2016-10-01"),
        (
            "jn-01",
            "household members JH-0001 --members 4 --head-name 户主1 "
            f"--id-card {id_card(1)} --note 新生儿出生 -d 出生证明 -e 2016-09-15",
        ),
        ("jn-01", "household object JH-0004 o-1 --summary 家有轿车 -d 异议登记 -e 2016-08-04"),
        ("jn-01", "household resolve JH-0004 o-1 --dismissed -d 异议核查 -e 2016-08-06"),
        (
            "jn-01",
            "helper add c-3 --kind cadre --name 刘干部 --rank deputy-division "
            "-d 江南扶贫〔2016〕3号 -e 2016-09-20",
        ),
        (
            "jn-01",
            "household unpair JH-0001 c-1 --replacement c-3 --reason 调岗 "
            "-d 江南扶贫〔2016〕20号 -e 2016-09-21",
        ),
        ("jn-01", "helper employ e-1 JH-0001 --since 2016-09-01 -d 劳动合同 -e 2016-09-01"),
        ("jn-01", "helper end-employment e-1 JH-0001 -d 离职证明 -e 2016-11-01"),
        (
            "qu-01",
            "fund disburse city-2016 --amount 500 --category facilities --purpose village "
            "--street 江南 --village 雄光 -d 支付凭证0002 -e 2016-09-30",
        ),
    ]

    run(seeded, script)
    retired = seeded(f"household sign JH-0004 {doc('2016-10-02')}", actor="jn-02")

    assert events_after(seeded, start) == [
        ("Officer", "OfficerRegistered"),
        ("Officer", "OfficerRoleChanged"),
        ("Officer", "OfficerRetired"),
        ("Household", "MembersChanged"),
        ("Household", "ObjectionRaised"),
        ("Household", "ObjectionResolved"),
        ("Helper", "HelperRegistered"),
        ("Household", "HelperUnpaired"),
        ("Helper", "WorkerEmployed"),
        ("Helper", "EmploymentEnded"),
        ("FundAccount", "Disbursed"),
    ]
    assert_refused(retired, "as", "jn-02 has retired")
