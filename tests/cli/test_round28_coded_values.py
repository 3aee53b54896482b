"""Session 28 (carried from session 27's testers): a coded value typed as the refusal lists it,
``recognised 认定`` or ``household 到户``, was refused and told to write ``'recognised认定'?``,
refused too; ``Rural``, ``HOUSEHOLD`` and the -ize spellings ``recognized``, ``organization``
were refused. They are read as the name they spell and recorded in English, as the Chinese
term alone always was; a refusal suggests nothing it would refuse."""

from __future__ import annotations

import pytest
from ledger.errors import InputError
from ledger.funds import FUND_USES, USE_WORDS, parse_purpose
from ledger.helpers import read_rank
from ledger.household import parse_return_step
from ledger.values import parse_area, parse_category

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the values' own reading: SQLite is enough"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Rural", "rural"),
        ("URBAN", "urban"),
        ("rural 农村", "rural"),
        ("农村 rural", "rural"),
        (" urban 城镇 ", "urban"),
    ],
)
def test_an_area_is_read_in_any_case_and_as_listed(typed: str, read: str) -> None:
    assert parse_area(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("recognized", "recognised"),
        ("Recognised", "recognised"),
        ("recognised 认定", "recognised"),
        ("applied 申请", "applied"),
        ("APPROVED", "approved"),
    ],
)
def test_a_return_step_is_read_in_any_case_spelling_and_as_listed(typed: str, read: str) -> None:
    assert parse_return_step(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [("Household", "household"), ("household 到户", "household"), ("organization", "organisation")],
)
def test_a_purpose_is_read_in_any_case_spelling_and_as_listed(typed: str, read: str) -> None:
    assert parse_purpose(typed) == read


@pytest.mark.parametrize("typed", ["recognised 申请", "recognised 认定 申请", "recognisedd"])
def test_what_names_no_step_or_two_is_refused_suggesting_nothing_refused(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_return_step(typed)

    assert f"{typed!r} is not one of recognised 认定, applied 申请" in str(refused.value)
    assert "?" not in str(refused.value)


def test_an_identification_typed_with_the_listed_area_records_it_in_english(
    seeded: Fupin,
) -> None:
    seeded.ok(
        "household identify JH-0901 --street 江南 --village 雄光 --area 'Rural 农村' --members 1 "
        f"--head-name 甲 --id-card 440704198001013017 {doc('2016-08-10')}",
        "jn-01",
    )

    shown = seeded.ok("household show JH-0901 --format json", "jn-01")
    assert '"area": "rural"' in shown.stdout


def test_a_space_inside_a_word_is_still_refused(seeded: Fupin) -> None:
    result = seeded(
        "household identify JH-0902 --street 江南 --village 雄光 --area 'ru ral' --members 1 "
        f"--head-name 甲 --id-card 440704198001013017 {doc('2016-08-10')}",
        "jn-01",
    )

    assert_refused(result, "area", "'ru ral' is not one of rural (农村), urban (城镇/城市)")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("社工组织", "organisation"),
        ("organisation 社工组织", "organisation"),
        ("工作经费", "working"),
        ("working 工作经费", "working"),
    ],
)
def test_a_purpose_is_read_as_its_help_lists_it(typed: str, read: str) -> None:
    """Re-tester O: ``fund disburse --help`` lists ``organisation 社工组织 | working 工作经费``,
    and each was refused."""
    assert parse_purpose(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Deputy-Section", "deputy-section"),
        ("deputy-section 副科级", "deputy-section"),
        ("DIVISION", "division"),
    ],
)
def test_a_rank_is_read_as_every_coded_value(typed: str, read: str) -> None:
    """Re-tester O: refused as below deputy-section, ``Deputy-Section`` included."""
    assert read_rank(typed) == read


@pytest.mark.parametrize(
    "typed",
    ["ﬁnance", "wor\u212aing", "ſocial-work", "household household", "rural rural", "izrural"],
)
def test_a_look_alike_or_a_word_twice_is_no_coded_value(typed: str) -> None:
    """Re-tester O: casefold read the ligature ﬁ, the Kelvin sign and the long s as plain
    letters, and a name twice as the name and its term."""
    with pytest.raises(InputError):
        parse_category(typed, FUND_USES, USE_WORDS)
    with pytest.raises(InputError):
        parse_area(typed)
