"""Session 31 (brief e): ``fupin log`` had filters by officer, document and date but none by
kind of event, and an inspector asking for the disbursements alone, or the exits alone, read
the whole stream. ``--event`` keeps the events of the kinds given, as a line's ``"event"``
names them, combined with the other filters; a kind the ledger records none of is refused.
And a row whose fields are not of their kinds is written whatever the filters: ``--actor``
skipped one (a provenance's date stored as text), exit 0, where the docs said it is written."""

from __future__ import annotations

import orjson
import pytest
from ledger.event_terms import EVENT_TERMS
from ledger.log_filter import event_kinds

from tests.cli.conftest import Fupin, assert_refused
from tests.cli.test_round28_log_damaged_filtered import _damage
from tests.cli.test_round28_log_filters import _lines

STORE_INDEPENDENT = "the stream's filters, on rows damaged in place: SQLite is enough"


def test_kind_keeps_the_events_of_that_kind_alone(seeded: Fupin) -> None:
    everything = _lines(seeded)

    reviews = _lines(seeded, "--event Reviewed")

    assert [line["event"] for line in reviews] == ["Reviewed"] * 3
    assert reviews == [line for line in everything if line["event"] == "Reviewed"]


@pytest.mark.parametrize(
    "options",
    [
        "--event Identified --event AccountOpened --event MeasurePlanned",
        "--event Identified,AccountOpened,MeasurePlanned",
        "--event 'Identified, AccountOpened' --event MeasurePlanned",
    ],
)
def test_several_kinds_are_given_repeated_or_with_commas(seeded: Fupin, options: str) -> None:
    wanted = {"Identified", "AccountOpened", "MeasurePlanned"}
    everything = _lines(seeded)

    lines = _lines(seeded, options)

    assert lines == [line for line in everything if line["event"] in wanted]
    assert {line["event"] for line in lines} == wanted


def test_kind_combines_with_the_other_filters(seeded: Fupin) -> None:
    lines = _lines(seeded, "--event Identified,Reviewed --actor jn-01 --effective-from 2016-08-02")

    assert [(line["event"], line["key"]) for line in lines] == [
        ("Reviewed", "JH-0001"),
        ("Reviewed", "JH-0003"),
        ("Reviewed", "JH-0004"),
    ]
    assert _lines(seeded, "--event AccountOpened --actor jn-01") == []
    assert len(_lines(seeded, "--event Identified --limit 2")) == 2


def test_a_correction_keeps_its_records_kind(seeded: Fupin) -> None:
    seeded.ok("correct household JH-0003 2 --reason 录错 -d 更正〔2016〕1号 -e 2016-08-13", "jn-01")

    (corrected,) = _lines(seeded, "--event Corrected")

    assert (corrected["aggregate"], corrected["key"]) == ("Household", "JH-0003")


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        ("reviewed", "'reviewed' is no event the ledger records ('Reviewed'?)"),
        ("Ｒｅｖｉｅｗｅｄ", "('Reviewed'?)"),
        ("支出", "'支出' is no event the ledger records ('Disbursed'?)"),
        ("退出帮扶", "('ExitAdvanced'?)"),
        (
            "exit",
            "the events whose names hold it: "
            "ExitAdvanced, ExitNoticed, ExitProposed, ExitWithdrawn;",
        ),
        (
            "退出",
            "the events whose terms hold it: ExitAdvanced (核实 / 退出帮扶), "
            "ExitNoticed (退出公示), ExitProposed (拟退出), ExitWithdrawn (撤回退出);",
        ),
        (
            "公示",
            "the events whose terms hold it: ExitNoticed (退出公示), NoticePosted (张榜公示);",
        ),
        (
            "就业",
            "the events whose terms hold it: EmploymentEnded (就业结束), "
            "WorkerEmployed (吸纳就业);",
        ),
        ("Disbursal", "the nearest: Disbursed;"),
        ("Reviewed,Nothing", "'Nothing' is no event the ledger records"),
        ("Created", "'Created' is no event the ledger records; the nearest: Corrected"),
        ("Xyzzy", "(docs/events.md), one of AccountOpened, AgreementSigned, AllocationReceived,"),
        ("Reviewed,", "'Reviewed,' gives an empty name: name an event, or leave --event out"),
        ("' '", "gives an empty name"),
    ],
)
def test_a_kind_the_ledger_records_none_of_is_refused(seeded: Fupin, kind: str, rule: str) -> None:
    result = seeded(f"log --event {kind}", "admin")

    assert_refused(result, "event", rule)
    assert "--event takes an event's name" in result.stderr or "empty name" in result.stderr
    assert result.stdout == ""


def test_the_kinds_are_the_events_the_ledger_records() -> None:
    # every event docs/events.md names (tests/cli/test_round27_history_words.py), and no other
    assert event_kinds() == set(EVENT_TERMS)


@pytest.mark.parametrize("edit", ["topic", "effective as text"])
@pytest.mark.parametrize(
    "options", ["--event AccountOpened", "--event Reviewed --actor qu-01", "--actor qu-01"]
)
def test_a_row_of_another_kind_unread_or_not_of_its_kinds_is_written(
    seeded: Fupin, edit: str, options: str
) -> None:
    """JH-0001's review damaged: its topic names no event (unreadable), or its provenance's
    date is stored as text (read, but its fields not of their kinds: ``--actor qu-01`` skipped
    it before session 31, exit 0, as it is jn-01's)."""
    position = _damage(seeded.store, edit)

    result = seeded(f"log {options}", "admin")

    assert result.exit_code == 1, result.output
    written = [orjson.loads(line) for line in result.stdout.splitlines()]
    (damaged,) = [line for line in written if "problem" in line]
    assert damaged["position"] == position
    assert f"the event at position {position}" in result.stderr
    assert "internal error" not in result.output
