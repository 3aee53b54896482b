"""Round 14: the year after the plan's last (2019) is only for households that returned to
poverty in 2018 [六(六)], as the refusal of 2020 said; yet any household could be assessed and
proposed for exit "for 2019". The caseload then counted an exit that no year of the 2:3:5 plan
ever did, and the street was listed for talks over a key target that had left."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused
from tests.cli.test_round13_unpairings import EXIT, RETURN

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ASSESS_2019 = "household assess JH-0001 2019 --income 12000 -d 收入核算表 -e 2019-10-10"
PROPOSE_2019 = "household propose-exit JH-0001 2019 -d 江南扶贫〔2019〕3号 -e 2019-10-11"
YEAR_2019 = (
    "programme set-year 2019 --urban-dibao 9000 --rural-income 21000 -d 江财〔2019〕1号 "
    "-e 2019-01-05"
)


def test_a_household_that_never_returned_is_not_assessed_or_exited_for_2019(
    seeded: Fupin,
) -> None:
    seeded.ok(YEAR_2019, "admin")
    before = seeded.event_count()

    for line in (ASSESS_2019, PROPOSE_2019):
        refused = seeded(line, "jn-01")
        assert_refused(refused, "year", "2019 is only for the plan of households that returned")
        assert "JH-0001 has no return approved since 2018-01-01" in refused.stderr
    assert seeded.event_count() == before


def test_a_household_returned_in_2018_is_assessed_and_exits_for_2019(seeded: Fupin) -> None:
    seeded.ok(YEAR_2019, "admin")
    for actor, line in EXIT:  # exited in 2016
        seeded.ok(line, actor)
    for actor, line in RETURN:  # returned in 2018 (the fixture's 2017 steps, a year on)
        seeded.ok(line.replace("-e 2017-", "-e 2018-"), actor)

    seeded.ok(ASSESS_2019, "jn-01")
    seeded.ok(PROPOSE_2019, "jn-01")
