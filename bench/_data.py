"""Bench datasets, all built through the application (no back door into the store).

- ``demo_jsonl``: the demo generator's history (``ledger.demo``, scale K), exported as the JSONL
  officers import (``ledger.imports.export_commands``); about 15 k events per unit of scale.
- ``import_jsonl``: a JSONL file imported into a fresh store exactly as ``fupin import`` does it
  (read, validate every row, apply all rows in one unit of work).
- ``signed_ledger``: households identified in batches of 500 by an officer with a signing key
  (one seal per batch): ``bench/verify.py``'s builder.
- ``JsonLedger``: the ledger with eventsourcing's default ``JSONTranscoder`` instead of the
  orjson one, for the transcoder comparison (same commands, same rows, other bytes).
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
from cli.importing import read_jsonl
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoder, Transcoding
from ledger.application import Ledger, open_ledger
from ledger.core import VALUE_TYPES, ledger_transcoder
from ledger.demo.generator import CACHE_ENV, run_demo
from ledger.imports import ImportResult, export_commands, import_rows, sha256
from ledger.store import parse_store

EVENTS_PER_SCALE = 15_000
#: The demo's district admin, who imports its history (``ledger.demo``).
DEMO_ADMIN = "admin"


def scale_for(events: int) -> int:
    """The demo scale that records about ``events`` events."""
    return max(1, round(events / EVENTS_PER_SCALE))


def demo_jsonl(work: Path, scale: int) -> Path:
    """The demo's history at ``scale`` as import JSONL (built once per work folder)."""
    target = work / f"demo-{scale}.jsonl"
    if target.exists():
        return target
    source = work / f"demo-{scale}.db"
    source.unlink(missing_ok=True)
    app = open_ledger(str(source), create=True, extra_env=CACHE_ENV)  # as ``fupin demo``
    try:
        run_demo(app, scale=scale)
        lines = [orjson.dumps(line) for line in export_commands(app)]
    finally:
        app.close()
    target.write_bytes(b"\n".join(lines) + b"\n")
    return target


def head_jsonl(source: Path, target: Path, events: int) -> Path:
    """The first lines of ``source`` that record about ``events`` events (one command, one or
    two events: stop at ``events`` commands, and let the import say how many it recorded)."""
    lines = source.read_bytes().split(b"\n")
    kept = [line for line in lines[:events] if line.strip() and not line.startswith(b'{"skipped')]
    target.write_bytes(b"\n".join(kept) + b"\n")
    return target


def import_jsonl(app: Ledger, path: Path) -> ImportResult:
    """``fupin --as admin import path`` without the CLI: read, validate, apply in one unit of
    work. The district office's admin imports the history of every officer (a migration)."""
    data = path.read_bytes()
    rows, errors = read_jsonl(path.name, data)
    if errors:
        raise RuntimeError(f"bench JSONL has errors: {errors[:3]}")
    result = import_rows(app, rows, source=path.name, digest=sha256(data), default_actor=DEMO_ADMIN)
    if result.errors:
        raise RuntimeError(f"bench import refused: {result.errors[:3]}")
    return result


def fresh(path: Path, cls: type[Ledger] = Ledger) -> Ledger:
    """An empty ledger at ``path`` (the file is replaced)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if cls is Ledger:
        return open_ledger(str(path), create=True)
    location = parse_store(str(path))
    app = cls(env=dict(location.env))
    app.location = location
    return app


class _PlainApplication(Application[UUID]):
    """eventsourcing with the ledger's transcoder and nothing else of the ledger."""

    def construct_transcoder(self) -> Transcoder:
        return ledger_transcoder()


def fresh_plain(path: Path) -> Application[UUID]:
    """An empty plain eventsourcing application at ``path`` (SQLite, the file replaced)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    return _PlainApplication(env=env)


def count_events(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    return int(count)


def stored_rows(path: Path) -> list[tuple[Any, ...]]:
    """Every stored row of a ledger file, in log order."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT * FROM stored_events ORDER BY rowid").fetchall()


def empty_copy(source: Path, target: Path) -> sqlite3.Connection:
    """A new database with ``source``'s schema and the journal mode eventsourcing sets (WAL),
    in autocommit mode so the caller says where transactions begin and end."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as db:
        schema = [
            sql
            for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
            if "stored_events" in sql
        ]
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in schema:
        conn.execute(statement)
    return conn


# -- eventsourcing's default transcoder, taught the ledger's types --------------------------


class _DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class _DataclassAsDict(Transcoding):
    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


class JsonLedger(Ledger):
    """The ledger with eventsourcing's ``JSONTranscoder`` (the library default)."""

    # ``self`` typed as any application: bench/_figures.py calls it on a plain ``Ledger``.
    def construct_transcoder(self: Application[UUID]) -> Transcoder:
        transcoder = JSONTranscoder()
        Application.register_transcodings(self, transcoder)
        # Tuples need no transcoding: the json module writes them as lists (and reads lists).
        transcoder.register(_DateAsISO())
        for cls in VALUE_TYPES:
            transcoder.register(_DataclassAsDict(cls))
        return transcoder


class _Recording(Transcoder):
    """A transcoder that does its inner one's work and keeps each call's argument, so the
    same work can be timed again alone (``replay_seconds``)."""

    def __init__(self, inner: Transcoder) -> None:
        self.inner = inner
        self.calls: list[tuple[bool, Any]] = []  # (encode?, argument)

    def encode(self, obj: Any) -> bytes:
        self.calls.append((True, obj))
        return self.inner.encode(obj)

    def decode(self, data: bytes) -> Any:
        self.calls.append((False, data))
        return self.inner.decode(data)


class RecordingJsonLedger(JsonLedger):
    """``JsonLedger`` keeping every call its transcoder serves (the recording adds a list
    append, ~0.05 µs, to calls of ~10 µs)."""

    def construct_transcoder(self: Application[UUID]) -> Transcoder:
        return _Recording(JsonLedger.construct_transcoder(self))


def replay_seconds(app: Application[UUID]) -> tuple[int, float]:
    """The calls a ``RecordingJsonLedger`` served, and the best of three times its inner
    transcoder takes to serve them again."""
    recording = app.mapper.transcoder
    assert isinstance(recording, _Recording)
    inner, calls = recording.inner, recording.calls
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for encoding, argument in calls:
            if encoding:
                inner.encode(argument)
            else:
                inner.decode(argument)
        best = min(best, time.perf_counter() - began)
    return len(calls), best
