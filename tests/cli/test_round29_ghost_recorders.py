"""Session 29, helper a: an id that is not an officer learnt whether a record exists:
``fupin --as GHOST household sign JH-0004`` said "no household 'JH-0004' on record", as every
recording command loaded the record it names before ``authorise`` judged the actor. Readers
refused a ghost ``--as`` first already (session 28). Since session 29 a recording command's
actor is judged registered and active as the ledger opens, before any record is looked up
(docs/privacy.md); every recording command is walked with records that do not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, all_commands, assert_refused
from tests.support import id_card

STORE_INDEPENDENT = "who records is judged before any record is read: SQLite is enough"

GHOST = "'GHOST' is not a registered officer"
D = "-d 文件 -e 2016-09-05"
CARD = id_card(9)
NOTICE = "--start 2016-09-05 --end 2016-09-12 -d 文件"
#: Every recording command, naming records that are not on record (``{tmp}`` a folder holding
#: a log key ``log.key`` and a master key ``master.key``). ``init`` is not here: it makes a
#: new ledger and names its admin.
LINES = {
    "checkpoint": f"checkpoint --out {{tmp}}/cp.json --log-key {{tmp}}/log.key {D}",
    "correct": f"correct household JH-9999 3 --reason 误录 {D}",
    "erase": f"erase JH-9999 --reason 申请 {D}",
    "fund allocate": f"fund allocate no-fund --amount 100 {D}",
    "fund amend": f"fund amend no-fund --reason 误录 {D}",
    "fund disburse": (
        "fund disburse no-fund --amount 100 --category education --purpose household "
        f"--household JH-9999 --measure m-9 {D}"
    ),
    "fund open": f"fund open city-2016 --source city --year 2016 {D}",
    "helper add": f"helper add c-1 --kind cadre --name 干部 {D}",
    "helper amend": f"helper amend no-helper --reason 误录 {D}",
    "helper employ": f"helper employ no-helper JH-9999 --since 2016-09-05 {D}",
    "helper end-employment": f"helper end-employment no-helper JH-9999 {D}",
    "household agree": f"household agree JH-9999 {D}",
    "household amend": f"household amend JH-9999 --reason 误录 --labour {D}",
    "household approve-exit": f"household approve-exit JH-9999 {D}",
    "household assess": f"household assess JH-9999 2016 --income 9000 {D}",
    "household close": f"household close JH-9999 --because died-out --reason 去世 {D}",
    "household complete-measure": f"household complete-measure JH-9999 m-9 {D}",
    "household exit-notice": f"household exit-notice JH-9999 {NOTICE}",
    "household identify": (
        f"household identify JH-9999 --street 无此街 --village 无此村 --members 2 "
        f"--head-name 户主 --id-card {CARD} {D}"
    ),
    "household members": (
        f"household members JH-9999 --members 2 --note 出生 --head-name 户主 --id-card {CARD} {D}"
    ),
    "household move": f"household move JH-9999 --village 无此村 --reason 搬迁 {D}",
    "household notice": f"household notice JH-9999 {NOTICE}",
    "household object": f"household object JH-9999 o-1 --summary 不实 {D}",
    "household pair": f"household pair JH-9999 no-helper {D}",
    "household plan-measure": f"household plan-measure JH-9999 m-9 --category education {D}",
    "household propose-exit": f"household propose-exit JH-9999 2016 {D}",
    "household register": f"household register JH-9999 {D}",
    "household resolve": f"household resolve JH-9999 o-1 --upheld {D}",
    "household return": f"household return JH-9999 applied {D}",
    "household review": f"household review JH-9999 {D}",
    "household sign": f"household sign JH-9999 {D}",
    "household unpair": f"household unpair JH-9999 no-helper --reason 调离 {D}",
    "household verify-exit": f"household verify-exit JH-9999 {D}",
    "household visit": f"household visit JH-9999 --helper no-helper {D}",
    "household withdraw-exit": f"household withdraw-exit JH-9999 --reason 撤回 {D}",
    "household withdraw-return": f"household withdraw-return JH-9999 --reason 撤回 {D}",
    "inspection amend": f"inspection amend NO-DC --reason 误录 {D}",
    "inspection close": f"inspection close NO-DC f-9 {D}",
    "inspection criticise": f"inspection criticise NO-DC --unit 某单位 --reason 不力 {D}",
    "inspection find": (
        "inspection find NO-DC f-9 --subject-kind household --subject JH-9999 "
        f"--deadline 2016-12-31 {D}"
    ),
    "inspection open": f"inspection open DC-2016 --level district --year 2016 {D}",
    "inspection rectify": f"inspection rectify NO-DC f-9 --summary 已改 {D}",
    "inspection talk": f"inspection talk NO-DC --street 无此街 --year 2016 --reason 未达标 {D}",
    "keys register": f"keys register no-officer AAAA {D}",
    "keys register-log": f"keys register-log AAAA {D}",
    "keys revoke": f"keys revoke no-officer {D}",
    "keys rotate-master": f"keys rotate-master --new-key-file {{tmp}}/master.key {D}",
    "officer add": f"officer add wh-09 --name 专干 --role officer --street 无此街 {D}",
    "officer amend": f"officer amend no-officer --reason 误录 {D}",
    "officer change": f"officer change no-officer --role officer --street 无此街 {D}",
    "officer retire": f"officer retire no-officer --reason 退休 {D}",
    "place add-street": f"place add-street 新街 {D}",
    "place add-village": f"place add-village 无此街 新村 {D}",
    "place amend-village": (
        f"place amend-village 无此街 无此村 --relatively-poor --reason 误录 {D}"
    ),
    "programme amend": f"programme amend --reason 误录 --notice-days 10 {D}",
    "programme open": f"programme open {D}",
    "programme set-year": (f"programme set-year 2016 --urban-dibao 7200 --rural-income 18000 {D}"),
}


def test_every_recording_command_is_walked() -> None:
    recording = {
        words
        for words, command in all_commands().items()
        if any(p.name == "document" and "-d" in p.opts for p in command.params)
    }

    assert recording - {"init"} == set(LINES)


@pytest.mark.parametrize("words", sorted(LINES))
def test_a_ghost_recorder_is_refused_before_any_record_is_looked_up(
    seeded: Fupin, tmp_path: Path, words: str
) -> None:
    seeded.ok(f"keys new --out {tmp_path / 'log.key'}")
    seeded.ok(f"keys new-master --out {tmp_path / 'master.key'}")
    before = seeded.event_count()

    refused = seeded(LINES[words].format(tmp=tmp_path), "GHOST")

    assert_refused(refused, "as", GHOST)
    assert seeded.event_count() == before


def test_a_retired_officer_is_refused_before_any_record_is_looked_up(seeded: Fupin) -> None:
    seeded.ok("officer retire ll-01 --reason 退休 -d 文件 -e 2016-09-01", "admin")

    refused = seeded(f"household sign JH-9999 {D}", "ll-01")

    assert_refused(refused, "as", "ll-01 has retired")
