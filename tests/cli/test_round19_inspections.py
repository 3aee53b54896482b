"""Session 19, testers V (an inspector of the supervision team) and U (the office's deputy
head, keeper of the plan's rules): inspections took years, dates and texts nothing else
takes, and a street inspection reached other streets.

- ``inspection open`` took ``--year 1999``, ``-5``, 2019 in March 2017, a day before the
  programme opened, and ``--street`` on a district inspection (kept, it misled the findings);
- a finding took a subject not yet on record, and under a street inspection another street's
  account or officer (whose street then answered nothing, the inspected one everything);
- blank texts (spaces, a zero-width space) were recorded as a finding's description, a
  rectification's summary, a talk's or notice's reason, an inspection's scope;
- a rectification report dated before the first on record, by the street itself, took a
  missed deadline off the overdue list, saying nothing;
- a district inspection's finding about a street's account or officer showed no street in
  the overdue list;
- a street inspection summoned another street's leaders, and a talk about 2019 (no target
  year) was refused as too early."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

DISTRICT = f"inspection open DI-1 --level district --year 2016 {doc('2016-12-01')}"
STREET = f"inspection open SI-1 --level street --street 江南 --year 2016 {doc('2016-07-27')}"


def finding(code: str, fid: str, kind: str, subject: str, day: str, extra: str = "") -> str:
    return (
        f"inspection find {code} {fid} --subject-kind {kind} --subject {subject} "
        f"--deadline 2016-12-31 {extra} {doc(day)}"
    )


@pytest.mark.parametrize(
    ("line", "field", "rule"),
    [
        (
            f"inspection open X --level district --street 江南 --year 2016 {doc('2016-12-01')}",
            "street",
            "a district inspection covers every street: give no --street, or open a street "
            "inspection of 江南 (--level street)",
        ),
        (
            f"inspection open X --level district --year 1999 {doc('2016-12-01')}",
            "year",
            "1999 is outside the programme: its years are 2016-2018",
        ),
        (
            f"inspection open X --level district --year 2017 {doc('2016-12-01')}",
            "year",
            "an inspection of 2017's work is opened in 2017 or later, not on 2016-12-01",
        ),
        (
            f"inspection open X --level district --year 2016 {doc('2016-07-01')}",
            "effective",
            "the inspection is dated 2016-07-01; the programme opened only on 2016-07-26",
        ),
        (
            f"inspection open X --level district --year 2016 --scope '  ' {doc('2016-12-01')}",
            "scope",
            "'  ' shows nothing: leave --scope out, or say what it is",
        ),
    ],
)
def test_an_inspection_opens_only_for_a_year_and_day_of_the_programme(
    seeded: Fupin, line: str, field: str, rule: str
) -> None:
    before = seeded.event_count()

    assert_refused(seeded(line, "insp-1"), field, rule)
    assert seeded.event_count() == before


def test_a_street_inspections_findings_stay_in_its_street_and_after_their_subject(
    seeded: Fupin,
) -> None:
    seeded.ok(STREET, "insp-1")
    seeded.ok(
        f"fund open street-LL-2016 --source street --year 2016 --street 礼乐 {doc('2016-08-01')}",
        "qu-01",
    )
    refusals = {
        ("account", "city-2016"): "city-2016 is the district's, not the inspected 江南's",
        ("account", "street-LL-2016"): "street-LL-2016 is in 礼乐, not the inspected 江南",
        ("officer", "ll-01"): "ll-01 is in 礼乐, not the inspected 江南",
        ("village", "新创"): "新创 is a village of 礼乐, not of the inspected 江南",
        ("street", "礼乐"): "礼乐 is not the inspected 江南",
    }
    before = seeded.event_count()

    for (kind, subject), rule in refusals.items():
        assert_refused(
            seeded(finding("SI-1", "f1", kind, subject, "2016-09-01"), "insp-1"), "subject", rule
        )
    early = seeded(finding("SI-1", "f1", "household", "JH-0002", "2016-07-28"), "insp-1")

    assert_refused(
        early, "effective", "the finding is dated 2016-07-28; JH-0002 came on record only on"
    )
    assert seeded.event_count() == before
    seeded.ok(finding("SI-1", "f1", "officer", "jn-01", "2016-09-01"), "insp-1")


@pytest.mark.parametrize(
    ("line", "actor", "field"),
    [
        (
            finding("DI-1", "f2", "village", "雄光", "2016-12-02", "--description '   '"),
            "insp-1",
            "description",
        ),
        ("inspection rectify DI-1 f1 --summary '\u200b' " + doc("2016-12-05"), "jn-01", "summary"),
        (
            "inspection talk DI-1 --street 江南 --year 2016 --reason '  ' " + doc("2016-12-31"),
            "insp-1",
            "reason",
        ),
        (
            "inspection criticise DI-1 --unit 江南街道 --reason '  ' " + doc("2016-12-05"),
            "insp-1",
            "reason",
        ),
    ],
)
def test_a_text_that_shows_nothing_is_refused(
    seeded: Fupin, line: str, actor: str, field: str
) -> None:
    seeded.ok(DISTRICT, "insp-1")
    seeded.ok(finding("DI-1", "f1", "village", "雄光", "2016-12-02"), "insp-1")
    before = seeded.event_count()

    result = seeded(line, actor)

    assert result.exit_code == 2, result.output
    assert f"refused {field}: " in result.stderr
    assert "shows nothing" in result.stderr or "must not be empty" in result.stderr
    assert seeded.event_count() == before


def overdue(fupin: Fupin, day: str) -> list[dict[str, Any]]:
    result = fupin.ok(f"report accountability --as-of {day} --format json", "insp-1")
    rows: list[dict[str, Any]] = orjson.loads(result.stdout)["overdue_findings"]
    return rows


def test_a_report_dated_before_the_first_on_record_says_why(seeded: Fupin) -> None:
    seeded.ok(DISTRICT, "insp-1")
    seeded.ok(finding("DI-1", "f1", "village", "雄光", "2016-12-02"), "insp-1")
    seeded.ok(f"inspection rectify DI-1 f1 --summary 逾期整改 {doc('2017-01-05')}", "jn-01")
    assert [r["rectified_on"] for r in overdue(seeded, "2017-02-01")] == ["2017-01-05"]
    backdated = f"inspection rectify DI-1 f1 --summary 补报 {doc('2016-12-20')}"

    refused = seeded(backdated, "jn-01")
    entered_late = seeded(f"{backdated} --note 12月20日已报送纸质报告，补录", "jn-01")

    assert_refused(refused, "note", "f1's first rectification on record is dated 2017-01-05")
    assert entered_late.exit_code == 0, entered_late.output
    assert overdue(seeded, "2017-02-01") == []  # in time, as the note says


def test_a_district_finding_about_a_street_officer_or_account_has_its_street(
    seeded: Fupin,
) -> None:
    seeded.ok(DISTRICT, "insp-1")
    seeded.ok(
        f"fund open street-JN-2016 --source street --year 2016 --street 江南 {doc('2016-08-01')}",
        "qu-01",
    )
    seeded.ok(finding("DI-1", "a1", "account", "street-JN-2016", "2016-12-02"), "insp-1")
    seeded.ok(finding("DI-1", "a2", "officer", "jn-01", "2016-12-02"), "insp-1")
    seeded.ok(finding("DI-1", "a3", "account", "city-2016", "2016-12-02"), "insp-1")

    rows = overdue(seeded, "2017-01-10")

    assert {r["finding"]: r["street"] for r in rows} == {"a1": "江南", "a2": "江南", "a3": ""}


def test_a_talk_is_held_by_a_district_inspection_about_a_target_year(seeded: Fupin) -> None:
    seeded.ok(STREET, "insp-1")
    seeded.ok(DISTRICT, "insp-1")

    other = seeded(
        f"inspection talk SI-1 --street 礼乐 --year 2016 --reason 未完成 {doc('2017-01-05')}",
        "insp-1",
    )
    after = seeded(
        f"inspection talk DI-1 --street 礼乐 --year 2019 --reason 未完成 {doc('2017-01-05')}",
        "insp-1",
    )

    # since session 28 a talk under a street inspection is refused, whatever its street
    assert_refused(
        other, "inspection", "SI-1 is a street inspection of 江南: a talk 约谈 with a street's"
    )
    assert_refused(
        after,
        "year",
        "2019 has no yearly reduction target to miss: the plan's targets are 2016-2018",
    )


def test_a_households_dossier_lists_the_findings_about_it(seeded: Fupin) -> None:
    """Tester V: an inspector had to query pj_findings to see a household's findings."""
    seeded.ok(
        f"inspection open SI-2 --level street --street 江南 --year 2016 {doc('2016-09-01')}",
        "insp-1",
    )
    seeded.ok(
        finding("SI-2", "h1", "household", "JH-0001", "2016-09-02", "--description 台账不全"),
        "insp-1",
    )
    seeded.ok(finding("SI-2", "h2", "household", "JH-0001", "2016-09-03"), "insp-1")
    seeded.ok(
        f"inspection rectify SI-2 h1 --summary 已补齐 --note 补录 {doc('2016-09-10')}", "jn-01"
    )
    voided = orjson.loads(
        seeded.ok("history SI-2 --kind inspection --format json", "insp-1").stdout
    )
    version = next(e["version"] for e in voided if e["details"].get("finding_id") == "h2")
    seeded.ok(f"correct inspection SI-2 {version} --reason 录错户 {doc('2016-09-04')}", "insp-1")

    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "insp-1").stdout)
    table = seeded.ok("household show JH-0001", "insp-1").stdout

    assert shown["findings"] == [
        {
            "inspection": "SI-2",
            "finding": "h1",
            "description": "台账不全",
            "deadline": "2016-12-31",
            "recorded_on": "2016-09-02",
            "recorded_by": "insp-1",
            "imported_by": None,  # recorded by its inspector (since session 29)
            "rectified_on": "2016-09-10",
            "closed_on": None,
            "overdue": False,  # rectified by its deadline (since session 27)
        }
    ]
    assert "findings" in table
