"""Round 13, issue 2: a correction is not dated before the entry it voids took effect, nor an
amendment before the programme opened (nor before the registration it restates, as before);
refused naming ``effective`` and the date, and nothing is written."""

from __future__ import annotations

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def refused(fupin: Fupin, line: str, actor: str, rule: str) -> None:
    before = fupin.event_count()

    result = fupin(line, actor=actor)

    assert_refused(result, "effective", rule)
    assert fupin.event_count() == before


@pytest.mark.parametrize("effective", ["1999-01-01", "2016-07-26", "2016-08-04"])
def test_a_correction_dated_before_the_entry_it_voids_is_refused(
    seeded: Fupin, effective: str
) -> None:
    # Entry 4 of JH-0001 is its signature 签字确认, dated 2016-08-05.
    refused(
        seeded,
        f"correct household JH-0001 4 --reason 重复 -d 更正单 -e {effective}",
        "jn-01",
        f"the correction is dated {effective}; entry 4 took effect only on 2016-08-05",
    )


def test_a_correction_dated_the_day_of_its_entry_is_recorded(seeded: Fupin) -> None:
    # Entry 7 of JH-0001 plans measure m-1 on 2016-08-12 (its signature, entry 4, stands
    # under its registration since session 29).
    seeded.ok("correct household JH-0001 7 --reason 重复 -d 更正单 -e 2016-08-12", "jn-01")

    history = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)

    assert history[-1]["event"] == "Corrected"


def test_a_visit_is_not_corrected_before_it_took_effect(seeded: Fupin) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 --summary 走访 {doc('2016-09-20')}", "jn-01")
    history = orjson.loads(seeded.ok("history JH-0001 --format json").stdout)
    visit = history[-1]["version"]

    refused(
        seeded,
        f"correct household JH-0001 {visit} --reason 重复 -d 更正单 -e 2016-09-19",
        "jn-01",
        f"entry {visit} took effect only on 2016-09-20",
    )
    seeded.ok(f"correct household JH-0001 {visit} --reason 重复 -d 更正单 -e 2016-09-20", "jn-01")


def test_a_payment_is_not_corrected_before_it_was_paid(seeded: Fupin) -> None:
    # The allocation of city-2016 (version 2) is dated 2016-08-01.
    refused(
        seeded,
        "correct fund city-2016 2 --reason 录错 -d 更正单 -e 2016-07-30",
        "qu-01",
        "the correction is dated 2016-07-30; entry 2 took effect only on 2016-08-01",
    )


def test_an_amendment_of_a_helper_registered_before_the_programme_is_not_dated_before_it(
    seeded: Fupin,
) -> None:
    # A helper may have been registered before the programme opened (2016-07-26); its
    # amendment is an entry of the programme all the same.
    seeded.ok(
        "helper add c-9 --kind cadre --name 赵干部 --rank section -d 任命书 -e 2016-07-01", "admin"
    )
    for effective in ("2016-07-01", "2016-07-25"):
        refused(
            seeded,
            f"helper amend c-9 --name 赵干部甲 --reason 姓名录错 -d 更正单 -e {effective}",
            "admin",
            f"the amendment is dated {effective}; the programme opened only on 2016-07-26",
        )
    seeded.ok("helper amend c-9 --name 赵干部甲 --reason 姓名录错 -d 更正单 -e 2016-07-26", "admin")


def test_a_household_amendment_dated_before_its_identification_is_still_refused(
    seeded: Fupin,
) -> None:
    refused(
        seeded,
        "household amend JH-0001 --disabled --reason 录错 -d 更正单 -e 1999-01-01",
        "jn-01",
        "JH-0001 was identified only on 2016-08-01",
    )
