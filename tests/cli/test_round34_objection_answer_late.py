"""Session 34, tester a: an objection to a December 2018 notice dismissed on 2019-01-03 was
taken, though the registration it leads to is dated no earlier than the answer and by
2018-12-31: the household stood under notice for good, neither registrable nor correctable.
A dismissal of an objection to a household under notice is dated by the end of the
programme's last year, as the steps before it are (``Ledger.check_registering_on``)."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "a step's date against the programme's last day: SQLite is enough"

JN = "jn-01"


def _objected(fupin: Fupin) -> None:
    """JH-0009 identified, reviewed, noticed 2018-12-22 to 28, signed and objected to."""
    identify = (
        "household identify JH-0009 --street 江南 --village 雄光 --members 1 --head-name 王五 "
        f"--id-card {id_card(909)} {doc('2018-12-20')}"
    )
    fupin.ok(identify, JN)
    fupin.ok(f"household review JH-0009 --accepted {doc('2018-12-21')}", JN)
    fupin.ok("household notice JH-0009 --start 2018-12-22 --end 2018-12-28 -d 公示", JN)
    fupin.ok(f"household sign JH-0009 {doc('2018-12-23')}", JN)
    fupin.ok(f"household object JH-0009 o-1 --summary 邻居反映 {doc('2018-12-28')}", JN)


def test_a_dismissal_after_the_last_day_is_refused(seeded: Fupin) -> None:
    _objected(seeded)
    before = seeded.event_count()

    refused = seeded(f"household resolve JH-0009 o-1 --dismissed {doc('2019-01-03')}", JN)

    assert_refused(
        refused,
        "effective",
        "the answer to an objection is dated 2019-01-03: a household is identified and "
        "registered 建档立卡 by 2018-12-31",
    )
    assert seeded.event_count() == before


def test_on_the_last_day_the_dismissal_and_the_registration_are_taken(seeded: Fupin) -> None:
    _objected(seeded)
    seeded.ok(f"household resolve JH-0009 o-1 --dismissed {doc('2018-12-31')}", JN)
    seeded.ok(f"household register JH-0009 {doc('2018-12-31')}", JN)


def test_an_objection_upheld_after_the_last_day_is_still_taken(seeded: Fupin) -> None:
    # Upheld, the household is turned down: nothing is left waiting for a registration.
    _objected(seeded)
    seeded.ok(f"household resolve JH-0009 o-1 --upheld {doc('2019-01-03')}", JN)
