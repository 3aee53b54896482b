"""Session 24, a re-tester: ``fupin query $'-- caseload by street\\nselect 1'`` was taken by
typer as an unknown option (``No such option: -- caseload…``), though docs/reports.md says
leading comments are fine. An argument beginning with ``-`` whose name holds a blank or a line
break, which no option's does, is the SQL; a mistyped option is still refused as one."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the command line's parsing: SQLite is enough"

COMMENTED = "-- caseload by street\nselect 1 as a where 1 = 1"


@pytest.mark.parametrize(
    "args",
    [
        ["query", COMMENTED, "--format", "csv"],
        ["query", "--format", "csv", COMMENTED],
        ["query", "--format=csv", "--", COMMENTED],
        ["query", "--format", "csv", "--\nselect 1 as a"],
    ],
)
def test_sql_beginning_with_a_comment_runs(seeded: Fupin, args: list[str]) -> None:
    result = seeded.runner.invoke(app, args)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["a", "1"]


@pytest.mark.parametrize("typo", [["--fromat", "csv", "select 1"], ["--jsn"]])
def test_a_mistyped_option_is_still_no_sql(seeded: Fupin, typo: list[str]) -> None:
    result = seeded.runner.invoke(app, ["query", *typo])

    assert result.exit_code == 2
    assert "No such option" in result.output
