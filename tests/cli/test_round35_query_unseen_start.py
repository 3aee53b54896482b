"""Session 35, tester d: ``fupin query`` refused a SELECT that a byte-order mark (a .sql file
saved by Windows Notepad) or a zero-width space (pasted from a web page) came before, as a
write (``read-only: only a SELECT (or WITH … SELECT) runs``), where a leading full-width space
was taken. What an editor writes unseen before or after a statement is read as nothing."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the statement's reading before it is run: SQLite is enough"


@pytest.mark.parametrize(
    "unseen", ["\ufeff", "\u200b", "\ufeff\n\u200b ", "\u3000\u200d", "\u2060"]
)
def test_a_select_after_a_byte_order_mark_or_zero_width_space_runs(
    seeded: Fupin, unseen: str
) -> None:
    sql = f"{unseen}SELECT COUNT(*) AS n FROM pj_households{unseen}"

    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "n"


def test_a_write_after_a_byte_order_mark_is_still_refused(seeded: Fupin) -> None:
    result = seeded.runner.invoke(app, ["query", "\ufeffDELETE FROM pj_households"])

    assert result.exit_code == 2
    assert "read-only: only a SELECT" in result.output


@pytest.mark.parametrize(
    "sql",
    [
        "-- 街道数\n\u200bSELECT COUNT(*) AS n FROM pj_households",
        "/* 街道数 */\ufeffSELECT COUNT(*) AS n FROM pj_households",
        "-- 街道数\n\u3000SELECT COUNT(*) AS n FROM pj_households",
    ],
)
def test_a_select_after_a_comment_and_an_unseen_character_runs(seeded: Fupin, sql: str) -> None:
    # Re-tester r, session 35 (F2): after a leading comment they were still refused as a write
    result = seeded.runner.invoke(app, ["query", sql, "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "n"
