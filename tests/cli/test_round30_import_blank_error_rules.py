"""Session 30, re-tester S (F7): a conditional format (条件格式) that whitens blank cells
(containsBlanks) or error values (containsErrors, the usual way to hide #N/A) refused the
whole sheet, saying it "would strike through or hide what cells hold where it applies (row 2,
for one)", though row 2 held no blank and the sheet no error. The blanks and errors rules are
judged exactly, on the values the sheet holds; and a sheet refused for a rule not judged no
longer says the rule hides a row it may not (docs/import.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Font
from openpyxl.styles.differential import DifferentialStyle

from tests.cli.conftest import Fupin, import_refused
from tests.cli.test_round29_import_conditional_formats import BY, NOTHING, _allocations

STORE_INDEPENDENT = "the workbook is read before the store is written: SQLite is enough"

STRUCK = Font(strike=True)
WHITE = Font(color="FFFFFFFF")


def _cells_rule(kind: Any, formula: str, font: Font = WHITE) -> Rule:
    """A blanks or errors rule on A2:G10, with ``formula`` as Excel writes it on A2."""
    return Rule(type=kind, formula=[formula], dxf=DifferentialStyle(font=font))


def test_re_tester_s_s_rules_whiten_no_cell_holding_a_value(seeded: Fupin, tmp_path: Path) -> None:
    rules = (
        _cells_rule("containsBlanks", "LEN(TRIM(A2))=0"),
        _cells_rule("containsErrors", "ISERROR(A2)"),
    )
    book = _allocations(tmp_path / "a.xlsx", *rules, notes=("正常", ""))  # row 3's note blank

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("rule", "look", "named"),
    [
        (
            _cells_rule("notContainsBlanks", "LEN(TRIM(A2))>0", STRUCK),
            "is struck through (删除线)",
            "'cells with no blanks'",
        ),
        (_cells_rule("notContainsErrors", "NOT(ISERROR(A2))"), NOTHING, "'cells with no errors'"),
    ],
)
def test_a_rule_on_cells_with_no_blanks_or_no_errors_hides_every_value(
    seeded: Fupin, tmp_path: Path, rule: Rule, look: str, named: str
) -> None:
    book = _allocations(tmp_path / "a.xlsx", rule, notes=("正常", "作废"))

    told = import_refused(seeded, book)

    for row in (2, 3):
        assert f"row {row}, ref: {look}, {BY} {named}), as are 6 more cells of the row:" in told
    assert "sheet:" not in told


def test_an_error_a_rule_whitens_refuses_its_row_alone(seeded: Fupin, tmp_path: Path) -> None:
    rule = _cells_rule("containsErrors", "ISERROR(A2)")
    book = _allocations(tmp_path / "a.xlsx", rule, notes=("正常", "#N/A"))  # an error value

    told = import_refused(seeded, book)

    assert f"row 3, note: {NOTHING}, {BY} 'cells with errors'):" in told
    assert "row 2" not in told
    assert "sheet:" not in told


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (  # not the formula Excel writes for the rule: which one Excel follows is not judged
            _cells_rule("containsBlanks", "LEN(A2)<10"),
            "'cells with blanks'",
        ),
        (  # a blank rule's formula fails on an error: not judged
            _cells_rule("notContainsBlanks", "LEN(TRIM(A2))>0"),
            "'cells with no blanks'",
        ),
    ],
)
def test_a_blanks_or_errors_rule_not_judged_refuses_the_sheet_saying_so(
    seeded: Fupin, tmp_path: Path, rule: Rule, said: str
) -> None:
    notes = ("正常", "#N/A") if "no blanks" in said else ("正常",)
    book = _allocations(tmp_path / "a.xlsx", rule, notes=notes)

    told = import_refused(seeded, book)

    row = 3 if "no blanks" in said else 2
    assert (
        f"[receive_allocation], sheet: has a conditional format (条件格式: A2:G10, {said}) "
        f"that would strike through (删除线) or hide what cells hold if it applied to them "
        f"(row {row}'s, for one), and the import cannot judge which cells it applies to:"
    ) in told
