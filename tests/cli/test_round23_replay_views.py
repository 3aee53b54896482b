"""Session 23 (tester C, a provincial inspector replaying history): what a correction's
refusal, ``history`` and the dossier say of what an entry replaced or lost to.

- A household's ``FundsReceived`` is voided on its account: the refusal names that payment
  whether or not it was voided already (once it was, it listed the correctable kinds).
- ``history --kind programme KEY`` refused a key not on record without naming the one
  programme's key, ``jianghai-2016``, which only a query showed.
- A year's standards set again showed in ``history`` the new values alone, nothing of the
  entry they replace.
- An income assessment dated before one of its year on record was recorded as if in force,
  and the dossier listed both unmarked.
"""

from __future__ import annotations

import json

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

PAY = (
    "fund disburse city-2016 --amount 100 --category education --purpose household "
    f"--household JH-0001 --measure m-1 {doc('2016-08-21')}"
)


def _entry_of(fupin: Fupin, event: str, line: str = "history JH-0001") -> int:
    """The version of the one ``event`` of the timeline ``line`` names."""
    entries = json.loads(fupin.ok(f"{line} --format json", "admin").stdout)
    found = [e["version"] for e in entries if e["event"] == event]
    assert len(found) == 1, found
    return int(found[0])


def test_correcting_a_receipt_names_the_payment_to_void_on_its_account(seeded: Fupin) -> None:
    seeded.ok(PAY, "qu-01")
    receipt = _entry_of(seeded, "FundsReceived")
    before = seeded.event_count()

    refused = seeded(
        f"correct household JH-0001 {receipt} --reason 重复 {doc('2016-09-01')}", "admin"
    )

    assert_refused(
        refused,
        "version",
        f"entry {receipt} is the receipt of payment 3 of fund city-2016: a payment is voided "
        "on its account, and its receipt with it (fupin correct fund city-2016 3 --reason …)",
    )
    assert seeded.event_count() == before


def test_correcting_a_receipt_whose_payment_was_voided_says_so(seeded: Fupin) -> None:
    seeded.ok(PAY, "qu-01")
    seeded.ok(f"correct fund city-2016 3 --reason 重复支付 {doc('2016-08-23')}", "qu-01")
    receipt = _entry_of(seeded, "FundsReceived")
    voided = _entry_of(seeded, "ReceiptVoided")
    before = seeded.event_count()

    refused = seeded(
        f"correct household JH-0001 {receipt} --reason 重复 {doc('2016-09-01')}", "admin"
    )

    assert_refused(
        refused,
        "version",
        f"entry {receipt} is the receipt of payment 3 of fund city-2016: that payment was "
        f"already voided on its account, and this receipt with it (entry {voided}, "
        "ReceiptVoided, dated 2016-08-23): nothing is left to correct",
    )
    assert "not a correctable entry" not in refused.stderr
    assert seeded.event_count() == before


def test_a_programme_key_not_on_record_is_refused_naming_the_one_on_record(
    seeded: Fupin,
) -> None:
    refused = seeded("history --kind programme JH", "admin")

    assert_refused(refused, "programme", "no programme 'JH' on record ('jianghai-2016'?)")
    seeded.ok("history --kind programme jianghai-2016", "admin")


def test_history_help_says_the_programme_key(seeded: Fupin) -> None:
    shown = " ".join(seeded.ok("history --help").stdout.split())

    assert "the programme's is jianghai-2016" in shown


SET_AGAIN = (
    "programme set-year 2016 --urban-dibao 7200 --rural-income 20100 -d 江财〔2017〕9号 "
    "-e 2017-03-01 --note 农村收入统计口径更正"
)


def test_history_says_what_a_years_standards_set_again_replace(seeded: Fupin) -> None:
    seeded.ok(SET_AGAIN, "admin")

    table = seeded.ok("history --kind programme jianghai-2016", "admin").stdout
    entries = json.loads(
        seeded.ok("history --kind programme jianghai-2016 --format json", "admin").stdout
    )

    said = "replaces entry 2: rural_income 18000.00 yuan → 20100.00 yuan — 农村收入统计口径更正"
    assert said in table  # money in yuan since session 27
    assert entries[-1]["replaces"] == {
        "entry": 2,
        "was": {"urban_dibao_standard_fen": 720000, "rural_income_fen": 1800000},
    }
    assert [e["version"] for e in entries if "replaces" in e] == [len(entries)]


def test_a_year_set_again_unchanged_says_no_value_changed_and_the_event_is_as_stored(
    seeded: Fupin,
) -> None:
    seeded.ok(SET_AGAIN.replace("20100", "18000"), "admin")

    table = seeded.ok("history --kind programme jianghai-2016", "admin").stdout
    logged = [json.loads(line) for line in seeded.ok("log", "admin").stdout.splitlines()]

    assert "replaces entry 2: no value changed" in table
    stored = json.dumps(logged[-1], ensure_ascii=False)
    assert "YearParametersSet" in stored
    assert "replaces" not in stored


def _assess(fupin: Fupin, income: str, day: str) -> str:
    return fupin.ok(
        f"household assess JH-0001 2016 --income {income} -d 收入核查 -e {day}", "jn-01"
    ).stdout


def test_an_assessment_dated_before_the_one_in_force_says_which_is_in_force(
    seeded: Fupin,
) -> None:
    said = _assess(seeded, "8200", "2017-01-12")
    assert said.strip() == "household JH-0001: 2016 income 8200.00 yuan per person recorded"

    late = " ".join(_assess(seeded, "8300", "2016-11-20").split())

    assert late == (
        "household JH-0001: recorded 2016 income 8300.00 yuan per person, dated 2016-11-20; "
        "8200.00 yuan is in force since 2017-01-12 (an assessment dated later)"
    )


def test_an_assessment_on_the_same_day_as_the_one_before_is_in_force(seeded: Fupin) -> None:
    _assess(seeded, "8200", "2017-01-12")

    said = _assess(seeded, "8300", "2017-01-12")

    assert said.strip() == "household JH-0001: 2016 income 8300.00 yuan per person recorded"


def _incomes(fupin: Fupin, extra: str = "") -> list[dict[str, object]]:
    shown = json.loads(fupin.ok(f"household show JH-0001 --format json {extra}", "admin").stdout)
    return list(shown["incomes"])


def test_the_dossier_marks_each_years_assessment_in_force_as_of_its_day(seeded: Fupin) -> None:
    _assess(seeded, "8200", "2017-01-12")
    _assess(seeded, "8300", "2016-11-20")

    now = _incomes(seeded)
    then = _incomes(seeded, "--as-of 2016-12-31")
    table = seeded.ok("household show JH-0001", "admin").stdout
    csv = seeded.ok("household show JH-0001 --format csv", "admin").stdout

    assert [(r["income_fen"], r["in_force"]) for r in now] == [(830000, False), (820000, True)]
    assert [(r["income_fen"], r["in_force"]) for r in then] == [(830000, True)]
    assert "year,income_fen,assessed_on,recorded_by,imported_by,in_force" in csv
    assert "2016,830000,2016-11-20,jn-01,,no" in csv
    assert "2016,820000,2017-01-12,jn-01,,yes" in csv
    assert "in_force" in table
