"""``fupin household withdraw-exit``: recorded, shown in the history and the dossier, exported
and imported again like every other command."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, doc, reimported


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_withdrawn_exit_is_recorded_exported_and_imported_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}", actor="jn-01")
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-01')}", actor="jn-01")

    withdrawn = seeded.ok(
        f"household withdraw-exit JH-0001 --reason 核实未通过 {doc('2016-12-05')}", actor="jn-01"
    )
    history = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)
    verified = seeded("verify")  # the officer's role may record it (ledger.authority)
    imported = reimported(seeded, tmp_path)

    assert "exit of household JH-0001 withdrawn" in withdrawn.stdout
    assert verified.exit_code == 0, verified.output
    assert history[-1]["event"] == "ExitWithdrawn"
    assert history[-1]["details"]["reason"] == "核实未通过"
    assert imported.exit_code == 0, imported.output
    show = ["household", "show", "JH-0001", "--format", "json"]
    before = orjson.loads(seeded.ok("household show JH-0001 --format json").stdout)
    fresh = str(tmp_path / "fresh.db")
    after = orjson.loads(seeded.runner.invoke(app, ["--store", fresh, *show]).stdout)
    assert [s["step"] for s in before["exit_steps"]] == ["proposed", "withdrawn"]
    assert after["exit_steps"] == before["exit_steps"]
    assert after["household"]["exit_year"] is None
