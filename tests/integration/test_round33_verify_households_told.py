"""Since session 33 verify's pass tells each household's identification, as it reads it, to the
note of keys alike but for case (``OversightScan(households_told=True)``,
``_KeysAlike.identified``), and the one scan after the pass reads no identification again:
session 32's note read every one a second time, which took verify from 0.19x to 0.08x of its
baseline on the bench's ledger of identifications alone. The note is the same whichever way the
pass reads the identification (the raw tree, or decoded in full by the transcoder), and when a
row the pass cannot read stops it, the scan after it reads the identifications as before."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.utils import get_topic
from ledger.application import Ledger, open_ledger
from ledger.base import natural_id
from ledger.core import LedgerCore
from ledger.household import Household
from ledger.verification import VerifyReport, verify_ledger

from tests.integration.test_verify_ledger import tamper_events
from tests.support import identify, ledger_at, stamp

IDENTIFIED = get_topic(Household.Identified)  # type: ignore[attr-defined]  # @event
NOTE = "household 'jh-0001' (identified 2016-08-01) differs from 'JH-0001' (identified 2016-08-01"


@pytest.fixture
def alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    """A ledger holding households JH-0001 and, as a fupin before session 22 took it, jh-0001,
    with JH-0001 reviewed between them; open."""
    path = tmp_path / "alike.db"
    with ledger_at(path) as app:
        identify(app, "JH-0001", serial=1)
        app.review(stamp("jn-01", date(2016, 8, 2)), "JH-0001", True)
        with monkeypatch.context() as before_the_rules:
            before_the_rules.setattr(LedgerCore, "check_no_lookalike", lambda *args: None)
            identify(app, "jh-0001", serial=2)
    app = open_ledger(str(path))
    try:
        yield app
    finally:
        app.close()


def _verified_reading_topics(
    app: Ledger, monkeypatch: pytest.MonkeyPatch
) -> tuple[VerifyReport, list[set[str]]]:
    """Verify ``app``, and the topics of each read of the log by topic meanwhile."""
    scans: list[set[str]] = []
    select: Callable[..., Any] = app.recorder.select_notifications

    def counted(*args: Any, **kwargs: Any) -> Any:
        scans.append(set(kwargs.get("topics") or ()))
        return select(*args, **kwargs)

    monkeypatch.setattr(app.recorder, "select_notifications", counted)
    return verify_ledger(app.recorder, app.mapper), scans


def _noted(report: VerifyReport) -> list[str]:
    return [step.said for step in report.spared if step.rule == "key_case_lookalike"]


def test_the_pass_tells_the_households_and_no_scan_reads_them_again(
    alike: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, scans = _verified_reading_topics(alike, monkeypatch)

    assert report.ok, report.problems
    assert [said.startswith(NOTE) for said in _noted(report)] == [True], _noted(report)
    assert scans, "the scan after the pass reads the log by topic"
    assert not [topics for topics in scans if IDENTIFIED in topics], scans


def _tampered(alike: Ledger, household: str, version: int, column: str, value: object) -> None:
    """``household``'s entry ``version`` given ``value`` in ``column``, behind the ledger."""
    uid = natural_id("household", household)
    where = "WHERE originator_id = ? AND originator_version = ?"
    tamper_events(alike, f"UPDATE stored_events SET {column} = ? {where}", value, uid.hex, version)


def _spaced(alike: Ledger, household: str) -> bytes:
    """``household``'s identification's stored state with a space before it: the same JSON,
    not as the ledger writes it, so the pass decodes it in full (``_check_decoded``) rather
    than from the raw tree."""
    stored = alike.recorder.select_events(natural_id("household", household), lte=1)[0]
    return b" " + stored.state


@pytest.mark.parametrize(
    ("household", "version", "column", "stops"),
    [
        ("jh-0001", 1, "state", False),
        # JH-0001's review, between the two identifications, made a row the pass cannot
        # read: it stops there, before jh-0001's identification, and the scan reads them
        ("JH-0001", 2, "originator_version", True),
    ],
    ids=["decoded-in-full", "pass-stopped"],
)
def test_the_note_is_the_same_however_the_pass_read_the_identification(
    alike: Ledger,
    monkeypatch: pytest.MonkeyPatch,
    household: str,
    version: int,
    column: str,
    stops: bool,
) -> None:
    value = "x" if stops else _spaced(alike, household)
    _tampered(alike, household, version, column, value)

    report, scans = _verified_reading_topics(alike, monkeypatch)

    assert not report.ok  # tampered either way
    assert [said.startswith(NOTE) for said in _noted(report)] == [True], _noted(report)
    assert bool([topics for topics in scans if IDENTIFIED in topics]) is stops, scans
