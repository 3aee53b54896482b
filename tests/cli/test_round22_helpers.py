"""Tester U, session 22 (the helper manager): a worker was employed from a household with no
labour capacity on record (by two employers at once); ``C-1`` was registered beside ``c-1``
and ``jh-0001`` identified beside ``JH-0001`` (Caps Lock), and a lookup of ``jh-0001`` gave no
hint of ``JH-0001``."""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def test_no_worker_of_a_household_without_labour_capacity_is_employed(seeded: Fupin) -> None:
    seeded.ok(f"helper add e-9 --kind enterprise --name 厂 {doc('2016-07-28')}", "jn-01")
    seeded.ok(
        f"household amend JH-0001 --no-labour --not-key-target --reason 录错 {doc('2016-08-20')}",
        "jn-01",
    )
    before = seeded.event_count()

    refused = seeded(f"helper employ e-9 JH-0001 --since 2016-09-01 {doc('2016-09-01')}", "jn-01")

    assert_refused(refused, "household", "JH-0001 has no labour capacity 无劳动能力 on record")
    assert seeded.event_count() == before


def test_a_key_typed_in_the_other_case_is_refused_and_hinted(seeded: Fupin) -> None:
    before = seeded.event_count()
    helper = seeded(
        f"helper add C-1 --kind cadre --name 周 --rank section {doc('2016-07-28')}", "admin"
    )
    identify = (
        "household identify jh-0001 --street 江南 --village 雄光 --members 1 --labour --willing "
        f"--dibao --head-name 陈某 --id-card {id_card(91)} --member-name 陈某 "
    )
    household = seeded(identify + doc("2016-08-01"), "jn-01")
    shown = seeded("household show jh-0001", "jn-01")

    assert_refused(helper, "helper", "'C-1' differs from 'c-1', on record, only in the case")
    assert_refused(household, "household", "'jh-0001' differs from 'JH-0001', on record")
    assert_refused(shown, "household", "no household 'jh-0001' on record ('JH-0001'?)")
    assert seeded.event_count() == before
