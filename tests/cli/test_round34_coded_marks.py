"""Session 34, tester c (a town officer's 台账): a row imported with a coded cell in one of its
documented forms (类别 ``医疗``, 用途 ``工作经费``) and imported again from a copy saying it in
another (``medical``, `` Working ``) was refused as "imported before for another row", though
the same values are recorded; yes/no and 城乡 cells were compared as recorded. A row's mark is
now of its coded values as recorded (``ledger.commands.coded_as_recorded``); a file imported
before, marked as typed, is still skipped when imported again as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger import imports

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "an import's marks of its rows: SQLite is enough"

HEAD = "编号,记录人,生效日期,文件,备注,户号,措施编号,类别,内容,预算\n"
MEASURE = "PM-1,jn-01,2016-09-01,一户一策,,JH-0001,m-9,{},住院,10.00\n"
PAYMENTS = (
    "编号,记录人,生效日期,文件,备注,账户,金额,类别,用途\n"
    "WK-1,qu-01,2016-09-02,凭证1,,city-2016,1.00,{},{}\n"
)


def _sheet(tmp_path: Path, copy: str, text: str) -> Path:
    """A CSV named for its command (``帮扶措施.csv``, ``资金支出.csv``) in folder ``copy``."""
    command = "帮扶措施" if text.startswith(HEAD) else "资金支出"
    path = tmp_path / copy / f"{command}.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _imported(fupin: Fupin, path: Path, actor: str) -> str:
    return str(fupin.ok(f"import {path}", actor).stdout)


@pytest.mark.parametrize(
    ("first", "again"), [("医疗", "medical"), ("medical", " Medical "), ("医疗", "医疗")]
)
def test_a_measure_imported_again_in_another_form_of_its_category_is_skipped(
    seeded: Fupin, tmp_path: Path, first: str, again: str
) -> None:
    _imported(seeded, _sheet(tmp_path, "plan.csv", HEAD + MEASURE.format(first)), "jn-01")
    before = seeded.event_count()

    said = _imported(seeded, _sheet(tmp_path, "copy.csv", HEAD + MEASURE.format(again)), "jn-01")

    assert "skipped 1 already imported (of 1)" in said
    assert seeded.event_count() == before


def test_a_payment_imported_again_with_its_category_and_purpose_in_english_is_skipped(
    seeded: Fupin, tmp_path: Path
) -> None:
    _imported(seeded, _sheet(tmp_path, "p.csv", PAYMENTS.format("工作经费", "工作经费")), "qu-01")
    before = seeded.event_count()

    said = _imported(
        seeded, _sheet(tmp_path, "q.csv", PAYMENTS.format("working", "Working")), "qu-01"
    )

    assert "skipped 1 already imported (of 1)" in said
    assert seeded.event_count() == before


def test_another_value_under_a_ref_on_record_is_still_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    _imported(seeded, _sheet(tmp_path, "plan.csv", HEAD + MEASURE.format("医疗")), "jn-01")
    before = seeded.event_count()

    refused = seeded(
        f"import {_sheet(tmp_path, 'other.csv', HEAD + MEASURE.format('教育'))}", "jn-01"
    )

    assert refused.exit_code == 2
    assert "row 2, 编号: 'PM-1' was imported before for another row" in refused.stderr
    assert seeded.event_count() == before


def test_a_file_marked_as_typed_before_is_still_skipped_as_it_was(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a fupin before session 34 marked it: its coded values as typed.
    sheet = _sheet(tmp_path, "plan.csv", HEAD + MEASURE.format("医疗"))
    with monkeypatch.context() as old:
        old.setattr(imports, "coded_as_recorded", lambda args, spec: args)
        _imported(seeded, sheet, "jn-01")
    before = seeded.event_count()

    said = _imported(seeded, sheet, "jn-01")

    assert "skipped 1 already imported (of 1)" in said
    assert seeded.event_count() == before


def test_the_same_row_under_another_ref_in_another_form_is_the_same_row(
    seeded: Fupin, tmp_path: Path
) -> None:
    _imported(seeded, _sheet(tmp_path, "plan.csv", HEAD + MEASURE.format("医疗")), "jn-01")
    renumbered = HEAD + MEASURE.format("medical").replace("PM-1", "PM-9")

    refused = seeded(f"import {_sheet(tmp_path, 'renumbered.csv', renumbered)}", "jn-01")

    assert refused.exit_code == 2
    assert "the same row as ref 'PM-1' of an earlier import" in refused.stderr


def test_a_ref_twice_in_one_import_names_the_column_as_the_file_heads_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    # tester c, F6: said "ref" where every file heads it 编号
    sheet = _sheet(tmp_path, "plan.csv", HEAD + MEASURE.format("医疗"))
    copy = _sheet(tmp_path, "副本", HEAD + MEASURE.format("医疗"))

    refused = seeded(f"import {sheet} {copy}", "jn-01")

    assert refused.exit_code == 2
    assert "row 2, 编号: 'PM-1' is also the ref of" in refused.stderr
