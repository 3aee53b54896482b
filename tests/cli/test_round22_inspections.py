"""Round 22, tester D (the district inspection team):

- a rectification report 整改 or a close 销号 entered in error could never be taken back: no
  correction voided it, a report kept its finding off the overdue list for good, and the only
  advice ("close this one") had the inspector sign off work never done. Both are now voided
  with ``fupin correct inspection CODE VERSION`` (a report only while its finding is not
  closed), by an inspector or admin;
- a street entered in 2026 a first report dated 2019, inside its deadline, and a finding eight
  years overdue left the report, saying nothing: a first report entered after the deadline
  but dated by it now says why in ``--note`` (an export's report replayed is judged as it was
  entered: ``tests/integration/test_import_roundtrip.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
from ledger.errors import RuleError
from ledger.inspections import Inspection

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.cli.test_round14_void_oversight import FIND, OPEN, VOID
from tests.support import TickingClock, ledger_at, refuses, stamp

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

RECTIFY = "inspection rectify DC-2016 {} --summary 已补齐 --note 补录 " + doc("{}")
CLOSE = "inspection close DC-2016 {} " + doc("{}")


def _found(fupin: Fupin) -> None:
    """DC-2016: findings f-1 (entry 2) and f-2 (entry 3), both due by 2017-01-31."""
    fupin.ok(OPEN, "insp-1")
    fupin.ok(FIND.format("f-1", "2017-01-31") + doc("2016-12-12"), "insp-1")
    fupin.ok(FIND.format("f-2", "2017-01-31") + doc("2016-12-12"), "insp-1")


def _overdue(fupin: Fupin, as_of: str = "2017-06-30") -> list[tuple[str, object]]:
    line = f"report accountability --as-of {as_of} --format json"
    report = orjson.loads(fupin.ok(line, "ana-1").output)
    return [(row["finding"], row["rectified_on"]) for row in report["overdue_findings"]]


def _finding_row(fupin: Fupin, finding: str) -> list[object]:
    sql = f"SELECT rectified_on, closed_on FROM pj_findings WHERE finding_id = '{finding}'"
    rows: list[list[object]] = orjson.loads(
        fupin.ok(f'query "{sql}" --format json', "ana-1").output
    )["rows"]
    return rows[0]


def test_a_rectification_given_to_the_wrong_finding_is_voided(seeded: Fupin) -> None:
    _found(seeded)
    seeded.ok(RECTIFY.format("f-2", "2017-01-20"), "jn-01")  # meant f-1: entry 4
    assert _overdue(seeded) == [("f-1", None)]

    seeded.ok(VOID.format(4), "insp-1")

    # f-2 was never rectified: overdue since its deadline, and voidable itself now.
    assert _overdue(seeded) == [("f-1", None), ("f-2", None)]
    assert _finding_row(seeded, "f-2") == [None, None]
    seeded.ok(RECTIFY.format("f-1", "2017-01-20"), "jn-01")
    assert _overdue(seeded) == [("f-2", None)]
    seeded.ok(VOID.format(3), "insp-1")  # f-2 itself recorded in error
    assert _overdue(seeded) == []
    seeded.ok("verify", "ana-1")


def test_a_findings_first_report_left_dates_its_rectification(seeded: Fupin) -> None:
    _found(seeded)
    seeded.ok(RECTIFY.format("f-1", "2017-01-20"), "jn-01")  # entry 4, in time
    seeded.ok(RECTIFY.format("f-1", "2017-03-01"), "jn-01")  # entry 5, a supplement

    seeded.ok(VOID.format(4), "insp-1")

    assert _finding_row(seeded, "f-1") == ["2017-03-01", None]
    assert ("f-1", "2017-03-01") in _overdue(seeded)  # rectified late, as the report left says


def test_a_close_given_in_error_is_voided_and_the_finding_is_open_again(seeded: Fupin) -> None:
    _found(seeded)
    seeded.ok(RECTIFY.format("f-1", "2017-01-20"), "jn-01")  # entry 4
    seeded.ok(CLOSE.format("f-1", "2017-01-25"), "insp-1")  # entry 5
    before = seeded.event_count()

    refused = seeded(VOID.format(4), "insp-1")

    assert_refused(refused, "version", "f-1 was closed (entry 5) on its rectification")
    assert "void the close first (fupin correct inspection DC-2016 5 --reason …)" in refused.stderr
    assert seeded.event_count() == before
    refused = seeded(VOID.format(2), "insp-1")
    assert_refused(refused, "version", "void the report first if it was entered in error")

    seeded.ok(VOID.format(5), "insp-1")

    assert _finding_row(seeded, "f-1") == ["2017-01-20", None]
    seeded.ok(VOID.format(4), "insp-1")  # then its report
    assert _finding_row(seeded, "f-1") == [None, None]
    seeded.ok(RECTIFY.format("f-1", "2017-02-01"), "jn-01")
    seeded.ok(CLOSE.format("f-1", "2017-02-05"), "insp-1")
    assert _finding_row(seeded, "f-1") == ["2017-02-01", "2017-02-05"]
    seeded.ok("verify", "ana-1")
    history = seeded.ok("history --kind inspection DC-2016 --format json", "insp-1").output
    assert [row["event"] for row in orjson.loads(history)].count("Corrected") == 2


def test_the_street_inspected_cannot_void_its_report(seeded: Fupin) -> None:
    _found(seeded)
    seeded.ok(RECTIFY.format("f-1", "2017-01-20"), "jn-01")
    before = seeded.event_count()

    refused = seeded(VOID.format(4), "jn-01")

    assert_refused(refused, "as", "fupin correct of an inspection's entry needs admin or inspector")
    assert seeded.event_count() == before


def test_a_first_report_entered_after_the_deadline_but_dated_by_it_says_why(
    seeded: Fupin,
) -> None:
    _found(seeded)
    before = seeded.event_count()
    backdated = "inspection rectify DC-2016 f-1 --summary 项目已完工 " + doc("2017-01-20")

    refused = seeded(backdated, "jn-01")

    assert_refused(
        refused,
        "note",
        "f-1's rectification deadline was 2017-01-31: a report entered on 20",
    )
    assert "dated 2017-01-20, by it, takes the finding off the overdue list" in refused.stderr
    assert seeded.event_count() == before
    assert _overdue(seeded, "2026-11-30")[0] == ("f-1", None)
    seeded.ok(backdated + " --note 1月20日已报送纸质报告，补录", "jn-01")
    assert _overdue(seeded, "2026-11-30") == [("f-2", None)]
    # A report dated after the deadline leaves the finding listed: it needs no word.
    seeded.ok("inspection rectify DC-2016 f-2 --summary 逾期整改 " + doc("2017-02-10"), "jn-01")


def test_a_report_entered_by_its_deadline_needs_no_word(tmp_path: Path) -> None:
    """Judged by the recording clock: entered by the deadline, a report says nothing more;
    entered the day after, it says why."""
    ticking = TickingClock(datetime(2016, 12, 31, tzinfo=UTC))
    with ledger_at(tmp_path / "l.db", ticking) as app:
        app.open_inspection(
            stamp("insp-1", date(2016, 12, 10)), "DC", "district", 2016, scope="年度"
        )
        for finding in ("f1", "f2"):
            app.record_finding(
                stamp("insp-1", date(2016, 12, 12)),
                "DC",
                finding,
                "village",
                "雄光",
                "台账不全",
                date(2017, 1, 31),
            )
        ticking.current = datetime(2017, 1, 31, 15, tzinfo=UTC)  # 23:00 in China: by it
        app.report_rectification(stamp("jn-01", date(2017, 1, 20)), "DC", "f1", "已补齐")
        ticking.current = datetime(2017, 1, 31, 17, tzinfo=UTC)  # 1 February in China

        refuses(
            app,
            RuleError,
            "note",
            lambda: app.report_rectification(
                stamp("jn-01", date(2017, 1, 31)), "DC", "f2", "已补齐"
            ),
        )

        assert app.load(Inspection, "DC", "inspection").rectified == {"f1": date(2017, 1, 20)}


STREET_OPEN = "inspection open SI-{0} --level street --street {1} --year 2016 " + doc("2016-08-05")
HELPER_FINDING = (
    "inspection find SI-{0} h1 --subject-kind helper --subject c-1 --deadline 2016-12-31 "
    + doc("{1}")
)


def test_a_street_inspections_helper_finding_is_about_a_helper_of_its_households(
    seeded: Fupin,
) -> None:
    """c-1 is paired with JH-0001 of 江南 from 2016-08-11 (tester D, session 22: a helper of
    other streets' households was held against the inspected street)."""
    seeded.ok(STREET_OPEN.format("LL", "礼乐"), "insp-1")
    seeded.ok(STREET_OPEN.format("JN", "江南"), "insp-1")
    before = seeded.event_count()

    elsewhere = seeded(HELPER_FINDING.format("LL", "2016-09-01"), "insp-1")
    too_early = seeded(HELPER_FINDING.format("JN", "2016-08-10"), "insp-1")

    assert_refused(
        elsewhere, "subject", "c-1 was paired with no household of the inspected 礼乐 by 2016-09-01"
    )
    assert_refused(too_early, "subject", "c-1 was paired with no household by 2016-08-10")
    assert seeded.event_count() == before
    seeded.ok(HELPER_FINDING.format("JN", "2016-09-01"), "insp-1")


def test_a_notice_is_the_districts_and_is_in_the_accountability_report(seeded: Fupin) -> None:
    seeded.ok(STREET_OPEN.format("JN", "江南"), "insp-1")
    seeded.ok(OPEN, "insp-1")  # DC-2016, district
    before = seeded.event_count()
    notice = "inspection criticise {} --unit 江南街道 --reason 进度滞后 " + doc("2017-02-01")

    refused = seeded(notice.format("SI-JN"), "insp-1")

    assert_refused(refused, "inspection", "SI-JN is a street inspection of 江南: a notice 通报")
    assert seeded.event_count() == before
    seeded.ok(notice.format("DC-2016"), "insp-1")  # entry 2

    def notices(as_of: str) -> list[tuple[object, ...]]:
        line = f"report accountability --as-of {as_of} --format json"
        rows = orjson.loads(seeded.ok(line, "ana-1").output)["notices"]
        return [(r["inspection"], r["unit"], r["noticed_on"], r["noticed_by"]) for r in rows]

    assert notices("2017-01-31") == []
    assert notices("2017-06-30") == [("DC-2016", "江南街道", "2017-02-01", "insp-1")]
    csv = seeded.ok("report accountability --as-of 2017-06-30 --format csv", "ana-1").output
    assert "# notices" in csv
    seeded.ok(VOID.format(2), "insp-1")
    assert notices("2017-06-30") == []


def test_an_unknown_account_subject_is_named_an_account(seeded: Fupin) -> None:
    seeded.ok(OPEN, "insp-1")
    line = "inspection find DC-2016 f9 --subject-kind account --subject nope --deadline 2017-01-31 "

    refused = seeded(line + doc("2016-12-12"), "insp-1")

    assert_refused(refused, "subject", "no account 'nope' on record")


def _jsonl(path: Path, *rows: Mapping[str, object]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return path


def test_an_import_that_pairs_then_finds_about_the_helper_is_accepted(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Tester E, session 22: the pairing of the same import was not seen (nor, therefore,
    could an export holding such a finding be imported into a new store)."""
    seeded.ok(STREET_OPEN.format("JN", "江南"), "insp-1")
    rows = _jsonl(
        tmp_path / "pair-find.jsonl",
        {
            "command": "pair",
            "ref": "t-1",
            "actor": "jn-01",
            "effective": "2016-08-20",
            "document": "结对",
            "args": {"household": "JH-0001", "helper": "c-2"},
        },
        {
            "command": "record_finding",
            "ref": "t-2",
            "actor": "insp-1",
            "effective": "2016-09-01",
            "document": "督查",
            "args": {
                "inspection": "SI-JN",
                "finding": "h2",
                "subject_kind": "helper",
                "subject": "c-2",
                "deadline": "2016-12-31",
            },
        },
    )

    seeded.ok(f"import file {rows}", "admin")

    assert reimported(seeded, tmp_path).exit_code == 0


def test_a_helper_whose_only_pairing_there_was_voided_was_never_paired_there(
    seeded: Fupin,
) -> None:
    seeded.ok("household pair JH-0001 c-2 " + doc("2016-08-20"), "jn-01")
    history = seeded.ok("history JH-0001 --format json", "jn-01").output
    paired = next(
        row["version"]
        for row in orjson.loads(history)
        if row["event"] == "HelperPaired" and "c-2" in str(row)
    )
    seeded.ok(f"correct household JH-0001 {paired} --reason 结错 " + doc("2016-08-21"), "jn-01")
    seeded.ok(STREET_OPEN.format("JN", "江南"), "insp-1")

    refused = seeded(HELPER_FINDING.format("JN", "2016-09-01").replace("c-1", "c-2"), "insp-1")

    assert_refused(refused, "subject", "c-2 was paired with no household by 2016-09-01")


def test_a_row_borrowing_an_exports_ref_form_is_judged_as_entered(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Tester E, session 22: ``inspection:CODE@N`` at the next entry skipped the note rule in
    an existing ledger: only an export replayed into an empty store is judged as entered."""
    _found(seeded)  # DC-2016 at version 3
    row = {
        "command": "report_rectification",
        "ref": "inspection:DC-2016@4",
        "actor": "jn-01",
        "effective": "2017-01-20",
        "document": "整改报告",
        "note": "",
        "args": {"inspection": "DC-2016", "finding": "f-1", "summary": "已整改"},
    }
    before = seeded.event_count()

    refused = seeded(f"import file {_jsonl(tmp_path / 'r.jsonl', row)}", "jn-01")

    assert refused.exit_code == 2, refused.output
    assert "f-1's rectification deadline was 2017-01-31" in refused.stderr
    assert seeded.event_count() == before


def test_voiding_the_first_report_leaves_no_unsaid_late_one_first(seeded: Fupin) -> None:
    """Tester E, session 22: a supplement entered late, dated by the deadline, needed no note
    while the first report stood; voiding the first made it date the rectification."""
    _found(seeded)
    seeded.ok(RECTIFY.format("f-1", "2017-01-20"), "jn-01")  # entry 4, says why
    supplement = "inspection rectify DC-2016 f-1 --summary 补充材料 " + doc("2017-01-25")
    seeded.ok(supplement, "jn-01")  # entry 5: no note needed, the first stands
    before = seeded.event_count()

    refused = seeded(VOID.format(4), "insp-1")

    assert_refused(refused, "version", "f-1's first report left would be entry 5, dated 2017-01-25")
    assert "Void it first (fupin correct inspection DC-2016 5 --reason …)" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(VOID.format(5), "insp-1")
    seeded.ok(VOID.format(4), "insp-1")  # none left: overdue again
    assert ("f-1", None) in _overdue(seeded)


def test_a_pairing_a_street_finding_rests_on_is_voided_only_after_it(seeded: Fupin) -> None:
    """Tester S, session 22: voiding c-1's only pairing in 江南 left the street inspection's
    finding about c-1, a helper the street then never had, on its overdue list."""
    seeded.ok(STREET_OPEN.format("JN", "江南"), "insp-1")
    seeded.ok(HELPER_FINDING.format("JN", "2016-09-01"), "insp-1")  # SI-JN entry 2
    history = orjson.loads(seeded.ok("history JH-0001 --format json", "jn-01").output)
    paired = next(row["version"] for row in history if row["event"] == "HelperPaired")
    void = f"correct household JH-0001 {paired} --reason 结错 " + doc("2016-09-02")
    before = seeded.event_count()

    refused = seeded(void, "jn-01")

    assert_refused(refused, "version", "finding h1 of SI-JN (entry 2) is about c-1, whose only")
    assert "(fupin correct inspection SI-JN 2 --reason …)" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok("correct inspection SI-JN 2 --reason 录错 " + doc("2016-09-02"), "insp-1")
    seeded.ok(void, "jn-01")
