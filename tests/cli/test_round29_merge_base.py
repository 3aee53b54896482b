"""Session 29, tester J (a street officer tracking household composition): after a merge 合户
the household merged into was counted in the per-person base as it stood the day before its
first merge, so a death (or a birth) recorded in it after the merge never reached `report
funds` ``key_target_people`` / ``registered_people`` while the caseload's people moved. Since
session 29 it counts its members as they stand on the day counted, less those it took in on
the merge's day; the merged household's people are counted once, where they stood on it."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from ledger.application import open_ledger

from tests.cli.conftest import Fupin, doc
from tests.support import id_card, register

STORE_INDEPENDENT = "the per-person base's SQL: SQLite is enough, PostgreSQL once below"

JN = "jn-01"


def _registered(fupin: Fupin, number: str, serial: int, key_target: bool = True) -> None:
    app = open_ledger(fupin.store)
    try:
        register(app, number, serial=serial, key_target=key_target)
    finally:
        app.close()


def _members(fupin: Fupin, number: str, serial: int, count: int, note: str, day: str) -> None:
    fupin.ok(
        f"household members {number} --members {count} --head-name 户主{serial} "
        f"--id-card {id_card(serial)} --note {note} {doc(day)}",
        JN,
    )


def _merge(fupin: Fupin, merged: str, into: str, day: str) -> None:
    fupin.ok(f"household close {merged} --because 合户 --into {into} --reason 并入 {doc(day)}", JN)


def _report(fupin: Fupin, name: str, day: str) -> dict[str, Any]:
    found: dict[str, Any] = orjson.loads(
        fupin.ok(f"report {name} --format json --as-of {day}", "admin").stdout
    )
    return found


def _base(fupin: Fupin, day: str) -> tuple[int, int]:
    (base,) = _report(fupin, "funds", day)["per_person"]
    return int(base["key_target_people"]), int(base["registered_people"])


def _caseload_people(fupin: Fupin, day: str) -> int:
    """The caseload's registered people (JH-0002 to JH-0004 are not registered)."""
    statuses = _report(fupin, "caseload", day)["by_status"]
    return sum(int(s["people"]) for s in statuses if s["status"] == "registered")


def _merged(fupin: Fupin) -> Fupin:
    """JH-0001 (3 people, a key target) merged into JH-0005 (3, a key target) on 2017-06-01,
    the 3 taken in recorded that day, as docs/cli.md says."""
    _registered(fupin, "JH-0005", 5)
    _members(fupin, "JH-0005", 5, 6, "合户迁入3人", "2017-06-01")
    _merge(fupin, "JH-0001", "JH-0005", "2017-06-01")
    return fupin


def test_a_death_in_the_household_merged_into_leaves_the_base_as_the_caseload(
    seeded: Fupin,
) -> None:
    fupin = _merged(seeded)
    assert _base(fupin, "2017-06-30") == (6, 6)
    assert _caseload_people(fupin, "2017-06-30") == 6

    _members(fupin, "JH-0005", 5, 5, "死亡", "2017-07-01")

    assert _caseload_people(fupin, "2017-07-01") == 5
    assert _base(fupin, "2017-07-01") == (5, 5)  # was (6, 6): the death never reached it
    assert _base(fupin, "2017-06-30") == (6, 6)  # the day before it, as before


def test_a_birth_in_the_household_merged_into_joins_the_base(seeded: Fupin) -> None:
    fupin = _merged(seeded)
    _members(fupin, "JH-0005", 5, 7, "新生儿出生", "2017-07-01")

    assert _base(fupin, "2017-07-01") == (7, 7)
    assert _caseload_people(fupin, "2017-07-01") == 7


def test_two_merges_on_two_days_each_take_their_own_people_in_once(seeded: Fupin) -> None:
    # JH-0001 (3) on 2017-06-01, JH-0006 (3) on 2017-08-01, a birth between them and a death
    # after: each merge's intake is the change of members of its day, the rest JH-0005's own
    fupin = _merged(seeded)
    _registered(fupin, "JH-0006", 6, key_target=False)
    _members(fupin, "JH-0005", 5, 7, "新生儿出生", "2017-07-01")
    _members(fupin, "JH-0005", 5, 10, "合户迁入3人", "2017-08-01")
    _merge(fupin, "JH-0006", "JH-0005", "2017-08-01")
    _members(fupin, "JH-0005", 5, 9, "死亡", "2017-09-01")

    assert _base(fupin, "2017-07-31") == (7, 10)
    # JH-0006's 3 stay outside the key targets (its own flag), counted once
    assert _base(fupin, "2017-08-01") == (7, 10)
    assert _base(fupin, "2017-09-01") == (6, 9)
    assert _caseload_people(fupin, "2017-09-01") == 9
    assert fupin.ok("projections rebuild", "admin").exit_code == 0
    assert _base(fupin, "2018-12-31") == (6, 9)


ON_POSTGRES = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@ON_POSTGRES
def test_on_postgresql_a_death_after_a_merge_leaves_the_base(seeded: Fupin) -> None:
    test_two_merges_on_two_days_each_take_their_own_people_in_once(seeded)
