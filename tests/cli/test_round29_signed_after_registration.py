"""Session 29 (tester H): a signature voided and given again after the registration, but
back-dated before it, left no registration fault: ``signed-late`` compared effective dates
only. A signature recorded after the registration it should precede is one the registration
did not rest on, whatever its date.

Since a signature a registration rests on is not voided (test_round29_signature_under_
registration), only an older ledger's registered household is unsigned: one an older fupin let
be voided, or one moved so by ``import --create``. Signing it again:

- is refused without ``--note`` saying why, naming the field ``note`` and the rule; nothing is
  written;
- with a note, is recorded, and the accountability report lists the registration
  ``signed-late``, saying the signature was recorded after it, with both dates;
- an export's re-signature with no note, as an older fupin took it, still moves.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported, rule_came_in
from tests.support import stamp

STORE_INDEPENDENT = "the signature's own rule and the report's fault: SQLite is enough"

JN = "jn-01"
#: JH-0001 was registered on 2016-08-10 (entry 5); its notice ran 2016-08-03 to 09.
SIGN = "household sign JH-0001 -d 确认书2 -e 2016-08-09"


def registration_faults(fupin: Fupin, store: str | None = None) -> list[tuple[str, str, str]]:
    prefix = f"--store {store} " if store else ""
    line = f"{prefix}report accountability --format json --as-of 2017-06-30"
    faults = orjson.loads(fupin.ok(line, "ana-1").stdout)["registration_faults"]
    return [(f["household"], f["fault"], f["detail"]) for f in faults]


def _signature_voided_by_an_older_fupin(seeded: Fupin) -> None:
    """JH-0001's signature voided after its registration, as a fupin before session 29 took
    it."""
    signed = last_entry(seeded, "JH-0001", "Signed")
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        ledger.correct(stamp(JN, date(2016, 9, 1)), "household", "JH-0001", signed, "签字录错")


def test_a_signature_recorded_after_the_registration_says_why(seeded: Fupin) -> None:
    _signature_voided_by_an_older_fupin(seeded)
    before = seeded.event_count()

    refused = seeded(SIGN, JN)

    assert_refused(
        refused,
        "note",
        "JH-0001 was registered 建档立卡 on 2016-08-10 (entry 5) on a signature since voided: "
        "a signature recorded after the registration, whatever its date, is one the "
        "registration did not rest on (the accountability report lists it signed-late), so "
        "it says why in --note",
    )
    assert seeded.event_count() == before
    seeded.ok(f"{SIGN} --note 原签字为代签，户主补签", JN)


def test_a_back_dated_signature_recorded_after_the_registration_is_signed_late(
    seeded: Fupin,
) -> None:
    _signature_voided_by_an_older_fupin(seeded)
    assert [f[:2] for f in registration_faults(seeded)] == [("JH-0001", "unsigned")]

    seeded.ok(f"{SIGN} --note 户主补签", JN)  # dated 2016-08-09, the day before the registration

    assert registration_faults(seeded) == [
        (
            "JH-0001",
            "signed-late",
            "signed 2016-08-09, recorded after the registration on 2016-08-10",
        )
    ]


def test_a_signature_given_before_the_registration_is_no_fault(seeded: Fupin) -> None:
    # JH-0004 under notice: its signature voided and given again, then registered.
    seeded.ok(f"household sign JH-0004 {doc('2016-08-04')}", JN)
    seeded.ok(
        f"correct household JH-0004 {last_entry(seeded, 'JH-0004', 'Signed')} --reason 代签 "
        f"{doc('2016-08-05')}",
        JN,
    )
    seeded.ok(f"household sign JH-0004 {doc('2016-08-06')}", JN)  # no note asked
    seeded.ok(f"household register JH-0004 {doc('2016-08-10')}", JN)

    assert registration_faults(seeded) == []


@pytest.mark.spared_on_replay("signature_after_registration")
def test_an_export_holding_a_re_signature_with_no_note_still_moves(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _signature_voided_by_an_older_fupin(seeded)
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        ledger.sign(stamp(JN, date(2016, 8, 9)), "JH-0001")  # no note, as an older fupin took it
    rule_came_in(monkeypatch, "signature_after_registration", after_now=True)
    rule_came_in(monkeypatch, "signature_under_registration", after_now=True)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    assert registration_faults(seeded, str(tmp_path / "fresh.db")) == [
        (
            "JH-0001",
            "signed-late",
            "signed 2016-08-09, recorded after the registration on 2016-08-10",
        )
    ]
