"""Date options' help names both forms they read (re-tester M, session 27: docs/cli.md "Dates"
says every date option reads 2016年8月3日, and they did, but their help said YYYY-MM-DD only)."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "help is written before any store is opened"


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("household identify", "--effective"),
        ("household notice", "--start"),
        ("notice", "--from"),
        ("report caseload", "--as-of"),
        ("report caseload", "--known-at"),
        ("inspection find", "--deadline"),
    ],
)
def test_a_date_options_help_names_the_chinese_form(
    seeded: Fupin, command: str, option: str
) -> None:
    shown = seeded.runner.invoke(app, [*command.split(), "--help"])

    assert shown.exit_code == 0, shown.output
    words = " ".join(shown.stdout.replace("│", " ").split())
    assert option in words
    assert "YYYY年M月D日" in words
