"""Amendments 更正登记事项: a field of a registration typed wrong is restated by an ``Amended``
event that keeps the old values and the reason. Before, a registration could not be corrected
at all: a household marked a key target by mistake raised every yearly exit target for good."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pytest
from ledger.application import Ledger
from ledger.base import natural_id
from ledger.core import Stamp
from ledger.errors import InputError, NotFoundError, PermissionRefusedError, RuleError
from ledger.helpers import Helper
from ledger.household import Household

from tests.support import identify, refuses, register, stamp

JN, LL, QU = "jn-01", "ll-01", "qu-01"
LATER = date(2018, 3, 1)


def by(actor: str = JN) -> Stamp:
    return stamp(actor, LATER)


def amend(app: Ledger, kind: str, key: str, actor: str = JN, **changes: Any) -> dict[str, Any]:
    return app.amend(by(actor), kind, key, changes, "录入错误")


def last_event(app: Ledger, kind: str, key: str) -> Any:
    return list(app.events.get(natural_id(kind, key)))[-1]


def test_a_household_amended_keeps_the_old_values_and_the_reason_in_its_event(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-1", key_target=True)

    was = amend(ledger, "household", "JH-1", labour=False, key_target=False, disabled=True)

    assert was == {"disabled": (False, True), "key_target": (True, False), "labour": (True, False)}
    household = ledger.household("JH-1")
    assert (household.labour, household.key_target, household.disabled) == (False, False, True)
    event = last_event(ledger, "household", "JH-1")
    assert type(event).__name__ == "Amended"
    assert event.changes == {"disabled": True, "key_target": False, "labour": False}
    assert event.was == {"disabled": False, "key_target": True, "labour": True}
    assert event.reason == "录入错误"
    assert (event.prov.actor, event.prov.effective) == (JN, LATER)


def test_an_amendment_replays_to_the_same_state_from_a_fresh_load(ledger: Ledger) -> None:
    register(ledger, "JH-1", key_target=True)
    amend(ledger, "household", "JH-1", area="urban")
    amend(ledger, "household", "JH-1", area="rural", willing=False, key_target=False)

    household = ledger.load(Household, "JH-1", "household")

    assert (household.area, household.willing, household.key_target) == ("rural", False, False)
    assert household.version == 7  # 5 to registration, 2 amendments


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"dibao": False}, "dibao", "is not amendable here"),
        ({"street": "礼乐"}, "street", "is not amendable here"),
        # a village since session 20, of the household's own street
        ({"village": "新创"}, "village", "'新创' is not a village of street 江南"),
        ({"members": 4}, "members", "is not amendable here"),
        ({}, "changes", "at least one of"),
        ({"labour": True}, "labour", "is already yes: nothing to amend"),
        ({"area": "town"}, "area", "'town' is not one of rural, urban"),
        ({"labour": "no"}, "labour", "expects true/false"),
        ({"labour": False}, "labour", "amend key_target too"),
        ({"willing": False}, "willing", "amend key_target too"),
    ],
)
def test_an_amendment_breaking_a_rule_is_refused_naming_the_field(
    ledger: Ledger, changes: dict[str, Any], field: str, rule: str
) -> None:
    register(ledger, "JH-1", key_target=True)

    refused = refuses(
        ledger,
        (RuleError, InputError, NotFoundError),  # type: ignore[arg-type]
        field,
        lambda: ledger.amend(by(), "household", "JH-1", changes, "录入错误"),
    )

    assert rule in str(refused)


def test_a_key_target_mark_is_given_only_to_a_registered_household(ledger: Ledger) -> None:
    identify(ledger, "JH-2")
    refused = refuses(
        ledger, RuleError, "key_target", lambda: amend(ledger, "household", "JH-2", key_target=True)
    )
    assert "not registered" in str(refused)
    register(ledger, "JH-3", key_target=False)
    ledger.amend(by(), "household", "JH-3", {"labour": False}, "录入错误")
    refused = refuses(
        ledger, RuleError, "labour", lambda: amend(ledger, "household", "JH-3", key_target=True)
    )
    assert "amend labour and willing too" in str(refused)


def test_no_amendment_without_a_reason(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    refuses(
        ledger,
        RuleError,
        "reason",
        lambda: ledger.amend(by(), "household", "JH-1", {"disabled": True}, "  "),
    )


def _exit_proposed(app: Ledger) -> None:
    register(app, "JH-1", key_target=True)
    app.assess_income(stamp(JN, date(2016, 11, 30)), "JH-1", 2016, 900_000)
    app.propose_exit(stamp(JN, date(2016, 12, 1)), "JH-1", 2016)


@pytest.mark.parametrize("changes", [{"key_target": False, "labour": False}, {"area": "urban"}])
def test_the_area_and_mark_an_exit_was_judged_on_stay_while_it_is_on_record(
    ledger: Ledger, changes: dict[str, Any]
) -> None:
    _exit_proposed(ledger)
    field = "area" if "area" in changes else "key_target"

    refused = refuses(
        ledger, RuleError, field, lambda: ledger.amend(by(), "household", "JH-1", changes, "x")
    )
    assert "exit on record" in str(refused)

    # Other fields still may be amended; and once the exit is withdrawn, these too.
    amend(ledger, "household", "JH-1", disabled=True)
    ledger.withdraw_exit(stamp(JN, date(2016, 12, 5)), "JH-1", "核实未通过")
    ledger.amend(by(), "household", "JH-1", changes, "录入错误")
    assert ledger.household("JH-1").area == changes.get("area", "rural")


def test_an_exited_household_is_told_its_mark_stays_and_not_to_withdraw_an_exit(
    ledger: Ledger,
) -> None:
    _exit_proposed(ledger)
    under_way = refuses(
        ledger, RuleError, "labour", lambda: amend(ledger, "household", "JH-1", labour=False)
    )
    assert "(withdraw the exit under way first)" in str(under_way)
    ledger.verify_exit(stamp(JN, date(2016, 12, 2)), "JH-1")
    ledger.post_exit_notice(
        stamp(JN, date(2016, 12, 3)), "JH-1", date(2016, 12, 3), date(2016, 12, 9)
    )
    ledger.approve_exit(stamp(QU, date(2016, 12, 15)), "JH-1")

    for field, changes in (
        ("labour", {"labour": False}),
        ("willing", {"willing": False}),
        ("key_target", {"key_target": False, "labour": False}),
    ):
        refused = refuses(
            ledger,
            RuleError,
            field,
            partial(ledger.amend, by(), "household", "JH-1", changes, "录入错误"),
        )
        # Before, "amend key_target too", then "withdraw an exit under way first": neither
        # can be done once the exit is approved.
        assert "has an exit on record" in str(refused)
        assert "withdraw" not in str(refused)


def test_an_amendment_is_not_dated_before_the_entry_it_restates(ledger: Ledger) -> None:
    register(ledger, "JH-1", key_target=False)  # identified 2016-08-01, registered 08-10
    for day, changes, field in (
        (date(1990, 1, 1), {"disabled": True}, "effective"),
        (date(2016, 8, 5), {"key_target": True}, "effective"),
    ):
        refused = refuses(
            ledger,
            RuleError,
            field,
            partial(ledger.amend, stamp(JN, day), "household", "JH-1", changes, "录入错误"),
        )
        assert "JH-1 was" in str(refused)
    ledger.amend(stamp(JN, date(2016, 8, 5)), "household", "JH-1", {"disabled": True}, "漏填")
    refuses(
        ledger,
        RuleError,
        "effective",
        partial(ledger.amend, stamp(JN, date(1900, 1, 1)), "helper", "c-1", {"unit": "某局"}, "x"),
    )


def test_only_households_helpers_officers_inspections_and_accounts_are_amended(
    ledger: Ledger,
) -> None:
    # An account since session 22 (fupin fund amend); a street is not.
    refused = refuses(
        ledger, InputError, "kind", lambda: amend(ledger, "street", "江南", name="某")
    )
    assert (
        "only a household's, a helper's, an officer's, an inspection's or an account's (fund) "
        "registration" in str(refused)
    )


def test_a_household_is_amended_by_its_own_street_or_the_district(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    for actor in (LL, "insp-1"):  # another street's officer, an inspector
        refuses(
            ledger,
            PermissionRefusedError,
            "as",
            partial(amend, ledger, "household", "JH-1", actor=actor, disabled=True),
        )
    amend(ledger, "household", "JH-1", actor=QU, disabled=True)
    assert ledger.household("JH-1").disabled


def test_a_helper_amended_by_any_officer_keeps_its_rules(ledger: Ledger) -> None:
    was = amend(ledger, "helper", "c-1", actor=LL, name="王  干部", rank="division")

    assert was == {"name": ("王干部", "王  干部"), "rank": ("section", "division")}
    helper = ledger.load(Helper, "c-1", "helper")
    assert (helper.name, helper.rank) == ("王  干部", "division")
    event = last_event(ledger, "helper", "c-1")
    assert event.changes == {"name": "王  干部", "rank": "division"}
    for key, changes, field in (
        ("c-1", {"rank": "staff"}, "rank"),  # below deputy-section 副科级
        ("v-1", {"team_size": 9}, "team_size"),  # a volunteer team has 10
        ("c-1", {"kind": "enterprise"}, "kind"),  # the 4+1 role its pairings fill
        ("c-1", {"helper_id": "c-9"}, "helper_id"),
        ("c-1", {"name": " "}, "name"),
        ("c-1", {"unit": ""}, "unit"),
    ):
        refuses(
            ledger,
            (RuleError, InputError),  # type: ignore[arg-type]
            field,
            partial(ledger.amend, by(), "helper", key, changes, "录入错误"),
        )


def test_a_helper_is_amended_only_in_the_fields_of_its_kind(ledger: Ledger) -> None:
    for key, changes, field in (
        ("sw-1", {"rank": "bureau"}, "rank"),
        ("sw-1", {"team_size": 12}, "team_size"),
        ("e-1", {"rank": "section", "name": "江海电子有限公司"}, "rank"),
        ("c-1", {"team_size": 12}, "team_size"),
        ("v-1", {"rank": "division"}, "rank"),
        ("c-1", {"rank": ""}, "rank"),  # a cadre keeps a rank, from the list
    ):
        refused = refuses(
            ledger, RuleError, field, partial(ledger.amend, by(), "helper", key, changes, "录错")
        )
        assert (
            "leave it out" in refused.rule
            or "deputy-section 副科级, section 正科级" in refused.rule
        )


def test_a_helper_recorded_with_a_field_of_another_kind_loads_and_is_amended(
    ledger: Ledger,
) -> None:
    # The commands refuse this now (Helper.check_fields); a ledger recorded before that rule
    # may hold one: made here as the older command made it, and replayed as recorded.
    prov = ledger.authorise(stamp(JN), "register_helper")
    old = Helper(
        helper_id="sw-9",
        kind="social-worker",
        name="某社工",
        unit="",
        rank="bureau",
        team_size=12,
        prov=prov,
    )
    ledger.save(old)
    assert ledger.load(Helper, "sw-9", "helper").rank == "bureau"

    ledger.amend(by(), "helper", "sw-9", {"name": "赵社工"}, "录错")  # the rest stays
    ledger.amend(by(), "helper", "sw-9", {"rank": " ", "team_size": 0}, "录错")  # cleared

    helper = ledger.load(Helper, "sw-9", "helper")
    assert (helper.name, helper.rank, helper.team_size) == ("赵社工", "", 0)
