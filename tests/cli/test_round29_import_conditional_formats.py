"""Session 29, re-tester I: a row struck through or whitened by a conditional format (条件格式:
officers strike voided rows by a rule on a status column) was imported; and a white font made
visible by a rule's dark fill was refused as "white font on no fill". The simple rule kinds are
judged exactly (cellIs against a constant; containsText, notContainsText, beginsWith, endsWith;
an expression TRUE, FALSE or a cell of the row compared to a constant by = or <>); a sheet with
a rule the import cannot judge that would strike or hide a cell holding a value is refused,
naming the rule (docs/import.md)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle

from tests.cli.conftest import Fupin, import_refused

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

HEADER = ["ref", "actor", "effective", "document", "note", "account", "amount"]
VOIDED = (
    "officers strike out or whiten voided rows, and an import must not record what the "
    "sheet does not show:"
)
MEND = (
    "delete the row, or, if it stands, change what its rule tests, or remove the rule "
    "(开始 > 条件格式 > 管理规则)"
)
BY_HAND = (
    "remove the conditional format (开始 > 条件格式 > 管理规则), and strike out or delete "
    "voided rows by hand"
)
STRUCK = Font(strike=True)
WHITE = Font(color="FFFFFFFF")
RED = Font(color="FFFF0000")
DARK = PatternFill(bgColor="FF003366")
BY = "by a conditional format (条件格式: A2:G10,"
NOTHING = "is in a white font on no fill (a white sheet), which shows nothing"


def _allocations(
    path: Path, *rules: Rule, notes: tuple[str, ...] = ("作废", ""), font: Font | None = None
) -> Path:
    """Allocation rows with ``notes`` (in ``font``, if given), under ``rules`` on A2:G10."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(HEADER)
    for n, note in enumerate(notes, 1):
        sheet.append([f"R-{n}", "qu-01", "2016-09-01", f"拨款{n}", note, "city-2016", 100.5])
        if font is not None:
            for cell in sheet[n + 1]:
                cell.font = font
    for rule in rules:
        sheet.conditional_formatting.add("A2:G10", rule)
    book.save(path)
    return path


def _expression(formula: str, font: Font | None = None, fill: PatternFill | None = None) -> Rule:
    return Rule(type="expression", formula=[formula], dxf=DifferentialStyle(font=font, fill=fill))


def _cell_is(operator: Any, font: Font, *formulas: str) -> Rule:
    return Rule(
        type="cellIs", operator=operator, formula=formulas, dxf=DifferentialStyle(font=font)
    )


def _text_rule(kind: Any, text: str, formula: str, font: Font) -> Rule:
    return Rule(
        type=kind, operator=kind, text=text, formula=[formula], dxf=DifferentialStyle(font=font)
    )


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (  # the usual: the row struck by its status column
            _expression('$E2="作废"', font=STRUCK),
            f"row 2, ref: is struck through (删除线), {BY} 'formula =$E2=\"作废\"'), "
            "as are 6 more cells of the row:",
        ),
        (  # E2 for A2 alone: F2 for B2, and so on
            _expression('"作废"=E2', font=WHITE),
            f"row 2, ref: {NOTHING}, {BY} 'formula =\"作废\"=E2'):",
        ),
        (
            _cell_is("equal", STRUCK, '"作废"'),
            f"row 2, note: is struck through (删除线), {BY} 'cell value = \"作废\"'):",
        ),
        (
            _text_rule("containsText", "作废", 'NOT(ISERROR(SEARCH("作废",A2)))', WHITE),
            f"row 2, note: {NOTHING}, {BY} 'text contains \"作废\"'):",
        ),
        (
            _text_rule("beginsWith", "作", 'LEFT(A2,LEN("作"))="作"', STRUCK),
            f"row 2, note: is struck through (删除线), {BY} 'text begins with \"作\"'):",
        ),
    ],
)
def test_a_row_a_conditional_format_strikes_or_whitens_is_refused(
    seeded: Fupin, tmp_path: Path, rule: Rule, said: str
) -> None:
    book = _allocations(tmp_path / "a.xlsx", rule)

    told = import_refused(seeded, book)

    assert f"[receive_allocation] {said} {VOIDED} {MEND}" in told
    assert "row 3" not in told
    assert "refused: 1 error(s) in 2 row(s)" in told


def test_re_tester_i_s_rule_on_every_row_refuses_every_row(seeded: Fupin, tmp_path: Path) -> None:
    rule = _expression("TRUE", font=Font(strike=True, color="FFFFFFFF"))
    book = _allocations(tmp_path / "a.xlsx", rule)

    told = import_refused(seeded, book)

    for row in (2, 3):
        assert f"row {row}, ref: is struck through (删除线), {BY} 'formula =TRUE')" in told


@pytest.mark.parametrize(
    "rule",
    [
        _expression('$E2="作废"', font=STRUCK),  # the rows' notes are other
        _expression('$E2<>"正常"', font=STRUCK),
        _expression("FALSE", font=STRUCK),
        _cell_is("lessThan", WHITE, "10"),  # text is above
        _text_rule("endsWith", "废", 'RIGHT(A2,LEN("废"))="废"', STRUCK),
        _expression("$G2>1000", font=RED),  # not judged, but red shows
        Rule(type="duplicateValues", dxf=DifferentialStyle(fill=DARK)),  # a fill shows text
        # session 30, re-tester S: blanks and errors whitened (the rows hold neither)
        Rule(type="containsBlanks", formula=["LEN(TRIM(A2))=0"], dxf=DifferentialStyle(font=WHITE)),
        Rule(type="containsErrors", formula=["ISERROR(A2)"], dxf=DifferentialStyle(font=WHITE)),
        Rule(type="containsBlanks", dxf=DifferentialStyle(font=STRUCK)),  # with no formula
    ],
)
def test_a_row_a_conditional_format_leaves_to_be_seen_is_read(
    seeded: Fupin, tmp_path: Path, rule: Rule
) -> None:
    book = _allocations(tmp_path / "a.xlsx", rule, notes=("正常", "正常"))

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


def test_text_is_compared_ignoring_the_case_of_its_letters(seeded: Fupin, tmp_path: Path) -> None:
    rule = _expression('$E2="void"', STRUCK)
    book = _allocations(tmp_path / "a.xlsx", rule, notes=("VOID", "ok"))

    told = import_refused(seeded, book)

    assert f"row 2, ref: is struck through (删除线), {BY}" in told
    assert "row 3" not in told


def test_text_is_above_any_number_as_excel_compares_them(seeded: Fupin, tmp_path: Path) -> None:
    rule = _cell_is("greaterThan", STRUCK, "1000")
    book = _allocations(tmp_path / "a.xlsx", rule, notes=("正常",))

    told = import_refused(seeded, book)

    # every cell but the amount (100.5): Excel's "greater than 1000" takes text too
    assert (
        f"row 2, ref: is struck through (删除线), {BY} 'cell value > 1000'), "
        "as are 5 more cells of the row"
    ) in told


def test_a_rule_that_stops_if_true_keeps_the_rules_after_it_off(
    seeded: Fupin, tmp_path: Path
) -> None:
    stop = _expression('$E2="正常"', font=RED)
    stop.stopIfTrue = True
    rules = (stop, _expression("TRUE", STRUCK))  # by priority, as added
    book = _allocations(tmp_path / "a.xlsx", *rules, notes=("正常", "作废"))

    told = import_refused(seeded, book)

    assert f"row 3, ref: is struck through (删除线), {BY} 'formula =TRUE')" in told
    assert "row 2" not in told


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (
            _expression('COUNTIF($E$2:$E$10,"作废")>0', font=STRUCK),
            "'formula =COUNTIF($E$2:$E$10,\"作废\")>0'",
        ),
        (_expression('$E3="作废"', font=WHITE), "'formula =$E3=\"作废\"'"),  # another row's
        (
            _cell_is("between", STRUCK, "1", "200"),
            "'cell value between 1 and 200'",
        ),
        (
            Rule(type="duplicateValues", dxf=DifferentialStyle(font=STRUCK)),
            "'rule of type duplicateValues'",
        ),
        (  # white on a white fill
            _expression("$G2>1", fill=PatternFill(bgColor="FFFFFFFF"), font=WHITE),
            "'formula =$G2>1'",
        ),
    ],
)
def test_a_rule_that_may_strike_or_hide_and_cannot_be_judged_refuses_the_sheet(
    seeded: Fupin, tmp_path: Path, rule: Rule, said: str
) -> None:
    book = _allocations(tmp_path / "a.xlsx", rule)

    told = import_refused(seeded, book)

    assert (
        f"[receive_allocation], sheet: has a conditional format (条件格式: A2:G10, {said}) "
        "that would strike through (删除线) or hide what cells hold if it applied to them (row "
        f"2's, for one), and the import cannot judge which cells it applies to: {VOIDED} "
        f"{BY_HAND}"
    ) in told
    assert "refused: 1 error(s) in 0 row(s)" in told


def test_a_rule_not_judged_on_cells_with_no_value_refuses_nothing(
    seeded: Fupin, tmp_path: Path
) -> None:
    rule = _expression('COUNTIF($E$2:$E$10,"作废")>0', font=STRUCK)
    book = _allocations(tmp_path / "a.xlsx", notes=("正常",))
    workbook = load_workbook(book)
    sheet = workbook.active
    assert sheet is not None
    sheet.conditional_formatting.add("H2:K10", rule)  # beside the rows
    workbook.save(book)

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


def test_a_white_font_on_a_rule_s_dark_fill_is_read(seeded: Fupin, tmp_path: Path) -> None:
    # re-tester I's: it was refused as a white font on no fill
    rule = _expression('$E2="正常"', fill=DARK)
    book = _allocations(tmp_path / "a.xlsx", rule, notes=("正常",), font=WHITE)

    result = seeded(f"import {book}", "qu-01")

    assert result.exit_code == 0, result.output


def test_a_white_font_on_a_dark_fill_of_a_rule_not_judged_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    rule = _expression("$G2>1", fill=DARK)  # white on a white sheet unless it applies
    book = _allocations(tmp_path / "a.xlsx", rule, notes=("正常",), font=WHITE)

    told = import_refused(seeded, book)

    assert f"row 2, ref: {NOTHING}, as are 6 more cells of the row" in told


def test_an_excel_2010_rule_that_may_strike_refuses_the_sheet(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Excel 2010 writes a rule on another sheet's cells in the sheet's extLst (x14)."""
    plain = _allocations(tmp_path / "plain.xlsx")
    ext = (
        '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.'
        'microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>'
        '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/'
        'main"><x14:cfRule type="expression" priority="1" id="{1}"><xm:f>说明!$A$1="作废"</xm:f>'
        "<x14:dxf><font><strike/></font></x14:dxf></x14:cfRule><xm:sqref>A2:G10</xm:sqref>"
        "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"
    )
    book = tmp_path / "a.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(book, "w") as target:
        for item in source.infolist():
            text = source.read(item.filename).decode()
            if item.filename == "xl/worksheets/sheet1.xml":
                text = text.replace("</worksheet>", f"{ext}</worksheet>")
            target.writestr(item, text)

    told = import_refused(seeded, book)

    assert (
        'sheet: has a conditional format (条件格式: A2:G10, \'formula =说明!$A$1="作废" '
        "(Excel 2010)') that would strike through"
    ) in told


def test_openpyxl_keeps_a_rule_s_format_where_the_import_reads_it(tmp_path: Path) -> None:
    """The pin: ``workbook._differential_styles.styles[dxfId]`` is private to openpyxl."""
    book = _allocations(tmp_path / "a.xlsx", _expression("TRUE", font=STRUCK, fill=DARK))

    workbook: Any = load_workbook(io.BytesIO(book.read_bytes()), read_only=True)

    style = workbook._differential_styles.styles[0]
    assert style.font.strike is True
    assert style.fill.bgColor.rgb == "FF003366"
