"""``fupin import``, ``fupin import template`` and ``fupin export`` from the command line."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from cli.main import app
from ledger.application import open_ledger
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from tests.support import ledger_at, register, stamp

runner = CliRunner()

HEADER = "编号,记录人,生效日期,文件,街道\n"


def store(tmp_path: Path) -> str:
    path = tmp_path / "l.db"
    with ledger_at(path):
        pass
    return str(path)


def events(path: str) -> int:
    app = open_ledger(path)
    try:
        return app.event_count()
    finally:
        app.close()


def test_a_csv_with_chinese_headers_is_imported(tmp_path: Path) -> None:
    db = store(tmp_path)
    (tmp_path / "register_street.csv").write_text(HEADER + "S-1,admin,2016-08-01,doc,外海\n")

    result = runner.invoke(app, ["--store", db, "import", str(tmp_path / "register_street.csv")])

    assert result.exit_code == 0, result.output
    assert "imported 1 row(s)" in result.output


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = store(tmp_path)
    before = events(db)
    (tmp_path / "register_street.csv").write_text(HEADER + "S-1,admin,2016-08-01,doc,外海\n")

    result = runner.invoke(
        app, ["--store", db, "import", "--dry-run", str(tmp_path / "register_street.csv")]
    )

    assert result.exit_code == 0, result.output
    assert "nothing written" in result.output
    assert events(db) == before


def test_bad_rows_are_each_named_and_refused_with_exit_code_2(tmp_path: Path) -> None:
    db = store(tmp_path)
    before = events(db)
    rows = (
        "S-1,admin,2016-08-01,doc,外海\nS-2,admin,2016-99-01,doc,A\nS-3,nobody,2016-08-01,doc,B\n"
    )
    (tmp_path / "register_street.csv").write_text(HEADER + rows)

    result = runner.invoke(app, ["--store", db, "import", str(tmp_path / "register_street.csv")])

    assert result.exit_code == 2
    assert "register_street.csv row 3, 生效日期" in result.output
    # Named by the file's actor column (it said "as", the command line's option).
    assert (
        "register_street.csv row 4, 记录人: 'nobody' is not a registered officer" in result.output
    )
    assert "Traceback" not in result.output
    assert events(db) == before


def test_xlsx_template_has_a_sheet_per_command_and_a_readme(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"

    result = runner.invoke(app, ["import", "template", "--format", "xlsx", "-o", str(target)])

    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert {"说明", "identify", "disburse", "record_visit"} <= set(book.sheetnames)
    assert [c.value for c in book["review"][1]] == [
        "编号 ref", "记录人 actor", "生效日期 effective", "文件 document", "备注 note",
        "户号 household", "通过 accepted",
    ]  # fmt: skip
    # Text columns are formatted as text, so an ID card or phone number typed in stays text.
    identify = book["identify"]
    formats = {
        str(cell.value).split()[-1]: identify.column_dimensions[
            get_column_letter(number)
        ].number_format
        for number, cell in enumerate(identify[1], 1)
    }
    assert formats["id_card"] == formats["phone"] == formats["household"] == "@"
    assert formats["members"] == formats["effective"] == "General"


def test_csv_templates_are_one_file_per_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "template", "--format", "csv", "-o", str(tmp_path)])

    assert result.exit_code == 0, result.output
    data = (tmp_path / "sign.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese headers as UTF-8
    assert next(csv.reader(data.decode("utf-8-sig").splitlines())) == [
        "编号 ref",
        "记录人 actor",
        "生效日期 effective",
        "文件 document",
        "备注 note",
        "户号 household",
    ]


def test_exported_events_reimport_into_a_new_store(tmp_path: Path) -> None:
    db = store(tmp_path)
    log = tmp_path / "events.jsonl"
    # An export carries personal data in clear: admins may export (docs/privacy.md).
    exported = runner.invoke(
        app, ["--store", db, "--as", "admin", "export", "events", "-o", str(log)]
    )
    fresh = str(tmp_path / "fresh.db")

    result = runner.invoke(app, ["--store", fresh, "import", "--create", str(log)])

    assert exported.exit_code == 0, exported.output
    assert result.exit_code == 0, result.output
    # plus the import's own record, and the record of the move (RebuiltFromExport, session 23)
    assert events(fresh) == events(db) + 3


def test_a_refused_row_is_named_with_its_files_path(tmp_path: Path) -> None:
    # Two streets' folders hold files of the same name: the base name alone named neither.
    db = store(tmp_path)
    for folder, day in (("jn", "2016-08-01"), ("wh", "2016-99-01")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "register_street.csv").write_text(
            HEADER + f"S-{folder},admin,{day},doc,{folder}\n"
        )
    files = [str(tmp_path / f / "register_street.csv") for f in ("jn", "wh")]

    result = runner.invoke(app, ["--store", db, "import", *files])

    assert result.exit_code == 2
    assert f"{tmp_path / 'wh' / 'register_street.csv'} row 2, 生效日期" in result.output


def test_a_report_exports_as_csv_json_and_xlsx(tmp_path: Path) -> None:
    db = store(tmp_path)

    as_csv = runner.invoke(app, ["--store", db, "export", "report", "caseload", "--format", "csv"])
    as_json = runner.invoke(app, ["--store", db, "export", "report", "funds", "--format", "json"])
    target = tmp_path / "a.xlsx"
    as_xlsx = runner.invoke(
        app,
        [
            "--store",
            db,
            "export",
            "report",
            "accountability",
            "--format",
            "xlsx",
            "-o",
            str(target),
        ],
    )

    assert (as_csv.exit_code, as_json.exit_code, as_xlsx.exit_code) == (0, 0, 0)
    # The caseload's totals in its report row, as `report --format csv` (since session 22).
    assert "recorded_through,totals.households,totals.people\n" in as_csv.output
    assert '"report": "funds"' in as_json.output
    assert "talks_due" in load_workbook(target).sheetnames
    # A section with no rows keeps its header, in CSV and in the workbook.
    assert "# exits\nyear,street,households,people\n" in as_csv.output
    sheet = load_workbook(target)["early_unpairings"]
    assert [c.value for c in next(sheet.iter_rows())][:3] == ["household", "street", "helper"]


def test_an_exported_report_is_as_the_report_says_it(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    with ledger_at(db) as ledger:
        register(ledger, "JH-1")
    report = ["--store", db, "report", "accountability", "--format", "csv"]
    export = ["--store", db, "export", "report", "accountability", "--format", "csv"]

    shown = runner.invoke(app, [*report, "--as-of", "2016-09-01"])
    exported = runner.invoke(app, [*export, "--as-of", "2016-09-01"])
    later = runner.invoke(app, [*export, "--as-of", "2017-02-01"])  # 2016 over

    assert (shown.exit_code, exported.exit_code, later.exit_code) == (0, 0, 0)
    # yes/no as the report writes them (True/False before), and --as-of as the report takes it
    # (the export always wrote today's report).
    plan = shown.stdout.split("# plan\n")[1].split("\n\n")[0]
    assert plan in exported.stdout
    assert ",no," in plan
    assert "True" not in exported.stdout
    assert "False" not in exported.stdout
    assert plan not in later.stdout


def test_the_ledger_still_verifies_after_an_import(tmp_path: Path) -> None:
    db = store(tmp_path)
    (tmp_path / "register_street.csv").write_text(HEADER + "S-1,admin,2016-08-01,doc,外海\n")
    imported = runner.invoke(app, ["--store", db, "import", str(tmp_path / "register_street.csv")])
    assert imported.exit_code == 0, imported.output

    result = runner.invoke(app, ["--store", db, "verify"])

    assert result.exit_code == 0, result.output
    assert "every event's recorder was an active officer allowed to record it" in result.output


def test_an_analyst_cannot_import(tmp_path: Path) -> None:
    db = store(tmp_path)
    before = events(db)
    (tmp_path / "register_street.csv").write_text(HEADER + "S-1,ana-1,2016-08-01,doc,外海\n")

    result = runner.invoke(
        app, ["--store", db, "--as", "ana-1", "import", str(tmp_path / "register_street.csv")]
    )

    assert result.exit_code == 2, result.output
    assert "analyst" in result.output
    assert events(db) == before


def test_an_export_split_in_two_files_reimports_events_alike_but_for_their_version(
    tmp_path: Path,
) -> None:
    # The same visit entered twice is two events (a ledger recorded before session 21, which
    # took it: refused since, as an export replays it); an export names each by its version,
    # and a large export is imported as several files: the second is not "the same row again".
    path = tmp_path / "l.db"
    with ledger_at(path) as ledger:
        register(ledger, "JH-1")
        ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
        ledger.replaying_export = True
        for _ in range(2):
            ledger.record_visit(stamp("jn-01", date(2016, 9, 1)), "JH-1", "c-1", "入户走访")
    log = tmp_path / "events.jsonl"
    exported = runner.invoke(
        app, ["--store", str(path), "--as", "admin", "export", "events", "-o", str(log)]
    )
    assert exported.exit_code == 0, exported.output
    lines = log.read_bytes().splitlines(keepends=True)
    visits = [i for i, line in enumerate(lines) if b'"record_visit"' in line]
    assert len(visits) == 2
    first, second = tmp_path / "part-1.jsonl", tmp_path / "part-2.jsonl"
    first.write_bytes(b"".join(lines[: visits[1]]))
    second.write_bytes(b"".join(lines[visits[1] :]))
    first.chmod(0o600)  # personal data: its owner's only, as the export was (docs/privacy.md)
    second.chmod(0o600)
    fresh = str(tmp_path / "fresh.db")

    # One command, the parts in order (since session 23 a new store takes an export whole:
    # its first part alone, with no closing line, is refused as cut short).
    both = runner.invoke(app, ["--store", fresh, "import", "--create", str(first), str(second)])

    assert both.exit_code == 0, both.output
    # plus the import's own record: the register's first event, its batch, the move's record
    assert events(fresh) == events(str(path)) + 3
