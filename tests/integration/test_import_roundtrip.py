"""Export → import into a fresh store → identical reports; importing again records nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ledger.application import Ledger, open_ledger
from ledger.demo import CACHE_ENV, run_demo
from ledger.imports import Row, export_commands, import_rows
from projections import api

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


@pytest.fixture
def target(store: str) -> Iterator[Ledger]:
    """An empty ledger on each store in turn (the source stays one SQLite file per module)."""
    app = open_ledger(store, create=True, extra_env=CACHE_ENV)
    yield app
    app.close()


def test_an_exported_log_imported_into_an_empty_store_gives_identical_reports(
    source: Ledger, target: Ledger
) -> None:
    rows = _rows(list(export_commands(source)))

    result = import_rows(target, rows, source="events.jsonl", digest="d")

    assert result.errors == []
    assert _reports(target) == _reports(source)


def test_importing_the_same_rows_twice_records_nothing_new(source: Ledger, target: Ledger) -> None:
    rows = _rows(list(export_commands(source)))
    import_rows(target, rows, source="events.jsonl", digest="d")
    before = target.event_count()

    again = import_rows(target, rows, source="events.jsonl", digest="d")

    assert (again.applied, again.skipped, again.errors) == (0, len(rows), [])
    assert target.event_count() == before
