"""Bidi marks and invisible characters, re-tested (session 25).

The whole Bidi_Control property (U+061C ALM, U+200E LRM and U+200F RLM too) and U+FEFF are
refused in recorded free text: ``发放慰问金\u200f 300, 50\u200f 元`` showed its amounts swapped.
A helper's or an officer's name, a unit, a donor take a name's rule, as the head's name does:
no invisible or format character at all. An export's replay still moves what was recorded.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.values import deferred_personal_data
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.support import stamp

JN = "jn-01"


def _visit(seeded: Fupin, summary: str) -> Result:
    return seeded.runner.invoke(
        app,
        [
            "--as",
            JN,
            "household",
            "visit",
            "JH-0001",
            "--helper",
            "c-1",
            "--summary",
            summary,
            *doc("2016-09-01").split(),
        ],
    )


@pytest.mark.parametrize("mark", ["\u200f", "\u200e", "\u061c"])
def test_a_bidi_mark_in_free_text_is_refused(seeded: Fupin, mark: str) -> None:
    before = seeded.event_count()

    result = _visit(seeded, f"发放慰问金{mark} 300, 50{mark} 元")

    assert_refused(result, "summary", f"U+{ord(mark):04X}")
    assert "bidirectional control" in result.stderr
    assert seeded.event_count() == before


def test_a_zero_width_no_break_space_in_free_text_is_refused(seeded: Fupin) -> None:
    result = _visit(seeded, "走访\ufeff正常")

    assert_refused(result, "summary", "U+FEFF ZERO WIDTH NO-BREAK SPACE at character 3")


def test_a_zero_width_space_in_free_text_is_still_taken(seeded: Fupin) -> None:
    result = _visit(seeded, "走访\u200b正常")

    assert result.exit_code == 0, result.output


def _helper(seeded: Fupin, option: str, value: str) -> Result:
    line = ["--as", "admin", "helper", "add", "v-9", "--kind", "volunteer-team"]
    line += ["--name", "某队", "--team-size", "12", *doc("2016-07-28").split()]
    if option == "--name":
        line[line.index("某队")] = value
    else:
        line += [option, value]
    return seeded.runner.invoke(app, line)


@pytest.mark.parametrize(
    ("option", "field", "value"),
    [
        ("--name", "name", "某\u200f队"),
        ("--name", "name", "某\u200b队"),
        ("--unit", "unit", "区\u200b扶贫办"),
        ("--unit", "unit", "区\u2060扶贫办"),
    ],
)
def test_a_helpers_name_or_unit_takes_a_names_rule(
    seeded: Fupin, option: str, field: str, value: str
) -> None:
    before = seeded.event_count()

    result = _helper(seeded, option, value)

    assert_refused(result, field, "at character 2")
    assert "invisible or format characters" in " ".join(result.stderr.split())
    assert seeded.event_count() == before


def test_an_officers_name_takes_a_names_rule(seeded: Fupin) -> None:
    result = seeded(
        "officer add jn-09 --name 江南\u200f专干 --role officer --street 江南 "
        f"--unit 江南街道扶贫办 {doc('2016-07-28')}",
        "admin",
    )

    assert_refused(result, "name", "U+200F RIGHT-TO-LEFT MARK at character 3")


def test_a_name_in_an_import_cell_takes_a_names_rule(seeded: Fupin, tmp_path: Path) -> None:
    sheet = tmp_path / "register_helper.csv"
    sheet.write_text(
        "ref,actor,effective,document,note,helper,kind,name,unit,rank,team_size\n"
        "H-1,admin,2016-07-28,文件,,v-9,volunteer-team,某\u200f队,,,12\n"
    )
    before = seeded.event_count()

    result = seeded(f"import {sheet}", "admin")

    assert result.exit_code == 2, result.output
    assert "name: the name holds U+200F RIGHT-TO-LEFT MARK at character 2" in " ".join(
        result.output.split()
    )
    assert seeded.event_count() == before


def test_a_plain_name_and_unit_are_still_taken(seeded: Fupin) -> None:
    result = _helper(seeded, "--unit", " 区扶贫办 ")

    assert result.exit_code == 0, result.output


def test_a_ledger_holding_a_mark_in_a_name_still_moves(seeded: Fupin, tmp_path: Path) -> None:
    with closing(open_ledger(seeded.store)) as ledger, deferred_personal_data():
        ledger.register_helper(
            stamp("admin", date(2016, 7, 28)), "v-9", "volunteer-team", "某\u200f队", "", "", 12
        )
        ledger.record_visit(stamp(JN, date(2016, 9, 4)), "JH-0001", "c-1", "走访\u200f正常")

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = str(tmp_path / "fresh.db")
    verified = seeded.runner.invoke(app, ["--store", fresh, "--as", "admin", "verify"])
    assert verified.exit_code == 0, verified.output
