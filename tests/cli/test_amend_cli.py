"""``fupin household amend`` and ``fupin helper amend`` 更正登记事项: what was typed wrong in a
registration is restated, old and new shown, or refused in one line naming the field."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

AMEND = "household amend JH-0001"


def test_a_household_amended_says_what_each_field_was_and_is(seeded: Fupin) -> None:
    result = seeded.ok(
        f"{AMEND} --no-labour --not-key-target --area urban --reason 申请表勾选错误 "
        f"{doc('2018-03-01')}",
        actor="jn-01",
    )

    assert "household JH-0001 amended: " in result.stdout
    for change in ("labour yes → no", "key_target yes → no", "area rural → urban"):
        assert change in result.stdout
    shown = orjson.loads(seeded.ok("household show JH-0001 --format json").stdout)["household"]
    assert (shown["labour"], shown["key_target"], shown["area"]) == (False, False, "urban")
    (entry,) = [
        orjson.loads(line) for line in seeded.ok("log").stdout.splitlines() if '"Amended"' in line
    ]
    assert entry["aggregate"] == "Household"
    assert entry["details"]["was"] == {"area": "rural", "key_target": True, "labour": True}
    assert entry["details"]["reason"] == "申请表勾选错误"
    assert seeded.ok("verify").stdout.startswith("verified 38 events")


def test_an_amendment_breaking_a_rule_is_refused_and_writes_nothing(seeded: Fupin) -> None:
    before = seeded.event_count()
    cases = (
        (f"{AMEND} --reason 录错 {doc('2018-03-01')}", "changes", "at least one of"),
        (f"{AMEND} --area town --reason 录错 {doc('2018-03-01')}", "area", "'town' is not one"),
        (f"{AMEND} --no-labour --reason 录错 {doc('2018-03-01')}", "labour", "key_target too"),
        (f"{AMEND} --labour --reason 录错 {doc('2018-03-01')}", "labour", "already yes"),
        (f"{AMEND} --disabled --reason ' ' {doc('2018-03-01')}", "reason", "must say why"),
        ("household amend JH-0002 --key-target --reason 录错 -d D", "key_target", "not registered"),
    )
    for line, field, rule in cases:
        assert_refused(seeded(line, actor="jn-01"), field, rule)
    assert_refused(
        seeded(f"{AMEND} --disabled --reason 录错 {doc('2018-03-01')}", actor="ll-01"),
        "as",
        "works for street",
    )
    assert seeded.event_count() == before


def test_a_helper_amended_keeps_its_id_and_kind(seeded: Fupin) -> None:
    result = seeded.ok(
        f"helper amend v-1 --name 江南党员义工队 --team-size 12 --reason 名称录错 "
        f"{doc('2018-03-01')}",
        actor="ll-01",
    )

    shown = "helper v-1 amended: name 党员义工队 → 江南党员义工队, team_size 10 → 12"
    assert shown in result.stdout
    # What was recorded, not what was typed: stripped, composed (NFC).
    typed = seeded.ok(
        f"helper amend c-1 --rank ' division ' --name 'Zoe\u0308 ' --reason 录错 "
        f"{doc('2018-03-01')}",
        actor="jn-01",
    )
    assert "name 王干部 → Zo\u00eb, rank section → division" in typed.stdout
    assert_refused(
        seeded(f"helper amend c-1 --rank staff --reason 录错 {doc('2018-03-01')}", actor="jn-01"),
        "rank",
        "deputy-section",
    )
    assert_refused(
        seeded(f"helper amend nobody --name 某 --reason 录错 {doc('2018-03-01')}", actor="jn-01"),
        "key",  # the record amended: an import's `key` column too (since session 15)
        "no helper 'nobody' on record",
    )


def test_the_timeline_shows_what_an_amendment_restated(seeded: Fupin) -> None:
    amend = f"{AMEND} --no-labour --not-key-target --area urban --reason 申请表勾选错误"
    seeded.ok(f"{amend} {doc('2018-03-01')}", actor="jn-01")

    timeline = seeded.ok("history JH-0001", actor="admin").stdout
    flat = " ".join(timeline.replace("│", " ").split())

    for shown in ("labour yes → no", "area rural → urban", "reason=申请表勾选错误"):
        assert shown in flat, flat
    assert "changes=" not in flat
    assert "was=" not in flat
