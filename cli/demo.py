"""``fupin demo`` 演示: record the synthetic history of the programme, then summarise the reports.

The history goes through the same application commands officers use (``ledger.demo``); its
recording clock is simulated (each event is recorded the morning after it took effect).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from ledger.application import StoreError, open_ledger
from ledger.core import discard_saves
from ledger.demo import CACHE_ENV, run_demo
from ledger.errors import InputError, LedgerError
from ledger.newstore import publish, staged
from ledger.privacy import generate_master_key, write_master_key
from ledger.store import check_path, parse_store
from ledger.values import format_yuan
from projections import api
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from cli.common import console, emit_json, refusals, render_rows, settings
from cli.outputs import check_new_store

if TYPE_CHECKING:
    from projections.pg import NewLedger

__all__ = ["demo"]


@refusals
def demo(
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same history.")] = (
        2016
    ),
    scale: Annotated[
        int, typer.Option("--scale", min=1, help="Multiply the households (100: ~88,400).")
    ] = 1,
    output: Annotated[
        str, typer.Option("--format", help="Summary as a table, or as json.")
    ] = "table",
    drop_unfinished: Annotated[
        bool,
        typer.Option(
            "--drop-unfinished",
            help="PostgreSQL: drop the partial ledger of a demo cut short (kill -9, the "
            "server stopping), and record nothing.",
        ),
    ] = False,
) -> None:
    """Build a realistic synthetic history 演示数据 in a new store, then summarise the reports."""
    started = time.monotonic()
    location = parse_store(settings.store)
    if drop_unfinished:
        if location.path is not None:
            raise InputError(
                "drop-unfinished",
                "only a PostgreSQL store keeps a demo cut short: on SQLite it is never put "
                "in place",
            )
        from projections.pg import drop_unfinished_demo

        events = drop_unfinished_demo(settings.store)
        console.print(
            f"dropped the demo cut short in {location.display} ({events:,} events and its "
            "read models): the database holds no ledger now",
            soft_wrap=True,
        )
        return
    if location.path is None:  # PostgreSQL: an empty database (a ledger refuses initialise)
        if not (os.environ.get("LEDGER_MASTER_KEY") or os.environ.get("LEDGER_MASTER_KEY_FILE")):
            # A key made here could be kept nowhere beside the store: the demo's personal
            # data would be sealed for good.
            raise InputError(
                "master_key",
                "a demo on PostgreSQL needs a master key: make one (fupin keys new-master "
                "--out demo.key) and set LEDGER_MASTER_KEY_FILE=demo.key",
            )
        # psycopg is loaded for PostgreSQL stores only
        from projections.pg import preflight, undone_unless_kept

        # The server's reason in one line, and a database not in UTF8 refused, before a write.
        if preflight(settings.store, create=True):
            result, figures = _record(settings.store, seed, scale, {})  # initialise refuses
        else:
            # A demo refused or interrupted midway leaves the database as it found it: every
            # event there is the demo's once its initialise is recorded (another's init
            # would have made it refused).
            mine: list[bool] = []
            # Marked unfinished until it ends (a kill -9 or a server stopped runs no clean-up).
            try:
                with undone_unless_kept(
                    settings.store, mine=lambda: bool(mine), marked=True
                ) as new:
                    result, figures = _record(settings.store, seed, scale, {}, new, mine)
            except BaseException:
                discard_saves()  # undone: what it committed stands nowhere
                raise
    else:
        # A SQLite store must be new; checked before anything is written, the key included.
        # Then it is made in a hidden file beside its path and takes its name only once the
        # whole history is recorded (ledger.newstore): a refused or interrupted demo leaves
        # neither a store nor a key behind.
        path = location.path
        check_new_store(location)
        if os.path.lexists(path):
            raise StoreError(
                "store",
                f"{location.display} exists; the demo records into a new store: name one that "
                "does not exist",
            )
        if not path.parent.is_dir():
            raise StoreError("store", f"folder {path.parent} does not exist")
        key_file = path.with_name(path.name + ".master-key")
        check_path(key_file, "store")  # a store's name near the file system's limit
        env = _demo_master_key(key_file)
        try:
            with staged(path) as temp:
                result, figures = _record(str(temp), seed, scale, env)
                made = _keep_master_key(env, key_file)
                try:
                    publish(temp, path)
                except BaseException:
                    if made:
                        key_file.unlink(missing_ok=True)
                    raise
        except BaseException:
            # the staged store removed: what the demo committed to it stands nowhere (since
            # session 37, tester k F12: a demo stopped by Ctrl-C said its events "stand")
            discard_saves()
            raise
        if made:
            console.print(
                f"made a demo master key {key_file} (LEDGER_MASTER_KEY_FILE reads it)",
                soft_wrap=True,
            )
    console.print(
        f"recorded {result.households:,} households, {result.people:,} people: "
        f"{result.commands:,} commands, {result.events:,} events "
        f"in {time.monotonic() - started:.1f} s (recording clock simulated)",
        soft_wrap=True,
    )
    if output == "json":
        emit_json(figures)
    else:
        render_summary(figures)


def _record(
    store: str | None,
    seed: int,
    scale: int,
    key: dict[str, str],
    made: NewLedger | None = None,
    initialised: list[bool] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Record the demo's history into ``store``; its result and the plan's figures. ``made``
    is told once the ledger is open, ``initialised`` once its initialise is recorded."""
    app = open_ledger(store, create=True, extra_env={**CACHE_ENV, **key})
    if made is not None:
        made.opened = True
    try:
        with _bar(scale) as progress:
            result = run_demo(
                app,
                seed=seed,
                scale=scale,
                progress=progress,
                started=None if initialised is None else lambda: initialised.append(True),
            )
        return result, api.summary(app)
    finally:
        app.close()


def _demo_master_key(key_file: Path) -> dict[str, str]:
    """Personal data is always recorded encrypted (docs/privacy.md). A demo run without a
    master key gets one, so the demo works on a fresh machine: the key file beside its store
    if there is one already, else a new key, written beside the store once the demo is
    recorded (``_keep_master_key``). A PostgreSQL demo needs a master key of its own."""
    if os.environ.get("LEDGER_MASTER_KEY") or os.environ.get("LEDGER_MASTER_KEY_FILE"):
        return {}
    if key_file.exists():
        return {"LEDGER_MASTER_KEY_FILE": str(key_file)}
    return {"LEDGER_MASTER_KEY": generate_master_key()}


def _keep_master_key(env: dict[str, str], key_file: Path) -> bool:
    """Write the demo's new master key beside its store (mode 0600); whether it was made."""
    text = env.get("LEDGER_MASTER_KEY")
    if text is None:
        return False
    try:
        write_master_key(key_file, text)
    except LedgerError as exc:  # write_master_key names its --out: here it is the store's key
        raise StoreError("store", f"the demo's master key: {exc.rule}") from None
    return True


def render_summary(figures: dict[str, Any]) -> None:
    """The plan's headline figures, as the reports compute them from the events."""
    key = figures["key_targets"]
    all_key = key.get("all", {"households": 0, "people": 0})
    rows: list[tuple[str, str]] = [
        (
            "in scope 纳入范围",
            f"{figures['households']:,} households, {figures['people']:,} people",
        ),
        (
            "key targets 重点帮扶对象",
            f"{all_key['households']} households, {all_key['people']} people",
        ),
    ]
    for area, label in (("rural", "rural 农村"), ("urban", "urban 城镇")):
        part = key.get(area, {"households": 0, "people": 0})
        rows.append((f"  {label}", f"{part['households']} households, {part['people']} people"))
    for year, done in figures["exits_by_year"].items():
        share = 100 * done["households"] / all_key["households"] if all_key["households"] else 0
        rows.append((f"exits 退出 {year}", f"{done['households']} households ({share:.0f} %)"))
    for rule in figures["per_person"]:
        word = _said(rule["meets_rule"], rule["programme_over"], "the programme's last day")
        rows.append(
            (
                "fiscal money per key-target person",
                f"{format_yuan(rule['per_person_fen'])} yuan (rule ≥ "
                f"{format_yuan(rule['per_person_min_fen'])}: {word})",
            )
        )
    for split in figures["splits"]:
        rows.append(
            (
                f"funds {split['year']} city : district : street",
                f"{format_yuan(split['city_fen'])} : {format_yuan(split['district_fen'])} : "
                f"{format_yuan(split['street_fen'])} ({_split_rules(split)})",
            )
        )
    for section, count in figures["accountability"].items():
        rows.append((f"accountability: {section}", str(count)))
    render_rows(f"the programme as of {figures['today']}", ("figure", "value"), rows)


def _said(met: bool, over: bool, by: str) -> str:
    """A money rule's word, as the funds report's flags say it (the HTML report's ✓, ✗ or
    "… due"): kept; not kept once its day is over; until then not met yet, due, not failed."""
    if met:
        return "kept"
    return "NOT kept" if over else f"not met yet, due by {by}"


def _split_rules(split: dict[str, Any]) -> str:
    """Each of a year's money rules (funds report ``splits``): the city against the local side
    (6:4), the district's and the streets' shares of the local minimum (50:50) and the local
    total. Before session 23 the line said only the local total's, "kept" beside a broken 6:4."""
    over, by = split["year_over"], f"31 Dec {split['year']}"
    rules = (
        ("city : local", split["city_local_ok"]),
        ("district share", split["district_ok"]),
        ("street share", split["street_ok"]),
        (f"local ≥ {format_yuan(split['local_min_fen'])}", split["local_total_ok"]),
    )
    if all(met for _, met in rules):
        return ", ".join(name for name, _ in rules) + ": all kept"
    return "; ".join(f"{name}: {_said(met, over, by)}" for name, met in rules)


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
