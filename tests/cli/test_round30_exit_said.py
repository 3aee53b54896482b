"""Session 30, re-tester R: ``household assess`` says since session 29 what an income it puts
in force does to the household's exit of the year (25065db), but three other ways of changing
what an exit rests on said nothing: ``household members`` under an exit under way ("now has 4
members", its next step then refused: assess again), ``fupin correct`` voiding the assessment
in force so that a lower one below the threshold comes back ("corrected"), and an import's
``assess_income`` row doing what ``household assess`` does ("imported 1 row(s)"). Since
session 30 each says it, in ``household assess``'s wording; still recorded, exit 0."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Fupin, assert_refused, doc, import_rows_file, last_entry
from tests.cli.test_round29_assess_below_exit import _approved
from tests.cli.test_round29_exit_members import MEMBERS, assessed_and_proposed, members_faults

STORE_INDEPENDENT = "what a command says after it records: SQLite is enough"

JN = "jn-01"
UNDER_WAY = (
    "its next step is refused until the exit is withdrawn (fupin household withdraw-exit "
    "JH-0001) or 2016 assessed again"
)
#: ``household assess``'s words (test_round29_assess_below_exit) of a 5000-yuan income.
BELOW = (
    "the 2016 exit of JH-0001 (proposed on 2016-12-02) now rests on an income below the 2016 "
    f"threshold 8100.00 yuan: {UNDER_WAY}"
)


def _lines(said: str) -> list[str]:
    return said.strip().splitlines()


def test_a_change_of_members_under_an_exit_under_way_says_its_next_step_is_refused(
    seeded: Fupin,
) -> None:
    assessed_and_proposed(seeded)
    before = seeded.event_count()

    said = seeded.ok(MEMBERS.format(4, doc("2016-12-03")), JN)

    assert seeded.event_count() == before + 1
    assert _lines(said.stdout) == [
        "household JH-0001 now has 4 members (phone, address, member names as on record)",
        "the 2016 exit of JH-0001 (proposed on 2016-12-02) now rests on an income assessed on "
        f"2016-12-01 for 3 members; JH-0001 has 4 since 2016-12-03: {UNDER_WAY}",
    ]
    refused = seeded(f"household verify-exit JH-0001 {doc('2016-12-04')}", JN)
    assert_refused(refused, "members", "JH-0001 has 4 members since 2016-12-03")


def test_a_change_of_members_before_an_approval_says_the_report_lists_it(
    seeded: Fupin,
) -> None:
    _approved(seeded)  # assessed on 2016-12-01 for 3, approved on 2016-12-12

    late = seeded.ok(MEMBERS.format(4, doc("2016-12-05")), JN)
    after = seeded.ok(MEMBERS.format(5, doc("2016-12-20")), JN)

    assert _lines(late.stdout)[1:] == [
        "the 2016 exit of JH-0001 (approved on 2016-12-12) now rests on an income assessed on "
        "2016-12-01 for 3 members; JH-0001 has 4 since 2016-12-05: fupin report accountability "
        "lists it (exit_faults, members-changed)"
    ]
    assert [f[:2] for f in members_faults(seeded)] == [("JH-0001", "members-changed")]
    assert len(_lines(after.stdout)) == 1  # after the approval: not what the exit rested on


def test_a_change_of_members_with_no_exit_says_only_what_it_recorded(seeded: Fupin) -> None:
    said = seeded.ok(MEMBERS.format(4, doc("2016-12-03")), JN)

    assert len(_lines(said.stdout)) == 1


def test_a_correction_putting_an_income_below_in_force_says_so(seeded: Fupin) -> None:
    assessed_and_proposed(seeded)
    low = seeded.ok(f"household assess JH-0001 2016 --income 5000 {doc('2016-12-03')}", JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-04')}", JN)
    again = last_entry(seeded, "JH-0001", "IncomeAssessed")
    before = seeded.event_count()

    said = seeded.ok(f"correct household JH-0001 {again} --reason 录错 {doc('2016-12-05')}", JN)

    assert seeded.event_count() == before + 1
    assert _lines(said.stdout) == [
        f"household JH-0001 entry {again} corrected: its IncomeAssessed of 2016-12-04 is void",
        BELOW,
    ]
    assert _lines(low.stdout)[1] == BELOW  # household assess's own words


def test_a_correction_putting_an_assessment_for_other_members_in_force_says_so(
    seeded: Fupin,
) -> None:
    assessed_and_proposed(seeded)  # 9000 yuan for 3 members on 2016-12-01
    seeded.ok(MEMBERS.format(4, doc("2016-12-03")), JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-04')}", JN)
    again = last_entry(seeded, "JH-0001", "IncomeAssessed")  # made for 4

    line = f"correct household JH-0001 {again} --reason 录错 {doc('2016-12-05')}"
    said = seeded.ok(line, JN)

    assert _lines(said.stdout)[1:] == [
        "the 2016 exit of JH-0001 (proposed on 2016-12-02) now rests on an income assessed on "
        f"2016-12-01 for 3 members; JH-0001 has 4 since 2016-12-03: {UNDER_WAY}"
    ]
    refused = seeded(f"household verify-exit JH-0001 {doc('2016-12-06')}", JN)
    assert_refused(refused, "members", "JH-0001 has 4 members since 2016-12-03")


def test_a_correction_of_another_entry_says_only_corrected(seeded: Fupin) -> None:
    assessed_and_proposed(seeded)
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-12-03')}", JN)
    visit = last_entry(seeded, "JH-0001", "VisitRecorded")

    said = seeded.ok(f"correct household JH-0001 {visit} --reason 录错 {doc('2016-12-04')}", JN)

    assert _lines(said.stdout) == [
        f"household JH-0001 entry {visit} corrected: its VisitRecorded of 2016-12-03 is void"
    ]


def _rows(folder: Path, *rows: tuple[str, dict[str, object]]) -> Path:
    return import_rows_file(folder / "rows.jsonl", JN, "2016-12-03", *rows)


def test_an_imported_assessment_says_what_household_assess_says(
    seeded: Fupin, tmp_path: Path
) -> None:
    assessed_and_proposed(seeded)
    rows = _rows(
        tmp_path,
        ("record_visit", {"household": "JH-0001", "helper": "c-1", "summary": "走访"}),
        ("assess_income", {"household": "JH-0001", "year": 2016, "income": "5000"}),
    )

    tried = seeded.ok(f"import --dry-run {rows}", JN)
    done = seeded.ok(f"import {rows}", JN)

    assert _lines(tried.stdout)[1:] == [f"{rows} line 2: {BELOW} (once imported)"]
    assert _lines(done.stdout) == [
        "imported 2 row(s); skipped 0 already imported (of 2)",
        f"{rows} line 2: {BELOW}",
    ]


def test_an_imported_change_of_members_says_it_too(seeded: Fupin, tmp_path: Path) -> None:
    assessed_and_proposed(seeded)
    change = {
        "household": "JH-0001",
        "members": 4,
        "head_name": "户主1",
        "id_card": MEMBERS.split("--id-card ")[1].split()[0],
    }
    rows = _rows(tmp_path, ("change_members", change))

    done = seeded.ok(f"import {rows}", JN)

    assert _lines(done.stdout)[1:] == [
        f"{rows} line 1: the 2016 exit of JH-0001 (proposed on 2016-12-02) now rests on an "
        f"income assessed on 2016-12-01 for 3 members; JH-0001 has 4 since 2016-12-03: "
        f"{UNDER_WAY}"
    ]
