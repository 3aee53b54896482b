"""Session 17: ``fupin verify`` checked a correction's form and its recorder's permission, not
the rules of the record it voids. A correction written into the file by hand that voids the
income assessment an exit rests on, or dated before the entry it voids, passed; so did an
amendment that restates a field as it already was. Each is now replayed on its record as it
stood just before it, by the very method its command runs, and reported when refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from ledger import verification
from ledger.application import open_ledger
from ledger.base import natural_id
from ledger.household import Household
from ledger.verification import verify_ledger

from tests.integration.test_round15_verify_corrections import _exited, _voided_by
from tests.support import ledger_at, register, stamp


def _forge(
    path: Path,
    topic: str,
    effective: str,
    *,
    uid: str = Household.create_id("JH-1").hex,
    actor: str = "qu-01",
    role: str = "officer",
    **fields: Any,
) -> None:
    """An event of record ``uid`` (JH-1) by ``actor`` (qu-01, an officer of the district),
    inserted into the file by hand with the ledger's own encoding (keys sorted); ``topic`` an
    event of the base class (``Corrected``) or a whole topic (``module:Class.Event``)."""
    state = {
        **fields,
        "prov": {
            "__Provenance__": {
                "actor": actor,
                "document": "更正单",
                "effective": {"__date__": effective},
                "note": "",
                "role": role,
            }
        },
        "timestamp": {"__datetime__": "2026-11-30T05:17:58.868784+00:00"},
    }
    with closing(sqlite3.connect(path)) as db, db:
        (last,) = db.execute(
            "SELECT MAX(originator_version) FROM stored_events WHERE originator_id = ?", (uid,)
        ).fetchone()
        db.execute(
            "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
            (
                uid,
                last + 1,
                topic if ":" in topic else f"ledger.base:LedgerAggregate.{topic}",
                orjson.dumps(state, option=orjson.OPT_SORT_KEYS),
            ),
        )


def _problems(path: Path) -> list[tuple[int, str]]:
    app = open_ledger(str(path))
    try:
        report = verify_ledger(app.recorder, app.mapper)
    finally:
        app.close()
    return [(problem.position, problem.reason) for problem in report.problems]


def _last_position(path: Path) -> int:
    """The last event's position in the log, counted from 0 as ``fupin verify`` counts."""
    with closing(sqlite3.connect(path)) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    return int(count) - 1


@pytest.mark.parametrize("page", [1000, 2])  # a record read a page at a time
def test_a_voided_assessment_an_exit_rests_on_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: int
) -> None:
    monkeypatch.setattr(verification, "_REPLAY_PAGE", page)
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        approval = _exited(app)
        assessed = approval - 4  # assessed, proposed, verified, noticed, approved
        assert app.household("JH-1").entries[assessed][0] == "IncomeAssessed"
    _forge(path, "Corrected", "2017-02-01", corrects=assessed, reason="收入核算有误")

    assert _problems(path) == [
        (
            _last_position(path),
            "its record's rules refuse it (version: the 2016 exit rests on this assessment: "
            "the district voids its approval first (fupin correct household JH-1 "
            f"{approval} --reason …), then the exit is withdrawn (fupin household withdraw-exit "
            "JH-1))",
        )
    ]


def test_a_correction_dated_before_its_entry_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        approval = _exited(app)  # approved on 2017-01-20
    _forge(path, "Corrected", "2017-01-05", corrects=approval, reason="批错")

    assert _problems(path) == [
        (
            _last_position(path),
            "its record's rules refuse it (effective: the correction is dated 2017-01-05; "
            f"entry {approval} took effect only on 2017-01-20)",
        )
    ]


def test_an_amendment_the_command_refuses_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        register(app, "JH-1")  # rural, as identified
    _forge(
        path, "Amended", "2016-09-01", changes={"area": "rural"}, was={"area": "rural"}, reason="x"
    )
    restated = _last_position(path)
    _forge(path, "Amended", "2016-09-01", changes={"street": "外海"}, was={}, reason="x")

    assert _problems(path) == [
        (restated, "its record's rules refuse it (area: is already 'rural': nothing to amend)"),
        (
            restated + 1,
            "its record's rules refuse it (street: is not amendable here (amendable: area, "
            "disabled, key_target, labour, village, willing))",
        ),
    ]


def test_sound_corrections_and_amendments_verify(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        _voided_by(app, "qu-01", _exited(app))  # the approval voided by the district
        register(app, "JH-2", serial=2)
        app.amend(
            stamp("qu-01", date(2017, 3, 1)), "household", "JH-2", {"disabled": True}, "核实有误"
        )

    assert _problems(path) == []


# -- tester A, session 17: an event the replay could not take was passed in silence ---------


def _rewrite(
    path: Path, record: str, version: int, change: Callable[[dict[str, Any]], None]
) -> None:
    """Household ``record``'s stored event at ``version``, changed by hand (keys kept sorted)."""
    uid = Household.create_id(record).hex
    with closing(sqlite3.connect(path)) as db, db:
        (state,) = db.execute(
            "SELECT state FROM stored_events WHERE originator_id = ? AND originator_version = ?",
            (uid, version),
        ).fetchone()
        tree = orjson.loads(state)
        change(tree)
        db.execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = ?",
            (orjson.dumps(tree, option=orjson.OPT_SORT_KEYS), uid, version),
        )


_LACKS_REASON = (
    "its fields are not those of a Corrected event (it lacks 'reason'): no command writes them "
    "(its topic or its state was altered)"
)
_NOT_TEXT = "not a text: no command writes it (the stored event was altered)"


@pytest.mark.parametrize(
    ("topic", "fields", "reason"),
    [
        # its signature; since session 37 said by the event's shape (``ledger.shapes``)
        ("Corrected", {"corrects": 4}, _LACKS_REASON),
        ("Corrected", {"corrects": 4, "reason": 5}, f"its field 'reason' holds 5, {_NOT_TEXT}"),
        (
            "Amended",
            {"changes": ["area"], "was": {}, "reason": "x"},
            "its field 'changes' holds ['area'], not a set of fields: no command writes it (the "
            "stored event was altered)",
        ),
        (
            "Amended",
            {"changes": {"disabled": "yes"}, "was": {"disabled": False}, "reason": "x"},
            "its record's rules refuse it (disabled: expects true/false (是/否))",
        ),
        (
            "Amended",
            {"changes": {"area": "mars"}, "was": {"area": "rural"}, "reason": "x"},
            "its record's rules refuse it (area: 'mars' is not one of rural, urban)",
        ),
    ],
)
def test_a_correction_or_amendment_its_command_never_writes_is_reported(
    tmp_path: Path, topic: str, fields: dict[str, Any], reason: str
) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        register(app, "JH-1")
    _forge(path, topic, "2016-09-01", **fields)

    assert _problems(path) == [(_last_position(path), reason)]


def test_a_malformed_correction_hides_no_later_one(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        approval = _exited(app)
    _forge(path, "Corrected", "2017-02-01", corrects=approval)  # no reason
    _forge(path, "Corrected", "2017-02-01", corrects=approval - 4, reason="收入核算有误")
    last = _last_position(path)

    # The record cannot be loaded past the first (nor by the application): the second is
    # reported as not checked, never passed in silence.
    problems = _problems(path)
    assert problems[0] == (last - 1, _LACKS_REASON)
    assert problems[1][0] == last
    assert problems[1][1].startswith(
        "its record's rules were not replayed on it: its entry "
        f"{approval + 1} cannot be applied (TypeError: "
    )
    assert len(problems) == 2


def test_a_correction_after_an_entry_its_record_cannot_take_is_reported_unchecked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        approval = _exited(app)
    _rewrite(path, "JH-1", 2, lambda tree: tree.pop("accepted"))  # its review, read by no one
    _forge(path, "Corrected", "2017-02-01", corrects=approval, reason="批错")

    reasons = dict(_problems(path))
    assert reasons[_last_position(path)].startswith(
        "its record's rules were not replayed on it: its entry 2 cannot be applied (TypeError"
    )


def test_a_provenance_whose_effective_date_is_untagged_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        register(app, "JH-1")
        position = app.event_count() - 4  # JH-1's review (version 2)

    def untag(tree: dict[str, Any]) -> None:
        tree["prov"]["__Provenance__"]["effective"] = "2016-08-02"

    _rewrite(path, "JH-1", 2, untag)

    assert _problems(path) == [(position, "its provenance's effective date is str, not a date")]


def test_a_helper_amendment_outside_its_kinds_rules_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path):
        pass
    for helper, changes in (("sw-1", {"rank": "section"}), ("c-1", {"name": " 王干部"})):
        uid = natural_id("helper", helper).hex
        _forge(
            path,
            "Amended",
            "2016-09-01",
            uid=uid,
            actor="admin",
            role="admin",
            changes=changes,
            was={},
            reason="x",
        )
    last = _last_position(path)

    assert [reason for _, reason in _problems(path)] == [
        "its record's rules refuse it (rank: 'section' given, but a social-worker has no rank "
        "(only a cadre has one): leave it out)",
        "its record's rules refuse it (name: ' 王干部' is recorded as '王干部' (stripped, "
        "composed))",
    ]
    assert [position for position, _ in _problems(path)] == [last - 1, last]


def test_a_corrected_record_with_an_event_of_no_known_topic_is_reported(tmp_path: Path) -> None:
    # The replay let eventsourcing's TopicError out: "internal error" where the pass reports
    # the event (the reviewer, session 17).
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        _voided_by(app, "qu-01", _exited(app))  # a sound correction, replayed
    uid = Household.create_id("JH-1").hex
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "UPDATE stored_events SET topic = 'ledger.household:Gone' "
            "WHERE originator_id = ? AND originator_version = 2",
            (uid,),
        )

    reasons = [reason for _, reason in _problems(path)]

    assert any(r.startswith("cannot be decoded (TopicError") for r in reasons), reasons
    assert any(
        r.startswith("its record's rules were not replayed on it: its entry 2 cannot be applied")
        for r in reasons
    ), reasons
