#!/usr/bin/env python3
"""Peak memory of rebuild and verify measured on a 10 M-event ledger made by tiling a demo history.

    .venv/bin/python bench/ten_million.py --source demo-67.jsonl --work DIR
        [--copies 10] [--rows N] [--chunk 150000] [--signed] [--json] [--smoke]

The demo generator would take hours to make 10 M events, so the ledger is built from an existing
history in import JSONL (``bench/run --work DIR`` leaves ``demo-67.jsonl``, 1 M rows):

- **Tiling.** The source's rows (its first ``--rows``) are written ``--copies`` times, each
  copy renamed so that it is an independent history of the same programme: every household,
  helper (enterprises included), fund account and inspection gets the suffix ``-cN`` (the
  first copy keeps the source's names), in the arguments that name them and in the row's
  ``ref`` (refs are unique, and an import skips a recorded ref). The reference data —
  ``initialise``, the programme and its years, streets, villages, officers, and corrections
  of those — is written once. Each copy carries its own accounts with their own allocations,
  so every balance stays what it is in the source. Effective dates and every other value are
  kept.
- **Order.** The source is read in blocks of ``chunk / copies`` rows and each block is written
  once per copy, so every import interleaves all copies and the history stays roughly in date
  order (as a real 10 M ledger's would); a reference row closes the block before it, so each
  copy's rows see exactly the reference data they saw in the source.
- **Import.** The tiled rows are imported in chunks of ``--chunk`` rows, each its own import
  (``bench/_data.import_jsonl``: read, validate, apply all or nothing, as ``fupin import``); an
  import holds its whole file in memory (~7 GB per 1 M rows). Nothing holds the source whole.
  A chunk refused stops the run, naming the rows. An interrupted build continues where it
  stopped when run again with the same options (each import skips its recorded refs).
- **Measure.** Peak RSS of ``projections rebuild`` and of ``verify`` on that ledger, each in a
  fresh process (``bench/_figures._peak``), with the events each went through and its wall
  time. Verify runs on the tiled ledger, which has no signing keys: seals and signatures are
  not exercised. ``--signed`` also builds a signed ledger of as many events with
  ``bench/verify.py``'s builder (hours at 10 M) and measures verify on it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script: the project's packages from its root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from bench import _data
from bench import _figures as fig
from ledger.application import open_ledger
from ledger.commands import COMMANDS

#: Commands on the reference data every copy shares: written once.
REFERENCE_COMMANDS = frozenset(
    {
        "initialise",
        "open_programme",
        "set_year",
        "register_street",
        "add_village",
        "register_officer",
        "change_officer",
        "retire_officer",
    }
)

#: Kinds of aggregate (as in refs ``kind:key@version`` and ``correct``'s ``kind``) that each
#: copy has its own of, renamed per copy; the others (programme, street, officer) are shared.
TILED_KINDS = frozenset({"household", "helper", "fund", "inspection"})

#: Arguments naming a tiled aggregate (an empty value names nothing and stays empty).
TILED_ARGS = frozenset(
    {"household", "helper", "replacement", "enterprise", "account", "inspection"}
)

#: ``record_finding``'s subject kinds that name a tiled aggregate.
TILED_SUBJECTS = frozenset({"household", "helper", "account"})

Log = Callable[[str], None]


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- tiling --------------------------------------------------------------------------------


def command_of(item: dict[str, Any]) -> str:
    """The row's command by its English name (a row may name it in Chinese)."""
    name = str(item["command"])
    spec = COMMANDS.get(name)
    return spec.name if spec is not None else name


def is_reference(item: dict[str, Any]) -> bool:
    """A row on the reference data every copy shares (written once)."""
    command = command_of(item)
    if command == "correct":
        return item.get("args", {}).get("kind") not in TILED_KINDS
    return command in REFERENCE_COMMANDS


#: The note of a tiled rectification report whose source row had none.
LATE_NOTE = "补录：按源账本所记录入"


def suffix(copy: int) -> str:
    """What copy ``copy`` (0 is the source's own names) appends to every tiled name."""
    return f"-c{copy + 1}"


def rename(item: dict[str, Any], copy: int) -> dict[str, Any]:
    """Row ``item`` of copy ``copy`` (not a reference row): every tiled name and the ref get
    the copy's suffix; copy 0 is the row as it is, but that a rectification report says why it
    is entered now, long after the deadline it is dated by (``Inspection.report_rectification``,
    since session 22: the tiles are imported into a ledger that is not empty, so not replayed
    as an export's rows are). A row written anew here carries no ``recorded_at``: a copy is
    written after the rows of later blocks, out of the export's recording order, and is
    judged by today's rules, as any row (since session 23)."""
    if "recorded_at" in item:
        item = {key: value for key, value in item.items() if key != "recorded_at"}
    if command_of(item) == "report_rectification" and not str(item.get("note") or "").strip():
        item = {**item, "note": LATE_NOTE}
    if copy == 0:
        return item
    end = suffix(copy)
    args = dict(item.get("args", {}))
    for name in TILED_ARGS & args.keys():
        if args[name]:
            args[name] = f"{args[name]}{end}"
    command = command_of(item)
    if command == "record_finding" and args.get("subject_kind") in TILED_SUBJECTS:
        args["subject"] = f"{args['subject']}{end}"
    if command == "correct":
        args["key"] = f"{args['key']}{end}"
    return {**item, "ref": _renamed_ref(str(item["ref"]), end), "args": args}


def _renamed_ref(ref: str, end: str) -> str:
    """``household:JN-000001@2`` -> ``household:JN-000001-c2@2`` (an export's refs); any other
    ref -> ``ref-c2``."""
    kind, colon, rest = ref.partition(":")
    key, at, version = rest.rpartition("@")
    if colon and at and kind in TILED_KINDS and version.isdigit():
        return f"{kind}:{key}{end}@{version}"
    return f"{ref}{end}"


def source_rows(source: Path, rows: int | None = None) -> Iterator[bytes]:
    """The command lines of ``source`` (its first ``rows``), streamed; blank lines and an
    export's closing ``{"skipped": ...}`` left out."""
    taken = 0
    with source.open("rb") as f:
        for raw in f:
            if rows is not None and taken >= rows:
                return
            line = raw.rstrip(b"\r\n")
            if not line.strip() or line.startswith(b'{"skipped"'):
                continue
            taken += 1
            yield line


class Tiling:
    """``lines`` written ``copies`` times, a block of ``block`` lines at a time (see the
    module): the reference rows once, in place, every other row once per copy, renamed."""

    def __init__(self, lines: Iterable[bytes], copies: int, block: int) -> None:
        self.source, self.copies, self.block = lines, copies, max(block, 1)
        self.reference = 0  # reference rows met so far

    def __iter__(self) -> Iterator[bytes]:
        pending: list[tuple[bytes, dict[str, Any]]] = []
        for line in self.source:
            item = orjson.loads(line)
            if is_reference(item):
                yield from self._copies(pending)
                self.reference += 1
                yield line
                continue
            pending.append((line, item))
            if len(pending) >= self.block:
                yield from self._copies(pending)
        yield from self._copies(pending)

    def _copies(self, pending: list[tuple[bytes, dict[str, Any]]]) -> Iterator[bytes]:
        for copy in range(self.copies):
            for line, item in pending:
                late = command_of(item) == "report_rectification"
                kept = copy == 0 and not late
                yield line if kept else orjson.dumps(rename(item, copy))
        pending.clear()


def chunks(lines: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- building the ledger -------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """What a build wrote: rows of the tiled file (reference rows once), imports, events."""

    rows: int
    reference_rows: int
    imports: int
    events: int
    seconds: float


def build(
    source: Path,
    store: Path,
    *,
    copies: int,
    chunk: int,
    rows: int | None = None,
    work: Path | None = None,
    log: Log = _log,
) -> Built:
    """Tile ``source`` into the ledger at ``store`` (created if missing; an existing one is
    continued: every import skips the refs it already recorded), ``chunk`` rows an import."""
    work = work or store.parent
    if store.exists():
        log(f"continuing {store}: every import skips the rows it already recorded")
    else:
        _data.fresh(store).close()
    chunk_file = work / f"{store.stem}-chunk.jsonl"
    began = time.perf_counter()
    total = imports = 0
    tiling = Tiling(source_rows(source, rows), copies, chunk // copies)
    for lines in chunks(tiling, chunk):
        chunk_file.write_bytes(b"\n".join(lines) + b"\n")
        app = open_ledger(str(store))
        try:
            result = _data.import_jsonl(app, chunk_file)
        finally:
            app.close()
        imports += 1
        total += len(lines)
        rate = total / (time.perf_counter() - began)
        log(
            f"import {imports}: {len(lines):,} rows ({result.applied:,} applied, "
            f"{result.skipped:,} already recorded); {total:,} rows so far, {rate:,.0f} rows/s"
        )
    chunk_file.unlink(missing_ok=True)
    seconds = time.perf_counter() - began
    return Built(total, tiling.reference, imports, _data.count_events(store), seconds)


# -- measuring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Peak:
    """Peak RSS of one job in a fresh process, the events it went through, its wall time."""

    name: str
    mib: float
    events: int
    seconds: float
    limit_mib: int = fig.MEMORY_LIMIT_MIB

    @property
    def met(self) -> bool:
        return self.mib <= self.limit_mib

    def line(self) -> str:
        return (
            f"{self.name:<45} {self.mib:>8,.1f} MiB  (<= {self.limit_mib} MiB: "
            f"{'yes' if self.met else 'NO'})  {self.events:>12,} events  {self.seconds:>8,.1f} s"
        )


def peak(job: str, path: Path, label: str) -> Peak:
    """``bench/_figures._peak``: ``job`` (rebuild or verify) in a fresh process."""
    began = time.perf_counter()
    mib, events = fig._peak(job, path)
    return Peak(f"peak memory, {job} ({label})", mib, events, time.perf_counter() - began)


# -- the command ---------------------------------------------------------------------------


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--source", type=Path, help="import JSONL to tile (demo-67.jsonl)")
    parser.add_argument("--work", type=Path, required=True, help="folder of the ledger(s)")
    parser.add_argument("--copies", type=int, default=10, help="copies of the source (10)")
    parser.add_argument("--rows", type=int, help="tile only the source's first N rows")
    parser.add_argument("--chunk", type=int, default=150_000, help="rows per import (150000)")
    parser.add_argument("--signed", action="store_true", help="also a signed ledger (hours)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check it runs")
    args = parser.parse_args(argv)
    if args.copies < 1 or args.chunk < 1 or (args.rows is not None and args.rows < 1):
        parser.error("--copies, --chunk and --rows are at least 1")
    if args.smoke:
        args.copies, args.chunk = 3, 2_000
        args.rows = min(args.rows or 3_000, 3_000)
    elif args.source is None:
        parser.error("--source is needed (e.g. demo-67.jsonl of bench/run --work DIR)")
    return args


def run(args: argparse.Namespace) -> tuple[Built, list[Peak]]:
    work: Path = args.work
    source: Path = args.source or _data.demo_jsonl(work, 1)
    store = work / "ten-million.db"
    options = {
        "source": str(source.resolve()),
        "size": source.stat().st_size,
        "copies": args.copies,
        "rows": args.rows,
        "chunk": args.chunk,
    }
    marker = work / "ten-million.json"
    state = orjson.loads(marker.read_bytes()) if marker.exists() else {}
    if state.get("options") != options:  # another build's ledger: start again
        for part in ("", "-wal", "-shm"):
            Path(f"{store}{part}").unlink(missing_ok=True)
        state = {"options": options}
    if "built" in state and store.exists():
        built = Built(**state["built"])
        _log(f"reusing {store}: {built.events:,} events")
    else:
        marker.write_bytes(orjson.dumps(state))
        _log(f"tiling {source.name} x {args.copies} into {store} ...")
        built = build(source, store, copies=args.copies, chunk=args.chunk, rows=args.rows)
        marker.write_bytes(orjson.dumps({**state, "built": asdict(built)}))
    _log(f"{built.events:,} events; rebuild in a fresh process ...")
    label = f"tiled demo x{args.copies}, unsigned"
    peaks = [peak("rebuild", store, label)]
    _log("verify in a fresh process ...")
    peaks.append(peak("verify", store, label))
    if args.signed:
        signed = work / f"signed-{built.events}.db"
        _log(f"signed ledger of {built.events:,} events (bench/verify.py's builder) ...")
        fig.build_verify_ledger(signed, built.events)
        _log("verify (signed) in a fresh process ...")
        peaks.append(peak("verify", signed, "signed"))
    return built, peaks


def master_key(work: Path) -> None:
    """Personal data is recorded encrypted (docs/privacy.md): unless LEDGER_MASTER_KEY is set,
    a throwaway key for the throwaway ledger, kept in ``work`` so that a later run can continue
    or reuse the ledger; the measured subprocesses inherit it."""
    if os.environ.get("LEDGER_MASTER_KEY"):
        return
    from ledger.privacy import generate_master_key

    path = work / "master-key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(generate_master_key())
    os.environ["LEDGER_MASTER_KEY"] = path.read_text().strip()


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    master_key(args.work)
    built, peaks = run(args)
    if args.json:
        print(orjson.dumps({"built": asdict(built), "peaks": [asdict(p) for p in peaks]}).decode())
        return
    print(
        f"ledger: {built.events:,} events from {built.rows:,} rows ({args.copies} copies, "
        f"{built.reference_rows:,} reference rows once), {built.imports} imports, "
        f"built in {built.seconds:,.0f} s"
    )
    for p in peaks:
        print(p.line())


if __name__ == "__main__":
    main()
