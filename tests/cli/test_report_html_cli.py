"""``fupin report html``: exit code first, then the file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli.main import app
from typer.testing import CliRunner

from tests.support import id_card, ledger_at, register

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


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("reader", ["admin", "insp-1", "qu-01"])
def test_a_report_with_personal_data_in_clear_is_readable_by_its_owner_only(
    tmp_path: Path, reader: str
) -> None:
    # Before, it was 0644 under umask 022 while `export events -o` was 0600.
    store, out = make_store(tmp_path), tmp_path / "report.html"

    result = runner.invoke(
        app, ["--store", store, "--as", reader, "report", "html", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert id_card(1) in out.read_text(encoding="utf-8")
    assert _mode(out) == 0o600


def test_a_report_with_personal_data_in_clear_makes_an_existing_file_owner_only(
    tmp_path: Path,
) -> None:
    store, out = make_store(tmp_path), tmp_path / "report.html"
    out.write_text("old")
    out.chmod(0o644)

    result = runner.invoke(
        app, ["--store", store, "--as", "admin", "report", "html", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert _mode(out) == 0o600


def test_a_masked_report_is_written_as_any_other_file(tmp_path: Path) -> None:
    store, out = make_store(tmp_path), tmp_path / "report.html"
    mask = os.umask(0o022)
    os.umask(mask)

    result = runner.invoke(
        app, ["--store", store, "--as", "ana-1", "report", "html", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert id_card(1) not in out.read_text(encoding="utf-8")
    assert _mode(out) == 0o666 & ~mask


def test_report_html_without_out_writes_report_html_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tester I, session 24: the default --out, a Path, reached the option's parser, which
    # took text: 'PosixPath' object has no attribute 'endswith', exit 1, nothing written.
    store = make_store(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    result = runner.invoke(app, ["--store", store, "report", "html"])

    assert result.exit_code == 0, result.output
    assert (work / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
