"""Session 27, tester H (re-test of the Chinese wording, M2): without the master key the public
notice list printed ``[sealed]`` for every head of household and ID card and exited 0, a list
with no names that cannot be posted 张榜公示. Every reader sees the list masked (张*,
440704********1234), and the mask is read from the personal data: without the key the list is
refused naming master_key, before anything is written; an erased household reads erased with
or without the key, so a list of erased households alone is still served (docs/privacy.md)."""

from __future__ import annotations

from pathlib import Path

from cli.main import app
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the master key is read alike for every store: SQLite is enough"

NOTICE = "notice --street 江南 --from 2016-08-01 --to 2016-08-31"
NO_KEY = {"LEDGER_MASTER_KEY": None, "LEDGER_MASTER_KEY_FILE": None}


def _without_key(fupin: Fupin, line: str) -> Result:
    return fupin.runner.invoke(app, ["--as", "jn-01", *line.split()], env=NO_KEY)


def test_the_notice_list_without_the_master_key_is_refused_and_writes_nothing(
    seeded: Fupin, tmp_path: Path
) -> None:
    page = tmp_path / "notice.html"

    for line in (f"{NOTICE} --format html -o {page}", NOTICE):
        result = _without_key(seeded, line)

        assert_refused(result, "master_key", "the notice list shows each household's head")
        assert "LEDGER_MASTER_KEY" in result.stderr
        assert result.stdout == ""
    assert not page.exists()


def test_a_list_of_erased_households_alone_needs_no_key(seeded: Fupin) -> None:
    for number in ("JH-0001", "JH-0004"):  # the two households the list holds
        seeded.ok(f"erase {number} --reason 本人申请删除 {doc('2016-09-01')}", "admin")

    result = _without_key(seeded, NOTICE)

    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()[1:]
    assert [row.split(",")[2] for row in rows] == ["JH-0001", "JH-0004"]
    assert all(row.split(",")[4:6] == ["[erased]", "[erased]"] for row in rows)
