"""Session 29, tester E: a number in a yes/no column (有劳动能力) whose number format shows a word
(``"有";"无"`` shows 0 as 有) was refused with a text column's advice, "format the column as
text (文本) and type it again", though the column is no text column. It is told what the
sheet shows and to type 是 or 否 (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.cli.conftest import Fupin
from tests.support import id_card

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

IDENTIFY = [
    "ref", "actor", "effective", "document", "household", "street", "village", "area",
    "members", "有劳动能力", "willing", "disabled", "dibao", "head_name", "id_card", "phone",
    "address", "member_names",
]  # fmt: skip
TYPE_IT = (
    "what it shows is not what it holds; a yes/no column is typed 是 or 否 (yes or no): type "
    "the one it means and format the cell General"
)


def _identify(path: Path, labour: object, number_format: str) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "identify"
    sheet.append(IDENTIFY)
    sheet.append(
        ["E-1", "jn-01", "2016-08-01", "识别表1", "JN-999001", "江南", "雄光", "rural", 3,
         labour, "是", "否", "是", "张三", id_card(91), "13800000000", "江南街道1号",
         "张三、李四、王五"]
    )  # fmt: skip
    sheet["J2"].number_format = number_format
    book.save(path)
    path.chmod(0o600)
    return path


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
    before = seeded.event_count()

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert (
        f"[identify] row 2, 有劳动能力: holds the number {labour}, but its number format "
        f"{shows}: {TYPE_IT}"
    ) in said
    assert "文本" not in said
    assert seeded.event_count() == before


def test_a_number_in_a_yes_no_column_in_general_is_read(seeded: Fupin, tmp_path: Path) -> None:
    book = _identify(tmp_path / "identify.xlsx", 1, "General")

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 0, result.output
