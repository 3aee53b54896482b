"""Session 35, tester f (F3): ``report html`` with a master key the household keys are not
wrapped under wrote the page (exit 0), its header saying "personal data in full 未脱敏",
whenever no dossier was due (one due refused it); ``notice`` wrote its list. Both refuse such a
key before anything is read now, as ``log`` and ``household show`` do."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import app
from ledger.privacy import generate_master_key

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the master key given against the key table: SQLite is enough"


@pytest.mark.parametrize(
    "line",
    [
        ["report", "html", "--out", "{out}", "--as-of", "2016-07-30"],
        ["notice", "--street", "江南", "--from", "2017-01-01", "--to", "2017-01-31"],
    ],
)
def test_a_wrong_master_key_is_refused_before_anything_is_written(
    seeded: Fupin, tmp_path: Path, line: list[str]
) -> None:
    wrong = tmp_path / "wrong.key"
    wrong.write_text(generate_master_key() + "\n", encoding="ascii")
    wrong.chmod(0o600)
    out = tmp_path / "report.html"
    env = {"LEDGER_MASTER_KEY": None, "LEDGER_MASTER_KEY_FILE": str(wrong)}

    result = seeded.runner.invoke(
        app, ["--as", "admin", *(part.format(out=out) for part in line)], env=env
    )

    assert_refused(result, "master_key", "household keys are wrapped under master key")
    assert not out.exists()
    assert result.stdout == ""
