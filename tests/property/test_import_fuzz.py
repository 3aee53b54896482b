"""Fuzzed rows and files never crash the importer and never half-write (Hypothesis)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from cli.importing import read_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger.commands import COMMANDS
from ledger.imports import Row, import_rows
from ledger.places import Street
from openpyxl import Workbook

from tests.support import ledger_at

NAMES = sorted({spec.name for spec in COMMANDS.values()})

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["2016-08-01", "江南", "雄光", "jn-01", "是", "1e400", "12.345", "\ud800"]),
    st.lists(st.text(max_size=5), max_size=3),
)


@st.composite
def rows(draw: st.DrawFn) -> list[Row]:
    found = []
    for n in range(draw(st.integers(1, 4))):
        spec = COMMANDS[draw(st.sampled_from(NAMES))]
        columns = [a.name for a in spec.args] + ["ref", "actor", "effective", "document", "x"]
        chosen = draw(st.lists(st.sampled_from(columns), unique=True, max_size=len(columns)))
        values: dict[str, Any] = {c: draw(cells) for c in chosen}
        found.append(Row(f"row {n}", spec.name, values))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=rows())
def test_fuzzed_rows_never_crash_and_never_half_write(
    tmp_path_factory: Any, batch: list[Row]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "ledger.db"
    with ledger_at(path) as app:
        before = app.event_count()

        result = import_rows(app, batch, source="fuzz", digest="f")

        if result.errors:
            assert app.event_count() == before
        else:
            assert result.applied == len(batch)


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register_street"
    sheet.append(["ref", "actor", "effective", "document", "street"])
    sheet.append(["S-1", "admin", "2016-08-01", "doc", "外海"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOK = _workbook()


@settings(max_examples=80, deadline=None)
@given(cut=st.integers(0, len(WORKBOOK) - 1))
def test_a_truncated_workbook_is_reported_not_raised(cut: int) -> None:
    found, errors = read_bytes("t.xlsx", WORKBOOK[:cut])

    assert found or errors


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".jsonl", ".csv", ".xlsx"]))
def test_arbitrary_bytes_are_read_into_rows_or_errors_never_an_exception(
    data: bytes, suffix: str
) -> None:
    found, errors = read_bytes(f"identify{suffix}", data)

    assert isinstance(found, list)
    assert isinstance(errors, list)


def test_a_whole_workbook_imports_its_sheet(tmp_path: Path) -> None:
    found, errors = read_bytes("book.xlsx", WORKBOOK)

    with ledger_at(tmp_path / "l.db") as app:
        result = import_rows(app, found, source="book.xlsx", digest="w")

        assert (errors, result.errors, result.applied) == ([], [], 1)
        assert app.exists(Street, "外海")
