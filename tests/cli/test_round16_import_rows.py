"""Round 16: an import's rows as the real run reads them. A dry run refuses what the save
would refuse for its signatures (an officer whose key is in force, with no ``--key``; a
``--key`` that signs nothing); a row's ``actor`` cell is read as typed, as ``--as`` is."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_verify_cli import new_key

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

COLUMNS = "ref,effective,document,household,helper,summary\n"
VISIT = "V16-1,2016-09-01,走访记录,JH-0001,c-1,入户走访\n"


def _visits(folder: Path, text: str = COLUMNS + VISIT) -> str:
    path = folder / "record_visit.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- 2. a dry run refuses what the save's signing would ---------------------------------------


def test_a_dry_run_refuses_an_officer_whose_key_is_not_given(seeded: Fupin, tmp_path: Path) -> None:
    public = new_key(seeded, tmp_path / "jn-01.key")
    seeded.ok(f"keys register jn-01 {public} {doc('2016-08-20')}", "admin")
    rows = _visits(tmp_path)
    before = seeded.event_count()

    for line in (f"import --dry-run {rows}", f"import {rows}"):
        assert_refused(seeded(line, "jn-01"), "key", "jn-01 signs with key")
    assert seeded.event_count() == before
    # with its key, both pass
    key = f"--key {tmp_path / 'jn-01.key'}"
    assert "would be applied" in seeded.ok(f"{key} import --dry-run {rows}", "jn-01").output
    assert "imported 1 row(s)" in seeded.ok(f"{key} import {rows}", "jn-01").output


def test_a_dry_run_refuses_a_keyed_admin_importing_another_officers_rows_without_a_key(
    seeded: Fupin, tmp_path: Path
) -> None:
    # the row is jn-01's (its actor column), recorded by the admin who imports it: since
    # session 28 the admin's key signs it (jn-01's was due before), and a dry run says so too
    # (since session 20 only an admin imports another officer's rows)
    public = new_key(seeded, tmp_path / "jn-01.key")
    seeded.ok(f"keys register jn-01 {public} {doc('2016-08-20')}", "admin")
    public = new_key(seeded, tmp_path / "admin.key")
    seeded.ok(f"keys register admin {public} {doc('2016-08-20')}", "admin")
    rows = _visits(tmp_path, "actor," + COLUMNS + "jn-01," + VISIT)

    for line in (f"import --dry-run {rows}", f"import {rows}"):
        assert_refused(seeded(line, "admin"), "key", "admin signs with key")
    key = f"--key {tmp_path / 'admin.key'}"
    assert "would be applied" in seeded.ok(f"{key} import --dry-run {rows}", "admin").output


def test_a_dry_run_refuses_a_key_that_would_sign_nothing(seeded: Fupin, tmp_path: Path) -> None:
    new_key(seeded, tmp_path / "spare.key")
    rows = _visits(tmp_path)
    before = seeded.event_count()

    key = f"--key {tmp_path / 'spare.key'}"
    for line in (f"{key} import --dry-run {rows}", f"{key} import {rows}"):
        assert_refused(seeded(line, "jn-01"), "key", "jn-01 has no signing key in force")
    assert seeded.event_count() == before


# -- 3. the actor cell read as typed ---------------------------------------------------------


@pytest.mark.parametrize("actor", [" jn-01", "jn-01 ", "\u3000jn-01"])
def test_an_actor_cell_with_spaces_is_refused_naming_the_column(
    seeded: Fupin, tmp_path: Path, actor: str
) -> None:
    rows = _visits(tmp_path, "actor," + COLUMNS + actor + "," + VISIT)
    before = seeded.event_count()

    for line in (f"import --dry-run {rows}", f"import {rows}"):
        refused = seeded(line)
        assert refused.exit_code == 2, refused.output
        assert f"row 2, actor: {actor!r} is not a registered officer" in refused.stderr
    assert seeded.event_count() == before
    # as --as refuses it (the officer of a row with no actor cell)
    refused = seeded(f"import --dry-run {_visits(tmp_path)}", actor)
    assert refused.exit_code == 2, refused.output
    assert f"{actor!r} is not a registered officer" in refused.stderr


def test_a_blank_actor_cell_is_still_the_importer(seeded: Fupin, tmp_path: Path) -> None:
    rows = _visits(tmp_path, "actor," + COLUMNS + "  ," + VISIT)

    assert "would be applied" in seeded.ok(f"import --dry-run {rows}", "jn-01").output
