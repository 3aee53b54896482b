"""Errors the ledger raises when a command breaks a rule of the programme.

Every refusal names the field and the rule, so that an officer can mend the input::

    LedgerError                    any refusal; nothing was written
    ├── InputError                 a value is malformed (money, date, ID-card number, choice)
    ├── NotFoundError              a household, officer, helper, account... is not on record
    ├── AlreadyExistsError         a natural id is taken (household number, officer id...)
    ├── PermissionRefusedError     the actor's role or street does not allow the command
    ├── RuleError                  a rule of the plan (江高发〔2016〕4号) forbids the command
    └── ConflictError              another writer changed the same record; retry on fresh state
"""

from __future__ import annotations

import ast
import re

__all__ = [
    "AlreadyExistsError",
    "ConflictError",
    "InputError",
    "LedgerError",
    "NotFoundError",
    "PermissionRefusedError",
    "RequiredError",
    "RuleError",
]


#: What a refusal says instead of a rule that would quote an ID-card or a mobile phone number
#: typed (``unquoted``), after what it holds.
NEVER_QUOTED = (
    "a refusal never shows personal data, which goes only into a household's sealed personal "
    "fields (head name, ID card, phone, address, member names); is it typed in the wrong "
    "option or cell?"
)


class LedgerError(Exception):
    """A refused command: ``field`` names what was wrong, ``rule`` says which rule it broke.
    A rule that would quote an ID-card or mobile phone number is said without it
    (``unquoted``)."""

    def __init__(self, field: str, rule: str) -> None:
        rule = unquoted(rule)
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class InputError(LedgerError):
    """A malformed value: money with three decimals, a date that is not ISO 8601..."""


class RequiredError(InputError):
    """Values required and not given, each ``is required``: an import row names every one of
    ``fields`` (as its cells parsed one by one do), the command line the first."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__(fields[0], "is required")
        self.fields = fields


class NotFoundError(LedgerError):
    """The command names something the ledger has no record of."""


class AlreadyExistsError(LedgerError):
    """The command would create something whose natural id is already taken."""


class PermissionRefusedError(LedgerError):
    """The actor is unknown, or their role or street scope does not allow the command."""


class RecorderRefusedError(PermissionRefusedError):
    """Who records an entry for its actor (an import's importer, a move's ``imported_by``) may
    not (``Ledger._imported_by``, since session 28)."""


class RuleError(LedgerError):
    """A rule of the programme forbids the command in the current state."""


class ConflictError(LedgerError):
    """Another writer saved the same aggregate first (optimistic concurrency)."""


def unquoted(rule: str) -> str:
    """``rule``, or, if it holds an ID-card number or a mobile phone number written as a phone
    (as ``ledger.values.check_no_personal_data`` reads them), or a bare one (``_BARE_MOBILE``,
    since session 28's re-test), in its words or in a text it quotes (``'…'``, escapes read
    back: ``'\\U000159f0440704…'`` is a character and an ID card), the personal-data refusal
    instead. The one place every refusal passes through, so
    that no parser's message quotes one typed where a number, a date or an id was wanted (since
    session 28: an ID card typed in ``--members`` or an import's ``effective`` cell, a column
    shifted, was printed back)."""
    found = personal_in(rule)
    return rule if found is None else f"holds {found}, not quoted: {NEVER_QUOTED}"


def personal_in(text: str) -> str | None:
    """What personal number ``text`` holds, as a refusal reads it (``unquoted``): ``an
    ID-card number``, ``a mobile phone number`` or ``BARE_MOBILE``; or None."""
    if sum(map(str.isdigit, text)) < _FEWEST_DIGITS:  # most texts: said at once
        return None
    from ledger.values import folded, personal_number  # ledger.values raises these errors

    for said in (text, *_quoted_texts(text)):
        each = _HEX_NAME.sub(_NAMED, said)
        found = personal_number(each)
        if found is not None:
            return found[0]
        plain = folded(each)[0]
        if _BARE_MOBILE.search(plain) is not None:
            return BARE_MOBILE
        if _NEAR_ID_CARD.search(plain) is not None:
            return NEAR_ID_CARD
    return None


#: What a refusal says a bare mobile number is (``_BARE_MOBILE``).
BARE_MOBILE = "11 digits from 13… to 19…, as a mobile phone number is written"
#: A mobile number typed bare (``13870610201``), no cue near it: in a refusal only (not in the
#: text the ledger records, ``ledger.values.personal_number``), read as a phone, as a column
#: shifted by one cell puts one in a date or an amount cell as often as an ID card (since
#: session 28, re-tester O: ``'13870610201' is not a date`` was quoted back). Exactly 11
#: digits, none joined before or after them (digits as ``folded`` writes them: ``１`` is 1).
_BARE_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", re.ASCII)


#: What a refusal says a number written as an ID card is, its check character wrong or cut off
#: (``_NEAR_ID_CARD``).
NEAR_ID_CARD = "digits written as an ID-card number is, a region code then a birth year"
#: A number written as an ID card is, in a refusal only (since session 35, tester f: one digit
#: mistyped, or the check character cut off, the card failed its check and was quoted back
#: whole, 17 of the person's 18 characters: `refused members: 440704198512124561 is out of
#: range`; re-tester r: one digit too many, or the month or day mistyped, still was): a region
#: code (6 digits, its province 1x to 8x: 11 Beijing to 82 Macau), a birth year 1900 to 2029,
#: then 6 to 9 more (16 to 19 in all, the last may be X), joined to no other digit (the largest
#: 64-bit number, 9223372036854775807, a bound refusals name, is none). A valid card is read
#: by ``personal_number`` first; text the ledger records is judged by that alone.
_NEAR_ID_CARD = re.compile(
    r"(?<![0-9])[1-8][0-9]{5}(?:19[0-9]{2}|20[0-2][0-9])[0-9]{5,8}[0-9Xx](?![0-9])",
    re.ASCII,
)


#: A name the ledger writes in hex (since session 34): a master or signing key's id (16 hex
#: digits of a SHA-256), a hash or root (64), a UUID; lowercase, at least one letter a-f,
#: joined to no other letter or digit. Its digits are no personal number however they fall:
#: 1 id in ~2,600 holds a run like a bare mobile number (``7334b14872925669``; a 64-digit hash
#: 1 in ~310), and the refusal naming it was redacted (test_master_key_round12_rotation, one
#: CI run in a few hundred). An ID card holds no a-f and a phone is written in digits, so
#: neither is one; a phone joined to hex letters (``13800138000abcde``) would be quoted, which
#: no officer writes.
_HEX_NAME = re.compile(
    r"(?<![0-9A-Za-z-])(?=[0-9a-f-]*[a-f])"
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})"
    r"(?![0-9A-Za-z-])",
    re.ASCII,
)
#: What a hex name is read as while a refusal is checked (not what it says).
_NAMED = "<hex>"
#: The fewest digits a personal number has (a mobile number's 11).
_FEWEST_DIGITS = 11
#: A text a refusal quotes as Python writes it (``repr``, ``ledger.values.quoted``).
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")


def _quoted_texts(rule: str) -> list[str]:
    """The texts ``rule`` quotes with an escape in them, read back (``'\\u3000'`` is U+3000):
    one without is read in ``rule`` as it stands."""
    found: list[str] = []
    # From every quote mark: the apostrophe of "a household's" opens no text, and must not
    # hide the quoted text after it.
    for at, char in enumerate(rule):
        literal = _QUOTED.match(rule, at) if char in "'\"" else None
        if literal is None or "\\" not in literal[0]:
            continue
        try:
            text = ast.literal_eval(literal[0])
        except (ValueError, SyntaxError):  # quotes that are no Python literal
            continue
        if isinstance(text, str):
            found.append(text)
    return found
