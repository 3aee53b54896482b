"""``fupin query "SELECT ..."``: analysts' read-only SQL over the read models (``pj_*``)."""

from __future__ import annotations

import csv
import math
import sys
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Annotated, Any

import orjson
import typer
from projections import api
from projections.query import QueryError, run_query

from cli.common import ledger_session, refusals, render_rows
from cli.reports import FormatOption, OutputFormat

#: The most characters one cell may show (16 MiB); a BLOB shows two hex digits a byte.
#: No read model holds a cell past a few KiB: a larger one is an analyst's own making
#: (``randomblob(1000000000)`` grew the process to 16 GB rendering it).
MAX_CELL_CHARS = 16 * 1024 * 1024

#: The most characters the text and BLOB cells of a whole answer may show (512 MiB): every
#: read model of a 10 M-event ledger fits many times over.
MAX_RESULT_CHARS = 512 * 1024 * 1024

_BLOBS = frozenset({bytes, bytearray, memoryview})


@refusals
def query(
    sql: Annotated[str, typer.Argument(help="One SELECT (or WITH ... SELECT) statement.")],
    output: FormatOption = OutputFormat.table,
) -> None:
    """Run one read-only SELECT over the read models 读模型 (tables in docs/reports.md)."""
    with ledger_session() as app:
        api.catch_up(app)
        columns, rows = run_query(app, sql)
    shown = shown_rows(columns, rows)
    if output is OutputFormat.json:
        answer = {"columns": columns, "rows": _json_cells(shown)}
        # A value JSON has no type for (PostgreSQL's numeric, interval) as the table shows it.
        text = orjson.dumps(answer, default=str, option=orjson.OPT_INDENT_2)
        sys.stdout.write(text.decode() + "\n")
    elif output is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(shown)
    else:
        render_rows("query", columns, shown)


def shown_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The cells as every format shows them: a BLOB (PostgreSQL's bytea) as its bytes in
    lowercase hex. A cell past ``MAX_CELL_CHARS``, or an answer past ``MAX_RESULT_CHARS``,
    is refused before anything is shown. (Each check is a pass in C over every cell: a
    million rows take a fraction of a second; the row and column are looked for only once
    a bound is crossed.)"""
    if not _BLOBS.isdisjoint(map(type, chain.from_iterable(rows))):  # no read model holds one
        rows = [_hexed(columns, number, row) for number, row in enumerate(rows, 1)]

    def texts() -> Iterator[str]:
        return filter(str.__instancecheck__, chain.from_iterable(rows))

    if max(map(len, texts()), default=0) > MAX_CELL_CHARS:
        for number, row in enumerate(rows, 1):
            for column, cell in zip(columns, row, strict=True):
                if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                    raise QueryError(
                        "sql",
                        f"row {number}, column {column!r} holds {len(cell):,} characters; "
                        f"{_cell_limit()}",
                    )
    if sum(map(len, texts())) > MAX_RESULT_CHARS:
        total = 0
        for number, row in enumerate(rows, 1):
            total += sum(len(cell) for cell in row if isinstance(cell, str))
            if total > MAX_RESULT_CHARS:
                raise QueryError(
                    "sql",
                    f"the result is larger than {MAX_RESULT_CHARS:,} characters by row "
                    f"{number}; ask for less (a WHERE, a LIMIT, fewer columns)",
                )
    return rows


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


def _hex(column: str, number: int, cell: Any) -> str:
    """A BLOB cell as hex, or a refusal if its hex would be past ``MAX_CELL_CHARS``."""
    size = cell.nbytes if isinstance(cell, memoryview) else len(cell)
    if 2 * size > MAX_CELL_CHARS:
        raise QueryError(
            "sql",
            f"row {number}, column {column!r} is a BLOB of {size:,} bytes, "
            f"{2 * size:,} hex digits; {_cell_limit()}",
        )
    return bytes(cell).hex()
