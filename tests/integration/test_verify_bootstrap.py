"""``verify --require-signatures`` exempts the ledger's bootstrap, and only it: the first
admin's registration (``fupin init``, position 0) and, right after it, that admin's own first
key registration (position 1). No key can sign either: a key is in force from the next save
(inspector's finding F3: the option failed every ledger, however signed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.keys import generate_key, public_key_text
from ledger.programme import ProgrammeRules
from ledger.transparency import register_log_key, register_signing_key
from ledger.verification import VerifyReport, verify_ledger

from tests.support import DOC, TickingClock, stamp

DAY = date(2016, 7, 26)


def _ledger(path: Path, steps: Callable[[Ledger], None]) -> VerifyReport:
    """A fresh ledger, ``init`` by admin, then ``steps``; verified with --require-signatures."""
    with clock.using_clock(TickingClock()):
        app = open_ledger(str(path), create=True)
        try:
            app.initialise("admin", "区扶贫办", DOC, DAY)
            steps(app)
            return verify_ledger(app.recorder, app.mapper, require_signatures=True)
        finally:
            app.close()


def _admin_key(app: Ledger) -> None:
    key = generate_key()
    register_signing_key(app, stamp(day=DAY), "admin", public_key_text(key))
    app.sealer.add_key(key)


def _programme(app: Ledger) -> None:
    app.open_programme(stamp(day=DAY), "精准扶贫", ProgrammeRules())


def test_a_ledger_signed_from_its_first_possible_save_passes(tmp_path: Path) -> None:
    def steps(app: Ledger) -> None:
        _admin_key(app)
        _programme(app)

    report = _ledger(tmp_path / "l.db", steps)

    assert report.ok, report.problems
    assert (report.unsigned, report.bootstrap, report.seals) == (2, 2, 1)


def test_the_admins_key_registered_after_another_save_is_not_the_bootstrap(
    tmp_path: Path,
) -> None:
    def steps(app: Ledger) -> None:
        _programme(app)  # unsigned: the admin has no key yet
        _admin_key(app)

    report = _ledger(tmp_path / "l.db", steps)

    assert [(p.position, p.event.split()[0]) for p in report.problems] == [
        (1, "Programme.Opened"),
        (2, "Officer.SigningKeyRegistered"),
    ]
    assert all("--require-signatures" in p.reason for p in report.problems)
    assert report.bootstrap == 1  # init only


def test_position_1_is_exempt_only_as_the_admins_own_key(tmp_path: Path) -> None:
    def steps(app: Ledger) -> None:
        register_log_key(app, stamp(day=DAY), public_key_text(generate_key()))

    report = _ledger(tmp_path / "l.db", steps)

    assert [p.position for p in report.problems] == [1]
    assert report.problems[0].event.startswith("TransparencyLog.LogKeyRegistered ")


def test_an_officer_without_a_key_still_fails_after_the_bootstrap(tmp_path: Path) -> None:
    def steps(app: Ledger) -> None:
        _admin_key(app)
        app.register_officer(stamp(day=DAY), "ad-2", "管理员", "admin", "", "区扶贫办")
        app.register_street(stamp("ad-2", DAY), "江南")  # ad-2 has no key: unsigned

    report = _ledger(tmp_path / "l.db", steps)

    assert [p.event.split()[0] for p in report.problems] == ["Street.StreetRegistered"]
    assert report.problems[0].position > 1
    assert report.bootstrap == 2


def test_without_the_option_the_bootstrap_is_counted_and_nothing_fails(tmp_path: Path) -> None:
    with clock.using_clock(TickingClock()):
        app = open_ledger(str(tmp_path / "l.db"), create=True)
        try:
            app.initialise("admin", "区扶贫办", DOC, DAY)
            _programme(app)
            _admin_key(app)
            report = verify_ledger(app.recorder, app.mapper)
        finally:
            app.close()

    assert report.ok, report.problems
    assert (report.unsigned, report.bootstrap) == (3, 1)
