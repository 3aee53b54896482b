"""``fupin report html``: exit code first, then the file."""

from __future__ import annotations

from pathlib import Path

from cli.main import app
from typer.testing import CliRunner

from tests.support import ledger_at, register

runner = CliRunner()


def make_store(tmp_path: Path) -> str:
    path = tmp_path / "cli.db"
    with ledger_at(path) as ledger:
        register(ledger, "JH-1")
    return str(path)


def test_report_html_writes_one_self_contained_page(tmp_path: Path) -> None:
    store, out = make_store(tmp_path), tmp_path / "report.html"

    result = runner.invoke(app, ["--store", store, "report", "html", "--out", str(out)])

    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert 'id="household-JH-1"' in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page


def test_report_html_with_a_bad_date_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    store, out = make_store(tmp_path), tmp_path / "report.html"

    result = runner.invoke(
        app, ["--store", store, "report", "html", "--as-of", "2016-13-01", "--out", str(out)]
    )

    assert result.exit_code == 2
    assert "as-of" in result.stderr
    assert not out.exists()


def test_report_html_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    store = make_store(tmp_path)

    result = runner.invoke(
        app, ["--store", store, "report", "html", "--out", str(tmp_path / "no" / "r.html")]
    )

    assert result.exit_code == 2
    assert "out" in result.stderr
    assert "Traceback" not in result.output
