"""Tester f, session 32 (F4, HIGH): a fupin of session 20 (5e1c94f) took officers ``JN-01`` and
``jn-01``, helpers ``C-1`` and ``c-1``, households ``JH-0001`` and ``jh-0001``; today's
``fupin verify`` passed such a ledger with no note, ``export events`` wrote it, and ``import
--create`` of the export refused it, nothing written (``line 6, officer: 'jn-01' differs from
'JN-01', earlier in this import, only in the case of its letters …``, ``line 8, helper: 'c-1'
differs from 'C-1', on record, …``): the ledger could not be moved. Session 22's rules of keys
alike in case are spared on replay since (``SPARED_BEFORE``'s ``key_case_lookalike``), verify
notes each such key, and today's commands still refuse a new one. Side note: the refusal said
``on record`` of a helper or household an earlier row of the same import made, and ``earlier in
this import`` of an officer on record the import had loaded; each now says where the other
was made. Session 24's rule of a household's measure ids alike in case, which a move already
replayed as recorded, is in ``SPARED_BEFORE`` too (``measure_case_lookalike``), and verify notes
such a measure, as it did nothing of one before."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger.core import LedgerCore
from ledger.household import Household
from ledger.reference import ReferenceCommands

from tests.cli.conftest import (
    Fupin,
    assert_notes_say_the_move,
    assert_refused,
    doc,
    import_refused,
    import_rows_file,
    reimported,
)
from tests.cli.test_round30_exit_spared_notes import verified_said
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and verify's notes: SQLite is enough"

OFFICER = "officer add {} --name 江南专干乙 --role officer --street 江南 " + doc("2016-07-28")
HELPER = "helper add {} --kind cadre --name 李干部 --rank section --unit 区教育局 " + doc(
    "2016-07-28"
)
IDENTIFY = (
    "household identify {} --street 江南 --village 雄光 --members 1 --labour --willing "
    f"--dibao --head-name 陈某 --id-card {id_card(91)} --member-name 陈某 " + doc("2016-08-01")
)
STREET = "place add-street {} " + doc("2016-07-28")

#: What verify says of each key the fixture takes, beside the seeded one (``seeded``).
NOTED = (
    "officer 'JN-01' (registered 2016-07-28) differs from 'jn-01' (registered",
    "street 'WEST' (registered 2016-07-28) differs from 'west' (registered 2016-07-28, before",
    "helper 'C-1' (registered 2016-07-28) differs from 'c-1' (registered",
    "household 'jh-0001' (identified 2016-08-01) differs from 'JH-0001' (identified",
)
SESSION_22 = "which a fupin before 2026-12-02 did not check"


@pytest.fixture
def alike(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> Fupin:
    """``seeded`` (officer jn-01, helper c-1, household JH-0001) with officer ``JN-01``,
    helper ``C-1``, household ``jh-0001`` and street ``WEST`` beside ``west``, taken as a
    fupin before session 22 took them (its two checks of a key's case not made)."""
    seeded.ok(STREET.format("west"), "admin")
    with monkeypatch.context() as before_the_rules:
        before_the_rules.setattr(LedgerCore, "check_no_lookalike", lambda *args: None)
        before_the_rules.setattr(ReferenceCommands, "check_no_other_case", lambda *args: None)
        seeded.ok(OFFICER.format("JN-01"), "admin")
        seeded.ok(STREET.format("WEST"), "admin")
        seeded.ok(HELPER.format("C-1"), "admin")
        seeded.ok(IDENTIFY.format("jh-0001"), "jn-01")
    return seeded


def test_verify_notes_each_key_alike_in_case_to_one_before(alike: Fupin) -> None:
    said = verified_said(alike, alike.store)

    for noted in NOTED:
        assert noted in said, said
    assert said.count("only in the case of its letters") == len(NOTED), said
    assert said.count(SESSION_22) == len(NOTED), said
    assert "today's fupin refuses such a new officer, street, helper or household" in said
    assert_notes_say_the_move(said, moved=False)


@pytest.mark.spared_on_replay("key_case_lookalike")
def test_a_ledger_holding_such_keys_is_moved_as_recorded_and_noted_so(
    alike: Fupin, tmp_path: Path
) -> None:
    moved = reimported(alike, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = tmp_path / "fresh.db"
    said = verified_said(alike, fresh)
    for noted in NOTED:
        assert noted in said, said
    assert_notes_say_the_move(said, moved=True)
    listed = alike.ok(f"--store {fresh} officer list --format json", "admin").stdout
    assert '"JN-01"' in listed
    assert '"jn-01"' in listed


def test_the_moved_store_still_refuses_a_new_key_alike(alike: Fupin, tmp_path: Path) -> None:
    assert reimported(alike, tmp_path).exit_code == 0
    fresh = tmp_path / "fresh.db"
    before = Fupin(str(fresh), alike.runner).event_count()

    officer = alike(f"--store {fresh} " + OFFICER.format("Jn-01"), "admin")
    household = alike(f"--store {fresh} " + IDENTIFY.format("jh-0002"), "jn-01")

    assert_refused(officer, "officer", "'Jn-01' differs from 'jn-01', on record, only in the")
    assert_refused(household, "household", "'jh-0002' differs from 'JH-0002', on record, only")
    assert Fupin(str(fresh), alike.runner).event_count() == before


def test_an_import_says_a_key_its_earlier_row_made_earlier_in_this_import(
    seeded: Fupin, tmp_path: Path
) -> None:
    helper = {"kind": "cadre", "name": "干部", "unit": "", "rank": "section", "team_size": 0}
    rows = import_rows_file(
        tmp_path / "rows.jsonl",
        "admin",
        "2016-07-28",
        ("register_helper", {**helper, "helper": "D-7"}),
        ("register_helper", {**helper, "helper": "d-7"}),
        ("register_helper", {**helper, "helper": "C-1"}),
    )

    said = import_refused(seeded, rows, "admin")

    assert "line 2, helper: 'd-7' differs from 'D-7', earlier in this import, only in" in said
    assert "line 3, helper: 'C-1' differs from 'c-1', on record, only in" in said


def test_an_import_says_an_officer_on_record_it_read_on_record(
    seeded: Fupin, tmp_path: Path
) -> None:
    officer = {"name": "专干", "role": "officer", "street": "江南", "unit": ""}
    rows = import_rows_file(
        tmp_path / "rows.jsonl",
        "admin",
        "2016-09-01",  # after jn-01's entries under 江南
        ("change_officer", {"officer": "jn-01", "role": "officer", "street": "礼乐"}),
        ("register_officer", {**officer, "officer": "JN-01"}),
    )

    said = import_refused(seeded, rows, "admin")

    assert "line 2, officer: 'JN-01' differs from 'jn-01', on record, only in the case" in said
    assert "1 error(s) in 2 row(s)" in said  # jn-01 moved to 礼乐 by the first row


def _measure_alike(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> None:
    """Measure ``M-1`` planned for JH-0001 beside its ``m-1`` (planned 2016-08-12), as a fupin
    before session 24 took it."""
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(Household, "check_measure_id_case", lambda *args: None)
        seeded.ok(
            f"household plan-measure JH-0001 M-1 --category relief {doc('2016-09-01')}", "jn-01"
        )


MEASURE_NOTED = "under today's rules: household JH-0001's measure 'M-1' (planned 2016-09-01, entry "
MEASURE_RULE = (
    "differs from 'm-1' (planned 2016-08-12, before it) only in the case of its letters: two "
    "measures of one household differing only so read as one in every payment and report"
)


def test_verify_notes_a_measure_alike_in_case_to_one_of_its_household(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    _measure_alike(seeded, monkeypatch)

    said = verified_said(seeded, seeded.store)

    assert MEASURE_NOTED in said, said
    assert MEASURE_RULE in said, said
    assert "today's fupin refuses such a measure: record what follows under the one first" in said
    assert_notes_say_the_move(said, moved=False)


@pytest.mark.spared_on_replay("measure_case_lookalike")
def test_a_ledger_holding_such_measures_is_moved_and_noted_so(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _measure_alike(seeded, monkeypatch)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    said = verified_said(seeded, tmp_path / "fresh.db")
    assert MEASURE_NOTED in said, said
    assert_notes_say_the_move(said, moved=True)
