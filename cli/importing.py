"""``fupin import`` 批量导入: apply officers' files (JSONL, CSV, XLSX) atomically; templates.

``fupin import FILE...`` reads every file into rows, then ``ledger.imports.import_rows``
applies them all or none; ``--dry-run`` checks everything and writes nothing.
``fupin import template`` writes empty templates; the columns are those of ``ledger.commands``
(docs/import.md).
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from ledger.commands import COMMANDS, PROVENANCE, Arg, CommandSpec
from ledger.imports import ImportResult, Row, RowError, import_rows, sha256
from rich.progress import Progress
from typer.core import TyperGroup

from cli.common import REFUSED, console, err_console, ledger_session, refusals, settings

__all__ = ["import_app", "read_file"]

_JSONL_KEYS = frozenset(
    {"command", "ref", "actor", "effective", "document", "note", "args", "role", "recorded_at"}
    | {"position"}
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


def read_file(path: Path) -> tuple[list[Row], list[RowError]]:
    """The rows of a JSONL, CSV or XLSX file, and every error found reading it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [RowError(str(path), "file", f"cannot be read: {exc.strerror}")]
    return read_bytes(path.name, data)


def read_bytes(name: str, data: bytes) -> tuple[list[Row], list[RowError]]:
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return read_jsonl(name, data)
    if suffix == ".csv":
        return read_csv(name, data)
    if suffix == ".xlsx":
        return read_xlsx(name, data)
    return [], [RowError(name, "file", "is not .jsonl, .csv or .xlsx")]


def read_jsonl(name: str, data: bytes) -> tuple[list[Row], list[RowError]]:
    """One JSON object a line: ``{"command", "ref", "actor", "effective", "document", "note",
    "args": {...}}``; blank lines and an export's closing ``{"skipped": ...}`` are ignored."""
    rows: list[Row] = []
    errors: list[RowError] = []
    for number, line in enumerate(data.split(b"\n"), 1):
        where = f"{name} line {number}"
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            errors.append(RowError(where, "json", f"not valid JSON ({str(exc)[:80]})"))
            continue
        if isinstance(item, dict) and set(item) == {"skipped"}:
            continue
        row = _jsonl_row(where, item)
        if isinstance(row, RowError):
            errors.append(row)
        else:
            rows.append(row)
    return rows, errors


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
    return Row(where, command, {**values, **args})


def read_csv(name: str, data: bytes) -> tuple[list[Row], list[RowError]]:
    """A header row, then one row per command; the command is the file's name (``identify.csv``
    or ``识别.csv``) unless a ``command`` / ``命令`` column names it on each row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(name, "file", "is not UTF-8 text")]
    if "\x00" in text:
        return [], [RowError(name, "file", "contains NUL characters")]
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return [], [RowError(name, "file", f"is not valid CSV ({exc})")]
    return _table_rows(name, Path(name).stem, table, lambda n: f"{name} row {n}")


def read_xlsx(name: str, data: bytes) -> tuple[list[Row], list[RowError]]:
    """One sheet per command, named for it (English or Chinese); a 说明 sheet is skipped."""
    try:
        sheets = list(_xlsx_sheets(data))
    except Exception as exc:  # openpyxl and zipfile raise many kinds on a damaged file
        reason = "truncated" if isinstance(exc, zipfile.BadZipFile | EOFError) else "damaged"
        return [], [RowError(name, "file", f"is not a readable XLSX workbook ({reason})")]
    rows: list[Row] = []
    errors: list[RowError] = []
    for title, table in sheets:
        if title in _README_SHEETS:
            continue
        found, bad = _table_rows(name, title, table, partial(_sheet_row, f"{name} [{title}]"))
        rows += found
        errors += bad
    return rows, errors


def _sheet_row(sheet: str, number: int) -> str:
    return f"{sheet} row {number}"


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, list[list[Any]]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            yield sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _table_rows(
    name: str, command: str, table: list[list[Any]], where: Callable[[int], str]
) -> tuple[list[Row], list[RowError]]:
    """Rows of a table whose first row holds the headers (English or Chinese)."""
    if not table:
        return [], []
    headers = ["" if h is None else str(h).strip() for h in table[0]]
    by_row = any(h in ("command", "命令") for h in headers)
    spec = None if by_row else COMMANDS.get(command)
    if not by_row and spec is None:
        return [], [
            RowError(name, "file", f"{command!r} is not a command (name the file or sheet)")
        ]
    rows: list[Row] = []
    errors: list[RowError] = []
    for number, cells in enumerate(table[1:], 2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        raw = dict(zip(headers, cells, strict=False))
        row_command = str(raw.pop("command", raw.pop("命令", "")) or "") if by_row else command
        row_spec = spec or COMMANDS.get(row_command)
        if row_spec is None:
            errors.append(RowError(where(number), "command", f"{row_command!r} is not a command"))
            continue
        values, columns, unknown = _by_argument(row_spec, raw)
        errors += [RowError(where(number), h, "unknown column") for h in unknown]
        rows.append(Row(where(number), row_spec.name, values, columns))
    return rows, errors


def _by_argument(
    spec: CommandSpec, raw: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    names = _header_names(spec)
    values: dict[str, Any] = {}
    columns: dict[str, str] = {}
    unknown: list[str] = []
    for header, cell in raw.items():
        if not header:
            continue
        arg = names.get(header)
        if arg is None:
            unknown.append(header)
            continue
        values[arg] = None if isinstance(cell, str) and not cell.strip() else cell
        columns[arg] = header
    return values, columns, unknown


def _header_names(spec: CommandSpec) -> dict[str, str]:
    """Header -> argument: the English name, the Chinese header, or both ("户号 household")."""
    names: dict[str, str] = {}
    for arg in (*PROVENANCE, *spec.args):
        for header in (arg.name, arg.zh, f"{arg.zh} {arg.name}", f"{arg.name} {arg.zh}"):
            names[header] = arg.name
    return names


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
) -> None:
    """Bulk import 批量导入 FILE(s): every row or none; every bad row named (row, column, rule)."""
    rows: list[Row] = []
    errors: list[RowError] = []
    digest_input = b""
    for path in files:
        found, bad = read_file(path)
        rows += found
        errors += bad
        digest_input += path.read_bytes() if path.is_file() else b""
    if errors:
        _refuse(errors, len(rows))
    source = ", ".join(p.name for p in files)
    with ledger_session(create=create) as app, _progress(len(rows)) as advance:
        result = import_rows(
            app,
            rows,
            source=source,
            digest=sha256(digest_input),
            default_actor=settings.actor or "",
            dry_run=dry_run,
            progress=advance,
        )
    _report(result)


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
        return
    console.print(
        f"imported {result.applied} row(s); skipped {result.skipped} already imported "
        f"(of {result.rows})"
    )


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long files (more than 1,000 rows, on a terminal)."""
    if total <= 1000 or not sys.stderr.isatty():
        yield None
        return
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("importing", total=total)
        yield lambda done, _total: bar.update(task, completed=done)


@import_app.command("template")
@refusals
def template(
    output_format: Annotated[
        TemplateFormat, typer.Option("--format", help="xlsx (one sheet a command) or csv.")
    ] = TemplateFormat.xlsx,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File (xlsx) or folder (csv); default fupin-import."),
    ] = None,
) -> None:
    """Write empty, documented import templates 导入模板 (docs/import.md)."""
    if output_format is TemplateFormat.xlsx:
        target = output or Path("fupin-import.xlsx")
        write_xlsx_template(target)
    else:
        target = output or Path("fupin-import")
        write_csv_templates(target)
    console.print(f"template written to {target}")


def _specs() -> list[CommandSpec]:
    seen: dict[str, CommandSpec] = {}
    for spec in COMMANDS.values():
        seen.setdefault(spec.name, spec)
    return list(seen.values())


def _headers(spec: CommandSpec) -> list[str]:
    return [a.name for a in (*PROVENANCE, *spec.args)]


def _describe(arg: Arg) -> str:
    need = "required" if arg.required else f"optional (default {arg.default!r})"
    return f"{arg.kind}, {need}" + (f"; {arg.help}" if arg.help else "")


def write_xlsx_template(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "说明"
    readme.append(["sheet", "命令", "column", "中文表头", "kind"])
    for spec in _specs():
        sheet = workbook.create_sheet(spec.name)
        sheet.append(_headers(spec))
        for cell, arg in zip(sheet[1], (*PROVENANCE, *spec.args), strict=True):
            cell.comment = Comment(f"{arg.zh}: {_describe(arg)}", "fupin")
            readme.append([spec.name, spec.zh, arg.name, arg.zh, _describe(arg)])
    workbook.save(path)


def write_csv_templates(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for spec in _specs():
        with (folder / f"{spec.name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerow(_headers(spec))
