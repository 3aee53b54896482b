"""How a key or a value is typed: spaces, invisible characters, full-width letters and
digits (a Chinese input method's), dashes and other forms that only look like the plain
character (``ledger.base.check_new_key`` refuses them in a new key; ``typed_hint`` tells of
them where a key looked up, or a value, is not found). Depends on nothing else of the
ledger, so ``ledger.values`` may use it as ``ledger.base`` does."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = [
    "as_typed",
    "is_dash",
    "is_invisible",
    "key_hint",
    "named_char",
    "odd_character",
    "plain_char",
    "said_as_read",
    "typed_hint",
]

#: Invisible characters besides white space and the format characters (Cf): the rest of
#: Unicode's default ignorable code points (combining grapheme joiner, Hangul fillers,
#: variation selectors, Mongolian free variation selectors...).
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2065\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
#: Full-width forms of ASCII letters and digits (the message names them as such).
_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
#: Minus signs that look like the hyphen-minus; dashes are Unicode's category Pd.
_MINUS_SIGNS = frozenset("\u2212\u02d7\u2796")
_SPACE = re.compile(r"\s")
#: What Chinese is typed with and NFKC would still rewrite: full-width punctuation 全角标点
#: (``（社区）``, ``：``, ``～``; not the full-width ``－ ． ／ ＿``, which keys such as
#: ``m-1.2/3_a`` hold in their plain form) and enclosed numbers (``①``, ``⑴``, ``㈠``; not
#: Roman numerals: ``Ⅹ`` is the letter ``X`` to the eye). Kept in keys as typed: a village is
#: ``雄光村（社区）``; ``lookalikes`` finds the key that differs from one only by them.
_CJK_FORMS = re.compile(
    "[\uff01-\uff0c\uff1a-\uff20\uff3b-\uff3e\uff40\uff5b-\uff65\u2460-\u24ff\u3200-\u32ff]"
)


def plain_char(char: str) -> str:
    """``char`` in its plain form: NFKC, except for what Chinese is typed with (_CJK_FORMS)."""
    return char if _CJK_FORMS.match(char) else unicodedata.normalize("NFKC", char)


def is_invisible(char: str) -> bool:
    return (
        char.isspace() or unicodedata.category(char) == "Cf" or _IGNORABLE.match(char) is not None
    )


def _dash(char: str) -> bool:
    return char in _MINUS_SIGNS or (char != "-" and unicodedata.category(char) == "Pd")


#: Whether a character is a dash or minus sign other than the hyphen-minus ``-`` (an en dash
#: ``–`` Excel and WPS put in its place, a minus sign ``−``).
is_dash = _dash


def odd_character(key: str) -> tuple[str, str] | None:
    """What no new key may hold, and the first character of it in ``key``: ``full-width``
    letters or digits, ``invisible`` (white space, format and other ignorable characters),
    a ``dash`` or minus sign other than ``-``, another ``form`` of a character (NFKC), a mark
    typed apart from the letter it composes with (``composed``), a character of another
    ``script`` than ASCII's and Chinese (``_foreign``, since session 26); None for a plain key."""
    if "\\" in key:
        # A backslash: text a GBK terminal shows an unshowable character as (``\u4dae``), so
        # ``\u4dae村`` typed would read as 䶮村 (security re-test U2, session 26).
        return "backslash", "\\"
    if key.isascii():  # most keys: only a space or a control character can be wrong
        space = _SPACE.search(key)
        return None if space is None else ("invisible", space[0])
    wide = _FULL_WIDTH.search(key)
    if wide is not None:
        return "full-width", wide[0]
    for test, what in ((is_invisible, "invisible"), (_dash, "dash")):
        for char in key:
            if test(char):
                return what, char
    if not unicodedata.is_normalized("NFKC", key):
        for char in key:
            if plain_char(char) != char:
                return "form", char
        if not unicodedata.is_normalized("NFC", key):
            for char in key:
                if unicodedata.combining(char):
                    return "composed", char
            return "form", ""
    # Chinese punctuation and numerals are kept as typed; anything else a key's own.
    foreign = next((char for char in key if _foreign(char)), None)
    if foreign is not None:
        return "script", foreign
    for at, char in enumerate(key):
        beside = key[at - 1 : at] + key[at + 1 : at + 2]  # its neighbours ('' at an end)
        if char in ASCII_TWINS and any(n.isascii() for n in beside):
            return "beside", char
    return None


def _foreign(char: str) -> bool:
    """A character no key is written in: not ASCII, not a Chinese character, not the Chinese
    punctuation and numbering keys are typed with (``_CHINESE_MARKS``: （社区）, 〔2016〕, ①,
    ㈠, 〇, ·). Cyrillic ``а`` and Greek ``Ο`` look exactly like ``a`` and ``O`` (``аdmin``
    beside ``admin``, tester A, session 26); so do a combining dot on ``i`` (``admi̇n``), a
    box-drawing line ``─`` for ``-``, a white circle ``○`` for ``0`` and a right-to-left
    ``׀`` for ``l`` (its re-test J). A Latin letter with an accent is one too: no key of the
    programme is written with one. A list of what keys hold, not of what they must not: the
    look-alikes of Unicode are too many to list."""
    if char.isascii():
        return False
    point = ord(char)
    if any(low <= point <= high for low, high in _CHINESE_MARKS):
        return False
    return not unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


#: Chinese characters that look like an ASCII one: next to an ASCII character in a key they
#: are refused (``JN-〇00001``, ``JN一000001`` beside ``JN-000001``: the code reviewer,
#: session 26); among Chinese characters (雄光〇组, 新一村3组) they are what they are.
ASCII_TWINS = {"〇": "0", "一": "-", "丨": "l"}

#: The characters beside ASCII and Chinese characters a key may hold: the Chinese punctuation
#: and numbering officers type keys with.
_CHINESE_MARKS = (
    (0x00B7, 0x00B7),  # · middle dot (a·b)
    (0x2460, 0x24FF),  # ① enclosed alphanumerics
    (0x3001, 0x3003),  # 、。〃
    (0x3007, 0x3011),  # 〇 〈〉《》「」『』【】
    (0x3014, 0x301B),  # 〔〕〖〗〘〙〚〛
    (0x3200, 0x32FF),  # ㈠ enclosed CJK letters and months
    (0xFF01, 0xFF5E),  # （）：，～ full-width punctuation (its letters and digits are refused)
)


def typed_hint(key: str, other_case: str = "") -> str:
    """For a key looked up and not found: how it is typed, if it holds what no new key may
    (`` (it holds spaces, invisible or full-width characters: 'JN-000025'?)``); else nothing.
    ``other_case`` is the key on record that the key typed plainly is in the other case of: it
    is named after the width, as the one to type (``key_hint``)."""
    found = odd_character(key)
    if found is None:
        return ""
    what, char = found
    if other_case:
        suggested = f", and letters in the other case: {other_case!r}?"
    else:
        suggested = f": {as_typed(key)!r}?"
    if what in ("full-width", "invisible"):
        return f" (it holds spaces, invisible or full-width characters{suggested})"
    if not char:
        return f" (it is written otherwise than plainly{suggested})"
    if what == "script":
        return f" (it holds {named_char(char)}, a character new keys are not written in)"
    if what == "backslash":
        return " (it holds a backslash, which new keys are not written with)"
    if what == "beside":
        twin = ASCII_TWINS[char]
        return f" (it holds {named_char(char)}, which looks like {twin!r} beside ASCII)"
    return f" (it holds {named_char(char)}, a look-alike character{suggested})"


def key_hint(key: str, on_record: Callable[[str], bool]) -> str:
    """For a key looked up and not found, the key on record it was meant for (``on_record``
    says whether a key is): how it is typed (``typed_hint``), its width, spaces or look-alikes
    first and then the case of its letters, as Caps Lock types it (`` ('JH-0001'?)``; tester
    U, session 22); since session 29 (brief a, session 30) both, so that the key hinted is one
    on record: ``ｊｈ-0001`` was told ``'jh-0001'?``, on record in no case."""
    if not typed_hint(key):
        other = _in_other_case(key, on_record)
        return f" ({other!r}?)" if other else ""
    plain = as_typed(key)
    if on_record(plain):
        return typed_hint(key)
    return typed_hint(key, _in_other_case(plain, on_record))


def _in_other_case(key: str, on_record: Callable[[str], bool]) -> str:
    """The key on record that ``key`` is, all upper or all lower case, in the other case of
    ("" if none)."""
    return next((o for o in sorted({key.upper(), key.lower()} - {key}) if on_record(o)), "")


def as_typed(key: str) -> str:
    """``key`` as typed plainly: without spaces and invisible characters, full-width and other
    compatibility forms made plain (NFKC), dashes and minus signs made ``-``."""
    plain = "".join(plain_char(char) for char in unicodedata.normalize("NFC", key))
    kept = "".join("-" if _dash(char) else char for char in plain if not is_invisible(char))
    return "".join(plain_char(char) for char in kept)


def named_char(char: str) -> str:
    """``U+2013 EN DASH``; a control character Unicode gives no name by its alias
    (``U+000A LINE FEED``)."""
    return f"U+{ord(char):04X} {unicodedata.name(char, _CONTROLS.get(char, 'UNNAMED'))}"


#: The aliases of the control characters a text typed on one line may hold by mistake.
_CONTROLS = {
    "\t": "CHARACTER TABULATION",
    "\n": "LINE FEED",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x85": "NEXT LINE",
}


def said_as_read(document: str, note: str) -> tuple[str, str]:
    """A flow's (a visit's) document and note as compared for "recorded twice": what a reader
    sees as the same text is the same (``拨款通知 9号``, ``拨款通知９号`` and ``拨款通知9号`` with a
    zero-width space are one document): Unicode's compatibility forms folded (NFKC), case
    folded, and spaces and invisible characters (format characters: zero-width spaces,
    marks of direction) left out (tester D, session 16); every dash and minus sign read as
    ``-`` (``江财–2018–7``: Excel and WPS put an en dash in place of a typed ``-``), and every
    bracket as a round one (``江财〔2018〕7号``, ``江财[2018]7号``, ``江财(2018)7号``: the
    document's year bracket 〔〕 typed as a keyboard has it; tester C, session 17)."""
    return _plain(document), _plain(note)


#: Brackets a document's year is written in, read as round ones (after NFKC: ［］（） are
#: [] ()).
_BRACKETS = str.maketrans("〔【〖[〘〚", "((((((", "") | str.maketrans("〕】〗]〙〛", "))))))", "")


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_BRACKETS)
    return "".join(
        "-" if is_dash(c) else c
        for c in folded
        if not c.isspace() and unicodedata.category(c) != "Cf"
    )
