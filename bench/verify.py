"""Verify rate on a large ledger, against a raw select + SHA-256 loop over the same rows.

    .venv/bin/python bench/verify.py [--events N] [--store PATH] [--repeat R]

Builds (once) a signed SQLite ledger of about N events — households identified in batches of
500 by a keyed officer, so one seal per batch — then times in the same run, alternately, R
times each (the best of each counts: on a shared machine the slowest runs measure the others):

- raw: ``SELECT rowid, * FROM stored_events ORDER BY rowid`` and SHA-256 of each row's state;
- verify: ``ledger.verification.verify_ledger`` (every check: seals, roles, canonical bytes,
  Merkle root);

and prints events/s of each and the ratio verify/raw.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import time
from datetime import date
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--store", type=Path, default=Path("bench-verify.db"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.store.exists():
        print(f"building {args.events} events in {args.store} ...")
        build(args.store, args.events)
    raws, verifies = [], []
    for _ in range(max(args.repeat, 1)):
        raws.append(raw_rate(args.store))
        verifies.append(verify_rate(args.store))
    raw_n, raw_s = min(raws, key=lambda r: r[1])
    ver_n, ver_s = min(verifies, key=lambda r: r[1])
    raw_rate_s, ver_rate_s = raw_n / raw_s, ver_n / ver_s
    print(f"raw select + sha256: {raw_n} rows in {raw_s:.3f} s = {raw_rate_s:,.0f}/s")
    print(f"fupin verify:        {ver_n} events in {ver_s:.3f} s = {ver_rate_s:,.0f}/s")
    print(f"ratio verify/raw:    {ver_rate_s / raw_rate_s:.2f}x (target >= 0.5x)")


if __name__ == "__main__":
    main()
