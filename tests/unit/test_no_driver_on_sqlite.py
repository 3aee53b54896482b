"""The ledger, its read models and its verifier load no PostgreSQL driver until a PostgreSQL
store is opened: psycopg and libpq cost every process ~16 MiB (session 27: ``ledger.rows``
imported ``eventsourcing.postgres`` for one ``isinstance``, and the bench's peak memory of a
rebuild and of verify on SQLite rose by that much)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_ledger_loads_no_postgresql_driver() -> None:
    code = (
        "import sys\n"
        "import ledger.application, ledger.verification, ledger.known, ledger.rows\n"
        "import projections.api, projections.series\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_pool')"
        " or m == 'eventsourcing.postgres'))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert shown.stdout.strip() == "[]", shown.stdout
