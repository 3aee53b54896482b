"""Gaps a fuzzing audit found in what ``fupin`` takes, through the command line: look-alike
keys (an en dash from a spreadsheet's auto-correct), objections dated before their notice,
blank names, and refusals that echoed a key holding a line break on two lines."""

from __future__ import annotations

import shlex

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def refused(fupin: Fupin, args: list[str], actor: str, field: str, rule: str) -> None:
    """Run ``args`` (split already: they hold line breaks) and check the one-line refusal."""
    before = fupin.event_count()

    result = fupin.runner.invoke(app, ["--as", actor, *args])

    assert_refused(result, field, rule)
    assert fupin.event_count() == before


def identify_args(number: str, *extra: str) -> list[str]:
    return [
        "household",
        "identify",
        number,
        "--street",
        "江南",
        "--village",
        "雄光",
        "--members",
        "2",
        "--head-name",
        "张三",
        "--id-card",
        id_card(31),
        *doc("2016-08-01").split(),
        *extra,
    ]


@pytest.mark.parametrize("dash", ["\u2013", "\u2212", "\u2010", "\uff3f"])
def test_a_household_number_with_a_look_alike_dash_is_refused(seeded: Fupin, dash: str) -> None:
    refused(seeded, identify_args(f"JH{dash}0031"), "jn-01", "household", f"U+{ord(dash):04X}")


def test_an_objection_before_its_notice_is_refused_and_so_is_an_answer_before_it(
    seeded: Fupin,
) -> None:
    refused(
        seeded,
        ["household", "object", "JH-0004", "o-1", "--summary", "有车", *doc("1900-01-01").split()],
        "jn-01",
        "effective",
        "the objection is dated 1900-01-01; the notice it objects to began only on 2016-08-03",
    )
    seeded.ok(f"household object JH-0004 o-1 --summary 有车 {doc('2016-08-05')}", actor="jn-01")
    refused(
        seeded,
        ["household", "resolve", "JH-0004", "o-1", "--upheld", *doc("1899-12-31").split()],
        "jn-01",
        "effective",
        "the answer is dated 1899-12-31; objection 'o-1' was raised only on 2016-08-05",
    )


def test_blank_names_are_refused(seeded: Fupin) -> None:
    refused(
        seeded,
        identify_args("JH-0031", "--member-name", "张三", "--member-name", " "),
        "jn-01",
        "member_names",
        "the name of member 2 of 2 is blank",
    )
    args = identify_args("JH-0031", "--member-name", "", "--member-name", " ")
    args[args.index("--head-name") + 1] = ""
    refused(seeded, args, "jn-01", "head_name", "must not be empty")


@pytest.mark.parametrize(
    ("args", "field", "rule"),
    [
        (
            ["household", "visit", "JH-0001", "--helper", "c-1\n"],
            "helper",
            "no helper 'c-1\\n' on record (it holds spaces, invisible or full-width characters: "
            "'c-1'?)",
        ),
        (
            ["household", "unpair", "JH-0001", "c-1\n", "--reason", "调岗"],
            "helper",
            "'c-1\\n' is not paired with JH-0001",
        ),
        (
            ["household", "complete-measure", "JH-0001", "m\n1"],
            "measure",
            "'m\\n1' is not a measure of JH-0001",
        ),
        (
            ["household", "resolve", "JH-0004", "o\n1", "--dismissed"],
            "objection",
            "'o\\n1' is not an open objection",
        ),
        (
            [
                *("household", "identify", "JH-0031", "--street", "x\u2028y"),
                *("--village", "雄光", "--members", "1", "--head-name", "张三"),
                *("--id-card", id_card(31)),
            ],
            # A street holding an invisible character is no street (since 2026-11-29), said
            # before it is said to be another street than jn-01's.
            "street",
            "no street 'x\\u2028y' on record (it holds spaces",
        ),
    ],
)
def test_a_refusal_quotes_a_key_holding_a_line_break(
    seeded: Fupin, args: list[str], field: str, rule: str
) -> None:
    refused(seeded, [*args, *doc("2016-09-01").split()], "jn-01", field, rule)


def test_a_refusal_quotes_a_village_or_an_officer_holding_a_line_break(seeded: Fupin) -> None:
    village = [
        *("household", "identify", "JH-0032", "--street", "江南", "--village", "雄\n光"),
        *("--members", "1", "--head-name", "张三", "--id-card", id_card(32)),
        *doc("2016-09-01").split(),
    ]
    refused(seeded, village, "jn-01", "village", "'雄\\n光' is not a village of street 江南")
    sign = ["household", "sign", "JH-0004", *doc("2016-09-01").split()]
    refused(seeded, sign, "jn-01\n", "as", "'jn-01\\n' is not a registered officer")


def test_a_refusal_quotes_a_finding_holding_a_line_break(seeded: Fupin) -> None:
    seeded.ok(
        f"inspection open DC-1 --level district --year 2016 {doc('2016-12-01')}", actor="insp-1"
    )

    refused(
        seeded,
        ["inspection", "close", "DC-1", "f\u20281", *doc("2016-12-02").split()],
        "insp-1",
        "finding",
        "'f\\u20281' is not a finding of DC-1",
    )


@pytest.mark.parametrize(
    ("line", "field", "said"),
    [
        (
            "household unpair JH-0001 'c-1 ' --reason 调岗",
            "helper",
            "'c-1 ' is not paired with JH-0001 (it holds spaces, invisible or full-width "
            "characters: 'c-1'?)",
        ),
        (
            "household unpair JH-0001 C-1 --reason 调岗",
            "helper",
            "'C-1' is not paired with JH-0001 ('c-1'?)",
        ),
        (
            "household complete-measure JH-0001 M-1 --outcome 完成",
            "measure",
            "'M-1' is not a measure of JH-0001 ('m-1'?)",
        ),
    ],
)
def test_a_key_typed_otherwise_than_on_record_is_hinted(
    seeded: Fupin, line: str, field: str, said: str
) -> None:
    # Session 37's tester k (F7): 'c-1 ' was told "is not paired", as if c-1 were not
    before = seeded.event_count()

    result = seeded.runner.invoke(
        app, ["--as", "jn-01", *shlex.split(line), *doc("2016-10-01").split()]
    )

    assert_refused(result, field, said)
    assert seeded.event_count() == before
