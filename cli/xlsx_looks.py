"""What an XLSX cell's font, fill and conditional formats (条件格式) let it show (``fupin import``).

Officers strike out (删除线) or whiten voided rows: a cell struck through or in a font of its
background's colour, by its style, its rich text's runs or a conditional format's rule, shows
nothing standing, and ``cli.importing`` refuses its row (``_veil``, ``_runs_veil``,
``_rule_veils``, ``_veiled``; docs/import.md). The runs of a sheet's inline rich text and its
conditional formats are gathered here as ``cli.xlsx_sheets._hidden_parts`` streams the sheet's
XML (``_InlineRuns``, ``_Formats``): openpyxl's read-only mode reads neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from cli.xlsx_number_formats import _holds

# A sheet's bounds and its columns' letters, which a conditional format's ranges are read by
# (``_cf_rules``, ``_comparison``), as ``cli.xlsx_sheets`` reads a sheet's XML by them.

#: The last row a sheet may have.
_MAX_ROW = 1_048_576


#: The last column a sheet may have (XFD).
_MAX_COLUMN = 16_384


def _column_of(reference: str) -> int:
    """The column number (1-based) of a cell reference such as ``F2`` or ``$AB$10``."""
    number = 0
    for letter in reference:
        if "A" <= letter <= "Z":
            number = number * 26 + ord(letter) - 64
        elif letter != "$":
            break
    return number


#: How a sheet's XML says yes to a flag (``hidden``, ``stopIfTrue``).
_TRUE = ("1", "true")


def _note_veil(veiled: dict[int, tuple[int, str, int]], row: int, column: int, veil: str) -> None:
    """Note in ``veiled`` a cell holding a value its font does not show (``_veil``): the row
    is named by its first such cell."""
    first, why, count = veiled.get(row, (column, veil, 0))
    if column < first:  # (a cell under a conditional format is noted once its row is read)
        first, why = column, veil
    veiled[row] = (first, why, count + 1)


#: A run of a cell's rich text holding more than spaces: whether it is struck, its colour.
_Run = tuple[bool, tuple[object, ...] | None]
#: Such a run's own font, as its text gives it: struck or not, None if it does not say (the
#: cell's); its colour (``_colour``, in a tuple), None if it gives none (the cell's).
_OwnRun = tuple[bool | None, tuple[tuple[object, ...] | None] | None]


def _worn(runs: Iterable[_OwnRun], base: _Base) -> list[_Run]:
    """A rich text's runs as they show in a cell whose own look is ``base``: what a run's
    font sets (its strikethrough, its colour) over the cell's, the rest the cell's, as Excel
    draws them (since session 30, re-tester R: a cell styled white or struck whose every run
    set its own black colour, or no strikethrough, was refused as showing nothing)."""
    struck, ink, _ = base
    return [
        (struck if strike is None else strike, ink if colour is None else colour[0])
        for strike, colour in runs
    ]


def _veil(workbook: Any, style: int) -> str:
    """Why a cell of ``style`` shows nothing an officer reads as standing: its font struck
    through (删除线), or of its background's colour (white on no fill, or on a solid fill of
    its own colour); "" if neither (since session 29, tester E: officers strike out or whiten
    voided rows, as they hide them). Colours are compared as the workbook gives them: an RGB
    or a palette index as RGB, a theme colour by its index and tint (its RGB is the theme's,
    not read), the theme's Background 1 (index 0, no tint: white in Office's themes) as
    white; automatic colours, patterns other than solid and conditional formats are not
    judged here (``_rule_veils``). A cell's rich text is judged by its runs (``_runs_veil``)."""
    struck, ink, ground = _base_look(workbook, style)
    return _runs_veil([(struck, ink)], ground)


def _base_look(workbook: Any, style: int) -> _Base:
    """A cell of ``style``'s look: its font struck through or not, its font's colour
    (``_colour``), its ground (``_ground``)."""
    try:
        font = workbook._fonts[workbook._cell_styles[style].fontId]
    except (AttributeError, IndexError, TypeError):
        return False, None, _ground(workbook, style)
    return bool(font.strike), _colour(font.color), _ground(workbook, style)


#: The colour a cell is drawn on (None if not judged), and whether a fill gives it.
_Ground = tuple[tuple[object, ...] | None, bool]
#: A cell's own look (``_base_look``).
_Base = tuple[bool, tuple[object, ...] | None, _Ground]


def _ground(workbook: Any, style: int) -> _Ground:
    """The colour a cell of ``style`` is drawn on: white with no fill (a white sheet), its
    fill's with a solid one; None if not judged (a pattern, an automatic colour)."""
    try:
        fill = workbook._fills[workbook._cell_styles[style].fillId]
    except (AttributeError, IndexError, TypeError):
        return None, True
    pattern = getattr(fill, "patternType", None)
    if pattern in (None, "none"):
        return _WHITE, False
    return (_colour(fill.fgColor) if pattern == "solid" else None), True


def _unseen(ink: tuple[object, ...] | None, ground: _Ground) -> str:
    """Why text of colour ``ink`` on ``ground`` (``_ground``) shows nothing, or ""."""
    colour, filled = ground
    if ink is None or ink != colour:
        return ""
    if not filled:
        return "is in a white font on no fill (a white sheet), which shows nothing"
    if ink == _WHITE:
        return "is in a white font on a white fill, which shows nothing"
    return "is in a font of its fill's colour, which shows nothing"


def _runs_veil(runs: Iterable[_Run], ground: _Ground) -> str:
    """Why a cell's rich text shows nothing standing: every run of it that holds more than
    spaces struck through, or of its background's colour (``_unseen``), as its ``runs``
    give them, (struck, colour) each, as they show in the cell (``_worn``); "" if a run
    shows (since session 29, re-tester I: a cell struck or whitened run by run was read)."""
    whys = {_STRUCK if struck else _unseen(ink, ground) for struck, ink in runs}
    if not whys or "" in whys:
        return ""
    return whys.pop() if len(whys) == 1 else _STRUCK_OR_UNSEEN


def _rich_runs(value: Any) -> list[_OwnRun]:
    """The runs of openpyxl's rich text (a shared string's), each run's own font as
    ``_worn`` takes it: a run without a font of its own (a plain string) is the cell's."""
    runs: list[_OwnRun] = []
    for block in value:
        text = block if isinstance(block, str) else str(getattr(block, "text", ""))
        if not text.strip():
            continue
        font = getattr(block, "font", None)
        strike = None if font is None or font.strike is None else bool(font.strike)
        colour = None if font is None or font.color is None else (_colour(font.color),)
        runs.append((strike, colour))
    return runs


_STRUCK = "is struck through (删除线)"
_MEND_BOTH = "clear the strikethrough and give its text a colour"
_STRUCK_OR_UNSEEN = (
    "is struck through (删除线) in part of its text and in a font of its background's colour "
    "in the rest, which shows nothing standing"
)
#: White, as ``_colour`` gives it.
_WHITE = ("rgb", "FFFFFF")


def _colour(color: Any) -> tuple[object, ...] | None:
    """A font's or fill's colour as ``_veil`` compares it, or None if not judged."""
    kind = getattr(color, "type", None)  # rgb, indexed, theme or auto (each one's value)
    if kind == "rgb" and isinstance(color.rgb, str):
        return ("rgb", color.rgb[-6:].upper())
    if kind == "indexed" and isinstance(color.indexed, int):
        return _indexed(color.indexed)
    if kind == "theme" and isinstance(color.theme, int):
        return _themed(color.theme, float(color.tint or 0))
    return None


def _xml_colour(attributes: dict[str, str]) -> tuple[object, ...] | None:
    """A ``<color>`` element's colour (its attributes) as ``_colour`` gives it."""
    try:
        if "rgb" in attributes:
            return ("rgb", attributes["rgb"][-6:].upper())
        if "indexed" in attributes:
            return _indexed(int(attributes["indexed"]))
        if "theme" in attributes:
            return _themed(int(attributes["theme"]), float(attributes.get("tint", 0)))
    except ValueError:
        return None
    return None


def _indexed(index: int) -> tuple[object, ...] | None:
    from openpyxl.styles.colors import COLOR_INDEX

    return ("rgb", COLOR_INDEX[index][-6:].upper()) if 0 <= index < len(COLOR_INDEX) else None


def _themed(theme: int, tint: float) -> tuple[object, ...]:
    tint = round(tint, 6)
    return _WHITE if (theme, tint) == (0, 0) else ("theme", theme, tint)


@dataclass(frozen=True)
class _CfRule:
    """A conditional format's rule (条件格式), as a sheet's XML gives it (``_cf_rules``)."""

    sqref: str  # its ranges, as written: ``A2:S100``, or several
    ranges: tuple[tuple[int, int, int, int], ...]  # (first row, last row, first col, last col)
    kind: str  # its type: cellIs, expression, containsText, …
    operator: str
    text: str
    formulas: tuple[str, ...]
    priority: int
    stop: bool  # stopIfTrue
    dxf: int | None  # the workbook's format it gives (dxfId)
    own: Any = None  # an Excel 2010 rule's own format (openpyxl's DifferentialStyle)
    x14: bool = False  # an Excel 2010 rule (in the sheet's extLst): never judged

    def on(self, row: int, column: int = 0) -> bool:
        """Whether the rule covers row ``row`` (and its cell in ``column``, if given)."""
        return any(a <= row <= b and (not column or c <= column <= d) for a, b, c, d in self.ranges)

    def said(self) -> str:
        """The rule as a refusal names it: ``A2:S100, 'cell value = "作废"'``."""
        if self.kind == "cellIs":
            what = f"cell value {_CELL_IS_TESTS.get(self.operator, self.operator)} "
            what += " and ".join(self.formulas)
        elif self.kind in _TEXT_RULES:
            what = f'text {_TEXT_RULES[self.kind]} "{self.text}"'
        elif self.kind in _CELL_RULES:
            what = f"cells with {_CELL_RULES[self.kind]}"
        elif self.kind == "expression" and self.formulas:
            what = f"formula ={self.formulas[0]}"
        else:
            what = f"rule of type {self.kind}"
        return f"{self.sqref}, {what + (' (Excel 2010)' if self.x14 else '')!r}"


_TEXT_RULES = {
    "containsText": "contains",
    "notContainsText": "does not contain",
    "beginsWith": "begins with",
    "endsWith": "ends with",
}

#: The rules on whether a cell is blank or holds an error, as Excel's dialog names them
#: (只为包含以下内容的单元格设置格式: 空值, 无空值, 错误, 无错误).
_CELL_RULES = {
    "containsBlanks": "blanks",
    "notContainsBlanks": "no blanks",
    "containsErrors": "errors",
    "notContainsErrors": "no errors",
}


def _cf_rules(element: Element, x14: bool) -> list[_CfRule]:
    """The rules of a ``<conditionalFormatting>`` (as ``_Formats`` builds it, its tags without
    a prefix): its ranges (``sqref``; Excel 2010's in an ``<xm:sqref>``) and each ``<cfRule>``,
    an Excel 2010 rule with its own format (``<x14:dxf>``) as openpyxl reads a workbook's. A
    whole column or row (``A:A``, ``2:2``) is the sheet's height or width of it. What cannot
    be read (a range, a number) makes the workbook unreadable, as a damaged one is."""
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.utils.cell import range_boundaries

    sqref = " ".join((element.get("sqref") or element.findtext("sqref") or "").split())
    ranges = []
    for ref in sqref.split():
        first_column, first_row, last_column, last_row = range_boundaries(ref)
        ranges.append(
            (first_row or 1, last_row or _MAX_ROW, first_column or 1, last_column or _MAX_COLUMN)
        )
    rules = []
    for node in element.iter("cfRule"):
        dxf = node.get("dxfId")
        own: Any = node.find("dxf")  # (openpyxl's stubs take no ElementTree element)
        formulas = [f.text or "" for f in node if f.tag in ("formula", "f")]
        rules.append(
            _CfRule(
                sqref,
                tuple(ranges),
                node.get("type", ""),
                node.get("operator", ""),
                node.get("text", ""),
                tuple(formula.strip().removeprefix("=") for formula in formulas),
                int(node.get("priority", "0")),
                node.get("stopIfTrue", "").lower() in _TRUE,
                int(dxf) if dxf else None,
                DifferentialStyle.from_tree(own) if own is not None else None,
                x14,
            )
        )
    return rules


@dataclass(frozen=True)
class _Look:
    """What a rule's format sets of a cell's look (``_look``), None if not that: struck
    through or not; its font's colour (``_colour``, None if not judged); its ground
    (``_Ground``)."""

    strike: bool | None = None
    ink: tuple[tuple[object, ...] | None] | None = None  # (the colour,), if set
    ground: _Ground | None = None


def _look(style: Any) -> _Look:
    """What a rule's format (openpyxl's DifferentialStyle, or None) sets (``_Look``)."""
    font, fill = getattr(style, "font", None), getattr(style, "fill", None)
    return _Look(
        None if font is None or font.strike is None else bool(font.strike),
        None if font is None or font.color is None else (_colour(font.color),),
        None if fill is None else _rule_ground(fill),
    )


def _rule_ground(fill: Any) -> _Ground | None:
    """The ground a rule's fill draws a cell on (``_ground``), None if it sets none: a solid
    fill, or one without a pattern as Excel writes a rule's, of its background colour
    (bgColor, which Excel draws a rule's in), or of its foreground colour if it gives that
    alone (two that differ: not judged); none, no fill (a white sheet); another pattern or a
    gradient, a fill not judged."""
    pattern = getattr(fill, "patternType", "gradient")
    if pattern == "none":
        return _WHITE, False
    if pattern not in (None, "solid"):
        return None, True
    given = {_colour(c) for c in (fill.bgColor, fill.fgColor) if c and c.rgb != _NO_COLOUR}
    if not given:
        return None if pattern is None else (None, True)
    return (given.pop() if len(given) == 1 else None), True


#: The colour openpyxl gives a fill's colour that a format does not give.
_NO_COLOUR = "00000000"


def _rule_looks(workbook: Any, rules: Iterable[_CfRule]) -> list[tuple[_CfRule, _Look]]:
    """The rules that set something of a cell's look (``_Look``), by priority, as Excel
    applies them, each with what it sets: a rule's format is the workbook's it names (its
    dxfId; openpyxl keeps them as ``workbook._differential_styles``, a test pins it), or an
    Excel 2010 rule's own (a dxfId the workbook has not makes it unreadable, as a damaged
    one is). Data bars, colour scales and icon sets set none of it."""
    styles = workbook._differential_styles.styles
    looks = []
    for rule in sorted(rules, key=lambda rule: rule.priority):
        look = _look(rule.own if rule.x14 or rule.dxf is None else styles[rule.dxf])
        if look != _Look():
            looks.append((rule, look))
    return looks


def _rule_veils(
    rules: list[tuple[_CfRule, _Look]],
    row: Any,
    ruled: list[tuple[int, _Base, Iterable[_Run] | None]],
    number: int,
    veiled: dict[int, tuple[int, str, int]],
    unjudged: list[str],
) -> None:
    """Judge the cells of row ``number`` (``row``: openpyxl's) under conditional formats
    (``ruled``: column, own look, rich text's runs, if judged) by the rules on the row
    (``rules``), each applying or not as ``_applies`` judges on the row's values: note in
    ``veiled`` a cell that shows nothing standing with the rules that apply
    (``_ruled_veil``); and in ``unjudged``, a rule not judged that would hide a cell that
    shows, applying alone or with the other rules not judged (since session 29, re-tester I:
    a row struck through by a rule on its status column was imported). A cell hidden unless
    such a rule applies refuses its row as the rules judged (or its own font) hide it."""
    cells = [_raw_value(cell) for cell in row]
    for column, base, runs in ruled:
        on = [(rule, look) for rule, look in rules if rule.on(number, column)]
        states = [_applies(rule, cells, number, column) for rule, _ in on]
        why = _ruled_veil(on, [state is True for state in states], base, runs)
        if why:
            _note_veil(veiled, number, column, why)
            continue
        if unjudged:  # (the sheet is refused)
            continue
        unknown = [i for i, state in enumerate(states) if state is None]
        for chosen in [[i] for i in unknown] + ([unknown] if len(unknown) > 1 else []):
            applied = [state is True or i in chosen for i, state in enumerate(states)]
            if _ruled_veil(on, applied, base, runs):
                unjudged.append(_unjudged(on[chosen[0]][0], number))
                break


def _raw_value(cell: Any) -> Any:
    """An openpyxl cell's value as conditional formats are judged on it: rich text as its
    text, an error value (``#N/A``, of type ``e``) as a ``_SheetError``."""
    value = cell.value
    if isinstance(value, list):
        return str(value)
    if isinstance(value, str) and getattr(cell, "data_type", None) == "e":
        return _SheetError(value)
    return value


class _SheetError(str):
    """A cell's error value (``#N/A``: a cell of type ``e``; text reading ``#N/A`` is none)."""


def _ruled_veil(
    looks: list[tuple[_CfRule, _Look]],
    applied: list[bool],
    base: _Base,
    runs: Iterable[_Run] | None,
) -> str:
    """Why a cell shows nothing standing (``_runs_veil``) with the rules that apply
    (``applied``, of ``looks`` by priority) changing its look as Excel does: the first that
    sets a thing wins it, and none after one with "stop if true"; a rule's font over a rich
    text's runs' own. ``base``: the cell's own strikethrough, font colour and ground; ``runs``:
    its rich text's, if judged. "" if it shows."""
    strike: tuple[bool, _CfRule] | None = None
    ink: tuple[tuple[object, ...] | None, _CfRule] | None = None
    ground: tuple[_Ground, _CfRule] | None = None
    for (rule, look), applies in zip(looks, applied, strict=True):
        if not applies:
            continue
        if strike is None and look.strike is not None:
            strike = look.strike, rule
        if ink is None and look.ink is not None:
            ink = look.ink[0], rule
        if ground is None and look.ground is not None:
            ground = look.ground, rule
        if rule.stop:
            break
    struck, colour, below = base
    shown = [(struck, colour)] if runs is None else runs
    changed = [(strike[0] if strike else s, ink[0] if ink else c) for s, c in shown]
    why = _runs_veil(changed, ground[0] if ground else below)
    struck_by = strike[1] if strike and strike[0] else None
    whitened_by = ink[1] if ink else ground[1] if ground else None
    by = struck_by if why == _STRUCK else whitened_by if why else None
    if why == _STRUCK_OR_UNSEEN:
        by = struck_by or whitened_by
    return f"{why}{_BY_RULE}{by.said()})" if by else why


#: How a refusal says a conditional format hides a cell (``_ruled_veil``, ``_veiled``).
_BY_RULE = ", by a conditional format (条件格式: "


def _unjudged(rule: _CfRule, row: int) -> str:
    """The refusal of a sheet for ``rule``, which the import cannot judge, hiding a cell of
    row ``row`` if it applies."""
    return (
        f"has a conditional format (条件格式: {rule.said()}) that would strike through "
        f"(删除线) or hide what cells hold if it applied to them (row {row}'s, for one), and "
        f"the import cannot judge which cells it applies to: {_VOIDED}: remove the conditional "
        "format (开始 > 条件格式 > 管理规则), and strike out or delete voided rows by hand"
    )


def _applies(rule: _CfRule, cells: list[Any], row: int, column: int) -> bool | None:
    """Whether ``rule`` applies to the cell at (``row``, ``column``) of a row of raw values
    ``cells``, judged exactly, or None if it cannot be: cellIs against a constant (but
    between); containsText, notContainsText, beginsWith, endsWith, and the blanks and errors
    rules (``_cell_rule``) as Excel writes them; an
    expression that is TRUE, FALSE, a number, or a cell of the row (a reference relative to
    the rule's range's top-left cell) compared to a constant by = or <>. Text is compared as
    Excel does, ignoring the case of ASCII letters; text with other letters of two cases, or
    text against text by order, is not judged."""
    if rule.x14 or not rule.ranges:
        return None
    value = _raw(cells, column)
    if rule.kind == "cellIs":
        test = _CELL_IS_TESTS.get(rule.operator, "")
        bound = _constant(rule.formulas[0]) if len(rule.formulas) == 1 else _NOT_CONSTANT
        sign = None if not test or bound is _NOT_CONSTANT else _order(value, bound)
        if sign is None or (sign == _UNORDERED and test not in ("=", "<>")):
            return None
        return _holds(sign, test, 0)
    if rule.kind in _TEXT_RULES:
        return _text_rule(rule, value)
    if rule.kind in _CELL_RULES:
        return _cell_rule(rule, value)
    if rule.kind == "expression" and len(rule.formulas) == 1:
        return _expression(rule, cells, row, column)
    return None


def _raw(cells: list[Any], column: int) -> Any:
    return cells[column - 1] if 0 < column <= len(cells) else None


_NOT_CONSTANT = object()
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _constant(formula: str) -> Any:
    """A formula that is a constant: text (``"作废"``) or a number; else ``_NOT_CONSTANT``."""
    formula = formula.strip()
    if len(formula) >= 2 and formula[0] == formula[-1] == '"':
        inner = formula[1:-1]
        if '"' in inner.replace('""', ""):
            return _NOT_CONSTANT
        return inner.replace('""', '"')
    if _NUMBER.fullmatch(formula):
        return float(formula)
    return _NOT_CONSTANT


#: The cellIs operators judged, as ``_holds`` takes them.
_CELL_IS_TESTS = {
    "equal": "=",
    "notEqual": "<>",
    "greaterThan": ">",
    "lessThan": "<",
    "greaterThanOrEqual": ">=",
    "lessThanOrEqual": "<=",
}


def _order(value: Any, bound: Any) -> int | None:
    """-1, 0 or 1 as Excel orders ``value`` (a cell's) against ``bound`` (a number or text):
    an empty cell as 0 against a number and as "" against text; a number below any text and
    TRUE/FALSE above both; text against text only as equal (0) or not (``_UNORDERED``),
    ignoring ASCII case; None if not judged (a date against a number, an error)."""
    if value is None or value == "":
        value = 0.0 if isinstance(bound, float) else ""
    if isinstance(value, bool):  # TRUE and FALSE are above any number and text
        return 1 if isinstance(bound, str | float) else None
    if isinstance(value, datetime | time) and isinstance(bound, str):
        return -1  # a date is a number to Excel
    if not isinstance(value, int | float | str):
        return None
    if isinstance(value, str) and isinstance(bound, str):
        left, right = _folded(value), _folded(bound)
        if left is None or right is None:
            return None
        return 0 if left == right else _UNORDERED
    if isinstance(value, str) != isinstance(bound, str):
        return 1 if isinstance(value, str) else -1
    return int(value > bound) - int(value < bound)


#: Text that differs from another, in an order not judged: equal tests only.
_UNORDERED = 2


@lru_cache(maxsize=4096)
def _folded(text: str) -> str | None:
    """``text`` with ASCII letters in lower case, as Excel compares text; None if it holds
    another letter that has two cases (how Excel folds those is not judged)."""
    if not text.isascii() and any(c.lower() != c.upper() for c in text if not c.isascii()):
        return None
    return text.lower()


def _text_rule(rule: _CfRule, value: Any) -> bool | None:
    """A text rule as Excel writes it, judged by its ``text``: its formula, if it has one,
    must be the one Excel writes for it on the range's top-left cell."""
    text = rule.text
    if any(c in text for c in "*?~"):
        return None
    if rule.formulas and not _as_written(rule.kind, text, rule.formulas[0], rule.ranges[0]):
        return None
    if isinstance(value, bool):
        value = str(value).upper()
    elif isinstance(value, int | float) and float(value).is_integer() and abs(value) < 1e15:
        value = str(int(value))  # as Excel's SEARCH reads a whole number
    elif isinstance(value, float | datetime | time):  # a number: its digits alone
        if any(c in text for c in "0123456789.+-Ee"):
            return None
        value = "0"  # (it holds none of ``text``'s characters, as no number's text does)
    elif not isinstance(value, str | type(None)):
        return None
    cell, wanted = _folded(value or ""), _folded(text)
    if cell is None or wanted is None:
        return None
    return {
        "containsText": wanted in cell,
        "notContainsText": wanted not in cell,
        "beginsWith": cell.startswith(wanted),
        "endsWith": cell.endswith(wanted),
    }[rule.kind]


def _cell_rule(rule: _CfRule, value: Any) -> bool | None:
    """A blanks or errors rule (``_CELL_RULES``) as Excel writes it (its formula, if it has
    one, the one Excel writes on the range's top-left cell), as Excel's formula for it judges
    the cell (since session 30, re-tester S: such a rule refused the whole sheet): blank, a
    cell with no value or text of spaces alone (TRIM's: " "); an error, a value of type
    ``e`` (``_SheetError``). A blanks rule on an error is not judged (its formula fails)."""
    if rule.formulas and not _as_written(rule.kind, "", rule.formulas[0], rule.ranges[0]):
        return None
    error = isinstance(value, _SheetError)
    if rule.kind in ("containsErrors", "notContainsErrors"):
        return error == (rule.kind == "containsErrors")
    if error:
        return None
    blank = value is None or (isinstance(value, str) and not value.strip(" "))
    return blank == (rule.kind == "containsBlanks")


@lru_cache(maxsize=256)
def _as_written(kind: str, text: str, formula: str, at: tuple[int, int, int, int]) -> bool:
    """Whether a text rule's ``formula`` (or a blanks or errors rule's: ``text`` "") is the one
    Excel writes for it on the top-left cell of its range (``at``)."""
    from openpyxl.utils.cell import get_column_letter

    top = f"{get_column_letter(at[2])}{at[0]}"
    quoted = '"' + text.replace('"', '""') + '"'
    written = {
        "containsText": f"NOT(ISERROR(SEARCH({quoted},{top})))",
        "notContainsText": f"ISERROR(SEARCH({quoted},{top}))",
        "beginsWith": f"LEFT({top},LEN({quoted}))={quoted}",
        "endsWith": f"RIGHT({top},LEN({quoted}))={quoted}",
        "containsBlanks": f"LEN(TRIM({top}))=0",
        "notContainsBlanks": f"LEN(TRIM({top}))>0",
        "containsErrors": f"ISERROR({top})",
        "notContainsErrors": f"NOT(ISERROR({top}))",
    }[kind]
    return formula.replace(" ", "") == written.replace(" ", "")


_REFERENCE = r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})"
_COMPARISON = re.compile(rf"\s*{_REFERENCE}\s*(=|<>)\s*(.+?)\s*")
_COMPARED = re.compile(rf"\s*(.+?)\s*(=|<>)\s*{_REFERENCE}\s*")


def _expression(rule: _CfRule, cells: list[Any], row: int, column: int) -> bool | None:
    """An expression rule of the forms judged (``_applies``) at (``row``, ``column``)."""
    parsed = _comparison(rule.formulas[0])
    if parsed is None or isinstance(parsed, bool):
        return parsed
    test, bound, fixed_column, at_column, fixed_row, at_row = parsed
    first_row, _, first_column, _ = rule.ranges[0]
    at_row += 0 if fixed_row else row - first_row
    at_column += 0 if fixed_column else column - first_column
    if at_row != row or at_column < 1:
        return None  # another row's cell: not judged
    sign = _order(_raw(cells, at_column), bound)
    return None if sign is None else _holds(sign, test, 0)


@lru_cache(maxsize=256)
def _comparison(formula: str) -> bool | tuple[str, Any, bool, int, bool, int] | None:
    """An expression rule's formula as ``_expression`` judges it: TRUE, FALSE or a number,
    whether it applies; a cell compared to a constant, the comparison (= or <>), the
    constant, and the cell's column and row, each with whether it is fixed ($); else None."""
    formula = formula.strip()
    if formula.upper() in ("TRUE", "FALSE"):
        return formula.upper() == "TRUE"
    if isinstance(number := _constant(formula), float):
        return number != 0
    found = _COMPARISON.fullmatch(formula)
    if found:
        fixed_column, letters, fixed_row, digits, test, other = found.groups()
    elif found := _COMPARED.fullmatch(formula):
        other, test, fixed_column, letters, fixed_row, digits = found.groups()
    else:
        return None
    bound = _constant(other)
    if bound is _NOT_CONSTANT:
        return None
    column = _column_of(letters.upper())
    return test, bound, bool(fixed_column), column, bool(fixed_row), int(digits)


def _veiled(why: str, count: int) -> str:
    """The refusal of a row whose cells (``count`` of them) ``why`` keeps out of sight."""
    others = "is 1 more cell" if count == 2 else f"are {count - 1} more cells"
    more = f", as {others} of the row" if count > 1 else ""
    mend = {_STRUCK: "clear the strikethrough", _STRUCK_OR_UNSEEN: _MEND_BOTH}.get(
        why, "give its text a colour"
    )
    if _BY_RULE in why:
        mend = "change what its rule tests, or remove the rule (开始 > 条件格式 > 管理规则)"
    return f"{why}{more}: {_VOIDED}: delete the row, or, if it stands, {mend}"


_VOIDED = (
    "officers strike out or whiten voided rows, and an import must not record what the sheet "
    "does not show"
)


class _Formats:
    """A sheet's conditional formats (``_CfRule``), as ``_hidden_parts`` streams its XML: each
    ``<conditionalFormatting>`` built as an element tree for ``_cf_rules`` (openpyxl's
    read-only mode reads none). They follow the cells (``<sheetData>``), and the handlers of
    an element's end and of text are set only inside one, so they cost the cells nothing."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.rules: list[_CfRule] = []
        self.builder = TreeBuilder()
        self.depth = 0  # the elements open in one, itself included
        self.x14 = False

    def open(self, tag: str, attributes: dict[str, str], x14: bool) -> None:
        self.builder, self.x14 = TreeBuilder(), x14
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.builder.data
        self.start(tag, attributes)

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        self.builder.start(tag, attributes)

    def end(self, name: str) -> None:
        self.builder.end(name.rsplit(":", 1)[-1])
        self.depth -= 1
        if not self.depth:
            self.rules += _cf_rules(self.builder.close(), self.x14)
            self.parser.EndElementHandler = self.parser.CharacterDataHandler = None


class _InlineRuns:
    """The runs of a sheet's inline rich text (``<is><r><rPr>…</rPr><t>…</t></r></is>``), by
    (row, column), as ``_hidden_parts`` streams the sheet's XML: each run holding more than
    spaces, its own strikethrough and colour (``_OwnRun``: a run without a font of its own
    is the cell's); a cell with none is not kept. Its handlers of an element's end and of text are
    set only inside an ``<is>``, so the rest of a sheet costs them nothing."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.found: dict[tuple[int, int], tuple[_OwnRun, ...]] = {}
        self.reading = False
        self.at = (0, 0)
        self.runs: list[_OwnRun] = []
        self.phonetic = False  # in a phonetic run (rPh), which is not the cell's text
        self.run: tuple[list[str], dict[str, Any]] | None = None  # its text, its font

    def open(self, at: tuple[int, int]) -> None:
        self.reading, self.at, self.runs, self.phonetic = True, at, [], False
        self.parser.EndElementHandler = self.end

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "rPh":
            self.phonetic = True
        elif self.phonetic:
            return
        elif tag == "r":
            self.run = ([], {})
        elif self.run is None:
            return
        elif tag == "strike":
            self.run[1]["strike"] = attributes.get("val", "1").lower() in ("1", "true", "on")
        elif tag == "color":
            self.run[1]["colour"] = _xml_colour(attributes)
        elif tag == "t":
            self.parser.CharacterDataHandler = self.run[0].append

    def end(self, name: str) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "t":
            self.parser.CharacterDataHandler = None
        elif tag == "rPh":
            self.phonetic = False
        elif tag == "r" and self.run is not None and not self.phonetic:
            text, font = self.run
            self.run = None
            if not "".join(text).strip():
                return
            colour = (font["colour"],) if "colour" in font else None
            self.runs.append((font.get("strike"), colour))
        elif tag == "is":
            self.reading = False
            self.parser.EndElementHandler = None
            if self.runs:
                self.found[self.at] = tuple(self.runs)
