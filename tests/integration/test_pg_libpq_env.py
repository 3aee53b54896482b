"""libpq's environment variables reach every connection: TLS is asked for with PGSSLMODE, as
the refusal of ``?sslmode=`` in a store URL tells (ledger/store.py, docs/operations.md)."""

from __future__ import annotations

import pytest
from cli.main import app
from typer.testing import CliRunner

from tests.pgserver import PgConnInfo

pytestmark = pytest.mark.postgres


def test_pgsslmode_require_is_honoured(pg_database: PgConnInfo) -> None:
    # The test server speaks no TLS: a connection that requires it is refused, never made
    # in clear (?sslmode=require in the URL used to be dropped, and the connection made).
    runner = CliRunner(env={"PGSSLMODE": "require"})
    plain = CliRunner(env={"PGSSLMODE": "disable"})

    required = runner.invoke(app, ["--store", pg_database.dsn, "projections", "status"])
    allowed = plain.invoke(app, ["--store", pg_database.dsn, "projections", "status"])

    assert required.exit_code == 2, required.output
    assert "SSL" in required.stderr
    assert "holds no ledger" not in required.stderr
    assert "Traceback" not in required.output
    # Connected: the empty database is looked at, and found to hold no ledger yet.
    assert "holds no ledger yet" in allowed.stderr, allowed.output
