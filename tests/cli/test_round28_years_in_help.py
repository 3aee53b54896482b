"""Session 28, tester M (findings 2 and 3): help and report details that spoke of one programme.

The ``--note`` help of every step said "a step of the programme dated after 2020 says why
here", while the ledger asks it from the programme's own years (after 2021 for a 2016-2019
programme): the help now says it in the programme's terms. The ``income-below`` exit fault of
the accountability report gave its money in fen (``income 1400000 fen``), where the refusals
and the history say yuan: it says yuan now.
"""

from __future__ import annotations

import orjson
from cli.main import load_command
from ledger.authority import PROGRAMME_STEPS, TYPED_COMMANDS
from typer._click.core import Command
from typer.core import TyperGroup

from tests.cli.conftest import Fupin, doc
from tests.cli.test_round13_unpairings import EXIT

STORE_INDEPENDENT = "help texts: SQLite is enough (tests/conftest.py)"

SAID = "more than two years after its last year (after 2020 for 2016-2018, 2021 for 2016-2019)"


def _command(words: str) -> Command:
    first, *rest = words.split()
    command: Command = load_command(first)
    for word in rest:
        assert isinstance(command, TyperGroup), words
        command = command.commands[word]
    return command


def test_a_step_s_note_help_gives_the_bound_by_the_programme_s_years(fupin: Fupin) -> None:
    shown = fupin.ok("household visit --help")

    assert SAID in " ".join(shown.output.replace("│", " ").split())
    for step in sorted(PROGRAMME_STEPS):
        words, _rest = TYPED_COMMANDS[step]
        notes = [p for p in _command(words).params if "--note" in p.opts]
        helps = [" ".join(str(getattr(p, "help", "")).split()) for p in notes]
        assert helps, words
        assert all("dated after 2020" not in h for h in helps), words


def test_an_income_below_fault_gives_its_money_in_yuan(seeded: Fupin) -> None:
    # Finding 3: the detail read "latest 2016 income 700000 fen; threshold 810000 fen".
    for actor, line in EXIT:  # 9000 yuan assessed for 2016, at the threshold (8100 yuan)
        seeded.ok(line, actor)
    seeded.ok(f"household assess JH-0001 2016 --income 7000 {doc('2017-01-20')}", "jn-01")

    found = orjson.loads(seeded.ok("report accountability --format json", "ana-1").stdout)

    details = [r["detail"] for r in found["exit_faults"] if r["fault"] == "income-below"]
    assert details == ["latest 2016 income 7000.00 yuan; threshold 8100.00 yuan"]
