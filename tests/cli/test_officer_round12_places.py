"""Round 12 of the officer's exploratory test, issues 3 and 4: year parameters are not dated
before the programme opened, and the place commands say what they recorded."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


@pytest.mark.parametrize("effective", ["1901-01-01", "2016-02-29", "2016-07-25"])
def test_year_parameters_dated_before_the_programme_opened_are_refused(
    seeded: Fupin, effective: str
) -> None:
    before = seeded.event_count()

    result = seeded(
        f"programme set-year 2018 --urban-dibao 7800 --rural-income 19000 {doc(effective)} "
        "--note 更正",
        actor="admin",
    )

    assert_refused(
        result,
        "effective",
        f"the year parameters are dated {effective}; the programme opened only on 2016-07-26",
    )
    assert seeded.event_count() == before


def test_year_parameters_dated_the_day_the_programme_opened_are_recorded(seeded: Fupin) -> None:
    seeded.ok(
        "programme set-year 2018 --urban-dibao 7800 --rural-income 19000 "
        f"{doc('2016-07-26')} --note 更正",
        actor="admin",
    )


def test_add_street_says_the_name_it_recorded(seeded: Fupin) -> None:
    result = seeded.ok(f"place add-street ' 外海 ' {doc('2016-07-26')}", actor="admin")

    assert result.output.strip() == "street 外海 registered"


def test_add_village_says_the_name_it_recorded(seeded: Fupin) -> None:
    result = seeded.ok(f"place add-village 江南 '雄乡 ' {doc('2016-07-26')}", actor="admin")

    assert result.output.strip() == "village 雄乡 added to 江南"


def test_a_one_character_name_is_masked_whole(seeded: Fupin) -> None:
    """Issue 7: masking keeps a name's first character, which for ``王`` is all of it."""
    seeded.ok(
        "household identify JH-0301 --street 江南 --village 雄光 --members 2 --labour --willing "
        "--head-name 陈七 --id-card 440704196001010044 --member-name 陈七 --member-name 王 "
        f"{doc('2016-08-01')}",
        actor="jn-01",
    )

    shown = seeded.ok("household show JH-0301 --format json", actor="ana-1").output

    assert '"陈*"' in shown
    assert '"*"' in shown
    assert '"王"' not in shown
    assert '"陈七"' not in shown


@pytest.mark.parametrize(
    ("command", "actor", "said"),
    [
        (
            "household identify ' JH-0302 ' --street 江南 --village 雄光 --members 1 "
            "--head-name 甲 --id-card 440704196001010044",
            "jn-01",
            "household JH-0302 identified in 江南 雄光",
        ),
        (
            "officer add ' jn-09 ' --name 江南专干 --role officer --street 江南",
            "admin",
            "officer jn-09 registered as officer",
        ),
        (
            "helper add ' c-99 ' --kind cadre --name 王干部 --rank section",
            "admin",
            "helper c-99 registered as cadre",
        ),
        (
            "fund open ' jn-2016b ' --source street --year 2016 --street 江南",
            "admin",
            "account jn-2016b opened (street, 2016)",
        ),
    ],
)
def test_a_new_key_typed_with_spaces_is_said_as_recorded(
    seeded: Fupin, command: str, actor: str, said: str
) -> None:
    # The ledger trims a new key (spaces inside are refused); the confirmation echoed it as
    # typed, spaces and all (officer's round, 2026-11-29).
    result = seeded.ok(f"{command} {doc('2016-08-02')}", actor=actor)

    assert result.output.strip() == said
