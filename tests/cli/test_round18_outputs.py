"""Session 18, tester M (the district's statistics analyst):

- an output file could be the ledger itself: ``export report funds -o demo.db`` replaced the
  whole store with a CSV, ``-o demo.db.master-key`` the master key with JSON, exit 0;
- a text typed by a user became a live formula in the XLSX and CSV files (a village ``=1+2``
  shown as 3, a donor ``=cmd|'/C calc'!A0`` offered to run);
- CSV files had no BOM, so Excel and WPS on Chinese Windows read their Chinese as GBK."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from cli.outputs import inert
from ledger import reference
from openpyxl import load_workbook

from tests.cli.conftest import Fupin, assert_refused, doc

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # a file beside a file


@SQLITE
@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("", "the ledger's store"),
        ("-wal", "the store's -wal file"),
        (".master-key", "the store's master key file"),
    ],
)
def test_an_output_is_never_a_file_the_ledger_needs(seeded: Fupin, name: str, what: str) -> None:
    target = Path(f"{seeded.store}{name}")
    before = target.read_bytes() if target.exists() else None

    for line in (
        f"export report funds --format csv -o {target}",
        f"report html --out {target}",
        f"notice --street 江南 --from 2016-08-01 --to 2016-08-31 -o {target}",
    ):
        assert_refused(seeded(line, "admin"), "", f"is {what}: writing there would destroy it")

    assert (target.read_bytes() if target.exists() else None) == before
    assert seeded("report caseload", "ana-1").exit_code == 0


@SQLITE
def test_the_master_key_file_named_in_the_environment_is_not_written(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "elsewhere.key"
    key.write_text("the key\n")
    monkeypatch.setenv("LEDGER_MASTER_KEY_FILE", str(key))  # read by the refusal, not opened

    result = seeded(f"export report caseload -o {key}", "ana-1")

    assert_refused(result, "output", "is the master key file (LEDGER_MASTER_KEY_FILE)")
    assert key.read_text() == "the key\n"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("=cmd|'/C calc'!A0", "'=cmd|'/C calc'!A0"),
        ("+86 750", "'+86 750"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-说明", "'-说明"),
        ("\t=1", "'\t=1"),
        ("-12.50", "-12.50"),  # a number written as text stays a number
        ("1,000", "1,000"),
        ("江南", "江南"),
        (-5, -5),
        (None, None),
    ],
)
def test_a_text_a_spreadsheet_would_take_for_a_formula_is_made_inert(
    value: object, shown: object
) -> None:
    assert inert(value) == shown


def _village_named_a_formula(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> None:
    """A village whose key a spreadsheet reads as a formula: refused as a new key since
    session 23 (a key does not begin with = + - or @), recorded before that."""
    with monkeypatch.context() as patched:
        patched.setattr(reference, "check_new_key", lambda kind, key: None)
        seeded.ok(f"place add-village 江南 =1+2 --relatively-poor {doc('2016-07-26')}", "admin")
    seeded.ok(
        "fund disburse city-2016 --amount 1 --category facilities --purpose village "
        f"--street 江南 --village =1+2 {doc('2016-09-01')}",
        "qu-01",
    )


@SQLITE
def test_a_village_named_a_formula_is_text_in_every_output(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _village_named_a_formula(seeded, monkeypatch)
    book = tmp_path / "funds.xlsx"
    sheet = tmp_path / "funds.csv"
    seeded.ok(f"export report funds --format xlsx -o {book}", "ana-1")
    seeded.ok(f"export report funds --format csv -o {sheet}", "ana-1")

    cells = [
        c
        for ws in load_workbook(book).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value == "=1+2"
    ]
    assert cells
    assert {c.data_type for c in cells} == {"s"}  # text, not a formula
    text = sheet.read_text(encoding="utf-8-sig")
    assert "'=1+2" in text
    assert ",=1+2" not in text
    printed = seeded.ok("report funds --format csv", "ana-1").stdout
    assert "'=1+2" in printed
    queried = seeded.ok("query \"SELECT '=1+2' AS v\" --format csv", "ana-1").stdout
    assert queried.splitlines() == ["v", "'=1+2"]


@SQLITE
def test_a_csv_file_starts_with_the_bom_excel_reads_as_utf8(seeded: Fupin, tmp_path: Path) -> None:
    report, notice = tmp_path / "caseload.csv", tmp_path / "notice.csv"
    seeded.ok(f"export report caseload --format csv -o {report}", "ana-1")
    seeded.ok(f"notice --street 江南 --from 2016-08-01 --to 2016-08-31 -o {notice}", "admin")

    for written in (report, notice):
        assert written.read_bytes().startswith(b"\xef\xbb\xbf"), written
    # standard output gets none: it is read by programs, not opened by Excel
    printed = seeded.ok("export report caseload --format csv", "ana-1").stdout
    assert not printed.startswith("\ufeff")
    assert io.StringIO(report.read_text(encoding="utf-8-sig")).readline().startswith("# ")
    assert os.path.getsize(report) > 3


def test_verify_that_passes_writes_nothing_on_stderr(seeded: Fupin) -> None:
    # A nightly job alarms on any output on stderr: the progress bar left a blank line there
    # when stderr was no terminal (tester L, session 18).
    result = seeded("verify", "admin")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
