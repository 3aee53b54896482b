"""Who may record what (ledger/authority.py) and what every event's provenance 来源 records."""

from __future__ import annotations

from datetime import date

import pytest
from ledger.application import Ledger
from ledger.authority import PERMISSIONS, TYPED_COMMANDS, check_permission, typed_command
from ledger.core import Stamp
from ledger.errors import InputError, PermissionRefusedError
from ledger.officers import ROLES

from tests.support import DOC, refuses, register, stamp

COMMANDS = sorted(PERMISSIONS)
#: Commands a non-admin role may run, by scope (admin-only ones are covered by the role table).
BY_SCOPE = {
    scope: sorted(
        c for c, p in PERMISSIONS.items() if p.scope == scope and set(p.roles) - {"admin"}
    )
    for scope in ("district", "street", "any")
}


# -- the permission table, role by role --------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("role", ROLES)
def test_district_level_role_may_run_exactly_its_commands(role: str, command: str) -> None:
    allowed = role in PERMISSIONS[command].roles

    if allowed:
        check_permission(command, "someone", role, "", "江南")
    else:
        with pytest.raises(PermissionRefusedError) as refused:
            check_permission(command, "someone", role, "", "江南")
        assert refused.value.field == "as"


@pytest.mark.parametrize("command", COMMANDS)
def test_analyst_records_nothing(command: str) -> None:
    with pytest.raises(PermissionRefusedError, match="analyst"):
        check_permission(command, "ana-1", "analyst", "", "")


@pytest.mark.parametrize("command", COMMANDS)
def test_admin_reaches_every_street_for_every_command(command: str) -> None:
    check_permission(command, "admin", "admin", "", "礼乐")
    check_permission(command, "admin", "admin", "", "")


@pytest.mark.parametrize("command", BY_SCOPE["district"])
def test_street_officer_is_refused_district_commands(command: str) -> None:
    role = next(r for r in PERMISSIONS[command].roles if r != "admin")
    check_permission(command, "qu-01", role, "", "江南")

    with pytest.raises(PermissionRefusedError, match="for the district"):
        check_permission(command, "jn-01", role, "江南", "江南")


@pytest.mark.parametrize("command", BY_SCOPE["street"])
def test_street_officer_reaches_only_their_own_street(command: str) -> None:
    role = next(r for r in PERMISSIONS[command].roles if r != "admin")
    check_permission(command, "jn-01", role, "江南", "江南")

    with pytest.raises(PermissionRefusedError, match="not '礼乐'"):
        check_permission(command, "jn-01", role, "江南", "礼乐")
    with pytest.raises(PermissionRefusedError, match="not the district"):
        check_permission(command, "jn-01", role, "江南", "")


@pytest.mark.parametrize("command", BY_SCOPE["any"])
def test_commands_of_any_scope_reach_every_street(command: str) -> None:
    role = next(r for r in PERMISSIONS[command].roles if r != "admin")

    check_permission(command, "jn-01", role, "江南", "礼乐")
    check_permission(command, "jn-01", role, "江南", "")


def test_inspector_records_no_casework_and_officer_no_findings() -> None:
    with pytest.raises(PermissionRefusedError, match="needs admin or officer"):
        check_permission("record_visit", "insp-1", "inspector", "", "江南")
    with pytest.raises(PermissionRefusedError, match="needs admin or inspector"):
        check_permission("record_finding", "qu-01", "officer", "", "江南")


def test_every_permission_has_the_command_an_officer_types() -> None:
    # Since session 23 a refusal names the command as typed; one missing would name the
    # permission's internal name again (tests/cli/test_round23_command_names.py checks each
    # names a command of the CLI).
    assert set(TYPED_COMMANDS) == set(PERMISSIONS)
    assert typed_command("review_return") == "fupin household return … reviewed"
    assert typed_command("approve_exit") == "fupin household approve-exit"


def test_refusals_name_the_command_as_typed() -> None:
    with pytest.raises(PermissionRefusedError) as by_role:
        check_permission("approve_exit", "insp-1", "inspector", "", "江南")
    with pytest.raises(PermissionRefusedError) as by_street:
        check_permission("review_return", "ll-01", "officer", "礼乐", "礼乐")

    assert by_role.value.rule == (
        "insp-1 is inspector; fupin household approve-exit needs admin or officer"
    )
    assert by_street.value.rule == (
        "ll-01 works for street '礼乐'; fupin household return … reviewed is for the district"
    )


def test_every_permission_names_known_roles_and_a_known_scope() -> None:
    for command, permission in PERMISSIONS.items():
        assert set(permission.roles) <= set(ROLES), command
        assert permission.scope in ("district", "street", "any"), command


# -- through the application -------------------------------------------------------------------


def test_street_officer_works_on_their_own_streets_households(ledger: Ledger) -> None:
    register(ledger, "LL-1", "礼乐", village="新创")
    register(ledger, "JH-1", "江南")

    planned = date(2016, 8, 11)  # after the registrations (10 August)
    ledger.plan_measure(stamp("jn-01", planned), "JH-1", "m1", "industry", "养鸡")
    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.plan_measure(stamp("jn-01", planned), "LL-1", "m1", "industry", "养鸡"),
    )
    ledger.plan_measure(stamp("qu-01", planned), "LL-1", "m1", "industry", "养鸡")


def test_exit_approval_is_for_the_district(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    assessed = date(2016, 11, 1)  # after the registration (10 August)
    ledger.assess_income(stamp("jn-01", assessed), "JH-1", 2016, 900_000)
    ledger.propose_exit(stamp("jn-01", assessed), "JH-1", 2016)
    ledger.verify_exit(stamp("jn-01", assessed), "JH-1")
    ledger.post_exit_notice(stamp("jn-01", assessed), "JH-1", assessed, date(2016, 11, 7))
    after_notice = date(2016, 11, 8)

    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.approve_exit(stamp("jn-01", after_notice), "JH-1"),
    )
    ledger.approve_exit(stamp("qu-01", after_notice), "JH-1")


def test_analyst_is_refused_through_the_application(ledger: Ledger) -> None:
    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.register_helper(stamp("ana-1"), "e-9", "enterprise", "厂"),
    )


def test_inspector_is_refused_casework_through_the_application(ledger: Ledger) -> None:
    register(ledger, "JH-1")
    refuses(
        ledger, PermissionRefusedError, "as", lambda: ledger.sign_agreement(stamp("insp-1"), "JH-1")
    )


def test_unnamed_or_unknown_actor_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger, PermissionRefusedError, "as", lambda: ledger.register_street(stamp(" "), "外海")
    )
    refuses(
        ledger, PermissionRefusedError, "as", lambda: ledger.register_street(stamp("ghost"), "外海")
    )


@pytest.mark.parametrize("document", ["", "  ", "\u200b", " \u200b\u2060\ufeff\u3000 "])
def test_event_without_a_source_document_is_refused(ledger: Ledger, document: str) -> None:
    # Spaces, or characters that show nothing (zero-width space, word joiner, BOM): no document
    refuses(
        ledger,
        InputError,
        "document",
        lambda: ledger.register_street(Stamp("admin", date(2016, 8, 1), document), "外海"),
    )


def test_event_taking_effect_after_today_is_refused(ledger: Ledger) -> None:
    # The ticking test clock reads early 2019, so 2019-06-01 is in the future.
    refuses(
        ledger,
        InputError,
        "effective",
        lambda: ledger.register_street(Stamp("admin", date(2019, 6, 1), DOC), "外海"),
    )


def test_provenance_records_actor_role_effective_date_document_and_note(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    ledger.assess_income(
        Stamp("qu-01", date(2017, 1, 5), f" {DOC} ", " 入户核查 "), "JH-1", 2016, 1
    )

    last = ledger.history("JH-1")[-1]
    assert (last["actor"], last["role"], last["effective"]) == ("qu-01", "officer", "2017-01-05")
    assert (last["document"], last["note"]) == (DOC, "入户核查")
    assert last["recorded_at"].startswith("2019-01-01T")
