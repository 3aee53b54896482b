"""Re-tester S, session 28: ``fupin log --actor`` and ``--document`` skipped a row whose bytes
lacked the officer id or document looked for, before decoding it, and with it every damaged
row: an inspector filtering by officer got exit 0 and a clean stream from a damaged log, while
the docs and the help say an unreadable event is written whatever the filters. And ``--actor``
naming no officer on record (``JN-01`` for ``jn-01``) gave an empty stream, exit 0, which must
mean no events."""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "a SQLite row damaged in place: SQLite is enough (tests/conftest.py)"


@pytest.mark.parametrize(
    "options",
    [
        *("--actor jn-01", "--actor admin", "--document nothing-such"),
        *("--event AccountOpened", "--event Reviewed --actor qu-01"),  # since session 31
    ],
)
def test_a_damaged_event_is_written_whatever_the_filters(seeded: Fupin, options: str) -> None:
    with sqlite3.connect(seeded.store) as db:
        db.execute("UPDATE stored_events SET state = x'00ff00' WHERE rowid = 5")

    result = seeded(f"log {options}", "admin")

    assert result.exit_code == 1, result.output
    assert '"position":5,' in result.stdout
    assert '"problem"' in result.stdout
    assert "the event at position 5" in result.stderr


def test_an_actor_on_no_record_is_refused_with_the_one_on_record(seeded: Fupin) -> None:
    assert_refused(seeded("log --actor JN-01", "admin"), "actor", "no officer 'JN-01' on record")
    assert "('jn-01'?)" in seeded("log --actor JN-01", "admin").stderr
    assert_refused(seeded("log --actor ghost", "admin"), "actor", "no officer 'ghost' on record")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("log --effective-from {card}", "effective-from"),
        ("log --recorded-to {card}", "recorded-to"),
        ("report caseload --as-of {card}", "as-of"),
        ("report caseload --known-at {card}", "known-at"),
    ],
)
def test_an_id_card_typed_as_a_bound_is_told_no_date_not_that_it_is_stored(
    seeded: Fupin, line: str, field: str
) -> None:
    """Re-tester S: ``log --effective-from 4407…`` was refused as ``effective_from: holds an
    ID-card number (characters 1-18): text outside the personal fields is stored in clear for
    good …``, though a bound is stored nowhere, under a field named unlike its other refusals."""
    card = "440704198104143690"

    result = seeded(line.format(card=card), "admin")

    assert_refused(result, field, "holds an ID-card number, not quoted")
    assert "stored in clear" not in result.stderr
    assert card not in result.stderr


def _damage(store: str, edit: str) -> int:
    """Damage JH-0001's second entry as ``edit`` says; its position."""
    with sqlite3.connect(store) as db:
        rowid, state = db.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%Household.Reviewed'"
            " ORDER BY rowid LIMIT 1"
        ).fetchone()
        if edit == "topic":
            db.execute("UPDATE stored_events SET topic = topic || 'X' WHERE rowid = ?", (rowid,))
        else:  # the provenance's effective date stored as text, not a date
            tree = orjson.loads(state)
            tree["prov"]["__Provenance__"]["effective"] = "2016-08-05"
            db.execute(
                "UPDATE stored_events SET state = ? WHERE rowid = ?", (orjson.dumps(tree), rowid)
            )
    return int(rowid)


@pytest.mark.parametrize("edit", ["topic", "effective as text"])
@pytest.mark.parametrize(
    ("reader", "options"), [("admin", ""), ("jn-01", ""), ("admin", "--effective-from 2016-01-01")]
)
def test_a_households_damaged_later_entry_stops_no_stream(
    seeded: Fupin, edit: str, reader: str, options: str
) -> None:
    """Re-tester Z, session 28: with a household's later entry damaged, ``log`` replayed the
    household to mask its personal data at its first entry, and stopped there, exit 2 (or an
    internal error for a provenance's date stored as text), the damaged row never written."""
    before = seeded(f"log {options}", reader)
    position = _damage(seeded.store, edit)

    result = seeded(f"log {options}", reader)

    assert result.exit_code == 1, result.output
    assert f'"position":{position},' in result.stdout
    assert "internal error" not in result.output
    assert len(result.stdout.splitlines()) == len(before.stdout.splitlines())
