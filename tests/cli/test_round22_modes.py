"""Session 22, tester (data protection): a master key file, a ``keys rotate-master
--new-key-file`` and a ``checkpoint --log-key`` only the group could read (mode 0640) were
refused as "readable by others", and ``--personal-file`` said "open to the group or others"
whichever it was. Each says now who besides the owner may use the file, in one wording
(``ledger.keys.open_to``): the group, others, or the group and others."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger.privacy import generate_master_key

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

WHO = [
    (0o640, "the group (mode 0640)"),
    (0o604, "others (mode 0604)"),
    (0o644, "the group and others (mode 0644)"),
    (0o620, "the group (mode 0620)"),
]


def _file(tmp_path: Path, text: str, mode: int) -> Path:
    path = tmp_path / "secret"
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize(("mode", "who"), WHO)
def test_a_master_key_file_says_who_may_read_it(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int, who: str
) -> None:
    path = _file(tmp_path, generate_master_key(), mode)
    monkeypatch.delenv("LEDGER_MASTER_KEY")
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(path))

    result = seeded("household show JH-0001", "admin")

    assert_refused(result, "master_key", f"{path} is open to {who}; run `chmod 600 {path}`")


@pytest.mark.parametrize(("mode", "who"), WHO[:3])
def test_a_new_master_key_file_says_who_may_read_it(
    seeded: Fupin, tmp_path: Path, mode: int, who: str
) -> None:
    path = _file(tmp_path, generate_master_key(), mode)

    result = seeded(f"keys rotate-master --new-key-file {path} -d x", "admin")

    assert_refused(result, "new_key", f"{path} is open to {who}; run `chmod 600 {path}`")


@pytest.mark.parametrize(("mode", "who"), WHO[:3])
def test_a_log_key_says_who_may_read_it(seeded: Fupin, tmp_path: Path, mode: int, who: str) -> None:
    path = tmp_path / "log.key"
    seeded.ok(f"keys new --out {path}")
    path.chmod(mode)

    result = seeded(f"checkpoint --log-key {path} --out {tmp_path / 'cp.json'} -d x", "admin")

    assert_refused(result, "log-key", f"{path} is open to {who}; run `chmod 600 {path}`")


@pytest.mark.parametrize(("mode", "who"), WHO[:3])
def test_a_personal_file_says_who_may_read_it(
    seeded: Fupin, tmp_path: Path, mode: int, who: str
) -> None:
    path = _file(tmp_path, '{"head_name": "李四", "id_card": "110101199003078515"}', mode)
    line = "household members JH-0001 --members 1 --note x -d x -e 2017-01-01"

    result = seeded(f"{line} --personal-file {path}", "jn-01")

    assert_refused(result, "personal_file", f"{str(path)!r} is open to {who}: personal data")
