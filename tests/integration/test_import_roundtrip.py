"""Export → import into a fresh store → identical reports; importing again records nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from ledger.application import Ledger, open_ledger
from ledger.demo import CACHE_ENV, run_demo
from ledger.imports import ImportResult, Row, export_commands, import_rows
from projections import api

from tests.store_copies import StoreCopies, kind
from tests.support import figures


def _rows(lines: list[dict[str, object]]) -> list[Row]:
    rows = []
    for number, line in enumerate(lines, 1):
        if "command" not in line:
            continue
        values = {k: line[k] for k in ("ref", "actor", "effective", "document", "note")}
        args = line["args"]
        assert isinstance(args, dict)
        # A JSONL line's values, not a spreadsheet's cells (an export's card ending in 000 is
        # replayed as recorded: the cut-card rule judges cells only).
        rows.append(Row(f"line {number}", str(line["command"]), {**values, **args}, cells=False))
    return rows


def _reports(app: Ledger) -> list[dict[str, Any]]:
    return [figures(api.caseload(app)), figures(api.funds(app)), figures(api.accountability(app))]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    app = open_ledger(
        str(tmp_path_factory.mktemp("src") / "source.db"), create=True, extra_env=CACHE_ENV
    )
    run_demo(app, seed=3)
    yield app
    app.close()


@dataclass
class Imported:
    """The source's rows imported into an empty ledger once a module on each store (~5 s on
    SQLite, ~7 s on PostgreSQL, imported by each test until session 33), copied for each test,
    and what each of those imports said."""

    rows: list[Row]
    said: dict[str, ImportResult]  # by the location imported into
    copies: StoreCopies


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest, source: Ledger
) -> Iterator[Imported]:
    rows = _rows(list(export_commands(source)))
    said: dict[str, ImportResult] = {}

    def build(store: str) -> None:
        app = open_ledger(store, create=True, extra_env=CACHE_ENV)
        try:
            said[kind(store)] = import_rows(app, rows, source="events.jsonl", digest="d")
        finally:
            app.close()

    with StoreCopies.of(tmp_path_factory, request, build) as copies:
        yield Imported(rows, said, copies)


@pytest.fixture
def target(
    store: str, imported: Imported, request: pytest.FixtureRequest
) -> Iterator[tuple[Ledger, ImportResult]]:
    """A copy of the ledger the source's rows were imported into when it was empty, on each
    store in turn (the source stays one SQLite file per module), and what that import said."""
    imported.copies.copy_to(store, request)
    app = open_ledger(store, extra_env=CACHE_ENV)
    yield app, imported.said[kind(store)]
    app.close()


def test_an_exported_log_imported_into_an_empty_store_gives_identical_reports(
    source: Ledger, target: tuple[Ledger, ImportResult]
) -> None:
    app, result = target

    assert result.errors == []
    assert _reports(app) == _reports(source)


def test_importing_the_same_rows_twice_records_nothing_new(
    imported: Imported, target: tuple[Ledger, ImportResult]
) -> None:
    app, _ = target
    before = app.event_count()

    again = import_rows(app, imported.rows, source="events.jsonl", digest="d")

    assert (again.applied, again.skipped, again.errors) == (0, len(imported.rows), [])
    assert app.event_count() == before
