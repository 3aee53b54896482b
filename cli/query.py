"""``fupin query "SELECT ..."``: analysts' read-only SQL over the read models (``pj_*``)."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import date, time
from itertools import chain
from typing import Annotated, Any

import orjson
import typer
from ledger.errors import InputError
from projections import api
from projections.query import QueryError, run_query

from cli.common import (
    MAX_TABLE_CELLS,
    ledger_session,
    refusals,
    render_rows,
    table_cells,
    too_large_for_table,
)
from cli.outputs import SpreadsheetCSV
from cli.privacy import reader_of
from cli.reports import FormatOption, OutputFormat
from cli.stdout import escaped

#: The most characters one cell may show (16 MiB); a BLOB shows two hex digits a byte.
#: No read model holds a cell past a few KiB: a larger one is an analyst's own making
#: (``randomblob(1000000000)`` grew the process to 16 GB rendering it).
MAX_CELL_CHARS = 16 * 1024 * 1024

#: The most characters the text and BLOB cells of a whole answer may show (512 MiB): every
#: read model of a 10 M-event ledger fits many times over.
MAX_RESULT_CHARS = 512 * 1024 * 1024

#: The most cells a whole answer may hold (4 M; a row of no columns counts as one), whatever
#: they hold: 5 M one-integer rows took 930 MB (PostgreSQL) and 20 M ended in a MemoryError,
#: as only characters were counted. The biggest read model of a 1 M-event ledger, pj_visits,
#: is ~2.6 M cells; an answer is measured as it is fetched and refused at the bound.
MAX_RESULT_CELLS = 4_000_000

_BLOBS = frozenset({bytes, bytearray, memoryview})

#: Why ``query`` takes neither time (``--as-of``, ``--known-at``).
_NOW_ONLY = (
    "fupin query reads the read models as they are now, and takes no --as-of or --known-at: "
    "the reports take both (fupin report caseload|funds|accountability, fupin export report, "
    "--as-of DAY --known-at TIME; docs/reports.md, Two times)"
)

_ASK_FOR_LESS = "ask for less (a WHERE, a LIMIT, fewer columns, or count()/sum() ... GROUP BY)"


@refusals
def query(
    sql: Annotated[str, typer.Argument(help="One SELECT (or WITH ... SELECT) statement.")],
    output: FormatOption = OutputFormat.table,
    as_of: Annotated[str | None, typer.Option("--as-of", hidden=True)] = None,
    known_at: Annotated[str | None, typer.Option("--known-at", hidden=True)] = None,
) -> None:
    """Run one read-only SELECT over the read models 读模型 (tables in docs/reports.md).

    It reads them as they are now: no --as-of or --known-at (the reports take both). Options
    go before a `--` that ends them: fupin query --format csv -- "SELECT ..."."""
    for name, given in (("as-of", as_of), ("known-at", known_at)):
        if given is not None:  # since session 28 (before, Click's "No such option")
            raise InputError(name, _NOW_ONLY)
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        with api.steady(app, "query"):  # refused if a rebuild began
            columns, rows = run_query(app, sql, Bounds(table=output is OutputFormat.table))
    shown = shown_rows(columns, rows)
    if output is OutputFormat.json:
        answer = {"columns": columns, "rows": _json_cells(shown)}
        # A value JSON has no type for (PostgreSQL's numeric, interval) as the table shows it.
        text = orjson.dumps(answer, default=str, option=orjson.OPT_INDENT_2)
        sys.stdout.write(text.decode() + "\n")
    elif output is OutputFormat.csv:
        writer = SpreadsheetCSV(sys.stdout)
        writer.writerow(columns)
        writer.writerows(as_text(shown))
    else:
        render_rows("query", columns, visible(as_text(shown)))


class Bounds:
    """An answer's bounds, measured batch by batch as its rows are fetched (``run_query``):
    past ``MAX_RESULT_CELLS`` cells, a cell past ``MAX_CELL_CHARS`` or the text and BLOB cells
    past ``MAX_RESULT_CHARS``, the query is refused before the next batch is fetched and
    before anything is shown, so memory stays bounded. (Each check is a pass in C over a
    batch's cells; the row and column are looked for only once a bound is crossed.) For the
    ``table`` format, past ``MAX_TABLE_CELLS`` shown cells too (since session 24)."""

    def __init__(self, *, table: bool = False) -> None:
        self.rows = 0
        self.cells = 0
        self.chars = 0
        self.table = table
        self.shown = 0  # the cells a table shows, its cells' lines past their first counted

    def __call__(self, columns: Sequence[str], batch: Sequence[Sequence[Any]]) -> None:
        width = max(len(columns), 1)
        if self.table:
            self._check_table(width, batch)
        self.cells += width * len(batch)
        if self.cells > MAX_RESULT_CELLS:
            raise QueryError(
                "sql",
                f"the result is larger than {MAX_RESULT_CELLS:,} cells by row "
                f"{MAX_RESULT_CELLS // width + 1:,}; {_ASK_FOR_LESS}",
            )
        blobs = not _BLOBS.isdisjoint(map(type, chain.from_iterable(batch)))
        if blobs:  # no read model holds one
            for number, row in enumerate(batch, self.rows + 1):
                for column, cell in zip(columns, row, strict=True):
                    if type(cell) in _BLOBS:
                        _check_blob(column, number, cell)

        def sizes() -> Iterator[int]:
            texts = map(len, filter(str.__instancecheck__, chain.from_iterable(batch)))
            if not blobs:
                return texts
            cells = chain.from_iterable(batch)
            return chain(texts, (2 * _size(cell) for cell in cells if type(cell) in _BLOBS))

        if max(sizes(), default=0) > MAX_CELL_CHARS:
            for number, row in enumerate(batch, self.rows + 1):
                for column, cell in zip(columns, row, strict=True):
                    if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                        raise QueryError(
                            "sql",
                            f"row {number}, column {column!r} holds {len(cell):,} characters; "
                            f"{_cell_limit()}",
                        )
        if self.chars + sum(sizes()) > MAX_RESULT_CHARS:
            for number, row in enumerate(batch, self.rows + 1):
                self.chars += sum(_shown_size(cell) for cell in row)
                if self.chars > MAX_RESULT_CHARS:
                    raise QueryError(
                        "sql",
                        f"the result is larger than {MAX_RESULT_CHARS:,} characters by row "
                        f"{number:,}; {_ASK_FOR_LESS}",
                    )
        self.chars += sum(sizes())
        self.rows += len(batch)

    def _check_table(self, width: int, batch: Sequence[Sequence[Any]]) -> None:
        """Refuse the table format past ``MAX_TABLE_CELLS``, naming the row that crossed it."""
        if self.shown + table_cells(width, batch) <= MAX_TABLE_CELLS:
            self.shown += table_cells(width, batch)
            return
        for number, row in enumerate(batch, self.rows + 1):
            self.shown += table_cells(width, [row])
            if self.shown > MAX_TABLE_CELLS:
                raise too_large_for_table(
                    f"this answer passes it at row {number:,}", ", or a LIMIT"
                )


def shown_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The cells as every format shows them: a BLOB (PostgreSQL's bytea) as its bytes in
    lowercase hex (its size was bounded as it was fetched: ``Bounds``)."""
    if not _BLOBS.isdisjoint(map(type, chain.from_iterable(rows))):  # no read model holds one
        rows = [_hexed(columns, number, row) for number, row in enumerate(rows, 1)]
    return rows


#: The types a cell of either store holds as the table, CSV and JSON all write it alike.
_PLAIN = frozenset({int, float, str, type(None)})


def as_text(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The cells as the table and CSV show them: what PostgreSQL gives as other Python values
    (json and arrays, booleans, timestamps) written as the JSON format writes them, so every
    format shows the same cell (they showed Python's ``{'k': 1}``, ``True`` and
    ``2026-11-29 21:00:00`` where JSON has ``{"k":1}``, ``true`` and ``2026-11-29T21:00:00``)."""
    if _PLAIN.issuperset(map(type, chain.from_iterable(rows))):
        return rows
    return [[c if type(c) in _PLAIN else _text(c) for c in row] for row in rows]


#: The control characters a table shows as their pictures (U+2400…): every one but the line
#: feed, which breaks the line (the tab too, ``␉``, since re-tester S: shown as blank space, a
#: narrow column wrapped at it, and ``a\tb`` read as two lines); a carriage return ``␍`` and
#: a line break (before a line feed, ``␍`` alone). Since session 28: a CR was dropped
#: (``a\rb`` read ``ab``) and an escape passed to the terminal as it was, while CSV and JSON
#: keep every character.
_PICTURES = {c: chr(0x2400 + c) for c in range(32) if chr(c) != "\n"} | {127: "\u2421"}
_PICTURES[13] = "\u240d\n"
#: Shown as their escapes (``\u009b``, ``\u202e``: as fupin writes a character its terminal
#: cannot show, ``cli.stdout.escaped``), since session 28: the C1 controls U+0080-U+009F
#: (U+009B is a terminal's CSI, U+0085 NEL a line end), the line and paragraph separators
#: U+2028 and U+2029, and the marks of direction with U+FEFF (the Bidi_Control characters,
#: which recorded text may not hold: ``ledger.values``); they reached the terminal as they were.
#: Since re-tester Z, the zero-width and other invisible format characters too (U+200B-U+200D,
#: U+2060-U+2064, the soft hyphen U+00AD, U+180E, U+FFF9-U+FFFB, the tags U+E0000-U+E007F) and
#: the Hangul fillers U+115F, U+1160, U+3164: ``'jn-0'||char(8203)||'1'`` looked like jn-01.
_ESCAPED_RANGES = (
    (0x80, 0x9F),
    (0x2028, 0x2029),
    (0x61C, 0x61C),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x2069),
    (0xFEFF, 0xFEFF),
    (0xAD, 0xAD),
    (0x180E, 0x180E),
    (0xFFF9, 0xFFFB),
    (0xE0000, 0xE007F),
    (0x115F, 0x1160),
    (0x3164, 0x3164),
)
_ESCAPED = "".join(
    re.escape(chr(first)) + (f"-{re.escape(chr(last))}" if last > first else "")
    for first, last in _ESCAPED_RANGES
)
_CONTROL = re.compile(f"[\x00-\x09\x0b-\x1f\x7f{_ESCAPED}]")
_PICTURES.update(
    {c: escaped(chr(c)) for first, last in _ESCAPED_RANGES for c in range(first, last + 1)}
)


def visible(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The cells as the table shows them: control characters as ``_PICTURES`` says."""
    texts = filter(str.__instancecheck__, chain.from_iterable(rows))
    if not any(map(_CONTROL.search, texts)):
        return rows
    return [[_pictured(c) if isinstance(c, str) else c for c in row] for row in rows]


def _pictured(cell: str) -> str:
    return cell.replace("\r\n", "\r").translate(_PICTURES)


def _text(cell: Any) -> str:
    # orjson writes json, arrays, booleans, dates and times as the JSON format does (a date's
    # text without its quotes); what it has no type for (numeric, interval) the JSON format
    # writes with ``str``, as here.
    if isinstance(cell, _AS_JSON):
        return orjson.dumps(cell, default=str).decode().strip('"')
    return str(cell)


#: PostgreSQL's values that orjson writes (datetime is a date).
_AS_JSON = (dict, list, tuple, bool, date, time)


def _json_cells(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """An infinite or NaN float (``1e400``; PostgreSQL's ``'NaN'::float8``) as the table prints
    it, ``inf``: JSON has no such number, and orjson would write ``null``, a NULL's spelling."""
    if all(map(_finite_or_other, chain.from_iterable(rows))):
        return rows
    return [[c if _finite_or_other(c) else str(c) for c in row] for row in rows]


def _finite_or_other(cell: Any) -> bool:
    return not isinstance(cell, float) or math.isfinite(cell)


def _hexed(columns: Sequence[str], number: int, row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        _hex(column, number, cell) if type(cell) in _BLOBS else cell
        for column, cell in zip(columns, row, strict=True)
    )


def _cell_limit() -> str:
    return (
        f"a cell shows at most {MAX_CELL_CHARS:,} characters ({MAX_CELL_CHARS >> 20} MiB): "
        "select part of it (substr(), length(), a WHERE)"
    )


def _size(cell: Any) -> int:
    """A BLOB's bytes."""
    return int(cell.nbytes) if isinstance(cell, memoryview) else len(cell)


def _shown_size(cell: Any) -> int:
    """The characters a text or BLOB cell shows (0 for any other)."""
    if isinstance(cell, str):
        return len(cell)
    return 2 * _size(cell) if type(cell) in _BLOBS else 0


def _hex(column: str, number: int, cell: Any) -> str:
    """A BLOB cell as hex (a refusal if its hex would be past ``MAX_CELL_CHARS``)."""
    _check_blob(column, number, cell)
    return bytes(cell).hex()


def _check_blob(column: str, number: int, cell: Any) -> None:
    size = _size(cell)
    if 2 * size > MAX_CELL_CHARS:
        raise QueryError(
            "sql",
            f"row {number}, column {column!r} is a BLOB of {size:,} bytes, "
            f"{2 * size:,} hex digits; {_cell_limit()}",
        )
