"""Personal data at rest and at read: encrypted in the store, masked by role, sealed without
the master key (docs/privacy.md)."""

from __future__ import annotations

import glob
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import OperationalError, StoredEvent
from ledger import clock, privacy
from ledger.application import Ledger, open_ledger
from ledger.base import natural_id
from ledger.casework import Identification
from ledger.errors import InputError, LedgerError, PermissionRefusedError
from ledger.household import Household, Personal
from ledger.imports import export_commands
from ledger.keys import generate_key, public_key_text
from ledger.privacy import (
    KEY_TABLE,
    HouseholdKeys,
    PersonalDataMapper,
    SealBrokenError,
    generate_master_key,
)
from ledger.transparency import record_checkpoint, register_log_key, register_signing_key
from ledger.verification import verify_ledger
from projections import api

from tests.support import (
    id_card,
    identify,
    ledger_at,
    register,
    reopen,
    seed_reference,
    stamp,
)

NO_MASTER_KEY = {"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": ""}


def stored_bytes(app: Ledger) -> bytes:
    """Every byte of the SQLite store: the file, its write-ahead log and shared memory."""
    assert app.location is not None
    assert app.location.path is not None
    return b"".join(Path(f).read_bytes() for f in sorted(glob.glob(f"{app.location.path}*")))


@pytest.fixture
def two_streets(ledger: Ledger) -> Ledger:
    register(ledger, "JH-0001", serial=1)
    register(ledger, "LL-0001", street="礼乐", village="新创", serial=2)
    return ledger


def test_no_name_or_id_card_number_is_stored_in_clear(two_streets: Ledger) -> None:
    data = stored_bytes(two_streets)

    for secret in ("户主1", "户主2", id_card(1), id_card(2)):
        assert secret.encode() not in data
    assert two_streets.household("JH-0001").personal.id_card == id_card(1)


def test_reading_without_the_master_key_shows_sealed_personal_data_and_the_same_counts(
    two_streets: Ledger,
) -> None:
    assert two_streets.location is not None
    keyless = open_ledger(two_streets.location.display, extra_env=NO_MASTER_KEY)
    try:
        personal = keyless.history("JH-0001")[0]["details"]["personal"]
        counts = api.caseload(keyless)["totals"]
    finally:
        keyless.close()

    assert personal["head_name"] == personal["id_card"] == "[sealed]"
    assert counts == api.caseload(two_streets)["totals"] == {"households": 2, "people": 6}


def test_recording_personal_data_without_the_master_key_is_refused_and_writes_nothing(
    two_streets: Ledger,
) -> None:
    assert two_streets.location is not None
    keyless = open_ledger(two_streets.location.display, extra_env=NO_MASTER_KEY)
    try:
        before = keyless.event_count()
        with pytest.raises(InputError, match="LEDGER_MASTER_KEY"):
            identify(keyless, "JH-0002", serial=3)
        after = keyless.event_count()
    finally:
        keyless.close()

    assert after == before


def test_an_analyst_reads_every_household_masked(two_streets: Ledger) -> None:
    analyst = two_streets.reader("ana-1")

    history = two_streets.history("JH-0001", analyst)
    stream = [e for e in two_streets.event_stream(reader=analyst) if "personal" in e["details"]]

    assert history[0]["details"]["personal"]["id_card"] == "440704********" + id_card(1)[-4:]
    assert history[0]["details"]["personal"]["head_name"] == "户**"
    assert {e["details"]["personal"]["head_name"] for e in stream} == {"户**"}


def test_a_street_officer_reads_their_own_street_in_full_and_others_masked(
    two_streets: Ledger,
) -> None:
    officer = two_streets.reader("jn-01")

    own = two_streets.personal_data("JH-0001", officer)
    other = two_streets.personal_data("LL-0001", officer)

    assert own["id_card"] == id_card(1)
    assert other["id_card"] == "440704********" + id_card(2)[-4:]


@pytest.mark.parametrize("actor", ["admin", "insp-1", "qu-01"])
def test_admins_inspectors_and_district_officers_read_every_street_in_full(
    two_streets: Ledger, actor: str
) -> None:
    reader = two_streets.reader(actor)

    assert two_streets.personal_data("LL-0001", reader)["head_name"] == "户主2"
    assert two_streets.history("JH-0001", reader)[0]["details"]["personal"]["id_card"] == id_card(1)


def test_nobody_named_reads_masked_and_an_unknown_reader_is_refused(two_streets: Ledger) -> None:
    anonymous = two_streets.reader("")

    assert two_streets.personal_data("JH-0001", anonymous)["head_name"] == "户**"
    with pytest.raises(PermissionRefusedError, match="not a registered officer"):
        two_streets.reader("stranger")


def test_only_readers_who_see_everything_may_export_events(two_streets: Ledger) -> None:
    allowed = list(export_commands(two_streets, two_streets.reader("insp-1")))

    for actor in ("ana-1", "jn-01", ""):
        with pytest.raises(PermissionRefusedError, match="may not export"):
            export_commands(two_streets, two_streets.reader(actor))
    identified = [line for line in allowed if line.get("command") == "identify"]
    assert {line["args"]["id_card"] for line in identified} == {id_card(1), id_card(2)}


def test_an_analyst_may_not_record_and_an_officer_only_for_their_street(ledger: Ledger) -> None:
    personal = Personal("王五", id_card(9), "13900000009", "礼乐街道", ("王五",))
    facts = Identification("LL-0009", "礼乐", "新创", "rural", 1, True, True, False, True, personal)

    for actor in ("ana-1", "jn-01"):
        with pytest.raises(PermissionRefusedError):
            ledger.identify(stamp(actor), facts)
    ledger.identify(stamp("ll-01"), facts)

    assert ledger.household("LL-0009").personal.head_name == "王五"


def test_altered_ciphertext_is_caught_on_read_and_by_verify(two_streets: Ledger) -> None:
    # verify never decrypts (proofs cover the ciphertext): an unsigned event's change shows
    # against a checkpoint taken before it, like a change of any other value.
    assert two_streets.location is not None
    assert two_streets.location.path is not None
    log_key = generate_key()
    register_log_key(two_streets, stamp(), public_key_text(log_key))
    checkpoint = record_checkpoint(two_streets, stamp(), log_key)
    with two_streets.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "SELECT originator_id, state FROM stored_events WHERE topic LIKE '%Identified' LIMIT 1"
        )
        originator, state = cursor.fetchone()
        text = state.decode()
        start = text.index('"ciphertext":"') + len('"ciphertext":"')
        flipped = text[:start] + ("B" if text[start] == "A" else "A") + text[start + 1 :]
        cursor.execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = 1",
            (flipped.encode(), originator),
        )

    with pytest.raises(SealBrokenError):
        two_streets.history("JH-0001")
    report = verify_ledger(two_streets.recorder, two_streets.mapper, [("before", checkpoint)])
    assert not report.ok
    assert "do not hash to its root" in report.problems[0].reason


def test_rotating_the_master_key_rewraps_every_key_and_retires_the_old_one(
    two_streets: Ledger,
) -> None:
    assert two_streets.location is not None
    new = generate_master_key()

    count = two_streets.rotate_master(stamp("admin"), new)

    with_new = open_ledger(two_streets.location.display, extra_env={"LEDGER_MASTER_KEY": new})
    try:
        assert with_new.household("LL-0001").personal.head_name == "户主2"
    finally:
        with_new.close()
    old = open_ledger(two_streets.location.display)
    try:
        with pytest.raises(SealBrokenError, match="master key"):
            old.household("LL-0001")
    finally:
        old.close()
    assert count == 2


def test_a_process_still_on_the_old_master_key_stores_no_key_after_a_rotation(
    pg_or_sqlite: Ledger,
) -> None:
    # Its new household's key would be wrapped under the retired master: unreadable once
    # that key is thrown away. The save is refused instead, and nothing is written.
    assert pg_or_sqlite.location is not None
    register(pg_or_sqlite, "LL-0001", street="礼乐", village="新创", serial=2)
    stale = reopen(pg_or_sqlite)
    try:
        assert stale.household("JH-0001").personal.head_name == "户主1"  # read its master
        pg_or_sqlite.rotate_master(stamp("admin"), generate_master_key())
        before = stale.event_count()

        with pytest.raises(InputError, match="latest MasterKeyRotated retired it"):
            identify(stale, "JH-0009", serial=9)

        assert stale.event_count() == before
        assert not stale.exists(Household, "JH-0009")
        with stale.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute(f"SELECT COUNT(*) AS n FROM {KEY_TABLE}")
            assert cursor.fetchall()[0]["n"] == 2
    finally:
        stale.close()


def test_after_a_rotation_of_only_erased_keys_the_old_master_still_stores_nothing(
    pg_or_sqlite: Ledger,
) -> None:
    # No live key is left to say which master the table is under: the erased rows say it.
    app = pg_or_sqlite
    app.erase(stamp("admin"), "JH-0001", "court order")
    stale = reopen(app)
    try:
        assert stale.household_keys.master is not None  # the old master, read now
        new = generate_master_key()
        assert app.rotate_master(stamp("admin"), new) == 0

        with pytest.raises(InputError, match="latest MasterKeyRotated retired it"):
            identify(stale, "JH-0009", serial=9)
    finally:
        stale.close()
    current = reopen(app, {"LEDGER_MASTER_KEY": new})
    try:
        identify(current, "JH-0009", serial=9)
        assert current.household("JH-0009").personal.id_card == id_card(9)
    finally:
        current.close()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # SQLite's database-wide lock
def test_a_new_household_waits_for_another_writer_instead_of_failing(
    pg_or_sqlite: Ledger,
) -> None:
    # Its key's save takes the write lock before it reads anything: a transaction that has
    # read cannot wait for SQLite's lock, and would be refused at once while anyone writes.
    assert pg_or_sqlite.location is not None
    assert pg_or_sqlite.location.path is not None
    holder = sqlite3.connect(
        pg_or_sqlite.location.path, isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, holder.commit)
    release.start()
    try:
        identify(pg_or_sqlite, "JH-0002", serial=2)
    finally:
        release.join()
        holder.close()
    assert pg_or_sqlite.household("JH-0002").personal.id_card == id_card(2)


def test_only_an_admin_rotates_the_master_key(two_streets: Ledger) -> None:
    with pytest.raises(PermissionRefusedError):
        two_streets.rotate_master(stamp("insp-1"), generate_master_key())


def test_snapshots_are_refused_as_they_would_store_personal_data_in_clear(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="snapshots"):
        open_ledger(str(tmp_path / "x.db"), create=True, extra_env={"IS_SNAPSHOTTING_ENABLED": "y"})


@pytest.fixture
def pg_or_sqlite(store_ledger: Ledger) -> Ledger:
    register(store_ledger, "JH-0001", serial=1)
    return store_ledger


def test_each_store_keeps_ciphertext_and_reads_it_back(pg_or_sqlite: Ledger) -> None:
    states = [
        bytes(n.state) for n in pg_or_sqlite.recorder.select_notifications(start=None, limit=1000)
    ]

    assert not any(id_card(1).encode() in s or "户主1".encode() in s for s in states)
    assert pg_or_sqlite.household("JH-0001").personal.id_card == id_card(1)


def test_a_batch_of_new_households_gets_its_keys_in_one_go_and_each_reads_back(
    pg_or_sqlite: Ledger,
) -> None:
    app = pg_or_sqlite
    keys = app.household_keys
    before = keys.key(app.household("JH-0001").id)
    made: list[str] = []
    real_prepare = keys.prepare

    def spy(households: Iterable[UUID]) -> Callable[[Any], None] | None:
        wanted = list(households)
        made.extend(str(h) for h in wanted)
        return real_prepare(wanted)

    keys.prepare = spy  # type: ignore[method-assign]
    with app.batch():
        for serial in range(2, 7):
            identify(app, f"JH-{serial:04d}", serial=serial)

    assert len(made) == 5  # one call for the batch's five new households
    fresh = reopen(app)
    try:  # read back by another process: the keys are in the store, not only in memory
        opened = {fresh.household(f"JH-{s:04d}").personal.id_card for s in range(2, 7)}
    finally:
        fresh.close()
    assert opened == {id_card(s) for s in range(2, 7)}
    assert keys.key(app.household("JH-0001").id) == before  # an existing key is kept


def test_a_new_households_key_is_stored_with_its_events_or_not_at_all(
    pg_or_sqlite: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One transaction, one durable commit: a save that fails leaves no key behind.
    app = pg_or_sqlite
    recorder_class = type(app.recorder)
    failing = OperationalError("disk I/O error")

    def refuse(*_: Any, **__: Any) -> None:
        raise failing

    parent = recorder_class.__mro__[1]
    monkeypatch.setattr(parent, "_insert_events", refuse)
    with pytest.raises(LedgerError):
        identify(app, "JH-0002", serial=2)
    monkeypatch.undo()

    household = natural_id("household", "JH-0002")
    with app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"SELECT household_id FROM {KEY_TABLE}")
        stored = {str(row["household_id"]) for row in cursor.fetchall()}
    assert str(household) not in stored
    assert str(app.household("JH-0001").id) in stored

    identify(app, "JH-0002", serial=2)  # and the command goes through on the next try
    assert app.household("JH-0002").personal.id_card == id_card(2)


def test_a_key_another_process_stored_meanwhile_is_used_not_made_again(
    store: str, ticking: Any
) -> None:
    with ledger_at(store, ticking) as first:
        identify(first, "JH-0001", serial=1)  # the first process has read the key table
        second = open_ledger(store)
        try:
            identify(second, "JH-0002", serial=2)
        finally:
            second.close()
        first.change_members(
            stamp("jn-01", note="出生"), "JH-0002", 3, Personal("户主2", id_card(2), "", "", ())
        )

        assert first.household("JH-0002").members == 3
        again = open_ledger(store)
        try:
            assert again.household("JH-0002").personal.id_card == id_card(2)
        finally:
            again.close()


def test_preparing_keys_leaves_an_erased_household_erased(pg_or_sqlite: Ledger) -> None:
    app = pg_or_sqlite
    household = app.household("JH-0001").id
    app.erase(stamp("admin"), "JH-0001", "court order")

    app.household_keys.prepare([household])

    assert app.household_keys.is_destroyed(household)
    with pytest.raises(LedgerError, match="erased"):
        app.household_keys.key_for_writing(household)


def test_a_signed_save_encrypts_and_encodes_each_event_once_and_stores_what_it_sealed(
    two_streets: Ledger,
) -> None:
    app = two_streets
    key = generate_key()
    register_signing_key(app, stamp(), "jn-01", public_key_text(key))
    app.sealer.add_key(key)
    mapper = app.mapper
    assert isinstance(mapper, PersonalDataMapper)
    encoded: list[str] = []
    real = mapper._to_stored_event

    def counting(event: Any) -> StoredEvent:
        encoded.append(type(event).__name__)
        return real(event)

    mapper._to_stored_event = counting  # type: ignore[method-assign,assignment]
    with app.batch():
        for serial in range(3, 6):
            identify(app, f"JH-{serial:04d}", serial=serial)

    assert sorted(encoded) == ["Identified"] * 3 + ["Sealed"]
    report = verify_ledger(app.recorder, app.mapper)
    assert report.ok, report.problems
    assert report.seals == 1


def test_with_eventsourcings_own_recorder_keys_are_committed_first_and_read_back(
    tmp_path: Path, ticking: Any
) -> None:
    # A recorder that does not write keys with the events (a deployment's own choice):
    # the keys are committed on their own before the events, as they always may be.
    path = tmp_path / "ledger.db"
    plain = {"APPLICATION_RECORDER_TOPIC": "eventsourcing.sqlite:SQLiteApplicationRecorder"}
    with clock.using_clock(ticking):
        app = open_ledger(str(path), create=True, extra_env=plain)
        try:
            assert not getattr(app.recorder, "writes_household_keys", False)
            seed_reference(app)
            identify(app, "JH-0001", serial=1)
        finally:
            app.close()
    again = open_ledger(str(path))
    try:
        assert again.household("JH-0001").personal.id_card == id_card(1)
    finally:
        again.close()


def test_a_command_reads_its_households_key_and_a_bulk_reader_the_whole_table_once(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading the whole key table for one household took 2.5 s at 10 M events (592 k keys).
    count = privacy._ONE_BY_ONE + 20
    with ledger.batch():
        for serial in range(1, count + 1):
            identify(ledger, f"JH-{serial:04d}", serial=serial)
    whole_reads: list[int] = []
    read_all = HouseholdKeys._read_all

    def counted(self: HouseholdKeys) -> None:
        whole_reads.append(1)
        read_all(self)

    monkeypatch.setattr(HouseholdKeys, "_read_all", counted)
    assert ledger.location is not None
    reader = open_ledger(ledger.location.display)
    try:
        assert reader.household("JH-0007").personal.id_card == id_card(7)
        assert whole_reads == []  # one household: its own key row only

        cards = [reader.household(f"JH-{s:04d}").personal.id_card for s in range(1, count + 1)]
        assert whole_reads == [1]  # many: the whole table, once
        assert cards == [id_card(s) for s in range(1, count + 1)]
    finally:
        reader.close()
