"""The command table 命令表: every application command an import row or an export line may name.

One entry per command: its arguments (English name, Chinese header 中文表头, kind, required or
default) and how to call the ``Ledger`` with parsed values. ``fupin import`` (JSONL, CSV, XLSX)
and ``fupin export events`` share it, so an exported log re-imports to the same history.

Values are parsed from what a file holds — JSON values or spreadsheet cells — into domain
values; every bad value is an ``InputError(argument, rule)``, never an exception of another kind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ledger.casework import Identification
from ledger.core import Stamp
from ledger.errors import InputError, RequiredError
from ledger.funds import (
    ALLOCATION_SIGN,
    FUND_SOURCES,
    FUND_USES,
    PAYMENT_SIGN,
    PURPOSE_WORDS,
    PURPOSES,
    SOURCE_WORDS,
    USE_WORDS,
    Disbursement,
    parse_purpose,
    parse_source,
    parse_use,
)
from ledger.helpers import HELPER_KINDS, KIND_WORDS, parse_kind
from ledger.household import (
    RETURN_STEP_WORDS,
    RETURN_STEPS,
    Personal,
    parse_closure_reason,
    parse_return_step,
)
from ledger.inspections import LEVEL_WORDS, LEVELS, parse_level
from ledger.programme import AMENDABLE_RULES, ProgrammeRules, YearParameters
from ledger.values import (
    CATEGORY_WORDS,
    MAX_FEN,
    MEASURE_CATEGORIES,
    check_text,
    check_whole_number,
    named,
    parse_area,
    parse_category,
    parse_cell_date,
    parse_date,
    parse_shares,
    parse_whole_number,
    parse_yuan,
)

__all__ = [
    "COMMANDS",
    "PROVENANCE",
    "Arg",
    "CommandSpec",
    "coded_as_recorded",
    "date_number_hint",
    "parse_value",
    "trimmed_keys",
    "yes_no_word",
]

_TRUE = frozenset({"true", "yes", "y", "1", "是", "对"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "不"})
#: What a category column takes, as the template's 说明 sheet says (since session 24).
_IN_EITHER = "; in English or Chinese, recorded in English"
_MEASURE_CATEGORY = f"one of {named(MEASURE_CATEGORIES, CATEGORY_WORDS)}{_IN_EITHER}"
_PURPOSE = f"one of {named(PURPOSES, PURPOSE_WORDS)}{_IN_EITHER}"
#: What a source, a helper's kind and an inspection's level column take (since session 26).
_SOURCE = f"one of {named(FUND_SOURCES, SOURCE_WORDS)}{_IN_EITHER}"
_HELPER_KIND = f"one of {named(HELPER_KINDS, KIND_WORDS)}{_IN_EITHER}"
_LEVEL = f"one of {named(LEVELS, LEVEL_WORDS)}{_IN_EITHER}"
#: What a return's step column takes, in the seed's words [六(六)] (since session 27).
_RETURN_STEP = f"one of {named(RETURN_STEPS, RETURN_STEP_WORDS)}{_IN_EITHER}"
_PAYMENT_CATEGORY = (
    f"one of {named(FUND_USES, USE_WORDS)}{_IN_EITHER}; a household payment's is its measure's"
)


@dataclass(frozen=True)
class Arg:
    """One argument of a command: its name, Chinese header, kind and default."""

    name: str
    zh: str
    kind: str = "text"  # text, int, bool, date, yuan, names
    required: bool = True
    default: Any = None
    help: str = ""
    #: A key officers type (a household number, a street...): read as typed, spaces and all,
    #: so the ledger refuses what the command line refuses (``parse_value``).
    key: bool = False
    #: An amount's: what the refusal of a negative one advises (``parse_yuan``).
    negative: str = ""
    #: A coded value's reader (``parse_use``, ``parse_level``…): the name it records, which a
    #: row's mark is of (``coded_as_recorded``; since session 34), or an ``InputError``.
    coded: Callable[[str, str], str] | None = None


@dataclass(frozen=True)
class CommandSpec:
    """A command officers may import: its Chinese name, arguments and application call."""

    name: str
    zh: str
    args: tuple[Arg, ...]
    #: The application call; what it returns, text, is what the row did besides, said after
    #: the import (a household's exit it leaves resting on other facts: since session 30).
    call: Callable[[Any, Stamp, dict[str, Any]], object]
    #: Chinese names it had, still read where a file, a sheet or a command cell names it (since
    #: the session 27 re-test, tester H: one term per action, its event's in docs/events.md).
    was: tuple[str, ...] = ()


#: Why a move to another street is refused: ``household move --street`` and, since the session
#: 25 re-test, an import ``move`` row with a ``street`` column (``REFUSED_COLUMNS``).
MOVE_STREET_RULE = (
    "a household's street decides which street office answers for it and its 2:3:5 targets: "
    "a move to another street is not recordable yet; household move is to another village of "
    "its own street. One that moves to another street is closed here as moved away 迁出 (its "
    "reason naming the street), and identified there under a number of that street"
)

#: Columns an import row of a command is refused naming the rule, not as an unknown column:
#: an argument the command line refuses the same way (a move's ``street``).
REFUSED_COLUMNS: dict[str, dict[str, str]] = {
    "move": {"street": MOVE_STREET_RULE, "街道": MOVE_STREET_RULE},
}


#: The provenance columns every row carries (ref is the row's unique reference 编号).
PROVENANCE = (
    Arg(
        "ref",
        "编号",
        help="unique reference of the row: the same row imported again is skipped; a ref "
        "already imported for another row is refused",
    ),
    Arg("actor", "记录人", required=False, default="", help="officer id; default: --as"),
    Arg("effective", "生效日期", "date", help="date it took effect, YYYY-MM-DD"),
    Arg("document", "文件", help="source document number"),
    Arg("note", "备注", required=False, default=""),
)


def parse_value(arg: Arg, value: Any, *, cells: bool = True) -> Any:
    """The domain value of ``value`` (a spreadsheet cell, or a JSON value if not ``cells``)
    for ``arg``."""
    blank = isinstance(value, str) and not value.strip()
    if value is None or (blank and (arg.kind != "text" or arg.required)):
        # Blank required text is missing too, from JSONL as from an empty cell.
        if arg.required:
            raise InputError(arg.name, "is required")
        return arg.default
    if arg.key and isinstance(value, str):
        # Not trimmed: `` 江南`` is refused by the ledger as on the command line (a new key
        # holds no space; one looked up is not found, with a hint). Before 2026-11-29 an
        # import trimmed it and recorded ``江南``.
        check_text(arg.name, value)
        return value
    if arg.kind == "yuan":
        return _yuan(arg.name, value, arg.negative, cells=cells)
    if arg.kind == "date":
        return _date(arg.name, value, cells=cells)
    if arg.kind == "int":
        return _int(arg.name, value, cells=cells)
    parser = _PARSERS[arg.kind]
    return parser(arg.name, value)


def parse_measure_category(value: str, field: str = "category") -> str:
    """A measure's category as it records it, as ``Ledger.plan_measure`` reads it."""
    return parse_category(value, field=field)


def coded_as_recorded(args: dict[str, Any], spec: CommandSpec) -> dict[str, Any]:
    """``args`` with each coded value (``Arg.coded``) as the name it records: ``产业``,
    `` Industry `` and ``industry`` are one category, so a row's mark
    (``ledger.imports.row_mark``) is the same whichever a copy of the file says (since session
    34, tester c: the district's copy of a 台账 saying ``industry`` where the street's said
    ``产业`` was refused as "imported before for another row"). A value no name is kept as
    typed: the command refuses it."""
    found = dict(args)
    for arg in spec.args:
        value = found.get(arg.name)
        if arg.coded is not None and isinstance(value, str):
            with suppress(InputError):  # refused by the command, saying why
                found[arg.name] = arg.coded(value, arg.name)
    return found


def trimmed_keys(args: dict[str, Any], spec: CommandSpec) -> dict[str, Any]:
    """``args`` with its keys trimmed, as an import read them before 2026-11-29: a row's
    mark (``ledger.imports.row_mark``) is of these, so a file imported then is still
    skipped as imported when it is imported again."""
    keys = {a.name for a in spec.args if a.key}
    return {k: v.strip() if k in keys and isinstance(v, str) else v for k, v in args.items()}


def _text(field: str, value: Any) -> str:
    if isinstance(value, float):
        # A spreadsheet cell formatted "General" turns a long number (an ID card, a phone)
        # into a float that has lost digits: only the cell's format can keep it whole.
        raise InputError(
            field,
            "is a number in the spreadsheet, not text: format the column as text (文本) "
            "and type it again (a long number such as an ID card loses its last digits)",
        )
    if isinstance(value, int) and not isinstance(value, bool):
        # A whole number lost its leading zeros (a landline 07503123456, a household 0001
        # typed as 1) before it was read: refused, not read as text, since session 14.
        raise InputError(
            field,
            "is a number in the spreadsheet, not text: format the column as text (文本) "
            "and type it again (a number such as a phone or 0001 loses its leading zeros)",
        )
    if not isinstance(value, str):
        raise InputError(field, f"expects text, not {_kind_of(value)}")
    check_text(field, value)
    return value.strip()


def _kind_of(value: Any) -> str:
    """What a value that is not text is, in the user's words."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, date | datetime):
        return "a date cell: format the column as text (文本) and type it again"
    if isinstance(value, time):
        return "a time cell: format the column as text (文本) and type it again"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a JSON object"
    return "a value of another kind"


def _int(field: str, value: Any, *, cells: bool = True) -> int:
    """A whole number: text as typed (``parse_whole_number``: blanks around ASCII digits), a
    JSON integer, or a spreadsheet's numeric cell (``cells``) holding a whole value (3.0); a
    JSON number written with a fraction or an exponent (``2.018e3``) is refused, as the same
    text is (since session 25), and so is a cell of another kind, saying what it holds."""
    if isinstance(value, float) and not isinstance(value, bool):
        if not cells:
            shown = repr(value) if math.isfinite(value) else str(value)
            raise InputError(
                field,
                f"is a JSON number written with a fraction or an exponent (read as {shown}), "
                "not a whole number: write it in digits only (2018)",
            )
        if not (math.isfinite(value) and value.is_integer()):
            raise InputError(
                field, f"expects a whole number, not {value!r}: the cell holds a fraction"
            )
        value = int(value)
    if isinstance(value, str):
        return parse_whole_number(value, field)
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "a date cell" if isinstance(value, date | datetime | time) else _kind_of(value)
        raise InputError(field, f"expects a whole number, not {kind}")
    check_whole_number(field, value)
    return value


def yes_no_word(text: str) -> bool | None:
    """What a yes/no column reads ``text`` typed in it as (是 yes, 否 no), or None if it
    takes no such text."""
    word = text.strip().lower()
    return True if word in _TRUE else False if word in _FALSE else None


def _bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise InputError(field, "expects true/false (是/否)")


def _date(field: str, value: Any, *, cells: bool = True) -> date:
    """A date cell, or text: in a spreadsheet's cells (``cells``) ISO 8601 or ``2018/3/5``
    (``parse_cell_date``), in JSONL ISO 8601 only. A number in a cell is refused saying so:
    a date serial (43458) in a column formatted General, not as a date (since session 23)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if cells and isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value) if isinstance(value, float) and value.is_integer() else value
        raise InputError(
            field, f"holds the number {number}, not a date: {date_number_hint(number)}"
        )
    if not isinstance(value, str):
        raise InputError(field, "expects a date YYYY-MM-DD")
    return parse_cell_date(value, field) if cells else parse_date(value, field)


def date_number_hint(number: float) -> str:
    """What to do with a date cell that holds ``number``: a date serial (43458) shows as a date
    once its column is formatted as one; a date typed as digits (``20160901``, ``2016.0901``)
    does not (since session 34, tester c: told to format the column as a date, Excel showed
    ######## for 20160901, a day count past its last date), and is typed again as a date."""
    digits = _DIGITS_DATE.fullmatch(str(number))
    if digits is not None:
        with suppress(ValueError):
            day = date(int(digits[1]), int(digits[2]), int(digits[3])).isoformat()
            return (
                f"type it as {day} (as text, or in a date cell): formatted as a date, the "
                "number is read as a count of days, not as this day"
            )
    if number > _LAST_SERIAL or number < 1:
        return "type the date as YYYY-MM-DD: no date cell holds this number"
    return "format the column as a date (日期)"


#: A date typed as a number's digits: ``20160901``, ``2016.0901``.
_DIGITS_DATE = re.compile(r"(\d{4})\.?(\d{2})(\d{2})", re.ASCII)
#: Excel's last date serial, 9999-12-31.
_LAST_SERIAL = 2_958_465


def _yuan(field: str, value: Any, negative: str = "", *, cells: bool = True) -> int:
    """Yuan as text (``1234.56``), a whole number of yuan, or a number: a spreadsheet cell's,
    or a JSON one's if not ``cells``; ``negative`` as ``parse_yuan`` takes it."""
    if isinstance(value, bool):
        raise InputError(field, "expects an amount in yuan")
    if isinstance(value, int):
        # refused as typed text is (too large, negative)
        return parse_yuan(str(value), field, negative)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(field, "is not a finite amount")
        if value < 0:  # -5.5: refused as typed text is, saying amounts are never negative
            return parse_yuan(repr(value), field, negative)
        # -0.0 (a JSON writer's, or a formula's) is 0, refused or taken as 0 is (since
        # session 22: it was "not an amount in yuan with at most 2 decimals", and a payment
        # of 0 is told that a disbursement is a positive amount).
        value = abs(value)
        if value * 100 > MAX_FEN:  # a cell of 5e+16: too large, as the same text is
            raise InputError(field, f"{value!r} exceeds the largest amount the ledger accepts")
        value = repr(value)  # the shortest exact decimal of the cell, e.g. 1234.5
        if not _MONEY_TEXT.fullmatch(value):
            hint = "" if "e" in value or "-" in value else _too_fine(value, cells=cells)
            raise InputError(
                field, f"{value} is not an amount in yuan with at most 2 decimals{hint}"
            )
    if isinstance(value, date | datetime | time):
        # an amount typed into a cell formatted as a date or a time (a pasted format: 1200.5
        # shows as 1903/4/14); since session 37, session 36's tester i F12: a bare "expects an
        # amount in yuan"
        shown = value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
        raise InputError(
            field,
            f"expects an amount in yuan, not a date cell (the cell is formatted as a date or "
            f"time, and reads as {shown}): format the column 常规 or 数值 (General or Number) "
            "and check the amount",
        )
    if not isinstance(value, str):
        raise InputError(field, "expects an amount in yuan")
    return parse_yuan(value, field, negative)


def _too_fine(value: str, *, cells: bool = True) -> str:
    """Why a spreadsheet number (``repr``) with more than 2 decimals is no amount: a formula's
    result (binary leftovers, 1234.5600000000002, or a long fraction) is to be rounded; a
    number typed with 3 or more decimals (1234.565) is typed finer than a fen (since session
    21, before which it too was told to use ROUND). A JSON number (not ``cells``) has no
    formula: one with leftovers (0.1 + 0.2 written as 0.30000000000000004) is rounded where
    the file is written, or written as text (since session 22)."""
    decimals = len(value.split(".", 1)[1])
    leftover = abs(Decimal(value) - round(Decimal(value), 2)) < Decimal("0.000001")
    if (leftover or decimals >= 10) and cells:
        return ": round the cell's formula with ROUND(…, 2)"
    fine = f": it has {decimals} decimals, and amounts are to the fen (0.01 yuan)"
    if leftover and not cells:
        rounded = round(Decimal(value), 2)
        return (
            f"{fine}; a sum of binary floats leaves such digits: round the amount to 2 "
            f'decimals where the file is written, or write it as text ("{rounded}")'
        )
    return fine


#: What ``repr`` of a spreadsheet number that is an amount looks like: at most 2 decimals.
_MONEY_TEXT = re.compile(r"\d+(\.\d{1,2})?", re.ASCII)


def _names(field: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(_text(field, v) for v in value)
    text = _text(field, value)
    for separator in "、;；,，":
        text = text.replace(separator, "、")
    # A blank name between separators (``甲, ,乙``) is kept: the ledger refuses it as it
    # refuses a blank --member-name ("the name of member 2 of 3 is blank"); before 2026-11-29
    # an import dropped it. One separator at the end (``甲、乙、``) ends the list, as in a
    # written one.
    parts = text.split("、")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()
    return tuple(part.strip() for part in parts)


def _area(field: str, value: Any) -> str:
    """``rural`` or ``urban``, or 农村, 城镇 or 城市 (``parse_area``; since session 23)."""
    return parse_area(_text(field, value), field)


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "text": _text,
    "area": _area,
    "int": _int,
    "bool": _bool,
    "date": _date,
    "yuan": _yuan,
    "names": _names,
}


#: Arguments that name a key officers type (``Arg.key``).
_KEYS = frozenset(
    {
        "household", "helper", "account", "officer", "street", "village", "inspection",
        "measure", "objection", "finding", "enterprise", "replacement", "key",
    }
)  # fmt: skip


def _unsaid(_returned: object) -> None:
    """Nothing said after the import of a row whose call returns what the command line prints
    (a street's or a village's name as recorded, the village a household moved from): an
    import says after its count only what a row did besides (``CommandSpec.call``; since
    session 34, tester c: a bare ``FILE line 2: 白石`` followed every village row, and a move
    row named the village the household left as if it stood there)."""


def _a(name: str, zh: str, kind: str = "text", default: Any = None, **kw: Any) -> Arg:
    kw.setdefault("key", name in _KEYS and kind == "text")
    return Arg(name, zh, kind, required=default is None, default=default, **kw)


def _identify(app: Any, s: Stamp, a: dict[str, Any]) -> None:
    personal = Personal(
        a["head_name"], a["id_card"].upper(), a["phone"], a["address"], a["member_names"]
    )
    facts = Identification(
        a["household"], a["street"], a["village"], a["area"], a["members"], a["labour"],
        a["willing"], a["disabled"], a["dibao"], personal,
    )  # fmt: skip
    app.identify(s, facts)


#: What a ``change_members`` row's head and ID card need (since session 24).
_UNLESS_ERASED = (
    "required, unless the household's personal data was erased: then leave every personal "
    "cell blank to record its count of members alone"
)
#: What a ``change_members`` row giving personal data for an erased household is told.
_COUNT_ALONE_ROW = (
    ": no personal data is recorded for it again; its count of members alone is a "
    "change_members row with head_name, id_card, phone, address and member_names left blank "
    "(empty cells; null or left out in JSONL)"
)


def _change_members(app: Any, s: Stamp, a: dict[str, Any]) -> str:
    """``household members`` as a row: the whole new personal record, or, with every personal
    cell blank (empty cells; null or left out in JSONL), the count alone for a household whose
    personal data was erased, as the command line records it (since session 24: such a row was
    refused as ``head_name: is required``, and one giving them with the command line's
    advice). For any other household the head and ID card are required, as before."""
    number = a["household"]
    # A lowercase check letter is read as the command line reads it (x -> X).
    personal = Personal(
        a["head_name"], a["id_card"].upper(), a["phone"], a["address"], a["member_names"]
    )
    if app.check_members_change(s, number, personal=False):
        if any(asdict(personal).values()):
            app.household(number).check_not_erased(_COUNT_ALONE_ROW)
        return str(app.change_members(s, number, a["members"], None)[2])
    missing = tuple(field for field in ("head_name", "id_card") if not a[field])
    if missing:
        raise RequiredError(missing)
    return str(app.change_members(s, number, a["members"], personal)[2])


def _open_programme(app: Any, s: Stamp, a: dict[str, Any]) -> None:
    parsed = parse_shares(a["reduction_shares"])
    values = {k: v for k, v in a.items() if k not in ("title", "reduction_shares")}
    app.open_programme(s, a["title"], ProgrammeRules(reduction_shares=parsed, **values))


def _amend_rules(app: Any, s: Stamp, a: dict[str, Any]) -> None:
    """``programme amend`` (since session 22): the rules given (a blank cell leaves one)."""
    changes = {f: a[f] for f in AMENDABLE_RULES if a[f] is not None and a[f] != ""}
    if "reduction_shares" in changes:
        changes["reduction_shares"] = parse_shares(str(changes["reduction_shares"]))
    app.amend_rules(s, changes, a["reason"])


def _disburse(app: Any, s: Stamp, a: dict[str, Any]) -> None:
    payment = Disbursement(
        a["amount"], a["category"], a["purpose"], a["household"], a["measure"],
        a["street"], a["village"],
    )  # fmt: skip
    app.disburse(s, a["account"], payment)


#: The fields an amendment 更正登记 may restate, each optional: a blank cell or a missing key
#: leaves the field as it is (``Household.AMENDABLE``, ``Helper.AMENDABLE``).
_AMENDABLE = (
    Arg("village", "村（社区）", required=False),  # as identify's (tester G, session 20)
    Arg("area", "城乡", "area", required=False),
    Arg("labour", "有劳动能力", "bool", required=False),
    Arg("willing", "有意愿", "bool", required=False),
    Arg("disabled", "残疾", "bool", required=False),
    Arg("key_target", "重点帮扶对象", "bool", required=False),
    Arg("name", "名称", required=False),
    Arg("unit", "单位", required=False),
    Arg("rank", "职级", required=False),
    Arg("team_size", "队员人数", "int", required=False),
    Arg("year", "年度", "int", required=False),
    Arg("street", "街道", required=False),
    Arg("scope", "范围", required=False),
    # an account's (since session 22)
    Arg("source", "来源", required=False, help=_SOURCE, coded=parse_source),
    Arg("donor", "捐赠方", required=False),
)


def _amend(app: Any, s: Stamp, a: dict[str, Any]) -> None:
    fields = (arg.name for arg in _AMENDABLE)
    changes = {f: a[f] for f in fields if a[f] is not None and a[f] != ""}
    app.amend(s, a["kind"], a["key"], changes, a["reason"])


_D = ProgrammeRules()
_HOUSEHOLD = _a("household", "户号")

_SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "initialise",
        "初始化",
        (_a("name", "姓名"),),
        lambda app, s, a: app.initialise(s.actor, a["name"], s.document, s.effective),
    ),
    CommandSpec(
        "open_programme",
        "启动方案",
        (
            _a("title", "方案名称"),
            _a("reduction_shares", "减贫比例", default="2:3:5"),
            *(
                _a(f, f, "int", default=getattr(_D, f))
                for f in (
                    "first_year",
                    "last_year",
                    "per_person_min_fen",
                    "city_share",
                    "local_share",
                    "district_share",
                    "street_share",
                    "local_yearly_min_fen",
                    "urban_exit_percent",
                    "rural_exit_percent",
                    "notice_min_days",
                    "max_cadres_per_household",
                    "volunteer_team_min_size",
                )
            ),
        ),
        _open_programme,
    ),
    CommandSpec(
        "set_year",
        "年度参数",
        (
            _a("year", "年度", "int"),
            _a("urban_dibao", "城镇低保标准", "yuan"),
            _a("rural_income", "农村人均可支配收入", "yuan"),
        ),
        lambda app, s, a: app.set_year(
            s, YearParameters(a["year"], a["urban_dibao"], a["rural_income"])
        ),
    ),
    CommandSpec(  # since session 22
        "amend_rules",
        "更正方案规则",
        (
            Arg("reduction_shares", "减贫比例", required=False),
            *(Arg(f, f, "int", required=False) for f in AMENDABLE_RULES if f != "reduction_shares"),
            _a("reason", "原因"),
        ),
        _amend_rules,
    ),
    CommandSpec(
        "register_street",
        "登记街道",
        (_a("street", "街道"),),
        lambda app, s, a: _unsaid(app.register_street(s, a["street"])),
    ),
    CommandSpec(
        "add_village",
        "村（社区）登记",
        (
            _a("street", "街道"),
            _a("village", "村（社区）"),
            _a("relatively_poor", "相对贫困村", "bool", default=False),
        ),
        lambda app, s, a: _unsaid(
            app.add_village(s, a["street"], a["village"], a["relatively_poor"])
        ),
        was=("增加村居",),
    ),
    CommandSpec(  # since session 22
        "amend_village",
        "村（社区）更正",
        (
            _a("street", "街道"),
            _a("village", "村（社区）"),
            _a("relatively_poor", "相对贫困村", "bool"),
            _a("reason", "原因"),
        ),
        lambda app, s, a: app.amend_village(
            s, a["street"], a["village"], a["relatively_poor"], a["reason"]
        ),
        was=("更正村居",),
    ),
    CommandSpec(
        "register_officer",
        "登记人员",
        (
            _a("officer", "人员编号"),
            _a("name", "姓名"),
            _a("role", "角色"),
            _a("street", "街道", default=""),
            _a("unit", "单位", default=""),
        ),
        lambda app, s, a: app.register_officer(
            s, a["officer"], a["name"], a["role"], a["street"], a["unit"]
        ),
    ),
    CommandSpec(
        "change_officer",
        "调整人员",
        (
            _a("officer", "人员编号"),
            _a("role", "角色"),
            _a("street", "街道", default=""),
        ),
        lambda app, s, a: app.change_officer(s, a["officer"], a["role"], a["street"]),
    ),
    CommandSpec(
        "retire_officer",
        "人员离任",
        (_a("officer", "人员编号"), _a("reason", "原因")),
        lambda app, s, a: app.retire_officer(s, a["officer"], a["reason"]),
    ),
    CommandSpec(
        "register_helper",
        "登记帮扶责任人",
        (
            _a("helper", "帮扶人编号"),
            _a("kind", "类型", help=_HELPER_KIND, coded=parse_kind),
            _a("name", "名称"),
            _a("unit", "单位", default=""),
            _a("rank", "职级", default=""),
            _a("team_size", "队员人数", "int", default=0),
        ),
        lambda app, s, a: app.register_helper(
            s, a["helper"], a["kind"], a["name"], a["unit"], a["rank"], a["team_size"]
        ),
    ),
    CommandSpec(
        "identify",
        "识别",
        (
            _HOUSEHOLD,
            _a("street", "街道"),
            _a("village", "村（社区）"),
            _a("area", "城乡", "area"),
            _a("members", "人口", "int"),
            _a("labour", "有劳动能力", "bool"),
            _a("willing", "有意愿", "bool"),
            _a("disabled", "残疾", "bool", default=False),
            _a("dibao", "低保", "bool", default=True),
            _a("head_name", "户主姓名"),
            _a("id_card", "身份证号"),
            _a("phone", "电话", default=""),
            _a("address", "地址", default=""),
            _a("member_names", "家庭成员", "names", default=()),
        ),
        _identify,
    ),
    CommandSpec(  # since session 25: a move to another village of its street
        "move",
        "迁移",
        (_HOUSEHOLD, _a("village", "村（社区）"), _a("reason", "原因")),
        lambda app, s, a: _unsaid(app.move(s, a["household"], a["village"], a["reason"])),
    ),
    CommandSpec(
        "change_members",
        "人口变更",
        (
            _HOUSEHOLD,
            _a("members", "人口", "int"),
            _a("head_name", "户主姓名", default="", help=_UNLESS_ERASED),
            _a("id_card", "身份证号", default="", help=_UNLESS_ERASED),
            _a("phone", "电话", default=""),
            _a("address", "地址", default=""),
            _a("member_names", "家庭成员", "names", default=()),
        ),
        _change_members,
    ),
    # A household's record closed 注销 (since session 25), as ``fupin household close``.
    CommandSpec(
        "close",
        "注销",
        (
            _HOUSEHOLD,
            _a(
                "because",
                "注销原因",
                help="merged 合户, died-out 全户死亡, moved-away 迁出, "
                "duplicate 重复识别 or in-error 识别错误",
                coded=parse_closure_reason,
            ),
            _a("into", "并入户", default="", help="the household it went into (merged, duplicate)"),
            _a("reason", "原因"),
        ),
        lambda app, s, a: app.close_household(
            s, a["household"], a["because"], a["into"], a["reason"]
        ),
    ),
    CommandSpec(
        "review",
        "村评议",
        (_HOUSEHOLD, _a("accepted", "通过", "bool")),
        lambda app, s, a: app.review(s, a["household"], a["accepted"]),
    ),
    CommandSpec(
        "post_notice",
        "张榜公示",
        (_HOUSEHOLD, _a("start", "公示开始", "date"), _a("end", "公示结束", "date")),
        lambda app, s, a: app.post_notice(s, a["household"], a["start"], a["end"]),
    ),
    CommandSpec(
        "raise_objection",
        "提出异议",
        (_HOUSEHOLD, _a("objection", "异议编号"), _a("summary", "摘要", default="")),
        lambda app, s, a: app.raise_objection(s, a["household"], a["objection"], a["summary"]),
    ),
    CommandSpec(
        "resolve_objection",
        "处理异议",
        (_HOUSEHOLD, _a("objection", "异议编号"), _a("upheld", "成立", "bool")),
        lambda app, s, a: app.resolve_objection(s, a["household"], a["objection"], a["upheld"]),
    ),
    CommandSpec("sign", "签字确认", (_HOUSEHOLD,), lambda app, s, a: app.sign(s, a["household"])),
    CommandSpec(
        "register",
        "建档立卡",
        (_HOUSEHOLD, _a("key_target", "重点帮扶对象", "bool")),
        lambda app, s, a: app.register(s, a["household"], a["key_target"]),
    ),
    CommandSpec(
        "pair",
        "结对帮扶",
        (_HOUSEHOLD, _a("helper", "帮扶人编号")),
        lambda app, s, a: app.pair(s, a["household"], a["helper"]),
    ),
    CommandSpec(
        "unpair",
        "解除结对",
        (
            _HOUSEHOLD,
            _a("helper", "帮扶人编号"),
            _a("reason", "原因"),
            _a("replacement", "接替人", default=""),
        ),
        lambda app, s, a: app.unpair(s, a["household"], a["helper"], a["reason"], a["replacement"]),
    ),
    CommandSpec(
        "sign_agreement",
        "签订扶贫协议",
        (_HOUSEHOLD,),
        lambda app, s, a: app.sign_agreement(s, a["household"]),
    ),
    CommandSpec(
        "record_visit",
        "走访",
        (_HOUSEHOLD, _a("helper", "帮扶人编号"), _a("summary", "摘要", default="")),
        lambda app, s, a: app.record_visit(s, a["household"], a["helper"], a["summary"]),
    ),
    CommandSpec(
        "plan_measure",
        "帮扶措施",
        (
            _HOUSEHOLD,
            _a("measure", "措施编号"),
            _a("category", "类别", help=_MEASURE_CATEGORY, coded=parse_measure_category),
            _a("description", "内容", default=""),
            _a("budget", "预算", "yuan", default=0),
        ),
        lambda app, s, a: app.plan_measure(
            s, a["household"], a["measure"], a["category"], a["description"], a["budget"]
        ),
    ),
    CommandSpec(
        "complete_measure",
        "措施完成",
        (_HOUSEHOLD, _a("measure", "措施编号"), _a("outcome", "成效", default="")),
        lambda app, s, a: app.complete_measure(s, a["household"], a["measure"], a["outcome"]),
    ),
    CommandSpec(
        "assess_income",
        "收入核查",
        (_HOUSEHOLD, _a("year", "年度", "int"), _a("income", "人均可支配收入", "yuan")),
        lambda app, s, a: app.assess_income(s, a["household"], a["year"], a["income"])[2],
    ),
    CommandSpec(
        "propose_exit",
        "拟退出",
        (_HOUSEHOLD, _a("year", "年度", "int")),
        lambda app, s, a: app.propose_exit(s, a["household"], a["year"]),
    ),
    CommandSpec(
        "verify_exit",
        "退出核实",
        (_HOUSEHOLD,),
        lambda app, s, a: app.verify_exit(s, a["household"]),
    ),
    CommandSpec(
        "withdraw_exit",
        "撤回退出",
        (_HOUSEHOLD, _a("reason", "原因")),
        lambda app, s, a: app.withdraw_exit(s, a["household"], a["reason"]),
    ),
    CommandSpec(
        "post_exit_notice",
        "退出公示",
        (_HOUSEHOLD, _a("start", "公示开始", "date"), _a("end", "公示结束", "date")),
        lambda app, s, a: app.post_exit_notice(s, a["household"], a["start"], a["end"]),
    ),
    CommandSpec(
        "approve_exit",
        "退出帮扶",
        (_HOUSEHOLD,),
        lambda app, s, a: app.approve_exit(s, a["household"]),
        was=("批准退出",),
    ),
    CommandSpec(
        "advance_return",
        "返贫",
        (
            _HOUSEHOLD,
            _a("step", "步骤", help=_RETURN_STEP, coded=parse_return_step),
            _a("disaster", "灾害", default=""),
            _a("authority", "认定部门", default=""),
        ),
        lambda app, s, a: app.advance_return(
            s, a["household"], a["step"], a["disaster"], a["authority"]
        ),
    ),
    CommandSpec(
        "withdraw_return",
        "撤回返贫",
        (_HOUSEHOLD, _a("reason", "原因")),
        lambda app, s, a: app.withdraw_return(s, a["household"], a["reason"]),
    ),
    CommandSpec(
        "open_account",
        "开设资金账户",
        (
            _a("account", "账户"),
            _a("source", "来源", help=_SOURCE, coded=parse_source),
            _a("year", "年度", "int"),
            _a("street", "街道", default=""),
            _a("donor", "捐赠方", default=""),
        ),
        lambda app, s, a: app.open_account(
            s, a["account"], a["source"], a["year"], a["street"], a["donor"]
        ),
    ),
    CommandSpec(
        "receive_allocation",
        "拨付到账",
        (_a("account", "账户"), _a("amount", "金额", "yuan", negative=ALLOCATION_SIGN)),
        lambda app, s, a: app.receive_allocation(s, a["account"], a["amount"]),
        was=("资金到账",),
    ),
    CommandSpec(
        "disburse",
        "资金支出",
        (
            _a("account", "账户"),
            _a("amount", "金额", "yuan", negative=PAYMENT_SIGN),
            _a("category", "类别", help=_PAYMENT_CATEGORY, coded=parse_use),
            _a("purpose", "用途", help=_PURPOSE, coded=parse_purpose),
            _a("household", "户号", default=""),
            _a("measure", "措施编号", default=""),
            _a("street", "街道", default=""),
            _a("village", "村（社区）", default=""),
        ),
        _disburse,
    ),
    CommandSpec(
        "employ_worker",
        "企业用工",
        (_a("enterprise", "企业"), _HOUSEHOLD, _a("since", "起始日期", "date")),
        lambda app, s, a: app.employ_worker(s, a["enterprise"], a["household"], a["since"]),
    ),
    CommandSpec(
        "end_employment",
        "用工结束",
        (_a("enterprise", "企业"), _HOUSEHOLD),
        lambda app, s, a: app.end_employment(s, a["enterprise"], a["household"]),
    ),
    CommandSpec(
        "open_inspection",
        "开展督查",
        (
            _a("inspection", "督查编号"),
            _a("level", "层级", help=_LEVEL, coded=parse_level),
            _a("year", "年度", "int"),
            _a("street", "街道", default=""),
            _a("scope", "范围", default=""),
        ),
        lambda app, s, a: app.open_inspection(
            s, a["inspection"], a["level"], a["year"], a["street"], a["scope"]
        ),
    ),
    CommandSpec(
        "record_finding",
        "督查发现",
        (
            _a("inspection", "督查编号"),
            _a("finding", "问题编号"),
            _a("subject_kind", "对象类型"),
            _a("subject", "对象"),
            _a("description", "问题描述", default=""),
            _a("deadline", "整改期限", "date"),
        ),
        lambda app, s, a: app.record_finding(
            s,
            a["inspection"],
            a["finding"],
            a["subject_kind"],
            a["subject"],
            a["description"],
            a["deadline"],
        ),
    ),
    CommandSpec(
        "report_rectification",
        "整改报告",
        (
            _a("inspection", "督查编号"),
            _a("finding", "问题编号"),
            _a("summary", "摘要", default=""),
        ),
        lambda app, s, a: app.report_rectification(s, a["inspection"], a["finding"], a["summary"]),
    ),
    CommandSpec(
        "close_finding",
        "问题销号",
        (_a("inspection", "督查编号"), _a("finding", "问题编号")),
        lambda app, s, a: app.close_finding(s, a["inspection"], a["finding"]),
        was=("销号",),
    ),
    CommandSpec(
        "notice_criticism",
        "通报",
        (_a("inspection", "督查编号"), _a("unit", "单位"), _a("reason", "原因", default="")),
        lambda app, s, a: app.notice_criticism(s, a["inspection"], a["unit"], a["reason"]),
    ),
    CommandSpec(
        "hold_talk",
        "约谈",
        (
            _a("inspection", "督查编号"),
            _a("street", "街道"),
            _a("year", "年度", "int"),
            _a("reason", "原因", default=""),
        ),
        lambda app, s, a: app.hold_talk(s, a["inspection"], a["street"], a["year"], a["reason"]),
    ),
    CommandSpec(
        "correct",
        "更正",
        (
            _a("kind", "类型"),
            _a("key", "对象编号"),
            _a("version", "版本", "int"),
            _a("reason", "原因"),
        ),
        lambda app, s, a: app.correct(s, a["kind"], a["key"], a["version"], a["reason"]),
    ),
    CommandSpec(
        "amend",
        "更正登记事项",
        (_a("kind", "类型"), _a("key", "对象编号"), *_AMENDABLE, _a("reason", "原因")),
        _amend,
        was=("更正登记",),
    ),
)

#: Commands by English name and by Chinese name (and by a Chinese name they had, ``was``).
COMMANDS: dict[str, CommandSpec] = (
    {spec.name: spec for spec in _SPECS}
    | {spec.zh: spec for spec in _SPECS}
    | {old: spec for spec in _SPECS for old in spec.was}
)
