"""Session 30, re-tester R: a registered household whose signature an older fupin voided signs
again (with ``--note``, recorded after its registration: ``signed-late``). Voiding that new
signature was refused saying "the registration (entry 5, 2016-08-10) rests on this signature",
while ``household sign`` and the accountability report say a signature recorded after the
registration is one it did not rest on. The rule stands (a registered household keeps a
signature on record, as the registration itself asks one), and since session 30 the refusal
says so; nothing is written, and the report still lists the registration ``signed-late``.
A signature recorded before the registration is still refused as the one it rests on."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported, rule_came_in
from tests.cli.test_round29_signed_after_registration import (
    JN,
    _signature_voided_by_an_older_fupin,
    registration_faults,
)
from tests.support import stamp

STORE_INDEPENDENT = "the signature's own rule and the report's fault: SQLite is enough"

SIGNED_LATE = [
    ("JH-0001", "signed-late", "signed 2016-08-09, recorded after the registration on 2016-08-10")
]


def _signed_again(seeded: Fupin) -> int:
    _signature_voided_by_an_older_fupin(seeded)
    seeded.ok("household sign JH-0001 -d 确认书2 -e 2016-08-09 --note 户主补签", JN)
    return last_entry(seeded, "JH-0001", "Signed")


def _void_refused(seeded: Fupin, signed: int, rule: str) -> str:
    """``fupin correct`` of JH-0001's signature entry ``signed`` refused on ``version`` with
    ``rule``, nothing written: its stderr."""
    before = seeded.event_count()
    line = f"correct household JH-0001 {signed} --reason 补签录错 {doc('2016-09-03')}"
    refused = seeded(line, JN)
    assert_refused(refused, "version", rule)
    assert seeded.event_count() == before
    return refused.stderr


def test_a_signature_recorded_after_the_registration_is_kept_for_what_it_is(
    seeded: Fupin,
) -> None:
    said = _void_refused(
        seeded,
        _signed_again(seeded),
        "JH-0001 was registered 建档立卡 on 2016-08-10 (entry 5) on a signature since voided, "
        "and this signature 签字确认, recorded after the registration (the accountability "
        "report lists it signed-late), is the one it has on record: a registered household "
        "keeps a signature on record, so the signature stands",
    )

    assert "rests on this signature" not in said
    assert registration_faults(seeded) == SIGNED_LATE


def test_the_signature_the_registration_rests_on_is_still_said_so(seeded: Fupin) -> None:
    _void_refused(
        seeded,
        last_entry(seeded, "JH-0001", "Signed"),
        "the registration 建档立卡 of JH-0001 (entry 5, 2016-08-10) rests on this signature",
    )


def test_an_older_fupins_void_of_the_later_signature_still_moves(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = _signed_again(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        ledger.correct(stamp(JN, date(2016, 9, 3)), "household", "JH-0001", signed, "补签录错")
    rule_came_in(monkeypatch, "signature_under_registration", after_now=True)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    assert [f[:2] for f in registration_faults(seeded, str(tmp_path / "fresh.db"))] == [
        ("JH-0001", "unsigned")
    ]
