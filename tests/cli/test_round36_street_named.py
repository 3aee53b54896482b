"""Session 36, tester i (F1, F2): a street officer's row naming a street not on record (the
full name 江南街道, one typed with a space, or none of theirs) was refused on the wrong field: an
identification on `as` ("jn-01 works for street '江南', not '江南街道'", as if the officer were
wrong), a village payment from the street's account on `account` ("jn-2016 pays only for street
江南"). The street is said not on record, on `street`."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


@pytest.mark.parametrize("street", ["江南街道", "江海"])
def test_an_identification_in_a_street_not_on_record_is_refused_on_street(
    seeded: Fupin, street: str
) -> None:
    before = seeded.event_count()

    refused = seeded(
        f"household identify JH-0050 --street {street} --village 雄光 --area rural --members 1 "
        f"--head-name 张三 --id-card {id_card(50)} {doc('2016-08-01')}",
        "jn-01",
    )

    assert_refused(refused, "street", f"no street {street!r} on record")
    assert seeded.event_count() == before
    # another street on record is still the officer's to be told
    assert_refused(
        seeded(
            f"household identify JH-0050 --street 礼乐 --village 新创 --area rural --members 1 "
            f"--head-name 张三 --id-card {id_card(50)} {doc('2016-08-01')}",
            "jn-01",
        ),
        "as",
        "jn-01 works for street '江南', not '礼乐'",
    )


def test_a_village_payment_in_a_street_not_on_record_is_refused_on_street(
    seeded: Fupin,
) -> None:
    seeded.ok(
        f"fund open jn-2016 --source street --year 2016 --street 江南 {doc('2016-08-01')}", "qu-01"
    )
    before = seeded.event_count()

    refused = seeded(
        "fund disburse jn-2016 --amount 100 --category facilities --purpose village "
        f"--street 江南街道 --village 雄光 {doc('2016-10-12')}",
        "jn-01",
    )

    assert_refused(refused, "street", "no street '江南街道' on record")
    assert seeded.event_count() == before
