"""Read models whose tracked positions were moved back (``UPDATE pj_tracking SET position =
position - 5``): catching up would apply events they already hold a second time. Reports are
refused in one line naming the remedy, and ``projections check`` reports them as differing
(exit 1); both were an internal error (``IntegrityError: UNIQUE constraint failed``)."""

from __future__ import annotations

from ledger.application import open_ledger
from projections.storage import open_database

from tests.cli.conftest import Fupin, assert_refused

REMEDY = "`fupin projections rebuild` makes them anew from the events"


def _move_back(store: str, by: int, model: str | None = None) -> None:
    """Move the tracked positions (of one model, or of all) back by ``by`` events."""
    app = open_ledger(store)
    try:
        db = open_database(app.location)
        try:
            with db.transaction():
                which = "" if model is None else " WHERE projection = ?"
                params: tuple[object, ...] = (by,) if model is None else (by, model)
                db.execute(f"UPDATE pj_tracking SET position = position - ?{which}", params)
        finally:
            db.close()
    finally:
        app.close()


def test_positions_moved_back_refuse_reports_and_check_says_the_read_models_differ(
    seeded: Fupin,
) -> None:
    seeded.ok("report caseload")  # the read models, caught up
    _move_back(seeded.store, 5)

    report = seeded("report caseload")
    check = seeded("projections check")

    assert_refused(report, "store", REMEDY)
    assert "pj_tracking puts them at event" in report.stderr
    assert check.exit_code == 1, check.output
    assert "internal error" not in check.output
    assert check.stderr.startswith("read models differ from the events: pj_tracking, ")
    assert "fupin projections rebuild" in check.stderr
    seeded.ok("projections rebuild")
    seeded.ok("projections check")
    seeded.ok("report caseload")


def test_one_models_position_moved_back_is_caught_by_the_rows_it_holds(seeded: Fupin) -> None:
    # The clock still counts every event: only the funds' rows show the position is wrong
    # (their account, opened among the last two events, is already there).
    seeded.ok("report funds")
    _move_back(seeded.store, 2, "funds")

    report = seeded("report funds")
    check = seeded("projections check --format json")

    assert_refused(report, "store", REMEDY)
    assert "met rows pj_accounts already holds" in report.stderr
    assert check.exit_code == 1, check.output
    assert '"table":"pj_tracking"' in check.stdout.replace(" ", "")
    assert check.stderr.startswith("read models differ from the events: pj_tracking, ")
