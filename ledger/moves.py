"""A ledger moved to a new store 迁移: ``fupin export events``, then ``fupin import --create``.

The export ends with one closing line, ``{"skipped": {...}, "rows": N, "last_position": P}``
(since session 23 always written, and counting its rows): an import into a new store reads it
to know it has the whole export, not a file cut at a line (``check_whole_export``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from ledger.imports import Row, RowError

__all__ = ["ExportEnd", "check_whole_export", "export_end", "is_export_end"]

#: The keys of an export's closing line (``rows`` and ``last_position`` since session 23).
_END_KEYS = frozenset({"skipped", "rows", "last_position"})


def is_export_end(item: Any) -> bool:
    """Whether a JSONL line's object is an export's closing line."""
    return isinstance(item, dict) and "skipped" in item and set(item) <= _END_KEYS


@dataclass(frozen=True)
class ExportEnd:
    """What an export's closing line says of the rows before it (None: an export written
    before session 23, which did not count them)."""

    rows: int | None
    last_position: int | None


def export_end(data: bytes) -> ExportEnd | None:
    """The closing line of the export ``data`` holds, if its last line that is not blank is
    one; None otherwise (a file cut short, or no export)."""
    end = len(data)  # (not ``data.rstrip()``: a copy of a file of up to 1 GiB)
    while end and data[end - 1 : end].isspace():
        end -= 1
    last = data[data.rfind(b"\n", 0, end) + 1 : end]
    try:
        item = orjson.loads(last)
    except orjson.JSONDecodeError:
        return None
    if not is_export_end(item):
        return None
    return ExportEnd(_count(item.get("rows")), _count(item.get("last_position")))


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_AGAIN = (
    "rows after it could never be added (a new store judges them by today's rules): export "
    "again (fupin export events) and import the whole file; nothing was written"
)


def check_whole_export(name: str, rows: list[Row], end: ExportEnd | None) -> RowError | None:
    """Why the rows of ``name``, an export read into a new store, are not the whole export
    (None: they are, or ``name`` is no export: none of its rows has a ``position``). Its
    rows' positions increase (they are the log's, with gaps where events were not exported:
    seals, keys, a disbursement's receipt; and on PostgreSQL gaps of its own), and its closing
    line is there and counts them. Tester, session 23: ``head -n 7000 ev.jsonl`` imported
    with exit 0 as if whole."""
    read = [(row.where, row.position) for row in rows if row.position is not None]
    if not read:
        return None
    where, position = read[0]
    for at, then in read[1:]:
        if then <= position:
            return RowError(
                at,
                "position",
                f"is {then}, after position {position} ({where}): an export's rows follow "
                f"the log, their positions increasing; this file is no whole export as "
                f"written: {_AGAIN}",
            )
        where, position = at, then
    last = f"the last row read is position {position} ({where})"
    if end is None:
        return RowError(
            name,
            "file",
            f'has no export\'s closing line ({{"skipped": …}}), which every export ends with: '
            f"it was cut short, and {last}; {_AGAIN}",
        )
    if end.rows is not None and (end.rows, end.last_position) != (len(rows), position):
        return RowError(
            name,
            "file",
            f"holds {len(rows)} row(s), and {last}; its closing line says the export wrote "
            f"{end.rows}, the last at position {end.last_position}: rows are missing; {_AGAIN}",
        )
    return None
