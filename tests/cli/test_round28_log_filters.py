"""Session 28, tester L (an inspector reconstructing who did what), finding 2: no command
answered "every entry by officer X in 2017", "every entry resting on document Y" or "entries
recorded late", and a ``log`` line named a household by its aggregate UUID alone. ``fupin log``
takes filters since, combined, and names each record by its own key beside its id."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry
from tests.support import ledger_at

STORE_INDEPENDENT = "the stream's filters and fields: SQLite is enough (tests/conftest.py)"


def _lines(fupin: Fupin, options: str = "") -> list[dict[str, Any]]:
    """``fupin log`` with ``options``, read by the admin, one dict a line."""
    out = fupin.ok(f"log {options}", "admin").stdout
    return [orjson.loads(line) for line in out.splitlines()]


def test_each_line_names_its_record_by_its_own_key(seeded: Fupin) -> None:
    lines = _lines(seeded)

    keys = {(line["aggregate"], line["key"]) for line in lines}
    assert ("Household", "JH-0001") in keys
    assert ("FundAccount", "city-2016") in keys
    assert ("Officer", "jn-01") in keys
    planned = [line for line in lines if line["event"] == "MeasurePlanned"][-1]
    assert planned["key"] == "JH-0001"  # not its first event: read from the record's
    assert list(planned)[:3] == ["position", "id", "key"]


def test_a_correction_is_named_by_its_records_key(seeded: Fupin) -> None:
    planned = last_entry(seeded, "JH-0001", "MeasurePlanned")
    seeded.ok(f"correct household JH-0001 {planned} --reason 录错 {doc('2016-08-13')}", "jn-01")

    (corrected,) = [line for line in _lines(seeded) if line["event"] == "Corrected"]

    assert corrected["key"] == "JH-0001"


def test_the_actor_filter_keeps_that_officers_entries_alone(seeded: Fupin) -> None:
    lines = _lines(seeded, "--actor qu-01")

    assert {line["actor"] for line in lines} == {"qu-01"}
    assert {line["key"] for line in lines} == {"city-2016"}
    assert len(lines) == 2


def test_the_filters_combine(seeded: Fupin) -> None:
    lines = _lines(seeded, "--actor jn-01 --effective-from 2016-08-11 --effective-to 2016年8月12日")

    assert [line["event"] for line in lines] == ["HelperPaired", "MeasurePlanned"]


def test_a_document_is_matched_exactly_or_by_a_part(seeded: Fupin) -> None:
    visit = "household visit JH-0001 --helper c-1 --summary 入户"
    seeded.ok(f"{visit} -d 走访记录〔2016〕9号 -e 2016-08-20", "jn-01")

    exact = _lines(seeded, "--document 走访记录〔2016〕9号")
    part = _lines(seeded, "--document-like 〔2016〕9号")

    assert [line["event"] for line in exact] == ["VisitRecorded"]
    assert part == exact
    assert _lines(seeded, "--document 走访记录") == []


def test_recording_times_bound_the_stream(fupin: Fupin) -> None:
    # tests.support's clock ticks a second a save from 2019-01-01T00:00:00Z (08:00 in China)
    with ledger_at(fupin.store):
        pass
    everything = _lines(fupin)
    third = everything[2]["recorded_at"]

    upto = _lines(fupin, f"--recorded-to {third}")
    after = _lines(fupin, f"--recorded-from {third}")
    that_day = _lines(fupin, "--recorded-from 2019-01-01 --recorded-to 2019年1月1日")
    the_day_before = _lines(fupin, "--recorded-to 2018-12-31")

    assert upto == everything[:3]
    assert after == everything[2:]
    assert that_day == everything
    assert the_day_before == []


def test_late_entries_are_found_by_their_two_dates(seeded: Fupin) -> None:
    # all of seeded's entries were recorded in 2019 (tests.support's clock), effective in 2016
    late = _lines(seeded, "--effective-to 2016-12-31 --recorded-from 2019-01-01")

    assert len(late) == seeded.event_count()
    assert all(date.fromisoformat(line["effective"]).year == 2016 for line in late)


def test_limit_counts_the_lines_written(seeded: Fupin) -> None:
    lines = _lines(seeded, "--actor jn-01 --limit 2")

    assert len(lines) == 2
    assert {line["actor"] for line in lines} == {"jn-01"}


@pytest.mark.parametrize(
    ("options", "field", "rule"),
    [
        (
            "--effective-from 2017-01-01 --effective-to 2016-01-01",
            "effective-from",
            "2017-01-01 is after --effective-to 2016-01-01",
        ),
        (
            "--recorded-from 2019-01-02 --recorded-to 2019-01-01",
            "recorded-from",
            "is after --recorded-to",
        ),
        ("--effective-from 2017-02-30", "effective-from", "is no day of the calendar"),
        ("--recorded-to yesterday", "recorded-to", "is not an ISO 8601 date or timestamp"),
        ("--actor ''", "actor", "is empty: give the text, or leave the option out"),
    ],
)
def test_a_filter_that_cannot_be_one_is_refused(
    seeded: Fupin, options: str, field: str, rule: str
) -> None:
    assert_refused(seeded(f"log {options}", "admin"), field, rule)
