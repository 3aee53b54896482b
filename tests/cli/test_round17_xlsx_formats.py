"""Session 17 (tester C, district finance): an XLSX amount was recorded from the number its
cell holds, whatever its format showed: a cell showing ``5.00万元`` went in as 5.00 yuan,
``101`` as 100.50, ``35%`` as 0.35. A number whose format shows another number is now refused,
naming the cell; one shown as it is (General, enough decimals, thousands separators, a
currency sign) is read."""

from __future__ import annotations

import io

import pytest
from cli.importing import read_bytes
from cli.xlsx_number_formats import shown_otherwise
from openpyxl import Workbook

HEADER = ["ref", "actor", "effective", "document", "account", "amount"]


def _errors(cells: list[tuple[float, str]]) -> tuple[int, list[str]]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "receive_allocation"
    sheet.append(HEADER)
    for n, (value, number_format) in enumerate(cells, 1):
        sheet.append([f"R-{n}", "qu-01", "2018-08-01", f"拨款{n}", "T-1", value])
        sheet.cell(sheet.max_row, len(HEADER)).number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    found, errors = read_bytes("money.xlsx", buffer.getvalue())
    return len(found), [str(e) for e in errors]


def test_an_amount_shown_otherwise_than_it_is_held_is_refused_naming_the_cell() -> None:
    _, errors = _errors(
        [
            (5, '0.00"万元"'),
            (100.5, "0"),
            (1234.56, "#,##0"),
            (0.35, "0%"),
            (12000, "#,##0,"),
        ]
    )

    tail = (
        ": what it shows is not what it holds; type the number as it is meant (yuan, not 万元) "
        "and format the cell General"
    )
    assert errors == [
        "money.xlsx [receive_allocation] row 2, amount: holds 5, but its number format adds "
        f"the text '万元', which makes it read as another number{tail}",
        "money.xlsx [receive_allocation] row 3, amount: holds 100.5, but its number format "
        f"rounds it to 0 decimals{tail}",
        "money.xlsx [receive_allocation] row 4, amount: holds 1234.56, but its number format "
        f"rounds it to 0 decimals{tail}",
        "money.xlsx [receive_allocation] row 5, amount: holds 0.35, but its number format "
        f"shows a percentage (x100){tail}",
        "money.xlsx [receive_allocation] row 6, amount: holds 12000, but its number format "
        f"scales it by thousands (a trailing comma){tail}",
    ]


def test_an_amount_shown_as_it_is_is_read() -> None:
    rows, errors = _errors(
        [
            (7, "General"),
            (12.5, "0.00"),
            (1234.5, "#,##0.00"),
            (3, '0"元"'),
            (8, "#,##0.00_);[Red](#,##0.00)"),
            (9, "[$¥-804]#,##0.00"),
        ]
    )

    assert (rows, errors) == (6, [])


@pytest.mark.parametrize(
    ("value", "number_format", "change"),
    [
        (2500.5, '"¥"#,##0', "rounds it to 0 decimals"),
        (3.25, "0.0", "rounds it to 1 decimal"),
        (5, "[>=100]0;0", "has a condition or code [>=100]"),
        (5, "0.0E+00", "shows an exponent"),
        (0.5, "# ?/?", "shows a fraction"),
        (2016, "0", ""),
        (3, "@", ""),
        (12345, "0!.0000", "adds the text '.', which makes it read as another number"),
        (5, '0"000"', "adds the text '000', which makes it read as another number"),
        (3, '0"户"', ""),  # a unit's word
        (3.5, '0.0"亩"', ""),
        (5, "[DBNum1]General", ""),  # Chinese numerals: the same number
        (12.5, "0.00_0", ""),  # a space as wide as 0, no digit
    ],
)
def test_what_a_number_format_does_to_a_number(
    value: float, number_format: str, change: str
) -> None:
    assert shown_otherwise(value, number_format) == change
