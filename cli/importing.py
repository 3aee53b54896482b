"""``fupin import`` 批量导入: apply officers' files (JSONL, CSV, XLSX) atomically; templates.

``fupin import FILE...`` reads every file into rows, then ``ledger.imports.import_rows``
applies them all or none; ``--dry-run`` checks everything and writes nothing.
``fupin import template`` writes empty templates; the columns are those of ``ledger.commands``
(docs/import.md).
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import os
import re
import stat
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum
from functools import cache, partial
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import orjson
import typer
from ledger.application import Ledger
from ledger.carried import CarriedKeys
from ledger.commands import (
    COMMANDS,
    PROVENANCE,
    REFUSED_COLUMNS,
    Arg,
    CommandSpec,
    date_number_hint,
    parse_value,
)
from ledger.core import Stamp
from ledger.errors import InputError, LedgerError, PermissionRefusedError, unquoted
from ledger.imports import NO_COLUMN, ImportResult, Rebuild, Row, RowError, import_rows
from ledger.keys import NOT_OWNER_ONLY, open_to
from ledger.moves import (
    ExportEnd,
    Rebuilt,
    check_carried,
    check_importer,
    check_whole_export,
    export_end,
    is_export_end,
    move_day,
    rebuild,
)
from ledger.store import check_path
from ledger.values import MAX_FEN, PERSONAL_FIELDS, QUOTED_CHARS, format_yuan, quoted
from ledger.written import note_written
from rich.progress import Progress
from typer.core import TyperGroup

from cli.common import (
    REFUSED,
    console,
    err_console,
    ledger_session,
    refusals,
    say_of_exit,
    settings,
)
from cli.json_keys import KeyGivenTwice, once_each
from cli.outputs import check_output, check_protected, output_file, output_path
from cli.outputs import output_format as output_format_of
from cli.xlsx_looks import _column_of, _veiled
from cli.xlsx_number_formats import (
    _hidden_rule,
    _HiddenText,
    _PartDate,
    _personal_number_rule,
    _shown_rule,
    _ShownOtherwise,
    _shows_as_read,
    _yes_no_rule,
    yes_no_change,
)
from cli.xlsx_sheets import (
    _RANGE,
    _DateOverflow,
    _empty,
    _Hidden,
    _unreadable_xlsx,
    _Unsaved,
    _xlsx_sheets,
)

__all__ = ["MAX_FILE_BYTES", "import_app", "load_file", "read_bytes", "read_file"]

_JSONL_KEYS = frozenset(
    {"command", "ref", "actor", "effective", "document", "note", "args", "role", "recorded_at"}
    | {"position", "imported_by", "imported_by_role"}
)
_README_SHEETS = frozenset({"说明", "readme", "README"})


class _FileByDefault(TyperGroup):
    """``fupin import FILE`` runs the ``file`` command; ``fupin import template`` the template."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.list_commands(ctx) and args[0] not in ("--help", "-h"):
            args = ["file", *args]
        return super().parse_args(ctx, args)


import_app = typer.Typer(
    cls=_FileByDefault,
    help="Bulk import 批量导入 from JSONL, CSV or XLSX files, all or nothing (docs/import.md).",
    no_args_is_help=True,
)


class TemplateFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


# -- reading files into rows ---------------------------------------------------------------


#: The largest file ``fupin import`` reads (1 GiB, docs/import.md): an import holds its file
#: in memory, so a bigger one, or a device such as /dev/zero, is refused before it is read.
MAX_FILE_BYTES = 1 << 30


def read_file(path: Path) -> tuple[list[Row], list[RowError]]:
    """The rows of a JSONL, CSV or XLSX file, and every error found reading it."""
    data = load_file(path)
    if isinstance(data, RowError):
        return [], [data]
    return read_bytes(path.name, data)


def load_file(path: Path) -> bytes | RowError:
    """The bytes of ``path``: a regular file of at most ``MAX_FILE_BYTES``, checked before
    it is read (a device such as /dev/zero never ends; a pipe may never open)."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            return RowError(str(path), "file", "is not a regular file (a device, folder or pipe)")
        if status.st_size > MAX_FILE_BYTES:
            return RowError(str(path), "file", _too_large())
        with path.open("rb") as handle:
            data = handle.read(status.st_size + 1)  # one more byte: did it grow meanwhile?
    except OSError as exc:
        return RowError(str(path), "file", f"cannot be read: {exc.strerror or exc}")
    if len(data) != status.st_size:
        return RowError(str(path), "file", "changed while it was read; try again")
    return data


#: The arguments that hold personal data (``ledger.casework.Personal``'s fields).
_PERSONAL = ("head_name", "id_card", "phone", "address", "member_names")


def _personal_exposed(path: Path, rows: list[Row]) -> list[RowError]:
    """A refusal of a file that holds personal data (a row with a name, an ID card, a phone
    or an address) and that the group or others may read, as ``--personal-file`` is refused
    (docs/privacy.md; since session 22); nothing for any other file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return []
    if not stat.S_ISREG(mode) or not mode & NOT_OWNER_ONLY:
        return []
    for row in rows:
        field = next((f for f in _PERSONAL if row.values.get(f)), None)
        if field is not None:
            place = row.where.removeprefix(str(path)).strip(" ,")
            return [
                RowError(
                    str(path),
                    "file",
                    f"{open_to('the file', mode)} and holds personal data ({place}, {field}): "
                    f"personal data goes in a file only its owner may read; run "
                    f"`chmod 600 {path}`",
                )
            ]
    return []


def _too_large() -> str:
    limit = MAX_FILE_BYTES
    size = f"{limit >> 30} GiB" if limit % (1 << 30) == 0 else f"{limit:,} bytes"
    return f"is larger than the import limit of {size}; split it into several files"


def read_bytes(
    name: str, data: bytes, ends: list[str] | None = None, encoding: str | None = None
) -> tuple[list[Row], list[RowError]]:
    """The rows of file ``name``, and its bad rows; ``ends``, if given, gets where each
    export's closing line in it is (``read_jsonl``); ``encoding``, ``--encoding``'s, is a CSV
    file's (``read_csv``)."""
    suffix = Path(name).suffix.lower()
    if not data and suffix in _READ_SUFFIXES:  # (imported as 0 rows before session 21)
        return [], [RowError(name, "file", _EMPTY)]
    if data == _BOM and suffix in _READ_SUFFIXES:
        # what Excel's "CSV UTF-8" writes of an empty sheet (tester N, session 21: 0 rows)
        return [], [RowError(name, "file", _BOM_ONLY)]
    if suffix in (".xls", ".et"):  # an old workbook: saved as .xlsx, it is read
        return [], [RowError(name, "file", _OLD_WORKBOOK)]
    try:
        if suffix in (".jsonl", ".ndjson", ".json"):
            if _is_report_json(data):  # tester c, session 34: a "not valid JSON" line a line
                return [], [RowError(name, "file", _A_REPORT_JSON)]
            return read_jsonl(name, data, ends)
        if suffix == ".csv":
            return read_csv(name, data, encoding)
        if suffix in (".xlsx", ".xlsm"):  # .xlsm: a macro-enabled workbook; no macro is run
            return read_xlsx(name, data)
    except MemoryError:
        return [], [RowError(name, "file", _NO_MEMORY)]
    return [], [RowError(name, "file", _NOT_READ)]


def _is_report_json(data: bytes) -> bool:
    """Whether ``data`` is one JSON object that ``fupin export report`` writes, over many
    lines (its first is ``{`` alone, which no JSONL line is), naming its ``report`` and no
    ``command``. Read whole only then."""
    if data.lstrip().split(b"\n", 1)[0].strip() != b"{":
        return False
    try:
        found = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(found, dict)
        and isinstance(found.get("report"), str)
        and ("command" not in found)
    )


_READ_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json", ".csv", ".xlsx", ".xlsm"})
_NOT_READ = (
    "is not .jsonl, .csv or .xlsx (nor .xlsm): save a spreadsheet as 'Excel 工作簿 (*.xlsx)' "
    "or 'CSV UTF-8', or give the rows as JSONL (docs/import.md)"
)
_EMPTY = "is empty (0 bytes): it holds nothing to import; name the file that holds the rows"
_OLD_WORKBOOK = (
    "is an Excel 97-2003 (.xls) or WPS (.et) workbook, which is not read: save it in Excel "
    "or WPS as 'Excel 工作簿 (*.xlsx)' (or 'CSV UTF-8') and import that"
)
_A_REPORT = (
    "is a report written by fupin export report (its first line is '# report'), not rows to "
    "import: an import file has one header row of a command's columns (fupin import template)"
)
_A_REPORT_WORKBOOK = (
    "is a report written by fupin export report (its first sheet is 'report', a column "
    "'report' first), not rows to import: an import workbook has a sheet a command, each with "
    "one header row of its columns (fupin import template)"
)
_A_REPORT_JSON = (
    "is a report written by fupin export report (one JSON object naming its 'report'), not "
    "rows to import: an import's JSON is a line a row, each naming its 'command' (JSONL, "
    "fupin export events writes it)"
)
_BOM_ONLY = (
    "holds nothing but a byte-order mark (an empty sheet saved as CSV UTF-8): nothing to "
    "import; name the file that holds the rows"
)
_NO_MEMORY = "is too large to read in the memory available; split it into several files"


def read_jsonl(
    name: str, data: bytes, ends: list[str] | None = None
) -> tuple[list[Row], list[RowError]]:
    """One JSON object a line: ``{"command", "ref", "actor", "effective", "document", "note",
    "args": {...}}``; blank lines and an export's closing ``{"skipped": ...}`` are ignored
    (where each closing line is goes in ``ends``, if given: ``_early_ends``)."""
    rows: list[Row] = []
    errors: list[RowError] = []
    if data.startswith(_BOM):  # Windows Notepad writes one; refused before session 14
        data = data[len(_BOM) :]
    for number, line in enumerate(data.split(b"\n"), 1):
        where = f"{name} line {number}"
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            errors.append(_too_large_number(where, line, exc) or _not_json(where, exc))
            continue
        twice = _given_twice(line, item)
        if twice is not None:
            errors.append(RowError(where, twice, "is given twice: keep one"))
            continue
        if is_export_end(item):
            if ends is not None:
                ends.append(where)
            continue
        inexact = _inexact_number(line, item)
        if inexact is not None:
            errors.append(inexact.at(where))
            continue
        row = _jsonl_row(where, item)
        if isinstance(row, RowError):
            errors.append(row)
        else:
            rows.append(row)
    return rows, errors


def _not_json(where: str, exc: orjson.JSONDecodeError) -> RowError:
    return RowError(where, "json", f"not valid JSON ({str(exc)[:80]})")


def _too_large_number(where: str, line: bytes, exc: orjson.JSONDecodeError) -> RowError | None:
    """A number too large for a double (``1e400``, an integer of 5,000 digits), refused naming
    its key and, for an amount, the amount's rule (since session 26, before which the line was
    "not valid JSON (number is infinity when parsed as double …)", naming neither); None for
    another fault. orjson says where the number starts (a character's position): the key is
    the string just before it, if it is an object's value, else the line is named."""
    if not exc.msg.startswith("number is infinity"):
        return None
    before = line.decode("utf-8", "replace")[: exc.pos][-_KEY_LOOK_BACK:]
    found = _KEY_BEFORE.search(before)
    key = None
    if found is not None:
        with suppress(ValueError):
            key = str(orjson.loads(f'"{found[1]}"'))
    if key is None:
        return RowError(where, "json", f"holds a number too large to read {_DOUBLE}")
    rule = f"is a number too large to read {_DOUBLE}"
    if key in _AMOUNT_ARGS:
        rule += f"; an amount is at most {format_yuan(MAX_FEN, grouped=True)} yuan"
    return RowError(where, key, rule)


_DOUBLE = "(more than a double holds, about 1.8e308)"


#: How far before a number its key is looked for (a longer key is not named).
_KEY_LOOK_BACK = 400
_KEY_BEFORE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*\Z')
#: The arguments that are amounts in yuan (``Arg.kind``).
_AMOUNT_ARGS = frozenset(
    arg.name for spec in COMMANDS.values() for arg in spec.args if arg.kind == "yuan"
)


_BOM = b"\xef\xbb\xbf"
#: What ends each key of a JSON object (and may end a string value too): ``"``, then ``:``.
_KEY_END = re.compile(rb'"[ \t\r\n]*:')


def _given_twice(line: bytes, item: Any) -> str | None:
    """A key given twice in one object of ``line`` (``item``, as orjson read it, keeping the
    last value): refused, as an option given twice is. Every key ends ``":``, so a line with
    no more of those than ``item`` holds keys gives none twice; only another line (one with
    such text in a value, or a key twice) is read again, by the stdlib's parser, to tell."""
    ends = line.count(b'":')
    if b" :" in line or b"\t" in line or b"\r:" in line:  # ("a" : 1, typed by hand)
        ends = len(_KEY_END.findall(line))
    if ends <= _keys(item):
        return None
    try:
        json.loads(line, object_pairs_hook=once_each)
    except KeyGivenTwice as twice:
        return twice.key
    except (ValueError, RecursionError):  # orjson read it: nothing else is wrong with it
        pass
    return None


def _keys(item: Any) -> int:
    """How many keys the objects of ``item`` hold, nested ones too."""
    count, stack = 0, [item]
    while stack:  # (plain loops: a line's ~16 keys cost ~1 µs)
        value = stack.pop()
        if type(value) is dict:
            count += len(value)
            for inner in value.values():
                if type(inner) is dict or type(inner) is list:
                    stack.append(inner)
        elif type(value) is list:
            for inner in value:
                if type(inner) is dict or type(inner) is list:
                    stack.append(inner)
    return count


@dataclass(frozen=True)
class _Inexact:
    key: str
    literal: str

    def at(self, where: str) -> RowError:
        decimals = self.decimals()
        if self.key in _AMOUNT_ARGS and decimals > 2:  # since session 26 (tester K: 1e-400
            # was told to be written as text, then refused for its decimals)
            return RowError(
                where,
                self.key,
                f"{quoted(self.literal)} has {decimals:,} decimals, and amounts are to the fen "
                "(0.01 yuan): give at most 2",
            )
        return RowError(
            where,
            self.key,
            f"the number {self.literal} is more exact than a JSON reader holds it (it reads "
            f'{float(self.literal)!r}): write it as text ("{self.literal}"), and it is '
            "judged as written",
        )

    def decimals(self) -> int:
        """How many decimals the number has as written (``1e-400``: 400)."""
        with suppress(ArithmeticError):
            number = Decimal(self.literal).as_tuple()  # exact: no context's precision
            if isinstance(number.exponent, int):
                zeros = len(number.digits) - len("".join(map(str, number.digits)).rstrip("0"))
                return max(-(number.exponent + zeros), 0)
        return 0


def _inexact_number(line: bytes, item: Any) -> _Inexact | None:
    """A number of a row's arguments written with more digits than a float keeps (tester F,
    session 20: ``1234.560000000000000001`` was read as 1234.56 and recorded, where the same
    amount typed is refused for its decimals). Only a line whose arguments hold a float is
    read again, by the stdlib, with each number's literal kept."""
    args = item.get("args") if isinstance(item, dict) else None
    if not isinstance(args, dict) or not any(type(v) is float for v in args.values()):
        return None
    try:  # orjson read it; the stdlib's limits differ (its nesting depth): then as read
        literals = json.loads(line, parse_float=str).get("args", {})
    except (ValueError, RecursionError, AttributeError):
        return None
    if not isinstance(literals, dict):
        return None
    for key, value in args.items():
        literal = literals.get(key)
        if type(value) is float and isinstance(literal, str):
            with suppress(ArithmeticError):
                if Decimal(literal) != Decimal(repr(value)):
                    return _Inexact(key, literal)
    return None


def _jsonl_row(where: str, item: Any) -> Row | RowError:
    if not isinstance(item, dict):
        return RowError(where, "json", "a line is one JSON object")
    unknown = sorted(set(item) - _JSONL_KEYS)
    if unknown:
        return RowError(where, unknown[0], "unknown key")
    command, args = item.get("command"), item.get("args", {})
    if not isinstance(command, str):
        return RowError(where, "command", "names a command (text)")
    if not isinstance(args, dict):
        return RowError(where, "args", "is a JSON object of arguments")
    values = {k: item.get(k) for k in ("ref", "actor", "effective", "document", "note")}
    position = item.get("position")
    at = position if isinstance(position, int) and not isinstance(position, bool) else None
    recorded = item.get("recorded_at")
    by = item.get("imported_by")
    if by is not None and (not isinstance(by, str) or not by.strip()):
        return RowError(where, "imported_by", "names the officer who recorded the entry (text)")
    by_role = item.get("imported_by_role")
    if by_role is not None and (not isinstance(by_role, str) or not by_role.strip()):
        return RowError(where, "imported_by_role", "names the recorder's role (text)")
    return Row(
        where,
        command,
        {**values, **args},
        cells=False,
        position=at,
        recorded_at=recorded if isinstance(recorded, str) else None,
        imported_by=by,
        imported_by_role=by_role,
    )


def read_csv(
    name: str, data: bytes, encoding: str | None = None
) -> tuple[list[Row], list[RowError]]:
    """A header row, then one row per command; the command is the file's name (``identify.csv``
    or ``识别.csv``) unless a ``command`` / ``命令`` (or ``命令 command``) column names it on
    each row. A UTF-16 file, or one separated by tabs or semicolons, is refused saying so.
    ``encoding`` is ``--encoding``'s: None (UTF-8, a GBK file that reads as UTF-8 refused),
    ``utf-8`` (UTF-8 as it is) or ``gb18030`` (Excel's and WPS's plain CSV, GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_unmarked(data):
        return [], [RowError(name, "file", _UTF16)]  # Excel's "Unicode 文本", iconv -t utf-16
    if encoding == GB18030:
        decoded = _gb18030_text(name, data)
        if isinstance(decoded, RowError):
            return [], [decoded]
        text = decoded
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            # UTF-16 with no mark, Chinese at its start: NUL bytes, which GBK never holds.
            if b"\x00" in data:
                return [], [RowError(name, "file", _UTF16)]
            pasted = _pasted_row(name, data, exc)
            if pasted is not None:  # (GBK's bytes hold no quote, comma or line break)
                held = _undirected(data.decode("utf-8-sig", "replace"))
                return [], [_counted(pasted, held)]
            return [], [RowError(name, "file", _NOT_UTF8)]
    if "\x00" in text:
        return [], [RowError(name, "file", "contains NUL characters")]
    directive = _SEPARATOR_LINE.match(text)
    if directive is not None:  # Excel's "sep=," first line: a directive, not a title row
        named = directive[1] or directive[2]
        if named != ",":
            return [], [RowError(name, "file", _not_comma_directive(named))]
        text = text[directive.end() :]  # (Excel shows no such line: row 1 is the headers)
    # Strict: an unclosed quote read the rest of the file into one cell, and text after a
    # closing quote ("ab"c) lost the quotes, without a word (refused since session 14).
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    table: list[list[str]] = []
    line = 1  # where the row being read starts
    # A cell as long as the file: one over the reader's 131,072 characters was refused as "not
    # valid CSV … (field larger than field limit)"; read, it is refused by the rule on its
    # length, naming its row and column, as in XLSX (since session 26).
    limit = csv.field_size_limit(MAX_FILE_BYTES)
    try:
        for cells in reader:
            table.append(cells)
            line = reader.line_num + 1
    except csv.Error as exc:
        return [], [_counted(_bad_csv(name, text, table, line, exc), text)]
    finally:
        csv.field_size_limit(limit)
    if encoding is None and not data.startswith(_BOM):  # Excel's "CSV UTF-8" writes a BOM
        misread = _gbk_read_as_utf8(name, text, data, table)
        if misread is not None:
            return [], [_counted(misread, text)]
    if table and table[0][:1] == ["# report"]:  # (tester N, session 21: told of a title row)
        return [], [RowError(name, "file", _A_REPORT)]
    separator = _other_separator(table)
    if separator is not None:
        return [], [RowError(name, "file", _not_comma_separated(separator))]
    fused = _full_width_rows(table)
    if fused:
        return [], [
            _counted(RowError(f"{name} row {n}", "row", _not_comma_separated_row(count)), text)
            for n, count in fused
        ]
    if "\r" in text:  # a line break written CR LF in a quoted cell is one line break, as in XLSX
        table = [[cell.replace("\r\n", "\n") for cell in cells] for cells in table]
    rows, errors = _table_rows((name, "file"), Path(name).stem, table, lambda n: f"{name} row {n}")
    if encoding == GB18030:
        errors += _code_page_losses(rows)
    return rows, errors


#: The names and addresses in which a plain CSV's ``?`` is a character its code page lost: a
#: household's, and a helper's, officer's, unit's or donor's name (session 36's re-test).
_LOST_IN = ("head_name", "member_names", "address", "name", "unit", "donor")
_LOST_CHARACTER = (
    "holds '?', which a plain \"CSV (逗号分隔)\" (GBK) writes for a character GBK has no code "
    "for, such as a rare name character 生僻字: the character is lost from the file; save the "
    'sheet as "CSV UTF-8" or import the .xlsx, or type the name in place'
)


def _code_page_losses(rows: list[Row]) -> list[RowError]:
    """A name or address of a CSV read as GBK holding ``?`` (tester i, session 36: Excel's
    plain CSV wrote 吉𠮷 as 吉?, imported silently): refused, its text not quoted."""
    return [
        RowError(row.where, row.columns.get(arg, arg), _LOST_CHARACTER)
        for row in rows
        for arg in _LOST_IN
        if isinstance(row.values.get(arg), str) and "?" in row.values[arg]
    ]


#: Excel's first line naming the separator (``sep=,``, ``sep=;``): Excel reads it and shows
#: no such row (since session 28, tester H: refused as a title row).
#: In any case (``SEP=,``), quoted as a cell (``"sep=,"``), and padded with commas to the
#: header row's width (``sep=,,,,,``, as Excel's re-saving may write it): since session 28's
#: re-test (re-tester O), before which these were refused as a title row.
_SEPARATOR_LINE = re.compile(r'(?i)(?:sep=(.)|"sep=([^"])")(,*)(?:\r\n|\r|\n|$)')


def _undirected(text: str) -> str:
    """CSV ``text`` without Excel's first line naming its separator (``_SEPARATOR_LINE``), if
    it has one: row 1 is the header row below it, as Excel shows the file (since session 30:
    a row pasted from a GBK file below one was named a row further down, its column by the
    directive's cell, and the file counted a row more)."""
    directive = _SEPARATOR_LINE.match(text)
    return text if directive is None else text[directive.end() :]


def _not_comma_directive(separator: str) -> str:
    named = {";": "semicolons (;)", "\t": "tabs"}.get(separator, repr(separator))
    return (
        f"its first line, {'sep=' + separator!r}, says its cells are separated by {named}: "
        "the separator must be a comma. Save it from Excel or WPS as 'CSV UTF-8 (逗号分隔)', "
        "or import the workbook itself (.xlsx)"
    )


def _full_width_rows(table: list[list[str]]) -> list[tuple[int, int]]:
    """The data rows (row number, full-width commas) typed with full-width commas (，) where
    commas are due: one cell holding them and every other cell empty, under a header row of
    several columns (tester N, session 21: each column was "required", and the whole line was
    the first cell)."""
    columns = sum(1 for cell in table[0] if cell.strip()) if table else 0
    found = []
    for n, cells in enumerate(table[1:], start=2):
        filled = [cell for cell in cells if cell.strip()]
        if columns > 1 and len(filled) == 1 and filled[0].count("，") >= 2:
            found.append((n, filled[0].count("，")))
    return found


def _not_comma_separated_row(count: int) -> str:
    return (
        f"is one cell holding {count} full-width commas (，) where the columns' commas are "
        "due: type commas (,) in English input mode between the cells"
    )


@dataclass(frozen=True)
class _RowsCounted(RowError):
    """The refusal of a CSV file read no further (a quote that breaks a row, a row pasted
    from a GBK file), with how many rows the file holds below its header (``_rows_held``),
    which the refusal counts (``_refused_when_read``)."""

    rows: int = 0


def _counted(error: RowError, text: str) -> _RowsCounted:
    """``error``, refusing CSV ``text`` as it is read, with the rows the text holds."""
    return _RowsCounted(error.where, error.column, error.rule, _rows_held(text))


def _rows_held(text: str) -> int:
    """How many rows CSV ``text`` holds below its header row: each record holding a value
    (as ``_table_rows`` takes them), and each a quote breaks (``_quote_fault``), the lines
    after its fault read on as records; after ``_FAULTS_READ`` such faults, each line
    holding a value is one (since session 30, re-tester R: a file refused for one row's
    quote said ``in 1 row(s)``)."""
    rows = 0
    for _ in range(_FAULTS_READ):
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        line = 1
        try:
            for cells in reader:
                rows += any(cell.strip() for cell in cells)
                line = reader.line_num + 1
            return max(rows - 1, 0)
        except csv.Error:
            rows += 1
            found = _fault(text, line)
            if found is None:
                return max(rows - 1, 0)
            lines = io.StringIO(text, newline="").readlines()
            text = "".join(lines[found[2] :])
    return max(rows - 1, 0) + sum(1 for each in text.splitlines() if each.strip(" ,\t"))


#: How many broken records ``_rows_held`` reads past before it counts lines.
_FAULTS_READ = 100


def _fault(text: str, line: int) -> tuple[str, tuple[int, int, int, bool], int] | None:
    """The record of CSV ``text`` starting on ``line`` whose quotes break it: the text from
    it on, its fault (``_quote_fault``) and the line the fault is on; None if no quote
    breaks it."""
    record = "".join(io.StringIO(text, newline="").readlines()[line - 1 :])
    fault = _quote_fault(record)
    if fault is None:
        return None
    return record, fault, line + len(_LINE_BREAK.findall(record, 0, fault[1]))


def _bad_csv(name: str, text: str, table: list[list[str]], line: int, exc: csv.Error) -> RowError:
    """The row (and line) that broke the CSV, and the cell whose quotes broke it."""
    where = f"{name} row {len(table) + 1}"
    found = _fault(text, line)
    if found is None:
        return RowError(where, "file", f"is not valid CSV on line {line} ({exc})")
    record, (index, _, begun, unclosed), line = found
    headers = table[0] if table else []
    header = " ".join(headers[index].split()) if index < len(headers) else ""
    column = header or _position(index)
    if unclosed:
        rule = (
            f'opens a quote (") on line {line} that is never closed, so every later line '
            "would be read into this cell: close the quote, or remove it"
        )
    else:
        cell = _CELL_END.split(record[begun:], maxsplit=1)[0]
        quoted = '"' + cell.replace('"', '""') + '"'
        rule = (
            f'has text after its closing quote (") on line {line}: quote the whole cell '
            f"and double each quote inside it ({quoted}), or remove the quotes"
        )
    return RowError(where, column, rule)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CELL_END = re.compile(r"[,\r\n]")


def _quote_fault(record: str) -> tuple[int, int, int, bool] | None:
    """The cell (index) of the first CSV record in ``record`` whose quotes break it, where
    its quote is, where the cell begins, and whether that quote is never closed (else text
    follows its closing quote); None if no quote breaks it."""
    index, start, quoted, opened, begun, i = 0, True, False, 0, 0, 0
    while i < len(record):
        char = record[i]
        if quoted:
            i = record.find('"', i)  # (a quoted cell may run over many lines: found fast)
            if i < 0:
                break
            if record[i + 1 : i + 2] == '"':  # a quote doubled inside the cell
                i += 2
                continue
            quoted = False
            if record[i + 1 : i + 2] not in (",", "\r", "\n", ""):
                return index, i, begun, False
        elif char == '"' and start:
            quoted, opened = True, i
        elif char == ",":
            index += 1
            start, begun = True, i + 1
            i += 1
            continue
        elif char in "\r\n":
            return None
        start = False
        i += 1
    return (index, opened, begun, True) if quoted else None


def _utf16_unmarked(data: bytes) -> bool:
    """UTF-16 without its byte-order mark (``iconv -t utf-16le``): ASCII text of it has a NUL
    byte in every other place, which no UTF-8 or GBK text holds."""
    head = data[:200]
    return len(head) >= 4 and (
        head[1::2].count(0) * 2 >= len(head) // 2 or head[0::2].count(0) * 2 >= len(head) // 2
    )


def _other_separator(table: list[list[str]]) -> str | None:
    """The separator of a CSV file whose cells are not separated by commas: its header row is
    one cell holding tabs (a spreadsheet's "文本文件 (制表符分隔)", a copy of a sheet pasted
    into a text editor) or semicolons (Excel in a locale whose lists use them), and no column's
    name. None for a comma-separated file."""
    headers = [cell for cell in table[0] if cell.strip()] if table else []
    if len(headers) != 1 or " ".join(headers[0].split()).lower() in _known_headers():
        return None
    found = next((sep for sep in ("\t", ";") if sep in headers[0]), None)
    if found is None and any(_names_a_column(name) for name in headers[0].split("，")[1:]):
        # Full-width commas typed with a Chinese input method (since session 21, before which
        # the row was one unknown column); a title holding one names no column after it.
        return "，"
    return found


def _names_a_column(header: str) -> bool:
    return " ".join(header.split()).lower() in _known_headers()


def _not_comma_separated(separator: str) -> str:
    named = {"\t": "tabs", ";": "semicolons (;)"}.get(separator, "full-width commas (，)")
    mend = (
        "Save it from Excel or WPS as 'CSV UTF-8 (逗号分隔)', or import the workbook itself (.xlsx)"
    )
    if separator == "，":
        mend = f"Type commas (,) in English input mode between the cells, or s{mend[1:]}"
    return (
        f"is not comma-separated: its header row is one cell holding {named} between the "
        f"column names. {mend}"
    )


#: Excel's "Unicode 文本" (and ``iconv -t utf-16``) is UTF-16, with a BOM: say how to save it.
_UTF16 = (
    "is UTF-16 text (Excel's and WPS's 'Unicode 文本'), not UTF-8: save it as 'CSV UTF-8 "
    "(逗号分隔)', or import the workbook itself (.xlsx)"
)
#: Chinese Excel and WPS save "CSV (逗号分隔)" as GBK: say how to save it readably.
_NOT_UTF8 = (
    "is not UTF-8 text (Excel's and WPS's plain 'CSV (逗号分隔)' is GBK): save it as "
    "'CSV UTF-8 (逗号分隔)', or import the workbook itself (.xlsx), or import it with "
    "--encoding gbk"
)

#: ``--encoding``'s values (``gbk`` and ``gb2312`` read as GB18030, which holds both).
UTF8, GB18030 = "utf-8", "gb18030"
ENCODINGS = {"utf-8": UTF8, "utf8": UTF8, "gb18030": GB18030, "gbk": GB18030, "gb2312": GB18030}


def _gb18030_text(name: str, data: bytes) -> str | RowError:
    """The text of a CSV file imported with ``--encoding gb18030`` (or ``gbk``)."""
    if data.startswith(_BOM):  # Excel's "CSV UTF-8": the option is wrong, not the file
        return RowError(
            name,
            "file",
            "starts with the UTF-8 byte-order mark, as Excel's and WPS's 'CSV UTF-8 (逗号分隔)' "
            "does: it is UTF-8, not GBK; import it without --encoding",
        )
    # UTF-8 without the mark (a program's, an editor's, Excel's on a Mac): its Chinese, three
    # bytes a character, reads as GB18030 too, as other characters (江南 as 姹熷崡), and was
    # recorded so, exit 0 (since session 37, tester k F14). Real GBK Chinese is no UTF-8 of
    # Chinese: its two-byte pairs make no run of UTF-8's three-byte characters.
    with suppress(UnicodeDecodeError):
        text = data.decode("utf-8")
        chinese = [c for c in text if _cjk(c)]
        if chinese and not any(_two_byte(c) for c in text):
            return RowError(
                name,
                "file",
                f"reads as UTF-8 text ({''.join(chinese[:8])!r}…), not GBK: --encoding "
                "gb18030 (or gbk) would record its Chinese as other characters; import it "
                "without --encoding",
            )
    try:
        return data.decode(GB18030)
    except UnicodeDecodeError as exc:
        at = len(data[: exc.start].decode(GB18030))
        return RowError(
            name,
            "file",
            f"is not GBK (GB18030) text, as --encoding gbk says (byte 0x{data[exc.start]:02X} "
            f"at character {at + 1}): import it without --encoding if it is UTF-8",
        )


def _cjk(char: str) -> bool:
    """A Chinese, Japanese or Korean character, or CJK punctuation or a full-width form."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or code >= 0x20000
    )


def _two_byte(char: str) -> bool:
    """A character UTF-8 writes in two bytes (U+0080 to U+07FF): what GBK's Chinese reads as
    when its bytes happen to be UTF-8 (莫强, C4 AA C7 BF, reads Īǿ)."""
    return 0x80 <= ord(char) <= 0x7FF


def _gbk_read_as_utf8(name: str, text: str, data: bytes, table: list[list[str]]) -> RowError | None:
    """The refusal of a GBK file (Excel's and WPS's plain "CSV (逗号分隔)") whose bytes are
    UTF-8 too: its text holds characters of UTF-8's two-byte range and no CJK character,
    while its bytes read as GB18030 hold CJK and none of those characters; it names the first
    cell holding such text and both readings (tester H, session 28: 莫强 was imported as Īǿ,
    exit 0), or, for a personal cell, its row and column alone (``_misread_cells``). A UTF-8
    file holding CJK anywhere, or starting with a BOM, is never refused so. None for any other
    file."""
    if not any(_two_byte(c) for c in text) or any(_cjk(c) for c in text):
        return None
    try:
        other = data.decode(GB18030)
    except UnicodeDecodeError:
        return None
    if not any(_cjk(c) for c in other) or any(_two_byte(c) for c in other):
        return None
    misread = list(_misread_cells(name, table))
    if not misread:
        return RowError(name, "file", _GBK_SAVED)  # (a line break in a cell: never so far)
    where, column, readings = misread[0]
    if readings is not None:
        return RowError(where, column, f"{readings}: {_GBK_SAVED}")
    # A personal cell's readings are its personal data (a head's name, an address with a
    # phone): never shown; another cell's, if one shows the misreading.
    said = next((f"; {w.removeprefix(name).strip()}, {c}, {r}" for w, c, r in misread if r), "")
    return RowError(where, column, f"{_PERSONAL_MISREAD}{said}: {_GBK_SAVED}")


def _misread_cells(name: str, table: list[list[str]]) -> Iterator[tuple[str, str, str | None]]:
    """Each cell of ``table`` holding text of UTF-8's two-byte range: where, its column, and
    both its readings (``reads 'Īǿ' as UTF-8 but '莫强' as GBK``), or None for a personal
    column's cell (``_personal_header``, its header read as GBK: a Chinese header is
    garbled in the UTF-8 reading) or one whose readings hold an ID card or a phone
    (``ledger.errors.unquoted``; since session 28, re-tester O: they were shown)."""
    headers = [" ".join(h.split()) for h in table[0]] if table else []
    for number, cells in enumerate(table, 1):
        for i, cell in enumerate(cells):
            if not any(_two_byte(c) for c in cell):
                continue
            header = headers[i] if number > 1 and i < len(headers) else ""
            column = _cut(header) if header else _position(i)
            as_gbk = cell.encode().decode(GB18030, "replace")
            readings = f"reads {quoted(cell)} as UTF-8 but {quoted(as_gbk)} as GBK"
            personal = header and _personal_header(header.encode().decode(GB18030, "replace"))
            if personal or unquoted(readings) != readings:
                yield f"{name} row {number}", column, None
            else:
                yield f"{name} row {number}", column, readings


def _personal_header(header: str) -> bool:
    """Whether ``header`` names a personal column of some command (head_name, 户主姓名 …:
    ``ledger.values.PERSONAL_FIELDS``)."""
    return " ".join(header.split()).lower() in _personal_headers()


@cache
def _personal_headers() -> frozenset[str]:
    """Every header (lowercased) that names a personal column of some command."""
    return frozenset(
        header
        for spec in _specs()
        for header, arg in _header_names(spec).items()
        if arg in PERSONAL_FIELDS
    )


#: What the GBK refusal says of a personal cell, whose readings it never shows.
_PERSONAL_MISREAD = (
    "holds text that reads otherwise as GBK, not shown (a refusal never shows personal data)"
)


_MARK = "\ufffd"  # where the bad byte is, read with the text before it

_GBK_SAVED = (
    "the file is GBK, Excel's and WPS's plain 'CSV (逗号分隔)', whose Chinese here happens "
    "to be valid UTF-8 too: save it as 'CSV UTF-8 (逗号分隔)', or import the workbook itself "
    "(.xlsx), or import it with --encoding gbk (or --encoding utf-8 if it is UTF-8 as read)"
)


def _pasted_row(name: str, data: bytes, exc: UnicodeDecodeError) -> RowError | None:
    """The refusal of a UTF-8 file holding a row pasted from a GBK file: its first byte that
    is not UTF-8 comes after UTF-8 text holding CJK; it names the row, the column and the
    byte (tester H, session 28: only the file was named). None when no CJK comes before it
    (the whole file may be GBK)."""
    before = _undirected(data[: exc.start].decode("utf-8-sig"))
    if not any(_cjk(c) for c in before):
        return None
    try:
        records = list(csv.reader(io.StringIO(before + _MARK, newline="")))
    except csv.Error:
        return None
    if not records or not records[-1] or not records[-1][-1].endswith(_MARK):
        return None
    number = len(records)
    index = len(records[-1]) - 1
    headers = [" ".join(h.split()) for h in records[0]] if number > 1 else []
    column = headers[index] if index < len(headers) and headers[index] else _position(index)
    at = len(records[-1][-1])  # the cell's characters before the bad byte, and the mark
    return RowError(
        f"{name} row {number}",
        _cut(column),
        f"is not UTF-8 text (byte 0x{data[exc.start]:02X} at character {at} of the cell), "
        "though the text before it is: a row typed or pasted from a GBK file (Excel's and "
        "WPS's plain 'CSV (逗号分隔)')? Type the cell again, or save the whole file as "
        "'CSV UTF-8 (逗号分隔)' from Excel or WPS",
    )


def read_xlsx(name: str, data: bytes) -> tuple[list[Row], list[RowError]]:
    """One sheet per command, named for it (English or Chinese); a notes sheet (说明, readme,
    in any case and spacing) is skipped, and refused if it holds rows (since session 26);
    a workbook that yields no row is refused as an empty file is."""
    try:
        sheets = list(_xlsx_sheets(data))
    except MemoryError:
        raise  # too large, not damaged (read_bytes)
    except Exception as exc:  # openpyxl and zipfile raise many kinds on a damaged file
        return [], [RowError(name, "file", _unreadable_xlsx(data, exc, Path(name).name))]
    if (
        sheets
        and sheets[0][0] == "report"
        and sheets[0][3][:1]
        and sheets[0][3][0][:1] == ["report"]
    ):  # fupin export report's workbook (tester c, session 34: a line a sheet, "not a command")
        return [], [RowError(name, "file", _A_REPORT_WORKBOOK)]
    rows: list[Row] = []
    errors: list[RowError] = []
    notes: list[str] = []  # the notes sheets skipped
    for title, hidden, concealed, table in sheets:
        if concealed.unsaved is not None:
            errors.append(_not_saved(f"{name} [{title}]", concealed.unsaved))
            continue
        if title in _README_SHEETS or " ".join(title.split()).lower() in _README_SHEETS:
            notes.append(title)
            if held := _holds_rows(table):
                errors.append(RowError(f"{name} [{title}]", "sheet", _notes_with_rows(held)))
            continue
        if hidden and any(not _empty(cell) for cells in table[1:] for cell in cells):
            # (a hidden sheet with its header only, an unused template sheet, is fine)
            errors.append(RowError(f"{name} [{title}]", "sheet", _HIDDEN))
            continue
        if concealed.unjudged:  # a conditional format that may hide rows (``_rule_veils``)
            errors.append(RowError(f"{name} [{title}]", "sheet", concealed.unjudged))
            continue
        where = partial(_sheet_row, f"{name} [{title}]")
        found, bad = _table_rows((f"{name} [{title}]", "sheet"), title, table, where, concealed)
        rows += found
        errors += bad
    if not rows and not errors:  # (imported as 0 rows, exit 0, before session 26)
        errors.append(RowError(name, "file", _no_rows(notes)))
    return rows, errors


def _holds_rows(table: list[list[Any]]) -> list[str]:
    """The headers (as typed) of a notes sheet's first row that holds rows to import, or []:
    a value in its ``ref`` (编号) column, which every row has; or (since session 26, tester
    K: a row typed there without a ref was dropped without a word) values in two columns
    headed as an import column is, but for the command's, a note's and those the template's
    说明 sheet is headed by (sheet, 命令, column, 中文表头, kind), which one notes' column
    beside words of the sheet's own (字段, 说明) does not hold."""
    if not table:
        return []
    headers = ["" if _empty(h) else " ".join(str(h).split()).lower() for h in table[0]]
    at = [i for i, header in enumerate(headers) if header in _known_headers()]
    at = [i for i in at if headers[i] not in _no_mark_of_rows()]
    for cells in table[1:]:
        held = [i for i in at if i < len(cells) and not _empty(cells[i])]
        if len(held) > 1 or any(headers[i] in _REF_HEADERS for i in held):
            return [_cut(" ".join(str(table[0][i]).split())) for i in held]
    return []


#: The template's 说明 sheet's headers (``write_xlsx_template``).
_TEMPLATE_NOTES = ("sheet", "命令", "column", "中文表头", "kind")


#: The ref column's headers, lowercased (``_header_names``).
_REF_HEADERS = frozenset(
    header.lower()
    for arg in PROVENANCE[:1]
    for header in (arg.name, arg.zh, f"{arg.zh} {arg.name}", f"{arg.name} {arg.zh}")
)


@cache
def _no_mark_of_rows() -> frozenset[str]:
    """Headers whose values in a notes sheet are no mark of rows (``_holds_rows``)."""
    notes = {
        header.lower()
        for arg in PROVENANCE
        if arg.name == "note"
        for header in (arg.name, arg.zh, f"{arg.zh} {arg.name}", f"{arg.name} {arg.zh}")
    }
    return frozenset({*_TEMPLATE_NOTES, *_COMMAND_HEADERS, *notes})


def _notes_with_rows(headers: list[str]) -> str:
    shown = ", ".join(headers[:3]) + (", …" if len(headers) > 3 else "")
    return (
        f"holds rows (values under {shown}), but a sheet of this name (说明, readme) is "
        "skipped as notes: move the rows to a sheet of their own, named for their command or "
        "with a command column"
    )


#: The files read as text whose rows ``import_files`` counts (a workbook counts its own).
_TEXT_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json", ".csv"})


def _nothing_to_import(path: Path, alone: bool) -> str:
    """Why an import whose text files yield no row at all is refused, as a workbook that
    yields none is (since session 26): a CSV file of its header row only, a JSONL file of
    blank lines only. One of them beside files holding rows is fine, as an unused sheet of a
    workbook is (the CSV templates are one file a command, their header rows alone)."""
    held = "no row below its header row" if path.suffix.lower() == ".csv" else "blank lines only"
    others = "" if alone else ", nor does any other file given"
    return f"holds nothing to import ({held}){others}; name the file that holds the rows"


def _no_rows(notes: list[str]) -> str:
    """Why a workbook that yields no row at all is refused, as an empty file is."""
    skipped = f" (skipped as notes: {', '.join(repr(n) for n in notes)})" if notes else ""
    return (
        f"holds nothing to import: no sheet has a row below its header row{skipped}; name "
        "the file that holds the rows"
    )


def _not_saved(sheet: str, unsaved: _Unsaved) -> RowError:
    """A sheet refused for what no spreadsheet writes (``_Unsaved``); nothing of it is read."""
    return RowError(
        _sheet_row(sheet, unsaved.row),
        unsaved.field,
        f"{unsaved.rule}: the workbook was not saved by a spreadsheet; open it in Excel or "
        "WPS and save it, or write it again",
    )


def _sheet_row(sheet: str, number: int) -> str:
    return f"{sheet} row {number}"


def _column_kind(spec: CommandSpec | None, header: str) -> str:
    """The kind of the argument ``header`` names in ``spec`` (``yuan`` if none is known)."""
    if spec is None:
        return "yuan"
    name = _header_names(spec).get(header.lower())
    kinds = {a.name: a.kind for a in (*PROVENANCE, *spec.args)}
    return kinds.get(name, "yuan") if name is not None else "yuan"


_HIDDEN = "is hidden: unhide it to import it, or delete it"


def _column_kinds(spec: CommandSpec, headers: list[str]) -> tuple[str | None, ...]:
    """The kind of the argument each header names in ``spec`` (None: no argument of it), read
    once a table (or once a command, for a table of rows naming their commands)."""
    kinds = {a.name: a.kind for a in (*PROVENANCE, *spec.args)}
    names = _header_names(spec)
    return tuple(kinds.get(names.get(h.lower(), "")) if h else None for h in headers)


def _split_amount(cells: list[Any], kinds: tuple[str | None, ...]) -> tuple[int, list[str]] | None:
    """An amount a CSV file's thousands comma split across cells (``1,000`` unquoted: ``1`` in
    the amount's column, ``000`` in the next, the rest of the row shifted), as (its column,
    its pieces); None if none. ``kinds``: each column's (``_column_kinds``). The next cell must
    hold three digits (and perhaps fen) and not be in a column of numbers of its own. Since
    session 37 (tester l: ``1,000`` was refused on a column with no header, "give the column
    a header or clear it", which clearing it recorded as 1.00 yuan)."""

    def kind(i: int) -> str | None:
        return kinds[i] if i < len(kinds) else None

    for i, cell in enumerate(cells[: len(kinds)]):
        if kinds[i] != "yuan" or not isinstance(cell, str) or not _GROUP_LEAD(cell.strip()):
            continue
        pieces, at = [cell.strip()], i + 1
        while at < len(cells) and isinstance(cells[at], str) and kind(at) not in ("int", "yuan"):
            piece = cells[at].strip()
            if not _GROUP(piece) or "." in pieces[-1]:
                break
            pieces.append(piece)
            at += 1
        if len(pieces) > 1:
            return i, pieces
    return None


#: The first piece of an amount split at its thousands commas, and each piece after it.
_GROUP_LEAD = re.compile(r"[0-9]{1,3}").fullmatch
_GROUP = re.compile(r"[0-9]{3}(?:\.[0-9]{1,2})?").fullmatch


def _split_rule(pieces: list[str]) -> str:
    amount = ",".join(pieces)
    plain = amount.replace(",", "")
    return (
        f"{amount!r} was split at its thousands comma(s) into {len(pieces)} cells "
        f"({', '.join(repr(p) for p in pieces)}), the cells after it shifted: a CSV file's "
        f"cells are separated by commas, so write the amount without them ({plain}) or quote "
        f'it ("{amount}")'
    )


def _table_rows(
    named: tuple[str, str],
    command: str,
    table: list[list[Any]],
    where: Callable[[int], str],
    hidden: _Hidden = _Hidden(),
) -> tuple[list[Row], list[RowError]]:
    """Rows of a table whose first row holds the headers (English or Chinese); ``named`` says
    where a table no command names is (the file, or ``FILE [sheet]``) and which it is.

    Every value has exactly one header: a file with two columns for the same argument (``ref``
    twice, or ``金额`` and ``amount``) is refused, and so is a value in a column with no header
    (beyond the header row, or under an empty header), instead of one being silently lost."""
    if not table:
        return [], []
    # Whitespace as typed in a 台账 (Alt+Enter between 户号 and household, two spaces, a
    # full-width space) is one space; English names in any case.
    headers = ["" if h is None else _cut(" ".join(str(h).split())) for h in table[0]]
    header_row = _header_row_below_title(headers, table)
    if header_row is not None:
        return [], [RowError(where(1), "header row", _title_rule(headers, header_row))]
    at_command = [i for i, h in enumerate(headers) if h.lower() in _COMMAND_HEADERS]
    by_row = bool(at_command)
    spec = None if by_row else _command(command)
    if not by_row and spec is None:
        return [], [RowError(*named, f"{command!r} is not a command: {_NAME_IT}")]
    if len(at_command) > 1:
        return [], [_twice(where(1), "command", headers, at_command)]
    width = max((i + 1 for i, h in enumerate(headers) if h), default=0)  # a workbook pads
    hidden_columns = sorted(hidden.columns)
    rows: list[Row] = []
    errors: list[RowError] = []
    clashes: dict[str, list[RowError]] = {}  # by command: its arguments with two columns
    kinds_of: dict[str, tuple[str | None, ...]] = {}  # by command: its columns' kinds
    reported: set[str] = set()  # headers said to be unknown
    for number, cells in enumerate(table[1:], 2):
        # Formulas a program wrote without their values read as empty: not an empty row.
        formulas = hidden.formulas.get(number, ())
        unsaved = [i for i in formulas if i > len(cells) or _empty(cells[i - 1])]
        if not unsaved and all(_empty(c) for c in cells):
            continue
        # The Chinese headers below the English, or (since session 28, tester H: two CSV files
        # joined into one) the headers again further down: every row is looked at.
        if _repeats_headers(cells):
            errors.append(RowError(where(number), "header row", _repeated_headers(number)))
            continue
        note = _note_line(cells, hidden, number)
        if note is not None:
            errors.append(RowError(where(number), "row", _NOTE_LINE.format(quoted(note))))
            continue
        if number in hidden.rows:  # a voided row an officer hid, or one a filter hides
            errors.append(RowError(where(number), "row", _HIDDEN))
            continue
        if number in hidden.veiled:  # a voided row struck out or whitened
            at, why, count = hidden.veiled[number]
            label = headers[at - 1] if at <= width and headers[at - 1] else _position(at - 1)
            errors.append(RowError(where(number), label, _veiled(why, count)))
            continue
        for i in unsaved:
            column = headers[i - 1] if i <= width and headers[i - 1] else _position(i - 1)
            errors.append(RowError(where(number), column, _UNSAVED_FORMULA))
        for i, formula in hidden.volatile.get(number, {}).items():
            if i not in unsaved:
                column = headers[i - 1] if i <= width and headers[i - 1] else _position(i - 1)
                errors.append(RowError(where(number), column, _volatile_formula(formula)))
        for i in hidden_columns:
            if i > len(cells):
                break
            if not _empty(cells[i - 1]):
                column = headers[i - 1] if i <= width and headers[i - 1] else _position(i - 1)
                errors.append(RowError(where(number), column, f"column {_HIDDEN}"))
        if by_row:
            cell = cells[at_command[0]] if at_command[0] < len(cells) else None
            row_command = str(cell or "")
        else:
            row_command = command
        row_spec = spec or _command(row_command)
        if row_spec is not None and row_spec.name not in kinds_of:
            kinds_of[row_spec.name] = _column_kinds(row_spec, headers[:width])
        split = None if row_spec is None else _split_amount(cells, kinds_of[row_spec.name])
        if split is not None:  # the rest of the row is shifted: said alone
            errors.append(RowError(where(number), headers[split[0]], _split_rule(split[1])))
            continue
        shown_as_read: dict[int, int | float] = {}  # yes/no numbers shown as read, by column
        for i, cell in enumerate(cells):
            if not _empty(cell) and (i >= width or not headers[i]):
                beyond = "beyond the header row" if i >= width else "under an empty header"
                rule = f"has a value {beyond}; give the column a header or clear it"
                errors.append(RowError(where(number), _position(i), rule))
            elif isinstance(cell, _ShownOtherwise) and i < width and headers[i]:
                kind = _column_kind(row_spec, headers[i])
                change = yes_no_change(cell) if kind == "bool" else cell.change
                if (kind == "bool" and (not change or _shows_as_read(cell))) or (
                    kind != "bool" and cell.beside
                ):
                    shown_as_read[i] = cell.held
                    continue
                if _personal_header(headers[i]):
                    rule = _personal_number_rule(cell)
                elif kind == "bool":
                    rule = _yes_no_rule(cell, change, cell.number_format)
                else:
                    rule = _shown_rule(cell, cell.change, kind)
                errors.append(RowError(where(number), headers[i], rule))
            elif isinstance(cell, _HiddenText):
                personal = _personal_header(headers[i])
                rule = _hidden_rule(cell, cell.change, cell.pieces, personal)
                errors.append(RowError(where(number), headers[i], rule))
            elif isinstance(cell, _ShownOtherwise) or (
                isinstance(cell, _PartDate) and not (i < width and headers[i])
            ):
                column = headers[i] if i < width and headers[i] else _position(i)
                errors.append(RowError(where(number), column, cell.refusal))
            elif isinstance(cell, _DateOverflow):
                column = headers[i] if i < width and headers[i] else _position(i)
                rule = (
                    f"holds the number {cell.number} in a date cell, where no date shows (Excel "
                    f"shows ########): {date_number_hint(cell.number)}"
                )
                errors.append(RowError(where(number), column, rule))
            elif isinstance(cell, str) and cell.strip() in _SPREADSHEET_ERRORS:
                column = headers[i] if i < width and headers[i] else _position(i)
                rule = f"holds the spreadsheet error {cell.strip()}: mend its formula"
                errors.append(RowError(where(number), column, rule))
        if row_spec is None:
            errors.append(RowError(where(number), "command", f"{row_command!r} is not a command"))
            continue
        if row_spec.name not in clashes:
            clashes[row_spec.name] = found = _clashes(row_spec, headers, where(1))
            errors += [e for e in found if e not in errors]
        if clashes[row_spec.name]:
            continue  # which of its two columns holds the value is not known
        read = [shown_as_read.get(i, c) for i, c in enumerate(cells)] if shown_as_read else cells
        values, columns, unknown = _by_argument(row_spec, headers, read)
        errors += _date_cells(row_spec, values, columns, where(number))
        merged = _under_merges(hidden, number, columns, values, headers) if hidden.merged else {}
        shown = frozenset(arg for arg, ref in merged.items() if _shows_value(ref, table))
        for header, filled in unknown.items():
            if by_row and header.lower() in _any_command_headers():
                # Rows of several commands: the column is another command's, left empty on
                # this row's (a value there is refused, never dropped).
                if filled:
                    rule = f"has a value, but is no column of {row_spec.name}: clear it"
                    errors.append(RowError(where(number), header, rule))
            elif header not in reported:  # said once, at the header row (it was every row)
                reported.add(header)
                errors.append(RowError(where(1), header, _unknown_column(row_spec, header)))
        rows.append(Row(where(number), row_spec.name, values, columns, merged, shown))
    return rows, errors


#: What a TRUE/FALSE cell where text is due is (Excel makes TRUE typed in a cell one).
_TRUE_FALSE = "a TRUE/FALSE cell: format the column as text (文本) and type it again"


def _date_cells(
    spec: CommandSpec, values: dict[str, Any], columns: dict[str, str], where: str
) -> list[RowError]:
    """The refusals of the row's date cells: in a date column, one whose format shows part of
    the date (``_PartDate``); in another (a text column: Chinese Excel turns 12月6日 typed in
    摘要, or 2018年12月 in 文件, into a date), the column's own (``expects text, not a date
    cell: …``), said here so every such row is reported in one run (since session 27, tester
    C: the date column's advice was given, and a row after it went unreported). A time cell
    (10:30 typed in 摘要) and a TRUE/FALSE cell are judged here too, in any column (since
    session 27, re-tester G: they were reported only on the run after the date cells')."""
    found: list[RowError] = []
    dates = [(name, v) for name, v in values.items() if isinstance(v, datetime | time | bool)]
    if not dates:
        return found
    args = {a.name: a for a in (*PROVENANCE, *spec.args)}
    for name, value in dates:
        rule = value.refusal if isinstance(value, _PartDate) else None
        if args[name].kind != "date" or not isinstance(value, datetime):
            try:
                parse_value(args[name], value)
            except LedgerError as exc:
                rule = exc.rule
                if isinstance(value, bool) and rule.endswith("not true/false"):
                    rule += f" ({_TRUE_FALSE})"
        if rule is not None:
            found.append(RowError(where, columns[name], rule))
    return found


def _shows_value(ref: str, table: list[list[Any]]) -> bool:
    """Whether merged range ``ref`` (``J2:J3``) shows a value over more than one data row: its
    top-left cell holds one, which the sheet shows on each row, though the cells below it hold
    none. A merge across the columns of one row, or an empty one, shows nothing more."""
    found = _RANGE.fullmatch(ref.replace("$", "").upper())
    if found is None:
        return False
    first_row, last_row = int(found[2]), int(found[4])
    if last_row - max(first_row, 2) < 1:  # row 1 holds the headers
        return False
    cells = table[first_row - 1] if first_row <= len(table) else []
    column = _column_of(found[1])
    return column <= len(cells) and not _empty(cells[column - 1])


def _cut(header: str) -> str:
    """A header as a refusal names it: whole, or (since session 26, tester K: a CSV header of
    200,000 characters was echoed whole as an unknown column) its first ``QUOTED_CHARS``
    characters, as a value is quoted; no header that long names a column."""
    if len(header) <= QUOTED_CHARS:
        return header
    return f"{header[:QUOTED_CHARS]}… ({len(header):,} characters)"


#: How many rows below a title row are looked at for the header row.
_TITLE_ROWS = 10


def _header_row_below_title(headers: list[str], table: list[list[Any]]) -> int | None:
    """The header row of a table whose row 1 is a title (one cell, a 台账's merged title, that
    names no column) above it: a later row of which at least two cells, and half its filled
    ones, name columns. Only row 1 is read as headers, so the import would refuse the title
    as an unknown column and each header below as a value. None for another table."""
    filled = [h for h in headers if h]
    # A title, and perhaps a cell beside it (制表日期 2016-09-30, 单位: 元): none names a column;
    # or nothing (a blank row 1, or commas only, above the headers: since session 21, before
    # which each header below was refused as a value beyond the header row).
    if len(filled) > 3 or any(h.lower() in _known_headers() for h in filled):
        return None
    for number, cells in enumerate(table[1 : _TITLE_ROWS + 1], 2):
        names = [" ".join(str(c).split()).lower() for c in cells if not _empty(c)]
        known = sum(name in _known_headers() for name in names)
        if known >= 2 and 2 * known >= len(names):
            return number
    return None


def _note_line(cells: list[Any], hidden: _Hidden, number: int) -> str | None:
    """The text of a 台账's total or sign-off line below its rows (合计 2户; 填表人：张三 审核人：
    李四, one cell merged across the row), or None for a row of values: a row whose first value
    begins with a word such lines begin with (``_NOTE_WORDS``), or whose only value is a cell
    merged across the row. Since session 37 (session 36's tester i F14: each column of it was
    told "is required (… unmerge the range and fill each cell)", as if it were a visit)."""
    filled = [(i, c) for i, c in enumerate(cells) if not _empty(c)]
    if not filled:
        return None
    first = filled[0][1]
    text = " ".join(str(first).split())
    if isinstance(first, str) and text.replace(" ", "").startswith(_NOTE_WORDS):
        return text
    if len(filled) == 1 and hidden.merge_over(number, filled[0][0] + 2) is not None:
        return text
    return None


#: The words a total or sign-off line under a 台账 begins with (``_note_line``).
_NOTE_WORDS = (
    *("合计", "总计", "小计", "填表人", "填报人", "制表人", "审核人", "审批人", "负责人"),
    *("经办人", "填表日期", "填报日期", "制表日期", "填报单位", "填表单位", "单位负责人"),
)
_NOTE_LINE = (
    "holds {}, a total or sign-off line (合计, 填表人, 审核人) below the rows, not a row to "
    "import: delete it (a sheet holds its header row and its rows only)"
)


def _repeats_headers(cells: list[Any]) -> bool:
    """Whether a row below row 1 names columns, as a header row does: at least two of its
    cells, and half its filled ones, are headers (the rule a header row below a title is
    found by). Since session 27 (tester C: the Chinese headers repeated in row 2 were refused
    as one bad date, ``effective: '生效日期' is not a date``)."""
    names = [
        " ".join(c.removeprefix(_BOM_CHAR).split()).lower()  # (a joined file's second BOM)
        for c in cells
        if isinstance(c, str) and c.strip()
    ]
    if len(names) < 2:
        return False
    known = sum(name in _known_headers() for name in names)
    filled = sum(not _empty(c) for c in cells)
    return known >= 2 and 2 * known >= filled


def _repeated_headers(number: int) -> str:
    second = (
        "the Chinese below the English or the other way round"
        if number == 2
        else "as two files joined into one hold"
    )
    return (
        f"repeats the headers (a second header row, {second}): row 1 alone holds them, in "
        f"English, Chinese or both; delete row {number}"
    )


_BOM_CHAR = "\ufeff"


def _title_rule(headers: list[str], header_row: int) -> str:
    if not any(headers):
        return (
            f"is empty, and the headers are in row {header_row}: row 1 must hold the headers; "
            f"delete the rows above row {header_row}"
        )
    title = next(h for h in headers if h)
    title = title if len(title) <= 40 else f"{title[:40]}…"
    cells = sum(1 for h in headers if h)
    holds = f"one cell, {title!r}" if cells == 1 else f"{cells} cells, the first {title!r}"
    return (
        f"holds {holds}, a title, and the headers are in row {header_row}: row 1 "
        "must hold the headers (a title row above them is not read); delete the rows above "
        f"row {header_row}"
    )


@cache
def _known_headers() -> frozenset[str]:
    """Every header (lowercased) that names a column: some command's, or the command's."""
    return _any_command_headers() | _COMMAND_HEADERS


def _unknown_column(spec: CommandSpec, header: str) -> str:
    """Why ``header`` names no column of ``spec``, and, when one of its words names one (its
    English or its Chinese half: ``落实情况 outcome``), how that column is headed (tester X,
    session 23: the message did not say that ``outcome`` is headed ``成效``)."""
    unit = _UNIT.fullmatch(header)
    if unit is not None:  # 金额（元）: a 台账's unit after its name (tester c, session 34)
        stem = unit["stem"].strip()
        for arg in (*PROVENANCE, *spec.args):
            if stem.lower() in (arg.name, arg.zh):
                return (
                    f"{_UNKNOWN_COLUMN}: {unit['unit']} is no part of a header, and amounts "
                    f"are in yuan: head it `{arg.zh}`, `{arg.name}` or `{arg.zh} {arg.name}`"
                    if arg.kind == "yuan"
                    else f"{_UNKNOWN_COLUMN}: {unit['unit']} is no part of a header: head it "
                    f"`{arg.zh}`, `{arg.name}` or `{arg.zh} {arg.name}`"
                )
    words = header.split()
    refused = REFUSED_COLUMNS.get(spec.name, {})
    for word in words:
        if word.lower() in refused:  # a move's street: the rule, as the command line says it
            return refused[word.lower()]
    for arg in (*PROVENANCE, *spec.args):
        if any(
            word.lower() == arg.name or _half_width(word) == _half_width(arg.zh) for word in words
        ):
            return (
                f"{_UNKNOWN_COLUMN}: its column {arg.name} is headed `{arg.zh} {arg.name}`, "
                f"`{arg.name}` or `{arg.zh}`"
            )
    return _UNKNOWN_COLUMN


#: A header with a unit in brackets after it (``金额（元）``, ``amount (yuan)``).
_UNIT = re.compile(r"(?P<stem>[^（(]+?)\s*(?P<unit>[（(][^）)]*[）)])")


def _command(name: str) -> CommandSpec | None:
    """The command a sheet, a file or a ``command`` cell names: as typed, or trimmed and in
    any case (`` Identify``, ``识别 ``), as headers are read (since session 14; the names are
    lowercase, so no two commands read alike), and with half-width brackets where its name
    has full-width ones (``村(社区)登记``, as the header ``村(社区)`` is read; since session 34,
    tester c: refused as no command, as a sheet, a CSV file's name or a command cell)."""
    plain = " ".join(name.split()).lower()
    return COMMANDS.get(name) or COMMANDS.get(plain) or _half_width_commands().get(plain)


@cache
def _half_width_commands() -> dict[str, CommandSpec]:
    """Each command by its names with full-width brackets typed half-width."""
    return {_half_width(key): spec for key, spec in COMMANDS.items() if _half_width(key) != key}


def _under_merges(
    hidden: _Hidden,
    number: int,
    columns: dict[str, str],
    values: dict[str, Any],
    headers: list[str],
) -> dict[str, str]:
    """The row's empty values that lie under a merged range, by argument: the range."""
    at = {header: i + 1 for i, header in enumerate(headers) if header}
    found = {}
    for arg, header in columns.items():
        if values.get(arg) is None:
            ref = hidden.merge_over(number, at[header])
            if ref is not None:
                found[arg] = ref
    return found


#: The command column's headers, lowercased: either name or both, as every column's
#: (``命令 command``; before session 16 both names in one header were an unknown column).
_COMMAND_HEADERS = frozenset({"command", "命令", "命令 command", "command 命令"})
_UNSAVED_FORMULA = (
    "holds a formula with no saved value (a program wrote the workbook, not a spreadsheet): "
    "open and save it in Excel or WPS, or paste the values (选择性粘贴 → 数值)"
)


def _volatile_formula(formula: str) -> str:
    """The refusal of a cell whose formula calls a volatile function (``_Hidden.volatile``)."""
    return (
        f"holds the formula {quoted('=' + formula)}, whose value changes each time the workbook "
        "is calculated (TODAY() and NOW() give the day it was last opened and saved, not the "
        "day the row was typed): type the value itself, or paste the column as values "
        "(选择性粘贴 → 数值)"
    )


_UNKNOWN_COLUMN = (
    "unknown column: the header row (row 1) names each column in English, Chinese or both, "
    "as `fupin import template` does"
)
_NAME_IT = (
    "name each sheet (XLSX) or file (CSV) for its command, in English or Chinese "
    "(identify or 识别, as in `fupin import template`), or give each row a command (命令) column"
)
#: What Excel, WPS and LibreOffice show (and save) for a formula that failed: never a value.
_SPREADSHEET_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


def _position(index: int) -> str:
    """``column 6 (F)``: a column by its number and its spreadsheet letter."""
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"column {index + 1} ({letters})"


def _twice(where: str, field: str, headers: list[str], at: list[int]) -> RowError:
    named = ", ".join(f"{headers[i]!r} in {_position(i)}" for i in at)
    return RowError(where, field, f"has more than one column ({named}); keep one")


def _clashes(spec: CommandSpec, headers: list[str], where: str) -> list[RowError]:
    """An error for each argument of ``spec`` that two or more headers name."""
    names = _header_names(spec)
    at: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        if header.lower() in names:
            at.setdefault(names[header.lower()], []).append(i)
    return [_twice(where, arg, headers, found) for arg, found in at.items() if len(found) > 1]


def _by_argument(
    spec: CommandSpec, headers: list[str], cells: list[Any]
) -> tuple[dict[str, Any], dict[str, str], dict[str, bool]]:
    """The row's values by argument, the header of each, and the headers that name no
    argument of ``spec``, each with whether it holds a value on this row."""
    names = _header_names(spec)
    values: dict[str, Any] = {}
    columns: dict[str, str] = {}
    unknown: dict[str, bool] = {}
    # A workbook's row stops at its last cell that holds anything (openpyxl reads no more):
    # the headers past it are read as empty cells, as CSV's are (an unknown one is refused
    # at row 1 alike; before 2026-11-29 an XLSX column left empty passed unnoticed).
    padded = [*cells, *([None] * (len(headers) - len(cells)))]
    for header, cell in zip(headers, padded, strict=False):
        if not header or header.lower() in _COMMAND_HEADERS:
            continue
        arg = names.get(header.lower())
        if arg is None:
            unknown[header] = unknown.get(header, False) or not _empty(cell)
            continue
        values[arg] = None if isinstance(cell, str) and not cell.strip() else cell
        columns[arg] = header
    return values, columns, unknown


@cache
def _any_command_headers() -> frozenset[str]:
    """Every header (lowercased) that names a column of some command."""
    return frozenset(header for spec in _specs() for header in _header_names(spec))


def _header_names(spec: CommandSpec) -> dict[str, str]:
    """Header -> argument: the English name, the Chinese header, or both ("户号 household")."""
    names: dict[str, str] = {}
    for arg in (*PROVENANCE, *spec.args):
        for header in (arg.name, arg.zh, f"{arg.zh} {arg.name}", f"{arg.name} {arg.zh}"):
            names[header.lower()] = arg.name  # looked up lowercased: Household, HOUSEHOLD
            # 村(社区) typed with half-width brackets (since session 28, tester H: refused as
            # an unknown column, with no hint)
            names[_half_width(header.lower())] = arg.name
    return names


def _half_width(header: str) -> str:
    """``header`` with its full-width brackets （） typed half-width, ( )."""
    return header.replace("（", "(").replace("）", ")")


# -- the commands --------------------------------------------------------------------------


@import_app.command("file")
@refusals
def import_files(
    files: Annotated[
        list[Path], typer.Argument(help="JSONL, CSV or XLSX files, applied in order.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and write nothing 试导入.")
    ] = False,
    create: Annotated[
        bool, typer.Option("--create", help="Create the store if missing (to replay an export).")
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="CSV files' encoding: gb18030 (or gbk) for Excel's and WPS's plain 'CSV "
            "(逗号分隔)'; utf-8 to take UTF-8 as it is, without the check that refuses a GBK "
            "file reading as UTF-8 (without the option: UTF-8, checked). XLSX and JSONL files "
            "ignore it.",
            metavar="utf-8|gb18030",
        ),
    ] = None,
) -> None:
    """Bulk import 批量导入 FILE(s): every row or none; every bad row named (row, column, rule)."""
    chosen = None if encoding is None else ENCODINGS.get(encoding.strip().lower())
    if encoding is not None and chosen is None:
        raise InputError(
            "encoding", f"{quoted(encoding)} is not utf-8 or gb18030 (gbk reads as gb18030)"
        )
    _refuse_named_twice(files)
    rows: list[Row] = []
    errors: list[RowError] = []
    digest = hashlib.sha256()  # of the files' bytes, one after the other
    end: ExportEnd | None = None  # the last file's closing line, if an export's
    parts: list[tuple[Path, bool]] = []  # each file read, and whether it is an export's part
    closings: list[str] = []  # where each export's closing line is, in the files' order
    blank: list[Path] = []  # CSV of a header row only, JSONL of blank lines only
    read = 0  # the files' rows, those refused as they were read included
    for path in files:
        data = load_file(path)
        if isinstance(data, RowError):
            errors.append(data)
            continue
        digest.update(data)
        # The path as typed: two streets' folders hold files of the same name.
        found, bad = read_bytes(str(path), data, closings, chosen)
        rows += found
        read += len(found) + _refused_when_read(found, bad)
        errors += _personal_exposed(path, found) + bad
        end = export_end(data)
        parts.append((path, end is not None or any(row.position is not None for row in found)))
        if not found and not bad and end is None and path.suffix.lower() in _TEXT_SUFFIXES:
            blank.append(path)
        del data
    if not rows and not errors:  # (imported as 0 rows, exit 0, before session 26)
        alone = len(files) == 1
        errors += [RowError(str(path), "file", _nothing_to_import(path, alone)) for path in blank]
    if create and not errors:
        errors += _no_part(parts) or _early_ends(closings, end) or _cut_export(files, rows, end)
    if errors:
        _refuse(errors, read)
    # The batch's record keeps the files' names (a folder's name is no fact of the ledger,
    # and may not even be text).
    source = ", ".join(p.name for p in files)
    done: list[ImportResult] = []

    def applied() -> bool:  # a new store (--create) takes its name only then
        return bool(done) and done[0].applied > 0 and not done[0].errors and not done[0].dry_run

    moved: list[Rebuilt] = []
    with ledger_session(create=create, keep=applied) as app, _progress(len(rows)) as advance:
        # An export replayed by --create into an empty store: a move (ledger.moves)
        move = create and not app.recorder.max_notification_id() and _an_export(rows)
        if move and end is not None:
            check_carried(rows, end)  # its keys checked before a row is written
            check_importer(rows, end, settings.actor or str(rows[0].values.get("actor") or ""))
        if not create:  # tester B, session 28: told to look at the ledger, and of master keys
            settings.stands = (
                "the import is one save, so its rows were recorded whole: running it again "
                "skips them, and imports nothing twice"
            )
        try:
            result = import_rows(
                app,
                rows,
                source=source,
                digest=digest.hexdigest(),
                default_actor=settings.actor or "",
                dry_run=dry_run,
                progress=advance,
            )
        except PermissionRefusedError as exc:
            raise _importer_retired(exc, rows) if move and not settings.actor else exc from None
        done.append(result)
        if move and result.written:
            moved.append(_rebuild(app, rows, source, digest.hexdigest(), end))
    _report(result)
    for rebuilt in moved:
        _report_move(rebuilt)


def _importer_retired(exc: PermissionRefusedError, rows: list[Row]) -> LedgerError:
    """A move without ``--as`` whose importing admin, by default the export's first officer
    (who initialised it), has retired in its rows: say so, and ask for an active admin (since
    session 23: ``refused as: admin has retired``, of an --as nobody typed)."""
    first = str(rows[0].values.get("actor") or "") if rows else ""
    if exc.field != "as" or not exc.rule.endswith("has retired") or not first:
        return exc
    return PermissionRefusedError(
        "as",
        f"the importing admin of an import --create without --as is the export's first "
        f"officer, {first}, who initialised it, and {first} has retired by the end of its "
        "rows: name an admin active at the end of the export with --as (fupin --as ADMIN "
        "import --create …); nothing was written",
    )


def _an_export(rows: list[Row]) -> bool:
    """Whether ``rows`` are an export's (written by ``fupin export events``: a position each)."""
    return bool(rows) and all(row.position is not None for row in rows)


def _rebuild(
    app: Ledger, rows: list[Row], source: str, digest: str, end: ExportEnd | None
) -> Rebuilt:
    """Record the move and register the keys the export carries again (``ledger.moves``),
    recorded by the importing admin (``--as``, else the export's first officer, who
    initialised it), dated the export's last effective day, or its latest key event's when
    later (``move_day``)."""
    keys = CarriedKeys() if end is None else end.carried()
    actor = settings.actor or str(rows[0].values.get("actor") or "")
    stamp = Stamp(
        actor,
        move_day(rows, keys),
        f"import {source}"[:200],
        "keys in force at the export, registered again by import --create",
    )
    move = Rebuild(source, digest, len(rows), tuple(keys.revoked), tuple(sorted(keys.held.items())))
    return rebuild(app, stamp, move, keys)


def _report_move(done: Rebuilt) -> None:
    """What the move registered again, and that the old store's checkpoints do not apply."""
    said = [f"{officer} (key {kid})" for officer, kid in done.officers]
    if done.log:
        said.append(f"the log key {done.log}")
    console.print(
        "keys in force at the export registered again: "
        + (", ".join(said) if said else "none (the export carries none)"),
        soft_wrap=True,
    )
    if done.revoked:
        console.print(
            f"{len(done.revoked)} key(s) revoked in the old store recorded as revoked here "
            f"(never registered again): {', '.join(done.revoked)}",
            soft_wrap=True,
        )
    if done.carried:
        whose = ", ".join(f"{officer} (key {kid})" for officer, kid in done.carried)
        console.print(
            f"key revoked in the old store and none in force at the export, recorded so here "
            f"(RevokedKeyCarried): {whose}; each records nothing until an admin with a key in "
            "force registers a new key for them (fupin keys register)",
            soft_wrap=True,
        )
    if done.retired:
        console.print(
            f"not registered (retired, they record nothing more): {', '.join(done.retired)}",
            soft_wrap=True,
        )
    # An export is not evidence (docs/import.md): what the admin can compare with the old
    # store (since session 23, the re-tester of moves: an edited closing line was trusted).
    console.print(
        f"the export's SHA-256, recorded with the move (RebuiltFromExport): {done.sha256}; an "
        "export is no evidence of the old store (its rows and keys are as the file says): "
        "export the old store again (fupin export events) and compare its SHA-256 (sha256sum), "
        "the same while nothing was recorded there since (docs/import.md)",
        soft_wrap=True,
    )
    console.print(
        f"this store is a new log, {done.origin}, the name its checkpoints are signed "
        "under (since session 25; tools/verify_bundle.py --origin): checkpoints of the store "
        "the export came from do not apply to it (verify them against that store); take a "
        "new checkpoint here (fupin checkpoint)",
        soft_wrap=True,
    )


def _cut_export(files: list[Path], rows: list[Row], end: ExportEnd | None) -> list[RowError]:
    """An export read by ``import --create`` that is not whole (cut at a line, rows missing):
    the rest could never be added to the new store, whose later imports judge rows by
    today's rules (docs/import.md, since session 23). The files of one command are read as
    one export, in order: a large export split into parts is given whole, its parts in
    order (``import --create part-1.jsonl part-2.jsonl``), its closing line in the last."""
    whole = check_whole_export(str(files[-1]), rows, end)
    return [] if whole is None else [whole]


def _early_ends(closings: list[str], end: ExportEnd | None) -> list[RowError]:
    """An export's closing line that is not the last line of the last file of an ``import
    --create`` (``end``: that line, if it is one): the closing line ends an export, and rows
    follow it (since session 23: a whole export followed by more rows in a later file was
    imported with them, exit 0, the closing line ignored)."""
    early = closings[:-1] if end is not None else closings
    return [
        RowError(
            where,
            "file",
            "is an export's closing line, which ends an export, and rows follow it (in this "
            "file or a later one of this import --create): the files of one import --create "
            "are read as one export, in order, its closing line at the end of the last; move "
            "the ledger with one export whole, then import other rows after it (fupin "
            "import); nothing was written",
        )
        for where in early[:1]
    ]


def _no_part(parts: list[tuple[Path, bool]]) -> list[RowError]:
    """The files of an ``import --create`` of an export that are no part of it: no row of an
    export (a ``position``) and no closing line (a sheet of an office's given with the export).
    The files of one ``--create`` are read as one export (``_cut_export``), and such a file
    was blamed as the export cut short (the re-tester of moves, session 23)."""
    exports = [path for path, part in parts if part]
    if not exports:
        return []
    return [
        RowError(
            str(path),
            "file",
            "is no part of the export: the files of one import --create are read as one "
            f"export, in order (a split export's parts), and it holds no export row and no "
            f"export's closing line; move the ledger with the export alone (import --create "
            f"{' '.join(str(p) for p in exports)}), then import this file (fupin import); "
            "nothing was written",
        )
        for path, part in parts
        if not part
    ]


def _refuse_named_twice(files: list[Path]) -> None:
    """Refuse, before a file is read, a file named twice (``a.csv a.csv``, ``./r3/a.csv
    r3/a.csv``, or through a link): each of its rows would be refused as having the ref of
    itself. Compared by resolved path, then by the file itself (a hard link)."""
    seen: dict[object, int] = {}  # a resolved path, or a file's (device, inode): its index
    for at, path in enumerate(files):
        try:
            place: object = path.resolve()
        except (OSError, RuntimeError):  # a loop of links: refused by load_file, naming it
            place = path.absolute()
        first = seen.setdefault(place, at)
        if first == at:
            with suppress(OSError):  # (unreadable: refused by load_file, naming it)
                status = path.stat()
                first = seen.setdefault((status.st_dev, status.st_ino), at)
        if first != at:
            named = str(files[first])
            also = "" if named == str(path) else f" (also as {named!r})"
            raise InputError(
                "files",
                f"{str(path)!r} is given twice{also}: name each file once; nothing was written",
            )


def _said_once(errors: list[RowError]) -> Iterator[str]:
    """Each refusal as it is said, but a column a table lacks (``NO_COLUMN``), refused in each
    of its rows, said once, where it is first refused: ``FILE [走访] rows 2-501 (500 rows),
    帮扶人编号 helper: is required, and the sheet has no column …`` (since session 37; its rows
    gathered across the table's other refusals since re-tester r: it was said again after
    each)."""
    lacking: dict[tuple[str, str, str], list[str]] = {}  # (table, column, rule) -> its rows
    for error in errors:
        found = _ROW_OF.search(error.where)
        if found is not None and error.rule.startswith(_NO_COLUMN_START):
            table = error.where[: found.start()]
            lacking.setdefault((table, error.column, error.rule), []).append(found[1])
    for error in errors:
        found = _ROW_OF.search(error.where)
        if found is None:
            yield str(error)
            continue
        key = (error.where[: found.start()], error.column, error.rule)
        rows = lacking.get(key)
        if rows is None or len(rows) == 1:
            yield str(error)
        elif rows[0] == found[1]:  # said at its first row, for them all
            where = f"{key[0]} rows {rows[0]}-{rows[-1]} ({len(rows)} rows)"
            yield str(RowError(where, error.column, error.rule))


#: A table's row in a refusal's where (``FILE [走访] row 3``): its number.
_ROW_OF = re.compile(r" row ([0-9]+)$")
_NO_COLUMN_START = NO_COLUMN.split("{", 1)[0]


#: Where a row of a file is: a JSONL line, or a table's row below its header row (row 1).
_A_ROW = re.compile(r" (?:line [0-9]+|row (?!1$)[0-9]+)$")


def _refused_when_read(found: list[Row], bad: list[RowError]) -> int:
    """How many rows of a file were refused as they were read (a line that is not JSON, a
    key given twice, a row wider than its headers), and so are not among ``found``: each
    one a row of the file, counted in the refusal's ``in N row(s)`` (since session 29, tester
    of session 28: a move whose line 5,000 was not JSON said 14,261 rows of 14,262)."""
    held = [error.rows for error in bad if isinstance(error, _RowsCounted)]
    if held:  # (a CSV file read no further: none of its rows is among ``found``)
        return max(held)
    taken = {row.where for row in found}
    return len({e.where for e in bad if _A_ROW.search(e.where) and e.where not in taken})


def _refuse(errors: list[RowError], rows: int) -> None:
    for said in _said_once(errors):
        err_console.print(said, markup=False, highlight=False, soft_wrap=True)
    err_console.print(
        f"refused: {len(errors)} error(s) in {rows} row(s); nothing written",
        markup=False,
        highlight=False,
    )
    raise typer.Exit(REFUSED)


def _report(result: ImportResult) -> None:
    if result.errors:
        _refuse(result.errors, result.rows)
    if result.dry_run:
        console.print(
            f"dry run: {result.applied} row(s) would be applied, {result.skipped} already "
            f"imported; nothing written"
        )
    else:
        console.print(
            f"imported {result.applied} row(s); skipped {result.skipped} already imported "
            f"(of {result.rows})"
        )
    for said in result.said:  # as the command line says it after the entry (since session 30)
        say_of_exit(f"{said} (once imported)" if result.dry_run else said)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long files (more than 1,000 rows, on a terminal)."""
    if total <= 1000 or not sys.stderr.isatty():
        yield None
        return
    with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("importing", total=total)
        yield lambda done, _total: bar.update(task, completed=done)


#: Why the workbook template is written only as a new file, as the CSV templates are
#: (since session 23: a second `import template` replaced a filled fupin-import.xlsx, its
#: officers' rows lost, exit 0).
_NO_TEMPLATE_OVER = "a template never replaces a file (a filled workbook would lose its rows)"


@import_app.command("template")
@refusals
def template(
    output_format: Annotated[
        TemplateFormat | None,
        typer.Option("--format", help="xlsx (one sheet a command; the default) or csv."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "--out",
            "-o",
            help="File (xlsx: a new one, never overwritten) or folder (csv: one file a "
            "command, made if missing, in a folder that exists; a folder already holding a "
            "file named like a template, such as identify.csv, is refused, never "
            "overwritten); default fupin-import(.xlsx).",
            parser=output_path,
            metavar="<path>",
        ),
    ] = None,
) -> None:
    """Write empty, documented import templates 导入模板 (docs/import.md)."""
    if output_format is not TemplateFormat.csv:  # the CSV files' folder is checked below
        if output is not None:  # a path no file can be written to first
            check_output(output, "output", new=_NO_TEMPLATE_OVER)
        given = None if output_format is None else output_format.value
        hint = _CSV_TEMPLATES if output is not None and output.suffix.lower() == ".csv" else ""
        output_format_of(output, given, ["xlsx"], "import template", hint)
        target = output or Path("fupin-import.xlsx")
        with output_file(target, "output", new=_NO_TEMPLATE_OVER) as handle:
            write_xlsx_template(handle)
        console.print(f"template written to {target}")
        return
    # -o DIR/ names the folder written into (Path(): its trailing slash taken as typed)
    target = Path(output) if output is not None else Path("fupin-import")
    _check_template_folder(target)
    try:
        write_csv_templates(target)
    except FileExistsError as exc:
        clash = Path(str(exc.filename))
        if clash.parent != target:  # the folder itself, made a file meanwhile
            raise InputError("output", f"cannot write {str(target)!r}: it is a file") from None
        # A file of a template's name made meanwhile, after the check: still never replaced.
        raise _template_in_the_way(target, clash.name) from None
    except OSError as exc:  # a folder that cannot be made or written
        reason = exc.strerror or str(exc)
        raise InputError("output", f"cannot write {str(target)!r}: {reason}") from None
    note_written(target)
    console.print(f"templates written to folder {target}, one CSV file per command")


def _check_template_folder(folder: Path) -> None:
    """Refuse, before any work, a ``-o`` that cannot be the CSV templates' folder: a name
    ending in a file's suffix (``identify.csv`` asked for one file and got a folder of 43),
    a file in the way, a folder whose own folder does not exist (it is made, its parents
    are not: a typo in them made a tree of folders), or a folder already holding a file of a
    template's name: import files are named for their commands, like the templates, so an
    officer's data folder is a natural ``-o``, and its filled files must not be replaced."""
    check_path(folder, "output")
    suffix = folder.suffix.lower()
    if suffix in _FILE_SUFFIXES:
        raise InputError(
            "output",
            f"{str(folder)!r} names a {suffix} file, but --format csv writes one CSV file per "
            "command into a folder: name a folder (-o templates), or use --format xlsx for "
            "one file",
        )
    if folder.exists() and not folder.is_dir():
        raise InputError(
            "output", f"cannot write {str(folder)!r}: it is a file; name a folder to write into"
        )
    parent = folder.absolute().parent
    if not folder.exists() and not parent.is_dir():
        problem = "is not a folder" if parent.exists() else "does not exist"
        raise InputError(
            "output", f"cannot write {str(folder)!r}: {str(folder.parent)!r} {problem}"
        )
    check_protected(folder, "output")  # never into a folder a planted link leads to
    for name in _template_names():
        # lexists: a link of that name, even a broken one, is in the way too.
        if os.path.lexists(folder / name):
            raise _template_in_the_way(folder, name)
        check_protected(folder / name, "output")


def _template_in_the_way(folder: Path, name: str) -> InputError:
    return InputError(
        "output",
        f"folder {str(folder)!r} already holds {name}, which a template would replace: "
        "choose a new or empty folder for the templates",
    )


_CSV_TEMPLATES = " (--format csv writes one CSV file a command, into a folder: -o FOLDER)"

#: What ``-o`` of the CSV templates may not end in: it names a folder, not a file.
_FILE_SUFFIXES = frozenset({".csv", ".xlsx", ".xls", ".jsonl", ".txt"})


def _specs() -> list[CommandSpec]:
    seen: dict[str, CommandSpec] = {}
    for spec in COMMANDS.values():
        seen.setdefault(spec.name, spec)
    return list(seen.values())


def _headers(spec: CommandSpec) -> list[str]:
    """Both names of each column, Chinese first (``户号 household``): the import reads either."""
    return [f"{a.zh} {a.name}" for a in (*PROVENANCE, *spec.args)]


def _describe(arg: Arg) -> str:
    need = "required" if arg.required else f"optional (default {arg.default!r})"
    return f"{arg.kind}, {need}" + (f"; {arg.help}" if arg.help else "")


def write_xlsx_template(handle: BinaryIO) -> None:
    """The workbook, built whole in memory and then written: openpyxl writing straight into
    a file that fails half-way (a full disk, ``/dev/full``) left a ``ZipFile`` that printed
    "Exception ignored" and a traceback after the refusal, as the process ended."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "说明"
    readme.append(list(_TEMPLATE_NOTES))
    for spec in _specs():
        sheet = workbook.create_sheet(spec.name)
        sheet.append(_headers(spec))
        for cell, arg in zip(sheet[1], (*PROVENANCE, *spec.args), strict=True):
            cell.comment = Comment(f"{arg.zh}: {_describe(arg)}", "fupin")
            readme.append([spec.name, spec.zh, arg.name, arg.zh, _describe(arg)])
            if arg.kind in ("text", "names", "area"):
                # The column's own format: what a spreadsheet gives each new cell in it.
                sheet.column_dimensions[cell.column_letter].number_format = "@"
    buffer = io.BytesIO()
    try:
        workbook.save(buffer)
    except OSError as exc:
        _drop_half_written_sheets(exc)
        raise
    handle.write(buffer.getvalue())


def _drop_half_written_sheets(exc: OSError) -> None:
    """openpyxl writes each sheet into a temporary file before it zips it, even into memory;
    one that failed (a full disk, a file size limit) leaves a sheet writer's generator
    suspended, which fails again when it is collected: "Exception ignored in: <generator
    object WorksheetWriter.get_stream>" and a traceback, after the refusal, as the process
    ended. The writers are collected here, quietly; the refusal says what failed."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _template_names() -> list[str]:
    """The files the CSV templates are, in the order they are written."""
    return [f"{spec.name}.csv" for spec in _specs()]


def write_csv_templates(folder: Path) -> None:
    """One CSV file a command in ``folder`` (made if missing, in a folder that exists:
    ``_check_template_folder``), all or none: each file is created only if no file of its
    name is there (never replacing one), and a failure half-way (a full disk, a file made
    meanwhile) removes the files written and the folder if it was made here."""
    made = not folder.exists()
    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    try:
        for spec, name in zip(_specs(), _template_names(), strict=True):
            text = io.StringIO()
            csv.writer(text).writerow(_headers(spec))
            path = folder / name
            # "x": created here, or refused (FileExistsError) if a file of the name appeared.
            # With a BOM: Excel and WPS then open the Chinese headers as UTF-8, not as GBK.
            with path.open("x", encoding="utf-8-sig", newline="") as handle:
                written.append(path)
                handle.write(text.getvalue())
    except BaseException:
        for path in reversed(written):
            with suppress(OSError):
                path.unlink()
        if made:
            with suppress(OSError):  # not empty: someone else wrote into it meanwhile
                folder.rmdir()
        raise
