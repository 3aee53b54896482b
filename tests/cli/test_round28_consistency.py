"""Session 28, tester D (a cryptographer), finding 1: no consistency proof reached an inspector.
``ledger/merkle.py`` made and checked RFC 9162 consistency proofs, but no command wrote one: the
only way to check an older checkpoint against a newer was ``fupin verify --checkpoint`` on the
operator's side, reading the whole store. ``fupin prove-consistency --from OLD --to NEW -o
FILE`` writes both signed checkpoints and the proof between their sizes, refusing what the
store does not match; ``tools/verify_bundle.py`` checks it offline, with no store."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from ledger.keys import load_private_key
from ledger.transparency import checkpoint_note

from tests.cli.conftest import assert_refused, doc
from tests.cli.test_round24_keys import Keys, _new_key, keys
from tests.integration.test_verify_bundle_malformed import vb

STORE_INDEPENDENT = "the proof is made from the events read: the same code on either store"

__all__ = ["keys"]  # the fixture, used by name


def _checkpoint(keys: Keys, name: str, day: str) -> Path:
    out = keys.folder / name
    keys.fupin.ok(
        f"{keys.key('admin.key')} checkpoint --log-key {keys.folder / 'log.key'} --out {out} "
        f"{doc(day)}",
        "admin",
    )
    return out


@pytest.fixture
def two(keys: Keys) -> Keys:
    """``keys`` with a log key, a checkpoint (cp1.json), one more event, and a second
    checkpoint (cp2.json)."""
    public, _ = _new_key(keys.fupin, keys.folder / "log.key")
    keys.fupin.ok(
        f"{keys.key('admin.key')} keys register-log {public} {doc('2016-09-07')}", "admin"
    )
    _checkpoint(keys, "cp1.json", "2016-09-08")
    keys.fupin.ok(
        f"{keys.key('admin.key')} officer add t-01 --name 测试 --role officer --street 江南 "
        f"{doc('2016-09-09')}",
        "admin",
    )
    _checkpoint(keys, "cp2.json", "2016-09-10")
    return keys


def _prove(keys: Keys, older: str = "cp1.json", newer: str = "cp2.json") -> Any:
    out = keys.folder / "p.json"
    return keys.fupin(
        f"prove-consistency --from {keys.folder / older} --to {keys.folder / newer} -o {out}"
    )


def _tool(
    keys: Keys, bundle: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    path = keys.folder / "checked.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    log_key = json.loads((keys.folder / "cp2.json").read_text())["key_id"]
    code = vb.main([str(path), "--log-key", log_key])
    out, err = capsys.readouterr()
    return code, out, err


def _signed(keys: Keys, cp: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``cp`` with ``fields`` changed and signed again with the real log key (a forger who
    holds it)."""
    changed = {**cp, **fields}
    note = checkpoint_note(
        changed["log"], changed["size"], bytes.fromhex(changed["root"]), changed["time"]
    )
    key = load_private_key(keys.folder / "log.key", "log-key")
    changed["signature"] = base64.b64encode(key.sign(note)).decode()
    return changed


def test_a_newer_checkpoint_is_proven_to_extend_an_older_one_offline(
    two: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _prove(two)
    assert result.exit_code == 0, result.output
    bundle = json.loads((two.folder / "p.json").read_text(encoding="utf-8"))
    cp1 = json.loads((two.folder / "cp1.json").read_text())
    cp2 = json.loads((two.folder / "cp2.json").read_text())

    code, out, err = _tool(two, bundle, capsys)

    assert (code, err) == (0, "")
    assert (bundle["kind"], bundle["from"], bundle["to"]) == ("consistency", cp1, cp2)
    assert cp1["size"] < cp2["size"]
    assert f"proven to extend the one of size {cp1['size']}" in result.stdout
    assert "python tools/verify_bundle.py" in result.stdout
    said = (
        f"consistency proven: the log of size {cp2['size']} extends the log of size {cp1['size']}"
    )
    assert out.startswith(said)
    assert f"root {cp1['root']}" in out
    assert f"root {cp2['root']}" in out


def test_the_same_checkpoint_twice_is_proven_with_an_empty_proof(
    two: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _prove(two, "cp2.json", "cp2.json").exit_code == 0
    bundle = json.loads((two.folder / "p.json").read_text(encoding="utf-8"))

    code, _, err = _tool(two, bundle, capsys)

    assert (code, err, bundle["proof"]) == (0, "", [])


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (
            lambda b, k: b["to"].update(size=b["to"]["size"] + 1),
            "the newer checkpoint (to)'s signature does not verify",
        ),
        (
            lambda b, k: b["from"].update(root="00" * 32),
            "the older checkpoint (from)'s signature does not verify",
        ),
        (
            lambda b, k: b.update(proof=[base64.b64encode(b"\x01" * 32).decode(), *b["proof"][1:]]),
            "the consistency proof does not lead to the root",
        ),
        (lambda b, k: b.update(proof=b["proof"][:-1]), "wrong consistency proof length"),
        # a forger with the log key: the root of a log rewritten before the older size
        (
            lambda b, k: b.update({"from": _signed(k, b["from"], root="ab" * 32)}),
            "the consistency proof does not lead to the root of size",
        ),
        (
            lambda b, k: b.update({"to": _signed(k, b["to"], root="ab" * 32)}),
            "the consistency proof does not lead to the root of size",
        ),
        (
            lambda b, k: b.update({"from": _signed(k, b["from"], size=b["from"]["size"] - 1)}),
            "consistency proof",
        ),
        (
            lambda b, k: b.update({"from": b["to"], "to": b["from"], "proof": []}),
            "more than the newer checkpoint (to)",
        ),
        (lambda b, k: b.update(kind="household"), "its kind is 'household', not 'consistency'"),
    ],
    ids=[
        "to-size",
        "from-root",
        "proof-hash",
        "proof-short",
        "forged-from-root",
        "forged-to-root",
        "forged-from-size",
        "swapped",
        "kind",
    ],
)
def test_an_edited_or_forged_consistency_bundle_is_not_verified(
    two: Keys, capsys: pytest.CaptureFixture[str], edit: Any, said: str
) -> None:
    assert _prove(two).exit_code == 0
    bundle = json.loads((two.folder / "p.json").read_text(encoding="utf-8"))
    edit(bundle, two)

    code, out, err = _tool(two, bundle, capsys)

    assert (code, out) == (1, "")
    assert err.startswith("NOT VERIFIED: BundleError: "), err
    assert said in err


def test_a_larger_checkpoint_signed_first_is_told_as_a_log_cut_back_not_as_a_swap(
    two: Keys,
) -> None:
    # Session 36's tester g (F2): after a roll-back, the inspector's checkpoint (signed first)
    # covers more than the one signed after it; prove-consistency said to swap them
    cp1 = json.loads((two.folder / "cp1.json").read_text())
    cp2 = json.loads((two.folder / "cp2.json").read_text())
    first = two.folder / "first.json"
    earlier = _signed(two, cp2, time=cp1["time"].replace(cp1["time"][:4], "2000", 1))
    first.write_text(json.dumps(earlier), encoding="utf-8")

    result = _prove(two, "first.json", "cp1.json")

    assert_refused(
        result,
        "checkpoint",
        f"{first}: it covers {cp2['size']} events, more than {two.folder / 'cp1.json'} "
        f"({cp1['size']}), though signed before it ({earlier['time']} < {cp1['time']}): the "
        f"log was cut back or forked after {first} was signed",
    )
    assert f"fupin verify --checkpoint {first} says what this ledger lacks" in result.stderr
    assert "give the older checkpoint" not in result.stderr
    assert not (two.folder / "p.json").exists()


def test_a_checkpoint_the_store_does_not_match_is_refused_naming_its_file(two: Keys) -> None:
    cp1 = json.loads((two.folder / "cp1.json").read_text())
    forged = two.folder / "forged.json"
    forged.write_text(json.dumps(_signed(two, cp1, root="ab" * 32)), encoding="utf-8")
    newer, out = two.folder / "cp2.json", two.folder / "p.json"

    result = two.fupin(f"prove-consistency --from {forged} --to {newer} -o {out}")

    assert_refused(result, "checkpoint", f"{forged}: this ledger does not match the checkpoint")
    assert not (two.folder / "p.json").exists()


def test_the_older_checkpoint_given_as_the_newer_is_refused(two: Keys) -> None:
    result = _prove(two, "cp2.json", "cp1.json")

    assert_refused(result, "checkpoint", "more than")
    assert "give the older checkpoint with --from and the newer with --to" in result.stderr
    assert not (two.folder / "p.json").exists()


@pytest.mark.parametrize("matched_first", [True, False])
def test_a_checkpoint_of_another_history_signed_by_the_log_key_is_told_as_a_split_view(
    two: Keys, matched_first: bool
) -> None:
    # Session 36's tester g (F8): verify sent the inspector to look for a removed save among
    # events the failing checkpoint does not cover, though another checkpoint of the same size
    # (or larger) matched them: the log key signed two histories
    cp1 = json.loads((two.folder / "cp1.json").read_text())
    other = two.folder / "other.json"
    other.write_text(json.dumps(_signed(two, cp1, root="ab" * 32)), encoding="utf-8")
    files = [two.folder / "cp1.json", other] if matched_first else [other, two.folder / "cp1.json"]

    result = two.fupin(f"verify --checkpoint {files[0]} --checkpoint {files[1]}")

    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert (
        f"checkpoint {other}: the first {cp1['size']} events do not hash to its root, yet "
        f"checkpoint {two.folder / 'cp1.json'} (size {cp1['size']}) matched them: both are "
        f"signed by the log key {cp1['key_id']}, in force at their sizes, so two histories of "
        "this log were signed, neither extending the other (a split view: the log key was "
        f"misused or leaked); this ledger is the history {two.folder / 'cp1.json'} signed"
    ) in said
    assert "look for" not in said


def test_a_smaller_checkpoint_of_another_history_is_a_split_view_once_a_larger_one_matches(
    two: Keys,
) -> None:
    cp1 = json.loads((two.folder / "cp1.json").read_text())
    cp2 = two.folder / "cp2.json"
    other = two.folder / "other.json"
    other.write_text(json.dumps(_signed(two, cp1, root="ab" * 32)), encoding="utf-8")

    result = two.fupin(f"verify --checkpoint {other} --checkpoint {cp2}")

    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert f"yet checkpoint {cp2} (size " in said
    assert f"this ledger is the history {cp2} signed" in said
