"""Session 29 (re-tester L): ``keys new --out`` and ``keys new-master --out`` were refused on
``out``, the path unquoted (``refused out: . exists; a key file is never overwritten`` for an
empty ``--out``, ``cannot write /nonexistent/k.pem: No such file or directory``), where every
other output file, and these two's option given twice, are refused on ``output`` in the
words of docs/cli.md "Output files"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused

MAKERS = ["keys new --out", "keys new-master --out"]
KEPT = "a key file is never overwritten: name a new file"


@pytest.mark.parametrize("command", MAKERS)
def test_an_existing_key_file_is_refused_quoted_on_output(
    fupin: Fupin, tmp_path: Path, command: str
) -> None:
    kept = tmp_path / "k.pem"
    kept.write_text("kept")

    result = fupin(f"{command} {kept}")

    assert_refused(result, "output", f"'{kept}' exists; {KEPT}")
    assert kept.read_text() == "kept"


@pytest.mark.parametrize("command", MAKERS)
def test_a_key_file_in_a_missing_folder_is_refused_as_every_output(
    fupin: Fupin, tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "missing"

    result = fupin(f"{command} {missing / 'k.pem'}")

    assert_refused(
        result, "output", f"cannot write '{missing / 'k.pem'}': '{missing}' does not exist"
    )


@pytest.mark.parametrize("command", MAKERS)
def test_an_empty_out_names_no_file(fupin: Fupin, command: str) -> None:
    result = fupin(f"{command} ''")

    assert_refused(result, "output", "names no file ('' or '.', the current folder)")


@pytest.mark.parametrize("command", MAKERS)
def test_a_folder_is_no_key_file(fupin: Fupin, tmp_path: Path, command: str) -> None:
    result = fupin(f"{command} {tmp_path}")

    assert_refused(result, "output", f"'{tmp_path}' is a folder; name a file to write")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("command", "module"), list(zip(MAKERS, ["cli.keys", "cli.privacy"], strict=True))
)
def test_a_key_file_made_meanwhile_is_refused_in_the_same_words(
    fupin: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, module: str
) -> None:
    """Made after the checks, before the key is written: never replaced, said alike."""
    # raising=False: before session 29 the command checked its file otherwise
    monkeypatch.setattr(f"{module}.check_output", lambda *_, **__: None, raising=False)
    kept = tmp_path / "k.pem"
    kept.write_text("kept")

    result = fupin(f"{command} {kept}")

    assert_refused(result, "output", f"'{kept}' exists; {KEPT}")
    assert kept.read_text() == "kept"
