"""What ``fupin verify`` tells the inspector: the store's own id of each event it flags, which
``fupin log`` finds it by after a deletion too (finding F2), and what ``--require-signatures``
exempts (finding F3)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from ledger.base import natural_id

from tests.cli.conftest import Fupin, doc

JH1 = natural_id("household", "JH-0001")


# SQLite only: it deletes stored events in the file behind the ledger's back.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_documented_log_command_shows_the_flagged_event_after_a_deletion(
    seeded: Fupin,
) -> None:
    with sqlite3.connect(seeded.path) as db:
        rowids = dict(
            db.execute(
                "SELECT originator_version, rowid FROM stored_events WHERE originator_id = ?",
                (JH1.hex,),
            ).fetchall()
        )
        db.execute("DELETE FROM stored_events WHERE rowid = ?", (rowids[3],))
    db.close()

    result = seeded("verify")

    assert result.exit_code == 1, result.output
    first = next(line for line in result.stderr.splitlines() if line.startswith("FAILED"))
    position = int(re.match(r"FAILED at position (\d+): ", first).group(1))  # type: ignore[union-attr]
    assert first.startswith(
        f"FAILED at position {position}: Household.Signed {JH1} v4 (log id {rowids[4]}): "
        "version 3 of this aggregate is missing"
    )
    assert position == rowids[4] - 2  # one row deleted before it
    command = f"fupin log --since {rowids[4] - 1} --limit 1"
    assert f"(the first: `{command}`)" in result.stderr
    assert "`fupin log --since ID-1 --limit 1` shows the event of log id ID" in result.stderr

    shown = json.loads(seeded.ok(command.removeprefix("fupin ")).stdout)
    assert (shown["id"], shown["version"], shown["position"]) == (str(JH1), 4, rowids[4])


def test_require_signatures_passes_a_ledger_signed_from_its_first_save_and_says_what_it_exempts(
    fupin: Fupin, tmp_path: Path
) -> None:
    fupin.ok(f"init --admin admin --name 区扶贫办 {doc('2016-07-26')}")
    made = fupin.ok(f"keys new --out {tmp_path / 'admin.key'}")
    public = re.search(r"public key:\s+(\S+)", made.stdout).group(1)  # type: ignore[union-attr]
    fupin.ok(f"keys register admin {public} {doc('2016-07-26')}", actor="admin")
    fupin.ok(f"--key {tmp_path / 'admin.key'} programme open {doc('2016-07-26')}", actor="admin")

    result = fupin.ok("verify --require-signatures")

    assert (
        "--require-signatures: every event is signed but the bootstrap, which it exempts "
        "(2 events): the first admin's `fupin init` (position 0) and, right after it, that "
        "admin's own first key registration (position 1)"
    ) in result.stdout
