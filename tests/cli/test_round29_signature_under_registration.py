"""Session 29 (tester H, a discipline inspector auditing correction chains): ``fupin correct``
voided a household's signature 签字确认 after the household was registered (even exited), and
the household then stood registered with no signature, which the registration itself refuses
[四(一)]. A registration is never voided, so the signature it rests on stands.

- A signature under a registration is refused, naming the registration's entry; nothing is
  written. One voided under notice, before any registration, is voided as before.
- An export of a ledger an older fupin recorded, holding such a correction, still moves
  (``import --create``): the moved household is registered unsigned, which the accountability
  report's ``unsigned`` shows, and ``fupin verify`` passes it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry, reimported, rule_came_in
from tests.support import stamp

STORE_INDEPENDENT = "the correction's own rule and the report's fault: SQLite is enough"

JN = "jn-01"


def registration_faults(fupin: Fupin, store: str | None = None) -> list[tuple[str, str]]:
    prefix = f"--store {store} " if store else ""
    line = f"{prefix}report accountability --format json --as-of 2017-06-30"
    faults = orjson.loads(fupin.ok(line, "ana-1").stdout)["registration_faults"]
    return [(f["household"], f["fault"]) for f in faults]


def test_a_signature_a_registration_rests_on_is_not_voided(seeded: Fupin) -> None:
    signed = last_entry(seeded, "JH-0001", "Signed")  # entry 4; registered by entry 5
    before = seeded.event_count()

    line = f"correct household JH-0001 {signed} --reason 签字录错 {doc('2016-09-01')}"

    refused = seeded(line, JN)

    assert_refused(
        refused,
        "version",
        "the registration 建档立卡 of JH-0001 (entry 5, 2016-08-10) rests on this signature "
        "签字确认, and a registration is never voided: the signature stands",
    )
    assert seeded.event_count() == before
    assert registration_faults(seeded) == []


def test_a_signature_under_notice_is_voided_and_given_again(seeded: Fupin) -> None:
    seeded.ok(f"household sign JH-0004 {doc('2016-08-04')}", JN)
    signed = last_entry(seeded, "JH-0004", "Signed")

    seeded.ok(f"correct household JH-0004 {signed} --reason 代签 {doc('2016-08-05')}", JN)
    seeded.ok(f"household sign JH-0004 {doc('2016-08-06')}", JN)
    seeded.ok(f"household register JH-0004 {doc('2016-08-10')}", JN)

    assert registration_faults(seeded) == []


def _voided_as_an_older_fupin_took_it(seeded: Fupin) -> None:
    """JH-0001's signature voided after its registration, as a fupin before session 29 took
    it."""
    signed = last_entry(seeded, "JH-0001", "Signed")
    with closing(open_ledger(seeded.store)) as ledger, replayed_as_recorded():
        ledger.correct(stamp(JN, date(2016, 9, 1)), "household", "JH-0001", signed, "签字录错")


@pytest.mark.spared_on_replay("signature_under_registration")
def test_an_export_holding_such_a_correction_still_moves(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _voided_as_an_older_fupin_took_it(seeded)
    rule_came_in(monkeypatch, "signature_under_registration", after_now=True)
    assert registration_faults(seeded) == [("JH-0001", "unsigned")]

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = tmp_path / "fresh.db"
    with closing(sqlite3.connect(fresh)) as db:
        assert db.execute("SELECT count(*) FROM stored_events").fetchone()[0] > 0
    verified = seeded.runner.invoke(app, ["--store", str(fresh), "verify"])
    assert verified.exit_code == 0, verified.output
    assert registration_faults(seeded, str(fresh)) == [("JH-0001", "unsigned")]
