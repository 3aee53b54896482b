"""Erasure 删除个人信息: after the key is destroyed nothing recovers the household's personal
data, and the counts, money, hash chain and verification are untouched."""

from __future__ import annotations

import glob
import threading
from datetime import date
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from cli.privacy import UNFINISHED
from ledger.application import Ledger, open_ledger
from ledger.errors import PermissionRefusedError, RuleError
from ledger.household import Personal
from ledger.imports import export_commands
from ledger.keys import guard_household_keys
from ledger.notice import ErasureUnfinishedError
from ledger.privacy import KEY_TABLE, HouseholdKeys
from ledger.verification import verify_ledger
from projections import api
from typer.testing import CliRunner

from cli import main
from tests.integration.test_key_table_support import (
    dsn,
    is_sqlite,
    key_row,
    key_table_locked,
    release,
    short_lock_timeout,
)
from tests.support import DOC, id_card, register, stamp

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

    # The members' names read [erased] too (since session 24; before, (): "none recorded").
    assert personal == Personal("[erased]", "[erased]", "[erased]", "[erased]", ("[erased]",))
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
        with pytest.raises(ErasureUnfinishedError, match=r"recorded .*power cut") as unfinished:
            ledger.erase(stamp("admin"), "JH-0001", "申请")
    events = ledger.event_count()
    finished = ledger.erase(stamp("admin"), "JH-0001", "申请")

    assert unfinished.value.__cause__ is crash
    assert finished is True
    assert ledger.event_count() == events
    assert wrapped_key(ledger, "JH-0001") is None


# -- the key table locked by another writer (a rotation) when the key is to be destroyed ----


def _erase_while_locked(app: Ledger, number: str) -> ErasureUnfinishedError:
    """Erase ``number`` with the key table's lock taken by another session just after the
    event is saved and held past the lock timeout."""
    keys = app.household_keys
    real_destroy = keys.destroy
    raised: list[ErasureUnfinishedError] = []

    def destroy_behind_a_lock(household: UUID) -> None:
        with key_table_locked(app):
            real_destroy(household)

    keys.destroy = destroy_behind_a_lock  # type: ignore[method-assign]
    try:
        app.erase(stamp("admin"), number, "本人申请")
    except ErasureUnfinishedError as exc:
        raised.append(exc)
    finally:
        del keys.destroy
    assert raised, "the erasure was expected to be left unfinished"
    return raised[0]


def test_an_erasure_whose_key_is_locked_says_it_is_recorded_and_erasing_again_finishes_it(
    store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(store_ledger, "JH-0001", serial=1)
    app = short_lock_timeout(store_ledger, monkeypatch)
    try:
        household = str(app.household("JH-0001").id)
        before = app.event_count()

        unfinished = _erase_while_locked(app, "JH-0001")

        assert "erasure of JH-0001 recorded" in str(unfinished)
        assert "run `fupin erase JH-0001 --reason … -d …` again" in str(unfinished)
        assert "refused" not in str(unfinished)
        assert "\n" not in str(unfinished)
        assert app.event_count() == before + 1  # PersonalDataErased is saved
        assert app.history("JH-0001")[-1]["event"] == "PersonalDataErased"
        assert key_row(app, household)[0] is not None  # and the key is still there
        report = verify_ledger(app.recorder, app.mapper)
        assert [(p.event, "unfinished" in p.reason) for p in report.problems] == [
            (f"PersonalDataErased {household}", True)
        ]

        assert app.erase(stamp("admin"), "JH-0001", "本人申请") is True

        assert app.event_count() == before + 1  # nothing recorded twice
        wrapped, destroyed_at = key_row(app, household)
        assert wrapped is None
        assert destroyed_at is not None
        assert app.household("JH-0001").personal.head_name == "[erased]"
        assert verify_ledger(app.recorder, app.mapper).ok
        with pytest.raises(RuleError, match="was erased"):
            app.erase(stamp("admin"), "JH-0001", "本人申请")
    finally:
        app.close()


def test_a_key_table_lock_released_within_the_lock_timeout_is_waited_for(
    store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL: each statement waits a tenth of LEDGER_LOCK_TIMEOUT, so the destruction is
    # tried again until about the whole timeout has passed (SQLite's one try waits it all).
    register(store_ledger, "JH-0001", serial=1)
    app = short_lock_timeout(store_ledger, monkeypatch)
    try:
        keys = app.household_keys
        real_destroy = keys.destroy

        def destroy_while_a_rotation_ends(household: UUID) -> None:
            with key_table_locked(app) as holder:
                timer = threading.Timer(0.4, release, (holder,))
                timer.start()
                try:
                    real_destroy(household)
                finally:
                    timer.join()

        keys.destroy = destroy_while_a_rotation_ends  # type: ignore[method-assign]
        assert app.erase(stamp("admin"), "JH-0001", "本人申请") is False
        del keys.destroy

        assert key_row(app, str(app.household("JH-0001").id))[0] is None
    finally:
        app.close()


def test_the_cli_says_the_erasure_is_recorded_not_refused_and_erase_again_finishes_it(
    store_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(store_ledger, "JH-0001", serial=1)
    household = str(store_ledger.household("JH-0001").id)
    assert store_ledger.location is not None
    store = dsn(store_ledger) if not is_sqlite(store_ledger) else store_ledger.location.display
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    monkeypatch.setenv("PGOPTIONS", "")
    runner = CliRunner(env={"LEDGER_STORE": store, "LEDGER_ACTOR": None, "LEDGER_KEY": None})
    real_destroy = HouseholdKeys.destroy

    def destroy_behind_a_lock(self: HouseholdKeys, household: UUID) -> None:
        with key_table_locked(store_ledger):
            real_destroy(self, household)

    line = [
        "--as",
        "admin",
        "erase",
        "JH-0001",
        "--reason",
        "本人申请",
        "-d",
        DOC,
        "-e",
        "2016-08-02",
    ]
    with monkeypatch.context() as patched:
        patched.setattr(HouseholdKeys, "destroy", destroy_behind_a_lock)
        first = runner.invoke(main.app, line)
    again = runner.invoke(main.app, line)

    assert first.exit_code == UNFINISHED, first.output
    lines = first.stderr.strip().splitlines()
    if not is_sqlite(store_ledger):  # the wait on the key table said first (since session 28)
        said = lines.pop(0)
        assert said.startswith("note: waiting for "), said
        assert "holds a lock on household_keys" in said, said
    assert len(lines) == 1, first.stderr
    assert lines[0].startswith("erasure of JH-0001 recorded (PersonalDataErased)")
    assert "key table is locked" in lines[0]
    assert "run `fupin erase JH-0001 --reason … -d …` again" in lines[0]
    assert not first.output.startswith("refused")
    assert "\nrefused" not in first.output
    assert again.exit_code == 0, again.output
    assert "erasure of JH-0001 finished" in again.stdout
    assert key_row(store_ledger, household)[0] is None


def test_a_key_destroyed_with_no_erasure_is_acknowledged_by_erasing_it(
    store_ledger: Ledger,
) -> None:
    # docs/privacy.md: the personal data is lost; `fupin erase` records the missing
    # PersonalDataErased (who, why), and verify passes again. On PostgreSQL the guard stands.
    app = store_ledger
    register(app, "JH-0001", serial=1)
    register(app, "JH-0002", serial=2)
    household = str(app.household("JH-0002").id)
    with app.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            f"UPDATE {KEY_TABLE} SET wrapped_key = NULL WHERE household_id = "
            + ("?" if is_sqlite(app) else "%s"),
            (household,),
        )
    if not is_sqlite(app):
        with psycopg.connect(dsn(app)) as owner:
            guard_household_keys(owner)
    assert not verify_ledger(app.recorder, app.mapper).ok

    finished = app.erase(stamp("admin", date(2016, 9, 1)), "JH-0002", "密钥无记录被毁，核验发现")

    assert finished is False  # recorded now, not an erasure cut short
    assert key_row(app, household)[0] is None
    assert key_row(app, household)[1] is not None
    report = verify_ledger(app.recorder, app.mapper)
    assert report.ok, report.problems
    assert report.erased_keys == 1
    assert app.household("JH-0001").personal.head_name == "户主1"
