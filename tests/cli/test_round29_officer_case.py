"""Session 29 (tester of session 28): an officer id typed in the wrong case, as Caps Lock
types it, was refused with no hint (``refused as: 'ADMIN' is not a registered officer``),
where ``log --actor`` and ``officer retire`` name the one on record (``('admin'?)``). Since
session 29 ``--as``, LEDGER_ACTOR and an import row's actor hint it too; never accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


@pytest.mark.parametrize(
    "line",
    ["report caseload", "officer list", f"household sign JH-0004 {doc('2016-09-01')}"],
)
def test_an_officer_typed_in_capitals_is_refused_naming_the_one_on_record(
    seeded: Fupin, line: str
) -> None:
    before = seeded.event_count()

    refused = seeded(line, "JN-01")

    assert_refused(refused, "as", "'JN-01' is not a registered officer ('jn-01'?)")
    assert seeded.event_count() == before


def test_ledger_actor_in_capitals_is_refused_naming_the_one_on_record(seeded: Fupin) -> None:
    refused = seeded.runner.invoke(app, ["report", "caseload"], env={"LEDGER_ACTOR": "ADMIN"})

    assert_refused(refused, "as", "'ADMIN' is not a registered officer ('admin'?)")


def test_an_import_rows_actor_in_capitals_is_refused_naming_the_one_on_record(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = tmp_path / "record_visit.csv"
    rows.write_text(
        "actor,ref,effective,document,household,helper,summary\n"
        "JN-01,V29-1,2016-09-01,走访记录,JH-0001,c-1,入户走访\n",
        encoding="utf-8",
    )
    before = seeded.event_count()

    for line in (f"import --dry-run {rows}", f"import {rows}"):
        refused = seeded(line, "admin")
        assert refused.exit_code == 2, refused.output
        said = "row 2, actor: 'JN-01' is not a registered officer ('jn-01'?)"
        assert said in refused.stderr.splitlines()[0]
    assert seeded.event_count() == before


def test_an_id_on_record_in_no_case_gets_no_hint(seeded: Fupin) -> None:
    refused = seeded("report caseload", "GHOST")

    assert_refused(refused, "as", "'GHOST' is not a registered officer")
    assert "?)" not in refused.stderr
