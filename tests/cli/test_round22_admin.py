"""Session 22, the district office's administrator: a year's standard typed in fen where yuan
are asked was taken (99,999,999,999 yuan of urban 低保 a person a year); a correction of a
year's standards turned 46 approved exits into faults and said nothing; ``JN-01`` was
registered beside ``jn-01``; an analyst was registered with a street; and a key's refusal read
"a officer key"."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round13_unpairings import EXIT

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

SET_2017 = "programme set-year 2017 --urban-dibao {} --rural-income {} --note 更正 " + doc(
    "2017-01-10"
)


@pytest.mark.parametrize(
    ("urban", "rural", "field", "said"),
    [
        ("99999999999", "18000", "urban_dibao", "at most 50000.00 yuan per person per year"),
        ("7400", "4000000", "rural_income", "at most 200000.00 yuan per person per year"),
    ],
)
def test_a_years_standard_typed_in_fen_is_refused(
    seeded: Fupin, urban: str, rural: str, field: str, said: str
) -> None:
    before = seeded.event_count()

    refused = seeded(SET_2017.format(urban, rural), "admin")

    assert_refused(refused, field, said)
    assert "is it in fen, or does it have a digit too many?" in refused.stderr
    assert seeded.event_count() == before


def test_a_corrected_standard_says_how_many_exits_it_finds_below(seeded: Fupin) -> None:
    for actor, line in EXIT:  # JH-0001 exits for 2016 on 9,000 yuan
        seeded.ok(line, actor)
    set_2016 = "programme set-year 2016 --urban-dibao 7200 --rural-income {} --note 更正 "

    kept = seeded.ok(set_2016.format("18000") + doc("2016-08-01"), "admin")
    raised = seeded.ok(set_2016.format("30000") + doc("2016-08-01"), "admin")

    assert "now rest on an income below" not in kept.stdout
    assert "1 exit(s) of 2016 now rest on an income below the corrected threshold" in " ".join(
        raised.stdout.split()
    )
    # and that its next step is refused (since session 37, tester j F05)
    assert raised.stdout.rstrip().endswith(
        "the next step of one under way is refused until it is withdrawn or the year assessed again"
    )


def test_an_officer_id_in_another_case_is_refused(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(
        f"officer add JN-01 --name 另一人 --role officer --street 江南 {doc('2016-08-01')}", "admin"
    )

    assert_refused(refused, "officer", "'JN-01' differs from 'jn-01', on record, only in the case")
    assert seeded.event_count() == before


def test_an_analyst_has_no_street(seeded: Fupin) -> None:
    refused = seeded(
        f"officer add ana-9 --name 分析 --role analyst --street 江南 {doc('2016-08-01')}", "admin"
    )

    assert_refused(refused, "street", "an analyst reads for the district, not a street")


def test_a_key_refusal_reads_an_officer(seeded: Fupin) -> None:
    refused = seeded(
        f"officer add 'jn 02' --name 某 --role officer --street 江南 {doc('2016-08-01')}", "admin"
    )

    assert_refused(refused, "officer", "an officer key has none")


def test_a_correction_recorded_says_so_when_its_exits_cannot_be_counted(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Tester Q, session 22: the count after the save failed (read models refused by a view
    in the file), and the command said "nothing was written", exit 2, over a correction it had
    recorded; run again, it recorded it twice."""
    with closing(sqlite3.connect(seeded.store)) as db:
        db.execute("CREATE VIEW v AS SELECT 1")
        db.commit()
    before = seeded.event_count()

    result = seeded(SET_2017.format("7800", "19500"), "admin")

    assert result.exit_code == 0, result.output
    assert "parameters for 2017 recorded" in result.stdout
    assert "note: the correction is recorded, but its exits could not be counted" in result.stderr
    assert seeded.event_count() == before + 1


def test_an_import_registering_two_ids_alike_but_for_case_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = tmp_path / "officers.jsonl"
    args = {"name": "专干", "role": "officer", "street": "江南", "unit": ""}
    row = {
        "command": "register_officer",
        "actor": "admin",
        "effective": "2016-08-01",
        "document": "人员",
    }
    rows.write_bytes(
        b"".join(
            orjson.dumps({**row, "ref": f"o-{n}", "args": {**args, "officer": officer}}) + b"\n"
            for n, officer in enumerate(("jn-05", "JN-05"))
        )
    )
    before = seeded.event_count()

    refused = seeded(f"import file {rows}", "admin")

    assert refused.exit_code == 2, refused.output
    assert "'JN-05' differs from 'jn-05', earlier in this import, only in the case" in (
        refused.stderr
    )
    assert seeded.event_count() == before


def test_a_households_income_typed_in_fen_is_refused(seeded: Fupin) -> None:
    """Tester V, session 22: 800,000 yuan a person (fen typed as yuan, as history shows
    incomes) was recorded and an exit proposed on it."""
    before = seeded.event_count()

    refused = seeded("household assess JH-0001 2016 --income 800000 " + doc("2016-11-30"), "jn-01")

    assert_refused(refused, "income", "800000.00 yuan cannot be a household's per-capita income")
    assert seeded.event_count() == before
    seeded.ok("household assess JH-0001 2016 --income 200000 " + doc("2016-11-30"), "jn-01")
