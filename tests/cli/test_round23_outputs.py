"""Session 23, a security reviewer: files written through a symbolic link, and CSV cells that
are numbers.

``-o LINK`` wrote through the link with a plain ``open``: personal data in clear (``export
events``, an unmasked ``report html``) kept the target's 0664, or a new target got 0644, and
a refusal half-way left the target cut short. A link is now followed: its target is written
whole or not at all (a temporary file beside the target, renamed onto it; the link stays),
and a private one is made its owner's only, as a file given by its own name is.

A CSV cell ``-1e5`` (a number in exponent form, as Excel reads it) was written ``'-1e5``,
though the docs leave a number written as text as it is; ``-2+3`` is a formula and still
gets its ``'``.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger.errors import InputError

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "files the CLI writes and CSV cells: SQLite is enough (tests/conftest.py)"

ID_CARD_KEY = '"id_card":'


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _shared(tmp_path: Path, name: str, text: str | None) -> tuple[Path, Path]:
    """A link ``tmp_path/name`` to ``tmp_path/shared/name``, a group-writable 0664 file
    holding ``text`` (or no file yet, for ``None``)."""
    folder = tmp_path / "shared"
    folder.mkdir(exist_ok=True)
    target = folder / name
    if text is not None:
        target.write_text(text)
        target.chmod(0o664)
    link = tmp_path / name
    link.symlink_to(Path("shared") / name)
    return link, target


def _no_temporary_left(tmp_path: Path) -> None:
    assert not list(tmp_path.rglob(".fupin-*"))


def test_an_export_of_personal_data_through_a_link_makes_its_target_owner_only(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Before, the target kept its 0664: the group could read every ID-card number.
    link, target = _shared(tmp_path, "ev.jsonl", "old\n")

    seeded.ok(f"export events -o {link}", actor="admin")

    assert _mode(target) == 0o600
    assert link.is_symlink()
    assert link.resolve() == target
    assert ID_CARD_KEY in target.read_text()
    _no_temporary_left(tmp_path)


def test_an_export_of_personal_data_through_a_link_to_a_new_file_makes_it_owner_only(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Before, the new target got the umask's 0644.
    link, target = _shared(tmp_path, "new.jsonl", None)

    seeded.ok(f"export events -o {link}", actor="admin")

    assert _mode(target) == 0o600
    assert link.is_symlink()
    assert ID_CARD_KEY in target.read_text()


def test_a_report_in_clear_through_a_link_makes_its_target_owner_only(
    seeded: Fupin, tmp_path: Path
) -> None:
    link, target = _shared(tmp_path, "report.html", "old")

    seeded.ok(f"report html --out {link}", actor="admin")

    assert _mode(target) == 0o600
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("<!")


def test_an_output_through_a_link_keeps_its_target_whole_when_refused_half_way(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, the target was opened in place: cut to the lines written before the refusal.
    link, target = _shared(tmp_path, "ev.jsonl", "old\n")

    def half_then_refused(*_: object) -> Iterator[dict[str, str]]:
        yield {"command": "initialise"}
        raise InputError("master_key", "a household's key fails authentication")

    monkeypatch.setattr("cli.exporting.export_commands", half_then_refused)

    assert_refused(seeded(f"export events -o {link}", "admin"), "master_key", "fails")
    assert target.read_text() == "old\n"
    assert _mode(target) == 0o664
    _no_temporary_left(tmp_path)


def test_a_link_into_a_missing_folder_is_refused_naming_the_folder(
    seeded: Fupin, tmp_path: Path
) -> None:
    link = tmp_path / "ev.jsonl"
    link.symlink_to(tmp_path / "nowhere" / "ev.jsonl")

    result = seeded(f"export events -o {link}", "admin")

    assert_refused(result, "output", f"{str(tmp_path / 'nowhere')!r} does not exist")


def test_a_link_to_the_master_key_is_still_refused(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "master.key"
    key.write_text("k")
    key.chmod(0o600)
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(key))
    link = tmp_path / "out.json"
    link.symlink_to(key)

    result = seeded(f"export report funds --format json -o {link}", "admin")

    assert_refused(result, "output", "is the master key file (LEDGER_MASTER_KEY_FILE)")
    assert key.read_text() == "k"


def test_a_csv_leaves_an_exponent_number_as_it_is_and_guards_a_formula(seeded: Fupin) -> None:
    # Before: '-1e5,'-2+3,-12.50 (the number in exponent form made a text).
    line = "query \"SELECT '-1e5' a, '-2+3' b, '-12.50' c\" --format csv"

    result = seeded.ok(line, actor="admin")

    assert result.stdout.splitlines() == ["a,b,c", "-1e5,'-2+3,-12.50"]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("-1e5", "-1e5"),  # before: '-1e5
        ("+2.5E-03", "+2.5E-03"),  # before: '+2.5E-03
        ("-.5", "-.5"),  # before: '-.5
        ("-12.50", "-12.50"),
        ("-1,234.5", '"-1,234.5"'),  # quoted for its commas, not guarded
        ("-2+3", "'-2+3"),
        ("-1e5+1", "'-1e5+1"),
        ("-e5", "'-e5"),
        ("-12.", "'-12."),
        ("-5%", "'-5%"),
        ("=1+2", "'=1+2"),
    ],
)
def test_a_csv_cell_is_left_as_it_is_only_in_the_forms_of_a_number(
    seeded: Fupin, cell: str, written: str
) -> None:
    result = seeded.ok(f"query \"SELECT '{cell}' AS a\" --format csv", actor="admin")

    assert result.stdout.splitlines() == ["a", written]
