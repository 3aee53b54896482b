"""``household members``: the phone, address and member names an officer does not give are
kept as on record (before, they were recorded empty: docs/cli.md's own example cleared them);
given empty on purpose, they record none. The event still carries the whole new record."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

IDENTIFY = (
    "household identify JH-0050 --street 江南 --village 雄光 --area rural --members 2 "
    f"--head-name 张三 --id-card {id_card(50)} --phone 13800000000 --address 江海区雄光村1号 "
    f"--member-name 张三 --member-name 李四 {doc('2016-08-01')}"
)
MEMBERS = f"household members JH-0050 --head-name 张三 --id-card {id_card(50)} --note 新生儿出生"


def personal(fupin: Fupin) -> dict[str, object]:
    shown = orjson.loads(fupin.ok("household show JH-0050 --format json", actor="admin").stdout)
    record: dict[str, object] = shown["personal"][0]
    return {**record, "members": shown["household"]["members"]}


def test_what_is_not_given_is_kept_as_on_record(seeded: Fupin) -> None:
    seeded.ok(IDENTIFY, actor="jn-01")

    result = seeded.ok(f"{MEMBERS} --members 2 {doc('2016-09-15')}", actor="jn-01")

    assert "now has 2 members (phone, address, member names as on record)" in result.stdout
    assert personal(seeded) == {
        "head_name": "张三",
        "id_card": id_card(50),
        "phone": "13800000000",
        "address": "江海区雄光村1号",
        "member_names": ["张三", "李四"],
        "members": 2,
    }


def test_the_docs_example_keeps_the_phone_and_address_with_the_new_names(seeded: Fupin) -> None:
    seeded.ok(IDENTIFY, actor="jn-01")
    names = "--member-name 张三 --member-name 李四 --member-name 张小 --member-name 张幼"

    seeded.ok(f"{MEMBERS} --members 4 {names} {doc('2016-09-15')}", actor="jn-01")

    shown = personal(seeded)
    assert (shown["phone"], shown["address"]) == ("13800000000", "江海区雄光村1号")
    assert (shown["members"], shown["member_names"]) == (4, ["张三", "李四", "张小", "张幼"])


def test_names_on_record_that_no_longer_fit_are_refused_not_dropped(seeded: Fupin) -> None:
    seeded.ok(IDENTIFY, actor="jn-01")
    before = seeded.event_count()

    result = seeded(f"{MEMBERS} --members 4 {doc('2016-09-15')}", actor="jn-01")

    assert_refused(result, "member_names", "2 names on record for 4 members")
    assert seeded.event_count() == before
    assert personal(seeded)["member_names"] == ["张三", "李四"]


def test_an_empty_value_given_on_purpose_records_none(seeded: Fupin) -> None:
    seeded.ok(IDENTIFY, actor="jn-01")

    result = seeded.ok(
        f"{MEMBERS} --members 3 --phone '' --address '' --member-name '' {doc('2016-09-15')}",
        actor="jn-01",
    )

    assert "now has 3 members" in result.stdout
    assert "as on record" not in result.stdout
    shown = personal(seeded)
    assert (shown["phone"], shown["address"], shown["member_names"]) == ("", "", [])


def test_an_empty_member_name_among_others_is_refused(seeded: Fupin) -> None:
    seeded.ok(IDENTIFY, actor="jn-01")
    before = seeded.event_count()

    result = seeded(
        f"{MEMBERS} --members 2 --member-name 张三 --member-name '' {doc('2016-09-15')}",
        actor="jn-01",
    )

    assert_refused(result, "member_name", "an empty --member-name records no names")
    assert seeded.event_count() == before


def test_the_event_carries_the_whole_new_record(seeded: Fupin) -> None:
    seeded.ok(IDENTIFY, actor="jn-01")
    seeded.ok(f"{MEMBERS} --members 2 --address 江海区新址2号 {doc('2016-09-15')}", actor="jn-01")

    lines = seeded.ok("export events", actor="admin").stdout.splitlines()

    (change,) = [orjson.loads(line) for line in lines if '"change_members"' in line]
    assert change["args"] == {
        "household": "JH-0050",
        "members": 2,
        "head_name": "张三",
        "id_card": id_card(50),
        "phone": "13800000000",
        "address": "江海区新址2号",
        "member_names": ["张三", "李四"],
    }


def test_an_import_row_is_the_whole_new_record(seeded: Fupin, tmp_path: Path) -> None:
    # The chosen contract of `fupin import` (docs/import.md): a blank cell records none, so
    # an exported log replays to the same records; the command line keeps what is not given.
    seeded.ok(IDENTIFY, actor="jn-01")
    row = {
        "command": "change_members",
        "ref": "MC-1",
        "effective": "2016-09-15",
        "document": "户籍变更证明",
        "note": "新生儿落户",
        "args": {"household": "JH-0050", "members": 2, "head_name": "张三", "id_card": id_card(50)},
    }
    path = tmp_path / "rows.jsonl"
    path.write_bytes(orjson.dumps(row) + b"\n")
    path.chmod(0o600)  # personal data: its owner's only (docs/privacy.md)

    seeded.ok(f"import {path}", actor="jn-01")

    shown = personal(seeded)
    assert (shown["phone"], shown["address"], shown["member_names"]) == ("", "", [])


def test_a_change_entered_late_keeps_nothing_from_a_later_record(seeded: Fupin) -> None:
    # Dated before the record in force, it is history: what it would keep is its own day's
    # record, which the household no longer holds, so it must give every field.
    seeded.ok(IDENTIFY, actor="jn-01")
    seeded.ok(f"{MEMBERS} --members 2 --phone 13900000000 {doc('2016-10-01')}", actor="jn-01")
    before = seeded.event_count()

    late = seeded(f"{MEMBERS} --members 2 --address 旧址 {doc('2016-09-01')}", actor="jn-01")

    assert_refused(late, "effective", "2016-09-01 is before the personal record in force")
    assert seeded.event_count() == before
    given = "--phone 13800000000 --address 旧址 --member-name 张三 --member-name 李四"
    seeded.ok(f"{MEMBERS} --members 2 {given} {doc('2016-09-01')}", actor="jn-01")
    assert personal(seeded)["phone"] == "13900000000"  # the record in force is still the later


def test_a_change_dated_before_the_one_in_force_says_what_is_in_force(seeded: Fupin) -> None:
    """An analyst audit: a change entered late, dated before the record in force, is history
    (docs/events.md, MembersChanged), but the command said "now has 4 members" while the
    household, and every report, kept 6."""
    seeded.ok(IDENTIFY, actor="jn-01")
    six = " ".join(["--member-name 张三", *(f"--member-name 成员{n}" for n in range(5))])
    seeded.ok(f"{MEMBERS} --members 6 {six} {doc('2017-06-01')}", actor="jn-01")
    four = " ".join(["--member-name 张三", *(f"--member-name 成员{n}" for n in range(3))])

    result = seeded.ok(
        f"{MEMBERS} --members 4 {four} --phone '' --address '' {doc('2016-12-01')}",
        actor="jn-01",
    )

    assert "now has" not in result.stdout
    assert "recorded 4 members from 2016-12-01" in result.stdout
    assert "6 members are in force since 2017-06-01" in result.stdout
    assert personal(seeded)["members"] == 6


def test_one_member_is_said_in_the_singular(seeded: Fupin) -> None:
    # Tester C, session 26: "household LL-000010 now has 1 members".
    seeded.ok(IDENTIFY, actor="jn-01")

    result = seeded.ok(
        f"{MEMBERS} --members 1 --member-name 张三 {doc('2016-09-15')}", actor="jn-01"
    )

    assert "now has 1 member (phone, address as on record)" in result.stdout
