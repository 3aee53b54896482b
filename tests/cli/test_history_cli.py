"""``fupin history --kind``: the timeline of any kind ``fupin correct`` takes, so that the
version a correction names can be found (it could be found only for households)."""

from __future__ import annotations

import re

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc


def test_a_fund_accounts_history_gives_the_version_a_correction_names(seeded: Fupin) -> None:
    shown = orjson.loads(seeded.ok("history --kind fund city-2016 --format json").stdout)
    allocation = next(e for e in shown if e["event"] == "AllocationReceived")

    seeded.ok(
        f"correct fund city-2016 {allocation['version']} --reason 重复录入 {doc('2016-09-01')}",
        actor="qu-01",
    )
    after = orjson.loads(seeded.ok("history --kind fund city-2016 --format json").stdout)

    assert [e["event"] for e in shown] == ["AccountOpened", "AllocationReceived"]
    assert after[-1]["event"] == "Corrected"
    assert after[-1]["details"]["corrects"] == allocation["version"]


def test_a_correction_names_the_kind_of_record_it_corrects(seeded: Fupin) -> None:
    """An analyst audit: fupin log and history labelled every Corrected event
    "LedgerAggregate" (the class it is defined on), so filtering the log by aggregate ==
    "FundAccount" lost every correction of a fund."""
    shown = orjson.loads(seeded.ok("history --kind fund city-2016 --format json").stdout)
    allocation = next(e for e in shown if e["event"] == "AllocationReceived")
    seeded.ok(
        f"correct fund city-2016 {allocation['version']} --reason 重复录入 {doc('2016-09-01')}",
        actor="qu-01",
    )

    history = orjson.loads(seeded.ok("history --kind fund city-2016 --format json").stdout)
    log = [orjson.loads(line) for line in seeded.ok("log").stdout.splitlines()]
    logged = [e for e in log if e["event"] == "Corrected"]

    assert {e["aggregate"] for e in history} == {"FundAccount"}
    assert [e["aggregate"] for e in logged] == ["FundAccount"]
    assert {e["aggregate"] for e in log} >= {"Household", "FundAccount", "Programme"}
    assert "LedgerAggregate" not in {e["aggregate"] for e in log}


def test_a_households_history_is_still_the_default(seeded: Fupin) -> None:
    table = seeded.ok("history JH-0001").stdout

    assert "household JH-0001" in table
    assert "Registered" in table


def test_an_unknown_kind_or_key_is_refused_naming_it(seeded: Fupin) -> None:
    assert_refused(seeded("history --kind nope x"), "kind", "'nope' is not one of")
    assert_refused(seeded("history --kind fund jn-2099"), "fund", "no fund 'jn-2099' on record")


def test_a_recording_time_in_the_timeline_pasted_into_known_at_includes_that_event(
    seeded: Fupin,
) -> None:
    # Cut to the second and without its zone, it was read as China time: 8 hours before.
    table = seeded.ok("history JH-0001").stdout
    line = next(row for row in table.splitlines() if "Registered" in row)
    recorded = re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", line)
    assert recorded is not None, line

    shown = orjson.loads(
        seeded.ok(f"household show JH-0001 --known-at {recorded.group()} --format json").stdout
    )

    assert shown["household"]["stage"] == "registered"
