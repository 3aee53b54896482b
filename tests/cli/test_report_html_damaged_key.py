"""One household's key damaged must not stop ``report html`` for everyone (session 20): the
report is written, that household's dossier reads ``[unreadable]`` in its personal fields, one
line on stderr names it by number (never by its id alone), and the command exits 1, as
``notice`` and ``log`` do. Before, the whole report was refused (`refused master_key: the key
of household <id> fails authentication …`, exit 2, no file). A master key that opens nothing
is still refused."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ledger import clock
from ledger.application import open_ledger
from ledger.base import natural_id

from tests.cli.conftest import Fupin
from tests.cli.test_damaged_key_round12 import damage
from tests.support import TickingClock, id_card, register

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # edits the file


@pytest.fixture
def named(seeded: Fupin) -> Fupin:
    """``seeded`` with JH-0005 registered too, unpaired: the report's findings name it and
    JH-0001, so both have a dossier."""
    later = TickingClock(datetime(2020, 1, 1, tzinfo=UTC))  # after ``seeded``'s saves
    with clock.using_clock(later):
        app = open_ledger(str(seeded.store))
        try:
            register(app, "JH-0005", serial=5)
        finally:
            app.close()
    return seeded


def _dossier(page: str, number: str) -> str:
    """The dossier of household ``number`` on the page (up to the next one)."""
    found = re.search(rf'id="household-{number}".*?(?=id="household-|</body>)', page, re.S)
    assert found, f"no dossier of {number}"
    return found.group(0)


@pytest.mark.parametrize("actor", ["admin", "ana-1"])
def test_report_html_goes_on_past_a_damaged_key(named: Fupin, tmp_path: Path, actor: str) -> None:
    victim = damage(named, "JH-0005", "JH-0001")
    out = tmp_path / "report.html"

    result = named(f"report html --out {out}", actor=actor)

    assert result.exit_code == 1, result.output  # written, but not all of it read: as notice
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warning: household JH-0005's personal data cannot be read")
    assert "its key fails authentication" in lines[0]
    assert "[unreadable]" in lines[0]
    assert "fupin keys check" in lines[0]
    assert victim not in lines[0]
    page = out.read_text(encoding="utf-8")
    damaged = _dossier(page, "JH-0005")
    assert damaged.count("[unreadable]") >= 3  # head, ID card, members (all but masked ones)
    assert id_card(5) not in page
    # every other household reads as before
    if actor == "admin":
        assert id_card(1) in _dossier(page, "JH-0001")
    assert "[unreadable]" not in _dossier(page, "JH-0001")


def test_report_html_with_a_key_row_gone_names_the_household(named: Fupin, tmp_path: Path) -> None:
    gone = str(natural_id("household", "JH-0005"))
    with sqlite3.connect(named.path) as db:
        db.execute("DELETE FROM household_keys WHERE household_id = ?", (gone,))
    out = tmp_path / "report.html"

    result = named(f"report html --out {out}", actor="admin")

    assert result.exit_code == 1, result.output
    assert "household JH-0005's personal data cannot be read (it has no key row)" in (result.stderr)
    assert "[unreadable]" in _dossier(out.read_text(encoding="utf-8"), "JH-0005")


def test_report_html_with_every_household_readable_says_nothing(
    named: Fupin, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = named.ok(f"report html --out {out}", actor="admin")
    assert result.stderr == ""
    assert "[unreadable]" not in out.read_text(encoding="utf-8")
