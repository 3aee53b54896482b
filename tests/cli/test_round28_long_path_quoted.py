"""Session 28, tester Y: a file name of 5,000 bytes given to ``-o`` was refused in a line of
5,150 characters, the whole name in it; every other refusal quotes what was typed cut, with
its length (``ledger.values.quoted``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the option's own refusal: SQLite is enough (tests/conftest.py)"


@pytest.mark.parametrize("command", ["keys new -o {name}", "report html -o {name}"])
def test_a_name_too_long_is_quoted_cut(seeded: Fupin, tmp_path: Path, command: str) -> None:
    name = tmp_path / ("X" * 5000)

    result = seeded(command.format(name=name), "admin")

    assert_refused(result, "output", "cannot use '")
    assert "characters): the file name is too long" in result.stderr
    assert len(result.stderr) < 600
