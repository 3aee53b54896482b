"""Round 12 of the officer's exploratory test, issue 1: a key typed with spaces around it
(`` 江南``, ``JH-0001 ``) is refused by ``fupin import`` as by the single commands, naming
the field and the space (before 2026-11-29 an import trimmed it and recorded it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import Result

from tests.cli.conftest import Fupin, doc

IDENTIFY = (
    "ref,actor,effective,document,household,street,village,area,members,labour,willing,"
    "head_name,id_card\n"
)
CARD = "440704197001010030"
SPACES = "(it holds spaces, invisible or full-width characters: "
VILLAGE = f"'雄光 ' is not a village of street 江南 {SPACES}'雄光'?)"


def _import(fupin: Fupin, folder: Path, name: str, text: str, actor: str) -> Result:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    (folder / name).chmod(0o600)  # personal data: its owner's only (docs/privacy.md)
    return fupin(f"import {folder / name}", actor=actor)


@pytest.mark.parametrize(
    ("actor", "household", "street", "village", "field", "rule"),
    [
        ("qu-01", "JH-0102", " 江南", "雄光", "street", f"no street ' 江南' on record {SPACES}"),
        # A street officer is told of the space, not that the street is another's.
        ("jn-01", "JH-0102", " 江南 ", "雄光", "street", f"no street ' 江南 ' on record {SPACES}"),
        ("jn-01", "JH-0102", "江南", "雄光 ", "village", VILLAGE),
    ],
)
def test_an_import_refuses_a_key_with_spaces_as_the_command_line_does(
    seeded: Fupin,
    tmp_path: Path,
    actor: str,
    household: str,
    street: str,
    village: str,
    field: str,
    rule: str,
) -> None:
    before = seeded.event_count()
    row = (
        f"I-1,{actor},2016-08-01,台账,{household},{street},{village},rural,1,yes,yes,陈二,{CARD}\n"
    )

    result = _import(seeded, tmp_path / "imp", "identify.csv", IDENTIFY + row, actor)

    assert result.exit_code == 2, result.output
    assert f"identify.csv row 2, {field}: {rule}" in result.output
    assert seeded.event_count() == before
    # The single command says the same.
    single = seeded(
        f"household identify {household!r} --street {street!r} --village {village!r} "
        f"--members 1 --labour --willing --head-name 陈二 --id-card {CARD} {doc('2016-08-01')}",
        actor=actor,
    )
    assert single.exit_code == 2, single.output
    assert f"{field}: {rule}" in single.stderr


@pytest.mark.parametrize(
    ("name", "text", "field", "rule"),
    [
        (
            "open_account.csv",
            "ref,effective,document,account,source,year,street\n"
            "FA-1,2016-08-01,开户,ll-2016,street,2016, 礼乐\n",
            "street",
            f"no street ' 礼乐' on record {SPACES}'礼乐'?)",
        ),
        (
            "record_visit.csv",
            "ref,effective,document,household,helper\nV-1,2016-08-20,走访,JH-0001 ,c-1\n",
            "household",
            f"no household 'JH-0001 ' on record {SPACES}'JH-0001'?)",
        ),
        (
            "record_visit.csv",
            "ref,effective,document,household,helper\nV-1,2016-08-20,走访,JH-0001, c-1\n",
            "helper",
            # as `household visit` says (since session 21: "is not paired with household")
            f"no helper ' c-1' on record {SPACES}'c-1'?)",
        ),
    ],
)
def test_an_import_refuses_looked_up_keys_with_spaces(
    seeded: Fupin, tmp_path: Path, name: str, text: str, field: str, rule: str
) -> None:
    before = seeded.event_count()

    result = _import(seeded, tmp_path / "imp", name, text, "qu-01")

    assert result.exit_code == 2, result.output
    assert f"{name} row 2, {field}: {rule}" in result.output
    assert seeded.event_count() == before


def test_a_file_imported_with_trimmed_keys_is_still_skipped_when_imported_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    """A row imported before 2026-11-29 had its keys trimmed: the same file again is
    skipped as imported, not refused (its mark is of the trimmed keys)."""
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-08-20')}", actor="jn-01")
    text = "ref,effective,document,household,helper\nV-1,2016-08-21,走访,JH-0001,c-1\n"
    _import(seeded, tmp_path / "a", "record_visit.csv", text, "jn-01")
    before = seeded.event_count()

    spaced = text.replace("JH-0001,", "JH-0001 ,")
    result = _import(seeded, tmp_path / "b", "record_visit.csv", spaced, "jn-01")

    assert result.exit_code == 0, result.output
    assert "skipped 1" in result.output or "1 row(s) skipped" in result.output, result.output
    assert seeded.event_count() == before


def test_the_command_line_hints_at_the_space_in_a_village(seeded: Fupin) -> None:
    result = seeded(
        f"household identify JH-0199 --street 江南 --village '雄光 ' --members 1 --labour "
        f"--willing --head-name 甲 --id-card 440704196001010044 {doc('2016-08-01')}",
        actor="jn-01",
    )

    assert result.exit_code == 2, result.output
    assert f"village: '雄光 ' is not a village of street 江南 {SPACES}'雄光'?)" in result.stderr
