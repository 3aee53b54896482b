"""Session 23 (tester B, a street office clerk importing spreadsheets): a year typed wrong in
a row, ``2025-12-20`` for ``2018-12-20``, was taken (the real clock's past), and made
2025-12-20 every report's "today": every quarter up to it ended with its missed visits, a
finding's deadline passed. A step of the programme dated after its years (2016-2018, and 2019
for the plan of the last year's returns) now says why in its note; an export's rows replayed
into the empty store they rebuild are judged as they were entered then."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.main import app, load_command
from ledger.authority import PROGRAMME_STEPS, TYPED_COMMANDS
from typer._click.core import Command
from typer.core import TyperGroup

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ALLOCATE = "fund allocate city-2016 --amount 500 "
RULE = (
    "2025-12-20 is after the programme (2016-2018; 2019 for the plan of the last year's "
    "returns, 2020 for that plan's closing day and accounts): a step dated after it says why "
    "in its note, naming its year 2025 (--note)"
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
    seeded.ok(ALLOCATE + doc("2025-12-20") + " --note 2025年审计整改后补拨", "qu-01")

    assert _today(seeded) == "2025-12-20"


def test_a_note_that_does_not_name_the_year_is_refused_too(seeded: Fupin) -> None:
    """Re-test E, session 23: a note there for another reason (a change of members always
    says what changed; a spreadsheet's remark column) let a year typed wrong through."""
    before = seeded.event_count()

    refused = seeded(ALLOCATE + doc("2025-12-20") + " --note 拨款", "qu-01")

    assert_refused(refused, "effective", RULE)
    assert seeded.event_count() == before
    seeded.ok(ALLOCATE + doc("2025-12-20") + " --note 二〇二五年补拨，２０２５", "qu-01")


def test_the_two_years_after_the_programme_need_no_note(seeded: Fupin) -> None:
    """2019: the plan of the returns approved in 2018; 2020: its closing day (31 January)
    and the last day its accounts are opened (31 December)."""
    seeded.ok(ALLOCATE + doc("2019-12-31"), "qu-01")
    seeded.ok(ALLOCATE + doc("2020-12-31"), "qu-01")
    refused = seeded(ALLOCATE + doc("2021-01-01"), "qu-01")
    assert_refused(refused, "effective", "2021-01-01 is after the programme (2016-2018;")


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
    seeded.ok(ALLOCATE + doc("2025-12-20") + " --note 2025年补拨", "qu-01")
    log = _export(seeded, tmp_path, strip_note=True)
    fresh = ("--store", str(tmp_path / "fresh.db"))

    imported = seeded.runner.invoke(app, [*fresh, "import", "--create", str(log)])

    assert imported.exit_code == 0, imported.output
    assert _today(seeded, *fresh) == "2025-12-20"


def test_the_same_row_imported_into_an_existing_ledger_is_judged_now(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(ALLOCATE + doc("2025-12-20") + " --note 2025年补拨", "qu-01")
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
    # The row is told of its note (its column), not of the command line's --note.
    assert RULE.replace("(--note)", "(note)") in " ".join(refused.stderr.split())
    assert seeded.event_count() == before


def _command(words: str) -> Command:
    """The click command ``fupin WORDS`` (``household visit``)."""
    first, *rest = words.split()
    command: Command = load_command(first)
    for word in rest:
        assert isinstance(command, TyperGroup), words
        command = command.commands[word]
    return command


@pytest.mark.parametrize("step", sorted(PROGRAMME_STEPS))
def test_every_step_of_the_programme_takes_a_note(step: str) -> None:
    """A step dated after 2020 needs a note: every such command offers ``--note`` (before
    session 23, ``household visit``, ``pair``, ``assess`` and most others took none)."""
    words, _rest = TYPED_COMMANDS[step]

    options = {name for param in _command(words).params for name in param.opts}

    assert "--note" in options, words
