"""Session 26, tester D (terminal and locale): a master key file saved by Windows Notepad,
which starts it with a UTF-8 byte order mark, was refused with Python's own words, ``cannot
read master key file …: 'ascii' codec can't decode byte 0xef in position 0: ordinal not in
range(128)``. It is read past the mark, as a checkpoint or a personal file is
(docs/audit-guide.md §4); a byte that is not ASCII anywhere else is refused naming it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the master key file is read before the store: SQLite is enough"


def _key_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def test_a_master_key_file_saved_with_a_bom_and_crlf_is_read(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = os.environ["LEDGER_MASTER_KEY"].encode()
    path = _key_file(tmp_path / "notepad.key", b"\xef\xbb\xbf" + key + b"\r\n")
    monkeypatch.delenv("LEDGER_MASTER_KEY")
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(path))

    shown = seeded.ok("household show JH-0001 --format json", "admin").stdout

    assert "[sealed]" not in shown


def test_a_master_key_file_with_a_byte_not_ascii_is_refused_naming_it(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = os.environ["LEDGER_MASTER_KEY"].encode()
    path = _key_file(tmp_path / "odd.key", key[:4] + "é".encode() + key[4:])
    monkeypatch.delenv("LEDGER_MASTER_KEY")
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(path))

    refused = seeded("household show JH-0001", "admin")

    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.stderr.split())
    assert said == (
        f"refused master_key: cannot read master key file {path}: byte 0xC3 at position 4 is "
        "not ASCII: a master key is base64 text (a byte order mark at its start is read past)"
    )
