"""Session 27, tester C: Chinese Excel turns 12月6日 typed in 摘要, or 2018年12月 in 文件, into a
date cell (built-in formats 58 and 57). Such a cell in a TEXT column was given the date
column's advice ("… shows 12月6日, not the whole date: type the full date …"), and a row
after it holding a whole date in 摘要 was not reported in the same run. Each now gets the text
column's refusal, every row at once (docs/import.md)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the workbook is refused before the store is written: SQLite is enough"

TEXT = "expects text, not a date cell: format the column as text (文本) and type it again"


DAY, SHOWN = date(2016, 8, 20), datetime(2016, 8, 6)
MONTH_DAY, YEAR_MONTH, WHOLE = 'm"月"d"日"', 'yyyy"年"m"月"', 'yyyy"年"m"月"d"日"'


def _visits(path: Path, rows: list[list[object]], formats: dict[str, str]) -> Path:
    """A visits workbook whose cells ``formats`` names take Chinese Excel's built-in date
    formats, as it saves them (58 shows 12月6日, 57 2018年12月, 31 2018年12月6日)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "record_visit"
    sheet.append(
        ["ref", "actor", "effective", "document", "note", "household", "helper", "summary"]
    )
    for row in rows:
        sheet.append(row)
    for cell, number_format in formats.items():
        sheet[cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    built = {MONTH_DAY: 58, YEAR_MONTH: 57, WHOLE: 31, "yyyy-mm-dd": 14, "yyyy-mm-dd h:mm:ss": 22}
    saved = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(out.getvalue())) as source,
        zipfile.ZipFile(saved, "w") as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/styles.xml":
                text = content.decode()
                codes = re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', text)
                text = re.sub(r"<numFmts.*?</numFmts>", "", text, flags=re.S)
                for number, code in codes:
                    built_in = built[code.replace("&quot;", '"')]
                    text = text.replace(f'numFmtId="{number}"', f'numFmtId="{built_in}"')
                content = text.encode()
            target.writestr(item, content)
    path.write_bytes(saved.getvalue())
    return path


def test_a_date_cell_in_a_text_column_gets_the_text_refusal_on_every_row(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["V-1", "jn-01", DAY, "走访记录", "", "JH-0001", "c-1", SHOWN],
        ["V-2", "jn-01", DAY, SHOWN, "", "JH-0001", "c-1", "入户"],
        ["V-3", "jn-01", DAY, "走访记录", "", "JH-0001", "c-1", SHOWN],
    ]
    book = _visits(tmp_path / "v.xlsx", rows, {"H2": MONTH_DAY, "D3": YEAR_MONTH, "H4": WHOLE})
    before = seeded.event_count()

    result = seeded(f"import {book}", "jn-01")

    assert result.exit_code == 2, result.output
    assert f"v.xlsx [record_visit] row 2, summary: {TEXT}" in result.stderr
    assert f"v.xlsx [record_visit] row 3, document: {TEXT}" in result.stderr
    assert f"v.xlsx [record_visit] row 4, summary: {TEXT}" in result.stderr
    assert "not the whole date" not in result.stderr
    assert "refused: 3 error(s) in 3 row(s)" in result.stderr
    assert seeded.event_count() == before


def test_a_part_date_in_a_date_column_keeps_the_date_advice(seeded: Fupin, tmp_path: Path) -> None:
    rows: list[list[object]] = [["V-1", "jn-01", SHOWN, "走访记录", "", "JH-0001", "c-1", "入户"]]
    book = _visits(tmp_path / "v.xlsx", rows, {"C2": MONTH_DAY})

    result = seeded(f"import --dry-run {book}", "jn-01")

    assert result.exit_code == 2, result.output
    assert (
        "row 2, effective: holds 2016-08-06, but its number format shows 8月6日, not the whole "
        "date: type the full date"
    ) in result.stderr
