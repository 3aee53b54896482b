"""What an XLSX cell's number format shows of the value it holds (``fupin import``).

openpyxl reads the value a cell holds, not what its number format shows: 5 shown 5.00万元
(``shown_otherwise``), a date shown 2018年12月 (``hidden_date_part``), text shown JN-999002 by
``"JN-"@`` (``hidden_text``), 1 shown 否1 in a yes/no column (``_word_beside``). The reader
(``cli.xlsx_sheets._values``) marks such a cell (``_ShownOtherwise``, ``_PartDate``,
``_HiddenText``), and ``cli.importing._table_rows`` refuses its row with the refusals made
here, by its column's kind (docs/import.md).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from ledger.commands import yes_no_word
from ledger.values import CURRENCY_WORDS, FOREIGN_CURRENCIES, quoted


class _ShownOtherwise(float):
    """A number whose cell's format shows another number (``5`` shown ``5.00万元``): read as
    the number, and its row refused (``_table_rows``) with its ``refusal``, or the refusal
    its column's kind calls for (``_shown_rule``); ``change`` says what the format does."""

    refusal: str
    change: str
    number_format: str
    held: int | float  # the number as the cell holds it
    #: Shown as the number beside a word saying the other of yes and no (``_word_beside``):
    #: refused in a yes/no column alone, read as the number held in any other.
    beside = False


class _PartDate(datetime):
    """A date cell whose format shows part of it (``2018年12月``, ``12月6日``): read as the
    date, and its row refused (``_table_rows``) with its ``refusal``."""

    refusal: str


def _part_date(value: Any, format_id: int) -> Any:
    """``value`` (a date cell's) as it is, or refused if its Chinese built-in format hides its
    day or its year (since session 21, before which the date the sheet never shows was read)."""
    if not isinstance(value, datetime) or format_id not in _NO_DAY | _NO_YEAR:
        return value
    shown = (
        f"{value.year}年{value.month}月"
        if format_id in _NO_DAY
        else f"{value.month}月{value.day}日"
    )
    rule = (
        f"holds {value:%Y-%m-%d}, but its number format shows {shown}, not the whole date: "
        "type the full date, in a cell that shows it (2018-12-06, 2018年12月6日)"
    )
    return _refused(_PartDate.combine(value.date(), value.time()), rule)


def hidden_date_part(number_format: str) -> str:
    """What a date cell's ``number_format`` (a format code openpyxl reads as a date's) leaves
    out of the date it holds: "no day", "no year", both (a time alone), or "" if it shows
    the whole date. Quoted text (``"年"``), escaped characters and bracketed parts
    (``[$-804]``, ``[Red]``) are no part of the date; ``d``/``dd`` show the day (``ddd`` and
    ``aaa`` a weekday's name), ``y`` or ``e`` the year (tester N, session 21: ``mmm-yy``,
    ``yyyy-mm`` and a custom ``yyyy"年"m"月"`` were read as the whole date they hide)."""
    code = number_format.split(";", 1)[0]
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].', "", code).lower()
    day = any(len(run) <= 2 for run in re.findall(r"d+", code))
    year = "y" in code or "e" in code
    if day and year:
        return ""
    if not day and not year:
        return "no day and no year"
    return "no day" if not day else "no year"


#: Chinese Excel's built-in date formats that show no day (``yyyy"年"m"月"``) or no year
#: (``m"月"d"日"``) of the date they hold.
_NO_DAY = frozenset({27, 36, 50, 52, 57})
_NO_YEAR = frozenset({28, 29, 51, 53, 54, 58})


class _HiddenText(str):
    """A text cell whose format does not show its text as it is (``;;;``, ``"JN-"@``): read as
    the text, and its row refused (``_table_rows``, ``_hidden_rule``) with what the format
    does (``change``) and shows (``pieces``, ``hidden_text``)."""

    change: str
    pieces: tuple[str | None, ...]


_Refused = TypeVar("_Refused", _ShownOtherwise, _PartDate)


def _refused(cell: _Refused, refusal: str) -> _Refused:
    """``cell`` (a value its format shows otherwise) with what its row's refusal says of it."""
    cell.refusal = refusal
    return cell


def _shown_rule(value: float, change: str, kind: str = "yuan") -> str:
    """The refusal of a number whose format shows another (``change``), in a column of
    ``kind``: an amount's (yuan, not 万元), a whole number's, or text's (since session 27,
    re-tester G: 50% typed in 内容, which Excel keeps as 0.5, was told of yuan and 万元)."""
    number = int(value) if float(value).is_integer() else float(value)
    shown = f"holds {number}, but its number format {change}: what it shows is not what it holds"
    if kind == "yuan":
        return (
            f"{shown}; type the number as it is meant (yuan, not 万元) and format the cell General"
        )
    if kind == "int":
        return f"{shown}; type the number as it is meant and format the cell General"
    return (
        f"is a number in the spreadsheet, not text: it {shown}; format the column as text "
        "(文本) and type it again"
    )


def _yes_no_rule(value: float, change: str, number_format: str) -> str:
    """The refusal of a number in a yes/no column whose format shows another thing: a word,
    ``"有";"无"`` showing 0 as 有 (since session 29, tester E, before which it was told to
    format the column as text, as a text column's number is)."""
    number = int(value) if float(value).is_integer() else float(value)
    word = _shown_word(value, number_format)
    shows = f"shows it as {word!r} (the format {number_format!r})" if word else change
    return (
        f"holds the number {number}, but its number format {shows}: what it shows is not what "
        "it holds; a yes/no column is typed 是 or 否 (yes or no): type the one it means and "
        "format the cell General"
    )


def _shows_as_read(cell: _ShownOtherwise) -> bool:
    """Whether a number in a yes/no column, 1 or 0, shows the yes/no word the column reads it
    as (1 shown 是 by ``"是";"否"``, 0 shown 否 by ``"是";"否";"否"``): a word the column takes
    as text (``yes_no_word``) meaning what the number is read as (since session 29,
    re-tester I: such a cell was refused as not what it holds)."""
    if type(cell.held) is not int or cell.held not in (0, 1):
        return False
    return yes_no_word(_shown_word(cell, cell.number_format)) is bool(cell.held)


def yes_no_change(cell: _ShownOtherwise) -> str:
    """What ``cell``'s format does to the number it holds, judged in a yes/no column, where a
    yes/no word beside its digits (``"N"0``) is no code's letters but said by ``_word_beside``
    (1 shown ``N1`` is refused, 0 shown ``N0`` read as no); "" if it is read as it holds."""
    if cell.beside:
        return cell.change
    change = shown_otherwise(cell.held, cell.number_format, yes_no=True)
    if change or cell.held not in (0, 1):
        return change
    return _word_beside(cell.held, cell.number_format)


@lru_cache(maxsize=512)
def _word_beside(held: int | float, number_format: str) -> str:
    """What ``number_format`` shows 1 or 0 (``held``) as, and the word beside its digits that
    says the other of yes and no (``_yes_no_words``): ``shows it as '否1' (the format
    '"否"0'), whose '否' says no``; "" if no word beside the digits says so, or the format
    shows no digit (``_shown_word`` judges a word alone), or which section shows it is not
    known (since session 30, re-tester R: 1 shown 否1 was read as yes, 0 shown 是0 as no)."""
    section = _section_for(held, _sections(number_format))
    if section is None:
        return ""
    # General (``G/通用格式"否"``) shows the number as a digit does.
    section = _GENERAL_CODE.sub(lambda part: part[1] or "0", section)
    before: list[str] = []
    after: list[str] = []
    digits = False
    for part, piece in zip(_TEXT_PART.findall(section), _text_pieces(section), strict=True):
        if piece is None:  # ``@``: a text section, which a number is not shown by
            return ""
        if part in ("0", "#", "?") or (digits and not after and part in ".,"):
            digits = True
        else:
            (after if digits else before).append(piece)
    other = not held
    said = [word for word, meaning in _yes_no_words("".join(before + after)) if meaning is other]
    if not digits or not said:
        return ""
    shown = f"{''.join(before)}{int(held)}{''.join(after)}".strip()
    return (
        f"shows it as {shown!r} (the format {number_format!r}), whose "
        f"{', '.join(dict.fromkeys(said))!r} says {'yes' if other else 'no'}"
    )


#: General in a format's section (``General``, Chinese Excel's and WPS's ``G/通用格式``), a
#: quoted literal kept as it is.
_GENERAL_CODE = re.compile(r'("[^"]*")|(?i:g/通用格式|general)')
#: Characters a yes/no word shown beside a number is read by: yes, then no.
_YES_CHARACTERS, _NO_CHARACTERS = frozenset("是对有"), frozenset("否不无没非")


def _yes_no_words(text: str) -> list[tuple[str, bool]]:
    """The words of ``text`` that say yes or no, each with what it says: True for 是, 对, 有
    or a word a yes/no column takes as yes (``yes_no_word``: yes, y, true), False for 否, 不,
    无, 没, 非 or one it takes as no."""
    found = [(c, c in _YES_CHARACTERS) for c in text if c in _YES_CHARACTERS | _NO_CHARACTERS]
    for word in re.findall(r"[A-Za-z]+", text):
        meaning = yes_no_word(word)
        if meaning is not None:
            found.append((word, meaning))
    return found


def _shown_word(value: float, number_format: str) -> str:
    """The text alone that ``number_format`` shows ``value`` as (``"有";"无"`` shows 0 as 有),
    by Excel's sections (``_section_for``), or "" if it shows a digit or nothing, or which
    section shows it is not known."""
    section = _section_for(value, _sections(number_format))
    if section is None:
        return ""
    section = _GENERAL_CODE.sub(lambda part: part[1] or "0", section)  # (General: a digit)
    pieces = _text_pieces(section)
    if None in pieces:  # ``@``: a text section, which a number is not shown by
        return ""
    word = "".join(piece for piece in pieces if piece is not None).strip()
    return "" if re.search(r"[0#?]", _BRACKETED.sub("", _QUOTED.sub("", section))) else word


def _section_for(value: float, sections: list[str]) -> str | None:
    """The section of a number format (``_sections``) that shows ``value``, as Excel picks it:
    without conditions, positive (and zero, of two); negative; zero. With conditions
    (``[=1]"是";[=0]"否";"x"``), the first whose condition holds, else the third, else a
    second without a condition; None where that is not known (a condition of another form,
    or none holding and no section left)."""
    conditions = [_CONDITION.search(_QUOTED.sub("", section)) for section in sections[:3]]
    if not any(conditions):
        if value < 0 and len(sections) > 1:
            return sections[1]
        return sections[2] if value == 0 and len(sections) > 2 else sections[0]
    for section, condition in zip(sections[:2], conditions, strict=False):
        if condition is not None and _holds(value, condition[1], float(condition[2])):
            return section
    if len(sections) > 2 and conditions[2] is None:
        return sections[2]
    if len(sections) == 2 and conditions[1] is None:
        return sections[1]
    return None


#: A number format section's condition (``[=1]``, ``[>=0.5]``, ``[<>0]``).
_CONDITION = re.compile(r"\[\s*(<>|<=|>=|=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*\]")


def _holds(value: float, operator: str, bound: float) -> bool:
    """Whether ``value`` meets a format's condition (``_CONDITION``)."""
    return {
        "=": value == bound,
        "<>": value != bound,
        "<": value < bound,
        ">": value > bound,
        "<=": value <= bound,
        ">=": value >= bound,
    }[operator]


#: A format's literal text: quoted, or one character escaped (``\\x``, ``!x``), shown as it is;
#: and ``_x`` (a space as wide as x) and ``*x`` (x repeated to fill the cell), which show no
#: text that could be read as part of the number.
_QUOTED = re.compile(r'"[^"]*"|[\\!].')
_SPACING = re.compile(r"[_*].")
_BRACKETED = re.compile(r"\[[^\]]*\]")
_COLOURS = frozenset(
    {"black", "blue", "cyan", "green", "magenta", "red", "white", "yellow", "黑色", "红色"}
)
#: Words that call a number a multiple of what it is (``0.00"万元"`` shows 5 as 5.00万元).
_SCALES = frozenset("万亿千百")
#: Signs that call a number a fraction of what it is: percent, ASCII, full-width and small
#: (typed with a Chinese input method), per mille and per ten thousand (since session 26).
_PERCENTS = frozenset("%％﹪‰‱")
#: A literal that alone calls a number a multiple of what it is (``0.00"k"``, ``0.00"w"``
#: for 万, ``0.00"M"``: since session 26); a word holding the letter (``"HK$"``) is not.
_SCALE_LETTERS = frozenset({"k", "w", "m", "mn", "bn"})


def shown_otherwise(value: float, number_format: str, yes_no: bool = False) -> str:
    """What ``number_format`` does to ``value`` that makes the cell show another number
    ("shows a percentage", "rounds it to 0 decimals"…), or "" if it shows the number as it
    is (General, text, digits with enough decimals, thousands separators, a currency sign or
    a unit's word, colours, Chinese numerals; not a code's letters, ``"JN"000000``:
    ``_code_word``, letters of a yes/no word taken with ``yes_no``, nor another currency's
    sign, ``$#,##0.00``: ``_foreign_sign``). Only the positive section is read (amounts
    are never negative). openpyxl reads the value, not what the format shows, and no
    maintained library renders Excel's number formats; this reads the few things that change
    a number. Each format is read once (``_format_rule``); a cell costs a lookup and, for a
    number with decimals, counting them."""
    rule, shown = _format_rule(number_format, yes_no)
    if rule or type(value) is int:
        return rule
    kept = _decimals(value)
    if kept > shown:
        return f"rounds it to {shown} decimal{'' if shown == 1 else 's'}"
    return ""


@lru_cache(maxsize=512)
def _format_rule(number_format: str, yes_no: bool = False) -> tuple[str, int]:
    """What ``number_format`` does to any number ("" if nothing), and how many decimals it
    shows (for ``shown_otherwise``; ``yes_no``: a yes/no word beside the digits is taken)."""
    sections = _sections(number_format)
    section = sections[0].strip()
    if not number_format.strip() or section.lower() in ("general", "@"):
        return "", 99
    if not section:  # ``;;;``: Excel's way to hide a value
        return f"shows nothing (the format {number_format!r} hides it)", 0
    section = _SPACING.sub("", section)
    literals = "".join(
        part[1:-1] if part.startswith('"') else part[1:] for part in _QUOTED.findall(section)
    )
    bare = _QUOTED.sub("", section)
    for bracket in _BRACKETED.findall(bare):
        inner = bracket[1:-1].lower()
        if not (inner.startswith(("$", "color", "dbnum")) or inner in _COLOURS):
            return f"has a condition or code {bracket}", 0
    bare = _BRACKETED.sub("", bare)
    # General (``[Red]General``; Chinese Excel and WPS write ``G/通用格式``, a word after it
    # quoted or not), or a format of a text section alone (``"x"@``): a number is shown as
    # General shows it. Words that hold a digit or a scale are refused all the same (whether
    # Excel shows them beside the number is not known here: refused, nothing is misread).
    general = bare.strip().lower()
    after = next((general[len(g) :] for g in _GENERAL if general.startswith(g)), None)
    if after is not None or (len(sections) == 1 and "@" in bare):
        words = literals + (after or "")
        if _scaled(section) or any(
            char in _SCALES or char in _PERCENTS or char.isdigit() or char in ".," for char in words
        ):
            return f"adds the text {words!r}, which makes it read as another number", 0
        foreign = _foreign_sign(section, number_format)
        if foreign:
            return foreign, 0
        code = _code_word(section, yes_no)
        return (f"adds {code!r} to it (the format {number_format!r})", 0) if code else ("", 99)
    if "%" in bare:
        return "shows a percentage (x100)", 0
    if "E+" in bare.upper() or "E-" in bare.upper():
        return "shows an exponent", 0
    if "/" in bare:
        return "shows a fraction", 0
    words = literals + "".join(char for char in bare if char not in "0#?.,")
    if (
        _scaled(section)
        or any(char in _SCALES or char in _PERCENTS for char in words)  # 0.00"％", 0.00‰
        or any(
            char.isdigit() or char in ".,"
            for char in literals  # 0!.0000 shows 12345 as 1.2345; 0.00\% 100 as 100.00%
        )
    ):
        return (
            f"adds the text {literals or words.strip()!r}, which makes it read as another number",
            0,
        )
    foreign = _foreign_sign(section, number_format)
    if foreign:
        return foreign, 0
    if _negative(section):
        word = _signed_word(section)
        if word:
            return f"adds {word!r} to it (the format {number_format!r})", 0
        return "shows it as a negative number (a minus sign or parentheses)", 0
    code = _code_word(section, yes_no)
    if code:
        return f"adds {code!r} to it (the format {number_format!r})", 0
    digits = re.sub(r"[^0#?.,]", "", bare)
    if not re.search(r"[0#?]", digits):  # ``""`` or ``"元"``: text alone, no digit
        return f"shows no digit of it (the format {number_format!r})", 0
    if re.search(r"[0#?],+(?:$|\.)", digits) or digits.endswith(","):
        return "scales it by thousands (a trailing comma)", 0
    return "", len(digits.split(".", 1)[1]) if "." in digits else 0


def _foreign_sign(section: str, number_format: str) -> str:
    """What a format's section does showing its digits beside another currency's sign or code
    (``$#,##0.00``, ``[$$-409]#,##0.00``, ``[$€-2] 0.00``, ``"US$"0.00``, ``0.00"美元"``:
    ``FOREIGN_CURRENCIES``, which an amount typed as text is refused for), "" if none: since
    session 31 (tester l), before which 12 so shown was recorded as 12 yuan, though ``$12``
    typed as text is refused."""
    sides = _beside_digits(_GENERAL_CODE.sub(lambda part: part[1] or "0", section))
    shown = unicodedata.normalize("NFKC", "".join(sides or ())).upper()
    sign = next((sign for sign in FOREIGN_CURRENCIES if sign in shown), "")
    if not sign:
        return ""
    return (
        f"adds {sign!r} (another currency's, where an amount is in yuan) to it (the format "
        f"{number_format!r})"
    )


def _scaled(section: str) -> bool:
    """Whether a literal of a format's section is a scale's letter alone (``_SCALE_LETTERS``),
    or one followed by a unit of money (``"K元"``, ``"k yuan"``, ``"W RMB"``: re-check B2,
    session 26, each read as the amount held, shown a thousand or ten thousand times it)."""
    return any(
        _SCALE_WITH_UNIT.fullmatch(unicodedata.normalize("NFKC", _literal(part)).strip().lower())
        is not None
        for part in _QUOTED.findall(section)
    )


#: A scale's letter, then perhaps a unit of money and what follows it (``"K元"``, ``"k元整"``,
#: ``"K 元/户"``, ``"W人民币"``), read in its plain form (NFKC: ``Ｋ`` is ``K``, ``￥`` is ``¥``;
#: the re-test of session 26 found those read as written): what ``_scaled`` refuses.
_SCALE_WITH_UNIT = re.compile(
    "(?:"
    + "|".join(sorted(_SCALE_LETTERS, key=len, reverse=True))
    + r")(?:\s*(?:元|yuan|rmb|cny|¥|人民币).*)?",
    re.DOTALL,
)


def _negative(section: str) -> bool:
    """Whether a format's section shows a number as negative: a minus sign before or after
    its digits (``-0.00``, ``\\-0.00``, ``"-"0.00``, ``[Red]-0.00``, ``0.00-``), or parentheses
    around them (``(0.00)``), as Excel shows a negative amount (since session 26, before which
    such a cell holding 100 was read as 100, Excel showing -100.00). A dash between digits
    (``000-0000``) and parentheses after them (``0.00"(元)"``) are not. (One that is part of a
    word, ``"JN-"000000``, is said as the word, ``_signed_word``.)"""
    sides = _beside_digits(section)
    if sides is None:
        return False
    before, after = sides
    if any(char in _MINUS for char in before + after):
        return True
    return any(char in "(（" for char in before) and any(char in ")）" for char in after)


def _beside_digits(section: str) -> tuple[str, str] | None:
    """The text a format's section shows before its digits and after them (literals read as
    the text they show, a currency's ``[$JN-804]`` as its text ``JN``, other codes in brackets
    left out: since session 31, tester l, before which ``[$JN-804]000000`` was read as no code's
    letters, Excel showing 12 as JN000012), or None if it shows no digit."""
    shown = _SHOWN_PART.sub(lambda part: _literal(part[0]), section)
    places = [i for i, char in enumerate(shown) if char in "0#?"]
    if not places:
        return None
    return shown[: places[0]], shown[places[-1] + 1 :]


def _signed_word(section: str) -> str:
    """The text beside a format's digits holding the minus sign or parenthesis ``_negative``
    saw, when it holds a letter too: a word the format adds, not a sign (``"JN-"000000``
    shows 1 as JN-000001, ``\\J\\N-000000`` too; since session 29, helper c: such a cell was
    said to show a negative number). "" for a sign alone, with spaces or a currency's sign
    (``"¥"-0.00``)."""
    sides = _beside_digits(section)
    for side in sides or ():
        signed = any(char in _MINUS or char in "()（）" for char in side)
        if signed and any(char.isalpha() for char in side):
            return side.strip()
    return ""


def _code_word(section: str, yes_no: bool = False) -> str:
    """The word a format's section shows beside its digits as a code's letters: in capitals
    (``"JN"000000`` shows 12 as JN000012, ``"JN "000000``, ``000000"A"`` 000012A), or any
    letters touching the digits before them (``"jn"0``); "" for none, yuan's sign or code
    (``"RMB"0.00``, ``[$CNY]0.00``: ``CURRENCY_WORDS``), a word in small letters after the
    digits (a unit, ``0.00"km"``) or set apart before them (a label, ``"Total "0``), or, with
    ``yes_no`` (a yes/no column's, ``yes_no_change``), a yes/no word (``_word_beside`` judges
    it; in any other column ``"NO"000000`` is a code's, since session 31, tester l). Since
    session 31 (helper f), before which such a cell in an amount's column was read as the
    number it holds, the sheet showing a code; the word is Latin letters (NFKC: ``ＪＮ`` is
    ``JN``), a Chinese word beside the digits (``"第"0"项"``, ``0"户"``) being read as before."""
    sides = _beside_digits(_GENERAL_CODE.sub(lambda part: part[1] or "0", section))
    if sides is None:
        return ""
    before, after = sides
    prefix = before.split()[-1] if before.strip() else ""
    if _code_letters(prefix, not before[-1:].strip(), yes_no):
        return prefix
    suffix = after.split()[0] if after.strip() else ""
    return suffix if _code_letters(suffix, True, yes_no) else ""


def _code_letters(word: str, capitals: bool, yes_no: bool) -> bool:
    """Whether ``word`` holds a run of Latin letters that is no yuan's sign or code
    (``_code_word``) nor, with ``yes_no``, a yes/no word, and, with ``capitals``, is in
    capitals."""
    return any(
        run.upper() not in CURRENCY_WORDS
        and not (yes_no and yes_no_word(run) is not None)
        and not (capitals and not run.isupper())
        for run in re.findall(r"[A-Za-z]+\$?", unicodedata.normalize("NFKC", word))
    )


def _literal(part: str) -> str:
    """The text a format's literal (``"元"``, ``\\-``, ``!.``) or bracketed part shows: a
    currency's sign or code (``[$¥-804]``: ``¥``), nothing for any other (``[Red]``,
    ``[$-804]``, ``[>=100]``)."""
    if part.startswith("["):
        return part[2:].split("-", 1)[0].removesuffix("]") if part.startswith("[$") else ""
    return part[1:-1] if part.startswith('"') else part[1:]


#: A format's literal (``_QUOTED``) or bracketed part, read as the text it shows (``_literal``).
_SHOWN_PART = re.compile(f"{_QUOTED.pattern}|{_BRACKETED.pattern}")


#: Minus signs: ASCII, Unicode's, full-width (typed with a Chinese input method).
_MINUS = frozenset("-−－")


#: General as Excel writes it, and as Chinese Excel and WPS do.
_GENERAL = frozenset({"general", "g/通用格式"})


def _sections(number_format: str) -> list[str]:
    """``number_format``'s sections (positive; negative; zero; text): split at each ``;``
    outside quotes and not escaped (``"编号;"0`` is one section)."""
    sections: list[str] = []
    part: list[str] = []
    quoted = escaped = False
    for char in number_format:
        if escaped:
            escaped = False
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in "\\!_*":  # ``_x``, ``*x``: x is no section's end
            escaped = True
        elif not quoted and char == ";":
            sections.append("".join(part))
            part = []
            continue
        part.append(char)
    sections.append("".join(part))
    return sections


@lru_cache(maxsize=512)
def hidden_text(number_format: str) -> tuple[str, tuple[str | None, ...]]:
    """What ``number_format`` does to a text cell ("" if it shows the text as it is), and what
    it shows: its pieces, literal text or None for the text (``"JN-"@``: ``("JN-", None)``).

    The section that shows text is Excel's: the fourth of four; of fewer, the last if it holds
    ``@`` (``"JN-"@``, ``0;"JN-"@``); with neither, text is shown as typed. Without ``@``
    there, the text is not shown (``;;;`` hides it, ``;;;"N/A"`` shows N/A); with it, any
    text the section adds (quoted, escaped, a currency's ``[$¥-804]``, a fill ``*-``, or a
    character typed bare) is shown beside it (since session 29, tester E: ``"JN-"@`` showed
    JN-999002 for 999002 typed, and 999002 was read). Spaces (``_x``, ``* ``, ``" "``) and
    colours change no text, and pass."""
    sections = _sections(number_format)
    section = sections[3] if len(sections) >= 4 else sections[-1]
    pieces = _text_pieces(section)
    texts = pieces.count(None)
    if len(sections) < 4 and not texts:
        return "", ()
    where = f"(the format {number_format!r})"
    added = "".join(piece for piece in pieces if piece is not None)
    if not texts:
        shows = f"shows {added!r}" if added.strip() else "shows nothing"
        return f"{shows} in place of it {where}", pieces
    if texts > 1:
        return f"shows it {texts} times {where}", pieces
    if added.strip():
        return f"adds {added.strip()!r} to it {where}", pieces
    return "", ()


#: A text section's parts: a literal quoted or escaped, a space (``_x``) or a fill (``*x``),
#: a bracketed code, the text (``@``), or any other character, which Excel shows as it is.
_TEXT_PART = re.compile(r'"[^"]*"?|[\\!].|[_*].|\[[^\]]*\]|.', re.DOTALL)


def _text_pieces(section: str) -> tuple[str | None, ...]:
    """What a format's text ``section`` shows: its literal pieces, and None where the text is."""
    pieces: list[str | None] = []
    for part in _TEXT_PART.findall(section):
        if part == "@":
            pieces.append(None)
        elif part.startswith('"'):
            pieces.append(part[1:].removesuffix('"'))
        elif part[0] in "\\!" or (part[0] == "*" and len(part) == 2):
            pieces.append(part[1:])
        elif part[0] == "_" and len(part) == 2:
            pieces.append(" ")
        elif part.startswith("["):  # a colour, [DBNum1], a locale; a currency's sign shows
            pieces.append(_literal(part))
        else:
            pieces.append(part)
    return tuple(pieces)


def _personal_number_rule(cell: _ShownOtherwise) -> str:
    """The refusal of a number in a personal column (a phone typed as a number) whose format
    shows it otherwise, said as a text cell's is (``_hidden_rule``), the number never quoted:
    ``holds a number (not shown: …), but its number format adds '+86' to it (the format
    '"+86 "0')`` (since session 30, re-tester R: ``"+86 "0`` was said to add a text making it
    another number, the phone read in the refusal as one typed in the wrong cell)."""
    section = _section_for(cell.held, _sections(cell.number_format))
    sides = _beside_digits(section) if section is not None else None
    added = "".join(sides or ()).strip()
    format_said = f"(the format {cell.number_format!r})"
    change = f"adds {added!r} to it {format_said}" if added else cell.change
    return _hidden_rule("", change, (), personal=True, held="a number")


def _hidden_rule(
    text: str, change: str, pieces: tuple[str | None, ...], personal: bool, held: str = "text"
) -> str:
    """The refusal of a text cell whose format shows it otherwise (``hidden_text``): quoting
    the text and what the sheet shows, unless it is personal (docs/privacy.md), when it is
    said to hold ``held`` (text, or a number: ``_personal_number_rule``)."""
    if personal:
        held = f"holds {held} (not shown: a refusal never shows personal data)"
    else:
        held = f"holds {quoted(text)}"
    if pieces.count(None) == 1 and not personal:
        shown = "".join(text if piece is None else piece for piece in pieces)
        change += f", showing {quoted(shown.strip())}"
    advice = "type what it shows and format" if "adds" in change else "format"
    return (
        f"{held}, but its number format {change}: what it shows is not what it holds; "
        f"{advice} the cell General or Text (文本)"
    )


def _decimals(value: float) -> int:
    """How many decimals ``value`` has as typed (``repr``: 1234.56 has 2)."""
    text = repr(value)
    if "e" in text or "E" in text:
        return 0 if abs(value) >= 1 else 16
    return len(text.split(".", 1)[1].rstrip("0")) if "." in text else 0


#: Built-in number formats that are dates in Chinese Excel (zh-CN): 27-31 and 36 (年月日,
#: 年月, 月日), 50-54, 57 and 58 (the same again). 32-35, 55 and 56 are times of day.
_CHINESE_DATES = frozenset({27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})
