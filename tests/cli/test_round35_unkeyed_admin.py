"""Session 35, tester f (F9, HIGH): an admin with no key in force, beside an admin with one,
recorded unsigned what a keyed officer or admin may not: an erasure (the one entry no
correction undoes: the household's key is destroyed), and, by import, a row in the name of a
street officer whose key is in force (``--as`` that officer without the key is refused). Plain
verify passed both. An erasure is recorded only by a keyed admin now, as officers and keys are
(``KEYED_ADMIN_COMMANDS``); a keyed officer's row is imported only by an importer whose key
signs it."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round24_keyed_admins import keyed
from tests.cli.test_round24_keys import _new_key
from tests.cli.test_round28_imported_by import ROW  # a visit of jn-01's

__all__ = ["keyed"]  # the fixture, used by name

STORE_INDEPENDENT = "the command's authority check, the same code on either store"

ERASE = "erase JH-0001 --reason 本人申请 " + doc("2016-09-01")


def test_an_admin_without_a_key_erases_nothing_beside_an_admin_with_one(
    keyed: Fupin, tmp_path: Path
) -> None:
    before = keyed.event_count()

    refused = keyed(ERASE, "adm-3")

    assert_refused(
        refused,
        "as",
        "adm-3 has no key in force, and admin has one: while an active admin has a key in "
        "force, fupin erase is recorded only by an admin with a key in force",
    )
    assert keyed.event_count() == before
    keyed.ok(f"--key {tmp_path / 'admin.key'} {ERASE}", "admin")


def test_a_keyed_officers_row_is_not_imported_by_an_importer_with_no_key(
    keyed: Fupin, tmp_path: Path
) -> None:
    public, key_id = _new_key(keyed, tmp_path / "jn.key")
    keyed.ok(
        f"--key {tmp_path / 'admin.key'} keys register jn-01 {public} {doc('2016-08-20')}", "admin"
    )
    rows = tmp_path / "visits.jsonl"
    rows.write_bytes(orjson.dumps(ROW) + b"\n")
    before = keyed.event_count()

    refused = keyed(f"import {rows}", "adm-3")

    assert refused.exit_code == 2
    assert (
        f"visits.jsonl line 1, actor: jn-01 has a key in force ({key_id}), and adm-3, importing "
        "this row in jn-01's name, has none: the importer's key signs what they import"
    ) in refused.stderr
    assert keyed.event_count() == before
    imported = keyed.ok(f"--key {tmp_path / 'admin.key'} import {rows}", "admin")
    assert "imported 1 row(s)" in imported.stdout
    keyed.ok("verify")


def test_an_officer_importing_a_keyed_officers_row_is_told_the_own_rows_rule_first(
    keyed: Fupin, tmp_path: Path
) -> None:
    # Re-tester r, session 35 (F3): an officer was sent after a key, then refused for the rule
    public, _ = _new_key(keyed, tmp_path / "jn.key")
    admin_key = f"--key {tmp_path / 'admin.key'}"
    keyed.ok(f"{admin_key} keys register jn-01 {public} {doc('2016-08-20')}", "admin")
    rows = tmp_path / "visits.jsonl"
    rows.write_bytes(orjson.dumps(ROW) + b"\n")

    refused = keyed(f"import {rows}", "qu-01")  # a district officer, no key

    assert refused.exit_code == 2
    assert "an officer imports their own rows; only an admin imports rows of other officers" in (
        refused.stderr
    )
    assert "has a key in force" not in refused.stderr
