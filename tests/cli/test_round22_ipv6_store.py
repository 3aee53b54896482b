"""Session 22, a district administrator on PostgreSQL 15: a store on an IPv6 address was
shown as ``postgresql://off2@::1:55432/fupin``, where the port reads as part of the address.
The host is now bracketed as in the URL typed (``[::1]``)."""

from __future__ import annotations

from cli.main import app
from typer.testing import CliRunner

runner = CliRunner(env={"LEDGER_STORE": None, "LEDGER_ACTOR": None, "LEDGER_KEY": None})


def test_a_store_on_an_ipv6_address_is_shown_with_its_host_bracketed() -> None:
    # Port 1: nothing listens there, so the connection is refused at once.
    result = runner.invoke(
        app, ["--store", "postgresql://off2:pw@[::1]:1/fupin", "--as", "admin", "verify"]
    )

    assert result.exit_code == 2, result.output
    assert "cannot connect to postgresql://off2@[::1]:1/fupin:" in result.stderr
    assert "pw" not in result.stderr.replace("postgresql", "")
    assert "Traceback" not in result.output


def test_a_store_on_a_host_name_is_shown_as_before() -> None:
    result = runner.invoke(
        app, ["--store", "postgresql://off2:pw@127.0.0.1:1/fupin", "--as", "admin", "verify"]
    )

    assert result.exit_code == 2, result.output
    assert "cannot connect to postgresql://off2@127.0.0.1:1/fupin:" in result.stderr
