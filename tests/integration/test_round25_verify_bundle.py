"""``tools/verify_bundle.py``, session 25 (a verifiable-logs expert's findings 3 and 4, and the
tool's part of 1): it checks a checkpoint's version, log and time as docs/audit-guide.md §4
says (the log against ``--origin``, by default ``fupin-jianghai``), and its inclusion check is
ledger/merkle.py's, run here over the RFC 6962 / RFC 9162 vectors the ledger's is."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_verify_bundle_malformed import KEY, good, run, vb

DATA = Path(__file__).resolve().parent.parent / "data" / "rfc6962"
INCLUSION_FILES = sorted(DATA.glob("inclusion/*/*.json"))


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _name(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


def test_the_vectors_are_there() -> None:
    assert len(INCLUSION_FILES) == 86


@pytest.mark.parametrize("path", INCLUSION_FILES, ids=_name)
def test_the_tools_inclusion_check_passes_the_rfc_vectors(path: Path) -> None:
    v = json.loads(path.read_text(encoding="utf-8"))
    proof = [_b64(h) for h in v["proof"] or []]
    args = (_b64(v["leafHash"]), v["leafIdx"], v["treeSize"], proof, _b64(v["root"]))
    if v["wantErr"]:  # before: single-entry/empty-root-and-leaf.json was accepted
        with pytest.raises(vb.BundleError):
            vb.verify_inclusion(*args)
    else:
        vb.verify_inclusion(*args)


def _resigned(**fields: Any) -> dict[str, Any]:
    """The good bundle with its checkpoint's fields changed and signed again by its key."""
    bundle = good()
    cp = bundle["checkpoint"]
    cp.update(fields)
    root = base64.b64encode(bytes.fromhex(cp["root"])).decode()
    note = f"{cp['log']}\n{cp['size']}\n{root}\n{cp['time']}\n".encode()
    cp["signature"] = base64.b64encode(KEY.sign(note)).decode()
    return bundle


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"version": 2}, "the checkpoint: its version is 2, not 1"),
        ({"version": "1"}, "the checkpoint: its version is a string, not 1"),
        ({"log": "some-other-log"}, "the checkpoint is of the log 'some-other-log', not"),
        ({"time": "2000-01-01"}, "its time '2000-01-01' is not an ISO 8601 time with its UTC"),
        ({"time": "yesterday"}, "its time 'yesterday' is not an ISO 8601 time"),
    ],
    ids=["version-2", "version-text", "other-log", "time-no-offset", "time-not-a-time"],
)
def test_a_checkpoint_of_another_version_log_or_time_is_not_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fields: dict[str, Any], message: str
) -> None:
    code, out, err = run(_resigned(**fields), tmp_path, capsys)

    assert (code, out) == (1, "")
    assert err.startswith("NOT VERIFIED: ")
    assert message in err


def test_the_origin_is_pinned_and_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = "fupin-jianghai/0123456789abcdef"
    bundle = _resigned(log=moved)

    refused, _, err = run(bundle, tmp_path, capsys)  # the default origin: the unmoved log
    accepted, out, _ = run(bundle, tmp_path, capsys, "--origin", moved)
    unmoved, _, err_unmoved = run(good(), tmp_path, capsys, "--origin", moved)

    assert refused == 1
    assert f"the checkpoint is of the log '{moved}', not 'fupin-jianghai'" in err
    assert accepted == 0
    assert f"log {moved} (the origin checked)" in out
    assert unmoved == 1
    assert f"of the log 'fupin-jianghai', not '{moved}'" in err_unmoved


def test_a_good_bundle_says_the_origin_it_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(good(), tmp_path, capsys)

    assert code == 0
    assert "log fupin-jianghai (the origin checked)" in out


@pytest.mark.parametrize(
    ("signed", "verified"),
    [
        ("2025-12-31T23:50:00+00:00", True),  # 10 minutes before its events: clocks differ
        ("2025-12-31T23:49:59+00:00", False),
        ("2020-01-01T00:00:00+00:00", False),  # tester g, session 36: re-signed at will
    ],
)
def test_a_checkpoint_signed_before_the_events_it_proves_were_recorded_is_not_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], signed: str, verified: bool
) -> None:
    code, out, err = run(_resigned(time=signed), tmp_path, capsys)

    if verified:
        assert code == 0, err
        return
    assert (code, out) == (1, "")
    assert err.startswith(
        "NOT VERIFIED: BundleError: leaf 0: recorded 2026-01-01T00:00:00Z, more than 10 minutes "
        f"after the checkpoint's time {signed}: a checkpoint is signed over events already "
        "recorded"
    ), err
