"""Session 36, tester h: every exit step read the whole log for a household's closures
(``merges_into``), and each read walked every unsaved event of the import under way, so an
import of N exit-step rows cost N² / 2 and a move of the 204 k-event demo 239 s. The closures
read are kept (a log is only appended to) and the batch's unsaved events are indexed by topic
once: these tests hold that what is read is still what a full read would give."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from eventsourcing.utils import get_topic
from ledger.application import Ledger
from ledger.household import Household

from tests.support import identify, ledger_at, stamp

CLOSED = get_topic(Household.Closed)  # type: ignore[attr-defined]  # @event
IDENTIFIED = get_topic(Household.Identified)  # type: ignore[attr-defined]


def _close(app: Ledger, number: str, day: date) -> None:
    app.close_household(stamp("jn-01", day), number, "moved-away", "", "迁往外区")


def _closed(app: Ledger) -> list[str]:
    return [
        str(vars(app.get_by_id(household))["number"])
        for household, _ in app.events_so_far([CLOSED])
    ]


def test_closures_read_before_and_recorded_since_are_all_read(tmp_path: Path) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        for serial in range(1, 5):
            identify(app, f"JH-{serial}", serial=serial)
        _close(app, "JH-1", date(2016, 9, 1))
        assert _closed(app) == ["JH-1"]
        _close(app, "JH-2", date(2016, 9, 2))
        assert _closed(app) == ["JH-1", "JH-2"]  # the one recorded since the last read
        # a read stopped early keeps nothing it did not finish
        next(iter(app.events_so_far([CLOSED])))
        with app.batch():
            _close(app, "JH-3", date(2016, 9, 3))
            assert _closed(app) == ["JH-1", "JH-2", "JH-3"]  # unsaved, in the batch
            app.flush_batch()
            _close(app, "JH-4", date(2016, 9, 4))
            assert _closed(app) == ["JH-1", "JH-2", "JH-3", "JH-4"]
        assert _closed(app) == ["JH-1", "JH-2", "JH-3", "JH-4"]


def test_a_batchs_unsaved_events_of_several_topics_are_read_in_their_order(
    tmp_path: Path,
) -> None:
    with ledger_at(tmp_path / "l.db") as app, app.batch():
        identify(app, "JH-1", serial=1)
        _close(app, "JH-1", date(2016, 9, 1))
        identify(app, "JH-2", serial=2)
        seen = [type(e).__name__ for _, e in app.events_so_far([CLOSED, IDENTIFIED])]
        identify(app, "JH-3", serial=3)
        again = [type(e).__name__ for _, e in app.events_so_far([IDENTIFIED, CLOSED])]
        app.discard_batch()
        after = list(app.events_so_far([IDENTIFIED, CLOSED]))

    assert seen == ["Identified", "Closed", "Identified"]
    assert again == ["Identified", "Closed", "Identified", "Identified"]
    assert after == []
