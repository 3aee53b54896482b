"""Session 29, re-tester I: a number in a yes/no column (有劳动能力) whose number format shows
the word the import reads it as (1 shown 是 by ``"是";"否"``, 0 shown 否 by ``"是";"否";"否"``)
was refused as "not what it holds", though a General 1 is read as yes and 0 as no. It is read
when the word shown is one the column takes as text meaning the same; refused when they
disagree or the word is none the column takes (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Fupin, identify_sheet, import_refused, saved

STORE_INDEPENDENT = "the workbook is read before the store is written: SQLite is enough"


def _identify(path: Path, labour: object, number_format: str) -> Path:
    """The labour column, headed 有劳动能力, holding ``labour`` in ``number_format`` (J2)."""
    sheet = identify_sheet({"labour": labour}, {"labour": "有劳动能力"})
    return saved(sheet, path, {"J2": number_format})


def _read_as(seeded: Fupin, tmp_path: Path, labour: int, number_format: str) -> None:
    """The workbook of ``labour`` shown by ``number_format`` imported, and read as 1 or 0 is."""
    book = _identify(tmp_path / "identify.xlsx", labour, number_format)

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 0, result.output
    shown = seeded.ok("household show JN-999001 --format json", "jn-01")
    assert orjson.loads(shown.stdout)["household"]["labour"] is bool(labour)


@pytest.mark.parametrize(
    ("labour", "number_format"),
    [
        (1, '"是";"否"'),  # re-tester I's
        (0, '"是";"否";"否"'),  # re-tester I's
        (1, '[=1]"是";[=0]"否";"x"'),  # re-tester I's
        (0, '[=1]"是";[=0]"否";"x"'),  # the second section's condition holds
        (0, '[=1]"是";"否"'),  # the second, without a condition, shows the rest
        (1, '"Yes";"No";"No"'),
    ],
)
def test_a_number_shown_as_the_yes_no_word_it_is_read_as_is_read(
    seeded: Fupin, tmp_path: Path, labour: int, number_format: str
) -> None:
    _read_as(seeded, tmp_path, labour, number_format)


@pytest.mark.parametrize(
    ("labour", "number_format", "word"),
    [
        (0, '"有";"无";"有"', "有"),  # no word the column takes: 有 is refused typed
        (1, '"有";"无"', "有"),
        (1, '"否"', "否"),  # the word says no, the number yes
        (0, '"是"', "是"),
        (0, '"是";"否"', "是"),  # of two sections, zero is shown by the first
        (1, '[=1]"否";"是"', "否"),
        (0, '[=1]"是";"x"', "x"),
    ],
)
def test_a_number_shown_as_another_word_is_refused(
    seeded: Fupin, tmp_path: Path, labour: int, number_format: str, word: str
) -> None:
    book = _identify(tmp_path / "identify.xlsx", labour, number_format)

    said = import_refused(seeded, book, "jn-01")

    assert (
        f"[identify] row 2, 有劳动能力: holds the number {labour}, but its number format shows "
        f"it as {word!r} (the format {number_format!r}): what it shows is not what it holds"
    ) in said


def test_a_number_other_than_one_or_zero_shown_as_yes_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    book = _identify(tmp_path / "identify.xlsx", 2, '"是"')

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 2, result.output
    assert "holds the number 2, but its number format shows it as '是'" in result.stderr


# Session 30, re-tester R: a format showing the word beside the digit was not judged, 1 shown
# 否1 by '"否"0' read as yes and 0 shown 是0 as no; refused now, as a word alone that disagrees.


@pytest.mark.parametrize(
    ("labour", "number_format", "shown", "word", "says"),
    [
        (1, '"否"0', "否1", "否", "no"),  # re-tester R's
        (0, '"是"0', "是0", "是", "yes"),  # re-tester R's
        (1, '0"否"', "1否", "否", "no"),  # re-tester R's
        (1, 'G/通用格式"（否）"', "1（否）", "否", "no"),  # General beside a word
        (0, '"有 "0', "有 0", "有", "yes"),
        (1, '"No "0;"x"', "No 1", "No", "no"),
    ],
)
def test_a_number_shown_beside_a_word_saying_the_other_is_refused(
    seeded: Fupin,
    tmp_path: Path,
    labour: int,
    number_format: str,
    shown: str,
    word: str,
    says: str,
) -> None:
    said = import_refused(
        seeded, _identify(tmp_path / "identify.xlsx", labour, number_format), "jn-01"
    )

    assert (
        f"[identify] row 2, 有劳动能力: holds the number {labour}, but its number format shows "
        f"it as {shown!r} (the format {number_format!r}), whose {word!r} says {says}: what it "
        "shows is not what it holds; a yes/no column is typed 是 or 否 (yes or no): type the "
        "one it means and format the cell General"
    ) in said
    assert said.endswith("refused: 1 error(s) in 1 row(s); nothing written")


@pytest.mark.parametrize(
    ("labour", "number_format"),
    [
        (1, '"是"0'),
        (0, '0"否"'),
        (1, '"第"0"项"'),
        (0, "0.0"),
        # Session 31, tester l: a yes/no word's letters, a code's in any other column, are
        # judged in a yes/no column by what they say.
        (0, '"N"0'),
        (1, '"Y"0'),
        (0, '"NO "0'),
        (1, '0" YES"'),
    ],
)
def test_a_number_shown_beside_a_word_that_agrees_or_says_neither_is_read(
    seeded: Fupin, tmp_path: Path, labour: int, number_format: str
) -> None:
    _read_as(seeded, tmp_path, labour, number_format)
