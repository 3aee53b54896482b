"""``tools/verify_bundle.py`` on bundles from someone else: a malformed one, however it is
malformed, is ``NOT VERIFIED: …`` (exit 1) saying what is wrong, never a traceback
(inspector's finding F8); ``--log-key`` takes a key id in any case or the public key, and
refuses anything else (F7).

The bundles here are self-consistent forgeries: signed by a key of their own, so every check
before the one each case is about passes."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import uuid5

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "verify_bundle.py"
HOUSEHOLD = "JN-000072"
TIME = "2026-01-01T00:00:00+00:00"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_bundle", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vb = _tool()
KEY = Ed25519PrivateKey.generate()
RAW = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
KEY_ID = hashlib.sha256(RAW).hexdigest()[:16]
PUBLIC = base64.b64encode(RAW).decode()
PROV = {"actor": "jn-01", "role": "officer", "effective": "2016-08-01", "document": "文"}


def leaf(topic: str, state: bytes, version: int = 1) -> bytes:
    household = uuid5(vb.LEDGER_NAMESPACE, f"household:{HOUSEHOLD}")
    encoded = topic.encode()
    return (
        struct.pack(">B16sQ", 1, household.bytes, version)
        + struct.pack(">I", len(encoded))
        + encoded
        + struct.pack(">I", len(state))
        + state
    )


def bundle_of(data: bytes) -> dict[str, Any]:
    """A bundle of one event (the leaf ``data``, the whole tree) signed by ``KEY``."""
    root = vb.leaf_hash(data)
    note = f"fupin-jianghai\n1\n{base64.b64encode(root).decode()}\n{TIME}\n".encode()
    checkpoint = {
        "version": 1,
        "log": "fupin-jianghai",
        "size": 1,
        "root": root.hex(),
        "time": TIME,
        "key_id": KEY_ID,
        "public_key": PUBLIC,
        "signature": base64.b64encode(KEY.sign(note)).decode(),
    }
    event = {"index": 0, "leaf": base64.b64encode(data).decode(), "proof": []}
    household = str(uuid5(vb.LEDGER_NAMESPACE, f"household:{HOUSEHOLD}"))
    return {
        "version": 1,
        "household": HOUSEHOLD,
        "aggregate_id": household,
        "checkpoint": checkpoint,
        "events": [event],
    }


def event_bundle(topic: str, state: Any) -> dict[str, Any]:
    text = state if isinstance(state, bytes) else json.dumps(state).encode()
    return bundle_of(leaf(f"ledger.household:Household.{topic}", text))


def good() -> dict[str, Any]:
    return event_bundle("Identified", {"prov": PROV, "timestamp": TIME})


def run(
    bundle: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """``main`` in this process: any exception it lets out fails the test."""
    path = tmp_path / "bundle.json"
    text = bundle if isinstance(bundle, str) else json.dumps(bundle, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    code = vb.main([str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], Any]:
    def change(bundle: dict[str, Any]) -> Any:
        holder = bundle
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = value
        return bundle

    return change


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], Any]:
    def change(bundle: dict[str, Any]) -> Any:
        holder = bundle
        for step in path[:-1]:
            holder = holder[step]
        del holder[path[-1]]
        return bundle

    return change


SHAPES = [
    ("a-list", lambda bundle: [bundle], "the bundle is a JSON array, not a JSON object"),
    ("no-checkpoint", _drop(("checkpoint",)), "the bundle has no checkpoint"),
    ("checkpoint-number", _set(("checkpoint",), 5), "the checkpoint is a JSON number, not a JSON"),
    (
        "public-key-null",
        _set(("checkpoint", "public_key"), None),
        "the checkpoint: its public_key is null, not a string",
    ),
    (
        "public-key-short",
        _set(("checkpoint", "public_key"), "QUJD"),
        "the checkpoint: its public_key is 3 bytes, not 32",
    ),
    (
        "key-id-number",
        _set(("checkpoint", "key_id"), 5),
        "the checkpoint: its key_id is a JSON number, not a string",
    ),
    (
        "root-number",
        _set(("checkpoint", "root"), 5),
        "the checkpoint: its root is a JSON number, not a string",
    ),
    (
        "root-short",
        _set(("checkpoint", "root"), "abcd"),
        "the checkpoint's root is not 64 hex digits",
    ),
    (
        "size-text",
        _set(("checkpoint", "size"), "1"),
        "the checkpoint: its size is a string, not a whole number",
    ),
    (
        "signature-number",
        _set(("checkpoint", "signature"), 5),
        "the checkpoint: its signature is a JSON number, not a string",
    ),
    ("household-number", _set(("household",), 72), "the bundle: its household is a JSON number"),
    ("events-object", _set(("events",), {}), "the bundle: its events is a JSON object, not a JSON"),
    (
        "event-text",
        _set(("events", 0), "x"),
        "event 1 of the bundle is a string, not a JSON object",
    ),
    ("index-true", _set(("events", 0, "index"), True), "event 1 of the bundle: its index is true"),
    ("index-text", _set(("events", 0, "index"), "0"), "event 1 of the bundle: its index is a str"),
    ("leaf-null", _set(("events", 0, "leaf"), None), "event 1 of the bundle: its leaf is null"),
    ("no-proof", _drop(("events", 0, "proof")), "event 1 of the bundle has no proof"),
    ("proof-text", _set(("events", 0, "proof"), "x"), "event 1 of the bundle: its proof is a str"),
    (
        "proof-hash-number",
        _set(("events", 0, "proof"), [5]),
        "event 1 of the bundle's proof: its hash 1 is a JSON number, not a string",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [(change, message) for _, change, message in SHAPES],
    ids=[name for name, _, _ in SHAPES],
)
def test_a_bundle_of_the_wrong_shape_is_not_verified_saying_what_is_wrong(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, Any]], Any],
    message: str,
) -> None:
    code, out, err = run(change(good()), tmp_path, capsys)

    assert code == 1
    assert out == ""
    assert err.startswith("NOT VERIFIED: ")
    assert message in err
    assert len(err.splitlines()) == 1


EVENTS = [
    # the inspector's own: a self-consistent bundle whose prov is a string
    ("prov-text", "Identified", {"prov": "x", "timestamp": "t"}, "leaf 0: its prov is a string"),
    ("prov-list", "Identified", {"prov": [1], "timestamp": "t"}, "its prov is a JSON array"),
    ("state-list", "Identified", [1, 2], "leaf 0: the event's state is a JSON array, not a JSON"),
    ("state-text", "Identified", "x", "leaf 0: the event's state is a string, not a JSON object"),
    (
        "was-list",
        "Amended",
        {"prov": PROV, "was": [1], "changes": {"labour": False}},
        "leaf 0: its was is a JSON array, not a JSON object",
    ),
    (
        "changes-text",
        "Amended",
        {"prov": PROV, "was": {}, "changes": "labour"},
        "leaf 0: its changes is a string, not a JSON object",
    ),
    (
        "nested-too-deep",
        "Identified",
        b'{"prov": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "NOT VERIFIED: the bundle could not be read (RecursionError",
    ),
]


@pytest.mark.parametrize(
    ("topic", "state", "message"),
    [(topic, state, message) for _, topic, state, message in EVENTS],
    ids=[name for name, _, _, _ in EVENTS],
)
def test_a_proven_event_of_the_wrong_shape_is_not_verified_saying_what_is_wrong(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    topic: str,
    state: Any,
    message: str,
) -> None:
    bundle = event_bundle(topic, state)

    for pin in ([], ["--log-key", KEY_ID]):  # pinned or not: the same
        code, out, err = run(bundle, tmp_path, capsys, *pin)

        assert code == 1
        assert out == ""
        assert err.startswith("NOT VERIFIED: ")
        assert message in err
        assert len(err.splitlines()) == 1


def test_the_inspectors_forged_bundle_gives_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(event_bundle("Identified", {"prov": "x"})), encoding="utf-8")

    result = subprocess.run(
        [sys.executable, str(TOOL), str(path)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        "NOT VERIFIED: BundleError: leaf 0: its prov is a string, not a JSON object\n"
    )


def test_text_of_a_bundle_cannot_write_lines_or_escapes_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    actor = "jn-01\n  #2   leaf 1  Exited\x1b[2J\u202e\ud800"
    bundle = event_bundle("Identified", {"prov": {**PROV, "actor": actor}, "timestamp": TIME})

    code, out, err = run(bundle, tmp_path, capsys)

    assert code == 0, err
    assert len(out.splitlines()) == 4  # the heading, the checkpoint, its key, the one event
    assert "by jn-01\\n  #2   leaf 1  Exited\\x1b[2J\\u202e\\ud800 (officer)" in out


@pytest.mark.parametrize(
    "pin",
    [
        pytest.param(KEY_ID.upper(), id="key-id-upper-case"),
        pytest.param(f" {KEY_ID} ", id="key-id-spaced"),
        pytest.param(PUBLIC, id="public-key"),
    ],
)
def test_the_log_key_is_pinned_by_its_key_id_in_any_case_or_its_public_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pin: str
) -> None:
    # the bundle every other case here changes in one place verifies as it is
    code, out, err = run(good(), tmp_path, capsys, "--log-key", pin)

    assert code == 0, err
    assert f"signed by log key {KEY_ID}\n" in out  # pinned: no "(not pinned)"
    assert "Identified" in out
    assert "by jn-01 (officer)" in out


def test_another_log_key_pinned_is_named_by_its_key_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    code, _, err = run(good(), tmp_path, capsys, "--log-key", base64.b64encode(other).decode())

    assert code == 1
    other_id = hashlib.sha256(other).hexdigest()[:16]
    assert f"checkpoint signed by key {KEY_ID}, not the pinned log key {other_id}" in err


@pytest.mark.parametrize(
    "pin",
    ["not-a-key-id", KEY_ID[:15], "QUJD", f"{KEY_ID}0"],
    ids=["not hex", "15 digits", "3 bytes of base64", "17 digits"],  # the key is made anew
)
def test_a_log_key_that_is_no_key_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pin: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(good(), tmp_path, capsys, "--log-key", pin)

    _, err = capsys.readouterr()
    assert exit_.value.code == 2
    assert "argument --log-key: " in err
    assert "is neither a key id (16 hex digits) nor a public key (base64 of 32 bytes)" in err


def test_output_its_reader_stopped_reading_ends_quietly(tmp_path: Path) -> None:
    # `verify_bundle.py b.json | head -3` printed a BrokenPipeError traceback (review, 6)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(good()), encoding="utf-8")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the tool writes a line, as `head` once done
    try:
        result = subprocess.run(
            [sys.executable, str(TOOL), str(path)],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)

    assert (result.returncode, result.stderr) == (0, "")  # it verified: only the reader left
