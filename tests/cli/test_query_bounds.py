"""``fupin query`` bounds every answer by its cells, not only its characters, and measures it
as it is fetched: ``select g from generate_series(1,5000000) g`` took 930 MB on PostgreSQL
(a recursive query 520 MB on SQLite), and 20 M rows ended in ``internal error: MemoryError``,
exit 1, as only text and BLOB characters were counted, after the whole answer was fetched."""

from __future__ import annotations

import pytest
from cli.main import app
from projections import storage

from cli import query as query_command
from tests.cli.conftest import Fupin, assert_refused


def _postgres(fupin: Fupin) -> bool:
    return fupin.store.startswith("postgresql://")


def _numbers(fupin: Fupin, count: int, cell: str = "{n}") -> str:
    """SQL for ``count`` rows of one cell, ``cell`` with ``{n}`` the row's number."""
    if _postgres(fupin):
        return f"SELECT {cell.format(n='g')} AS n FROM generate_series(1, {count}) AS g"
    return (
        f"WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < {count}) "
        f"SELECT {cell.format(n='i')} AS n FROM r"
    )


def test_an_answer_of_too_many_numbers_is_refused(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query_command, "MAX_RESULT_CELLS", 1000)

    for output in ("table", "csv", "json"):
        result = seeded.runner.invoke(app, ["query", _numbers(seeded, 5000), "--format", output])

        assert_refused(
            result, "sql", "the result is larger than 1,000 cells by row 1,001; ask for less"
        )
        assert "a WHERE, a LIMIT" in result.stderr
        assert result.stdout == ""


def test_cells_are_counted_across_columns(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query_command, "MAX_RESULT_CELLS", 1000)
    sql = _numbers(seeded, 400, "{n} AS a, {n} AS b, {n}")

    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    assert_refused(result, "sql", "the result is larger than 1,000 cells by row 334")


def test_an_answer_at_the_bound_is_shown(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query_command, "MAX_RESULT_CELLS", 1000)

    result = seeded.runner.invoke(app, ["query", _numbers(seeded, 1000), "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [str(n) for n in range(1, 1001)]


def test_the_answer_is_fetched_no_further_than_the_bound(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows past the 350th fail when made: fetched in batches of 100 and refused at the third,
    # they never are (the whole answer fetched first met the error instead).
    monkeypatch.setattr(query_command, "MAX_RESULT_CELLS", 250)
    monkeypatch.setattr(storage, "FETCH_ROWS", 100)
    monkeypatch.setattr("projections.pg.FETCH_ROWS", 100, raising=False)
    failing = "CASE WHEN {n} > 350 THEN 1 / ({n} - {n}) ELSE {n} END"
    if not _postgres(seeded):
        failing = "CASE WHEN {n} > 350 THEN json({n} || 'x') ELSE {n} END"  # malformed JSON

    result = seeded.runner.invoke(app, ["query", _numbers(seeded, 100_000, failing)])

    assert_refused(result, "sql", "the result is larger than 250 cells by row 251")


@pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_rows_of_no_columns_are_counted(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> None:
    # PostgreSQL allows a SELECT of no columns: a million empty rows are a million rows.
    monkeypatch.setattr(query_command, "MAX_RESULT_CELLS", 1000)

    result = seeded.runner.invoke(app, ["query", "SELECT FROM generate_series(1, 5000)"])

    assert_refused(result, "sql", "the result is larger than 1,000 cells by row 1,001")


def test_a_query_after_a_refused_one_runs(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> None:
    # The refused answer's query is stopped (PostgreSQL: cancelled, its transaction ended).
    monkeypatch.setattr(query_command, "MAX_RESULT_CELLS", 10)
    monkeypatch.setattr(storage, "FETCH_ROWS", 5)
    monkeypatch.setattr("projections.pg.FETCH_ROWS", 5, raising=False)
    assert_refused(seeded.runner.invoke(app, ["query", _numbers(seeded, 1000)]), "sql", "cells")

    result = seeded.runner.invoke(
        app, ["query", "SELECT count(*) AS n FROM pj_households", "--format", "csv"]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == "n\n4\n"
