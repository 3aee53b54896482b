"""Session 22, tester (data protection): ``fupin import`` read a register of names and ID
numbers from a file every local user could read (0644) without a word, while
``--personal-file`` refuses such a file and docs/privacy.md says personal data goes in a file
only its owner may read. A file holding personal data (a row with a head's or a member's
name, an ID card, a phone or an address) that the group or others may read is refused now,
naming the file, its mode, the first such row and ``chmod 600``; nothing is written. A file
without personal data (visits, funds, a template) is read whatever its mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

HEADER = (
    "ref,effective,document,household,street,village,area,members,labour,willing,"
    "head_name,id_card,member_names\n"
)
REGISTER = (
    HEADER + "I-1,2016-08-01,台账X,JH-0301,江南,雄光,rural,1,yes,yes,甲,440704196001010044,甲\n"
)
VISITS = (
    "ref,effective,document,household,helper,summary\nV-1,2016-08-20,走访记录,JH-0001,c-1,走访\n"
)


def _written(tmp_path: Path, name: str, text: str, mode: int) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.mark.parametrize("dry_run", ["", "--dry-run "])
@pytest.mark.parametrize(
    ("mode", "who"),
    [(0o644, "the group and others (mode 0644)"), (0o640, "the group (mode 0640)")],
)
def test_a_register_others_may_read_is_refused_naming_file_mode_and_chmod(
    seeded: Fupin, tmp_path: Path, mode: int, who: str, dry_run: str
) -> None:
    path = _written(tmp_path, "identify.csv", REGISTER, mode)
    before = seeded.event_count()

    result = seeded(f"import {dry_run}{path}", "jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert (
        f"{path}, file: the file is open to {who} and holds personal data (row 2, head_name)"
        in said
    )
    assert f"run `chmod 600 {path}`" in said
    assert "甲" not in said
    assert "440704196001010044" not in said
    assert seeded.event_count() == before


def test_the_same_register_its_owner_alone_may_read_is_imported(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = _written(tmp_path, "identify.csv", REGISTER, 0o600)

    seeded.ok(f"import {path}", "jn-01")

    assert "JH-0301" in seeded.ok("household show JH-0301", "admin").stdout


def test_a_file_without_personal_data_is_read_whatever_its_mode(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = _written(tmp_path, "record_visit.csv", VISITS, 0o644)

    seeded.ok(f"import {path}", "jn-01")


def test_a_register_row_with_personal_cells_left_empty_is_no_personal_data(
    seeded: Fupin, tmp_path: Path
) -> None:
    """A row names no one when its personal cells are empty (a members change giving only the
    count is refused for its own reasons, not for the file's mode)."""
    text = (
        "ref,effective,document,note,household,members,head_name,id_card\n"
        "M-1,2017-01-01,x,y,JH-0001,2,,\n"
    )
    path = _written(tmp_path, "change_members.csv", text, 0o644)

    result = seeded(f"import {path}", "jn-01")

    assert "open to" not in result.stderr
