"""Erasure 删除个人信息: after the key is destroyed nothing recovers the household's personal
data, and the counts, money, hash chain and verification are untouched."""

from __future__ import annotations

import glob
from datetime import date
from pathlib import Path

import pytest
from ledger.application import Ledger, open_ledger
from ledger.errors import PermissionRefusedError, RuleError
from ledger.household import Personal
from ledger.imports import export_commands
from ledger.privacy import KEY_TABLE
from ledger.verification import verify_ledger
from projections import api

from tests.support import id_card, register, stamp

SECRETS = ("户主1", id_card(1), "13800000000")


def stored_bytes(app: Ledger) -> bytes:
    assert app.location is not None
    assert app.location.path is not None
    return b"".join(Path(f).read_bytes() for f in sorted(glob.glob(f"{app.location.path}*")))


def wrapped_key(app: Ledger, number: str) -> str | None:
    with app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            f"SELECT wrapped_key FROM {KEY_TABLE} WHERE household_id = ?",
            (str(app.household(number).id),),
        )
        value: str | None = cursor.fetchone()[0]
        return value


@pytest.fixture
def erased(ledger: Ledger) -> tuple[Ledger, str, dict[str, object]]:
    register(ledger, "JH-0001", serial=1)
    register(ledger, "JH-0002", serial=2)
    before = api.caseload(ledger)["totals"]
    old_key = wrapped_key(ledger, "JH-0001")
    assert old_key is not None
    ledger.erase(stamp("admin"), "JH-0001", "本人申请删除")
    return ledger, old_key, before


def test_after_erasure_history_stream_and_export_show_only_erased(
    erased: tuple[Ledger, str, dict[str, object]],
) -> None:
    ledger, _, _ = erased

    history = ledger.history("JH-0001")
    stream = [e for e in ledger.event_stream() if "personal" in e["details"]]
    exported = [line for line in export_commands(ledger) if line.get("command") == "identify"]

    assert history[0]["details"]["personal"]["id_card"] == "[erased]"
    assert history[-1]["event"] == "PersonalDataErased"
    assert [e["details"]["personal"]["head_name"] for e in stream] == ["[erased]", "户主2"]
    assert [line["args"]["head_name"] for line in exported] == ["[erased]", "户主2"]
    assert ledger.personal_data("JH-0001")["head_name"] == "[erased]"


def test_after_erasure_a_fresh_process_with_the_master_key_recovers_nothing(
    erased: tuple[Ledger, str, dict[str, object]],
) -> None:
    ledger, old_key, _ = erased
    assert ledger.location is not None
    fresh = open_ledger(ledger.location.display)
    try:
        personal = fresh.household("JH-0001").personal
        as_of = api.household(fresh, "JH-0001")
    finally:
        fresh.close()

    assert personal == Personal("[erased]", "[erased]", "[erased]", "[erased]", ())
    assert as_of["household"]["number"] == "JH-0001"
    assert wrapped_key(ledger, "JH-0001") is None
    assert old_key.encode() not in stored_bytes(ledger)


def test_no_plaintext_and_no_copy_of_the_destroyed_key_is_left_in_the_file(
    erased: tuple[Ledger, str, dict[str, object]],
) -> None:
    ledger, old_key, _ = erased

    data = stored_bytes(ledger)

    assert not [s for s in SECRETS if s.encode() in data]
    assert old_key.encode() not in data


def test_erasure_keeps_counts_and_verification(
    erased: tuple[Ledger, str, dict[str, object]],
) -> None:
    ledger, _, before = erased

    report = verify_ledger(ledger.recorder, ledger.mapper)

    assert report.ok, report.problems
    assert api.caseload(ledger)["totals"] == before


def test_an_erased_household_takes_no_new_personal_data_and_is_not_erased_twice(
    erased: tuple[Ledger, str, dict[str, object]],
) -> None:
    ledger, _, _ = erased
    personal = Personal("新户主", id_card(7), "", "", ("新户主",))

    with pytest.raises(RuleError, match="erased"):
        ledger.change_members(stamp("jn-01", note="新增"), "JH-0001", 1, personal)
    with pytest.raises(RuleError, match="erased"):
        ledger.erase(stamp("admin"), "JH-0001", "again")


def test_a_visit_after_erasure_is_still_recorded(
    erased: tuple[Ledger, str, dict[str, object]],
) -> None:
    ledger, _, _ = erased

    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-0001", "c-1")

    assert "c-1" in ledger.household("JH-0001").helpers


@pytest.mark.parametrize("actor", ["jn-01", "qu-01", "insp-1", "ana-1"])
def test_only_an_admin_erases(ledger: Ledger, actor: str) -> None:
    register(ledger, "JH-0001", serial=1)
    before = ledger.event_count()

    with pytest.raises(PermissionRefusedError, match="erase needs admin"):
        ledger.erase(stamp(actor), "JH-0001", "申请")

    assert ledger.event_count() == before
    assert ledger.household("JH-0001").personal.head_name == "户主1"


def test_an_erasure_cut_short_before_the_key_was_destroyed_is_finished_by_erasing_again(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(ledger, "JH-0001", serial=1)
    crash = RuntimeError("power cut")

    def cut(household: object) -> None:
        raise crash

    with monkeypatch.context() as patched:
        patched.setattr(ledger.household_keys, "destroy", cut)
        with pytest.raises(RuntimeError):
            ledger.erase(stamp("admin"), "JH-0001", "申请")
    events = ledger.event_count()
    ledger.erase(stamp("admin"), "JH-0001", "申请")

    assert ledger.event_count() == events
    assert wrapped_key(ledger, "JH-0001") is None
