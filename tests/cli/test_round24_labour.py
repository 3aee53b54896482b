"""Session 24, a tester playing the sector officials on labour capacity, measures and employment:

- a household's labour capacity amended to none while a job of it stands, or an employment or
  entrepreneurship measure of it does (amendments hold from the start: every past view showed a
  household without labour capacity holding a job the ledger refuses to record);
- an employment or entrepreneurship measure planned for a household with no labour capacity;
- measure ids of one household differing only in the case of their letters;
- a job ended by mistake that could not be corrected (``EmploymentEnded`` correctable);
- "a enterprise is replaced by a enterprise": "an" before a vowel.
"""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough"

JN = "jn-01"


# -- 5. "an" before a vowel ----------------------------------------------------------------------


def test_a_replacement_of_the_wrong_kind_says_an_before_a_vowel(seeded: Fupin) -> None:
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-11')}", JN)
    before = seeded.event_count()

    wrong = seeded(
        f"household unpair JH-0001 e-1 --replacement sw-1 --reason 调岗 {doc('2016-09-01')}", JN
    )
    assert_refused(
        wrong, "replacement", "an enterprise is replaced by an enterprise, not a social-worker"
    )
    wrong = seeded(
        f"household unpair JH-0001 c-1 --replacement e-1 --reason 调岗 {doc('2016-09-01')}", JN
    )
    assert_refused(wrong, "replacement", "a cadre is replaced by a cadre, not an enterprise")
    assert seeded.event_count() == before
