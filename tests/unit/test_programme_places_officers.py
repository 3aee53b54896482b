"""Reference data: the programme 实施方案 and its yearly parameters, streets 街道 and villages
村（社区）, officers and their roles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from uuid import uuid5

import pytest
from ledger import clock
from ledger.application import Ledger, open_ledger
from ledger.base import LEDGER_NAMESPACE, natural_id
from ledger.errors import (
    AlreadyExistsError,
    InputError,
    NotFoundError,
    PermissionRefusedError,
    RuleError,
)
from ledger.officers import Officer
from ledger.places import Street
from ledger.programme import Programme, ProgrammeRules, YearParameters

from tests.support import DOC, TickingClock, refuses, stamp


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Ledger]:
    """A ledger with only its first admin: no programme, streets or other officers."""
    with clock.using_clock(TickingClock()):
        app = open_ledger(str(tmp_path / "empty.db"), create=True)
        try:
            app.initialise("admin", "区扶贫办", DOC, date(2016, 7, 26))
            yield app
        finally:
            app.close()


# -- the programme ---------------------------------------------------------------------------


def test_programme_opens_with_the_plans_rules(ledger: Ledger) -> None:
    rules = ledger.programme().rules

    assert rules == ProgrammeRules()
    assert (rules.reduction_shares, rules.notice_min_days) == ((2, 3, 5), 7)
    assert (rules.city_share, rules.local_share, rules.local_yearly_min_fen) == (6, 4, 159_200_000)


def test_programme_is_opened_only_once(ledger: Ledger) -> None:
    refuses(
        ledger,
        AlreadyExistsError,
        "programme",
        lambda: ledger.open_programme(stamp(), "again", ProgrammeRules()),
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"last_year": 2015}, "last_year"),
        ({"reduction_shares": (5, 5)}, "reduction_shares"),
        ({"reduction_shares": (2, -3, 5)}, "reduction_shares"),
        ({"city_share": 0}, "city_share"),
        ({"street_share": -1}, "street_share"),
        ({"per_person_min_fen": -1}, "per_person_min_fen"),
        ({"notice_min_days": -7}, "notice_min_days"),
        # bounded: nothing absurd, and no sum of them leaves SQLite's integers
        ({"first_year": 1999, "last_year": 2001}, "first_year"),
        ({"reduction_shares": (0, 0, 0)}, "reduction_shares"),
        ({"reduction_shares": (2, 3, 10**20)}, "reduction_shares"),
        ({"local_share": 10**20}, "local_share"),
        ({"local_yearly_min_fen": 10**20}, "local_yearly_min_fen"),
        ({"notice_min_days": 0}, "notice_min_days"),
        ({"urban_exit_percent": 0}, "urban_exit_percent"),
        ({"rural_exit_percent": 99_999_999_999_999_999}, "rural_exit_percent"),
        ({"max_cadres_per_household": 0}, "max_cadres_per_household"),
        ({"volunteer_team_min_size": 10**9}, "volunteer_team_min_size"),
    ],
)
def test_rules_that_could_not_be_the_plans_are_refused(
    empty: Ledger, changes: dict[str, object], field: str
) -> None:
    rules = replace(ProgrammeRules(), **changes)  # type: ignore[arg-type]

    refuses(empty, InputError, field, lambda: empty.open_programme(stamp(), "精准扶贫", rules))


def test_programme_without_a_title_is_refused(empty: Ledger) -> None:
    refuses(
        empty, InputError, "title", lambda: empty.open_programme(stamp(), " ", ProgrammeRules())
    )


def test_parameters_before_the_programme_is_opened_are_refused(empty: Ledger) -> None:
    refuses(
        empty,
        NotFoundError,
        "programme",
        lambda: empty.set_year(stamp(), YearParameters(2016, 1, 1)),
    )


@pytest.mark.parametrize("year", [2015, 2020])
def test_parameters_outside_the_programme_years_are_refused(ledger: Ledger, year: int) -> None:
    refuses(ledger, RuleError, "year", lambda: ledger.set_year(stamp(), YearParameters(year, 1, 1)))


def test_parameters_for_the_year_after_the_plan_are_accepted_for_returns(ledger: Ledger) -> None:
    ledger.set_year(stamp(), YearParameters(2019, 900_000, 2_100_000))

    assert ledger.programme().years[2019].rural_income_fen == 2_100_000


@pytest.mark.parametrize(("urban", "rural"), [(0, 1), (1, 0), (-1, 1)])
def test_parameters_that_are_not_positive_are_refused(
    ledger: Ledger, urban: int, rural: int
) -> None:
    refuses(
        ledger,
        InputError,
        "parameters",
        lambda: ledger.set_year(stamp(), YearParameters(2019, urban, rural)),
    )


def test_resetting_a_years_parameters_without_a_note_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        RuleError,
        "note",
        lambda: ledger.set_year(stamp(), YearParameters(2016, 730_000, 1_800_000)),
    )


def test_resetting_a_years_parameters_with_a_note_replaces_them(ledger: Ledger) -> None:
    ledger.set_year(stamp(note="corrected standard"), YearParameters(2016, 730_000, 1_800_000))

    assert ledger.programme().years[2016].urban_dibao_standard_fen == 730_000


def test_exit_thresholds_round_up_to_the_next_fen(ledger: Ledger) -> None:
    ledger.set_year(stamp(), YearParameters(2019, 300_001, 500_001))
    programme = ledger.programme()

    assert programme.exit_threshold(2019, "urban") == 450_002  # 150 % of 300,001 = 450,001.5
    assert programme.exit_threshold(2019, "rural") == 225_001  # 45 % of 500,001 = 225,000.45


def test_exit_threshold_of_a_year_without_parameters_is_refused(ledger: Ledger) -> None:
    with pytest.raises(RuleError) as refused:
        ledger.programme().exit_threshold(2019, "rural")

    assert refused.value.field == "year"


def test_programme_id_is_derived_from_its_code(ledger: Ledger) -> None:
    assert ledger.programme().id == Programme.create_id("jianghai-2016")


# -- streets and villages ----------------------------------------------------------------------


def test_street_keeps_its_villages_and_which_are_relatively_poor(ledger: Ledger) -> None:
    street = ledger.load(Street, "江南", "street")

    assert street.villages == {"雄光": True, "江南社区": False}


def test_street_is_registered_only_once(ledger: Ledger) -> None:
    refuses(ledger, AlreadyExistsError, "street", lambda: ledger.register_street(stamp(), "江南"))


def test_street_without_a_name_is_refused(ledger: Ledger) -> None:
    refuses(ledger, InputError, "street", lambda: ledger.register_street(stamp(), "  "))


def test_village_is_added_to_a_street_only_once(ledger: Ledger) -> None:
    refuses(
        ledger,
        AlreadyExistsError,
        "village",
        lambda: ledger.add_village(stamp(), "江南", "雄光", True),
    )


def test_village_of_an_unknown_street_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger, NotFoundError, "street", lambda: ledger.add_village(stamp(), "外海", "镇龙", True)
    )


def test_added_village_is_found_on_its_street(ledger: Ledger) -> None:
    ledger.register_street(stamp(), "外海")

    ledger.add_village(stamp(), "外海", "镇龙", True)

    ledger.load(Street, "外海", "street").check_has_village("镇龙")


# -- officers ------------------------------------------------------------------------------


def test_ledger_is_initialised_only_once(ledger: Ledger) -> None:
    refuses(
        ledger,
        AlreadyExistsError,
        "store",
        lambda: ledger.initialise("admin2", "区扶贫办", DOC, date(2016, 7, 26)),
    )


def test_registered_officer_has_role_street_and_unit(ledger: Ledger) -> None:
    officer = ledger.load(Officer, "jn-01", "officer")

    assert (officer.role, officer.street, officer.unit, officer.active) == (
        "officer",
        "江南",
        "江南街道扶贫办",
        True,
    )


def test_officer_id_is_registered_only_once(ledger: Ledger) -> None:
    refuses(
        ledger,
        AlreadyExistsError,
        "officer",
        lambda: ledger.register_officer(stamp(), "jn-01", "x", "officer", "", "区"),
    )


def test_officer_of_an_unknown_role_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        InputError,
        "role",
        lambda: ledger.register_officer(stamp(), "x-1", "x", "mayor", "", "区"),
    )


def test_admin_working_for_a_street_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        InputError,
        "street",
        lambda: ledger.register_officer(stamp(), "x-1", "x", "admin", "江南", "区"),
    )


def test_officer_of_an_unknown_street_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        NotFoundError,
        "street",
        lambda: ledger.register_officer(stamp(), "x-1", "x", "officer", "外海", "区"),
    )


def test_transferred_officer_works_for_the_new_street(ledger: Ledger) -> None:
    ledger.change_officer(stamp(), "jn-01", "officer", "礼乐")

    assert ledger.load(Officer, "jn-01", "officer").street == "礼乐"
    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.open_account(stamp("jn-01"), "jn", "street", 2016, street="江南"),
    )


def test_changing_an_unknown_officer_is_refused(ledger: Ledger) -> None:
    refuses(
        ledger,
        NotFoundError,
        "officer",
        lambda: ledger.change_officer(stamp(), "nobody", "officer", ""),
    )


def test_retired_officer_can_record_nothing_more(ledger: Ledger) -> None:
    ledger.retire_officer(stamp(), "jn-01", "transferred out of the district")

    assert not ledger.load(Officer, "jn-01", "officer").active
    refuses(
        ledger,
        PermissionRefusedError,
        "as",
        lambda: ledger.open_account(stamp("jn-01"), "jn", "street", 2016, street="江南"),
    )


def test_retired_officer_is_neither_retired_again_nor_changed(ledger: Ledger) -> None:
    ledger.retire_officer(stamp(), "jn-01", "left")

    refuses(ledger, RuleError, "officer", lambda: ledger.retire_officer(stamp(), "jn-01", "x"))
    refuses(
        ledger,
        RuleError,
        "officer",
        lambda: ledger.change_officer(stamp(), "jn-01", "officer", ""),
    )


def test_retirement_without_a_reason_is_refused(ledger: Ledger) -> None:
    refuses(ledger, InputError, "reason", lambda: ledger.retire_officer(stamp(), "jn-01", " "))


def test_aggregate_ids_are_uuid5_of_kind_and_natural_key() -> None:
    assert Officer.create_id("jn-01") == uuid5(LEDGER_NAMESPACE, "officer:jn-01")
    assert Street.create_id("江南") == natural_id("street", "江南")
    assert Officer.create_id("江南") != Street.create_id("江南")


def test_an_admin_neither_retires_nor_demotes_themselves(ledger: Ledger) -> None:
    # The only admin doing either would leave a ledger nobody can administer, for good.
    refuses(ledger, RuleError, "officer", lambda: ledger.retire_officer(stamp(), "admin", "退休"))
    refuses(
        ledger,
        RuleError,
        "officer",
        lambda: ledger.change_officer(stamp(), "admin", "analyst", ""),
    )
    ledger.register_officer(stamp(), "ad-2", "管理员", "admin", "", "区扶贫办")

    ledger.change_officer(stamp("ad-2"), "admin", "analyst", "")  # another admin may

    assert ledger.load(Officer, "admin", "officer").role == "analyst"


def test_shares_written_as_household_counts_are_accepted(empty: Ledger) -> None:
    rules = replace(ProgrammeRules(), reduction_shares=(142, 213, 355))

    empty.open_programme(stamp(), "精准扶贫", rules)

    assert empty.programme().rules.reduction_shares == (142, 213, 355)


def test_a_village_that_only_looks_like_another_is_refused(ledger: Ledger) -> None:
    error = refuses(
        ledger,
        InputError,
        "village",
        lambda: ledger.add_village(stamp(), "江南", "雄光\u200b", False),
    )

    assert "holds a space or an invisible character" in error.rule
