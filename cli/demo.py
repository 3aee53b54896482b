"""``fupin demo`` 演示: record the synthetic history of the programme, then summarise the reports.

The history goes through the same application commands officers use (``ledger.demo``); its
recording clock is simulated (each event is recorded the morning after it took effect).
"""

from __future__ import annotations

import time
from typing import Annotated

import typer
from ledger.application import open_ledger
from ledger.demo import run_demo
from projections import api
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from cli.common import console, emit_json, refusals, settings

__all__ = ["demo"]

#: Aggregates kept in memory while the demo runs (households, accounts, officers, helpers).
_CACHE = {"AGGREGATE_CACHE_MAXSIZE": "20000", "AGGREGATE_CACHE_FASTFORWARD": "n"}


@refusals
def demo(
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same history.")] = (
        2016
    ),
    scale: Annotated[
        int, typer.Option("--scale", min=1, help="Multiply the households (100: ~88,400).")
    ] = 1,
) -> None:
    """Build a realistic synthetic history 演示数据 in a new store, then summarise the reports."""
    started = time.monotonic()
    app = open_ledger(settings.store, create=True, extra_env=_CACHE)
    try:
        with _bar(scale) as progress:
            result = run_demo(app, seed=seed, scale=scale, progress=progress)
        console.print(
            f"recorded {result.households:,} households, {result.people:,} people: "
            f"{result.commands:,} commands, {result.events:,} events "
            f"in {time.monotonic() - started:.1f} s (recording clock simulated)"
        )
        emit_json(api.summary(app))
    finally:
        app.close()


class _bar:  # a progress bar only when it helps: large scales on a terminal
    def __init__(self, scale: int) -> None:
        self.scale = scale
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _bar:
        if self.scale > 1:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            )
            self.progress.start()
        return self

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(f"demo {phase}", total=total)
        self.progress.update(self.tasks[phase], completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
