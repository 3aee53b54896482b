"""Session 23 (tester B, a street office clerk importing spreadsheets): a year typed wrong in
a row, ``2025-12-20`` for ``2018-12-20``, was taken (the real clock's past), and made
2025-12-20 every report's "today": every quarter up to it ended with its missed visits, a
finding's deadline passed. A step of the programme dated after its years (2016-2018, and 2019
for the plan of the last year's returns) now says why in its note; an export's rows replayed
into the empty store they rebuild are judged as they were entered then."""

from __future__ import annotations

from pathlib import Path

import orjson
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ALLOCATE = "fund allocate city-2016 --amount 500 "
RULE = (
    "2025-12-20 is after the programme (2016-2018, and 2019 for the plan of the last year's "
    "returns): a step dated after it says why in its note (--note)"
)


def _today(fupin: Fupin, *options: str) -> str:
    found = fupin.runner.invoke(app, [*options, "report", "accountability", "--format", "json"])
    assert found.exit_code == 0, found.output
    return str(orjson.loads(found.stdout)["today"])


def test_a_step_dated_after_the_programme_without_a_note_is_refused(seeded: Fupin) -> None:
    before, today = seeded.event_count(), _today(seeded)

    refused = seeded(ALLOCATE + doc("2025-12-20"), "qu-01")

    assert_refused(refused, "effective", RULE)
    assert seeded.event_count() == before
    assert _today(seeded) == today


def test_one_that_says_why_is_recorded(seeded: Fupin) -> None:
    seeded.ok(ALLOCATE + doc("2025-12-20") + " --note 补拨：审计整改后拨付", "qu-01")

    assert _today(seeded) == "2025-12-20"


def test_the_year_after_the_programme_needs_no_note(seeded: Fupin) -> None:
    """2019: the plan of the returns approved in 2018, and the last closing day."""
    seeded.ok(ALLOCATE + doc("2019-12-31"), "qu-01")


def test_reference_data_is_not_a_step(seeded: Fupin) -> None:
    """A village added, or an officer registered, takes effect the day it is done."""
    seeded.ok(f"place add-village 江南 新村 {doc('2025-12-20')}", "admin")


def _export(fupin: Fupin, tmp_path: Path, *, strip_note: bool) -> Path:
    """The ledger's export, with the late allocation's note taken out (as a ledger recorded
    before this rule holds it)."""
    log = tmp_path / "events.jsonl"
    fupin.ok(f"export events -o {log}", "admin")
    rows = [orjson.loads(line) for line in log.read_bytes().splitlines()]
    for row in rows:
        if strip_note and row.get("effective") == "2025-12-20":
            row["note"] = ""
    log.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return log


def test_an_export_holding_such_a_step_is_replayed_into_an_empty_store(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(ALLOCATE + doc("2025-12-20") + " --note 补拨", "qu-01")
    log = _export(seeded, tmp_path, strip_note=True)
    fresh = ("--store", str(tmp_path / "fresh.db"))

    imported = seeded.runner.invoke(app, [*fresh, "import", "--create", str(log)])

    assert imported.exit_code == 0, imported.output
    assert _today(seeded, *fresh) == "2025-12-20"


def test_the_same_row_imported_into_an_existing_ledger_is_judged_now(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(ALLOCATE + doc("2025-12-20") + " --note 补拨", "qu-01")
    log = _export(seeded, tmp_path, strip_note=True)
    late = [row for row in log.read_bytes().splitlines() if b'"2025-12-20"' in row]
    assert len(late) == 1
    row = orjson.loads(late[0])
    row["ref"] = "fund:city-2016@9"  # the account's next entry: an export's form, borrowed
    one = tmp_path / "one.jsonl"
    one.write_bytes(orjson.dumps(row) + b"\n")
    before = seeded.event_count()

    refused = seeded(f"import file {one}", "admin")

    assert refused.exit_code == 2, refused.output
    assert RULE in " ".join(refused.stderr.split())
    assert seeded.event_count() == before
