"""``fupin verify --checkpoint`` with a malformed checkpoint file, and ``--log-key`` pins:
refused (exit 2, one line naming the field and the rule), never an internal error, never a
pin that silently checks nothing (inspector's findings F4 and F7)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cli.main import app
from ledger.keys import generate_key, key_id, public_key_text
from typer.testing import CliRunner, Result

from tests.cli.conftest import assert_refused
from tests.integration.test_verify_support import build_signed_ledger


@dataclass(frozen=True)
class Signed:
    """A signed SQLite ledger with a log key, and its checkpoint as ``fupin checkpoint``
    writes it (one store is enough: a refusal comes before the store is read)."""

    store: Path
    checkpoint: dict[str, Any]
    key_id: str
    public_key: str
    folder: Path

    def verify(self, *args: str) -> Result:
        env = {"LEDGER_STORE": str(self.store), "LEDGER_ACTOR": None, "LEDGER_KEY": None}
        return CliRunner(env=env).invoke(app, ["verify", *args])

    def file(self, name: str, content: Any) -> str:
        path = self.folder / name
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return str(path)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Signed:
    folder = tmp_path_factory.mktemp("checkpoint-refusals")
    ledger = build_signed_ledger(folder / "signed.db")
    checkpoint = ledger.checkpoint.to_json()
    key = ledger.log_key
    return Signed(
        folder / "signed.db", checkpoint, checkpoint["key_id"], public_key_text(key), folder
    )


def _with(field: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda checkpoint: {**checkpoint, field: value}


def _without(*fields: str) -> Callable[[dict[str, Any]], Any]:
    return lambda checkpoint: {k: v for k, v in checkpoint.items() if k not in fields}


MALFORMED = [
    # the two of the inspector's report: an internal error (exit 1) before
    ("signature-number", _with("signature", 5), "its signature must be text, base64 of the 64"),
    ("public-key-null", _with("public_key", None), "its public_key must be text, base64 of the 32"),
    ("public-key-short", _with("public_key", "QUJD"), "its public_key must be text, base64"),
    ("signature-short", _with("signature", "QUJD"), "its signature must be text, base64 of the 64"),
    ("signature-not-base64", _with("signature", "not base64!"), "its signature must be text"),
    ("key-id-number", _with("key_id", 7), "its key_id must be text, 16 hex digits in lower case"),
    ("key-id-upper", _with("key_id", "ABCDEF0123456789"), "its key_id must be text, 16 hex"),
    ("time-number", _with("time", 1_700_000_000), "its time must be text, an ISO 8601 time"),
    ("time-naive", _with("time", "2018-12-31T09:00:00"), "its time must be text, an ISO 8601"),
    ("time-null", _with("time", None), "its time must be text, an ISO 8601 time"),
    ("log-number", _with("log", 1), "its log must be fupin-jianghai"),
    ("log-other", _with("log", "another-log"), "its log must be fupin-jianghai"),
    ("size-true", _with("size", True), "its size must be a whole number, at least 1"),
    ("size-zero", _with("size", 0), "its size must be a whole number, at least 1"),
    ("size-text", _with("size", "12"), "its size must be a whole number, at least 1"),
    ("size-float", _with("size", 12.5), "its size must be a whole number, at least 1"),
    ("root-list", _with("root", [1, 2]), "its root must be text, 64 hex digits"),
    ("root-short", _with("root", "ab"), "its root must be text, 64 hex digits"),
    ("version-2", _with("version", 2), "not a version 1 checkpoint: its version is 2"),
    ("version-text", _with("version", "1"), 'not a version 1 checkpoint: its version is "1"'),
    ("missing", _without("time", "root"), "its fields root, time are missing"),
    ("unknown-field", _with("extra", 1), "its field extra is not a checkpoint's"),
    ("a-list", lambda checkpoint: [checkpoint], "not a checkpoint: a JSON object was expected"),
    ("a-number", lambda checkpoint: 5, "not a checkpoint: a JSON object was expected"),
]


@pytest.mark.parametrize(
    ("change", "rule"),
    [(change, rule) for _, change, rule in MALFORMED],
    ids=[name for name, _, _ in MALFORMED],
)
def test_a_malformed_checkpoint_file_is_refused_naming_its_field(
    signed: Signed, change: Callable[[dict[str, Any]], Any], rule: str
) -> None:
    path = signed.file("malformed.json", change(signed.checkpoint))

    result = signed.verify("--checkpoint", path)

    assert_refused(result, "checkpoint", rule)
    assert f"{path}: " in result.stderr


@pytest.mark.parametrize(
    "pin",
    [
        pytest.param(lambda s: s.key_id.upper(), id="key-id-upper-case"),
        pytest.param(lambda s: f" {s.key_id} ", id="key-id-spaced"),
        pytest.param(lambda s: s.public_key, id="public-key"),
    ],
)
def test_a_log_key_is_pinned_by_its_key_id_in_any_case_or_its_public_key(
    signed: Signed, pin: Callable[[Signed], str]
) -> None:
    path = signed.file("cp.json", signed.checkpoint)

    # the file every malformed one above changes in one field verifies as it is
    result = signed.verify("--checkpoint", path, "--log-key", pin(signed))

    assert result.exit_code == 0, result.output
    assert "signature valid, ledger extends it" in result.stdout


def test_another_public_key_pinned_is_named_by_its_key_id_and_fails_the_checkpoint(
    signed: Signed,
) -> None:
    path = signed.file("cp.json", signed.checkpoint)
    other = generate_key()

    result = signed.verify("--checkpoint", path, "--log-key", public_key_text(other))

    assert result.exit_code == 1, result.output
    assert f"key {signed.key_id} is not a pinned log key ({key_id(other)})" in result.stderr


@pytest.mark.parametrize(
    ("pin", "rule"),
    [
        ("not-a-key-id", "is neither a key id (16 hex digits) nor a public key (base64 of 32"),
        ("12e8663d2cebe70", "is neither a key id"),  # 15 digits
        ("12e8663d2cebe70ag", "is neither a key id"),
        ("QUJD", "is neither a key id"),  # base64, but of 3 bytes
        ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "a point of small order"),
    ],
    ids=["words", "15-digits", "not-hex", "3-bytes", "small-order-key"],
)
def test_a_log_key_that_is_no_key_is_refused(signed: Signed, pin: str, rule: str) -> None:
    path = signed.file("cp.json", signed.checkpoint)

    assert_refused(signed.verify("--checkpoint", path, "--log-key", pin), "log-key", rule)


def test_a_log_key_without_a_checkpoint_is_refused(signed: Signed) -> None:
    # it would pin nothing: no checkpoint is checked
    result = signed.verify("--log-key", signed.key_id)

    assert_refused(result, "log-key", "add --checkpoint FILE")
