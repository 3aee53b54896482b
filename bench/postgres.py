"""PostgreSQL: the ledger's appends and rebuild against eventsourcing's own default
configuration, on the same throwaway server (durable settings: fsync on) in the same run.

    .venv/bin/python bench/postgres.py [--appends N] [--batch N] [--smoke]

- single: N saves one after another — ``Ledger.record_visit`` (load, permission check, rules,
  seal check, orjson, save) against a bare eventsourcing ``Application`` saving one event of a
  one-field aggregate with its default JSON transcoder and default postgres settings;
- batched: N commands in one ``Ledger.batch()`` (one transaction) against one ``save`` of N
  new aggregates of the bare application;
- rebuild: ``projections.api.rebuild`` (every read model, one transaction per page) against
  reading and decoding every notification of the bare application.

Prints events/s of each pair and the ratio (ledger / baseline). A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from ledger import clock
from ledger.privacy import generate_master_key
from projections import api
from tests.pgserver import ThrowawayPostgres
from tests.support import TickingClock, ledger_at, register, stamp


class Note(Aggregate):
    """The baseline's aggregate: one event, one field."""

    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Amended")
    def amend(self, text: str) -> None:
        self.text = text


class Baseline(Application[Any]):
    """eventsourcing's defaults: JSON transcoder, no compressor, no cache, no lock timeout."""


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def timed(work: Any) -> tuple[int, float]:
    started = time.perf_counter()
    count = work()
    return count, time.perf_counter() - started


def ledger_figures(dsn: str, appends: int, batch: int) -> dict[str, float]:
    with clock.using_clock(TickingClock()), ledger_at(dsn) as app:
        register(app, "JH-1")
        app.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")

        def single() -> int:
            for _ in range(appends):
                app.record_visit(stamp("jn-01", date(2016, 9, 1)), "JH-1", "c-1")
            return appends

        def batched() -> int:
            with app.batch():
                for _ in range(batch):
                    app.record_visit(stamp("jn-01", date(2016, 9, 1)), "JH-1", "c-1")
            return batch

        figures = {"single": rate(*timed(single)), "batched": rate(*timed(batched))}
        figures["rebuild"] = rate(*timed(lambda: api.rebuild(app)))
    return figures


def baseline_figures(env: dict[str, str], appends: int, batch: int) -> dict[str, float]:
    app = Baseline(env=env)
    note = Note("first")
    app.save(note)

    def single() -> int:
        for n in range(appends):
            note.amend(f"text {n}")
            app.save(note)
        return appends

    def batched() -> int:
        app.save(*[Note(f"note {n}") for n in range(batch)])
        return batch

    def replay() -> int:
        count, start = 0, 0
        while page := app.recorder.select_notifications(start, 1000, inclusive_of_start=False):
            for notification in page:
                app.mapper.to_domain_event(notification)
            count += len(page)
            start = page[-1].id
        return count

    figures = {"single": rate(*timed(single)), "batched": rate(*timed(batched))}
    figures["rebuild"] = rate(*timed(replay))
    app.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=1000, help="single saves to time")
    parser.add_argument("--batch", type=int, default=5000, help="commands in the batch")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.appends, args.batch = 20, 100
    os.environ.setdefault("LEDGER_MASTER_KEY", generate_master_key())  # a throwaway ledger
    with ThrowawayPostgres(fast=False) as server:
        ours = ledger_figures(server.create_database("ledger").dsn, args.appends, args.batch)
        base = baseline_figures(
            server.create_database("baseline").eventsourcing_env(CREATE_TABLE="y"),
            args.appends,
            args.batch,
        )
    print(f"{'figure':<10}{'ledger ev/s':>14}{'baseline ev/s':>16}{'ratio':>8}")
    for name in ("single", "batched", "rebuild"):
        print(f"{name:<10}{ours[name]:>14,.0f}{base[name]:>16,.0f}{ours[name] / base[name]:>8.2f}")


if __name__ == "__main__":
    main()
