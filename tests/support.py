"""Shared test helpers: a ledger on a ticking clock, reference data, households at any stage."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.base import Provenance
from ledger.casework import Identification
from ledger.core import Stamp
from ledger.errors import LedgerError
from ledger.funds import Disbursement, FundAccount
from ledger.household import Household, Personal
from ledger.programme import ProgrammeRules, YearParameters
from ledger.values import id_card_check_digit

DOC = "江高发〔2016〕4号"


@dataclass
class TickingClock:
    """A recording clock that starts in 2019 (after every effective date used in tests) and
    moves one second per reading, so the recording times of saves are distinct and increasing
    (the events of one save share one: ``ledger.core._at_one_time``)."""

    current: datetime = field(default_factory=lambda: datetime(2019, 1, 1, tzinfo=UTC))
    step: timedelta = timedelta(seconds=1)

    def __call__(self) -> datetime:
        self.current += self.step
        return self.current


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """A report less what it says of the ledger it was read from (``events``, its count, and
    ``recorded_through``, the last one's recording time): another ledger holding the same
    history, an export imported again, has its own."""
    return {
        key: value for key, value in report.items() if key not in ("events", "recorded_through")
    }


def id_card(serial: int, birth: str = "19800101") -> str:
    """A well-formed synthetic ID-card number in Jianghai (440704)."""
    first17 = f"440704{birth}{serial % 1000:03d}"
    return first17 + id_card_check_digit(first17)


def bare_household(number: str, serial: int, prov: Provenance) -> Household:
    """A rural household of 江南/雄光 of the aggregate alone (no application), one member with
    labour capacity, willing, on 低保, identified as ``prov`` says."""
    return Household(
        number=number,
        street="江南",
        village="雄光",
        area="rural",
        members=1,
        labour=True,
        willing=True,
        disabled=False,
        dibao=True,
        personal=Personal("户主", id_card(serial)),
        prov=prov,
    )


def stamp(actor: str = "admin", day: date = date(2016, 8, 1), note: str = "") -> Stamp:
    return Stamp(actor, day, DOC, note)


@contextmanager
def umask_of(mask: int) -> Iterator[None]:
    """The process's file mode creation mask set to ``mask`` while the block runs."""
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


@contextmanager
def ledger_at(path: Path | str, ticking: TickingClock | None = None) -> Iterator[Ledger]:
    """A fresh ledger with the reference data of ``seed_reference``, closed afterwards."""
    with clock.using_clock(ticking or TickingClock()):
        app = open_ledger(str(path), create=True)
        try:
            seed_reference(app)
            yield app
        finally:
            app.close()


def seed_reference(app: Ledger) -> None:
    """Programme, 2016-2018 parameters, two streets, villages, officers and helpers."""
    app.initialise("admin", "区扶贫办", DOC, date(2016, 7, 26))
    s = stamp(day=date(2016, 7, 26))
    app.open_programme(s, "精准扶贫", ProgrammeRules())
    for year, urban, rural in ((2016, 720_000, 1_800_000), (2017, 780_000, 1_900_000)):
        app.set_year(s, YearParameters(year, urban, rural))
    app.set_year(s, YearParameters(2018, 840_000, 2_000_000))
    for street, villages in (("江南", ("雄光", "江南社区")), ("礼乐", ("新创", "礼乐社区"))):
        app.register_street(s, street)
        for village in villages:
            app.add_village(s, street, village, village in ("雄光", "新创"))
    app.register_officer(s, "jn-01", "江南专干", "officer", "江南", "江南街道扶贫办")
    app.register_officer(s, "ll-01", "礼乐专干", "officer", "礼乐", "礼乐街道扶贫办")
    app.register_officer(s, "qu-01", "区专干", "officer", "", "区扶贫办")
    app.register_officer(s, "insp-1", "督查员", "inspector", "", "区督查组")
    app.register_officer(s, "ana-1", "分析员", "analyst", "", "区统计")
    app.register_helper(s, "c-1", "cadre", "王干部", "区财政局", rank="section")
    app.register_helper(s, "c-2", "cadre", "李干部", "区教育局", rank="deputy-section")
    app.register_helper(s, "e-1", "enterprise", "江海电子厂")
    app.register_helper(s, "sw-1", "social-worker", "陈社工")
    app.register_helper(s, "v-1", "volunteer-team", "党员义工队", team_size=10)


def identify(
    app: Ledger,
    number: str,
    street: str = "江南",
    village: str = "雄光",
    area: str = "rural",
    members: int = 3,
    serial: int = 1,
    willing: bool = True,
) -> None:
    officer = "jn-01" if street == "江南" else "ll-01"
    app.identify(
        stamp(officer, date(2016, 8, 1)),
        Identification(
            number,
            street,
            village,
            area,
            members,
            True,
            willing,
            False,
            True,
            Personal(f"户主{serial}", id_card(serial), "13800000000", "江海区"),
        ),
    )


def register(
    app: Ledger, number: str, street: str = "江南", key_target: bool = True, **kwargs: object
) -> None:
    """Identify, review, notice (7 days), sign and register a household. One registered as no
    key target is identified not willing (unless ``willing`` says otherwise): since session 26
    one with labour capacity that is willing is a key target [三]."""
    kwargs.setdefault("willing", key_target)
    identify(app, number, street, **kwargs)  # type: ignore[arg-type]
    officer = "jn-01" if street == "江南" else "ll-01"
    app.review(stamp(officer, date(2016, 8, 2)), number, True)
    app.post_notice(stamp(officer, date(2016, 8, 3)), number, date(2016, 8, 3), date(2016, 8, 9))
    app.sign(stamp(officer, date(2016, 8, 5)), number)
    app.register(stamp(officer, date(2016, 8, 10)), number, key_target)


def seed_cases(app: Ledger) -> None:
    """The ``seeded`` fixture's records (tests/cli/conftest.py), on ``app`` holding the
    reference data: household JH-0001 registered in 江南 with cadre c-1 paired and measure m-1
    (education) planned, JH-0002 identified, JH-0003 reviewed, JH-0004 under notice (3-9
    August 2016) but unsigned, and account city-2016 holding 1,000 yuan."""
    register(app, "JH-0001", serial=1)
    app.pair(stamp("jn-01", date(2016, 8, 11)), "JH-0001", "c-1")
    app.plan_measure(stamp("jn-01", date(2016, 8, 12)), "JH-0001", "m-1", "education", "学费")
    identify(app, "JH-0002", serial=2)
    identify(app, "JH-0003", serial=3)
    app.review(stamp("jn-01", date(2016, 8, 2)), "JH-0003", True)
    identify(app, "JH-0004", serial=4)
    app.review(stamp("jn-01", date(2016, 8, 2)), "JH-0004", True)
    app.post_notice(stamp("jn-01", date(2016, 8, 3)), "JH-0004", date(2016, 8, 3), date(2016, 8, 9))
    app.open_account(stamp("qu-01"), "city-2016", "city", 2016)
    app.receive_allocation(stamp("qu-01"), "city-2016", 100_000)


def refuses(
    app: Ledger, error: type[LedgerError], field: str, command: Callable[[], object]
) -> LedgerError:
    """Run ``command``; it must raise ``error`` naming ``field`` and write nothing."""
    before = app.event_count()
    with pytest.raises(error) as refused:
        command()
    assert refused.value.field == field
    assert app.event_count() == before
    return refused.value


@contextmanager
def reopened(app: Ledger, env: dict[str, str] | None = None) -> Iterator[Ledger]:
    """``reopen``, closed when the block ends."""
    other = reopen(app, env)
    try:
        yield other
    finally:
        other.close()


def reopen(app: Ledger, env: dict[str, str] | None = None) -> Ledger:
    """Another application on ``app``'s store, as a second process would open it."""
    location = app.location
    assert location is not None
    if location.kind == "sqlite":
        return open_ledger(location.display, extra_env=env)
    from projections.pg import store_url

    return open_ledger(store_url(location), extra_env=env)


def record_stray_payments(app: Ledger, code: str, actor: str, household: str) -> tuple[int, int]:
    """As rules before 2026-11-30 let them be stored, on account ``code`` dated 2016-09-02: a
    working expense of 8 yuan naming ``household``, and an organisation payment of 7 yuan
    naming NOPE-1 (never on record), measure zz and 礼乐's 新创; their versions."""

    older = app.load(FundAccount, code, "account")
    prov = Provenance(actor, "officer", date(2016, 9, 2), DOC)
    older._disbursed(Disbursement(800, "working", "working", household=household), prov)
    working = older.version
    stray = Disbursement(700, "social-work", "organisation", "NOPE-1", "zz", "礼乐", "新创")
    older._disbursed(stray, prov)
    app.save(older)
    return working, older.version
