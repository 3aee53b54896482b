"""Session 30, re-tester R: an import row whose actor is no registered officer (``GHOST``, or
``JN-01`` typed in the wrong case) naming a household not on record was refused for the
household (``household: no household 'JH-9999' on record``), telling an id that is no officer
which households exist, where ``--as GHOST`` has been refused before any record is looked up
since session 29. Since session 30 a row's actor is judged registered and active before the
row's command looks up any record it names (docs/import.md, *Provenance*)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, import_rows_file

STORE_INDEPENDENT = "who records a row is judged before any record is read: SQLite is enough"

#: Rows naming records that are not on record: a household, and a helper for a visit.
ROWS: dict[str, dict[str, object]] = {
    "sign": {"household": "JH-9999"},
    "record_visit": {"household": "JH-9999", "helper": "no-helper", "summary": "走访"},
    "assess_income": {"household": "JH-9999", "year": 2016, "income": "9000"},
}


def _rows(folder: Path, actor: str) -> Path:
    return import_rows_file(folder / "rows.jsonl", actor, "2016-09-05", *ROWS.items())


@pytest.mark.parametrize(
    ("actor", "rule"),
    [
        ("GHOST", "actor: 'GHOST' is not a registered officer"),
        ("JN-01", "actor: 'JN-01' is not a registered officer ('jn-01'?)"),
        ("ll-01", "actor: ll-01 has retired"),
    ],
)
def test_a_rows_actor_is_judged_before_the_records_it_names(
    seeded: Fupin, tmp_path: Path, actor: str, rule: str
) -> None:
    seeded.ok("officer retire ll-01 --reason 退休 -d 文件 -e 2016-09-01", "admin")
    rows = _rows(tmp_path, actor)
    before = seeded.event_count()

    for line in (f"import --dry-run {rows}", f"import {rows}"):
        refused = seeded(line, "admin")

        assert refused.exit_code == 2, refused.output
        assert "Traceback" not in refused.output
        said = refused.stderr.splitlines()
        for n in range(1, len(ROWS) + 1):
            assert f"{rows} line {n}, {rule}" in said, refused.stderr
        assert "JH-9999" not in refused.stderr
        assert "no-helper" not in refused.stderr
    assert seeded.event_count() == before


def test_an_officers_row_still_names_the_record_not_on_record(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = _rows(tmp_path, "jn-01")

    refused = seeded(f"import --dry-run {rows}", "admin")

    assert refused.exit_code == 2, refused.output
    assert f"{rows} line 1, household: no household 'JH-9999' on record" in refused.stderr
