"""Session 19, tester P (a provincial auditor): the per-person money rule of the funds report
(fiscal investment per key-target person over the programme's years) counted each household's
members now, so a change of members dated 2019 re-judged the closed 2016-2018 rule: a report
made today said otherwise than the same report ``--as-of`` the programme's last day. The
people are now counted as they stood on the day the report speaks of, at latest the
programme's last day, of the households registered by then."""

from __future__ import annotations

from typing import Any

import orjson

from tests.cli.conftest import Fupin, doc
from tests.support import id_card


def per_person(fupin: Fupin, view: str = "") -> dict[str, Any]:
    result = fupin.ok(f"report funds --format json {view}", "ana-1")
    found: dict[str, Any] = orjson.loads(result.stdout)["per_person"][0]
    return found


def members(fupin: Fupin, count: int, effective: str) -> None:
    names = " ".join(["--member-name 户主1", *(f"--member-name 成员{n}" for n in range(1, count))])
    fupin.ok(
        f"household members JH-0001 --members {count} --head-name 户主1 --id-card {id_card(1)} "
        f"{names} --note 婚育迁入 {doc(effective)}",
        "jn-01",
    )


def test_a_change_of_members_after_the_programme_does_not_rejudge_it(seeded: Fupin) -> None:
    closed = per_person(seeded, "--as-of 2018-12-31")

    members(seeded, closed["key_target_people"] + 8, "2019-06-10")

    assert per_person(seeded) == {**closed, "programme_over": True}
    assert per_person(seeded, "--as-of 2018-12-31") == closed


def test_a_change_within_the_programme_counts_from_its_day(seeded: Fupin) -> None:
    before = per_person(seeded, "--as-of 2017-01-01")

    members(seeded, before["key_target_people"] + 2, "2017-03-01")

    assert per_person(seeded, "--as-of 2017-01-01") == before
    later = per_person(seeded, "--as-of 2017-03-01")
    assert later["key_target_people"] == before["key_target_people"] + 2
    assert per_person(seeded)["key_target_people"] == later["key_target_people"]
