"""Whatever an analyst asks for — history, log, dossier, notice, reports, at any as-of or
known-at time, in any format — no unmasked ID-card number 身份证号 ever appears."""

from __future__ import annotations

import re
from datetime import date

import pytest
from cli.main import app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.support import id_card, ledger_at, register, stamp

#: An ID-card number in clear: 17 digits and a check character, not preceded or followed by
#: more digits (the masked form ``440704********1234`` never matches).
UNMASKED_ID = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
HOUSEHOLDS = ("JH-0001", "JH-0002", "LL-0001")
NAMES = ("户主1", "户主2", "户主3")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("masking") / "ledger.db"
    with ledger_at(path) as ledger:
        register(ledger, "JH-0001", serial=1)
        register(ledger, "JH-0002", serial=2)
        register(ledger, "LL-0001", street="礼乐", village="新创", serial=3)
        ledger.assess_income(stamp("jn-01", date(2016, 12, 1)), "JH-0001", 2016, 900_000)
    return str(path)


days = st.dates(date(2016, 7, 1), date(2018, 12, 31)).map(date.isoformat)
times = st.sampled_from(["2019-01-01T00:00:30+00:00", "2019-01-01T00:02:00+00:00"])
formats = st.sampled_from(["table", "json", "csv"])
households = st.sampled_from(HOUSEHOLDS)


@st.composite
def analyst_commands(draw: st.DrawFn) -> list[str]:
    """One read an analyst may run, with its options drawn."""
    kind = draw(st.sampled_from(["history", "log", "show", "notice", "report", "export"]))
    if kind == "history":
        return ["history", draw(households), "--format", draw(st.sampled_from(["table", "json"]))]
    if kind == "log":
        return ["log", "--limit", str(draw(st.integers(1, 200)))]
    if kind == "notice":
        street = draw(st.sampled_from(["江南", "礼乐"]))
        return ["notice", "--street", street, "--from", "2016-08-01", "--to", draw(days),
                "--format", draw(st.sampled_from(["csv", "html"]))]  # fmt: skip
    if kind == "export":
        return ["export", "events"]
    options = []
    if draw(st.booleans()):
        options += ["--as-of", draw(days)]
    if draw(st.booleans()):
        options += ["--known-at", draw(times)]
    options += ["--format", draw(formats)]
    if kind == "show":
        return ["household", "show", draw(households), *options]
    return ["report", draw(st.sampled_from(["caseload", "accountability"])), *options]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=analyst_commands())
def test_analyst_output_never_holds_an_unmasked_id_card_number(
    store: str, command: list[str]
) -> None:
    runner = CliRunner(env={"LEDGER_STORE": store, "COLUMNS": "240"})

    result = runner.invoke(app, ["--as", "ana-1", *command])

    assert result.exit_code in (0, 2), result.output
    assert not UNMASKED_ID.search(result.output), result.output
    assert not any(name in result.output for name in NAMES)


def test_an_inspector_sees_the_numbers_an_analyst_does_not(store: str) -> None:
    runner = CliRunner(env={"LEDGER_STORE": store, "COLUMNS": "240"})

    inspector = runner.invoke(app, ["--as", "insp-1", "history", "JH-0001", "--format", "json"])
    analyst = runner.invoke(app, ["--as", "ana-1", "history", "JH-0001", "--format", "json"])

    assert id_card(1) in inspector.output
    assert id_card(1) not in analyst.output
    assert "440704********" + id_card(1)[-4:] in analyst.output
