"""Session 34, tester c (a town officer's spreadsheets): how an import reads the files it is
given. A command named with half-width brackets (村(社区)登记, as typed without a Chinese
input method's full-width mode) was "not a command" as a sheet's name, a CSV file's name and a
命令 cell, while the header 村(社区) is read so (docs/import.md: a sheet's name and a command
cell are read as headers are); Excel's lock file was said truncated; a header with its unit
(金额（元）) got no hint; a report written as a workbook or JSON was not told to be one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, workbook

STORE_INDEPENDENT = "how a file names its command: SQLite is enough"

HEAD = ["编号", "记录人", "生效日期", "文件", "备注", "街道", "村(社区)", "相对贫困村"]
ROW = ["AV-1", "admin", "2016-08-01", "江高发〔2016〕4号", "", "江南", "白石", "否"]


def _csv(path: Path, *rows: list[str]) -> Path:
    path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["村(社区)登记", "村（社区）登记", " 村(社区)登记 "])
@pytest.mark.parametrize("form", ["sheet", "file", "cell"])
def test_a_command_named_with_half_width_brackets_is_read(
    seeded: Fupin, tmp_path: Path, name: str, form: str
) -> None:
    if form == "sheet":
        sheet = workbook(name, HEAD, ROW)
        assert sheet.parent is not None
        path = tmp_path / "villages.xlsx"
        sheet.parent.save(path)
    elif form == "file":
        path = _csv(tmp_path / f"{name.strip()}.csv", HEAD, ROW)
    else:
        path = _csv(tmp_path / "steps.csv", ["命令", *HEAD], [name, *ROW])
    before = seeded.event_count()

    said = seeded.ok(f"import '{path}'", "admin").stdout

    assert "imported 1 row(s)" in said
    assert seeded.event_count() > before


def test_another_name_is_still_no_command(seeded: Fupin, tmp_path: Path) -> None:
    path = _csv(tmp_path / "steps.csv", ["命令", *HEAD], ["村(社区)登録", *ROW])

    refused = seeded(f"import {path}", "admin")

    assert refused.exit_code == 2
    assert "'村(社区)登録' is not a command" in refused.stderr


def test_excels_lock_file_is_named_as_one(seeded: Fupin, tmp_path: Path) -> None:
    # tester c, F8: `*.xlsx` picks up ~$台账.xlsx while 台账.xlsx is open in Excel: it was
    # said "not a readable XLSX workbook (truncated)", as if the officer's sheet were damaged.
    lock = tmp_path / "~$台账.xlsx"
    lock.write_bytes(b"\x08jn-01" + b"\x00" * 40 + b"\x08\x00j\x00n\x00" + b"\x20\x00" * 50)
    before = seeded.event_count()

    refused = seeded(f"import '{lock}'", "admin")

    assert refused.exit_code == 2
    assert (
        "file: is the lock file Excel or WPS keeps while 台账.xlsx is open in it, not a "
        "workbook: leave it out (close the workbook and it goes)"
    ) in refused.stderr
    assert seeded.event_count() == before


def test_a_truncated_workbook_is_still_said_truncated(seeded: Fupin, tmp_path: Path) -> None:
    cut = tmp_path / "台账.xlsx"
    cut.write_bytes(b"PK\x03\x04" + b"\x00" * 30)

    refused = seeded(f"import '{cut}'", "admin")

    assert "is not a readable XLSX workbook (truncated)" in refused.stderr


def test_a_header_with_its_unit_is_told_how_the_column_is_headed(
    seeded: Fupin, tmp_path: Path
) -> None:
    # tester c, F4: 金额（元）, a 台账's usual header, was "unknown column" with no hint
    sheet = _csv(
        tmp_path / "拨付到账.csv",
        ["编号", "记录人", "生效日期", "文件", "备注", "账户", "金额（元）"],
        ["AL-1", "qu-01", "2016-09-01", "拨款", "", "city-2016", "100.00"],
    )

    refused = seeded(f"import {sheet}", "qu-01")

    assert refused.exit_code == 2
    assert (
        "row 1, 金额（元）: unknown column: the header row (row 1) names each column in English, "
        "Chinese or both, as `fupin import template` does: （元） is no part of a header, and "
        "amounts are in yuan: head it `金额`, `amount` or `金额 amount`"
    ) in refused.stderr


@pytest.mark.parametrize("form", ["xlsx", "json"])
def test_a_report_exported_as_a_workbook_or_json_is_said_to_be_one(
    seeded: Fupin, tmp_path: Path, form: str
) -> None:
    # tester c, F3: the CSV report was told it is one; the workbook got a line a sheet ("not a
    # command"), the JSON a line a line ("not valid JSON")
    path = tmp_path / f"funds.{form}"
    seeded.ok(f"export report funds --format {form} -o {path}", "admin")

    refused = seeded(f"import {path}", "qu-01")

    assert refused.exit_code == 2
    lines = refused.stderr.strip().splitlines()
    assert lines[0].startswith(f"{path}, file: is a report written by fupin export report (")
    assert lines[1:] == ["refused: 1 error(s) in 0 row(s); nothing written"]
