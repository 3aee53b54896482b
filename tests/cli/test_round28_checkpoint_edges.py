"""Session 28, tester D (a cryptographer), findings 2 to 4: checkpoints at the edges.

4. a checkpoint larger than the ledger (signed with the real log key): ``verify`` said
   ``FAILED at position N`` of an N-event ledger, a position that does not exist, and ``prove``
   only ``this ledger does not match the checkpoint; run fupin verify``.
3. a checkpoint "signed" by a public key of small order: ``verify`` and ``prove`` said its
   signature does not verify, where the rule broken is its key's.
2. a tree head of an older size signed (with the real log key) more than the clocks' 10
   minutes after the event at that position was recorded, which fupin's ``checkpoint`` never
   makes: ``verify`` said only "ledger extends it", and ``prove`` proved from it."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ledger import clock

from tests.cli.conftest import assert_refused
from tests.cli.test_round24_keys import Keys, keys
from tests.cli.test_round28_consistency import _signed, two
from tests.support import TickingClock

STORE_INDEPENDENT = "verify's and prove's wording of a checkpoint: the same code on either store"

__all__ = ["keys", "two"]  # the fixtures, used by name


def _forged(keys: Keys, name: str, **fields: object) -> tuple[Path, int]:
    """cp2.json with ``fields`` changed, signed with the log key: its file, the ledger's size."""
    cp2 = json.loads((keys.folder / "cp2.json").read_text())
    path = keys.folder / name
    path.write_text(json.dumps(_signed(keys, cp2, **fields)), encoding="utf-8")
    return path, keys.fupin.event_count()


def test_verify_says_a_checkpoint_past_the_end_at_the_ledgers_end_not_a_position(two: Keys) -> None:
    big, events = _forged(two, "big.json", size=20000)

    result = two.fupin(f"verify --checkpoint {big}")

    assert result.exit_code == 1, result.output
    first = result.stderr.splitlines()[0]
    said = f"FAILED at the end of the ledger (its last position is {events - 1}): checkpoint "
    assert first.startswith(f"{said}{big}: it covers 20000 events; the ledger has only {events} ")
    assert f"position {events}" not in result.stderr


def test_prove_says_why_a_checkpoint_past_the_end_does_not_match(two: Keys) -> None:
    big, events = _forged(two, "big.json", size=20000)
    out = two.folder / "b.json"

    result = two.fupin(f"prove JH-0001 --checkpoint {big} -o {out}")
    extends = two.fupin(f"prove-consistency --from {two.folder / 'cp1.json'} --to {big} -o {out}")

    rule = (
        f"{big}: this ledger does not match the checkpoint: it covers 20000 events; the ledger "
        f"has only {events} (events were removed, or the checkpoint is not this ledger's); "
        "nothing was proven"
    )
    assert_refused(result, "checkpoint", rule)
    assert_refused(extends, "checkpoint", rule)
    assert not out.exists()


def test_prove_says_the_roots_differ_for_a_checkpoint_of_another_log(two: Keys) -> None:
    other, _ = _forged(two, "other.json", root="ab" * 32)
    out = two.folder / "b.json"

    result = two.fupin(f"prove JH-0001 --checkpoint {other} -o {out}")

    size = json.loads(other.read_text())["size"]
    assert_refused(
        result,
        "checkpoint",
        f"{other}: this ledger does not match the checkpoint: the first {size} events do not "
        "hash to its root; run fupin verify",
    )


def _small_order(keys: Keys) -> Path:
    """cp2.json "signed" by the identity point, R = the identity and S = 0 (valid for any
    message under that key)."""
    identity = b"\x01" + b"\0" * 31
    cp = json.loads((keys.folder / "cp2.json").read_text())
    cp.update(
        public_key=base64.b64encode(identity).decode(),
        key_id=hashlib.sha256(identity).hexdigest()[:16],
        signature=base64.b64encode(identity + b"\0" * 32).decode(),
    )
    path = keys.folder / "small.json"
    path.write_text(json.dumps(cp), encoding="utf-8")
    return path


SMALL_ORDER = (
    "its public_key is a point of small order, which anyone can sign for: not a usable public key"
)


def test_verify_and_prove_name_the_small_order_rule_of_a_checkpoints_key(two: Keys) -> None:
    small = _small_order(two)
    out = two.folder / "b.json"

    verified = two.fupin(f"verify --checkpoint {small}")
    proved = two.fupin(f"prove JH-0001 --checkpoint {small} -o {out}")

    assert verified.exit_code == 1, verified.output
    first = verified.stderr.splitlines()[0]
    assert (
        first
        == f"FAILED at checkpoint file: checkpoint {small}: {SMALL_ORDER} (docs/audit-guide.md §1)"
    )
    assert "does not verify" not in verified.stderr
    assert_refused(proved, "checkpoint", f"{small}: {SMALL_ORDER}")


# -- 2. an older tree head signed later, passed off as of that time ----------------------------


def _later(minutes: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def test_a_head_signed_after_the_next_event_was_recorded_is_noted_and_not_proven(
    two: Keys,
) -> None:
    # cp1's size, signed (with the real log key) 30 minutes after the event at that position,
    # its own CheckpointRecorded, was recorded: fupin never signs a size the log has passed
    cp1 = json.loads((two.folder / "cp1.json").read_text())
    stale = two.folder / "stale.json"
    stale.write_text(json.dumps(_signed(two, cp1, time=_later(30))), encoding="utf-8")
    out = two.folder / "b.json"

    with clock.using_clock(TickingClock(datetime.now(UTC) + timedelta(minutes=35))):
        verified = two.fupin.ok(f"verify --checkpoint {stale}")
        proved = two.fupin(f"prove JH-0001 --checkpoint {stale} -o {out}")
        honest = two.fupin(f"prove JH-0001 --checkpoint {two.folder / 'cp1.json'} -o {out}")

    said = (
        f"note: checkpoint {stale}: it covers {cp1['size']} events but is signed at "
        f"{json.loads(stale.read_text())['time']}, more than 10 minutes after the event at "
        f"position {cp1['size']} (the one after them) was recorded, at "
    )
    assert said in verified.stdout
    assert "fupin never made it" in verified.stdout
    assert f"checkpoint of size {cp1['size']}: signature valid, ledger extends it" in (
        verified.stdout
    )
    assert_refused(proved, "checkpoint", f"{stale}: it covers {cp1['size']} events but is signed")
    assert "nothing was proven" in proved.stderr
    assert honest.exit_code == 0, honest.output


def test_a_head_signed_within_the_clocks_tolerance_is_not_noted(two: Keys) -> None:
    cp1 = json.loads((two.folder / "cp1.json").read_text())
    late = two.folder / "late.json"
    late.write_text(json.dumps(_signed(two, cp1, time=_later(5))), encoding="utf-8")

    with clock.using_clock(TickingClock(datetime.now(UTC) + timedelta(minutes=6))):
        verified = two.fupin.ok(f"verify --checkpoint {late}")

    assert "note: checkpoint" not in verified.stdout
