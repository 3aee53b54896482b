"""Session 22, an auditor's findings on the files an inspector keeps: a checkpoint or a bundle
re-saved with a UTF-8 BOM (a Windows editor) was refused as ``not JSON`` (``verify
--checkpoint``) or with a raw ``JSONDecodeError`` (``tools/verify_bundle.py``); the signed
content is the same bytes after it; and ``tools/verify_bundle.py`` ignored the bundle's
``version`` and ``aggregate_id``: one of another version, or whose ``aggregate_id`` is not the
household's (the id of every event it proves), is refused."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cli.main import app
from typer.testing import CliRunner, Result

from tests.integration.test_verify_support import build_signed_ledger

ROOT = Path(__file__).resolve().parents[2]
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Proven:
    """A signed SQLite ledger, its checkpoint file and a bundle of JH-0001 against it."""

    store: Path
    checkpoint: Path
    bundle: dict[str, Any]
    folder: Path

    def fupin(self, *args: str) -> Result:
        env = {"LEDGER_STORE": str(self.store), "LEDGER_ACTOR": None, "LEDGER_KEY": None}
        return CliRunner(env=env).invoke(app, list(args))

    def file(self, name: str, content: bytes) -> str:
        path = self.folder / name
        path.write_bytes(content)
        return str(path)


@pytest.fixture(scope="module")
def proven(tmp_path_factory: pytest.TempPathFactory) -> Proven:
    folder = tmp_path_factory.mktemp("bundle-files")
    ledger = build_signed_ledger(folder / "signed.db")
    checkpoint = folder / "cp.json"
    checkpoint.write_text(json.dumps(ledger.checkpoint.to_json()), encoding="utf-8")
    made = Proven(folder / "signed.db", checkpoint, {}, folder)
    bundle = folder / "b.json"
    result = made.fupin(
        "--as", "insp-1", "prove", "JH-0001", "--checkpoint", str(checkpoint), "--out", str(bundle)
    )
    assert result.exit_code == 0, result.output
    return Proven(made.store, checkpoint, json.loads(bundle.read_bytes()), folder)


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "verify_bundle", ROOT / "tools" / "verify_bundle.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(path: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = _tool().main([path])
    return code, capsys.readouterr().err


def test_a_checkpoint_file_saved_with_a_bom_is_read_past_it(proven: Proven) -> None:
    path = proven.file("bom-cp.json", BOM + proven.checkpoint.read_bytes())

    result = proven.fupin("verify", "--checkpoint", path)

    assert result.exit_code == 0, result.output


def test_a_bundle_saved_with_a_bom_is_read_past_it(
    proven: Proven, capsys: pytest.CaptureFixture[str]
) -> None:
    path = proven.file("bom-b.json", BOM + json.dumps(proven.bundle).encode())

    code, err = _check(path, capsys)

    assert code == 0, err


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"version": 2}, "its version is 2, not 1, the only bundle version this tool reads"),
        ({"version": "1"}, "its version is a string, not 1"),
        ({"version": None}, "its version is null, not 1"),
        (
            {"aggregate_id": "5a0e3f2c-0000-5000-8000-000000000000"},
            "its aggregate_id is 5a0e3f2c-0000-5000-8000-000000000000, but household JH-0001's",
        ),
        ({"aggregate_id": "JH-0001"}, "its aggregate_id 'JH-0001' is not a UUID"),
        ({"aggregate_id": None}, "its aggregate_id is null, not a string"),
    ],
)
def test_a_bundle_of_another_version_or_another_aggregate_id_is_refused(
    proven: Proven, capsys: pytest.CaptureFixture[str], change: dict[str, Any], said: str
) -> None:
    path = proven.file("changed.json", json.dumps({**proven.bundle, **change}).encode())

    code, err = _check(path, capsys)

    assert code == 1
    assert err.startswith("NOT VERIFIED: BundleError: the bundle: "), err
    assert said in err


@pytest.mark.parametrize("field", ["version", "aggregate_id"])
def test_a_bundle_without_its_version_or_aggregate_id_is_refused(
    proven: Proven, capsys: pytest.CaptureFixture[str], field: str
) -> None:
    bundle = {name: value for name, value in proven.bundle.items() if name != field}
    path = proven.file("without.json", json.dumps(bundle).encode())

    code, err = _check(path, capsys)

    assert code == 1
    assert f"the bundle has no {field}" in err


def test_a_bundle_as_fupin_writes_it_verifies(
    proven: Proven, capsys: pytest.CaptureFixture[str]
) -> None:
    path = proven.file("as-written.json", json.dumps(proven.bundle).encode())

    code, err = _check(path, capsys)

    assert code == 0, err
