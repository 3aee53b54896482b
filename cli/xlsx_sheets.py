"""The workbook reader of ``fupin import``: an XLSX file's sheets and their cells' values, with
what each sheet hides that openpyxl's read-only mode does not say (docs/import.md).

``_xlsx_sheets`` yields each sheet's title, whether it is hidden, what it hides (``_Hidden``)
and its cells' values. ``_hidden_parts`` streams a sheet's XML for its hidden or zero-wide
rows and columns, formulas saved without a value, merged ranges, inline rich text and
conditional formats, and stops at what no spreadsheet writes (``_Unsaved``); ``_values``
reads its cells through openpyxl, marking a cell whose number format shows other than it
holds (``cli.xlsx_number_formats``) and noting the cells a font or a conditional format
veils (``cli.xlsx_looks``). ``cli.importing.read_xlsx`` makes rows and refusals of them;
``_unreadable_xlsx`` says why a file is no workbook it can read.
"""

from __future__ import annotations

import io
import math
import re
import warnings
import zipfile
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache, partial
from typing import IO, Any
from xml.parsers import expat

from cli.xlsx_looks import (
    _MAX_COLUMN,
    _MAX_ROW,
    _TRUE,
    _Base,
    _base_look,
    _CfRule,
    _column_of,
    _Formats,
    _InlineRuns,
    _note_veil,
    _OwnRun,
    _rich_runs,
    _rule_looks,
    _rule_veils,
    _Run,
    _runs_veil,
    _veil,
    _worn,
)
from cli.xlsx_number_formats import (
    _CHINESE_DATES,
    _HiddenText,
    _part_date,
    _PartDate,
    _refused,
    _shown_rule,
    _ShownOtherwise,
    _word_beside,
    _yes_no_rule,
    hidden_date_part,
    hidden_text,
    shown_otherwise,
)


class _Unsaved(Exception):
    """What a sheet's XML holds that no spreadsheet writes, found at row ``row``: a row past
    the last a sheet may have (since session 26, before which it was read: a row beyond
    Excel's last applied, and a row numbered 20,000,000 took 1.6 GB of memory); and (since
    session 26) a row numbered at or below one before it, a cell whose reference names
    another row, or a column at or left of one before it in its row, which openpyxl's
    reader skips or overwrites without a word (tester K, session 26: rows written 1, 3, 2,
    4 lost row 2's amount, exit 0)."""

    def __init__(self, row: int, field: str, rule: str) -> None:
        self.row, self.field, self.rule = row, field, rule


def _past_last(number: int) -> _Unsaved:
    return _Unsaved(
        number,
        "row number",
        f"is past the last row a sheet may have ({_MAX_ROW:,}, as in Excel and WPS)",
    )


#: The most bytes Excel's lock file ``~$NAME.xlsx`` holds (165: the user's name, padded).
_LOCK_FILE_MOST = 4096


def _unreadable_xlsx(data: bytes, exc: Exception, filename: str = "") -> str:
    """Why a workbook cannot be read, by what the file is (since session 21, before which
    every one was "truncated"): Excel's lock file of a workbook open in it (``~$台账.xlsx``,
    which ``*.xlsx`` picks up; since session 34, tester c: said truncated, as if the
    officer's workbook were damaged), an OLE file (an old .xls, WPS's .et, or any workbook
    saved with a password, which Excel encrypts into one), text (a CSV file named .xlsx), or
    a zip archive cut short or damaged."""
    if filename.startswith("~$") and not data.startswith(b"PK") and len(data) <= _LOCK_FILE_MOST:
        return (
            f"is the lock file Excel or WPS keeps while {filename[2:]} is open in it, not a "
            "workbook: leave it out (close the workbook and it goes)"
        )
    if data.startswith(_OLE_MAGIC):
        return (
            "is not an XLSX workbook but an OLE file: an Excel 97-2003 .xls, a WPS .et, or a "
            "workbook saved with a password; save it in Excel or WPS as 'Excel 工作簿 (*.xlsx)' "
            "without a password"
        )
    if not data.startswith(b"PK") and _is_text(data[:4096]):
        return (
            "is text, not an XLSX workbook (a CSV file named .xlsx?): name it .csv if it is "
            "one, or save it in Excel or WPS as 'Excel 工作簿 (*.xlsx)'"
        )
    reason = "truncated" if isinstance(exc, zipfile.BadZipFile | EOFError) else "damaged"
    return f"is not a readable XLSX workbook ({reason})"


#: How every OLE compound file begins (an .xls, an .et, an encrypted .xlsx).
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _is_text(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) is text: UTF-16 with its mark, or UTF-8 or
    GBK with no control character but line ends and tabs (a character cut at the end is
    fine)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 3:
                continue
            text = head[: exc.start].decode(encoding)
        return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)
    return False


@dataclass(frozen=True)
class _Hidden:
    """What a sheet hides: rows and columns, by number (1-based); and, by row, the columns
    of its formula cells that may hold no saved value (read as empty if they hold none)."""

    rows: frozenset[int] = frozenset()
    columns: frozenset[int] = frozenset()
    formulas: dict[int, list[int]] = field(default_factory=dict)  # row -> its columns
    #: Merged ranges, by each column they span: (first row, last row, ``D2:D5``), by first row.
    merged: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)
    #: Rows holding a value the sheet does not show by its font (struck through, or of its
    #: background's colour: ``_veil``): the first such cell's column, why, and how many.
    veiled: dict[int, tuple[int, str, int]] = field(default_factory=dict)
    #: The runs (``_OwnRun``) of each cell's inline rich text (``<is><r>``), by (row, column):
    #: openpyxl's read-only mode reads such text without its fonts.
    rich: dict[tuple[int, int], tuple[_OwnRun, ...]] = field(default_factory=dict)
    #: Its conditional formats' rules (条件格式, ``_CfRule``).
    rules: tuple[_CfRule, ...] = ()
    #: Why the sheet is refused for a conditional format the import cannot judge that may
    #: strike through or hide cells it covers (``_rule_veils``), or "".
    unjudged: str = ""
    #: The first thing the XML holds that no spreadsheet writes (a row past the sheet's last,
    #: ``_MAX_ROW``; rows out of order), if any: the sheet is refused, and read no further.
    unsaved: _Unsaved | None = None
    #: Cells whose formula calls a volatile function (``TODAY()``, ``NOW()``, ``RAND()``…), by
    #: row, then column: the formula's text. Its saved value is what the function gave when
    #: the workbook was last calculated, not a value fixed when the row was typed (since
    #: session 37, session 36's tester i F7: a 生效日期 of ``=TODAY()`` was recorded as the day
    #: the workbook was last saved). A formula that only refers to such a cell (``=C2+1``) is
    #: not found: the reader does not follow references.
    volatile: dict[int, dict[int, str]] = field(default_factory=dict)

    def merge_over(self, row: int, column: int) -> str | None:
        """The merged range whose top-left cell is not (``row``, ``column``) but that covers
        it (``D2:D5``): such a cell holds no value of its own, whatever the sheet shows."""
        spans = self.merged.get(column)
        if not spans:
            return None
        at = bisect_right(spans, (row, _MAX_ROW + 1)) - 1  # merges never overlap
        if at < 0:
            return None
        first, last, ref = spans[at]
        top_left = first == row and _column_of(ref) == column
        return ref if first <= row <= last and not top_left else None


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, bool, _Hidden, list[list[Any]]]]:
    """Each sheet: its title, whether it is hidden, the rows and columns it hides (by hand or
    by a filter), and its cells' values (cached formula results).

    The size a workbook states for a sheet is not trusted: some programs write a wrong one,
    and openpyxl's read-only mode stops there (rows beyond it were lost without a word).
    Each sheet's XML is read for what it hides before openpyxl opens the workbook, which
    reads every sheet's rows once to size it, keeping each: a sheet naming a row past the
    last (``_MAX_ROW``) is refused then, alone, and the workbook not opened (tester H,
    session 26: 5,000,000 ``<row/>`` in a 45 KB file took 537 MB)."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():  # openpyxl's warnings are no officer's business
        warnings.simplefilter("ignore")
        # but for the one that says which number a date cell held past the last date: openpyxl
        # reads such a cell as the error #VALUE!, which the sheet never held (``_DateOverflow``)
        warnings.filterwarnings("always", _OVERFLOW_WARNING.pattern)
        overflowed: dict[str, str] = {}
        warnings.showwarning = partial(_note_overflow, overflowed)
        parts = _sheet_parts(data)
        past = [(title, found) for title, found in parts.values() if found.unsaved]
        if past:
            for title, found in past:
                yield title, False, found, []
            return
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, rich_text=True)
        concealed = {path: found for path, (_, found) in parts.items()}
        yield from _sheets_of(workbook, concealed, overflowed)


#: openpyxl's warning of a date cell holding a number past the last date (9999-12-31) or
#: before the first: the cell's reference and the number.
_OVERFLOW_WARNING = re.compile(
    r"Cell (?P<cell>[A-Z]+[0-9]+) is marked as a date but the serial value (?P<number>\S+) is "
    "outside the limits for dates"
)
#: Date cells past the last date noted in one sheet (a sheet of them is refused long before).
_OVERFLOWS_KEPT = 10_000


class _DateOverflow(str):
    """A date cell holding a number no date is (``20160801`` typed into a date-formatted cell:
    Excel shows ``########``), which openpyxl reads as the error ``#VALUE!``: the number it
    holds (since session 37, session 36's tester i F4: the row was told to "mend its formula",
    of a cell with no formula)."""

    number: int | float


def _overflowed(cell: Any, overflowed: dict[str, str], value: str) -> str:
    """``value`` (``#VALUE!``) as the number its date cell held, if openpyxl said so."""
    number = overflowed.get(str(getattr(cell, "coordinate", "")))
    if number is None:
        return value
    held = _DateOverflow(value)
    held.number = float(number)
    if held.number.is_integer():
        held.number = int(held.number)
    return held


def _note_overflow(overflowed: dict[str, str], message: Any, *_: Any, **__: Any) -> None:
    """``warnings.showwarning`` while a workbook is read: note a date cell past the last date."""
    found = _OVERFLOW_WARNING.match(str(message))
    if found is not None and len(overflowed) < _OVERFLOWS_KEPT:
        overflowed[found["cell"]] = found["number"]


def _sheet_parts(data: bytes) -> dict[str, tuple[str, _Hidden]]:
    """Each worksheet's part in the archive: its title and what it hides (``_hidden_parts``),
    found as openpyxl finds them (``ExcelReader.read_worksheets``)."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(io.BytesIO(data), read_only=True)
    try:
        reader.read_manifest()
        reader.read_workbook()
        found = {}
        for sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                with reader.archive.open(rel.target) as xml:
                    found[rel.target] = (str(sheet.name), _hidden_parts(xml))
        return found
    finally:
        reader.archive.close()


def _sheets_of(
    workbook: Any, parts: dict[str, _Hidden], overflowed: dict[str, str]
) -> Iterator[tuple[str, bool, _Hidden, list[list[Any]]]]:
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            hidden = sheet.sheet_state != "visible"
            concealed = parts.get(sheet._worksheet_path, _Hidden())
            veiled: dict[int, tuple[int, str, int]] = {}
            unjudged: list[str] = []
            overflowed.clear()
            table = _values(workbook, sheet, concealed, veiled, unjudged, overflowed)
            found = replace(concealed, veiled=veiled, unjudged="".join(unjudged[:1]))
            yield sheet.title, hidden, found, table
    finally:
        workbook.close()


def _values(
    workbook: Any,
    sheet: Any,
    concealed: _Hidden,
    veiled: dict[int, tuple[int, str, int]],
    unjudged: list[str],
    overflowed: dict[str, str],
) -> list[list[Any]]:
    """The sheet's cell values, a date cell in one of Chinese Excel's own date formats as the
    date it shows. Those formats (``2018年3月6日`` and the like, built-in ids 27-31, 36 and
    50-54, 57, 58) are the locale's, not in openpyxl's table, so it reads such a cell as the number
    Excel keeps (43165): the date the officer sees is what is read.

    openpyxl yields an empty row for each row number the XML skips (``<row r="1000000"/>``
    after row 3: a million), and for each ``<row/>`` with no cell: an empty row after the
    first is kept as the one shared ``_NO_CELLS``, and trailing ones not at all, unless a
    formula with no saved value is there (``concealed.formulas``), so memory tracks the
    cells a sheet holds, not the rows it claims (tester H, session 26: 1.6 GB for 5 KB).

    ``veiled`` takes, by row, the first column of a cell holding a value that the sheet does
    not show (``_veil``, or a conditional format's: ``_rule_veils``), why, and how many such
    cells the row has; ``unjudged``, why the sheet is refused for a conditional format."""
    from openpyxl.utils.datetime import from_excel

    formats = [style.numFmtId for style in workbook._cell_styles]
    text_rules: dict[int, tuple[str, tuple[str | None, ...]]] = {}  # ``hidden_text``, by style
    date_rules: dict[int, str] = {}  # a style's part of a date hidden (``hidden_date_part``)
    veils: dict[int, str] = {}  # a style's veil (``_veil``)
    bases: dict[int, _Base] = {}  # a style's look (``_base_look``), for conditional formats
    rules = _rule_looks(workbook, concealed.rules) if concealed.rules else []
    table: list[list[Any]] = []
    empty = 0  # empty rows read since the last with a value, not yet in ``table``
    for row in sheet.iter_rows(max_row=_MAX_ROW):
        if table and all(cell.value is None for cell in row):
            empty += 1
            continue
        if empty:
            table += [_NO_CELLS] * empty
            empty = 0
        values: list[Any] = []
        number = len(table) + 1
        # The rules on the row (the header row is read whatever it looks like), and the cells
        # under one: judged once the whole row is read (``_rule_veils``).
        on_row = [(rule, look) for rule, look in rules if rule.on(number)] if table else []
        ruled: list[tuple[int, _Base, Iterable[_Run] | None]] = []
        for cell in row:
            value = cell.value
            if value == "#VALUE!" and overflowed:  # a date cell past the last date?
                value = _overflowed(cell, overflowed, value)
            if value is not None:
                own: list[_OwnRun] | tuple[_OwnRun, ...] | None = None
                if isinstance(value, list):  # a shared string's rich text (CellRichText)
                    own, value = _rich_runs(value), str(value)
                elif concealed.rich and type(value) is str:  # an inline string's, perhaps
                    own = concealed.rich.get((number, len(values) + 1))
                style = getattr(cell, "_style_id", 0)
                veil = veils.get(style)
                if veil is None:
                    veils[style] = veil = _veil(workbook, style)
                if (own or on_row) and style not in bases:
                    bases[style] = _base_look(workbook, style)
                runs = _worn(own, bases[style]) if own else None
                column = len(values) + 1
                if _empty(value):
                    veil = ""
                elif on_row and any(rule.on(number, column) for rule, _ in on_row):
                    ruled.append((column, bases[style], runs))
                    veil = ""
                elif runs:
                    veil = _runs_veil(runs, bases[style][2])
                if veil:
                    _note_veil(veiled, number, column, veil)
            if type(value) is str:
                if "_x" in value:
                    value = _unescaped(value)
                style = getattr(cell, "_style_id", 0)
                if style:
                    rule = text_rules.get(style)
                    if rule is None:
                        number_format = str(getattr(cell, "number_format", ""))
                        text_rules[style] = rule = hidden_text(number_format)
                    if rule[0]:
                        value = _HiddenText(value)
                        value.change, value.pieces = rule
            elif isinstance(value, datetime):  # a format openpyxl knows for a date's
                style = getattr(cell, "_style_id", 0)
                hides = date_rules.get(style)
                if hides is None:
                    number_format = str(getattr(cell, "number_format", ""))
                    date_rules[style] = hides = hidden_date_part(number_format)
                if hides:
                    value = _refused(
                        _PartDate.combine(value.date(), value.time()),
                        f"holds {value:%Y-%m-%d}, but its number format "
                        f"({getattr(cell, 'number_format', '')}) shows {hides}, not the whole "
                        "date: type the full date, in a cell that shows it (2018-12-06, "
                        "2018年12月6日)",
                    )
            elif type(value) in (int, float):
                style = getattr(cell, "_style_id", 0)
                if 0 <= style < len(formats) and formats[style] in _CHINESE_DATES:
                    # (no date Excel can show: the number stays, refused where a date is due)
                    with suppress(OverflowError, ValueError):
                        value = _part_date(from_excel(value, workbook.epoch), formats[style])
                else:
                    number_format = str(getattr(cell, "number_format", ""))
                    change = shown_otherwise(value, number_format)
                    if change:
                        held, value = (
                            value,
                            _refused(_ShownOtherwise(value), _shown_rule(value, change)),
                        )
                        value.change, value.number_format, value.held = change, number_format, held
                    elif value in (0, 1) and (beside := _word_beside(value, number_format)):
                        held, value = value, _ShownOtherwise(value)
                        value.change, value.number_format, value.held = beside, number_format, held
                        value.beside = True
                        value.refusal = _yes_no_rule(value, beside, number_format)
            values.append(value)
        if ruled:
            _rule_veils(on_row, row, ruled, number, veiled, unjudged)
        table.append(values)
    unsaved = max(concealed.formulas, default=0) - len(table)  # (a formula's row, if after)
    return table + [_NO_CELLS] * min(max(unsaved, 0), empty)


#: A row with no value (shared: never changed).
_NO_CELLS: list[Any] = []


def _unescaped(text: str) -> str:
    """Text as the spreadsheet shows it: OOXML writes a character XML cannot hold as
    ``_xHHHH_`` (a carriage return pasted from Windows as ``_x000D_``; ``_x005F_`` is a
    literal ``_``), which openpyxl leaves as it is. A line break written CR LF is one line
    break."""
    shown = _OOXML_ESCAPE.sub(lambda found: chr(int(found[1], 16)), text)
    return shown.replace("\r\n", "\n")


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _hidden_parts(xml: IO[bytes]) -> _Hidden:
    """The rows and columns a sheet's XML hides (openpyxl's read-only mode does not say),
    read as a stream by expat, nothing kept but the answer: a row marked hidden, or zero
    high, or any row without a height of its own in a sheet whose rows are zero high by
    default (``zeroHeight``); a column range marked hidden, or zero wide. Rows without a
    number count on from the one before, as the format says; so do cells.

    And the formula cells that may hold no saved value (``data_only`` reads them as empty):
    a formula (``<f>``) but for a text result (``t="str"``) with a ``<v>``, which may be an
    empty text a spreadsheet saved. Workbooks written by programs (openpyxl, pandas with
    openpyxl) save formulas without their values; a spreadsheet saves both. And its conditional
    formats' rules (``_Formats``), which openpyxl's read-only mode does not read either."""
    rows: set[int] = set()
    columns: set[int] = set()
    formulas: dict[int, list[int]] = {}
    merged: dict[int, list[tuple[int, int, str]]] = {}
    state = {"zero_height": False, "number": 0, "zero_wide": False}
    sized: set[int] = set()  # the columns a <col> gives a width of their own
    prefix = "\0"  # the main namespace's, if it has one (x:c): a cell's <f> has it too
    cell: dict[str, str] = {}  # the attributes of the cell being read
    column = 0  # its column, counting on for a cell without a reference (r)
    numeral = ""  # the row's number as a cell's reference ends in it
    formula: tuple[int, int] | None = None  # (row, column) of its formula, if it has one
    volatile: dict[int, dict[int, str]] = {}
    shared: dict[str, str] = {}  # a shared formula's id (si) -> its text (its first cell's)
    text: list[str] = []  # the formula being read
    parser = expat.ParserCreate()
    inline = _InlineRuns(parser)
    formats = _Formats(parser)

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal prefix, cell, column, formula, numeral
        tag = name.rsplit(":", 1)[-1]
        if inline.reading:
            inline.start(tag, attributes)
        elif formats.depth:
            formats.start(tag, attributes)
        elif tag == "conditionalFormatting":  # (Excel 2010's too, x14, in the extLst)
            formats.open(tag, attributes, x14=name != tag and not name.startswith(prefix))
        elif tag == "is":  # an inline string: its runs' fonts, if it has any
            inline.open((int(state["number"]), column))
        elif tag == "c":
            cell = attributes
            formula = None
            given = attributes.get("r")
            if given is None:
                column += 1
                return
            if len(given) > 7 and _row_of(given) > _MAX_ROW:
                raise _past_last(_row_of(given))  # (7 characters, ``A999999``, are within it)
            letters = given.rstrip("0123456789")
            if given[len(letters) :] != numeral and _row_of(given) != state["number"]:
                raise _Unsaved(
                    int(state["number"]),
                    "cell reference",
                    f"{given} names another row than its own ({state['number']})",
                )
            at = _column_number(letters)
            if at <= column:
                raise _Unsaved(
                    int(state["number"]),
                    "cell reference",
                    f"{given} comes after a cell at or right of its column in the row",
                )
            column = at
        elif tag == "v":
            if formula is not None and cell.get("t") in _TEXT_RESULTS:
                formulas[formula[0]].remove(formula[1])
                formula = None
        elif tag == "f":
            if name == "f" or name.startswith(prefix):  # (x14's xm:f is no cell's)
                formula = (int(state["number"]), column)
                formulas.setdefault(formula[0], []).append(column)
                # its text, to tell a volatile one: a shared formula's cells after the first
                # hold only its id (si), the first its text
                text.clear()
                cell_at, shared_id = formula, attributes.get("si")
                parser.CharacterDataHandler = text.append

                def end(_name: str) -> None:
                    parser.CharacterDataHandler = parser.EndElementHandler = None
                    said = "".join(text)
                    if said and shared_id is not None:
                        shared[shared_id] = said
                    elif not said and shared_id is not None:
                        said = shared.get(shared_id, "")
                    if said and _VOLATILE(said):
                        volatile.setdefault(cell_at[0], {})[cell_at[1]] = said

                parser.EndElementHandler = end
        elif tag == "row":
            given = attributes.get("r")
            before = int(state["number"])
            state["number"] = number = int(given) if given else before + 1
            if number > _MAX_ROW:
                raise _past_last(number)
            if number <= before:  # openpyxl's reader skips it (and its cells) without a word
                said = "is given twice" if number == before else f"comes after row {before}"
                raise _Unsaved(
                    number,
                    "row number",
                    f"{said} (a sheet's rows are numbered in order, each once)",
                )
            numeral = str(number)
            column, formula = 0, None
            height = attributes.get("ht")
            if (
                attributes.get("hidden") in _TRUE
                or (height is not None and float(height) == 0)
                or (state["zero_height"] and height is None)
            ):
                rows.add(number)
        elif tag == "col":
            # A column shrunk to a width of 0 shows nothing either: Excel shows it as hidden
            # (since session 23; before, its values were read); so does one narrower than a
            # pixel (``_zero``), and one without a width of its own in a sheet whose columns
            # are that narrow by default (``defaultColWidth``).
            low = max(int(attributes.get("min", "1")), 1)
            high = min(int(attributes.get("max", "1")), _MAX_COLUMN)
            width = attributes.get("width")
            if attributes.get("hidden") in _TRUE or _zero(width):
                columns.update(range(low, high + 1))  # at most the sheet's 16,384 columns
            if width is not None and state["zero_wide"]:
                sized.update(range(low, high + 1))
        elif tag == "mergeCell":
            _note_merge(merged, attributes.get("ref", ""))
        elif tag == "sheetFormatPr":
            state["zero_height"] = attributes.get("zeroHeight") in _TRUE
            state["zero_wide"] = _zero(attributes.get("defaultColWidth"))
        elif tag == "worksheet":
            prefix = name[: -len(tag)] or "\0"

    parser.StartElementHandler = start
    # Fed in large pieces: expat parses a token cut by a piece's end again from its start, so
    # small pieces make one long attribute cost its length squared (CVE-2023-52425).
    try:
        while piece := xml.read(_XML_PIECE):
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except _Unsaved as unsaved:  # read no further: a million rows past it cost nothing
        return _Hidden(unsaved=unsaved)
    if state["zero_wide"]:
        columns.update(set(range(1, _MAX_COLUMN + 1)) - sized)
    found = {row: cells for row, cells in formulas.items() if cells}
    for spans in merged.values():
        spans.sort()
    return _Hidden(
        frozenset(rows),
        frozenset(columns),
        found,
        merged,
        rich=inline.found,
        rules=tuple(formats.rules),
        volatile=volatile,
    )


#: A formula calling a function whose value changes each time the workbook is calculated
#: (Excel's and WPS's volatile functions that give a value: the day, the time, a random
#: number; ``_xlfn.`` marks a function newer than the file format).
_VOLATILE = re.compile(
    r"(?<![A-Za-z0-9_.])(?:_xlfn\.)?(?:TODAY|NOW|RAND|RANDBETWEEN|RANDARRAY)\s*\(", re.IGNORECASE
).search


def _row_of(reference: str) -> int:
    """The row number of a cell reference such as ``F2`` or ``$AB$10`` (0 if it has none)."""
    digits = reference.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").lstrip("$")
    return int(digits) if digits.isdigit() else 0


def _zero(size: str | None) -> bool:
    """Whether a column of this width, as the sheet's XML gives it (a ``<col>``'s ``width``,
    a ``<sheetFormatPr>``'s ``defaultColWidth``), shows nothing: Excel draws it 0 pixels wide
    (``_pixels``), as it does a width of 0 (since session 23: 0.01 was read, Excel showing
    nothing of it). An unreadable width is not."""
    try:
        width = float(size) if size is not None else math.nan
    except ValueError:
        return False
    return math.isfinite(width) and _pixels(width) <= 0


def _pixels(width: float) -> int:
    """The pixels Excel draws a column of ``width`` (characters, padding included, as the XML
    gives it) in, with the default font (Calibri 11, whose widest digit is 7 pixels):
    trunc(((256 * width + trunc(128 / 7)) / 256) * 7), ECMA-376 Part 1, 18.3.1.13. Under
    about 0.0725 it is 0; 0.5 is 3 pixels."""
    digit = 7
    return math.trunc(((256 * width + math.trunc(128 / digit)) / 256) * digit)


def _note_merge(merged: dict[int, list[tuple[int, int, str]]], ref: str) -> None:
    """Note merged range ``ref`` (``D2:D5``) under each column it spans. The sheet's XML names
    its merges (``<mergeCell ref=…>``), which openpyxl's read-only mode does not read: they come
    with the same streamed parse, at no cost for a large sheet."""
    found = _RANGE.fullmatch(ref.replace("$", "").upper())
    if found is None:
        return
    first_column, last_column = _column_of(found[1]), _column_of(found[3])
    first_row, last_row = int(found[2]), int(found[4])
    for column in range(first_column, min(last_column, _MAX_COLUMN) + 1):
        merged.setdefault(column, []).append((first_row, last_row, f"{found[0]}"))


_RANGE = re.compile(r"([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})")


#: A formula's result type that may be saved as an empty ``<v>``: an empty text.
_TEXT_RESULTS = frozenset({"str", "inlineStr", "s"})


@lru_cache(maxsize=4096)
def _column_number(letters: str) -> int:
    """``_column_of`` a cell reference's letters (``AB``, ``$AB$``), kept: a sheet names a few."""
    return _column_of(letters.upper())


_XML_PIECE = 16 * 1024 * 1024


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
