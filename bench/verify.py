"""Verify rate on a large ledger, against a raw select + SHA-256 loop over the same rows.

    .venv/bin/python bench/verify.py [--events N] [--store PATH] [--repeat R]

Builds (once) a signed SQLite ledger of about N events — households identified in batches of
500 by a keyed officer, so one seal per batch — then reads the file once (so neither side
meets a cold page cache) and times in the same run, alternately, R times each (the best of each
counts: on a shared machine the slowest runs measure the others):

- raw: ``SELECT rowid, * FROM stored_events ORDER BY rowid`` and SHA-256 of each row's state;
- verify: ``ledger.verification.verify_ledger`` (every check: seals, roles, canonical bytes,
  Merkle root);

and prints events/s of each and the ratio verify/raw.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

if __name__ == "__main__":  # run as a script: the project's packages from its root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger import clock
from ledger.application import open_ledger
from ledger.casework import Identification
from ledger.household import Personal
from ledger.keys import generate_key, public_key_text
from ledger.transparency import register_signing_key
from ledger.verification import verify_ledger
from tests.support import TickingClock, id_card, seed_reference, stamp

BATCH = 500


def build(path: Path, events: int) -> None:
    key = generate_key()
    with clock.using_clock(TickingClock()):
        app = open_ledger(str(path), create=True)
        try:
            seed_reference(app)
            register_signing_key(app, stamp(), "jn-01", public_key_text(key))
            app.sealer.add_key(key)
            for start in range(0, events, BATCH):
                with app.batch():
                    for n in range(start, min(start + BATCH, events)):
                        app.identify(stamp("jn-01", date(2016, 8, 1)), _facts(n))
        finally:
            app.close()


def _facts(n: int) -> Identification:
    personal = Personal(f"户主{n}", id_card(n), "13800000000", "江海区")
    return Identification(
        f"B-{n:07d}", "江南", "雄光", "rural", 3, True, True, False, True, personal
    )


def raw_rate(path: Path) -> tuple[int, float]:
    began = time.perf_counter()
    count = 0
    with sqlite3.connect(path) as db:
        for row in db.execute("SELECT rowid, * FROM stored_events ORDER BY rowid"):
            hashlib.sha256(row[4]).digest()
            count += 1
    db.close()
    return count, time.perf_counter() - began


def verify_rate(path: Path) -> tuple[int, float]:
    # Without the master key: verify never decrypts personal data (docs/privacy.md).
    app = open_ledger(str(path), extra_env={"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": ""})
    try:
        began = time.perf_counter()
        report = verify_ledger(app.recorder, app.mapper)
        elapsed = time.perf_counter() - began
    finally:
        app.close()
    assert report.ok, report.problems[:3]
    return report.size, elapsed


def warm(path: Path) -> None:
    """Read the database file (and its write-ahead log) once, so that the first timed run, raw or
    verify, does not pay for a cold page cache that the others do not."""
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            with part.open("rb") as f:
                while f.read(1 << 20):
                    pass


@dataclass(frozen=True)
class Comparison:
    """The best (shortest) of ``repeat`` alternating runs of each side, on the same file."""

    raw_rows: int
    raw_seconds: float
    events: int
    seconds: float

    @property
    def raw_rate(self) -> float:
        return self.raw_rows / self.raw_seconds

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def compare(path: Path, repeat: int = 3) -> Comparison:
    """Warm ``path``, then time raw and verify alternately, ``repeat`` times each; the best of
    each counts (``bench/run``'s verify figure and this script's ``main`` both use it)."""
    warm(path)
    raws, verifies = [], []
    for _ in range(max(repeat, 1)):
        raws.append(raw_rate(path))
        verifies.append(verify_rate(path))
    raw_n, raw_s = min(raws, key=lambda r: r[1])
    ver_n, ver_s = min(verifies, key=lambda r: r[1])
    return Comparison(raw_n, raw_s, ver_n, ver_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--store", type=Path, default=Path("bench-verify.db"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.store.exists():
        print(f"building {args.events} events in {args.store} ...")
        build(args.store, args.events)
    c = compare(args.store, args.repeat)
    print(f"raw select + sha256: {c.raw_rows} rows in {c.raw_seconds:.3f} s = {c.raw_rate:,.0f}/s")
    print(f"fupin verify:        {c.events} events in {c.seconds:.3f} s = {c.rate:,.0f}/s")
    print(f"ratio verify/raw:    {c.rate / c.raw_rate:.2f}x (target >= 0.5x)")


if __name__ == "__main__":
    main()
