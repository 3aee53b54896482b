"""The Chinese term 术语 of each event, as docs/events.md gives it beside the event's name:
what ``fupin history`` shows next to the name (``Identified 识别``; since session 27, tester E:
the event column was English alone). The events keep their English names in the log."""

from __future__ import annotations

__all__ = ["EVENT_TERMS", "event_term"]

EVENT_TERMS = {
    # the programme and its reference data
    "Opened": "方案启动",
    "RulesAmended": "方案规则更正",
    "YearParametersSet": "年度参数",
    "StreetRegistered": "街道登记",
    "VillageAdded": "村（社区）登记",
    "VillageAmended": "村（社区）更正",
    "OfficerRegistered": "工作人员登记",
    "OfficerRoleChanged": "调动",
    "OfficerRetired": "离岗",
    "SigningKeyRegistered": "签名密钥",
    "SigningKeyRevoked": "签名密钥撤销",
    "RevokedKeyCarried": "撤销密钥转入",
    # helpers
    "HelperRegistered": "帮扶人登记",
    "WorkerEmployed": "吸纳就业",
    "EmploymentEnded": "就业结束",
    "PairingsOpened": "结对记录建立",
    "PairingTaken": "结对",
    "PairingRetaken": "结对恢复",
    "PairingReleased": "结对解除",
    # households
    "Identified": "识别",
    "MembersChanged": "家庭成员变更",
    "Closed": "注销",
    "Moved": "迁移",
    "Reviewed": "村（社区）评议",
    "NoticePosted": "张榜公示",
    "ObjectionRaised": "异议",
    "ObjectionResolved": "异议处理",
    "Signed": "逐户签字确认",
    "Registered": "建档立卡",
    "HelperPaired": "结对帮扶",
    "HelperUnpaired": "脱钩",
    "AgreementSigned": "扶贫协议",
    "VisitRecorded": "走访",
    "MeasurePlanned": "帮扶措施",
    "MeasureCompleted": "措施落实",
    "FundsReceived": "资金到户",
    "ReceiptVoided": "到户记录作废",
    "IncomeAssessed": "收入核查",
    "ExitProposed": "拟退出",
    "ExitAdvanced": "核实 / 退出帮扶",
    "ExitNoticed": "退出公示",
    "ExitWithdrawn": "撤回退出",
    "ReturnAdvanced": "返贫",
    "ReturnWithdrawn": "撤回返贫",
    "PersonalDataErased": "删除个人信息",
    # money
    "AccountOpened": "开设资金账户",
    "AllocationReceived": "拨付到账",
    "Disbursed": "支出",
    # oversight
    "InspectionOpened": "督查",
    "FindingRecorded": "问题",
    "RectificationReported": "整改",
    "FindingClosed": "问题销号",
    "CriticismNoticed": "通报",
    "LeadershipTalkHeld": "约谈",
    # on every kind of record, and the log's own
    "Amended": "更正登记事项",
    "Corrected": "更正",
    "Sealed": "签章",
    "MasterKeyRotated": "轮换主密钥",
    "ImportsStarted": "导入记录建立",
    "BatchImported": "导入批次（旧）",
    "BatchRecorded": "导入批次",
    "CheckpointRecorded": "检查点",
    "LogKeyRegistered": "日志密钥",
    "LogKeyRotated": "日志密钥轮换",
    "RebuiltFromExport": "由导出重建",
}


def event_term(event: str) -> str:
    """``Identified 识别``: the event's name and its Chinese term (the name alone if it has
    none, as an event of a later version would)."""
    term = EVENT_TERMS.get(event)
    return f"{event} {term}" if term else event
