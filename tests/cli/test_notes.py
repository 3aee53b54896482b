"""What ``projections`` has to say (``logging`` warnings) reaches the user as one note on stderr."""

from __future__ import annotations

import logging

import cli.common  # noqa: F401 - installs the notes' handler
import pytest


def test_a_projections_warning_is_one_note_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    logging.getLogger("projections.catchup").warning("the read models are %d events behind", 3)

    captured = capsys.readouterr()
    assert captured.err == "note: the read models are 3 events behind\n"
    assert captured.out == ""
