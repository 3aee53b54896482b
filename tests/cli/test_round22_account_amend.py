"""Session 22 (a medium of the finance officer's): an account opened with its source, year,
street or donor typed wrong could not be corrected (an opening is no correctable entry) nor
amended, and stood so for good. ``fupin fund amend CODE [--source] [--year] [--street]
[--donor] --reason`` restates them, as an inspection's registration is amended: the event keeps
what each was; the code stays; only while no allocation or payment stands on the account; by
whoever may open it (a street officer their own street's account, before and after)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.main import app
from ledger.application import open_ledger
from ledger.base import Provenance
from ledger.funds import FundAccount

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

OPEN = f"fund open district-2017 --source district --year 2016 {doc('2017-01-05')}"


def _account(fupin: Fupin, code: str, *options: str) -> list[object]:
    sql = f"SELECT source, year, street, donor FROM pj_accounts WHERE code = '{code}'"
    found = fupin.runner.invoke(app, [*options, "query", sql, "--format", "json"])
    assert found.exit_code == 0, found.output
    rows: list[list[object]] = orjson.loads(found.stdout)["rows"]
    return rows[0]


def test_the_district_office_amends_the_year_of_an_empty_account(seeded: Fupin) -> None:
    seeded.ok(OPEN, "qu-01")

    amended = seeded.ok(
        f"fund amend district-2017 --year 2017 --reason 年度录错 {doc('2017-01-06')}", "qu-01"
    )

    assert "account district-2017 amended: year 2016 → 2017" in amended.stdout
    assert _account(seeded, "district-2017") == ["district", 2017, "", ""]
    history = seeded.ok("history --kind fund district-2017 --format json", "admin").stdout
    last = orjson.loads(history)[-1]
    assert (last["event"], last["details"]["was"]) == ("Amended", {"year": 2016})
    seeded.ok(f"fund allocate district-2017 --amount 100 {doc('2017-02-01')}", "qu-01")
    funds = orjson.loads(seeded.ok("report funds --format json", "admin").stdout)
    assert "2017" in orjson.dumps(funds).decode()
    seeded.ok("projections check", "admin")
    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_a_street_account_amended_to_the_district_loses_its_street(seeded: Fupin) -> None:
    seeded.ok(
        f"fund open jn-2016 --source street --street 江南 --year 2016 {doc('2016-08-01')}",
        "qu-01",
    )

    amended = seeded.ok(
        f"fund amend jn-2016 --source district --reason 来源录错 {doc('2016-08-02')}", "qu-01"
    )

    assert "source street → district, street 江南 → (none)" in amended.stdout
    assert _account(seeded, "jn-2016") == ["district", 2016, "", ""]
    assert seeded.ok("verify", "admin").stdout.startswith("verified ")


def test_a_donation_account_amended_names_its_new_donor(seeded: Fupin) -> None:
    seeded.ok(
        f"fund open don-2016 --source donation --donor 某企业 --year 2016 {doc('2016-08-01')}",
        "qu-01",
    )

    seeded.ok(
        f"fund amend don-2016 --donor 某基金会 --reason 捐赠方录错 {doc('2016-08-02')}", "qu-01"
    )

    assert _account(seeded, "don-2016") == ["donation", 2016, "", "某基金会"]


def test_an_account_holding_an_allocation_is_amended_only_once_it_is_voided(
    seeded: Fupin,
) -> None:
    before = seeded.event_count()
    amend = f"fund amend city-2016 --year 2017 --reason 年度录错 {doc('2016-09-01')}"

    refused = seeded(amend, "qu-01")

    assert_refused(
        refused,
        "year",
        "city-2016 holds 1 allocation(s) or payment(s) in force, each judged against its "
        "source, year and street: void them first (fupin correct fund CODE VERSION --reason …)",
    )
    assert seeded.event_count() == before
    history = orjson.loads(seeded.ok("history --kind fund city-2016 --format json", "admin").stdout)
    version = next(e["version"] for e in history if e["event"] == "AllocationReceived")
    seeded.ok(f"correct fund city-2016 {version} --reason 录错 {doc('2016-09-01')}", "qu-01")
    seeded.ok(amend, "qu-01")
    assert _account(seeded, "city-2016") == ["city", 2017, "", ""]
    seeded.ok("projections check", "admin")


@pytest.mark.parametrize(
    ("options", "field", "rule"),
    [
        (
            "--street 江南",
            "street",
            "a district account names no street; only a street account does",
        ),
        ("--source street", "street", "a street account names its street: give --street"),
        ("--donor 某企业", "donor", "a donation account names its donor; no other account does"),
        (
            "--source nowhere",
            "source",
            "'nowhere' is not one of city 市扶贫基金/市级, district 区财政/区级, street "
            "街道/街道级, donation 社会捐赠",
        ),
        ("--year 2030", "year", "2030 is outside the programme"),
        ("--year 2016", "year", "is already 2016: nothing to amend"),
        ("--street 东海", "street", "no street '东海' on record"),
    ],
)
def test_an_amendment_the_rules_refuse_writes_nothing(
    seeded: Fupin, options: str, field: str, rule: str
) -> None:
    seeded.ok(OPEN, "qu-01")
    before = seeded.event_count()

    result = seeded(
        f"fund amend district-2017 {options} --reason 录错 {doc('2017-01-06')}", "qu-01"
    )

    assert_refused(result, field, rule)
    assert seeded.event_count() == before


def test_a_year_whose_end_the_opening_is_past_is_refused(seeded: Fupin) -> None:
    seeded.ok(f"fund open city-2018 --source city --year 2018 {doc('2018-03-01')}", "qu-01")

    result = seeded(f"fund amend city-2018 --year 2016 --reason 录错 {doc('2018-03-02')}", "qu-01")

    assert_refused(
        result, "year", "the 2016 account is dated 2018-03-01, after 2017-12-31: an account"
    )


def test_a_street_officer_moves_no_account_out_of_their_street(seeded: Fupin) -> None:
    seeded.ok(
        f"fund open jn-2016 --source street --street 江南 --year 2016 {doc('2016-08-01')}",
        "qu-01",
    )

    result = seeded(f"fund amend jn-2016 --street 礼乐 --reason 录错 {doc('2016-08-02')}", "jn-01")

    assert result.exit_code == 2, result.output
    assert "as: " in result.stderr
    assert _account(seeded, "jn-2016") == ["street", 2016, "江南", ""]


def test_an_accounts_amendment_is_exported_and_imported_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(
        f"fund open jn-2016 --source street --street 江南 --year 2016 {doc('2016-08-01')}",
        "qu-01",
    )
    seeded.ok(f"fund amend jn-2016 --source city --reason 录错 {doc('2016-08-02')}", "qu-01")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    fresh = ("--store", str(tmp_path / "fresh.db"))
    assert _account(seeded, "jn-2016", *fresh) == ["city", 2016, "", ""]


@pytest.mark.parametrize(
    ("changes", "was", "said"),
    [
        (
            {"street": "江南"},
            {"street": ""},
            "its record's rules refuse it (street: a district account names no street; only a "
            "street account does)",
        ),
        (
            {"year": 2017},
            {"year": 2016},
            "an officer of street '江南' amended a record of the district, beyond their own",
        ),
    ],
)
def test_verify_reports_an_account_amended_past_its_rules(
    seeded: Fupin, changes: dict[str, object], was: dict[str, object], said: str
) -> None:
    """The command refuses it; one written into the store otherwise is found."""
    seeded.ok(OPEN, "qu-01")
    ledger = open_ledger(seeded.store)
    try:
        account = ledger.load(FundAccount, "district-2017", "account")
        prov = Provenance("jn-01", "officer", account.opened_on, "伪造", "")
        account._amended(changes, was, "伪造", prov)
        ledger.save(account)
    finally:
        ledger.close()

    found = seeded("verify", "admin")

    assert found.exit_code == 1, found.output
    assert said in " ".join(found.output.split())


def test_an_accounts_street_is_not_restated_under_a_finding_about_it(seeded: Fupin) -> None:
    """Tester H, session 22: moved to 外海 under a finding recorded as 江南's, the finding
    stayed 江南's in the overdue list but only 外海 could answer it."""
    seeded.ok(
        f"fund open jn-s --source street --street 江南 --year 2016 {doc('2016-08-01')}", "qu-01"
    )
    seeded.ok(f"inspection open DI-5 --level district --year 2016 {doc('2016-12-01')}", "insp-1")
    find = "inspection find DI-5 F5 --subject-kind account --subject jn-s --deadline 2017-01-31 "
    seeded.ok(find + doc("2016-12-02"), "insp-1")  # entry 2
    before = seeded.event_count()

    for options in ("--street 礼乐", "--source district"):
        refused = seeded(f"fund amend jn-s {options} --reason 录错 {doc('2016-12-03')}", "qu-01")
        assert_refused(refused, options[2:8], "finding F5 of DI-5 is about jn-s")
        # its entry, not VERSION
        assert "fupin correct inspection DI-5 2 --reason …)" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(f"fund amend jn-s --year 2017 --reason 录错 {doc('2016-12-03')}", "qu-01")
    seeded.ok(f"correct inspection DI-5 2 --reason 录错 {doc('2016-12-04')}", "insp-1")
    seeded.ok(f"fund amend jn-s --street 礼乐 --reason 录错 {doc('2016-12-05')}", "qu-01")


def test_an_unknown_account_is_named_an_account(seeded: Fupin) -> None:
    amend = seeded(f"fund amend nosuch --year 2017 --reason r {doc('2016-12-03')}", "qu-01")
    allocate = seeded(f"fund allocate x1 --amount 1 {doc('2016-12-03')}", "qu-01")

    assert_refused(amend, "account", "no account 'nosuch' on record")
    assert_refused(allocate, "account", "no account 'x1' on record")
