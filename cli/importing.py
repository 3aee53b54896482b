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
import math
import os
import re
import stat
import sys
import traceback
import unicodedata
import warnings
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import IO, Annotated, Any, BinaryIO, TypeVar
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

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
    parse_value,
    yes_no_word,
)
from ledger.core import Stamp
from ledger.errors import InputError, LedgerError, PermissionRefusedError, unquoted
from ledger.imports import ImportResult, Rebuild, Row, RowError, import_rows
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
            return read_jsonl(name, data, ends)
        if suffix == ".csv":
            return read_csv(name, data, encoding)
        if suffix == ".xlsx":
            return read_xlsx(name, data)
    except MemoryError:
        return [], [RowError(name, "file", _NO_MEMORY)]
    return [], [RowError(name, "file", "is not .jsonl, .csv or .xlsx")]


_READ_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json", ".csv", ".xlsx"})
_EMPTY = "is empty (0 bytes): it holds nothing to import; name the file that holds the rows"
_OLD_WORKBOOK = (
    "is an Excel 97-2003 (.xls) or WPS (.et) workbook, which is not read: save it in Excel "
    "or WPS as 'Excel 工作簿 (*.xlsx)' (or 'CSV UTF-8') and import that"
)
_A_REPORT = (
    "is a report written by fupin export report (its first line is '# report'), not rows to "
    "import: an import file has one header row of a command's columns (fupin import template)"
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
    return _table_rows((name, "file"), Path(name).stem, table, lambda n: f"{name} row {n}")


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
        return [], [RowError(name, "file", _unreadable_xlsx(data, exc))]
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


def _unreadable_xlsx(data: bytes, exc: Exception) -> str:
    """Why a workbook cannot be read, by what the file is (since session 21, before which
    every one was "truncated"): an OLE file (an old .xls, WPS's .et, or any workbook saved
    with a password, which Excel encrypts into one), text (a CSV file named .xlsx), or a
    zip archive cut short or damaged."""
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


def _sheet_row(sheet: str, number: int) -> str:
    return f"{sheet} row {number}"


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
        parts = _sheet_parts(data)
        past = [(title, found) for title, found in parts.values() if found.unsaved]
        if past:
            for title, found in past:
                yield title, False, found, []
            return
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, rich_text=True)
        yield from _sheets_of(workbook, {path: found for path, (_, found) in parts.items()})


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
    workbook: Any, parts: dict[str, _Hidden]
) -> Iterator[tuple[str, bool, _Hidden, list[list[Any]]]]:
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            hidden = sheet.sheet_state != "visible"
            concealed = parts.get(sheet._worksheet_path, _Hidden())
            veiled: dict[int, tuple[int, str, int]] = {}
            unjudged: list[str] = []
            table = _values(workbook, sheet, concealed, veiled, unjudged)
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


#: A row with no value (shared: never changed).
_NO_CELLS: list[Any] = []


class _ShownOtherwise(float):
    """A number whose cell's format shows another number (``5`` shown ``5.00万元``): read as
    the number, and its row refused (``_table_rows``) with its ``refusal``, or the refusal
    its column's kind calls for (``_shown_rule``); ``change`` says what the format does."""

    refusal: str
    change: str
    number_format: str
    held: int | float  # the number as the cell holds it
    #: Shown as the number beside a word saying the other of yes and no (``_word_beside``):
    #: refused in a yes/no column alone, read as the number held in any other.
    beside = False


class _PartDate(datetime):
    """A date cell whose format shows part of it (``2018年12月``, ``12月6日``): read as the
    date, and its row refused (``_table_rows``) with its ``refusal``."""

    refusal: str


def _part_date(value: Any, format_id: int) -> Any:
    """``value`` (a date cell's) as it is, or refused if its Chinese built-in format hides its
    day or its year (since session 21, before which the date the sheet never shows was read)."""
    if not isinstance(value, datetime) or format_id not in _NO_DAY | _NO_YEAR:
        return value
    shown = (
        f"{value.year}年{value.month}月"
        if format_id in _NO_DAY
        else f"{value.month}月{value.day}日"
    )
    rule = (
        f"holds {value:%Y-%m-%d}, but its number format shows {shown}, not the whole date: "
        "type the full date, in a cell that shows it (2018-12-06, 2018年12月6日)"
    )
    return _refused(_PartDate.combine(value.date(), value.time()), rule)


def hidden_date_part(number_format: str) -> str:
    """What a date cell's ``number_format`` (a format code openpyxl reads as a date's) leaves
    out of the date it holds: "no day", "no year", both (a time alone), or "" if it shows
    the whole date. Quoted text (``"年"``), escaped characters and bracketed parts
    (``[$-804]``, ``[Red]``) are no part of the date; ``d``/``dd`` show the day (``ddd`` and
    ``aaa`` a weekday's name), ``y`` or ``e`` the year (tester N, session 21: ``mmm-yy``,
    ``yyyy-mm`` and a custom ``yyyy"年"m"月"`` were read as the whole date they hide)."""
    code = number_format.split(";", 1)[0]
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].', "", code).lower()
    day = any(len(run) <= 2 for run in re.findall(r"d+", code))
    year = "y" in code or "e" in code
    if day and year:
        return ""
    if not day and not year:
        return "no day and no year"
    return "no day" if not day else "no year"


#: Chinese Excel's built-in date formats that show no day (``yyyy"年"m"月"``) or no year
#: (``m"月"d"日"``) of the date they hold.
_NO_DAY = frozenset({27, 36, 50, 52, 57})
_NO_YEAR = frozenset({28, 29, 51, 53, 54, 58})


class _HiddenText(str):
    """A text cell whose format does not show its text as it is (``;;;``, ``"JN-"@``): read as
    the text, and its row refused (``_table_rows``, ``_hidden_rule``) with what the format
    does (``change``) and shows (``pieces``, ``hidden_text``)."""

    change: str
    pieces: tuple[str | None, ...]


_Refused = TypeVar("_Refused", _ShownOtherwise, _PartDate)


def _refused(cell: _Refused, refusal: str) -> _Refused:
    """``cell`` (a value its format shows otherwise) with what its row's refusal says of it."""
    cell.refusal = refusal
    return cell


def _shown_rule(value: float, change: str, kind: str = "yuan") -> str:
    """The refusal of a number whose format shows another (``change``), in a column of
    ``kind``: an amount's (yuan, not 万元), a whole number's, or text's (since session 27,
    re-tester G: 50% typed in 内容, which Excel keeps as 0.5, was told of yuan and 万元)."""
    number = int(value) if float(value).is_integer() else float(value)
    shown = f"holds {number}, but its number format {change}: what it shows is not what it holds"
    if kind == "yuan":
        return (
            f"{shown}; type the number as it is meant (yuan, not 万元) and format the cell General"
        )
    if kind == "int":
        return f"{shown}; type the number as it is meant and format the cell General"
    return (
        f"is a number in the spreadsheet, not text: it {shown}; format the column as text "
        "(文本) and type it again"
    )


def _yes_no_rule(value: float, change: str, number_format: str) -> str:
    """The refusal of a number in a yes/no column whose format shows another thing: a word,
    ``"有";"无"`` showing 0 as 有 (since session 29, tester E, before which it was told to
    format the column as text, as a text column's number is)."""
    number = int(value) if float(value).is_integer() else float(value)
    word = _shown_word(value, number_format)
    shows = f"shows it as {word!r} (the format {number_format!r})" if word else change
    return (
        f"holds the number {number}, but its number format {shows}: what it shows is not what "
        "it holds; a yes/no column is typed 是 or 否 (yes or no): type the one it means and "
        "format the cell General"
    )


def _shows_as_read(cell: _ShownOtherwise) -> bool:
    """Whether a number in a yes/no column, 1 or 0, shows the yes/no word the column reads it
    as (1 shown 是 by ``"是";"否"``, 0 shown 否 by ``"是";"否";"否"``): a word the column takes
    as text (``yes_no_word``) meaning what the number is read as (since session 29,
    re-tester I: such a cell was refused as not what it holds)."""
    if type(cell.held) is not int or cell.held not in (0, 1):
        return False
    return yes_no_word(_shown_word(cell, cell.number_format)) is bool(cell.held)


@lru_cache(maxsize=512)
def _word_beside(held: int | float, number_format: str) -> str:
    """What ``number_format`` shows 1 or 0 (``held``) as, and the word beside its digits that
    says the other of yes and no (``_yes_no_words``): ``shows it as '否1' (the format
    '"否"0'), whose '否' says no``; "" if no word beside the digits says so, or the format
    shows no digit (``_shown_word`` judges a word alone), or which section shows it is not
    known (since session 30, re-tester R: 1 shown 否1 was read as yes, 0 shown 是0 as no)."""
    section = _section_for(held, _sections(number_format))
    if section is None:
        return ""
    # General (``G/通用格式"否"``) shows the number as a digit does.
    section = _GENERAL_CODE.sub(lambda part: part[1] or "0", section)
    before: list[str] = []
    after: list[str] = []
    digits = False
    for part, piece in zip(_TEXT_PART.findall(section), _text_pieces(section), strict=True):
        if piece is None:  # ``@``: a text section, which a number is not shown by
            return ""
        if part in ("0", "#", "?") or (digits and not after and part in ".,"):
            digits = True
        else:
            (after if digits else before).append(piece)
    other = not held
    said = [word for word, meaning in _yes_no_words("".join(before + after)) if meaning is other]
    if not digits or not said:
        return ""
    shown = f"{''.join(before)}{int(held)}{''.join(after)}".strip()
    return (
        f"shows it as {shown!r} (the format {number_format!r}), whose "
        f"{', '.join(dict.fromkeys(said))!r} says {'yes' if other else 'no'}"
    )


#: General in a format's section (``General``, Chinese Excel's and WPS's ``G/通用格式``), a
#: quoted literal kept as it is.
_GENERAL_CODE = re.compile(r'("[^"]*")|(?i:g/通用格式|general)')
#: Characters a yes/no word shown beside a number is read by: yes, then no.
_YES_CHARACTERS, _NO_CHARACTERS = frozenset("是对有"), frozenset("否不无没非")


def _yes_no_words(text: str) -> list[tuple[str, bool]]:
    """The words of ``text`` that say yes or no, each with what it says: True for 是, 对, 有
    or a word a yes/no column takes as yes (``yes_no_word``: yes, y, true), False for 否, 不,
    无, 没, 非 or one it takes as no."""
    found = [(c, c in _YES_CHARACTERS) for c in text if c in _YES_CHARACTERS | _NO_CHARACTERS]
    for word in re.findall(r"[A-Za-z]+", text):
        meaning = yes_no_word(word)
        if meaning is not None:
            found.append((word, meaning))
    return found


def _shown_word(value: float, number_format: str) -> str:
    """The text alone that ``number_format`` shows ``value`` as (``"有";"无"`` shows 0 as 有),
    by Excel's sections (``_section_for``), or "" if it shows a digit or nothing, or which
    section shows it is not known."""
    section = _section_for(value, _sections(number_format))
    if section is None:
        return ""
    section = _GENERAL_CODE.sub(lambda part: part[1] or "0", section)  # (General: a digit)
    pieces = _text_pieces(section)
    if None in pieces:  # ``@``: a text section, which a number is not shown by
        return ""
    word = "".join(piece for piece in pieces if piece is not None).strip()
    return "" if re.search(r"[0#?]", _BRACKETED.sub("", _QUOTED.sub("", section))) else word


def _section_for(value: float, sections: list[str]) -> str | None:
    """The section of a number format (``_sections``) that shows ``value``, as Excel picks it:
    without conditions, positive (and zero, of two); negative; zero. With conditions
    (``[=1]"是";[=0]"否";"x"``), the first whose condition holds, else the third, else a
    second without a condition; None where that is not known (a condition of another form,
    or none holding and no section left)."""
    conditions = [_CONDITION.search(_QUOTED.sub("", section)) for section in sections[:3]]
    if not any(conditions):
        if value < 0 and len(sections) > 1:
            return sections[1]
        return sections[2] if value == 0 and len(sections) > 2 else sections[0]
    for section, condition in zip(sections[:2], conditions, strict=False):
        if condition is not None and _holds(value, condition[1], float(condition[2])):
            return section
    if len(sections) > 2 and conditions[2] is None:
        return sections[2]
    if len(sections) == 2 and conditions[1] is None:
        return sections[1]
    return None


#: A number format section's condition (``[=1]``, ``[>=0.5]``, ``[<>0]``).
_CONDITION = re.compile(r"\[\s*(<>|<=|>=|=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*\]")


def _holds(value: float, operator: str, bound: float) -> bool:
    """Whether ``value`` meets a format's condition (``_CONDITION``)."""
    return {
        "=": value == bound,
        "<>": value != bound,
        "<": value < bound,
        ">": value > bound,
        "<=": value <= bound,
        ">=": value >= bound,
    }[operator]


def _column_kind(spec: CommandSpec | None, header: str) -> str:
    """The kind of the argument ``header`` names in ``spec`` (``yuan`` if none is known)."""
    if spec is None:
        return "yuan"
    name = _header_names(spec).get(header.lower())
    kinds = {a.name: a.kind for a in (*PROVENANCE, *spec.args)}
    return kinds.get(name, "yuan") if name is not None else "yuan"


#: A format's literal text: quoted, or one character escaped (``\\x``, ``!x``), shown as it is;
#: and ``_x`` (a space as wide as x) and ``*x`` (x repeated to fill the cell), which show no
#: text that could be read as part of the number.
_QUOTED = re.compile(r'"[^"]*"|[\\!].')
_SPACING = re.compile(r"[_*].")
_BRACKETED = re.compile(r"\[[^\]]*\]")
_COLOURS = frozenset(
    {"black", "blue", "cyan", "green", "magenta", "red", "white", "yellow", "黑色", "红色"}
)
#: Words that call a number a multiple of what it is (``0.00"万元"`` shows 5 as 5.00万元).
_SCALES = frozenset("万亿千百")
#: Signs that call a number a fraction of what it is: percent, ASCII, full-width and small
#: (typed with a Chinese input method), per mille and per ten thousand (since session 26).
_PERCENTS = frozenset("%％﹪‰‱")
#: A literal that alone calls a number a multiple of what it is (``0.00"k"``, ``0.00"w"``
#: for 万, ``0.00"M"``: since session 26); a word holding the letter (``"HK$"``) is not.
_SCALE_LETTERS = frozenset({"k", "w", "m", "mn", "bn"})


def shown_otherwise(value: float, number_format: str) -> str:
    """What ``number_format`` does to ``value`` that makes the cell show another number
    ("shows a percentage", "rounds it to 0 decimals"…), or "" if it shows the number as it
    is (General, text, digits with enough decimals, thousands separators, a currency sign or
    a unit's word, colours, Chinese numerals). Only the positive section is read (amounts
    are never negative). openpyxl reads the value, not what the format shows, and no
    maintained library renders Excel's number formats; this reads the few things that change
    a number. Each format is read once (``_format_rule``); a cell costs a lookup and, for a
    number with decimals, counting them."""
    rule, shown = _format_rule(number_format)
    if rule or type(value) is int:
        return rule
    kept = _decimals(value)
    if kept > shown:
        return f"rounds it to {shown} decimal{'' if shown == 1 else 's'}"
    return ""


@lru_cache(maxsize=512)
def _format_rule(number_format: str) -> tuple[str, int]:
    """What ``number_format`` does to any number ("" if nothing), and how many decimals it
    shows (for ``shown_otherwise``)."""
    sections = _sections(number_format)
    section = sections[0].strip()
    if not number_format.strip() or section.lower() in ("general", "@"):
        return "", 99
    if not section:  # ``;;;``: Excel's way to hide a value
        return f"shows nothing (the format {number_format!r} hides it)", 0
    section = _SPACING.sub("", section)
    literals = "".join(
        part[1:-1] if part.startswith('"') else part[1:] for part in _QUOTED.findall(section)
    )
    bare = _QUOTED.sub("", section)
    for bracket in _BRACKETED.findall(bare):
        inner = bracket[1:-1].lower()
        if not (inner.startswith(("$", "color", "dbnum")) or inner in _COLOURS):
            return f"has a condition or code {bracket}", 0
    bare = _BRACKETED.sub("", bare)
    # General (``[Red]General``; Chinese Excel and WPS write ``G/通用格式``, a word after it
    # quoted or not), or a format of a text section alone (``"x"@``): a number is shown as
    # General shows it. Words that hold a digit or a scale are refused all the same (whether
    # Excel shows them beside the number is not known here: refused, nothing is misread).
    general = bare.strip().lower()
    after = next((general[len(g) :] for g in _GENERAL if general.startswith(g)), None)
    if after is not None or (len(sections) == 1 and "@" in bare):
        words = literals + (after or "")
        if _scaled(section) or any(
            char in _SCALES or char in _PERCENTS or char.isdigit() or char in ".," for char in words
        ):
            return f"adds the text {words!r}, which makes it read as another number", 0
        return "", 99
    if "%" in bare:
        return "shows a percentage (x100)", 0
    if "E+" in bare.upper() or "E-" in bare.upper():
        return "shows an exponent", 0
    if "/" in bare:
        return "shows a fraction", 0
    words = literals + "".join(char for char in bare if char not in "0#?.,")
    if (
        _scaled(section)
        or any(char in _SCALES or char in _PERCENTS for char in words)  # 0.00"％", 0.00‰
        or any(
            char.isdigit() or char in ".,"
            for char in literals  # 0!.0000 shows 12345 as 1.2345; 0.00\% 100 as 100.00%
        )
    ):
        return (
            f"adds the text {literals or words.strip()!r}, which makes it read as another number",
            0,
        )
    if _negative(section):
        word = _signed_word(section)
        if word:
            return f"adds {word!r} to it (the format {number_format!r})", 0
        return "shows it as a negative number (a minus sign or parentheses)", 0
    digits = re.sub(r"[^0#?.,]", "", bare)
    if not re.search(r"[0#?]", digits):  # ``""`` or ``"元"``: text alone, no digit
        return f"shows no digit of it (the format {number_format!r})", 0
    if re.search(r"[0#?],+(?:$|\.)", digits) or digits.endswith(","):
        return "scales it by thousands (a trailing comma)", 0
    return "", len(digits.split(".", 1)[1]) if "." in digits else 0


def _scaled(section: str) -> bool:
    """Whether a literal of a format's section is a scale's letter alone (``_SCALE_LETTERS``),
    or one followed by a unit of money (``"K元"``, ``"k yuan"``, ``"W RMB"``: re-check B2,
    session 26, each read as the amount held, shown a thousand or ten thousand times it)."""
    return any(
        _SCALE_WITH_UNIT.fullmatch(unicodedata.normalize("NFKC", _literal(part)).strip().lower())
        is not None
        for part in _QUOTED.findall(section)
    )


#: A scale's letter, then perhaps a unit of money and what follows it (``"K元"``, ``"k元整"``,
#: ``"K 元/户"``, ``"W人民币"``), read in its plain form (NFKC: ``Ｋ`` is ``K``, ``￥`` is ``¥``;
#: the re-test of session 26 found those read as written): what ``_scaled`` refuses.
_SCALE_WITH_UNIT = re.compile(
    "(?:"
    + "|".join(sorted(_SCALE_LETTERS, key=len, reverse=True))
    + r")(?:\s*(?:元|yuan|rmb|cny|¥|人民币).*)?",
    re.DOTALL,
)


def _negative(section: str) -> bool:
    """Whether a format's section shows a number as negative: a minus sign before or after
    its digits (``-0.00``, ``\\-0.00``, ``"-"0.00``, ``[Red]-0.00``, ``0.00-``), or parentheses
    around them (``(0.00)``), as Excel shows a negative amount (since session 26, before which
    such a cell holding 100 was read as 100, Excel showing -100.00). A dash between digits
    (``000-0000``) and parentheses after them (``0.00"(元)"``) are not. (One that is part of a
    word, ``"JN-"000000``, is said as the word, ``_signed_word``.)"""
    sides = _beside_digits(section)
    if sides is None:
        return False
    before, after = sides
    if any(char in _MINUS for char in before + after):
        return True
    return any(char in "(（" for char in before) and any(char in ")）" for char in after)


def _beside_digits(section: str) -> tuple[str, str] | None:
    """The text a format's section shows before its digits and after them (literals read as
    the text they show, codes in brackets left out), or None if it shows no digit."""
    shown = _BRACKETED.sub("", _QUOTED.sub(lambda part: _literal(part[0]), section))
    places = [i for i, char in enumerate(shown) if char in "0#?"]
    if not places:
        return None
    return shown[: places[0]], shown[places[-1] + 1 :]


def _signed_word(section: str) -> str:
    """The text beside a format's digits holding the minus sign or parenthesis ``_negative``
    saw, when it holds a letter too: a word the format adds, not a sign (``"JN-"000000``
    shows 1 as JN-000001, ``\\J\\N-000000`` too; since session 29, helper c: such a cell was
    said to show a negative number). "" for a sign alone, with spaces or a currency's sign
    (``"¥"-0.00``)."""
    sides = _beside_digits(section)
    for side in sides or ():
        signed = any(char in _MINUS or char in "()（）" for char in side)
        if signed and any(char.isalpha() for char in side):
            return side.strip()
    return ""


def _literal(part: str) -> str:
    """The text a format's literal (``"元"``, ``\\-``, ``!.``) shows."""
    return part[1:-1] if part.startswith('"') else part[1:]


#: Minus signs: ASCII, Unicode's, full-width (typed with a Chinese input method).
_MINUS = frozenset("-−－")


#: General as Excel writes it, and as Chinese Excel and WPS do.
_GENERAL = frozenset({"general", "g/通用格式"})


def _sections(number_format: str) -> list[str]:
    """``number_format``'s sections (positive; negative; zero; text): split at each ``;``
    outside quotes and not escaped (``"编号;"0`` is one section)."""
    sections: list[str] = []
    part: list[str] = []
    quoted = escaped = False
    for char in number_format:
        if escaped:
            escaped = False
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in "\\!_*":  # ``_x``, ``*x``: x is no section's end
            escaped = True
        elif not quoted and char == ";":
            sections.append("".join(part))
            part = []
            continue
        part.append(char)
    sections.append("".join(part))
    return sections


@lru_cache(maxsize=512)
def hidden_text(number_format: str) -> tuple[str, tuple[str | None, ...]]:
    """What ``number_format`` does to a text cell ("" if it shows the text as it is), and what
    it shows: its pieces, literal text or None for the text (``"JN-"@``: ``("JN-", None)``).

    The section that shows text is Excel's: the fourth of four; of fewer, the last if it holds
    ``@`` (``"JN-"@``, ``0;"JN-"@``); with neither, text is shown as typed. Without ``@``
    there, the text is not shown (``;;;`` hides it, ``;;;"N/A"`` shows N/A); with it, any
    text the section adds (quoted, escaped, a currency's ``[$¥-804]``, a fill ``*-``, or a
    character typed bare) is shown beside it (since session 29, tester E: ``"JN-"@`` showed
    JN-999002 for 999002 typed, and 999002 was read). Spaces (``_x``, ``* ``, ``" "``) and
    colours change no text, and pass."""
    sections = _sections(number_format)
    section = sections[3] if len(sections) >= 4 else sections[-1]
    pieces = _text_pieces(section)
    texts = pieces.count(None)
    if len(sections) < 4 and not texts:
        return "", ()
    where = f"(the format {number_format!r})"
    added = "".join(piece for piece in pieces if piece is not None)
    if not texts:
        shows = f"shows {added!r}" if added.strip() else "shows nothing"
        return f"{shows} in place of it {where}", pieces
    if texts > 1:
        return f"shows it {texts} times {where}", pieces
    if added.strip():
        return f"adds {added.strip()!r} to it {where}", pieces
    return "", ()


#: A text section's parts: a literal quoted or escaped, a space (``_x``) or a fill (``*x``),
#: a bracketed code, the text (``@``), or any other character, which Excel shows as it is.
_TEXT_PART = re.compile(r'"[^"]*"?|[\\!].|[_*].|\[[^\]]*\]|.', re.DOTALL)


def _text_pieces(section: str) -> tuple[str | None, ...]:
    """What a format's text ``section`` shows: its literal pieces, and None where the text is."""
    pieces: list[str | None] = []
    for part in _TEXT_PART.findall(section):
        if part == "@":
            pieces.append(None)
        elif part.startswith('"'):
            pieces.append(part[1:].removesuffix('"'))
        elif part[0] in "\\!" or (part[0] == "*" and len(part) == 2):
            pieces.append(part[1:])
        elif part[0] == "_" and len(part) == 2:
            pieces.append(" ")
        elif part.startswith("["):  # a colour, [DBNum1], a locale; a currency's sign shows
            sign = part[2:].split("-", 1)[0] if part.startswith("[$") else ""
            pieces.append(sign.removesuffix("]"))
        else:
            pieces.append(part)
    return tuple(pieces)


def _personal_number_rule(cell: _ShownOtherwise) -> str:
    """The refusal of a number in a personal column (a phone typed as a number) whose format
    shows it otherwise, said as a text cell's is (``_hidden_rule``), the number never quoted:
    ``holds a number (not shown: …), but its number format adds '+86' to it (the format
    '"+86 "0')`` (since session 30, re-tester R: ``"+86 "0`` was said to add a text making it
    another number, the phone read in the refusal as one typed in the wrong cell)."""
    section = _section_for(cell.held, _sections(cell.number_format))
    sides = _beside_digits(section) if section is not None else None
    added = "".join(sides or ()).strip()
    format_said = f"(the format {cell.number_format!r})"
    change = f"adds {added!r} to it {format_said}" if added else cell.change
    return _hidden_rule("", change, (), personal=True, held="a number")


def _hidden_rule(
    text: str, change: str, pieces: tuple[str | None, ...], personal: bool, held: str = "text"
) -> str:
    """The refusal of a text cell whose format shows it otherwise (``hidden_text``): quoting
    the text and what the sheet shows, unless it is personal (docs/privacy.md), when it is
    said to hold ``held`` (text, or a number: ``_personal_number_rule``)."""
    if personal:
        held = f"holds {held} (not shown: a refusal never shows personal data)"
    else:
        held = f"holds {quoted(text)}"
    if pieces.count(None) == 1 and not personal:
        shown = "".join(text if piece is None else piece for piece in pieces)
        change += f", showing {quoted(shown.strip())}"
    advice = "type what it shows and format" if "adds" in change else "format"
    return (
        f"{held}, but its number format {change}: what it shows is not what it holds; "
        f"{advice} the cell General or Text (文本)"
    )


def _decimals(value: float) -> int:
    """How many decimals ``value`` has as typed (``repr``: 1234.56 has 2)."""
    text = repr(value)
    if "e" in text or "E" in text:
        return 0 if abs(value) >= 1 else 16
    return len(text.split(".", 1)[1].rstrip("0")) if "." in text else 0


def _unescaped(text: str) -> str:
    """Text as the spreadsheet shows it: OOXML writes a character XML cannot hold as
    ``_xHHHH_`` (a carriage return pasted from Windows as ``_x000D_``; ``_x005F_`` is a
    literal ``_``), which openpyxl leaves as it is. A line break written CR LF is one line
    break."""
    shown = _OOXML_ESCAPE.sub(lambda found: chr(int(found[1], 16)), text)
    return shown.replace("\r\n", "\n")


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

#: Built-in number formats that are dates in Chinese Excel (zh-CN): 27-31 and 36 (年月日,
#: 年月, 月日), 50-54, 57 and 58 (the same again). 32-35, 55 and 56 are times of day.
_CHINESE_DATES = frozenset({27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})


_HIDDEN = "is hidden: unhide it to import it, or delete it"


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


_TRUE = ("1", "true")


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
#: The last row a sheet may have.
_MAX_ROW = 1_048_576


#: A formula's result type that may be saved as an empty ``<v>``: an empty text.
_TEXT_RESULTS = frozenset({"str", "inlineStr", "s"})


@lru_cache(maxsize=4096)
def _column_number(letters: str) -> int:
    """``_column_of`` a cell reference's letters (``AB``, ``$AB$``), kept: a sheet names a few."""
    return _column_of(letters.upper())


def _column_of(reference: str) -> int:
    """The column number (1-based) of a cell reference such as ``F2`` or ``$AB$10``."""
    number = 0
    for letter in reference:
        if "A" <= letter <= "Z":
            number = number * 26 + ord(letter) - 64
        elif letter != "$":
            break
    return number


_XML_PIECE = 16 * 1024 * 1024


#: The last column a sheet may have (XFD).
_MAX_COLUMN = 16_384


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
        shown_as_read: dict[int, int | float] = {}  # yes/no numbers shown as read, by column
        for i, cell in enumerate(cells):
            if not _empty(cell) and (i >= width or not headers[i]):
                beyond = "beyond the header row" if i >= width else "under an empty header"
                rule = f"has a value {beyond}; give the column a header or clear it"
                errors.append(RowError(where(number), _position(i), rule))
            elif isinstance(cell, _ShownOtherwise) and i < width and headers[i]:
                kind = _column_kind(row_spec, headers[i])
                if (kind == "bool" and _shows_as_read(cell)) or (kind != "bool" and cell.beside):
                    shown_as_read[i] = cell.held
                    continue
                if _personal_header(headers[i]):
                    rule = _personal_number_rule(cell)
                elif kind == "bool":
                    rule = _yes_no_rule(cell, cell.change, cell.number_format)
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


def _command(name: str) -> CommandSpec | None:
    """The command a sheet, a file or a ``command`` cell names: as typed, or trimmed and in
    any case (`` Identify``, ``识别 ``), as headers are read (since session 14; the names are
    lowercase, so no two commands read alike)."""
    return COMMANDS.get(name) or COMMANDS.get(" ".join(name.split()).lower())


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


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


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
    for error in errors:
        err_console.print(str(error), markup=False, highlight=False, soft_wrap=True)
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
