"""Domain values parsed from what officers type: money in fen, ISO dates, ID-card numbers, choices.

Money is integer fen (分, 0.01 yuan) everywhere; it is never a float. The parsers raise
``InputError`` naming the field and the rule, so the CLI and the importers share one wording.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from ledger import clock
from ledger.errors import InputError, LedgerError, RuleError
from ledger.typed import is_dash, is_invisible, named_char, typed_hint

__all__ = [
    "AREAS",
    "CATEGORY_WORDS",
    "CHINA",
    "CHINA_STANDARD_TIME",
    "CURRENCY_WORDS",
    "FOREIGN_CURRENCIES",
    "MAX_FEN",
    "MEASURE_CATEGORIES",
    "PHONE_DIGITS",
    "SIMPLIFIED",
    "WHOLE_BLANKS",
    "WHOLE_RANGE",
    "ReadNow",
    "check_no_personal_data",
    "check_phone",
    "check_recorded_text",
    "check_says",
    "check_text",
    "check_whole_number",
    "china_and_utc",
    "choice",
    "clean_name",
    "deferred_personal_data",
    "format_yuan",
    "id_card_cell_problem",
    "id_card_check_digit",
    "id_card_problem",
    "known_at_moment",
    "named",
    "not_come_yet",
    "optional_text",
    "parse_area",
    "parse_category",
    "parse_cell_date",
    "parse_date",
    "parse_shares",
    "parse_timestamp",
    "parse_whole_number",
    "parse_yuan",
    "personal_number",
    "require_text",
    "valid_id_card",
    "visible",
    "yuan_to_fen",
]

#: The district's time zone, by which a recording time is told as a day in China.
CHINA = ZoneInfo("Asia/Shanghai")
#: China Standard Time, UTC+8 with no summer time: a timestamp typed without an offset is read
#: in it (since session 24: read in ``CHINA`` before, China's summer time of 1986-1991 made
#: ``1988-06-01T00:00`` +09:00 and took ``1988-04-17T02:30``, a time that never was).
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


def china_and_utc(moment: datetime) -> str:
    """``2026-12-02T04:00:00+08:00 (2026-12-01T20:00:00+00:00 UTC)``: a time as a message
    gives it, in China first (+08:00, the day its dates are told by), then in UTC, as
    ``fupin history`` and ``log`` record it, to paste or compare (since session 29, brief a of
    session 30: a view as known before a move gave the time typed in its own offset and the
    move's in UTC beside its China day, ``on 2026-12-02 (2026-12-01T20:00:00+00:00)``)."""
    china = moment.astimezone(CHINA_STANDARD_TIME).isoformat()
    return f"{china} ({moment.astimezone(UTC).isoformat()} UTC)"


#: Traditional characters read as their simplified forms where a name or a word is checked: the
#: levels and words of a recognising authority (江海區民政局 is 江海区民政局; 街道, 村, 省, 市, 州
#: and 部 are written alike), then those of the department words an office's name begins with
#: (農業, 扶貧; ``ledger.casework``), and those of a return's steps (認定, 申請, 審核, 審定:
#: ``ledger.household.parse_return_step``; since the session 27 re-test, tester H).
SIMPLIFIED = str.maketrans(
    "區縣鎮鄉辦處國華農興員會總場務業貧氣災資劃測環衛財計黨應規設態監認請審",
    "区县镇乡办处国华农兴员会总场务业贫气灾资划测环卫财计党应规设态监认请审",
)
#: The earliest instant a timestamp may name (``parse_timestamp``).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def today() -> date:
    """Today in China, by the recording clock (``ledger.clock``: the system's, or a test's)."""
    return clock.now().astimezone(CHINA).date()


def check_come(day: date, field: str, why: str = "") -> None:
    """Refuse ``day`` after today, naming ``field``: nothing takes effect after today (``-e``),
    and a report is as of a day that has come (``--as-of``)."""
    now = today()
    if day > now:
        raise InputError(field, f"{day} is after today ({now}){'; ' + why if why else ''}")


#: Rural 农村 or urban 城镇.
AREAS = ("rural", "urban")
#: The area as officers write it in Chinese, read as its English name where an area is typed
#: (``parse_area``; since session 23). 城市 (city) is what some 台账 say for 城镇.
AREA_WORDS = {"农村": "rural", "城镇": "urban", "城市": "urban"}

#: The plan's categories of assistance measures 帮扶措施 [四(三)–(十一)].
MEASURE_CATEGORIES = (
    "industry",  # 产业扶贫
    "finance",  # 金融扶贫 (subsidised micro-loans, 政银保)
    "entrepreneurship",  # 创业扶贫
    "employment",  # 就业扶贫 (employment and training)
    "education",  # 教育扶贫
    "medical",  # 医疗扶贫
    "relief",  # 救助 (illness, schooling, disability, disaster, temporary)
    "internet",  # 互联网+ / e-commerce 电商
    "social",  # 社会扶贫 (volunteers, 百企扶百村, 送医送药, social-work organisations)
)
#: The measure categories as officers write them in Chinese (DOMAIN.md, docs/cli.md), read as
#: the English name where a category is typed (``parse_category``; since session 24). 社会 is
#: what the command line's help said for 社会扶贫.
CATEGORY_WORDS = {
    "产业": "industry",
    "金融": "finance",
    "创业": "entrepreneurship",
    "就业": "employment",
    "教育": "education",
    "医疗": "medical",
    "救助": "relief",
    "互联网+": "internet",
    "社会扶贫": "social",
    "社会": "social",
}

#: One trillion yuan: far above any real figure, low enough that sums stay exact in SQLite.
MAX_FEN = 100_000_000_000_000

#: Yuan as plain digits or grouped by thousands (``1,234,567.89``); a comma anywhere else is
#: refused (``1,00`` is a decimal comma elsewhere, not one hundred yuan).
_MONEY = re.compile(r"(?P<yuan>\d+|\d{1,3}(?:,\d{3})+)(?:\.(?P<fen>\d{1,2}))?", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
#: A date year first with slashes and one or two digits of month and day, as Excel's CSV
#: writes a date cell in the Chinese locale (``2018/12/15``, ``2018/3/5``): ``parse_cell_date``.
_SLASHED_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})", re.ASCII)
#: A date written in Chinese, year, month and day with one or two digits (``2018年12月1日``,
#: ``2018年6月3日``): it has one meaning, read as that day (``parse_date``; since session 27).
_CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日", re.ASCII)
#: An ISO 8601 date, or date and time, in the extended form, with an optional offset.
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?",
    re.ASCII,
)
#: A time's offset from UTC, as ``_TIMESTAMP`` reads one: sign, hours, minutes.
_OFFSET = re.compile(r"T?\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?([+-])(\d{2}):(\d{2})$", re.ASCII)
#: A time's fraction of a second finer than a microsecond (``…:00.9137170Z``).
_TOO_FINE = re.compile(r":\d{2}\.\d{7,}(?:Z|[+-]\d{2}:\d{2})?$", re.ASCII)
#: The longest text a field holds (a document number, a summary, a reason).
MAX_TEXT = 2000
#: What no text of an event may hold: Unicode categories Cc (controls) and Cs (surrogates,
#: which is how Python keeps bytes that are not UTF-8), tab and newline excepted.
FORBIDDEN_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: The largest whole number (either side of 0) an event or a query holds, typed or imported
#: alike (since session 25: the command line's was 2^63-1, told with no bound): far above any
#: count, year, version or position, and well within SQLite's and orjson's 64 bits.
LARGEST_WHOLE = 10**12
#: How a refusal of a whole number out of range names the bound.
WHOLE_RANGE = "whole numbers are at most 10^12"
#: What may stand around a whole number as typed or in a cell: the blanks an amount takes too
#: (space, tab, the ideographic space U+3000 of a Chinese input method), and no other white
#: space (since session 25: str.strip() took U+001C-U+001F and U+0085, control characters).
WHOLE_BLANKS = " \t\u3000"


def check_text(field: str, text: str, *, recorded: bool = True) -> None:
    """Refuse text no event may hold, as import and the command line both read it: longer
    than ``MAX_TEXT``, or holding a control character (tab and newline excepted) or a lone
    surrogate (how Python keeps a byte of a command-line argument that is not UTF-8). Text
    that is never ``recorded`` (an analyst's SQL) is only checked to be UTF-8. Recorded text
    outside the sealed personal fields holds no ID-card number nor mobile phone number
    (``check_no_personal_data``)."""
    _check_characters(field, text, recorded=recorded)
    if recorded:
        kept = _PERSONAL_DATA_DEFERRED.get()
        if kept is None:
            check_recorded_text(field, text)
        else:  # checked once the row is known not to be replayed as recorded
            kept.append((field, text))


#: Unicode's Bidi_Control characters (the Arabic letter mark U+061C, the marks LRM U+200E and
#: RLM U+200F, embeddings, overrides, isolates), and the zero-width no-break space U+FEFF (a
#: byte order mark pasted inside a text): they show a text in another order than it is
#: recorded (``history``, ``log``, exports), or hide in it.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: Recorded texts that name someone or something outside a household's personal data (a
#: helper's or an officer's name, a unit, a donor): read by a name's rule (``check_shown_whole``;
#: since session 25's re-test, as the head's name is).
_NAMES = {
    "name": ("the name", "a name"),
    "unit": ("the unit", "a unit's name"),
    "donor": ("the donor", "a donor's name"),
}


def check_recorded_text(field: str, text: str) -> None:
    """What recorded free text may not hold beyond its characters (``check_text``): personal
    data (``check_no_personal_data``), and since session 25 a bidirectional control
    (``_BIDI``: the whole Bidi_Control property since its re-test, with U+FEFF), which keys,
    names and addresses refused already (a zero-width space, pasted from a web page, is still
    taken); and in a name outside a household's personal data (``_NAMES``) any invisible or
    format character, as in the head's name (``check_shown_whole``). An export's row replayed
    into the empty store it rebuilds is spared all of these (``deferred_personal_data``)."""
    # A text that shows nothing at all is told so where it is read (``require_text``).
    shows = visible(text)
    if field in _NAMES and shows:
        what, kind = _NAMES[field]
        kept = text.rstrip()
        check_shown_whole(field, " " * (len(kept) - len(kept.lstrip())) + kept.lstrip(), what, kind)
    if field not in PERSONAL_FIELDS and shows:
        bidi = _BIDI.search(text)
        if bidi is not None and bidi[0] == "\ufeff":
            raise InputError(
                field,
                f"contains {named_char(bidi[0])} at character {bidi.start() + 1}, an invisible "
                "character (a byte order mark pasted inside the text): type it without",
            )
        if bidi is not None:
            raise InputError(
                field,
                f"contains {named_char(bidi[0])} at character {bidi.start() + 1}, a "
                "bidirectional control that shows the text in another order than recorded: "
                "type it without",
            )
    check_no_personal_data(field, text)


def check_shown_whole(field: str, text: str, what: str, kind: str) -> None:
    """Refuse a text typed on one line (a person's name, an address: ``kind``) that holds a
    character a reader cannot see or that would not be recorded as typed, naming it and its
    place in ``text`` (``what``: "the head's name"), never the text itself (personal data):

    - one a key refuses as invisible (``is_invisible``: a line break, a tab, a format
      character, Cf: zero-width spaces and joiners, bidi controls such as U+202E, another
      default ignorable one), ordinary spaces (Zs) excepted: ``张三`` and ``\u200b张三``
      would be two names that look one, a masked name would show an invisible first
      character (``\u200b**``), and a bidi override shows the text in another order;
    - a variation selector anywhere but straight after an ideograph (tester I, session 22:
      ``\ufe00陈大明``, a name of selectors alone): after one, it writes a rare name
      character 生僻字 as its holder's ID card shows it (``葛`` + U+E0100), and is kept;
    - a control character, an unassigned code point or noncharacter, the object and
      replacement characters (U+FFFC, U+FFFD: text damaged on its way);
    - a CJK compatibility ideograph (U+F92C): Unicode composes it into its unified form
      (``郎``, U+90CE), so it would be recorded as another character than typed;
    - and, for a name, no letter at all (a lone combining mark).

    Checked where such a text is recorded, never where one is read: one recorded before
    session 22 stays readable."""
    before = ""
    for place, char in enumerate(text, start=1):
        if "\u4e00" <= char <= "\u9fff" or (char.isascii() and char.isalnum()):
            before = char  # most of a name: a unified ideograph, an ASCII letter or digit
            continue
        category = unicodedata.category(char)
        if _selects(char):
            if not _ideograph(before):
                raise InputError(
                    field,
                    f"{what} holds {named_char(char)} at character {place}, not straight after "
                    f"an ideograph: {kind} keeps a variation selector only to write a rare "
                    "character 生僻字 (the ideograph, then one selector)",
                )
        elif (is_invisible(char) and category != "Zs") or category in ("Cc", "Cn"):
            raise InputError(
                field,
                f"{what} holds {named_char(char)} at character {place}: {kind} has no "
                "control characters, line breaks, tabs, nor invisible or format characters "
                "(zero-width, bidi controls); type it on one line with visible characters "
                "only",
            )
        elif char in "\ufffc\ufffd":
            raise InputError(
                field,
                f"{what} holds {named_char(char)} at character {place}: text damaged on its "
                "way (a character that could not be read); type it again",
            )
        elif _ideograph(char) and unicodedata.normalize("NFC", char) != char:
            unified = unicodedata.normalize("NFC", char)
            raise InputError(
                field,
                f"{what} holds {named_char(char)} at character {place}, which Unicode "
                f"records as {named_char(unified)} {unified}: type that one (and, for the "
                "form an ID card shows, its variation selector after it)",
            )
        before = char
    if kind == "a name" and text and not any(unicodedata.category(c)[0] == "L" for c in text):
        raise InputError(field, f"{what} holds no letter: a name is written with letters")


def _selects(char: str) -> bool:
    """A variation selector (U+FE00–FE0F, U+E0100–E01EF): it picks a glyph of the character
    before it, as a rare name character's ideographic variation sequence does."""
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def _ideograph(char: str) -> bool:
    """Whether ``char`` (one character, or "" for none) is a CJK ideograph."""
    return bool(char) and unicodedata.name(char, "").startswith(
        ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY")
    )


#: While an export's row is read (``deferred_personal_data``): the recorded text whose check for
#: personal data waits until it is known whether the row is replayed into the empty store it
#: rebuilds, as recorded (since session 24), as ``(field, text)``; None otherwise.
_PERSONAL_DATA_DEFERRED: ContextVar[list[tuple[str, str]] | None] = ContextVar(
    "personal_data_deferred", default=None
)


@contextmanager
def deferred_personal_data() -> Iterator[list[tuple[str, str]]]:
    """Within it, ``check_text`` keeps the recorded text it would check for personal data
    (``check_no_personal_data``) in the list it yields instead: ``ledger.imports`` reads an
    export's row so, and checks that text when the row is applied, unless it is replayed into
    the empty store it rebuilds (``Ledger.rebuilding_export``): a ledger recorded before session
    24 holds such text in clear already, and refusing its move protects nobody."""
    kept: list[tuple[str, str]] = []
    token = _PERSONAL_DATA_DEFERRED.set(kept)
    try:
        yield kept
    finally:
        _PERSONAL_DATA_DEFERRED.reset(token)


def _check_characters(field: str, text: str, *, recorded: bool) -> None:
    # isprintable() is False for every character refused (and a few allowed: tab, newline,
    # U+3000): only then is the text looked at closely.
    if text.isprintable() and (len(text) <= MAX_TEXT or not recorded):
        return
    if recorded and len(text) > MAX_TEXT:
        raise InputError(field, f"is longer than {MAX_TEXT} characters")
    bad = FORBIDDEN_CHAR.search(text)
    if bad is None:
        return
    code, where = ord(bad[0]), f"at character {bad.start() + 1}"
    if 0xDC80 <= code <= 0xDCFF:
        raise InputError(
            field, f"is not UTF-8 text: byte 0x{code - 0xDC00:02X} {where} (is the terminal UTF-8?)"
        )
    if 0xD800 <= code <= 0xDFFF:
        raise InputError(field, f"contains a lone surrogate U+{code:04X} {where}")
    if recorded:
        allowed = (
            "a name or an address has none, nor tabs or line breaks"
            if field in _ONE_LINE
            else "only tab and newline are allowed"
        )
        raise InputError(field, f"contains a control character U+{code:04X} {where}; {allowed}")


#: The fields that hold a household's personal data (``ledger.household.Personal``), sealed
#: under its key (docs/privacy.md): as typed on the command line (``--member-name``) and as
#: read from a file. Every other recorded text is stored in clear, for good.
PERSONAL_FIELDS = frozenset(
    {"head_name", "id_card", "phone", "address", "member_names", "member_name"}
)
#: A digit as typed: ASCII or full-width (a Chinese input method's ``１``).
_ANY_DIGIT = re.compile("[0-9\uff10-\uff19]")
#: The fewest digits a personal number has: a mobile number's 11 (an ID card has 17 or 18).
#: Only these digits become digits when a text is ``folded``, so a text with fewer holds none
#: (an import checked every text of every row by folding it: a third of its time at 50 k rows).
_FEWEST_DIGITS = 11
#: What joins the digits of one number as people write it (``folded``): blanks (U+3000,
#: U+00A0 and every other white space, made `` ``), ``-`` (dashes, minus signs and the
#: full-width ``－`` made ``-``) and ``.`` (``．`` made ``.``); other invisible characters
#: (zero-width space, default ignorables) are left out.
_NUMBER_RUN = re.compile(
    r"(?<![0-9])[0-9]+(?:[ .\-/_]{1,3}[0-9]+)*(?:[ .\-/_]{0,3}X(?![0-9]))?", re.ASCII
)
_GROUP = re.compile(r"[0-9]+|X", re.ASCII)
#: An 11-digit mainland mobile number: 1, then 3-9, then 9 digits.
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
#: What shows that a mobile number is a phone (``check_no_personal_data``): a cue near it,
#: before or after it (``_CUE``, ``_CUE_AFTER``), the Latin ones in any case (full-width
#: letters read as ASCII, ``folded``) and not part of a longer word (``hotel`` is no ``tel``).
#: ``电话`` alone is a cue, so ``电话回访`` (a phone follow-up) is one too; ``电话费`` (a phone
#: bill, paid by a voucher) is none. Since session 24's second re-test: ``电联``, ``联系号码``,
#: ``号码``, ``微信``, ``手提``, ``拨打``, ``致电`` and the traditional ``電話``, ``手機``.
_CUE_WORDS = (
    r"(?:电话号码|联系电话|联系方式|联系号码|手机号码|手机号|電話號碼|手機號碼|手機號|"
    r"电话(?!费)|電話(?!費)|手机|手機|联系人|电联|号码|號碼|微信|手提|拨打|致电|"
    r"(?<![A-Za-z])(?:tel|phone|mobile)(?:[ .]?(?:number|no))?(?![A-Za-z])\.?)"
)
#: How many characters may stand between a cue and the number (since session 24: a street
#: officer's ``电话回访13640094139``, ``手机号为…``, ``…为户主手机``, ``打…电话`` passed).
_CUE_GAP = 6
_CUE = re.compile(_CUE_WORDS, re.IGNORECASE)
_CUE_AFTER = re.compile(rf"[^\n]{{0,{_CUE_GAP}}}?" + _CUE_WORDS, re.IGNORECASE)
#: What shows that a number is a document's (since session 24's second re-test: a voucher of
#: a phone bill or a contract to mend a phone was refused, ``手机话费记账凭证18120300015``):
#: one of these words within ``_CUE_GAP`` characters before it, ending no further from it
#: than the nearest cue (``发票号码…`` is a document's, its ``号码`` no cue), ``第`` right
#: before it; or ``号`` right after it (``电话会议纪要17030100012号``).
_DOCUMENT_WORDS = (
    r"(?:(?:凭证|憑證|发票|發票|合同|编号|編號|单号|單號|票号|票號|文号|文號|纪要|紀要)"
    r"(?:号码|號碼|号|號)?)"
)
_DOCUMENT = re.compile(_DOCUMENT_WORDS)
_ORDINAL = re.compile(r"第 {0,3}$")
_NUMBER_SIGN = re.compile(r" {0,3}[号號](?![码碼])")
#: How far before or after a number a cue is looked for (its longest and the gap, and more).
_CUE_REACH = 32
#: ... or the country code ``+86``, ``0086``, ``(86)`` or ``(+86)`` before it (a bare ``86``
#: apart from it counts only with a cue near: ``人数86 18120300015`` is no phone).
_COUNTRY_CODE = re.compile(r"(?:\+|00)86[ .\-]{0,3}$|[(（]\+?86[)）][ .\-]{0,3}$", re.ASCII)
#: Read as ``X``: the check character of an ID card, as typed in either width and case, and
#: ``×`` or the Cyrillic ``Х`` typed for it (since session 24's second re-test).
_CHECK_X = frozenset("Xx\uff38\uff58\u00d7\u0425\u0445")


def folded(text: str) -> tuple[str, list[int]]:
    """``text`` with its numbers written plainly, as ``check_no_personal_data`` reads them:
    full-width digits made ASCII, ``Ｘ``/``x`` made ``X``, white space made `` ``, dashes
    ``-``, ``．`` ``.``, other invisible characters left out; and for each character kept,
    where it was in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for place, typed in enumerate(text):
        if "\uff10" <= typed <= "\uff19":
            char = chr(ord(typed) - 0xFF10 + 0x30)
        elif typed in _CHECK_X:
            char = "X"
        elif typed.isspace():
            char = " "
        elif typed == "\uff0e":
            char = "."
        elif typed in "\uff0f\uff3f":  # ／ ＿
            char = chr(ord(typed) - 0xFEE0)
        elif "\uff21" <= typed <= "\uff3a" or "\uff41" <= typed <= "\uff5a":
            char = chr(ord(typed) - 0xFEE0)  # ＴＥＬ, Ｔｅｌ
        elif typed == "\uff0d" or is_dash(typed):
            char = "-"
        elif is_invisible(typed):
            continue
        else:
            char = typed
        chars.append(char)
        where.append(place)
    return "".join(chars), where


_IN_CLEAR = (
    "text outside the personal fields is stored in clear for good and never erased; personal "
    "data goes only into a household's sealed personal fields (head name, ID card, phone, "
    "address, member names); refer to a household by its number and a helper by its key"
)


def check_no_personal_data(field: str, text: str) -> None:
    """Refuse free text the ledger records in clear (a reason, a note, a document, a summary,
    a scope, a description) that holds an ID-card number 身份证号 passing ``id_card_problem``
    (checksum, birth date) or a mainland mobile number 手机号 written as a phone (since session
    24: an erasure's reason kept a head's ID card and phone in clear for good, shown unmasked
    to analysts). The refusal says where, never the number.

    A number is read as people write it (``folded``): digits in either width, joined by up to
    three blanks, ``-`` or ``.`` (``440704 19800101 1230``), a zero-width character anywhere.
    An ID card is 18 of them (the last may be ``X``) made of whole groups of such a run. A
    mobile number is 11 (``1[3-9]`` and 9 more) made of whole groups, refused only where the
    text shows it is a phone: a cue within ``_CUE_GAP`` characters before or after it
    (``_CUE``, ``_CUE_AFTER``: ``电话回访13640094139``, ``13640094139为户主手机``),
    a country code (``+86``/``0086``/``86``), or grouped 3-4-4 (``138 0013 8000``). A bare
    11-digit number passes (no cue near it): an accounting voucher 记账凭证 or a contract
    number is often yymmdd and a serial."""
    if field in PERSONAL_FIELDS:
        return
    found = personal_number(text)
    if found is not None:
        raise InputError(field, f"holds {found[0]} ({found[1]}): {_IN_CLEAR}")


def personal_number(text: str) -> tuple[str, str] | None:
    """The first ID-card or mobile phone number in ``text`` as ``check_no_personal_data``
    reads them, said without its digits: what it is (``an ID-card number``) and where
    (``characters 1-18``); or None."""
    if len(_ANY_DIGIT.findall(text)) < _FEWEST_DIGITS:
        return None  # too few digits for either (most texts: 江高发〔2016〕4号), not folded
    plain, where = folded(text)
    for run in _NUMBER_RUN.finditer(plain):
        groups = list(_GROUP.finditer(run[0]))
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                digits += groups[last][0]
                if len(digits) > 15 + 3:
                    break
                at = run.start() + groups[first].start()
                lengths = [len(group[0]) for group in groups[first : last + 1]]
                end = run.start() + groups[last].end()
                what = _personal_number(plain, (at, end), digits, lengths)
                if what is None:
                    continue
                said = f"characters {where[at] + 1}-{where[end - 1] + 1}"
                if what == "a mobile phone number":
                    said += ": 11 digits from 13… to 19…, written as a phone"
                return what, said
    return None


def _personal_number(
    plain: str, span: tuple[int, int], digits: str, lengths: list[int]
) -> str | None:
    """What the number ``digits`` of folded text ``plain`` at ``span`` (its groups of
    ``lengths``) is: an ID-card number, a mobile phone number, or None."""
    if len(digits) == 18 and id_card_problem(digits) is None:
        return "an ID-card number"
    if "X" in digits:
        return None
    at = span[0]
    if len(digits) in (13, 15):  # written with the country code 86 or 0086, joined or apart
        code = len(digits) - 11
        if digits[:code] not in ("86", "0086") or _MOBILE.fullmatch(digits[code:]) is None:
            return None
        # 0086, +86 and 86 joined to the number are a country code; a bare 86 apart from it
        # (``人数86 18120300015``) only with a cue near (since session 24's second re-test).
        if code == 4 or lengths[0] > 2 or plain[at - 1 : at] == "+":
            return "a mobile phone number"
        return "a mobile phone number" if _phone_cue(plain, span) else None
    if len(digits) != 11 or _mobile_or_none(digits) is None:
        return None
    if _COUNTRY_CODE.search(plain, max(0, at - _CUE_REACH), at):
        return "a mobile phone number"
    if lengths == [3, 4, 4] or _phone_cue(plain, span):
        return "a mobile phone number"
    return None


def _phone_cue(plain: str, span: tuple[int, int]) -> bool:
    """Whether a phone cue stands within ``_CUE_GAP`` characters before or after the number
    at ``span`` of ``plain``, and no document's word or sign marks it as a document's number
    (``_DOCUMENT``: one before it no further than the nearest cue, ``第`` right before it,
    ``号`` right after it)."""
    at, end = span
    start = max(0, at - _CUE_REACH)
    before = plain[start:at]
    line = before.rfind("\n") + 1
    cue = max((m.end() for m in _CUE.finditer(before, line)), default=-1)
    document = max((m.end() for m in _DOCUMENT.finditer(before, line)), default=-1)
    if (
        _ORDINAL.search(before)
        or _NUMBER_SIGN.match(plain, end)
        or (document >= 0 and len(before) - document <= _CUE_GAP and document >= cue)
    ):
        return False
    near_before = cue >= 0 and len(before) - cue <= _CUE_GAP
    return near_before or _CUE_AFTER.match(plain, end, end + _CUE_REACH) is not None


def _mobile_or_none(digits: str) -> str | None:
    return "a mobile phone number" if _MOBILE.fullmatch(digits) else None


#: Fields typed on one line, which hold no tab or line break either (``check_shown_whole``):
#: a control character in one is told their rule (tester I, session 22).
_ONE_LINE = frozenset({"head_name", "member_names", "address"})


#: How much of a value typed wrong a refusal quotes: a cell of 32,000 characters is not
#: echoed whole (tester F, session 18: its refusal was one line of 32,083 characters).
QUOTED_CHARS = 60


def quoted(text: str) -> str:
    """``text`` as a refusal quotes it: whole, or its first ``QUOTED_CHARS`` characters;
    whole if it holds an ID-card or a phone number (``personal_number``), so that the refusal
    is said without it (``ledger.errors.unquoted``) rather than with part of it."""
    if len(text) <= QUOTED_CHARS or personal_number(text) is not None:
        return repr(text)
    return f"{text[:QUOTED_CHARS]!r}… ({len(text):,} characters)"


def check_whole_number(field: str, number: int) -> None:
    """Refuse a whole number no event or query can hold (each command's own rules then bound
    it far closer: 1 to 100 members, a programme year...)."""
    if not -LARGEST_WHOLE <= number <= LARGEST_WHOLE:
        raise InputError(field, f"{number} is out of range ({WHOLE_RANGE})")


#: A whole number as typed: an optional ``-``, then ASCII digits and nothing else (no ``_``,
#: ``+``, ``.0``: Python's and pydantic's int() read ``1_0`` as 10, ``+2`` and ``3.0``).
_WHOLE_TEXT = re.compile(r"-?[0-9]+", re.ASCII)
#: Digits past which no whole number is in range (int() of 4,300 digits raises).
_WHOLE_DIGITS = len(str(LARGEST_WHOLE))


def parse_whole_number(text: str, field: str) -> int:
    """A whole number typed on the command line or in a cell: blanks around it, an optional
    ``-``, ASCII digits 0-9 and nothing else (since session 25: ``1_0`` was read as 10,
    ``3.0`` as 3, ``+2`` as 2, ``２０１８`` refused by typer without a word of its digits).
    One holding full-width digits or an invisible character is refused saying so
    (``typed_hint``). Only blanks (``WHOLE_BLANKS``) are stripped from its ends. Bytes that
    are not UTF-8 (typed in another encoding) are refused as every text option's are (since
    session 30, re-tester R: ``'\\udcff1' … U+DCFF UNNAMED, a character new keys are not
    written in``): a whole number is read before the command's text is checked."""
    _check_characters(field, text, recorded=False)
    plain = text.strip(WHOLE_BLANKS)
    if _WHOLE_TEXT.fullmatch(plain) is None:
        raise InputError(
            field, f"{quoted(text)} is not a whole number (digits 0-9 only){typed_hint(plain)}"
        )
    digits = plain.lstrip("-").lstrip("0")
    if len(digits) > _WHOLE_DIGITS:
        shown = (
            plain
            if len(plain) <= QUOTED_CHARS
            else f"{plain[:QUOTED_CHARS]}… ({len(plain):,} digits)"
        )
        raise InputError(field, f"{shown} is out of range ({WHOLE_RANGE})")
    number = int(digits or "0") * (-1 if plain.startswith("-") else 1)
    check_whole_number(field, number)
    return number


#: ASCII digits only: int() would also read full-width １:２:３.
_SHARES = re.compile(r"\d{1,6}(?::\d{1,6})*", re.ASCII)


#: A plain amount typed with more than 2 decimals (``1234.565``), ASCII digits only (named
#: apart from ``_TOO_FINE``, a time's: until session 34 it had the same name, and a time's
#: check read this one: ``09:00:00.003+08`` was told it had more than 6 digits of a second).
_TOO_MANY_DECIMALS = re.compile(r"\d{1,3}(?:,?\d{3})*\.(?P<decimals>\d{3,})", re.ASCII)


def parse_yuan(text: str, field: str = "amount", negative: str = "") -> int:
    """Parse ``1234.56`` or ``1,234.56`` (yuan) into integer fen; refuse negatives, 3+
    decimals, NaN, floats, commas that do not group thousands. ``negative``: what the refusal
    of a negative amount advises, as fits the command (``ALLOCATION_SIGN``, ``PAYMENT_SIGN``
    of ``ledger.funds``); by default only that an amount is never negative. An amount holding
    full-width digits (``５``, a Chinese input method's) or an invisible character is refused
    saying so (``typed_hint``; since session 22). ``-0`` is 0, taken or refused as 0 is (since
    session 28, as a cell's -0.0 since session 22: tester A was told a payment of -0 was
    negative, which it is not; 0.00 is told that a disbursement is a positive amount)."""
    match = _MONEY.fullmatch(text.strip())
    if match is None and _signed_zero(text):
        return 0
    if match is None:
        sign_or_unit = _currency_said(text, negative)
        if sign_or_unit:  # tester E, session 27: ¥100 was "a character new keys are not …"
            raise InputError(field, sign_or_unit)
        fine = _TOO_MANY_DECIMALS.fullmatch(text.strip())
        if fine is not None:  # tester N, session 21: said as vaguely as any other text
            raise InputError(
                field,
                f"{quoted(text)} has {len(fine['decimals'])} decimals, and amounts are to the "
                "fen (0.01 yuan): give at most 2",
            )
        hint = _sign_hint(text, negative) or _punctuation_hint(text)
        raise InputError(
            field,
            f"{quoted(text)} is not an amount in yuan with at most 2 decimals "
            f"(commas only between thousands){hint or _amount_hint(text.strip())}",
        )
    digits = match["yuan"].replace(",", "").lstrip("0")
    # Past 18 digits no amount is in range (and int() of thousands of digits is slow).
    fen = 10**20 if len(digits) > 18 else int(digits or "0") * 100
    fen += int((match["fen"] or "0").ljust(2, "0"))
    if fen > MAX_FEN:
        raise InputError(
            field,
            f"{quoted(text)} exceeds the largest amount the ledger accepts "
            f"({format_yuan(MAX_FEN, grouped=True)} yuan)",
        )
    return fen


#: Yuan's currency signs an amount may be typed with, as NFKC makes them (￥ is ¥), before
#: or after its digits (``100RMB``, ``100 人民币``, ``100¥``: since session 27, re-tester G).
_CURRENCY_SIGNS = ("人民币", "RMB", "CNY", "¥")
#: Other currencies' signs and units (NFKC, upper case), longest first where one ends another:
#: an amount so typed is no yuan, and no figure in yuan is offered (re-tester G: ``$100`` was
#: told "this one: 100.00", ``100美元`` that it held the unit '元').
_FOREIGN = (
    *("US$", "HK$", "NT$", "MOP$", "$", "€", "£", "₩", "USD", "HKD", "EUR", "GBP", "JPY", "TWD"),
    *("MOP", "美元", "美金", "港元", "港币", "港幣", "欧元", "歐元", "英镑", "日元", "台币"),
    *("新台币", "澳门元", "韩元", "円"),  # 円: the yen (session 28: 100円 was "not an amount")
)
#: Yuan's signs and codes and its name in letters (NFKC, upper case): what a number format
#: shows beside an amount's digits as yuan, not as a code's letters (``"RMB"0.00``,
#: ``[$CNY]0.00``, ``0.00" yuan"``; cli.xlsx_number_formats). Another currency's are no yuan
#: there either, as typed (``FOREIGN_CURRENCIES``: since session 31, tester l, before which
#: ``$#,##0.00`` and ``"US$"0.00`` were read as yuan, taken with these).
CURRENCY_WORDS = frozenset({*_CURRENCY_SIGNS, "YUAN"})
#: Other currencies' signs and codes, longest first where one ends another: a number format
#: showing one beside an amount's digits is refused (cli.xlsx_number_formats._foreign_sign).
FOREIGN_CURRENCIES = _FOREIGN
#: Units an amount may be typed with at its end, longest first, and how many yuan each is.
_UNITS: tuple[tuple[str, int], ...] = (
    ("万亿元", 10**12),  # fuzzer Q, session 27: 0.5万亿 was said to hold the unit '亿'
    ("万亿", 10**12),
    ("万元整", 10_000),  # re-tester M, session 27: 100万元整 was said to hold '元整', no figure
    ("亿元整", 10**8),
    ("万元", 10_000),
    ("亿元", 10**8),
    ("元整", 1),
    ("块钱", 1),
    ("万", 10_000),
    ("亿", 10**8),
    ("元", 1),
    ("块", 1),
    ("YUAN", 1),  # session 28: "100 yuan" was refused for its space, not its unit
)
#: How an amount is written, as the refusal of one with a sign or unit says.
AMOUNT_AS_TYPED = "an amount is digits in yuan, with no currency sign or unit, e.g. 1234.50"


def _currency_said(text: str, negative: str = "") -> str:
    """Why ``text`` is no amount, if a currency sign or a unit is what stops it (``¥100``,
    ``100元``, ``159.2万``, ``￥1,234.50``: since session 27, tester E; a sign after the digits,
    ``100RMB``, ``100 ¥``, and another currency's, ``$100``, ``100美元``, ``100 USD``, since its
    re-test), with the amount in yuan written plainly when the rest is one and in yuan; ""
    otherwise. A minus sign before or after the currency sign (``-¥100``, ``¥-100``) is said
    as ``_sign_hint`` says it, with ``negative`` (since session 28)."""
    plain = unicodedata.normalize("NFKC", text).strip()
    upper = plain.upper()
    foreign = next((f for f in _FOREIGN if upper.startswith(f) or upper.endswith(f)), "")
    if foreign:
        typed = _as_typed_in(text, foreign)
        return (
            f"{quoted(text)} is in another currency ({typed!r}), not yuan: the ledger records "
            "amounts in yuan (人民币); convert it, and type the yuan as digits with no currency "
            "sign or unit, e.g. 1234.50"
        )
    minus, sign, rest = "", "", plain
    if plain[:1] and plain[:1] in "-−":  # session 28: -¥100 was told of its sign only
        minus, plain, upper = plain[0], plain[1:].lstrip(), upper[1:].lstrip()
        rest = plain
    for s in _CURRENCY_SIGNS:
        if upper.startswith(s):
            sign, rest = plain[: len(s)], plain[len(s) :].strip()
            break
    if not minus and rest[:1] and rest[:1] in "-−":  # ¥-100
        minus, rest = rest[0], rest[1:].lstrip()
    unit, times = "", 1
    for u, n in _UNITS:
        if rest.upper().endswith(u):
            unit, times, rest = u, n, rest[: len(rest) - len(u)].strip()
            break
    if not sign:
        for s in _CURRENCY_SIGNS:
            if rest.upper().endswith(s):
                sign, rest = rest[len(rest) - len(s) :], rest[: len(rest) - len(s)].strip()
                break
    if not sign and not unit:
        return ""
    if sign:
        sign = _as_typed_in(text, sign)
    if unit:
        unit = _as_typed_in(text, unit)
    held = " and ".join(
        part
        for part in (
            f"the currency sign {sign!r}" if sign else "",
            f"the unit {unit!r}" + (f" ({times:,} yuan)" if times > 1 else "") if unit else "",
        )
        if part
    )
    said = f"{quoted(text)} holds {held}: {AMOUNT_AS_TYPED}"
    match = _MONEY.fullmatch(rest)
    if minus:
        return f"{said}; an amount is never negative" + (f" ({negative})" if negative else "")
    if match is None:
        return said
    yuan = Decimal(match["yuan"].replace(",", "") + "." + (match["fen"] or "0")) * times
    if yuan != yuan.quantize(Decimal("0.01")) or yuan * 100 > MAX_FEN:
        return said
    return f"{said} (this one: {format_yuan(int(yuan * 100))})"


def _as_typed_in(text: str, sign: str) -> str:
    """``sign`` (NFKC, any case) as ``text`` holds it: ``￥``, not the ``¥`` NFKC makes it."""
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + 2 * len(sign)) + 1):
            if unicodedata.normalize("NFKC", text[start:end]).upper() == sign.upper():
                return text[start:end]
    return sign


#: Chinese punctuation an amount is typed with by an input method: its comma, enumeration
#: comma and full stops, as the ASCII an amount is written with.
_CHINESE_MARKS = str.maketrans({"，": ",", "、": ",", "。": ".", "．": "."})


def _punctuation_hint(text: str) -> str:
    """What a refusal of ``text`` adds if it is an amount typed with Chinese punctuation
    (``1，000``, ``100。5``): the amount in ASCII (since session 37, tester k F3: it was told
    only "commas only between thousands", of a comma it did not see as one)."""
    plain = text.strip().translate(_CHINESE_MARKS)
    if plain == text.strip() or _MONEY.fullmatch(plain) is None:
        return ""
    marks = "".join(sorted({c for c in text if c in "，、。．"}))
    return f"; it holds Chinese punctuation ({marks}): type it as {plain}"


def _amount_hint(text: str) -> str:
    """What a refusal of ``text`` as an amount adds of what it holds: ``typed_hint``'s advice,
    but a suggestion only if it is an amount itself, and a character of another script told
    as no amount's, not a key's (since session 27, re-tester G)."""
    hint = typed_hint(text)
    if not hint:
        return ""
    hint = hint.replace(", a character new keys are not written in", ", which no amount has")
    hint = hint.replace(", which new keys are not written with", ", which no amount has")
    suggested = re.search(r": '(.*)'\?\)$", hint)
    if suggested is not None and _MONEY.fullmatch(suggested[1]) is None:
        return hint[: suggested.start()] + ")"
    return hint


def _signed_zero(text: str) -> bool:
    """Whether ``text`` is zero with a minus sign before it (``-0``, ``-0.00``, ``−0``)."""
    plain = text.strip()
    match = _MONEY.fullmatch(plain[1:]) if plain[:1] in ("-", "−") else None
    return match is not None and not (match["yuan"] + (match["fen"] or "")).strip("0,")


def _sign_hint(text: str, negative: str) -> str:
    """What a refusal of ``text`` adds if it is an amount with a minus sign: amounts are never
    negative, and ``negative`` if given (since session 22 as fits the command: a payment of
    -5 was told that money paid out is recorded with fund disburse)."""
    plain = text.strip()
    if plain[:1] not in "-−" or _MONEY.fullmatch(plain[1:]) is None:
        return ""
    return "; an amount is never negative" + (f" ({negative})" if negative else "")


def format_yuan(fen: int, grouped: bool = False) -> str:
    """``123456`` fen -> ``"1234.56"`` (``grouped``: ``"1,234.56"``); exact, with a sign for
    negative balances in reports. Ungrouped, it is the text import reads back exactly."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{part:02d}" if grouped else f"{sign}{whole}.{part:02d}"


def yuan_to_fen(amount: Decimal, field: str = "amount") -> int:
    """An exact Decimal amount of yuan into fen; refuses sub-fen precision."""
    try:
        fen = amount * 100
        if not fen.is_finite() or fen != fen.to_integral_value() or fen < 0:
            raise InputError(field, f"{amount} is not a non-negative amount with 2 decimals")
    except InvalidOperation as exc:
        raise InputError(field, f"{amount} is not a number") from exc
    return int(fen)


def parse_date(text: str, field: str = "date") -> date:
    """An ISO 8601 calendar date written in full, ``2016-07-26`` (not ``20160726``), or the
    same day written in Chinese, ``2016年7月26日`` (since session 27: a 台账 column formatted so
    reaches a CSV as that text, and ``-e 2017年6月3日`` was refused with no hint). A refusal
    says what else the text holds (``_date_hint``)."""
    chinese = _CHINESE_DATE.fullmatch(text.strip())
    if chinese is not None:
        try:
            return date(*(int(part) for part in chinese.groups()))
        except ValueError as exc:  # 2018年2月30日
            raise InputError(field, f"{quoted(text)} is no day of the calendar ({exc})") from None
    if not _DATE.fullmatch(text.strip()):
        slashed = _SLASHED_DATE.fullmatch(text.strip())
        hint = (
            "; YYYY/M/D is read in a spreadsheet's cell only: type "
            + str(_on_calendar(*slashed.groups()) or "YYYY-MM-DD")
            if slashed is not None
            else _date_hint(text)
        )
        raise InputError(field, f"{quoted(text)} is not a date {DATES}{hint}")
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:  # written right, but no day of the calendar: 2017-02-30
        raise InputError(field, f"{quoted(text)} is no day of the calendar ({exc})") from None


def parse_cell_date(text: str, field: str = "date") -> date:
    """A date typed in a spreadsheet's cell (an import's CSV or workbook, not JSONL nor the
    command line): ISO 8601 (``2018-12-15``), or year first with slashes and one or two
    digits of month and day (``2018/12/15``, ``2018/3/5``), as Excel's CSV writes a date cell
    in the Chinese locale (since session 23). Nothing else: ``15/12/2018`` (day first) and
    ``12/15/18`` (which?) are refused, as are dots; ``2018年12月1日`` is read (``parse_date``,
    since session 27).

    Since session 23 a time of midnight after it (``2018/12/15 0:00``, ``2018-12-15
    00:00:00``) is no part of it: Excel's CSV writes so a date cell formatted with a time,
    whose day the workbook's cell is read as (``ledger.commands._date``). Another time is
    refused saying so: a time typed is no day's midnight, and the ledger records the day
    alone. A refusal says what else the text holds (``_date_hint``)."""
    cleaned = text.strip()
    midnight = _MIDNIGHT.fullmatch(cleaned)
    if midnight is not None:
        cleaned = midnight[1]
    slashed = _SLASHED_DATE.fullmatch(cleaned)
    if slashed is None:
        if not (_DATE.fullmatch(cleaned) or _CHINESE_DATE.fullmatch(cleaned)):
            raise InputError(field, f"{quoted(text)} is not a date {CELL_DATES}{_date_hint(text)}")
        return parse_date(cleaned, field)
    try:
        return date(*(int(part) for part in slashed.groups()))
    except ValueError as exc:  # 2017/2/30
        raise InputError(field, f"{quoted(text)} is no day of the calendar ({exc})") from None


#: The dates the command line and JSONL take (``parse_date``; since session 27, re-tester G,
#: the refusal names both: it named only YYYY-MM-DD).
DATES = "YYYY-MM-DD (ISO 8601) or YYYY年M月D日"
#: The dates a spreadsheet's cell may be typed as (``parse_cell_date``).
CELL_DATES = (
    "YYYY-MM-DD (ISO 8601), YYYY/M/D (year first, as Excel's CSV writes it) or YYYY年M月D日"
)
#: A cell's date followed by a time of midnight, as Excel's CSV writes a date-time cell
#: (``2018/12/15 0:00``): ``parse_cell_date`` reads the date.
_MIDNIGHT = re.compile(r"(\S+) +0?0:00(?::00)?", re.ASCII)
#: A date followed by a time of day (``2018/12/15 14:30``, ``2018-12-15T08:00:00``).
_TIMED = re.compile(
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}(?: +|T)(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII | re.IGNORECASE,
)
#: A date with a time zone and no time (``2016-09-01+08:00``), pasted from another system.
_ZONED = re.compile(r"\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}(?::?\d{2})?)", re.ASCII | re.IGNORECASE)


def _china_day(text: str) -> str:
    """The day in China of a time with its zone (``2016-09-01T02:00Z``: 2016-09-01; ``…T20:00Z``:
    2016-09-02), "" if it is no time Python reads."""
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1).replace("z", "Z"))
    except ValueError:
        return ""
    return moment.astimezone(CHINA).date().isoformat() if moment.tzinfo else ""


def _date_hint(text: str) -> str:
    """What a refusal of ``text`` as a date adds: that it holds a time, or spaces, invisible
    or full-width characters (``typed_hint``, as an amount's or a key's refusal says; since
    session 23 a date's too: ``２０１９-12-30`` was told only the forms read)."""
    timed = _TIMED.fullmatch(text.strip())
    if timed is not None and timed["zone"]:
        # since session 37 (tester j F04: a time with its zone had no hint): the day in China,
        # which a time in another zone near midnight is not the day it names
        day = _china_day(text.strip())
        said = f"{timed[1]}{timed['zone']}"
        return f"; it holds a time ({said}): give the date alone" + (
            f", the day in China ({day})" if day else ""
        )
    if timed is not None:
        return f"; it holds a time ({timed[1]}): give the date alone"
    zoned = _ZONED.fullmatch(text.strip())
    if zoned is not None:
        return f"; it holds a time zone ({zoned[1]}): give the date alone"
    month = _MONTH_ALONE.fullmatch(text.strip())
    if month is not None:  # since session 27 (re-tester G: 2016年8月 was told only the forms)
        year, number = month["year"] or month["y"], month["month"] or month["m"]
        first = _on_calendar(year, number, "1")
        example = f"{first}, {_chinese_day(first)}" if first else "YYYY-MM-DD, YYYY年M月D日"
        return f"; a day is missing: it names a month; give the day too ({example})"
    if _NUMERAL_DATE.fullmatch(text.strip()):
        return "; write the year, month and day in digits 0-9 (2016年8月1日)"
    short = _SHORT_DATE.fullmatch(text.strip())
    if short is not None:
        year, number = short["year"] or short["y"], short["month"] or short["m"]
        day = short["day"] or short["d"]
        found = _on_calendar(year, number, day)
        if found is None:  # session 28: 2016-8-40 was told to write its day in two digits
            return f"; and it names no day of the calendar ({_no_such_day(year, number, day)})"
        if short["hao"]:
            return f"; write 日 after the day, not 号 ({_chinese_day(found)})"
        return f"; give the month and the day in two digits ({found})"
    return typed_hint(text.strip())


def _on_calendar(year: str, month: str, day: str) -> date | None:
    """The day, if it is on the calendar: a hint suggests nothing that is refused."""
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _no_such_day(year: str, month: str, day: str) -> str:
    """Why ``year``-``month``-``day`` is no day: the month, or the days the month has."""
    if not int(year):
        return "no year 0"
    if not 1 <= int(month) <= 12:
        return f"no month {int(month)}"
    if not int(day):
        return "no day 0"
    days = calendar.monthrange(int(year), int(month))[1]
    return f"month {int(month)} of {int(year)} has {days} days, not {int(day)}"


def _chinese_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


#: A month with no day (``2016年8月``, ``2016-08``): ``_date_hint`` says the day is missing.
_MONTH_ALONE = re.compile(
    r"(?P<year>\d{4}) *年 *(?P<month>\d{1,2}) *月|(?P<y>\d{4})[-/](?P<m>\d{1,2})", re.ASCII
)
#: A day written with one-digit month or day (``2016-8-1``), or with 号 (``2016年8月1号``).
_SHORT_DATE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"|(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})(?P<hao>号)",
    re.ASCII,
)
#: A date written in Chinese numerals (``二〇一六年八月一日``).
_NUMERAL_DATE = re.compile(
    r"[〇零○一二三四五六七八九十]+年[〇零○一二三四五六七八九十]+月(?:[〇零○一二三四五六七八九十]+[日号])?"
)


def parse_timestamp(text: str, field: str = "timestamp") -> datetime:
    """An ISO 8601 timestamp in the extended form (``2016-07-26``, ``2016-07-26T10:00``,
    ``2016-07-26 10:00:00+08:00``, ``…Z``), from 1970; without an offset it is read as China
    Standard Time (UTC+8); a bare date means the end of that day. Python would also read the
    basic form (``20160726``: the start of the day) or week dates: refused, so one spelling has
    one meaning. A date or time written right but not on the calendar or the clock is said to
    be that, as ``parse_date`` says it (tester G, session 18)."""
    cleaned = text.strip()
    if _CHINESE_DATE.fullmatch(cleaned):  # a day written in Chinese: its end, as 2016-07-26
        cleaned = parse_date(cleaned, field).isoformat()
    if not _TIMESTAMP.fullmatch(cleaned):
        if _TOO_FINE.search(cleaned):  # valid ISO 8601, finer than the ledger records
            raise InputError(
                field,
                f"{quoted(text)}: the ledger records times to the microsecond; give at most 6 "
                "digits after the seconds' point (as fupin history and log print them)",
            )
        raise InputError(
            field,
            f"{quoted(text)} is not an ISO 8601 date or timestamp (YYYY-MM-DD or YYYY年M月D日, "
            f"or YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+08:00]){_timestamp_hint(text)}",
        )
    try:
        day = date.fromisoformat(cleaned[:10])
    except ValueError as exc:  # 2017-02-29
        raise InputError(field, f"{quoted(text)} is no day of the calendar ({exc})") from None
    if day.year < 1969:  # before 1970 whatever its offset (at most ±23:59)
        raise InputError(field, f"{quoted(text)} is before 1970: give a time from 1970 on")
    if len(cleaned) == 10:
        return _from_1970(text, datetime.combine(day, time.max, CHINA_STANDARD_TIME), field)
    offset = _OFFSET.search(cleaned)
    if offset is not None and (int(offset[2]) > 23 or int(offset[3]) > 59):
        raise InputError(
            field,
            f"{quoted(text)}: {offset[1]}{offset[2]}:{offset[3]} is no offset from UTC (at most "
            "±23:59; China's is +08:00)",
        )
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError as exc:  # 24:00, 10:61
        raise InputError(field, f"{quoted(text)} is no time of the clock ({exc})") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA_STANDARD_TIME)
    return _from_1970(text, value, field)


def _timestamp_hint(text: str) -> str:
    """What is wrong with ``text``, refused as a timestamp, if it is a common slip: a date's
    (``_date_hint``), an offset from UTC written otherwise than ``+08:00`` (``+08``, ``+0800``,
    ``UTC``: psql prints a timestamptz ``… 09:00:00.003+08``), a time of one-digit hours or
    minutes, or characters typed otherwise; "" if none. Since session 34 (tester b): a time was
    judged as a date (``2018-06-13 9:00`` was told to give the date alone, which a time's
    option does not want) and a date and time apart were glued in the hint."""
    cleaned = text.strip()
    if _LOWER_T_Z.fullmatch(cleaned):  # RFC 3339 allows them (re-tester r, session 34)
        return "; write T and Z in capitals (2026-12-01T09:00:00Z)"
    split = _DATE_AND_CLOCK.fullmatch(cleaned)
    if split is None:
        return _date_hint(text)
    day, clock = split["day"], split["clock"]
    if _ISO_DAY.fullmatch(day) and _ZONE_SPELLED.fullmatch(clock):
        return (
            "; write its offset from UTC as +08:00 (hours, a colon, minutes) or Z for UTC; a "
            "time with none is read as China's (UTC+8)"
        )
    typed = typed_hint(f"{day}T{clock}")  # full-width digits, invisible characters: said whole
    if typed:
        return typed
    if not _ISO_DAY.fullmatch(day):
        return _date_hint(day)
    if _SHORT_CLOCK.fullmatch(clock):
        return "; give the hours, minutes and seconds in two digits each (09:05, 09:05:00)"
    return ""


#: A timestamp right but for a lowercase ``t`` or ``z`` (``2026-12-01t09:00:00z``).
_LOWER_T_Z = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[Zz]|[+-]\d{2}:\d{2})?",
    re.ASCII,
)
#: A date and a time apart as a timestamp writes them (``T`` or one space), as typed.
_DATE_AND_CLOCK = re.compile(r"(?P<day>[^T ]+)[T ](?P<clock>.+)")
#: A date as a timestamp writes it.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
#: A time whose offset from UTC is written as the ledger does not read it: ``+08``, ``+0800``,
#: ``+8:00``, ``UTC``, ``GMT+8``, ``CST``, or apart from the time (``09:00 Z``).
_ZONE_SPELLED = re.compile(
    r"\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
    r"(?:\s*[+-](?:\d{1,2}|\d{3,4}|\d:\d{2})|\s+(?:Z|[+-]\d{2}:\d{2})"
    r"|\s*(?:UTC|GMT|CST)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)\s*",
    re.ASCII | re.IGNORECASE,
)
#: A time of one-digit hours, minutes or seconds (``9:00``, ``09:5``).
_SHORT_CLOCK = re.compile(
    r"\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?", re.ASCII
)


def _from_1970(text: str, value: datetime, field: str) -> datetime:
    """``value`` (typed as ``text``) if it is an instant from 1970-01-01T00:00Z on: judged on
    the instant, not on the date typed (since session 24: ``1970-01-01T00:00+14:00``, which is
    1969 in UTC, was taken, and ``1969-12-31T23:00-05:00``, 1970 in UTC, refused)."""
    if value < _EPOCH:
        utc = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        raise InputError(
            field, f"{quoted(text)} is before 1970: give a time from 1970 on (it is {utc})"
        )
    return value


class ReadNow(datetime):
    """A ``--known-at`` read as "now" (``known_at_moment``): what is on record when the ledger
    is read, whose label is settled then (``projections.api.settle_known_at``): the moment it
    was read, or the latest recording time on record if a machine ahead recorded later than
    that. As a plain datetime it is the moment the option was read. ``typed``: the time typed
    when it was after that moment (None for today's date alone or now itself), ``text`` as typed:
    since session 27 one not after the latest recording time on record is taken as it is (a
    time pasted from ``history`` for an entry a machine ahead recorded), and one after both
    that and the clock allowance is refused (``not_come_yet``)."""

    typed: datetime | None = None
    text: str = ""

    @classmethod
    def at(cls, moment: datetime, typed: datetime | None = None, text: str = "") -> ReadNow:
        m = moment
        read = cls(m.year, m.month, m.day, m.hour, m.minute, m.second, m.microsecond, m.tzinfo)
        read.typed, read.text = typed, text
        return read


def not_come_yet(text: str, now: datetime, field: str = "known-at") -> InputError:
    """The refusal of a ``--known-at`` after both this machine's clock (beyond the clock
    allowance) and the latest recording time on record."""
    return InputError(
        field,
        f"{quoted(text)} has not come yet (it is {now.astimezone(CHINA).isoformat()} now, and "
        "no entry on record was recorded that late): a report is as known at a time that has "
        "come (leave --known-at out for what is known now)",
    )


def known_at_moment(text: str, field: str = "known-at") -> datetime:
    """``text`` (``--known-at``) as the recording time a report is as known at: a time that
    has come. One up to ``CLOCK_TOLERANCE`` ahead of this machine's clock is taken (a
    recording time pasted from ``history``, made on a machine a little ahead); today's date
    alone, whose end has not come, is now, and so is any time at or after now (since session
    25: a time a few minutes ahead was taken as it was and labelled the report, whose figures
    an entry recorded before then changed). Now is a ``ReadNow``, which keeps a time typed:
    ``settle_known_at``, reading the ledger, takes it as it is when an entry on record was
    recorded that late, and refuses it when it is also more than the allowance ahead (since
    session 27: a recording time pasted from ``history``, made on a machine ahead, was
    refused as not come yet). Before session 18 any time
    later today was taken and labelled the report, which showed other figures when run again
    at that time (``9999-12-31`` was read as now until session 17)."""
    moment = parse_timestamp(text, field)
    now = clock.now()
    alone = len(text.strip()) == 10 or _CHINESE_DATE.fullmatch(text.strip()) is not None
    if alone and moment.astimezone(CHINA).date() == now.astimezone(CHINA).date():
        return ReadNow.at(now)
    if moment > now:
        return ReadNow.at(now, moment, text)
    return ReadNow.at(now) if moment == now else moment


def parse_shares(text: str, field: str = "reduction_shares") -> tuple[int, ...]:
    """Yearly shares written like ``2:3:5`` (the plan's annual reduction plan 减贫计划)."""
    if not _SHARES.fullmatch(text.strip()):
        raise InputError(field, f"{quoted(text)} is not like 2:3:5")
    return tuple(int(part) for part in text.strip().split(":"))


def choice(value: str, options: Iterable[str], field: str) -> str:
    """``value`` if it is one of ``options``; otherwise a refusal listing them, and saying
    what it holds that no option does (``typed_hint``: `` working`` is not taken as
    ``working``, but the refusal says why; since session 22)."""
    allowed = tuple(options)
    if value not in allowed:
        raise InputError(field, f"{value!r} is not one of {', '.join(allowed)}{typed_hint(value)}")
    return value


def parse_area(value: str, field: str = "area") -> str:
    """An area as typed on the command line or in an import: ``rural`` or ``urban``, or its
    Chinese word (``AREA_WORDS``: 农村, 城镇, 城市), read as the English name it records; as
    ``是/否`` are read for a yes/no. Spaces around it are no part of it, in English as in
    Chinese, as around a yes/no (since session 23: `` 农村`` was read, `` rural`` refused).
    Anything else is refused, naming both."""
    area = named_as(value.strip(), AREAS, AREA_WORDS)
    if area not in AREAS:
        words = ", ".join(f"{name} ({'/'.join(_chinese(name))})" for name in AREAS)
        hint = _coded_hint(value, AREAS, AREA_WORDS)
        raise InputError(field, f"{value!r} is not one of {words}{hint}")
    return area


def named_as(typed: str, names: Sequence[str], words: Mapping[str, str]) -> str:
    """The one of ``names`` that ``typed`` is: the name (``_coded``), its Chinese term
    (``words``), or the two as a refusal lists them, the name and its term (``recognised 认定``,
    ``household 到户``: since session 28, refused and told to write ``'recognised认定'?``,
    refused too); ``typed`` itself otherwise."""
    name = _coded(words.get(typed, typed), names)
    parts = typed.split()
    if name in names or len(parts) != 2:
        return name
    for english, term in (parts, parts[::-1]):
        if term in words and _coded(english, names) == words[term]:
            return words[term]
    return typed


def _coded_hint(value: str, names: Sequence[str], words: Mapping[str, str]) -> str:
    """``typed_hint``'s advice on ``value``, its suggestion kept only if that is one of
    ``names`` (a refusal suggests nothing it would refuse)."""
    hint = typed_hint(value)
    suggested = re.search(r": '(.*)'\?\)$", hint)
    if suggested is not None and named_as(suggested[1], names, words) not in names:
        return hint[: suggested.start()] + ")"
    return hint


def _coded(typed: str, names: Iterable[str]) -> str:
    """The one of ``names`` that ``typed`` is, in any case of its letters and spelled with
    -ize for -ise (``Rural``, ``HOUSEHOLD``, ``recognized``, ``organization``: since session
    28 read as the name they spell, not refused); ``typed`` itself otherwise."""
    if not typed.isascii():  # ﬁnance, wor\u212aing: no look-alike is the plain word
        return typed
    key = _IZE.sub(r"is\1", typed.lower())
    return next((name for name in names if name == key), typed)


#: The -ize spellings of the -ise words coded values use (recognized, organization).
_IZE = re.compile(r"iz(e|ed|es|ing|ation)\b")


def _chinese(area: str) -> list[str]:
    return [word for word, name in AREA_WORDS.items() if name == area]


def parse_category(
    value: str,
    names: Sequence[str] = MEASURE_CATEGORIES,
    words: Mapping[str, str] = CATEGORY_WORDS,
    field: str = "category",
) -> str:
    """A coded value typed on the command line or in an import, one of ``names`` (a measure's
    category by default; a payment's are ``ledger.funds.FUND_USES``, and since session 26 an
    account's source, a helper's kind and an inspection's level are read by it too): its
    English name or its Chinese term (``words``: 医疗, 教育 …; 区财政; 企业; 区级), read as the
    English name it records, spaces around it no part of it, as an area is read
    (``parse_area``; since session 24: ``'医疗' is not one of industry, …``). Anything else is
    refused, listing each with its Chinese term."""
    # 互联网＋: the full-width plus a Chinese input method types (tester T, session 24)
    name = named_as(value.strip().replace("＋", "+"), names, words)
    if name not in names:
        hint = _coded_hint(value, names, words)
        raise InputError(field, f"{value!r} is not one of {named(names, words)}{hint}")
    return name


def named(names: Iterable[str], words: Mapping[str, str]) -> str:
    """Each of ``names`` with its Chinese terms (``medical 医疗, social 社会扶贫/社会``)."""
    shown = []
    for name in names:
        chinese = "/".join(word for word, english in words.items() if english == name)
        shown.append(f"{name} {chinese}" if chinese else name)
    return ", ".join(shown)


def visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only spaces, controls and invisible format
    characters (a zero-width space U+200B is no document number, and says no reason), nor
    the other characters that draw nothing (since session 23, re-test M: a Hangul filler
    U+3164, a blank Braille pattern U+2800, a combining mark with nothing to mark, U+1D159
    passed for a note, a document and a correction's reason): Unicode's default ignorable
    code points (``ledger.typed.is_invisible``), marks alone, and blank symbols."""
    return any(_draws(ch) for ch in text)


#: Symbols that draw nothing, beside the default ignorable code points.
_BLANK_SYMBOLS = frozenset("\U0001d159\u303f")  # a null notehead, the half fill space


def _draws(ch: str) -> bool:
    return (
        unicodedata.category(ch)[0] not in "CZM"
        and not is_invisible(ch)
        and ch not in _BLANK_SYMBOLS
    )


def _shows_nothing(text: str) -> str:
    """Why a text that is not blank to ``str.strip`` still says nothing; "" for a blank one."""
    if not text.strip():
        return ""
    return f": {text!r} shows nothing (spaces or invisible characters alone are refused)"


def check_says(field: str, text: str, rule: str, error: type[LedgerError] = RuleError) -> None:
    """Refuse a text that must say something (a correction's reason, the note of a re-set
    year) when it shows nothing (``visible``): blank, or spaces and invisible characters alone,
    as a document is refused. The refusal is ``rule`` (``a correction must say why``)."""
    if not visible(text):
        raise error(field, rule + _shows_nothing(text))


def require_text(value: str, field: str, max_length: int = 200) -> str:
    """A text of reasonable length that shows something (``visible``), stripped."""
    cleaned = value.strip()
    if not visible(cleaned):
        raise InputError(field, "must not be empty" + _shows_nothing(cleaned))
    if len(cleaned) > max_length:
        raise InputError(field, f"must be at most {max_length} characters")
    return cleaned


def optional_text(value: str, field: str, max_length: int = 200) -> str:
    """An optional text: none (``""``, not given), or one that shows something (``visible``),
    stripped. One given that shows nothing (spaces, a zero-width space alone) is refused as a
    text that must say something is, not recorded as none nor as text no one sees (tester V,
    session 19, an inspection's scope; since session 21 a helper's or officer's unit, a
    donor, an address)."""
    if value == "":
        return ""
    if not visible(value):
        raise InputError(field, f"{value!r} shows nothing: leave --{field} out, or say what it is")
    return require_text(value, field, max_length)


def check_as_recorded(field: str, value: object, clean: Callable[[str, str], str]) -> None:
    """Refuse a text value that is not as the commands record it: text, and what ``clean``
    (``require_text``, ``clean_name``) makes of it. An amendment's values are cleaned by its
    command before they reach the record; one written into the file otherwise (``fupin
    verify`` replays every amendment) is refused here, naming the field."""
    if type(value) is not str:
        raise InputError(field, f"expects text, not {type(value).__name__}")
    cleaned = clean(value, field)
    if cleaned != value:
        raise InputError(field, f"{value!r} is recorded as {cleaned!r} (stripped, composed)")


def check_flag(field: str, value: object) -> None:
    """Refuse a yes/no field's value that is not true or false."""
    if type(value) is not bool:
        raise InputError(field, "expects true/false (是/否)")


def clean_name(value: str, field: str, max_length: int = 200) -> str:
    """A person's or a unit's name as recorded: not blank, stripped, and composed (NFC), so
    that ``Zoë`` typed with its accent apart is recorded as the same name typed whole."""
    return unicodedata.normalize("NFC", require_text(value, field, max_length))


#: The digits a phone number 电话 holds: a Chinese mobile has 11, a Jiangmen landline with its
#: area code 0750-xxxxxxx has 11 too, a local landline 7 or 8; ITU-T E.164 allows at most 15.
PHONE_DIGITS = (7, 15)
#: ASCII digits with an optional leading ``+``, spaces, hyphens and parentheses.
_PHONE_SHAPE = re.compile(r"\+?[0-9 ()-]+", re.ASCII)
_PHONE_RULE = (
    f"a phone number is {PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits 0-9, with an optional "
    "leading +, spaces, hyphens and parentheses (138xxxxxxxx, 0750-3123456)"
)


#: True while an export's row is replayed into the empty store it rebuilds (``fupin import
#: --create``, ``Ledger.rebuilding_export``): what a rule newer than the row refuses is replayed
#: as recorded, so a ledger an older fupin recorded, which verify passes, can still be moved
#: (docs/import.md, Rules of today): a key with a letter of another script (session 26,
#: ``ledger.base.check_new_key``), a phone of 10 or 11 digits not beginning 0 or 1 (session 27,
#: ``check_phone``).
REPLAY_SPARED: ContextVar[bool] = ContextVar("replay_spared", default=False)

#: When the rules session 22 added that a replay spares since session 32 came in: the day after
#: the session, in China, as session 28's (1f98902 and eeb26b3, 2026-12-01 08:17 and 09:14 in
#: China; a fupin of session 20, 5e1c94f, committed 2026-12-01 03:36 in China, took what they
#: refuse).
SESSION_22_RULES = datetime(2026, 12, 2, tzinfo=CHINA_STANDARD_TIME)
#: When session 24's rule of measure ids alike in case came in (a330119, 2026-12-01 12:38 in
#: China; replayed as recorded since, in ``SPARED_BEFORE`` since session 32): as session 22's.
SESSION_24_RULES = datetime(2026, 12, 2, tzinfo=CHINA_STANDARD_TIME)
#: When the rules session 25 added that a replay spares since session 32 came in: the day after
#: the session, in China, as session 28's (f658ab3, 2026-12-01 15:43 in China).
SESSION_25_RULES = datetime(2026, 12, 2, tzinfo=CHINA_STANDARD_TIME)
#: When the rules session 28 added, which an export's replay spares, came in: the day after
#: the session, in China.
SESSION_28_RULES = datetime(2026, 12, 2, tzinfo=CHINA_STANDARD_TIME)
#: When the rules session 29 added, which an export's replay spares, came in (as session 28's).
SESSION_29_RULES = datetime(2026, 12, 3, tzinfo=CHINA_STANDARD_TIME)
#: When the rule session 34 added, which an export's replay spares, came in (as session 28's:
#: the day after the session, in China).
SESSION_34_RULES = datetime(2026, 12, 3, tzinfo=CHINA_STANDARD_TIME)
#: When the rule session 35 added, which an export's replay spares, came in (as session 28's).
SESSION_35_RULES = datetime(2026, 12, 3, tzinfo=CHINA_STANDARD_TIME)
#: When the rule session 36 spares on replay came in (as session 28's).
SESSION_36_RULES = datetime(2026, 12, 3, tzinfo=CHINA_STANDARD_TIME)
#: Each rule added in session 28 (or since, or earlier and found since to refuse what an older
#: fupin took: session 25's two of a closure and an employment, session 22's of keys alike in
#: case) that a replay spares, by name,
#: and when it came in: the one place these times are kept; ``fupin verify``'s notes of such
#: entries (cli/verify.py) read them (``replay_spares``: every replayed row is spared,
#: whenever recorded).
SPARED_BEFORE: dict[str, datetime] = {
    # a household closed as a duplicate 重复识别 of one with another head (casework.py; judged
    # since session 25 with the master key, and without it refused since session 35: an older
    # fupin run without it took such a closure unjudged; spared since session 36)
    "duplicate_of_other_head": SESSION_36_RULES,
    # a finding about an officer closed by that officer (inspections.py; since session 35,
    # tester a of session 34)
    "finding_closed_by_its_subject": SESSION_35_RULES,
    # an exit proposed or verified too late for its notice and approval by the programme's
    # last exit day (household.py; since session 34, tester a)
    "exit_without_notice_room": SESSION_34_RULES,
    # a household identified or registered after the programme's last year (programme.py)
    "late_registration": SESSION_28_RULES,
    # an officer's retirement or transfer dated before their entries (officer_entries.py)
    "post_ended_before_entries": SESSION_28_RULES,
    # a talk 约谈 held under a street inspection (inspections.py)
    "talk_under_street_inspection": SESSION_28_RULES,
    # a fund account whose code differs from one on record in its letters' case (funding.py)
    "account_case_lookalike": SESSION_28_RULES,
    # a notice 通报 or talk 约谈 like one on record: the same recorded twice (inspections.py)
    "notice_or_talk_twice": SESSION_28_RULES,
    # an exit step on an income assessed for another count of members (household.py)
    "exit_on_other_members": SESSION_29_RULES,
    # a household closed while an exit of it is under way (household.py)
    "closure_during_exit": SESSION_29_RULES,
    # a signature 签字确认 voided while the registration resting on it stands (oversight.py;
    # since session 29)
    "signature_under_registration": SESSION_29_RULES,
    # a signature recorded after the household's registration with no note saying why
    # (household.py; since session 29)
    "signature_after_registration": SESSION_29_RULES,
    # an exit's approval voided after the household was closed 注销 (oversight.py; since
    # session 30, which hands in with session 29)
    "approval_after_closure": SESSION_29_RULES,
    # a household merged 合户 into one whose exit is under way (or approved since) before the
    # change of members taking its people in (casework.py; since session 30)
    "merge_into_exit": SESSION_29_RULES,
    # a change of members or a closure of a household turned down (household.py)
    "step_after_rejection": SESSION_29_RULES,
    # a return's approval voided after the household was closed 注销 (oversight.py; since
    # session 30)
    "return_approval_after_closure": SESSION_29_RULES,
    # a household closed while a return 返贫 of it is under way (household.py; since session
    # 30, which hands in with session 29)
    "closure_during_return": SESSION_29_RULES,
    # an exit's or a return's step, or an employment of a worker, dated before a household's
    # closure and entered after it, left under way past the closure (household.py,
    # funding.py; since session 30)
    "under_way_past_closure": SESSION_29_RULES,
    # a change of members taking in a merged household's people voided while the merge 合户
    # stands (oversight.py; since session 30, re-tester S)
    "take_in_under_merge": SESSION_29_RULES,
    # an end of an employment of a worker of a household dated after the household's closure
    # (funding.py; since session 31, helper d)
    "employment_end_after_closure": SESSION_29_RULES,
    # an end of an employment dated on or before a household's closure voided while the closure
    # stands, the job left standing past it (oversight.py; since session 31, helper d)
    "end_voided_after_closure": SESSION_29_RULES,
    # a new officer, street, helper or household whose key differs from one on record only in
    # the case of its letters (reference.py, casework.py, core.py; since session 22, spared
    # since session 32: a fupin of session 20 took JN-01 beside jn-01, tester f)
    "key_case_lookalike": SESSION_22_RULES,
    # a measure whose id differs from one of its household's only in the case of its letters
    # (household.py; since session 24, replayed as recorded since, in this list since session
    # 32 with verify's note)
    "measure_case_lookalike": SESSION_24_RULES,
    # a household closed 注销 while an employment of a worker of it stands past the closure's
    # date (casework.py; since session 25, spared since session 32: a fupin of session 25
    # before it took one)
    "closure_while_employed": SESSION_25_RULES,
    # a worker of a household employed from the household's closure's date on, recorded after
    # the closure (funding.py; since session 25, spared since session 32, as the closure's)
    "employed_from_closure": SESSION_25_RULES,
}


@contextmanager
def replayed_as_recorded() -> Iterator[None]:
    """Inside the block, a row is replayed as an export's row into the store it rebuilds
    (``REPLAY_SPARED``): the rules newer than it are spared, as an older fupin took it."""
    spared = REPLAY_SPARED.set(True)
    try:
        yield
    finally:
        REPLAY_SPARED.reset(spared)


def replay_spares(rule: str, replaying: bool = False) -> bool:
    """Whether the row under way is spared ``rule`` (a name of ``SPARED_BEFORE``): an export's
    row replayed into the empty store it rebuilds (``REPLAY_SPARED``, or ``replaying``: the
    ledger's ``rebuilding_export``), whenever it was recorded. A first version spared only a
    row whose ``recorded_at`` was before the rule came in (re-tester P); re-tester W then
    showed a ledger that a fupin not yet upgraded kept recording after that moment, which
    ``fupin verify`` passes, refused by every move with no way out but editing the export's
    times, which a forger would do anyway: an export is no evidence either way, so every
    replayed row is spared and ``fupin verify`` notes what today's rules refuse, saying the
    export's recording time is no evidence (docs/import.md, Rules of today)."""
    assert rule in SPARED_BEFORE, rule  # each spared rule is named, with when it came in
    return replaying or REPLAY_SPARED.get()


def check_phone(phone: str, field: str = "phone") -> None:
    """Refuse a phone number 电话 that is none (``abc``, ``139-xx``): see ``PHONE_DIGITS`` and
    ``_PHONE_RULE``. An empty (or blank) phone is allowed: it records none. Full-width digits
    are refused as an ID card's are. The refusal quotes nothing of the number (personal data).
    Checked where a phone is recorded, never where one is read: old events stay readable."""
    if not phone.strip():
        return
    if any(c.isdigit() and not c.isascii() for c in phone):
        raise InputError(
            field, "holds full-width or other non-ASCII digits: type 0-9 (half-width 半角)"
        )
    if not _PHONE_SHAPE.fullmatch(phone.strip()):
        raise InputError(field, f"holds characters no phone number has: {_PHONE_RULE}")
    digits = sum(c.isdigit() for c in phone)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise InputError(field, f"has {digits} digits: {_PHONE_RULE}")
    plain = "".join(c for c in phone if c.isdigit())
    if (
        len(plain) in (10, 11)
        and not phone.strip().startswith("+")
        and plain[0] not in "01"
        and not (len(plain) == 10 and plain.startswith(("400", "800")))
        and not REPLAY_SPARED.get()
    ):
        # A landline with its area code (0750-3123456, 0755-12345678) that a spreadsheet kept
        # as a number lost its leading 0 (7503123456, 75512345678), and a CSV saved from it
        # writes it so: no number in China is 10 digits not beginning 0 or 1 but a 400 or 800
        # one (since session 27), nor 11 but a mobile, which begins with 1 (re-tester G, M2).
        raise InputError(field, _LOST_ZERO[len(plain)])
    if REPLAY_SPARED.get():
        return
    # A mobile is 11 digits beginning with 1, a 400/800 number 10, and after +86 a landline
    # drops its 0 (fuzzer Q, session 27: 1380013800, 138001380001, +86 1380013800,
    # +86 0750 3123456 and 400800123 were all recorded, a digit lost or added for good).
    with_86 = phone.strip().startswith("+86")
    if phone.strip().startswith("+") and not with_86:
        return  # another country's numbering: not judged here
    national = plain[2:] if with_86 else plain
    if national.startswith("0") and with_86:
        raise InputError(
            field,
            "writes the 0 of the area code after +86: a number with +86 drops it (+86 750 "
            "3123456 for 0750-3123456); type it either way, not both",
        )
    if national.startswith("1") and len(national) != 11:
        raise InputError(
            field,
            f"begins with 1 and has {len(national)} digits: a mobile is 11 digits beginning "
            "with 13 to 19 (138xxxxxxxx); a digit is missing or one too many",
        )
    if national.startswith(("400", "800")) and len(national) != 10:
        raise InputError(
            field,
            f"begins with {national[:3]} and has {len(national)} digits: "
            f"{'an' if national.startswith('8') else 'a'} {national[:3]} "
            f"number is 10 digits ({national[:3]}-812-3123)",
        )


#: A phone's refusal for a landline whose leading 0 was lost, by its count of digits.
_LOST_ZERO = {
    10: "has 10 digits and does not begin with 0: a landline with its area code begins "
    "with 0 (0750-3123456), which a spreadsheet drops from a number cell: type it "
    "again with its 0, in a column formatted as text (文本)",
    11: "has 11 digits and does not begin with 0 or 1: a mobile begins with 1, and a "
    "landline with its area code with 0 (0755-12345678), which a spreadsheet drops from a "
    "number cell: type it again with its 0, in a column formatted as text (文本)",
}


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
#: ASCII digits only: ``\d`` also takes full-width and other scripts' digits, which ``int``
#: reads, so ``440704１９８…`` passed and the same person could head two households unnoticed.
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def valid_id_card(number: str, born_by: date | None = None) -> bool:
    """A resident ID-card number 身份证号 (GB 11643-1999): see ``id_card_problem``."""
    return id_card_problem(number, born_by) is None


def id_card_problem(number: str, born_by: date | None = None) -> str | None:
    """Why ``number`` is no resident ID-card number 身份证号 (GB 11643-1999), or None: 18
    characters, a province's region code, a birth date from 1900 to ``born_by`` (default:
    today), the check character. Says nothing about whether the person exists.

    The answer quotes no digit of the birth date (characters 7-14), which masking hides
    (``440704********1234``): a refusal is shown and logged where the number is not."""
    if not _ID_SHAPE.fullmatch(number):
        if any(c.isdigit() and not c.isascii() for c in number):
            return "it holds full-width or other non-ASCII digits: type 0-9 (half-width 半角)"
        return "not 17 digits and a check digit or X"
    if number[:2] not in _PROVINCES:
        return f"region {number[:6]} is in no province (GB/T 2260)"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "its birth date (characters 7-14, YYYYMMDD) is no calendar date"
    latest = born_by or datetime.now(CHINA).date()
    if born < date(1900, 1, 1):
        return "its birth date is before 1900-01-01"
    if born > latest:
        return f"its birth date is after {latest.isoformat()}"
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        return "the check character does not match"
    return None


#: An ID card Excel read as a number, written as it shows one (4.40704E+17).
_ID_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?[eE]\+?1[0-9]")
_EXCEL_NUMBER = (
    "as an ID card does that Excel turned into a number (it keeps 15 significant digits: "
    "the last 3 become 0, and a CSV is saved so)"
)
_TYPE_AGAIN = "format the column as text (文本) and type the cards again"


def id_card_cell_problem(number: str) -> str | None:
    """Why an ID card read from a spreadsheet's cell (a CSV's, an XLSX text cell's) is one
    Excel cut to 15 significant digits before the file was saved, or None (since session 27,
    tester C: ``440704198202023000`` was imported when its zeroed ending happened to match the
    check character, 1 in 11, and otherwise refused only as not matching). A genuine card
    ending in 000 is recorded on the command line. Quotes no digit of the card."""
    plain = number.strip()
    if _ID_SCIENTIFIC.fullmatch(plain):
        return (
            "is a number in scientific notation (4.40704E+17), as Excel shows an ID card it "
            f"turned into a number: its last digits are lost; {_TYPE_AGAIN}"
        )
    if not (_ID_SHAPE.fullmatch(plain) and plain.endswith("000")):
        return None
    if id_card_problem(plain) == "the check character does not match":
        return (
            "not a valid 18-character ID-card number 身份证号: the check character does not "
            f"match, and it ends in 000, {_EXCEL_NUMBER}: {_TYPE_AGAIN}"
        )
    return (
        f"ends in 000, {_EXCEL_NUMBER}: {_TYPE_AGAIN}; a genuine card ending in 000 is "
        "not imported but recorded on the command line (fupin household identify, or "
        "fupin household members)"
    )


#: The first two digits of a region code (GB/T 2260): the provinces, Taiwan, Hong Kong and
#: Macao (81-83 also on their residents' residence permits), 91 on permanent residence cards.
_PROVINCES = frozenset(
    f"{code}"
    for code in (
        *(11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37),
        *(41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65),
        *(71, 81, 82, 83, 91),
    )
)


def id_card_check_digit(first17: str) -> str:
    """The check character for the first 17 digits (used by the synthetic demo)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]
