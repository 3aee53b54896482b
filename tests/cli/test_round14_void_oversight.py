"""Round 14: an inspection's entries could not be corrected. A finding recorded against the
wrong village stayed on the overdue list until someone rectified a problem they never had; a
talk 约谈 or notice 通报 recorded in error named a street or unit for good. A finding (before any
rectification was reported against it), a talk and a notice are now voided with ``fupin correct
inspection CODE VERSION``, by an inspector or admin only: never by the officers inspected."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc

OPEN = f"inspection open DC-2016 --level district --year 2016 {doc('2016-12-10')}"
FIND = "inspection find DC-2016 {} --subject-kind village --subject 雄光 --deadline {} "
TALK = f"inspection talk DC-2016 --street 江南 --year 2016 --reason 未完成 {doc('2017-02-01')}"
CRITICISE = f"inspection criticise DC-2016 --unit 江南街道 --reason 滞后 {doc('2017-02-01')}"
VOID = "correct inspection DC-2016 {} --reason 录入错误 " + doc("2017-02-10")


def _inspected(fupin: Fupin) -> None:
    """DC-2016: finding f-1 (entry 2), a talk with 江南 about 2016 (3), a notice (4)."""
    fupin.ok(OPEN, "insp-1")
    fupin.ok(FIND.format("f-1", "2017-01-31") + doc("2016-12-12"), "insp-1")
    fupin.ok(TALK, "insp-1")
    fupin.ok(CRITICISE, "insp-1")


def _accountability(fupin: Fupin, options: str = "") -> dict[str, object]:
    line = f"report accountability --as-of 2017-06-30 --format json {options}"
    found = fupin.ok(line, "ana-1")
    report: dict[str, object] = orjson.loads(found.stdout)  # a note may go to stderr
    return report


def _talk_held_2016(report: dict[str, object]) -> bool:
    plan = report["plan"]
    assert isinstance(plan, list)
    return bool(next(row["talk_held"] for row in plan if row["year"] == 2016))


def test_a_finding_talk_and_notice_recorded_in_error_are_voided(seeded: Fupin) -> None:
    _inspected(seeded)
    report = _accountability(seeded)
    assert [row["finding"] for row in report["overdue_findings"]] == ["f-1"]  # type: ignore[attr-defined]
    assert _talk_held_2016(report)
    history = seeded.ok("history --kind inspection DC-2016 --format json", "insp-1").output
    known = orjson.loads(history)[-1]["recorded_at"]  # the notice: before the corrections

    for version in (2, 3, 4):
        seeded.ok(VOID.format(version), "insp-1")

    report = _accountability(seeded)
    assert report["overdue_findings"] == []
    assert not _talk_held_2016(report)
    rows = seeded.ok("query 'SELECT COUNT(*) AS n FROM pj_criticisms' --format json", "ana-1")
    assert orjson.loads(rows.output)["rows"] == [[0]]
    # The log keeps both: the entries and their corrections.
    history = seeded.ok("history --kind inspection DC-2016 --format json", "insp-1").output
    assert [row["event"] for row in orjson.loads(history)].count("Corrected") == 3
    # A view as known before the corrections still shows what was then on record.
    report = _accountability(seeded, f"--known-at {known}")
    assert [row["finding"] for row in report["overdue_findings"]] == ["f-1"]  # type: ignore[attr-defined]
    assert _talk_held_2016(report)
    # Voided once, for good.
    assert_refused(seeded(VOID.format(3), "insp-1"), "version", "entry 3 was already corrected")


def test_a_voided_finding_keeps_its_id(seeded: Fupin) -> None:
    _inspected(seeded)
    seeded.ok(VOID.format(2), "insp-1")
    before = seeded.event_count()

    refused = seeded(FIND.format("f-1", "2017-03-31") + doc("2017-02-11"), "insp-1")

    assert_refused(refused, "finding", "'f-1' was recorded and voided: give the finding a new id")
    assert seeded.event_count() == before
    seeded.ok(FIND.format("f-2", "2017-03-31") + doc("2017-02-11"), "insp-1")
    report = _accountability(seeded)
    assert [row["finding"] for row in report["overdue_findings"]] == ["f-2"]  # type: ignore[attr-defined]


def test_a_finding_acted_on_is_not_voided(seeded: Fupin) -> None:
    _inspected(seeded)
    seeded.ok(
        f"inspection rectify DC-2016 f-1 --summary 已补齐 --note 补录 {doc('2017-01-20')}", "jn-01"
    )
    before = seeded.event_count()

    refused = seeded(VOID.format(2), "insp-1")

    assert_refused(refused, "version", "a rectification of f-1 was reported on 2017-01-20")
    assert seeded.event_count() == before


def test_the_officers_inspected_cannot_void_an_inspections_entries(seeded: Fupin) -> None:
    _inspected(seeded)
    before = seeded.event_count()
    for officer in ("jn-01", "qu-01"):
        refused = seeded(VOID.format(3), officer)
        assert_refused(
            refused, "as", "fupin correct of an inspection's entry needs admin or inspector"
        )
    assert seeded.event_count() == before


def test_a_voided_finding_no_longer_sets_the_reports_today(seeded: Fupin) -> None:
    _inspected(seeded)  # the latest day of the programme: the notice's, 2017-02-01
    # 2026 for 2016, with a note (since session 23 a step after the programme says why)
    seeded.ok(FIND.format("f-9", "2026-04-01") + doc("2026-03-01") + " --note 2026年补录", "insp-1")

    def today() -> str:
        found = seeded.ok("report accountability --format json", "ana-1").stdout
        return str(orjson.loads(found)["today"])

    assert today() == "2026-03-01"
    seeded.ok(f"correct inspection DC-2016 5 --reason 年份录错 {doc('2026-03-02')}", "insp-1")
    assert today() == "2017-02-01"
