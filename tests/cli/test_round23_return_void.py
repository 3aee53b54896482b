"""Round 23: a return to poverty 返贫 approved in error (the wrong household, the wrong day)
stood for good, the household back in the next year's plan. The district now voids the
approval with ``fupin correct household NUMBER VERSION``, as an exit's: the household is exited
again, its return back at its review 审核, to be withdrawn or approved again on the right
day; refused while anything rests on the return (what only a returned household may have)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import Ledger

from tests.cli.conftest import Fupin, assert_refused, doc, reimported
from tests.cli.test_return_withdrawal_cli import EXIT_AND_RECOGNISE
from tests.integration.test_round17_verify_rules import _forge, _last_position, _problems
from tests.support import ledger_at, register, stamp

STORE_INDEPENDENT = "the commands' own rules and read models: SQLite is enough (tests/conftest.py)"

#: JH-0001 exited on 2016-12-20; its return reviewed on 2017-06-10, approved on 2017-06-20.
RETURNED = [
    *EXIT_AND_RECOGNISE,
    ("qu-01", f"household return JH-0001 reviewed {doc('2017-06-10')}"),
    ("qu-01", f"household return JH-0001 approved {doc('2017-06-20')}"),
]
VOID = "correct household JH-0001 {} --reason 审批对象录错 " + doc("2017-06-28")
PAY = "--category education --purpose household --household JH-0001 --measure m-1"


def _returned(fupin: Fupin) -> tuple[int, str]:
    """JH-0001's return approved: the approval's version, and the time it was recorded."""
    for actor, line in RETURNED:
        fupin.ok(line, actor)
    history = orjson.loads(fupin.ok("history JH-0001 --format json", "admin").stdout)
    last = history[-1]
    assert last["event"] == "ReturnAdvanced"
    return int(last["version"]), str(last["recorded_at"])


def _row(fupin: Fupin, *options: str) -> dict[str, object]:
    """JH-0001's row of the read models (as of, or as known at, ``options``)."""
    line = "household show JH-0001 --format json " + " ".join(options)
    return dict(orjson.loads(fupin.ok(line, "qu-01").stdout)["household"])


def _returned_count(fupin: Fupin, *options: str) -> int:
    line = "report caseload --format json " + " ".join(options)
    found = orjson.loads(fupin.ok(line, "ana-1").stdout)
    return sum(int(row["households"]) for row in found["by_status"] if row["status"] == "returned")


def test_a_return_approved_in_error_is_voided_by_the_district(seeded: Fupin) -> None:
    approval, recorded = _returned(seeded)
    assert _row(seeded)["stage"] == "returned"
    assert _row(seeded)["plan_year"] == 2018

    done = seeded.ok(VOID.format(approval), "qu-01")

    assert f"household JH-0001 entry {approval} corrected" in done.stdout
    row = _row(seeded)
    assert (row["stage"], row["returned_on"], row["plan_year"]) == ("exited", None, None)
    assert (row["exited_on"], row["exit_year"]) == ("2016-12-20", 2016)
    assert _returned_count(seeded) == 0
    assert _returned_count(seeded, "--as-of 2017-12-31") == 0
    # As known when the approval was recorded, before its correction: returned.
    assert _returned_count(seeded, f"--known-at {recorded}") == 1
    history = seeded.ok("history JH-0001", "admin").stdout
    assert f"(voided by #{approval + 1})" in history
    assert seeded("projections check", "admin").exit_code == 0
    verified = seeded("verify", "admin")
    assert verified.exit_code == 0, verified.output
    # The return is back at its review: approved again on the right day.
    seeded.ok(f"household return JH-0001 approved {doc('2017-06-30')}", "qu-01")
    row = _row(seeded)
    assert (row["stage"], row["returned_on"], row["plan_year"]) == ("returned", "2017-06-30", 2018)
    assert seeded("verify", "admin").exit_code == 0


def test_a_return_whose_approval_was_voided_is_withdrawn(seeded: Fupin) -> None:
    approval, _ = _returned(seeded)
    seeded.ok(VOID.format(approval), "qu-01")

    seeded.ok(f"household withdraw-return JH-0001 --reason 非本户 {doc('2017-06-29')}", "qu-01")

    assert _row(seeded)["stage"] == "exited"
    assert seeded("verify", "admin").exit_code == 0
    # Nothing lets the household be assisted after its exit now.
    refused = seeded(f"household pair JH-0001 sw-1 {doc('2017-07-01')}", "jn-01")
    assert_refused(refused, "effective", "JH-0001 exited on 2016-12-20")


def test_a_voided_return_is_exported_and_imported_again(seeded: Fupin, tmp_path: Path) -> None:
    approval, _ = _returned(seeded)
    seeded.ok(VOID.format(approval), "qu-01")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    fresh = f"--store {tmp_path / 'fresh.db'}"
    shown = seeded.ok(f"{fresh} household show JH-0001 --format json", "qu-01").stdout
    assert orjson.loads(shown)["household"]["stage"] == "exited"


def test_an_unpairing_after_a_voided_return_is_no_early_one_again(seeded: Fupin) -> None:
    # c-1 unpaired on 2017-07-01, while JH-0001 was exited (no replacement needed); the return
    # entered after it, dated before it, made that unpairing early 不脱贫不脱钩.
    for actor, line in RETURNED[:5]:
        seeded.ok(line, actor)
    seeded.ok(f"household unpair JH-0001 c-1 --reason 已脱贫 {doc('2017-07-01')}", "jn-01")
    for actor, line in RETURNED[5:]:
        seeded.ok(line, actor)
    history = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    approval = int(history[-1]["version"])

    def early() -> list[object]:
        found = seeded.ok("report accountability --format json", "ana-1").stdout
        return list(orjson.loads(found)["early_unpairings"])

    assert len(early()) == 1

    seeded.ok(VOID.format(approval).replace("2017-06-28", "2017-07-02"), "qu-01")

    assert early() == []
    assert seeded("projections check", "admin").exit_code == 0


def test_withdrawing_an_approved_return_names_the_correction(seeded: Fupin) -> None:
    approval, _ = _returned(seeded)
    withdraw = f"household withdraw-return JH-0001 --reason 非本户 {doc('2017-06-29')}"
    before = seeded.event_count()

    refused = seeded(withdraw, "qu-01")

    assert_refused(
        refused,
        "return",
        f"JH-0001's return was approved on 2017-06-20 (entry {approval}): an approved return is "
        "not withdrawn; the district voids an approval recorded in error (fupin correct "
        f"household JH-0001 {approval} --reason …), and the return, back at its review, is "
        "withdrawn then",
    )
    seeded.ok(f"household pair JH-0001 sw-1 {doc('2017-06-25')}", "jn-01")
    assert_refused(
        seeded(withdraw, "qu-01"),
        "return",
        f"an approved return is not withdrawn, and its approval stands: entry {approval + 1}, "
        "a pairing dated 2017-06-25, rests on the return",
    )
    assert seeded.event_count() == before + 1


def test_a_street_officer_cannot_void_the_districts_return_approval(seeded: Fupin) -> None:
    approval, _ = _returned(seeded)
    before = seeded.event_count()

    refused = seeded(VOID.format(approval), "jn-01")

    assert_refused(
        refused, "as", "fupin correct of an exit's or a return's approval is for the district"
    )
    assert seeded.event_count() == before


def test_a_return_a_pairing_rests_on_is_not_voided(seeded: Fupin) -> None:
    approval, _ = _returned(seeded)
    seeded.ok(f"household pair JH-0001 sw-1 {doc('2017-06-25')}", "jn-01")
    before = seeded.event_count()

    refused = seeded(VOID.format(approval), "qu-01")

    assert_refused(
        refused,
        "version",
        f"entry {approval + 1}, a pairing dated 2017-06-25, rests on the return: JH-0001 had "
        "exited on 2016-12-20 and is assisted that day only as returned; correct it first "
        f"(fupin correct household JH-0001 {approval + 1} --reason …), then the return",
    )
    assert seeded.event_count() == before


def test_a_return_a_payment_rests_on_is_not_voided(seeded: Fupin) -> None:
    approval, _ = _returned(seeded)
    seeded.ok(f"fund disburse city-2016 --amount 5 {PAY} {doc('2017-06-26')}", "qu-01")
    before = seeded.event_count()

    refused = seeded(VOID.format(approval), "qu-01")

    assert_refused(refused, "version", "a payment received (city-2016 #")
    assert_refused(refused, "version", "void that payment first (fupin correct fund city-2016")
    assert seeded.event_count() == before


def test_a_return_a_later_exit_rests_on_is_not_voided(seeded: Fupin) -> None:
    approval, _ = _returned(seeded)
    seeded.ok(f"household assess JH-0001 2018 --income 9000 {doc('2018-11-30')}", "jn-01")
    seeded.ok(f"household propose-exit JH-0001 2018 {doc('2018-12-01')}", "jn-01")
    seeded.ok(f"household withdraw-exit JH-0001 --reason 核实未通过 {doc('2018-12-02')}", "jn-01")
    before = seeded.event_count()

    refused = seeded(VOID.format(approval), "qu-01")

    assert_refused(
        refused,
        "version",
        f"an exit of JH-0001 was proposed since the return (entry {approval + 2}, withdrawn now)",
    )
    assert seeded.event_count() == before


@pytest.mark.parametrize("visit", [True, False])
def test_a_visit_or_an_assessment_does_not_hold_the_return(seeded: Fupin, visit: bool) -> None:
    approval, _ = _returned(seeded)
    if visit:  # c-1's pairing ran on after the exit (不脱贫不脱钩): a visit needs no return
        visit_line = f"household visit JH-0001 --helper c-1 --summary 走访 {doc('2017-06-25')}"
        seeded.ok(visit_line, "jn-01")
    else:
        seeded.ok(f"household assess JH-0001 2017 --income 5000 {doc('2017-06-25')}", "jn-01")

    seeded.ok(VOID.format(approval), "qu-01")

    assert _row(seeded)["stage"] == "exited"
    assert seeded("verify", "admin").exit_code == 0


def test_a_return_the_next_years_assessment_rests_on_is_not_voided(seeded: Fupin) -> None:
    # A return approved in 2018, the programme's last year, joins the 2019 plan [六(六)]: only
    # it lets the 2019 income be assessed.
    for actor, line in RETURNED[:-1]:
        seeded.ok(line, actor)
    seeded.ok(f"household return JH-0001 approved {doc('2018-01-10')}", "qu-01")
    history = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    approval = int(history[-1]["version"])
    seeded.ok(f"household assess JH-0001 2019 --income 5000 {doc('2019-01-05')}", "jn-01")
    before = seeded.event_count()

    refused = seeded(
        f"correct household JH-0001 {approval} --reason 审批日期录错 {doc('2019-01-06')}", "qu-01"
    )

    assert_refused(
        refused,
        "version",
        f"entry {approval + 1}, the 2019 income assessment, rests on the return: 2019 is only "
        "for the plan of households that returned to poverty in 2018",
    )
    assert seeded.event_count() == before


def _returned_by_api(
    path: Path, approved: date, then: Callable[[Ledger, int], None] = lambda app, v: None
) -> int:
    """JH-1 registered, exited on 2016-12-20 and returned on ``approved`` through the API,
    ``then`` run after it (given the approval's version): the return approval's version."""
    with ledger_at(path) as app:
        register(app, "JH-1")
        app.assess_income(stamp("jn-01", date(2016, 11, 30)), "JH-1", 2016, 900_000)
        app.propose_exit(stamp("jn-01", date(2016, 12, 1)), "JH-1", 2016)
        app.verify_exit(stamp("jn-01", date(2016, 12, 5)), "JH-1")
        app.post_exit_notice(
            stamp("jn-01", date(2016, 12, 6)), "JH-1", date(2016, 12, 6), date(2016, 12, 12)
        )
        app.approve_exit(stamp("qu-01", date(2016, 12, 20)), "JH-1")
        for step, day in (("recognised", date(2017, 6, 1)), ("applied", date(2017, 6, 5))):
            named = ("暴雨", "江海区民政局") if step == "recognised" else ()
            app.advance_return(stamp("jn-01", day), "JH-1", step, *named)
        app.advance_return(stamp("qu-01", date(2017, 6, 10)), "JH-1", "reviewed")
        app.advance_return(stamp("qu-01", approved), "JH-1", "approved")
        version = app.household("JH-1").version
        then(app, version)
        return version


def test_verify_replays_a_voided_return(tmp_path: Path) -> None:
    path = tmp_path / "l.db"

    def void(app: Ledger, version: int) -> None:
        app.correct(stamp("qu-01", date(2017, 6, 28)), "household", "JH-1", version, "录错")

    _returned_by_api(path, date(2017, 6, 20), void)

    assert _problems(path) == []


def test_verify_reports_a_voided_return_a_pairing_rests_on(tmp_path: Path) -> None:
    path = tmp_path / "l.db"

    def pair(app: Ledger, version: int) -> None:
        app.pair(stamp("jn-01", date(2017, 7, 1)), "JH-1", "sw-1")

    approval = _returned_by_api(path, date(2017, 6, 20), pair)
    _forge(path, "Corrected", "2017-07-02", corrects=approval, reason="审批对象录错")

    assert _problems(path) == [
        (
            _last_position(path),
            f"its record's rules refuse it (version: entry {approval + 1}, a pairing dated "
            "2017-07-01, rests on the return: JH-1 had exited on 2016-12-20 and is assisted "
            f"that day only as returned; correct it first (fupin correct household JH-1 "
            f"{approval + 1} --reason …), then the return)",
        )
    ]


def test_verify_reports_a_voided_return_the_next_years_assessment_rests_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.db"

    def assess(app: Ledger, version: int) -> None:
        app.assess_income(stamp("jn-01", date(2019, 1, 1)), "JH-1", 2019, 500_000)

    approval = _returned_by_api(path, date(2018, 1, 10), assess)
    _forge(path, "Corrected", "2019-01-01", corrects=approval, reason="审批日期录错")

    assert _problems(path) == [
        (
            _last_position(path),
            f"its record's rules refuse it (version: entry {approval + 1}, the 2019 income "
            "assessment, rests on the return: 2019 is only for the plan of households that "
            "returned to poverty in 2018 [六(六)]; correct it first (fupin correct household "
            f"JH-1 {approval + 1} --reason …), then the return)",
        )
    ]


def test_a_voided_approval_leaves_the_dossiers_return_steps(seeded: Fupin) -> None:
    """The two session-23 changes together: the dossier's return steps (``pj_return_steps``)
    lose an approval voided by a correction, and a withdrawal after it ends the same return."""
    approval, _ = _returned(seeded)
    seeded.ok(VOID.format(approval), "qu-01")

    def steps() -> list[tuple[object, object]]:
        shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "qu-01").stdout)
        return [(s["return_cycle"], s["step"]) for s in shown["return_steps"]]

    assert steps()[-2:] == [(1, "applied"), (1, "reviewed")]
    seeded.ok(f"household withdraw-return JH-0001 --reason 非本户 {doc('2017-06-29')}", "qu-01")
    assert steps()[-1] == (1, "withdrawn")
    assert seeded("projections check", "admin").exit_code == 0


def test_a_return_an_employment_since_rests_on_is_not_voided(seeded: Fupin) -> None:
    """The helper of session 23 left it out: an employment dated after the exit is allowed
    only because of the return, and is kept on the enterprise's record."""
    approval, _ = _returned(seeded)
    seeded.ok(f"helper employ e-1 JH-0001 --since 2017-07-01 {doc('2017-07-01')}", "jn-01")
    before = seeded.event_count()

    refused = seeded(VOID.format(approval), "qu-01")

    assert_refused(
        refused,
        "version",
        "e-1's employment of a worker of JH-0001 (entry 2, dated 2017-07-01) rests on the "
        "return: JH-0001 had exited on 2016-12-20 and is assisted that day only as returned; "
        "correct it first (fupin correct helper e-1 2 --reason …), then the return",
    )
    assert seeded.event_count() == before
    seeded.ok(f"correct helper e-1 2 --reason 录错 {doc('2017-07-02')}", "jn-01")
    seeded.ok(VOID.format(approval), "qu-01")


def test_a_return_approved_before_an_unpairing_on_record_says_it_makes_it_early(
    seeded: Fupin,
) -> None:
    """Re-test F, session 23: entered after the approval, an unpairing with no replacement
    dated after it is refused; an approval entered late, dated before such an unpairing on
    record, made it an early one and said nothing. The approval is a fact and stands: the
    command says what it makes of the unpairing (the accountability report lists it)."""
    for actor, line in RETURNED[:-1]:
        seeded.ok(line, actor)
    seeded.ok(f"household unpair JH-0001 c-1 --reason 调离 {doc('2017-06-25')}", "jn-01")

    approved = seeded.ok(RETURNED[-1][1], RETURNED[-1][0])

    assert "note: c-1's pairing with JH-0001 ended on 2017-06-25 with no replacement" in (
        " ".join(approved.stderr.split())
    )
    report = orjson.loads(seeded.ok("report accountability --format json", "ana-1").stdout)
    assert [row["helper"] for row in report["early_unpairings"]] == ["c-1"]
