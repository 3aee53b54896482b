"""Session 22 (a district administrator): the programme's rules typed wrong at ``programme
open`` (``--shares 2:3:4`` for 2:3:5, a notice length, exit percentages) stood for good.
``fupin programme amend [--shares] [--per-person-min] [--local-yearly-min]
[--urban-exit-percent] [--rural-exit-percent] [--notice-days] --reason`` restates them
(``RulesAmended``, keeping what they were), by whoever may open the programme; each rule only
while nothing judged by it is on record (the shares and funding minimums always)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import orjson
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.programme import PROGRAMME_CODE, Programme

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

AMEND = "programme amend --reason 录入错误 "
COLUMNS = "reduction_shares, per_person_min_fen, urban_exit_percent, notice_min_days, opened_on"


def _rules(fupin: Fupin, *options: str) -> list[object]:
    found = fupin.runner.invoke(
        app, [*options, "query", f"SELECT {COLUMNS} FROM pj_programme", "--format", "json"]
    )
    assert found.exit_code == 0, found.output
    rows: list[list[object]] = orjson.loads(found.stdout)["rows"]
    return rows[0]


def test_shares_typed_wrong_are_amended_from_the_opening_on(seeded: Fupin) -> None:
    amended = seeded.ok(
        AMEND + f"--shares 2:3:4 --per-person-min 25000 {doc('2016-08-20')}", "admin"
    )

    assert (
        "programme rules amended: per_person_min 20000.00 yuan → 25000.00 yuan, "
        "reduction_shares "
        "2:3:5 → 2:3:4" in amended.stdout
    )
    assert _rules(seeded) == ["2:3:4", 2_500_000, 150, 7, "2016-07-26"]
    history = orjson.loads(seeded.ok("history --kind programme jianghai-2016 --format json").stdout)
    assert history[-1]["event"] == "RulesAmended"
    seeded.ok("projections check", "admin")
    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_exit_percentages_are_amended_only_before_any_exit_is_proposed(seeded: Fupin) -> None:
    seeded.ok(AMEND + f"--rural-exit-percent 40 {doc('2016-08-20')}", "admin")
    assert _rules(seeded)[2] == 150  # the urban one stays
    for line in (
        f"household agree JH-0001 {doc('2016-08-20')}",
        f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}",
        f"household propose-exit JH-0001 2016 {doc('2016-12-01')}",
    ):
        seeded.ok(line, "jn-01")
    before = seeded.event_count()

    refused = seeded(AMEND + f"--rural-exit-percent 45 {doc('2016-12-02')}", "admin")

    assert_refused(
        refused,
        "rural_exit_percent",
        "JH-0001's ExitProposed (entry ",
    )
    assert "amended only while no ExitProposed is on record" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(AMEND + f"--shares 3:3:4 {doc('2016-12-02')}", "admin")  # reports only: always


def test_notice_days_are_not_amended_once_a_notice_is_posted(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(AMEND + f"--notice-days 10 {doc('2016-08-20')}", "admin")

    assert_refused(
        refused, "notice_min_days", "JH-0001's NoticePosted (entry 3) was judged by this rule"
    )
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    ("options", "field", "rule"),
    [
        ("--shares 2:3:5", "reduction_shares", "is already 2:3:5: nothing to amend"),
        # in yuan, said so (tester R, session 22: 'per_person_min_fen: is already 2000000'),
        # named as the rule, the column of an import's row (tester S)
        (
            "--per-person-min 20000",
            "per_person_min_fen",
            "is already 20000.00 yuan: nothing to amend",
        ),
        ("--shares 2:3", "reduction_shares", "needs one non-negative share per year (3)"),
        ("--urban-exit-percent 0", "urban_exit_percent", "0 is not between 1 and 1000"),
        ("", "rules", "an amendment restates at least one of: reduction_shares"),
    ],
)
def test_an_amendment_the_rules_refuse_writes_nothing(
    seeded: Fupin, options: str, field: str, rule: str
) -> None:
    before = seeded.event_count()

    result = seeded(f"{AMEND}{options} {doc('2016-08-20')}", "admin")

    assert_refused(result, field, rule)
    assert seeded.event_count() == before


def test_only_whoever_may_open_the_programme_amends_it(seeded: Fupin) -> None:
    result = seeded(AMEND + f"--shares 2:3:4 {doc('2016-08-20')}", "qu-01")

    assert result.exit_code == 2, result.output
    assert "fupin programme amend needs admin" in result.stderr
    assert _rules(seeded)[0] == "2:3:5"


def test_a_rules_amendment_is_exported_and_imported_again(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(AMEND + f"--shares 2:3:4 --urban-exit-percent 160 {doc('2016-08-20')}", "admin")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    fresh = ("--store", str(tmp_path / "fresh.db"))
    assert _rules(seeded, *fresh) == ["2:3:4", 2_000_000, 160, 7, "2016-07-26"]


@pytest.mark.parametrize(
    ("who", "same", "said"),
    [
        ("admin", True, "an amendment restates at least one of"),
        ("jn-01", False, "RulesAmended needs admin"),
    ],
)
def test_verify_reports_a_forged_amendment(seeded: Fupin, who: str, same: bool, said: str) -> None:
    """The command refuses it; one written into the store otherwise is found."""
    ledger = open_ledger(seeded.store)
    try:
        programme = ledger.load(Programme, PROGRAMME_CODE, "programme")
        role = "admin" if who == "admin" else "officer"
        prov = Provenance(who, role, date(2016, 8, 20), "伪造", "")
        rules = programme.rules
        if not same:
            rules = replace(rules, reduction_shares=(1, 1, 1))
        programme._rules_amended(rules, programme.rules, "伪造", prov)
        ledger.save(programme)
    finally:
        ledger.close()

    found = seeded("verify", "admin")

    assert found.exit_code == 1, found.output
    assert said in " ".join(found.output.split())
