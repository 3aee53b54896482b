"""Session 35 (tester a of session 34, F11): an admin closed 销号 the finding about themself,
accepting their own rectification 整改. The officer a finding is about does not close it:
another inspector or admin does [六(七)]; an older fupin's such closure replays
(``finding_closed_by_its_subject``) and ``fupin verify`` notes it until it is voided."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round30_exit_spared_notes import noted_until
from tests.support import stamp

STORE_INDEPENDENT = "an inspection's own rule and verify's note: SQLite is enough"

CLOSE = "inspection close DI-1 F-1 " + doc("2017-02-10")


def _rectified(fupin: Fupin, subject: str = "admin") -> None:
    """DI-1 (entry 1) finds F-1 about officer ``subject`` (entry 2), who reports its
    rectification (entry 3)."""
    fupin.ok(f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}", "insp-1")
    fupin.ok(
        f"inspection find DI-1 F-1 --subject-kind officer --subject {subject} "
        f"--description 台账不全 --deadline 2017-03-31 {doc('2017-01-05')}",
        "insp-1",
    )
    rectify = f"inspection rectify DI-1 F-1 --summary 已补齐 --note 补录 {doc('2017-02-01')}"
    fupin.ok(rectify, subject)


def test_the_officer_a_finding_is_about_does_not_close_it(seeded: Fupin) -> None:
    _rectified(seeded)
    before = seeded.event_count()

    refused = seeded(CLOSE, "admin")

    assert_refused(
        refused,
        "as",
        "'F-1' of DI-1 is about officer admin, who is closing it: the officer a finding is "
        "about does not accept their own rectification; another inspector or admin closes it",
    )
    assert seeded.event_count() == before
    seeded.ok(CLOSE, "insp-1")


def test_nor_imports_its_closure_in_an_inspectors_name(seeded: Fupin, tmp_path: Path) -> None:
    # Re-tester r, session 35 (F7): the admin it is about imported the closure as insp-1's
    _rectified(seeded)
    row = {
        "command": "close_finding",
        "ref": "CLOSE-1",
        "actor": "insp-1",
        "effective": "2017-02-10",
        "document": "销号单",
        "note": "",
        "args": {"inspection": "DI-1", "finding": "F-1"},
    }
    rows = tmp_path / "close.jsonl"
    rows.write_bytes(orjson.dumps(row) + b"\n")
    before = seeded.event_count()

    refused = seeded(f"import {rows}", "admin")

    assert refused.exit_code == 2
    assert (
        "actor: 'F-1' of DI-1 is about officer admin, who imports its closure: the officer a "
        "finding is about does not accept their own rectification"
    ) in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(f"import {rows}", "insp-1")


def test_an_admin_closes_a_finding_about_another_officer(seeded: Fupin) -> None:
    _rectified(seeded, "qu-01")

    seeded.ok(CLOSE, "admin")


@pytest.mark.spared_on_replay("finding_closed_by_its_subject")
def test_verify_notes_an_older_closure_by_its_subject_until_it_is_voided(
    seeded: Fupin, tmp_path: Path
) -> None:
    _rectified(seeded)
    with closing(open_ledger(seeded.store)) as app, replayed_as_recorded():
        app.close_finding(stamp("admin", date(2017, 2, 10)), "DI-1", "F-1")  # entry 4

    noted_until(
        seeded,
        tmp_path,
        "inspection DI-1's closure of 'F-1' (entry 4, dated 2017-02-10), a finding about "
        "officer admin, was recorded by admin",
        "the officer a finding is about does not accept their own rectification",
        f"correct inspection DI-1 4 --reason 本人销号 {doc('2017-02-11')}",
        "insp-1",
        "2026-12-03",
    )
