"""Everyday commands on a large ledger: the wall time and peak memory of one ``fupin`` run each.

    .venv/bin/python bench/commands.py --store DIR10M/ten-million.db [--json]

An officer runs one command at a time, each a fresh process, so what matters at scale is that a
command which reads or writes one household does not grow with the ledger. This runs, each in
a fresh process (peak RSS from ``RUSAGE_CHILDREN`` of a wrapper, as ``bench/run``'s memory
rows): a household's dossier and timeline, a one-row import of a visit (appended to the store:
one visit and its import record, under a new reference each run), and two whole-ledger reports
as JSON, which grow with the ledger as they must. The household and helper are an active
pairing read from the read models, so it runs on any ledger with one and with the officers
``admin`` and ``ana-1`` (``fupin demo``'s, the bench's, the tiled 10 M one). Not a test and
no target: docs/performance.md records figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from ledger.application import open_ledger
from projections import api
from projections.storage import open_database

ROOT = Path(__file__).resolve().parent.parent
FUPIN = Path(sys.executable).parent / "fupin"

#: Runs the command given after it, then prints its peak RSS in KiB (a fresh parent's children).
_WRAPPER = (
    "import resource, subprocess, sys;"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE);"
    "sys.stdout.write(done.stderr.decode()[-2000:]) if done.returncode else None;"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


@dataclass(frozen=True)
class Run:
    """One command: what it was, its wall time, its peak RSS, its exit code."""

    name: str
    seconds: float
    mib: float
    exit_code: int

    def line(self) -> str:
        return (
            f"{self.name:<40} {self.seconds:>8.2f} s  {self.mib:>8.1f} MiB  exit {self.exit_code}"
        )


@dataclass(frozen=True)
class Pairing:
    household: str
    helper: str
    visit_on: date  # the day of the household's last visit by the helper (or its pairing)


def a_pairing(store: Path) -> Pairing:
    """An active pairing (the one with the household number first in order) and the day of
    its latest visit (another visit that day is fine, and the day does not drift past today
    over many runs), from the read models (caught up first)."""
    app = open_ledger(str(store))
    try:
        api.catch_up(app)
        db = open_database(app.location)
        try:
            found = db.one(
                "SELECT p.household, p.helper, MAX(COALESCE(v.visited_on, p.paired_on)) "
                "FROM pj_pairings p LEFT JOIN pj_visits v ON v.aggregate_id = p.aggregate_id "
                "AND v.helper = p.helper WHERE p.unpaired_on IS NULL "
                "GROUP BY p.household, p.helper ORDER BY p.household, p.helper LIMIT 1"
            )
        finally:
            db.close()
    finally:
        app.close()
    if found is None:
        raise SystemExit(f"{store} has no active pairing to visit")
    household, helper, last = found
    return Pairing(household, helper, date.fromisoformat(last))


def timed(name: str, argv: list[str]) -> Run:
    command = [sys.executable, "-c", _WRAPPER, *argv]
    began = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - began
    *failure, last = out.stdout.splitlines()
    code, kib = last.split()
    if int(code):
        print(f"{name}: exit {code}\n" + "\n".join(failure), file=sys.stderr)
    return Run(name, seconds, int(kib) / 1024, int(code))


def run(store: Path) -> list[Run]:
    store = store.resolve()  # the commands run from the repository's folder
    pairing = a_pairing(store)
    base = [str(FUPIN), "--store", str(store)]
    officer = [*base, "--as", "admin"]
    analyst = [*base, "--as", "ana-1"]
    with tempfile.TemporaryDirectory() as scratch:
        row = Path(scratch) / "visit.jsonl"
        item = {
            "command": "record_visit",
            "ref": f"bench-commands:{time.time_ns()}",
            "actor": "admin",
            "effective": pairing.visit_on.isoformat(),
            "document": "bench/commands.py",
            "args": {"household": pairing.household, "helper": pairing.helper, "summary": "走访"},
        }
        row.write_bytes(orjson.dumps(item) + b"\n")
        return [
            timed("household show (dossier)", [*officer, "household", "show", pairing.household]),
            timed("history (one household)", [*officer, "history", pairing.household]),
            timed("import of one row (a visit)", [*officer, "import", str(row)]),
            timed(
                "report caseload --format json",
                [*analyst, "report", "caseload", "--format", "json"],
            ),
            timed(
                "report accountability --format json",
                [*analyst, "report", "accountability", "--format", "json"],
            ),
        ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a SQLite ledger")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    runs = run(args.store.resolve())
    if args.json:
        print(orjson.dumps([asdict(r) for r in runs]).decode())
    else:
        for r in runs:
            print(r.line())
    if any(r.exit_code for r in runs):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
