"""Session 29, tester E: a number in a yes/no column (有劳动能力) whose number format shows a word
(``"有";"无"`` shows 0 as 有) was refused with a text column's advice, "format the column as
text (文本) and type it again", though the column is no text column. It is told what the
sheet shows and to type 是 or 否 (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, identify_sheet, import_refused, saved

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

TYPE_IT = (
    "what it shows is not what it holds; a yes/no column is typed 是 or 否 (yes or no): type "
    "the one it means and format the cell General"
)


def _identify(path: Path, labour: object, number_format: str) -> Path:
    """The labour column, headed 有劳动能力, holding ``labour`` in ``number_format`` (J2)."""
    sheet = identify_sheet({"labour": labour}, {"labour": "有劳动能力"})
    return saved(sheet, path, {"J2": number_format})


@pytest.mark.parametrize(
    ("labour", "number_format", "shows"),
    [
        (0, '"有";"无"', "shows it as '有' (the format '\"有\";\"无\"')"),  # tester E's: 0 shows 有
        (1, '"无";"有";"无"', 'shows it as \'无\' (the format \'"无";"有";"无"\')'),
        (1, "0%", "shows a percentage (x100)"),
    ],
)
def test_a_number_in_a_yes_no_column_shown_otherwise_is_told_to_type_yes_or_no(
    seeded: Fupin, tmp_path: Path, labour: int, number_format: str, shows: str
) -> None:
    book = _identify(tmp_path / "identify.xlsx", labour, number_format)

    said = import_refused(seeded, book, "jn-01")

    assert (
        f"[identify] row 2, 有劳动能力: holds the number {labour}, but its number format "
        f"{shows}: {TYPE_IT}"
    ) in said
    assert "文本" not in said


def test_a_number_in_a_yes_no_column_in_general_is_read(seeded: Fupin, tmp_path: Path) -> None:
    book = _identify(tmp_path / "identify.xlsx", 1, "General")

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 0, result.output
