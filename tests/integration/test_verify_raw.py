"""``fupin verify`` reads the raw rows (issue 8): what it checks from a row's parsed state agrees
with the transcoder's full decoding on every event kind, personal data is never decrypted, and
every problem is reported where, and as, the full decoding reports it.

The reference is ``FullDecoding``: the same verifier with every event decoded in full by the
transcoder (what ``fupin verify`` did for every event before issue 8, without the decryption).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from ledger import clock, privacy
from ledger.application import Ledger, open_ledger
from ledger.authority import EVENT_COMMANDS
from ledger.core import Stamp
from ledger.demo import CACHE_ENV, run_demo
from ledger.household import Personal
from ledger.imports import ImportLedger, import_rows
from ledger.imports import Row as ImportRow
from ledger.keys import generate_key, key_id, public_key_text
from ledger.merkle import leaf_hash, root_of
from ledger.officers import Officer
from ledger.sealing import MARK_SIZE, canonical_bytes
from ledger.transparency import (
    CHECKPOINT_VERSION,
    LOG_NAME,
    Checkpoint,
    checkpoint_note,
    record_checkpoint,
    register_log_key,
    register_signing_key,
    revoke_signing_key,
    stored_events,
    stored_rows,
)
from ledger.verification import Problem, Verifier, VerifyReport
from ledger.verification import _Kind as Kind

from tests.integration.test_verify_support import (
    Row,
    SignedLedger,
    build_signed_ledger,
    is_seal,
    read_rows,
    rewrite_rows,
)
from tests.support import TickingClock, id_card, identify, ledger_at, register, stamp

#: A row as rewritten: its state may be stored as something other than bytes.
AnyRow = tuple[str, int, str, Any]

NO_MASTER_KEY = {"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": ""}
NOT_CANONICAL = "its stored bytes are not the canonical encoding"


class FullDecoding(Verifier):
    """Every event decoded in full by the transcoder, none checked from the raw tree."""

    def _kind(self, topic: Any) -> Kind:
        return replace(super()._kind(topic), fast=False)


def verify(
    app: Ledger, *, full: bool = False, checkpoints: tuple[Checkpoint, ...] = ()
) -> VerifyReport:
    verifier = (FullDecoding if full else Verifier)(
        app.mapper, [(f"cp{i}", c) for i, c in enumerate(checkpoints)]
    )
    with stored_rows(app.recorder) as rows:
        return verifier.run(rows)


def verify_file(
    path: Path,
    *,
    full: bool = False,
    env: dict[str, str] | None = None,
    checkpoints: tuple[Checkpoint, ...] = (),
) -> VerifyReport:
    app = open_ledger(str(path), extra_env=env)
    try:
        return verify(app, full=full, checkpoints=checkpoints)
    finally:
        app.close()


def fresh_copy(source: Path, path: Path) -> list[Row]:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(source, path)
    return read_rows(path)


# -- a ledger with every kind of event -----------------------------------------------------------


@dataclass
class KindsLedger:
    path: Path
    checkpoint: Checkpoint
    master_key: str  # current since its rotation: every later open of the ledger gives it

    @property
    def env(self) -> dict[str, str]:
        return {"LEDGER_MASTER_KEY": self.master_key, "LEDGER_MASTER_KEY_FILE": ""}


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> KindsLedger:
    """The demo ledger, then one of each kind the demo does not record: corrections (one voids
    a payment to a household), two unpairings (a cadre's, an enterprise's), an end of employment,
    a change of members, an erasure, an import, a move and a closure, officer and key events,
    seals, two log keys and a checkpoint."""
    path = tmp_path_factory.mktemp("kinds") / "kinds.db"
    app = open_ledger(str(path), create=True, extra_env=CACHE_ENV)
    master_key = privacy.generate_master_key()
    try:
        run_demo(app, seed=7, scale=1)
        checkpoint = _record_other_kinds(app, master_key)
    finally:
        app.close()
    return KindsLedger(path, checkpoint, master_key)


def _record_other_kinds(app: Ledger, master_key: str) -> Checkpoint:
    first: dict[str, tuple[str, int, dict[str, Any]]] = {}
    keys: dict[str, str] = {}  # aggregate id -> household number, helper id or fund code
    pairs: dict[str, set[str]] = {}
    visited: dict[tuple[str, str], date] = {}  # (household's id, helper) -> its last visit
    cadres: list[str] = []
    with stored_rows(app.recorder) as rows:
        for originator, version, topic, state in rows:
            name, fields = topic.rsplit(".", 1)[-1], orjson.loads(state)
            if name in ("Identified", "HelperRegistered", "AccountOpened", "PairingsOpened"):
                keys[originator] = fields.get("number") or fields.get("helper_id") or fields["code"]
            if name == "HelperPaired":
                pairs.setdefault(originator, set()).add(fields["helper"])
            if name == "VisitRecorded":
                day = date.fromisoformat(fields["prov"]["__Provenance__"]["effective"]["__date__"])
                pair = (originator, fields["helper"])
                visited[pair] = max(day, visited.get(pair, day))
            if name == "HelperRegistered" and fields["kind"] == "cadre":
                cadres.append(fields["helper_id"])
            if name != "Disbursed" or fields["payment"]["__Disbursement__"]["household"]:
                first.setdefault(name, (originator, version, fields))

    def entry(name: str) -> tuple[str, int, dict[str, Any]]:
        originator, version, fields = first[name]
        return keys[originator], version, fields

    def at(actor: str, note: str = "") -> Stamp:
        return Stamp(actor, date(2018, 12, 31), "江高发〔2018〕9号", note)

    with clock.using_clock(TickingClock()):
        number, version, _ = entry("VisitRecorded")
        app.correct(at("admin"), "household", number, version, "录入错误")
        code, version, _ = entry("Disbursed")
        app.correct(at("admin"), "fund", code, version, "重复支付")
        enterprise, _, fields = entry("WorkerEmployed")
        app.end_employment(at("admin"), enterprise, fields["household"])
        # A replacement is paired that day, so on a day the household was assisted: the day
        # of its helper's last visit there, or of the pairing if it made none (every household
        # of the demo has exited by 2018-12-31; a pairing ends on or after its last visit).
        originator, _, fields = first["HelperPaired"]
        paired = date.fromisoformat(fields["prov"]["__Provenance__"]["effective"]["__date__"])
        paired = max(paired, visited.get((originator, fields["helper"]), paired))
        spare = next(c for c in cadres if c not in pairs[originator])
        handover = Stamp("admin", paired, "江高发〔2018〕9号", "")
        app.unpair(handover, keys[originator], fields["helper"], "调岗", spare)
        # An enterprise replaced by another: PairingReleased (and PairingTaken) on their records.
        enterprise, _, taken = entry("PairingTaken")
        began = date.fromisoformat(taken["prov"]["__Provenance__"]["effective"]["__date__"])
        household = next(o for o, key in keys.items() if key == taken["household"])
        began = max(began, visited.get((household, enterprise), began))
        moved = Stamp("admin", began, "江高发〔2018〕9号", "")
        app.register_helper(moved, "e-spare", "enterprise", "备用企业")  # serves from that day
        app.unpair(moved, taken["household"], enterprise, "企业搬迁", "e-spare")
        # ... and that unpairing voided: PairingRetaken (and PairingReleased) on their records.
        wrong = app.household(taken["household"]).version
        app.correct(at("admin"), "household", taken["household"], wrong, "录错企业")
        number, _, _ = entry("Identified")
        members = Personal("户主", id_card(9), "", "", ("户主", "乙", "丙", "丁"))
        app.change_members(at("admin", "新生儿"), number, 4, members)
        number, _, _ = entry("Registered")
        app.erase(at("admin"), number, "本人申请")
        imported = ImportRow(
            "row 1",
            "identify",
            {
                "ref": "JN-IMP-1",
                "actor": "jn-01",
                "effective": "2016-08-01",
                "document": "江南低保台账",
                "household": "IMP-0001",
                "street": "江南",
                "village": "雄光",
                "area": "rural",
                "members": 1,
                "labour": "是",
                "willing": True,
                "head_name": "户主",
                "id_card": id_card(1),
                "member_names": "户主",
            },
        )
        assert import_rows(app, [imported], source="t.csv", digest="x").written

        # An exit proposed, then withdrawn (its verification failed).
        def on(day: int) -> Stamp:
            return Stamp("admin", date(2018, 12, day), "江高发〔2018〕9号", "")

        app.review(on(1), "IMP-0001", True)
        app.post_notice(on(2), "IMP-0001", date(2018, 12, 2), date(2018, 12, 8))
        app.sign(on(3), "IMP-0001")
        app.register(on(10), "IMP-0001", True)
        app.assess_income(on(11), "IMP-0001", 2018, 5_000_000)
        app.propose_exit(on(12), "IMP-0001", 2018)
        app.withdraw_exit(on(13), "IMP-0001", "核实未通过")
        app.amend(on(14), "household", "IMP-0001", {"disabled": True}, "漏填残疾")
        app.amend_village(on(14), "江南", "白石", True, "漏标相对贫困村")  # since session 22
        app.amend_rules(on(14), {"per_person_min_fen": 2_100_000}, "录错")  # since session 22
        # Exited, then a return recognised and withdrawn (the district's review refused it).
        app.propose_exit(on(15), "IMP-0001", 2018)
        app.verify_exit(on(16), "IMP-0001")
        app.post_exit_notice(on(17), "IMP-0001", date(2018, 12, 17), date(2018, 12, 23))
        app.approve_exit(on(24), "IMP-0001")
        app.advance_return(on(25), "IMP-0001", "recognised", "台风山竹", "江海区民政局")
        app.withdraw_return(on(26), "IMP-0001", "区审核不通过")
        # Moved to another village of its street, then its record closed (since session 25).
        app.move(on(27), "IMP-0001", "白石", "搬迁")
        app.close_household(on(28), "IMP-0001", "died-out", "", "全户死亡")
        # The master key rotated to ``master_key``: the module's later opens give it.
        app.rotate_master(at("admin"), master_key)
        # A batch as an older fupin recorded it (references only, no marks).
        legacy = app.get_by_id(ImportLedger.create_id())
        assert isinstance(legacy, ImportLedger)
        batch = Stamp("jn-01", date(2016, 8, 1), "import old.csv", "sha256 x")
        prov = app.authorise(batch, "import_batch")
        legacy._batch_imported("x", "old.csv", ("JN-OLD-1",), prov)
        app.save(legacy)
        # A move's record (import --create of an export, since session 23), here as a kind.
        rebuilt = app.authorise(at("admin"), "register_key")
        legacy._rebuilt_from_export("ev.jsonl", "0" * 64, 1, ("0" * 16,), (), (), rebuilt)
        app.save(legacy)
        key = generate_key()
        register_signing_key(app, at("admin"), "admin", public_key_text(key))
        app.sealer.add_key(key)
        app.change_officer(at("admin"), "qu-01", "inspector", "")  # signed from here on
        app.retire_officer(at("admin"), "ana-1", "调离")
        # An officer's key revoked (since session 24 the admin's own would leave no admin
        # who could register a new one, and an officer whose key was revoked records nothing).
        register_signing_key(app, at("admin"), "qu-01", public_key_text(generate_key()))
        revoke_signing_key(app, at("admin"), "qu-01", "遗失")
        # A key revoked before a move, as a move records it (since session 24), here as a kind.
        carried = app.authorise(at("admin"), "register_key")

        def carry() -> list[Any]:
            officer = app.load(Officer, "qu-01", "officer")
            officer.carry_revoked_key("0" * 16, carried)
            return [officer]

        app.execute(carry)
        for _ in range(2):  # registered, then rotated
            log_key = generate_key()
            register_log_key(app, at("admin"), public_key_text(log_key))
        return record_checkpoint(app, at("admin"), log_key)


def test_the_kinds_ledger_holds_every_kind_of_event(kinds: KindsLedger) -> None:
    app = open_ledger(str(kinds.path), extra_env=kinds.env)
    try:
        with stored_rows(app.recorder) as rows:
            seen = Counter(topic.rsplit(".", 1)[-1] for _, _, topic, _ in rows)
    finally:
        app.close()

    assert set(seen) == set(EVENT_COMMANDS) | {"Sealed"}


def test_the_raw_canonical_check_is_the_transcoders_on_every_event(kinds: KindsLedger) -> None:
    """orjson's sorted re-encoding of the parsed tree gives back the stored bytes exactly when
    the transcoder's decoding and re-encoding (the ledger's own mapper, decrypting) does."""
    app = open_ledger(str(kinds.path), extra_env=kinds.env)
    try:
        checked = 0
        for stored in stored_events(app.recorder):
            raw = orjson.dumps(orjson.loads(stored.state), option=orjson.OPT_SORT_KEYS)
            transcoded = app.mapper.to_stored_event(app.mapper.to_domain_event(stored)).state
            assert raw == transcoded == stored.state, stored.topic
            checked += 1
    finally:
        app.close()

    assert checked == kinds.checkpoint.size + 2  # and the checkpoint's own save, signed


def _spaced(tree: Any) -> bytes:
    return json.dumps(tree, sort_keys=True, ensure_ascii=False).encode()


def _unsorted(tree: Any) -> bytes:
    def reverse(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: reverse(value[k]) for k in sorted(value, reverse=True)}
        if isinstance(value, list):
            return [reverse(v) for v in value]
        return value

    return orjson.dumps(reverse(tree))


def _escaped(tree: Any) -> bytes:
    return json.dumps(tree, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


#: Kinds whose states hold only ASCII text (import references, seals): nothing to escape.
ASCII_ONLY = {
    "ledger.imports:ImportLedger.BatchImported",
    "ledger.imports:ImportLedger.BatchRecorded",
    "ledger.imports:ImportLedger.ImportsStarted",
    "ledger.sealing:Seal.Sealed",
}

REENCODINGS: dict[str, Callable[[Any], bytes]] = {
    "spaces": _spaced,
    "key order": _unsorted,
    "escapes": _escaped,
}


@pytest.mark.parametrize("how", REENCODINGS)
def test_both_checks_refuse_a_non_canonical_reencoding_of_every_kind(
    kinds: KindsLedger, how: str
) -> None:
    app = open_ledger(str(kinds.path), extra_env=kinds.env)
    tried: set[str] = set()
    topics: set[str] = set()
    try:
        for stored in stored_events(app.recorder):
            topics.add(stored.topic)
            tree = orjson.loads(stored.state)
            state = REENCODINGS[how](tree)
            if state == stored.state or stored.topic in tried:
                continue  # nothing to escape, or that kind was tried already
            tried.add(stored.topic)
            changed = replace(stored, state=state)
            raw = orjson.dumps(orjson.loads(state), option=orjson.OPT_SORT_KEYS)
            transcoded = app.mapper.to_stored_event(app.mapper.to_domain_event(changed)).state
            assert raw != state, stored.topic
            assert transcoded != state, stored.topic
    finally:
        app.close()

    # every kind is tried; only states in plain ASCII have nothing to escape
    assert topics - tried == (ASCII_ONLY if how == "escapes" else set())


def test_raw_reading_and_full_decoding_give_the_same_report(kinds: KindsLedger) -> None:
    raw = verify_file(kinds.path, env=kinds.env, checkpoints=(kinds.checkpoint,))
    full = verify_file(kinds.path, full=True, env=kinds.env, checkpoints=(kinds.checkpoint,))

    assert raw.ok, raw.problems
    assert raw == full
    assert raw.seals > 0
    assert raw.signed > 0


def test_the_root_is_the_canonical_bytes_root(kinds: KindsLedger) -> None:
    app = open_ledger(str(kinds.path), extra_env=kinds.env)
    try:
        size, root = root_of(leaf_hash(canonical_bytes(n)) for n in stored_events(app.recorder))
        report = verify(app)
    finally:
        app.close()

    assert (report.size, report.root) == (size, root)


def test_verify_never_decrypts_personal_data(
    kinds: KindsLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("verify read personal data")

    monkeypatch.setattr(privacy, "open_sealed", refuse)
    monkeypatch.setattr(privacy.HouseholdKeys, "key", refuse)

    with_key = verify_file(kinds.path, env=kinds.env, checkpoints=(kinds.checkpoint,))
    keyless = verify_file(kinds.path, env=NO_MASTER_KEY, checkpoints=(kinds.checkpoint,))

    assert with_key.ok, with_key.problems
    assert keyless == with_key


# -- every problem, where and as the full decoding reports it ------------------------------------


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small ledger no officer signs: only the check under test can fail."""
    path = tmp_path_factory.mktemp("unsigned") / "unsigned.db"
    with ledger_at(path) as app:
        register(app, "JH-0001")
    return path


def _tree(row: Row) -> Any:
    return orjson.loads(row[3])


def _with(row: Row, tree: Any) -> Row:
    return (row[0], row[1], row[2], orjson.dumps(tree, option=orjson.OPT_SORT_KEYS))


def _prov(row: Row, **fields: Any) -> Row:
    tree = _tree(row)
    tree["prov"]["__Provenance__"].update(fields)
    return _with(row, tree)


def _without_prov(row: Row) -> Row:
    tree = _tree(row)
    del tree["prov"]
    return _with(row, tree)


def _clear_personal(row: Row) -> Row:
    tree = _tree(row)
    tree["personal"] = {
        "__Personal__": {
            "address": "江海区",
            "head_name": "户主1",
            "id_card": id_card(1),
            "member_names": {"__tuple__": []},
            "phone": "13800000000",
        }
    }
    return _with(row, tree)


def _reserved(row: Row) -> Row:
    return _with(row, _tree(row) | {"originator_version": row[1]})


TAMPERINGS: dict[str, tuple[Callable[[Row], AnyRow], str]] = {
    "invalid JSON": (
        lambda r: (*r[:3], b"{not json"),
        "cannot be decoded (JSONDecodeError: unexpected character, expected a string key: line "
        "1 column 2 (char 1))",
    ),
    "not an object": (
        lambda r: (*r[:3], b"[1,2]"),
        "cannot be decoded (TypeError: list indices must be integers or slices, not str)",
    ),
    "no provenance": (_without_prov, "carries no provenance"),
    "a provenance field too many": (
        lambda r: _prov(r, extra="x"),
        "cannot be decoded (TypeError: Provenance.__init__() got an unexpected keyword argument "
        "'extra')",
    ),
    "an impossible effective date": (
        lambda r: _prov(r, effective={"__date__": "2016-02-30"}),
        "cannot be decoded (ValueError: day is out of range for month)",
    ),
    "an effective date written otherwise": (
        lambda r: _prov(r, effective={"__date__": "20160801"}),
        NOT_CANONICAL,
    ),
    "an actor that is not text": (lambda r: _prov(r, actor=5), "5 was not an active officer"),
    "an effective date untagged": (  # session 17: passed, and no reader could read it
        lambda r: _prov(r, effective="2016-08-01"),
        "its provenance's effective date is str, not a date",
    ),
    "a document that is not text": (
        lambda r: _prov(r, document=7),
        "its provenance's document is int, not text",
    ),
    "a role the officer did not have": (
        lambda r: _prov(r, role="admin"),
        "recorded as admin, but jn-01 was officer",
    ),
    "a key the mapper owns": (_reserved, NOT_CANONICAL),
    "personal data in clear": (_clear_personal, NOT_CANONICAL),
    "a topic outside the ledger": (
        lambda r: (r[0], r[1], "os.path:join", r[3]),
        "topic 'os.path:join' is not a ledger event",
    ),
    "a ledger topic that names nothing": (
        lambda r: (r[0], r[1], "ledger.household:Household.Vanished", r[3]),
        "cannot be decoded (TopicError: Failed to resolve topic "
        "'ledger.household:Household.Vanished': type object 'Household' has no attribute "
        "'Vanished')",
    ),
    "a topic naming an aggregate, not an event": (
        lambda r: (r[0], r[1], "ledger.household:Household", r[3]),
        "cannot be decoded (TypeError: Neither event class <class 'ledger.household.Household'>"
        "nor its bases have an originator_id annotation)",
    ),
    "a number no ledger writes (1e0: a float)": (
        lambda r: (*r[:3], re.sub(rb'"members":([0-9]+)', rb'"members":\1e0', r[3], count=1)),
        "its stored bytes are not the canonical encoding: it holds a value the ledger never "
        "writes (TranscodingError: cannot store a value of type float: 3.0)",
    ),
    "state stored as text": (
        lambda r: (*r[:3], r[3].decode()),
        "its stored state is not bytes",
    ),
}


@pytest.mark.parametrize("how", TAMPERINGS)
def test_each_problem_is_reported_where_and_as_the_full_decoding_reports_it(
    unsigned: Path, tmp_path: Path, how: str
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(unsigned, copy)
    position = next(i for i, r in enumerate(rows) if r[2].endswith("Household.Identified"))
    change, reason = TAMPERINGS[how]
    rewrite_rows(copy, lambda rs: [*rs[:position], change(rs[position]), *rs[position + 1 :]])

    raw = verify_file(copy)
    full = verify_file(copy, full=True)

    assert [(p.position, p.reason) for p in raw.problems] == [(position, reason)]
    assert raw == full


@pytest.mark.parametrize("how", REENCODINGS)
def test_a_non_canonical_reencoding_is_reported(unsigned: Path, tmp_path: Path, how: str) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(unsigned, copy)
    position = next(i for i, r in enumerate(rows) if r[2].endswith("Household.Identified"))
    target = rows[position]
    changed = (*target[:3], REENCODINGS[how](_tree(target)))
    assert changed[3] != target[3]
    rewrite_rows(copy, lambda rs: [*rs[:position], changed, *rs[position + 1 :]])

    raw = verify_file(copy)

    assert raw.problems == [Problem(position, raw.problems[0].event, NOT_CANONICAL)]
    assert raw.problems[0].event.startswith("Household.Identified ")
    assert raw == verify_file(copy, full=True)


def test_an_unreadable_row_is_located_exactly_and_ends_the_check(
    unsigned: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(unsigned, copy)
    position = len(rows) - 3
    rewrite_rows(
        copy, lambda rs: [*rs[:position], ("not-a-uuid", *rs[position][1:]), *rs[position + 1 :]]
    )

    report = verify_file(copy)

    assert report.problems == [
        Problem(
            position,
            "(unreadable row)",
            "the store cannot read the next row: ValueError: badly formed hexadecimal UUID string",
        )
    ]
    assert report.size == position


def test_a_store_that_cannot_be_read_is_reported_as_its_first_row(
    unsigned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy.db"
    fresh_copy(unsigned, copy)
    app = open_ledger(str(copy))
    try:
        monkeypatch.setattr(app.recorder, "events_table_name", "no_such_table")
        report = verify(app)
    finally:
        app.close()

    assert report.problems == [
        Problem(
            0,
            "(unreadable row)",
            "the store cannot read the next row: OperationalError: no such table: no_such_table",
        )
    ]
    assert report.size == 0


# -- signed events: what the seal covers ---------------------------------------------------------


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> SignedLedger:
    return build_signed_ledger(tmp_path_factory.mktemp("signed") / "signed.db")


def _first_signed_identified(rows: list[Row]) -> int:
    return next(
        i
        for i, r in enumerate(rows)
        if r[2].endswith("Household.Identified") and any(is_seal(s) for s in rows[:i])
    )


def test_an_altered_ciphertext_is_located_by_its_seal(signed: SignedLedger, tmp_path: Path) -> None:
    """No key opens personal data in verify: the seal over the ciphertext catches the change."""
    copy = tmp_path / "copy.db"
    rows = fresh_copy(signed.path, copy)
    position = _first_signed_identified(rows)
    tree = _tree(rows[position])
    sealed = tree["personal"]["__SealedPersonal__"]
    sealed["ciphertext"] = ("B" if sealed["ciphertext"][0] == "A" else "A") + sealed["ciphertext"][
        1:
    ]
    rewrite_rows(copy, lambda rs: [*rs[:position], _with(rs[position], tree), *rs[position + 1 :]])

    report = verify_file(copy, env=NO_MASTER_KEY)

    assert report.problems[0].position == position
    assert report.problems[0].reason.startswith("differs from what jn-01 signed")


def test_a_malformed_value_in_a_signed_event_is_located_by_its_seal(
    signed: SignedLedger, tmp_path: Path
) -> None:
    """Tagged values other than the provenance are not re-parsed: the seal locates the change
    (the full decoding also says it cannot be decoded, at the same position)."""
    copy = tmp_path / "copy.db"
    rows = fresh_copy(signed.path, copy)
    position = _first_signed_identified(rows)
    tree = _tree(rows[position])
    tree["timestamp"] = {"__datetime__": "2016-13-45T99:00:00+00:00"}
    rewrite_rows(copy, lambda rs: [*rs[:position], _with(rs[position], tree), *rs[position + 1 :]])

    raw = verify_file(copy)
    full = verify_file(copy, full=True)

    assert raw.problems[0].position == full.problems[0].position == position
    assert raw.problems[0].reason.startswith("differs from what jn-01 signed")
    assert [p.position for p in raw.problems] == [position]


def test_a_seal_with_a_mistyped_count_is_a_malformed_event(
    signed: SignedLedger, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    rows = fresh_copy(signed.path, copy)
    position = next(i for i, r in enumerate(rows) if is_seal(r))
    tree = _tree(rows[position])
    tree["count"] = str(tree["count"])
    rewrite_rows(copy, lambda rs: [*rs[:position], _with(rs[position], tree), *rs[position + 1 :]])

    raw = verify_file(copy)

    assert (raw.problems[0].position, raw.problems[0].reason) == (
        position,
        "malformed event (TypeError: seal count or signer of the wrong type)",
    )
    assert raw == verify_file(copy, full=True)


# -- both stores ---------------------------------------------------------------------------------


@pytest.fixture
def both(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    key = generate_key()
    register(store_ledger, "JH-0001")
    register_signing_key(
        store_ledger, Stamp("admin", date(2016, 8, 1), "d"), "jn-01", public_key_text(key)
    )
    store_ledger.sealer.add_key(key)
    with store_ledger.batch():
        register(store_ledger, "JH-0002", serial=2)
    return store_ledger


def test_raw_rows_verify_alike_on_both_stores(both: Ledger) -> None:
    size, root = root_of(leaf_hash(canonical_bytes(n)) for n in stored_events(both.recorder))

    raw = verify(both)

    assert raw.ok, raw.problems
    assert (raw.size, raw.root, raw.seals, raw.signed) == (size, root, 1, 5)
    assert raw == verify(both, full=True)


# -- long saves: runs of 1,500 signed events, checkpoints inside them -----------------------------


@pytest.fixture(scope="module")
def long_save(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two signed saves of 1,500 events each: long seal runs, and sizes around powers of two
    (where the Merkle frontier folds whole subtrees)."""
    path = tmp_path_factory.mktemp("long") / "long.db"
    key = generate_key()
    with ledger_at(path) as app:
        register_signing_key(app, stamp(), "jn-01", public_key_text(key))
        app.sealer.add_key(key)
        for save in range(2):
            with app.batch():
                for n in range(save * 1_500, (save + 1) * 1_500):
                    identify(app, f"JH-{n + 1:04d}", serial=n + 1)
    return path


def _log_key_checkpoint(rows: list[Row], size: int) -> Checkpoint:
    log_key = generate_key()
    _, root = root_of(leaf_hash(canonical_bytes(n)) for n in _stored(rows[:size]))
    time = "2019-01-01T00:00:00+00:00"
    note = checkpoint_note(LOG_NAME, size, root, time)
    return Checkpoint(
        CHECKPOINT_VERSION,
        LOG_NAME,
        size,
        root.hex(),
        time,
        key_id(log_key),
        public_key_text(log_key),
        base64.b64encode(log_key.sign(note)).decode(),
    )


def _stored(rows: list[Row]) -> list[StoredEvent]:
    return [StoredEvent(UUID(r[0]), r[1], r[2], r[3]) for r in rows]


def _altered(row: Row) -> Row:
    tree = _tree(row)
    sealed = tree["personal"]["__SealedPersonal__"]
    text = sealed["ciphertext"]
    sealed["ciphertext"] = ("B" if text[0] == "A" else "A") + text[1:]
    return _with(row, tree)


def test_a_long_save_verifies_with_checkpoints_inside_its_runs(
    long_save: Path,
) -> None:
    app = open_ledger(str(long_save))
    try:
        rows = read_rows(long_save)
        checkpoints = tuple(
            _log_key_checkpoint(rows, n) for n in (1_000, 1_024, 1_337, 2_048, len(rows))
        )
        raw, full = (verify(app, full=f, checkpoints=checkpoints) for f in (False, True))
        plain, late = verify(app), verify(app, checkpoints=checkpoints[-2:])
    finally:
        app.close()

    assert len(rows) > 3_000
    assert (plain.size, plain.root) == root_of(leaf_hash(canonical_bytes(n)) for n in _stored(rows))
    assert plain.ok, plain.problems
    assert [p.reason for p in late.problems] == [
        f"key {c.key_id} is not a log key" for c in checkpoints[-2:]
    ]
    assert [p.reason for p in raw.problems] == [
        f"key {c.key_id} is not a log key" for c in checkpoints
    ]  # the roots agree: no other problem
    assert raw == full


@pytest.mark.parametrize("positions", [(1_100,), (1_030, 1_400), (1_023, 1_024), (2_047, 2_048)])
def test_altered_events_of_a_long_save_are_located_as_the_full_decoding_locates_them(
    long_save: Path, tmp_path: Path, positions: tuple[int, ...]
) -> None:
    """Only the first event of a save that differs from its marks is reported (then the digest
    is not), at the position the full decoding names."""
    copy = tmp_path / "copy.db"
    rows = fresh_copy(long_save, copy)
    seal = max(i for i, r in enumerate(rows[: positions[0]]) if is_seal(r))
    rewrite_rows(copy, lambda rs: [_altered(r) if i in positions else r for i, r in enumerate(rs)])

    raw = verify_file(copy)

    assert [(p.position, p.reason) for p in raw.problems] == [
        (positions[0], f"differs from what jn-01 signed (seal at position {seal})")
    ]
    assert raw == verify_file(copy, full=True)


def _batch_seal(rows: list[Row]) -> int:
    """The position of the seal over the ledger's one save of many events (JH-0900's)."""
    return next(i for i, r in enumerate(rows) if is_seal(r) and _tree(r)["count"] > 3)


@pytest.mark.parametrize("tamper", ["count", "no marks", "marks cut"])
def test_a_seal_whose_count_or_marks_are_broken_blames_no_event_outside_its_save(
    signed: SignedLedger, tmp_path: Path, tamper: str
) -> None:
    """Tester N, session 19: a seal's count raised by one was reported, and then the event
    after the save it sealed, never signed by that officer, as "differs from what jn-01
    signed". Whole marks say which events the officer signed, and those are still checked
    (an event of the save altered is named); marks broken too (none, or cut mid-mark) leave
    the count, and the save's events are taken without blame (the reviewer: each was called
    unsigned, "a seal was removed or never made")."""
    copy = tmp_path / "copy.db"
    rows = fresh_copy(signed.path, copy)
    position = _batch_seal(rows)
    tree = _tree(rows[position])
    sealed = tree["count"]
    altered = position + 2  # an event of the save
    if tamper == "count":
        tree["count"] = sealed + 1
    else:
        tree["marks"] = "" if tamper == "no marks" else tree["marks"][: 2 * MARK_SIZE + 2]
    rewrite_rows(
        copy,
        lambda rs: [
            *rs[:position],
            _with(rs[position], tree),
            *rs[position + 1 : altered],
            _prov(rs[altered], document="伪造的文件") if tamper == "count" else rs[altered],
            *rs[altered + 1 :],
        ],
    )

    raw = verify_file(copy)

    assert raw.problems[0].position == position
    assert raw.problems[0].reason == "seal covers no events or its marks do not match its count"
    assert all(p.position <= position + sealed for p in raw.problems), raw.problems
    assert not any("unsigned" in p.reason for p in raw.problems), raw.problems
    blamed = [p.position for p in raw.problems if p.reason.startswith("differs from what")]
    assert blamed == ([altered] if tamper == "count" else [])
    assert raw == verify_file(copy, full=True)
