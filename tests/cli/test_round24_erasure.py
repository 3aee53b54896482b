"""Session 24 (the district's personal-information protection officer, on a copy of the demo):
erasure of a household's personal data.

- An erasure dated before personal data recorded later was taken: the history said the data
  was erased in 2017, then new personal data came in 2018. It is refused on ``effective``.
- An erasure's reason naming the head, their ID card and phone was recorded in clear for good
  (shown unmasked to analysts): free text holding an ID-card number or a mobile number is
  refused, on the command line and in an import, naming the field and the rule.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ERASE = "erase JH-0002 -d 删除申请2"


def _members_with_personal_data(fupin: Fupin, effective: str) -> None:
    fupin.ok(
        f"household members JH-0002 --members 2 --head-name 张三 --id-card {id_card(2)} "
        f"--note 成员死亡 {doc(effective)}",
        "jn-01",
    )


def test_an_erasure_dated_before_personal_data_recorded_later_is_refused(seeded: Fupin) -> None:
    _members_with_personal_data(seeded, "2018-06-01")
    before = seeded.event_count()

    refused = seeded(f"{ERASE} --reason 本人申请 -e 2017-01-01", "admin")

    assert_refused(refused, "effective", "before personal data of JH-0002 recorded on 2018-06-01")
    assert "date it on or after that" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(f"{ERASE} --reason 本人申请 -e 2018-06-01", "admin")


IN_CLEAR = "personal data goes only into a household's sealed personal fields"
CARD = "440704198708067078"  # passes the checksum and the birth date


def test_a_reason_holding_an_id_card_or_a_mobile_number_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    erase = f"{ERASE} -e 2018-12-20 --reason 户主吴伟"
    by_card = seeded(f"{erase}（身份证{CARD}）本人申请", "admin")
    by_phone = seeded(f"{erase}（电话15083698041）本人申请", "admin")

    assert_refused(by_card, "reason", "holds an ID-card number (characters 9-26)")
    assert IN_CLEAR in by_card.stderr
    assert "refer to a household by its number and a helper by its key" in by_card.stderr
    assert CARD not in by_card.stderr
    assert_refused(by_phone, "reason", "holds a mobile phone number")
    assert "15083698041" not in by_phone.stderr
    assert seeded.event_count() == before


def test_a_note_or_a_summary_holding_one_is_refused_and_other_numbers_pass(seeded: Fupin) -> None:
    visit = f"household visit JH-0001 --helper c-1 {doc('2016-09-10')} --summary "

    assert_refused(seeded(visit + f"走访{CARD.lower()[:-1]}8", "jn-01"), "summary", IN_CLEAR)
    assert_refused(seeded(visit + "走访 --note 电话13800001234", "jn-01"), "note", IN_CLEAR)
    # Not an ID card (check digit wrong), a longer run of digits (a bank account), a landline.
    seeded.ok(visit + "走访440704198708067079；账号6222021380000123456；0750-3123456", "jn-01")


def test_an_import_row_holding_one_in_its_note_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    row = {
        "command": "record_visit",
        "ref": "V-1",
        "actor": "jn-01",
        "effective": "2016-09-10",
        "document": "走访记录",
        "note": f"身份证{CARD}",
        "args": {"household": "JH-0001", "helper": "c-1", "summary": "入户走访"},
    }
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(orjson.dumps(row) + b"\n")
    before = seeded.event_count()

    result = seeded(f"import {rows}", "admin")

    assert result.exit_code != 0, result.output
    assert "note: holds an ID-card number" in result.stderr
    assert CARD not in result.output
    assert seeded.event_count() == before


# -- an erased household's count of members ------------------------------------------------

COUNT = f"household members JH-0002 --members 2 --note 成员死亡 {doc('2018-12-21')}"


def _erased(fupin: Fupin) -> Fupin:
    fupin.ok(f"{ERASE} --reason 本人申请 -e 2018-12-20", "admin")
    return fupin


def _shown(fupin: Fupin, line: str) -> dict[str, object]:
    record: dict[str, object] = orjson.loads(fupin.ok(line + " --format json", "admin").stdout)
    return record


def test_an_erased_households_count_of_members_alone_is_recorded_and_read(seeded: Fupin) -> None:
    fupin = _erased(seeded)

    said = fupin.ok(COUNT, "jn-01").stdout

    assert "JH-0002 now has 2 members (its personal data stays erased)" in said
    shown = _shown(fupin, "household show JH-0002")
    assert shown["facts"][0]["members"] == 2  # type: ignore[index]
    assert shown["personal"][0]["head_name"] == "[erased]"  # type: ignore[index]
    before = _shown(fupin, "household show JH-0002 --as-of 2018-12-20")
    assert before["facts"][0]["members"] == 3  # type: ignore[index]
    counted = fupin.ok("query 'SELECT members FROM pj_households WHERE number = \"JH-0002\"'")
    assert "2" in counted.stdout
    assert fupin.ok("projections check").exit_code == 0
    assert fupin.ok("verify").exit_code == 0
    history = orjson.loads(fupin.ok("history JH-0002 --format json", "ana-1").stdout)
    assert history[-1]["event"] == "MembersChanged"
    assert history[-1]["details"] == {"members": 2, "personal": None}


def test_personal_data_for_an_erased_household_is_refused_saying_the_count_alone_is_taken(
    seeded: Fupin, tmp_path: Path
) -> None:
    fupin = _erased(seeded)
    given = tmp_path / "p.json"
    given.write_bytes(orjson.dumps({"member_names": ["张三", "李四"]}))
    given.chmod(0o600)
    before = fupin.event_count()
    rule = "the personal data of JH-0002 was erased: no personal data is recorded for it again"
    alone = "its count of members alone is (household members JH-0002 --members N --note …"

    for extra in ("--member-name 张三 --member-name 李四", f"--personal-file {given}"):
        refused = fupin(f"{COUNT} {extra}", "jn-01")
        assert_refused(refused, "household", rule)
        assert alone in refused.stderr
    refused = fupin(f"{COUNT} --head-name 张三 --id-card {id_card(2)}", "jn-01")
    assert_refused(refused, "household", alone)
    assert fupin.event_count() == before


# -- member_names read [erased] / [sealed], as every other personal field -----------------


def test_member_names_read_erased_or_sealed_as_the_other_personal_fields(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    fupin = _erased(seeded)

    erased = _shown(fupin, "household show JH-0002")["personal"][0]  # type: ignore[index]
    monkeypatch.setenv("LEDGER_MASTER_KEY", "")
    sealed = _shown(fupin, "household show JH-0003")["personal"][0]  # type: ignore[index]

    # one [erased] for each of its 3 members (since session 29, tester J: one for them all)
    assert (erased["head_name"], erased["member_names"]) == ("[erased]", ["[erased]"] * 3)
    assert (sealed["head_name"], sealed["member_names"]) == ("[sealed]", ["[sealed]"])


def test_an_erased_households_export_names_its_members_erased_and_is_not_replayed(
    seeded: Fupin, tmp_path: Path
) -> None:
    fupin = _erased(seeded)
    log = tmp_path / "events.jsonl"
    fupin.ok(f"export events -o {log}", "admin")
    rows = [orjson.loads(line) for line in log.read_bytes().splitlines()]

    identify = next(
        r for r in rows if r["command"] == "identify" and r["args"]["household"] == "JH-0002"
    )

    # [] would read "none recorded"; one [erased] for each of its 3 members (since session 29)
    assert identify["args"]["member_names"] == ["[erased]"] * 3
    fresh = tmp_path / "fresh.db"
    replayed = fupin(f"--store {fresh} import --create {log}")
    assert replayed.exit_code == 2, replayed.output
    assert "is a placeholder" in replayed.stderr
