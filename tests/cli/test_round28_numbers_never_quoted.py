"""Session 28 (tester C, privacy): an ID-card number typed where a whole number or a date was
wanted was printed back in the refusal (``--members 440704198104143690`` → "members:
440704198104143690 is out of range"; an import's ``effective`` cell → "'4407…' is not a
date"), as a column shifted by one cell in a spreadsheet puts it there, while the ledger
never quotes one elsewhere (docs/privacy.md). Every refusal that would quote typed text
holding an ID-card number, or a mobile number written as a phone, says so instead, naming
the field (``ledger.errors.unquoted``, the one place every refusal is made)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from cli.main import _annotation, _whole_annotation, app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger.commands import COMMANDS as IMPORTED
from ledger.commands import PROVENANCE, Arg, parse_value
from ledger.errors import LedgerError
from ledger.values import (
    parse_cell_date,
    parse_date,
    parse_shares,
    parse_timestamp,
    parse_whole_number,
    parse_yuan,
)
from typer.testing import CliRunner

from tests.cli.conftest import Fupin, all_commands, assert_refused
from tests.support import id_card

STORE_INDEPENDENT = "a refusal's words, made before any record is read"

CARD = "440704198104143690"  # tester C's: passes the checksum and the birth date
APART = f"{CARD[:6]} {CARD[6:14]} {CARD[14:]}"
PHONE = "138 0013 8000"  # a mobile number written as a phone (3-4-4)
NOT_QUOTED = "not quoted: a refusal never shows personal data"
IDENTIFY = (
    "household identify WH-1 --street 外海 --village 麻二 -d I -e 2016-08-02 --head-name 甲 "
    f"--id-card {CARD}"
)


def _digits(text: str) -> str:
    """``text``'s ASCII and full-width digits and check characters alone, as ``440704…``."""
    wide = {chr(0xFF10 + d): str(d) for d in range(10)}
    return re.sub(r"[^0-9X]", "", "".join(wide.get(c, c) for c in text.upper()))


def _quotes_none(said: str, *numbers: str) -> None:
    for number in numbers:
        assert number not in _digits(said), said


def test_an_id_card_typed_as_the_members_is_refused_unquoted(fupin: Fupin) -> None:
    result = fupin(f"{IDENTIFY} --members {CARD}", "wh-01")

    assert_refused(result, "members", f"holds an ID-card number, {NOT_QUOTED}")
    assert CARD not in result.output


def test_a_phone_typed_as_the_members_is_refused_unquoted(fupin: Fupin) -> None:
    result = fupin(f"{IDENTIFY} --members '{PHONE}'", "wh-01")

    assert_refused(result, "members", f"holds a mobile phone number, {NOT_QUOTED}")
    assert PHONE not in result.output


def _whole_number_lines() -> list[tuple[str, list[str]]]:
    """Each whole-number option and argument of every command, given ``CARD``: the command's
    words, then its arguments (``x`` for each other one before it) or the option."""
    lines: list[tuple[str, list[str]]] = []
    for words, command in all_commands().items():
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        for param in command.params:
            if not _whole_annotation(_annotation(param)):
                continue
            if param.param_type_name == "option":
                given = [max(param.opts, key=len), CARD]
            else:
                given = ["x" if p is not param else CARD for p in arguments]
                given = given[: arguments.index(param) + 1]
            lines.append((f"{words} {param.name}", [*words.split(), *given]))
    return lines


WHOLE_NUMBER_LINES = _whole_number_lines()


def test_the_walk_finds_the_whole_numbers_tester_c_named() -> None:
    named = {name for name, _ in WHOLE_NUMBER_LINES}

    assert {"household identify members", "fund open year", "helper add team_size"} <= named
    assert len(named) >= 20


@pytest.mark.parametrize(
    ("name", "args"), WHOLE_NUMBER_LINES, ids=[n for n, _ in WHOLE_NUMBER_LINES]
)
def test_no_whole_number_option_quotes_an_id_card(
    seeded: Fupin, name: str, args: list[str]
) -> None:
    result = seeded.runner.invoke(app, ["--as", "admin", *args])

    assert result.exit_code == 2, result.output
    assert NOT_QUOTED in result.stderr
    assert CARD not in result.output


def test_an_import_cell_holding_an_id_card_or_a_phone_is_refused_unquoted(
    seeded: Fupin, tmp_path: Path
) -> None:
    sheet = tmp_path / "identify.csv"
    head = "ref,actor,effective,document,household,street,village,area,members,head_name,id_card"
    rows = [
        f"r1,jn-01,2016-08-02,I,JN-9001,江南,雄光,rural,{CARD},甲,{CARD}",
        f"r2,jn-01,{CARD},I,JN-9002,江南,雄光,rural,3,乙,{CARD}",
        f'r3,jn-01,"{APART}",I,JN-9003,江南,雄光,rural,"{PHONE}",丙,{CARD}',
    ]
    sheet.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    sheet.chmod(0o600)

    result = seeded(f"import file --dry-run {sheet}", "jn-01")

    assert result.exit_code == 2, result.output
    assert f"row 2, members: holds an ID-card number, {NOT_QUOTED}" in result.stderr
    assert f"row 3, effective: holds an ID-card number, {NOT_QUOTED}" in result.stderr
    assert f"row 4, effective: holds an ID-card number, {NOT_QUOTED}" in result.stderr
    assert f"row 4, members: holds a mobile phone number, {NOT_QUOTED}" in result.stderr
    _quotes_none(result.stderr, CARD, "13800138000")


# -- the property: no parser's refusal quotes a personal number -----------------------------------

#: Text beside a number in a cell or an option: anything but a digit, which would make the
#: number longer than an ID card (and no longer one, as ``check_no_personal_data`` reads).
beside = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Nd")).filter(
        lambda c: c not in "Xx×\uff38\uff58\u0425\u0445"
    ),
    max_size=6,
)


@st.composite
def cards_as_typed(draw: st.DrawFn) -> tuple[str, str]:
    """A valid ID-card number, and as typed: whole, in groups, in full width, ``x`` last."""
    birth = draw(st.dates(date(1930, 1, 1), date(2010, 12, 31))).strftime("%Y%m%d")
    card = id_card(draw(st.integers(0, 999)), birth)
    written = draw(
        st.sampled_from(
            [
                card,
                f"{card[:6]} {card[6:14]} {card[14:]}",
                f"{card[:6]}-{card[6:14]}-{card[14:]}",
                "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in card),
                card.replace("X", "x"),
            ]
        )
    )
    return card, written


def _parsers() -> list[tuple[str, Callable[[str], object]]]:
    """Every parser of typed text: the command line's and every import cell's."""
    found: list[tuple[str, Callable[[str], object]]] = [
        ("whole", lambda t: parse_whole_number(t, "members")),
        ("date", lambda t: parse_date(t, "effective")),
        ("cell date", lambda t: parse_cell_date(t, "effective")),
        ("timestamp", lambda t: parse_timestamp(t, "known_at")),
        ("yuan", lambda t: parse_yuan(t, "amount")),
        ("shares", parse_shares),
    ]
    seen: set[tuple[str, str]] = set()
    for spec in IMPORTED.values():
        for arg in (*PROVENANCE, *spec.args):
            if (arg.name, arg.kind) in seen:
                continue
            seen.add((arg.name, arg.kind))
            found += [(f"{arg.name} {c}", functools.partial(_cell, arg, c)) for c in (True, False)]
    return found


def _cell(arg: Arg, cells: bool, text: str) -> object:
    return parse_value(arg, text, cells=cells)


PARSERS = _parsers()


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    parser=st.sampled_from(PARSERS),
    card=cards_as_typed(),
    before=beside,
    after=beside,
    phone=st.sampled_from(["", f"电话{PHONE}", "+8613800138000"]),
)
def test_no_parser_refusal_quotes_a_personal_number(
    parser: tuple[str, Callable[[str], object]],
    card: tuple[str, str],
    before: str,
    after: str,
    phone: str,
) -> None:
    typed = f"{before}{card[1]}{after}{phone}"
    try:
        parser[1](typed)
    except LedgerError as exc:
        _quotes_none(str(exc), card[0], *(["13800138000"] if phone else []))


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(card=cards_as_typed(), before=beside, after=beside)
def test_a_card_typed_as_a_count_never_reaches_stderr(
    card: tuple[str, str], before: str, after: str
) -> None:
    runner = CliRunner(env={"LEDGER_STORE": "/nonexistent/none.db", "LEDGER_ACTOR": None})
    typed = f"{before}{card[1]}{after}"

    result = runner.invoke(app, ["--as", "admin", "helper", "add", "u-1", "--team-size", typed])

    assert result.exit_code == 2, result.output
    _quotes_none(result.stderr, card[0])


@pytest.mark.parametrize(
    "line",
    [f"report {CARD}", f"household '{APART}'", f"history JH-0001 {CARD}", f"log --{CARD}"],
    ids=["command", "subcommand", "extra argument", "option"],
)
def test_a_usage_error_quotes_no_id_card(fupin: Fupin, line: str) -> None:
    """click's own errors (no such command, an extra argument), not the ledger's refusals."""
    result = fupin(line, "admin")

    assert result.exit_code == 2, result.output
    said = re.sub(r"[│\s]+", " ", result.stderr)  # one text of rich's error box
    assert "the command line holds an ID-card number, not quoted" in said
    _quotes_none(result.output, CARD)


def test_a_long_cell_is_not_cut_inside_an_id_card_it_quotes() -> None:
    """A refusal quotes a long text's first 60 characters: never the first digits of an ID
    card that runs past them (its region and birth date), which alone no check reads."""
    typed = "备注" * 24 + CARD

    with pytest.raises(LedgerError) as refused:
        parse_date(typed, "effective")

    assert str(refused.value).startswith("effective: holds an ID-card number, not quoted")
    assert CARD[:6] not in str(refused.value)
