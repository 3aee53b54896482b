"""What every event of the ledger carries, and how a mistaken entry is corrected.

Provenance 来源: who recorded the event (a registered officer), in what role, when it took
effect, on what document, with an optional note. *When it was recorded* is the event's
``timestamp``, set by the recording clock (``ledger.clock``), timezone-aware.

Corrections 更正: nothing is ever updated or deleted. An entry recorded by mistake (a visit, an
income assessment, a disbursement...) is voided by a later ``Corrected`` event on the same
aggregate that names the version it corrects and why; the right fact is then recorded anew.
A record's registration cannot be voided (everything after it rests on it): a field of it typed
wrong (a household's labour capacity, a helper's name) is restated by an ``Amended`` event
更正登记事项 that names the fields, their old and new values and why.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger import clock
from ledger.errors import InputError, RuleError
from ledger.typed import ASCII_TWINS, as_typed, is_dash, named_char, odd_character, typed_hint
from ledger.values import REPLAY_SPARED, check_says, check_shown_whole

__all__ = [
    "LEDGER_NAMESPACE",
    "LedgerAggregate",
    "Provenance",
    "already_registered",
    "check_shown_whole",
    "is_dash",
    "lookalikes",
    "natural_id",
    "typed_hint",
    "with_article",
]

#: Namespace of the deterministic aggregate ids (uuid5 of "kind:natural key").
LEDGER_NAMESPACE = uuid5(NAMESPACE_URL, "https://jianghai.gov.cn/fupin/ledger")


@lru_cache(maxsize=65_536)
def natural_id(kind: str, key: str) -> UUID:
    """The aggregate id of a ``kind`` with natural key ``key`` (household number, officer id...)."""
    return uuid5(LEDGER_NAMESPACE, f"{kind}:{key}")


#: The first characters of a cell a spreadsheet reads as a formula: no new key begins with one
#: (``check_new_key``).
_FORMULA_START = frozenset("=+-@")


def check_new_key(kind: str, key: str) -> None:
    """Refuse a new key officers type (``KEYED``) that only looks like another: one holding a space
    or an invisible character (Unicode's format characters, Cf, and the other default
    ignorable ones), a dash or minus sign that is not the ASCII hyphen-minus (``JH–0001``
    from a spreadsheet's auto-correct), or anything its NFKC form writes otherwise (full
    width ``ＪＮ－９００００６`` typed with a Chinese input method, ``Café`` with its accent typed
    apart). Each would be another household, street, measure... that looks the same, found
    by nobody who types the key. A key does not begin with = + - or @ (since session 23).
    Checked where a key is created, never where one is looked up: a key recorded before this
    rule stays reachable (to be corrected, erased or exported)."""
    found = odd_character(key)
    spared = ("script", "beside", "backslash")  # rules of session 26, an export's replay spared
    if found is not None and not (found[0] in spared and REPLAY_SPARED.get()):
        raise InputError(KEYED[kind], _key_problem(kind, key, *found))
    if key[:1] in _FORMULA_START:
        # Since session 23 (a security reviewer registered officer '=cmd|x'): every CSV shows a
        # key, and a spreadsheet reads a cell that begins with = + - @ as a formula; guarded
        # with a ', the key copied back from it is another.
        raise InputError(
            KEYED[kind],
            f"{key!r} begins with {key[0]!r}: {_an(kind)} key does not begin with = + - or @, "
            "which a spreadsheet reads as a formula",
        )
    narrow = next((char for char in key if char in _WIDE), None)
    wide = next((char for char in key if char in _NARROW), None)
    if narrow is not None and wide is not None:
        raise InputError(
            KEYED[kind],
            f"{key!r} mixes half-width {narrow!r} and full-width {wide!r} punctuation; {_an(kind)} "
            f"key is typed in one width ({''.join(_WIDE.get(c, c) for c in key)!r}?)",
        )


#: Kinds whose keys officers type, and the field that names them: the aggregates' natural keys,
#: and the keys of what a household or an inspection holds (measures, objections, findings).
KEYED = {
    "household": "household",
    "helper": "helper",
    "fund": "account",
    "officer": "officer",
    "street": "street",
    "inspection": "inspection",
    "village": "village",
    "measure": "measure",
    "objection": "objection",
    "finding": "finding",
}


#: ASCII punctuation whose full-width form Chinese is typed with (``ledger.typed``), and that form.
_WIDE = {c: chr(ord(c) + 0xFEE0) for c in "!\"#$%&'()*+,:;<=>?@[\\]^`{|}~"}


_NARROW = {wide: char for char, wide in _WIDE.items()}


def lookalikes(key: str) -> set[str]:
    """The other keys that would differ from ``key`` only in the width of their punctuation
    (``雄光村(社区)`` and ``雄光村（社区）``): a new key is refused when one is on record. A new
    key does not mix the two widths (``check_new_key``), so these two spellings are all."""
    if key.isascii() and not any(char in _WIDE for char in key):
        return set()  # most keys (JN-000001): nothing to widen, nothing to make plain
    plain = "".join(_NARROW.get(char, char) for char in key)
    wide = "".join(_WIDE.get(char, char) for char in plain)
    return {plain, wide} - {key}


def differs_in_case(key: str, other: str, where: str, another: str) -> str:
    """The refusal of a new ``key`` beside ``other``, ``where`` (``on record``, ``earlier in
    this import``), which differ only in the case of their letters: one text for an officer,
    a street, a helper, a household, an account and a measure (since session 32)."""
    return (
        f"{key!r} differs from {other!r}, {where}, only in the case of its letters: use "
        f"{other!r}, or another {another}"
    )


def with_article(kind: str) -> str:
    """``an officer``, ``a household``, ``an enterprise``: a kind's name with its article, "an"
    before a vowel (every kind's name begins with its sound's letter; since session 24 every
    message built from a kind's name says it so: "a enterprise" was read), an entry's name
    too (``an AllocationReceived``), and since session 28 a payment's purpose (tester A:
    "a organisation payment's category is …" was read)."""
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"


_an = with_article


def already_registered(kind: str, typed: str, key: str, what: str = "id") -> str:
    """Why a new ``kind`` is refused whose ``key`` (``typed`` as given, trimmed) is on record,
    quoted so that a space shows: since session 29 (brief a, session 30: ``officer add
    'admin '`` said ``admin is already registered``, its space unseen, as if the id typed
    were the one on record), ``'admin ' is recorded trimmed, as 'admin', which is already
    registered: an officer is registered once; give another id``."""
    said = repr(key) if typed == key else f"{typed!r} is recorded trimmed, as {key!r}, which"
    return f"{said} is already registered: {_an(kind)} is registered once; give another {what}"


def _key_problem(kind: str, key: str, what: str, char: str) -> str:
    typed = as_typed(key)
    if what == "full-width":
        return (
            f"{key!r} has full-width letters or digits; {_an(kind)} key is half-width ({typed!r})"
        )
    if what == "invisible":
        said = f"{key!r} holds a space or an invisible character"
        return f"{said}; {_an(kind)} key has none ({typed!r}?)"
    if what == "dash":
        return (
            f"{key!r} holds {named_char(char)}, which only looks like the hyphen-minus '-'; "
            f"{_an(kind)} key uses '-' ({typed!r}?)"
        )
    if what == "script":
        return (
            f"{key!r} holds {named_char(char)}, which may look like another character; "
            f"{_an(kind)} key is written in ASCII letters, digits and punctuation and Chinese "
            "characters, punctuation and numbering"
        )
    if what == "backslash":
        return (
            f"{key!r} holds a backslash '\\', which a terminal that cannot show a character "
            f"writes it with (\\u4dae for 䶮): {_an(kind)} key has none"
        )
    if what == "beside":
        twin = ASCII_TWINS[char]
        plain = key.replace(char, twin)
        return (
            f"{key!r} holds {named_char(char)} beside ASCII letters or digits, where it looks "
            f"like {twin!r}; {_an(kind)} key written in ASCII is ASCII throughout ({plain!r}?)"
        )
    if what == "composed":
        return (
            f"{key!r} holds {named_char(char)} apart from the letter before it; "
            f"{_an(kind)} key is typed in its composed form ({typed!r}?)"
        )
    if not char:  # characters that compose only together (Hangul jamo...)
        return f"{key!r} is written otherwise than plainly; {_an(kind)} key is typed {typed!r}"
    plain = unicodedata.normalize("NFKC", char)
    return (
        f"{key!r} holds {named_char(char)}, another form of {plain!r}; "
        f"{_an(kind)} key is typed in its plain form ({typed!r}?)"
    )


@dataclass(frozen=True)
class Provenance:
    """Who recorded an event, in what role, when it took effect and on what document.

    ``actor`` is the officer the entry is theirs (the row's officer of an import); since
    session 28 ``imported_by`` and ``imported_by_role`` name who recorded it when that is not
    the actor (the district office importing a street officer's sheet), and are empty when the
    actor recorded it themselves. Empty, they are left out of the stored bytes
    (``STORED_IF_SET``): an event the actor records stores what it stored before they existed,
    and an event stored before decodes, verifies and replays as it did."""

    actor: str
    role: str
    effective: date
    document: str
    note: str = ""
    imported_by: str = ""
    imported_by_role: str = ""

    #: Fields the transcoder stores only when they are not at their default (their default
    #: is what an event stored without them means).
    STORED_IF_SET: ClassVar[tuple[str, ...]] = ("imported_by", "imported_by_role")

    @property
    def recorder(self) -> str:
        """Who recorded the event: ``imported_by``, or else the actor themselves (whose key
        signs it, ``ledger.sealing``)."""
        return self.imported_by or self.actor

    @property
    def recorder_role(self) -> str:
        """The role of ``recorder`` when the event was recorded."""
        return self.imported_by_role if self.imported_by else self.role


class LedgerAggregate(Aggregate):
    """Base of every aggregate: timestamps from the recording clock, voidable entries."""

    #: Event class names whose entries a ``Corrected`` event may void.
    VOIDABLE: ClassVar[frozenset[str]] = frozenset()
    #: The correctable kinds as a refusal lists them (``VOIDABLE``, sorted, by default).
    VOIDABLE_SHOWN: ClassVar[tuple[str, ...]] = ()
    #: What to do instead of voiding the record's first entry (its creation), said when one
    #: tries ("" for nothing more to say).
    FIRST_ENTRY_INSTEAD: ClassVar[str] = ""
    #: Fields of the record's registration an ``Amended`` event may restate.
    AMENDABLE: ClassVar[frozenset[str]] = frozenset()

    class Event(Aggregate.Event):
        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    def __base_init__(
        self, originator_id: Any, originator_version: int, timestamp: datetime
    ) -> None:
        super().__base_init__(originator_id, originator_version, timestamp)
        self.voided: dict[int, str] = {}  # version -> reason
        self.entries: dict[int, tuple[str, Any]] = {}  # version -> (event name, key)
        self.entry_dates: dict[int, date] = {}  # version -> the entry's effective date
        self.corrections: dict[int, int] = {}  # a correction's version -> the entry it voided

    @staticmethod
    def check_not_before(
        effective: date, earliest: date | None, what: str, field: str = "effective"
    ) -> None:
        """A step cannot take effect before the step it follows: "``what`` only on …", refused
        on ``field`` (the effective date, or the date field that is too early)."""
        if earliest is not None and effective < earliest:
            raise RuleError(field, f"{what} only on {earliest}")

    def remember_entry(self, kind: str, prov: Provenance, key: Any = None) -> int:
        """Note that the event being applied now, recorded with ``prov``, is a voidable entry;
        returns its version.

        ``key`` is what ``undo_entry`` needs to take the entry's effect back out.
        """
        version = self.version + 1
        self.entries[version] = (kind, key)
        self.entry_dates[version] = prov.effective
        return version

    def correct(
        self, version: int, reason: str, prov: Provenance, opened: date | None = None
    ) -> None:
        """Void the entry recorded at ``version`` (a compensating event, never an edit), not
        dated before the entry took effect (it would void the entry before it happened), nor
        before the programme ``opened`` (as every entry of it)."""
        self.check_correction(version, reason, prov, opened)
        self._corrected(version, reason.strip(), prov)

    def check_correction(
        self, version: int, reason: str, prov: Provenance, opened: date | None = None
    ) -> None:
        """Refuse the correction ``correct`` would refuse, changing nothing (``fupin verify``
        replays each correction of the log by it)."""
        self.check_correctable(version)
        check_says("reason", reason, "a correction must say why")
        self.check_not_before(
            prov.effective,
            self.entry_dates.get(version),
            f"the correction is dated {prov.effective}; entry {version} took effect",
        )
        self.check_not_before(
            prov.effective,
            opened,
            f"the correction is dated {prov.effective}; the programme opened",
        )

    def check_correctable(self, version: int) -> None:
        if version in self.voided:
            raise RuleError("version", f"entry {version} was already corrected")
        if version not in self.entries:
            if version < 1 or version > self.version:  # no such entry at all
                raise RuleError(
                    "version",
                    f"there is no entry {version}: this record's entries run from 1 to "
                    f"{self.version} ({self._history_hint()} lists them)",
                )
            voided = self.corrections.get(version)
            if voided is not None:
                # since session 37 (tester l F3: a correction of the wrong payment was told
                # only "not a correctable entry here", and no doc said what to do)
                raise RuleError(
                    "version",
                    f"entry {version} is a correction 更正 (of entry {voided}), which stands once "
                    f"recorded: if entry {voided} was right, record it again, its note saying "
                    f"why (the correction {version} stays in the history)",
                )
            kinds = ", ".join(self.VOIDABLE_SHOWN or sorted(self.VOIDABLE)) or "none"
            instead = (
                f"; {self.FIRST_ENTRY_INSTEAD}" if version == 1 and self.FIRST_ENTRY_INSTEAD else ""
            )
            raise RuleError(
                "version",
                f"{version} is not a correctable entry here (correctable: {kinds}){instead}",
            )

    def _history_hint(self) -> str:
        """The history command that lists this record's entries, named by its own kind
        (``fupin history --kind officer ID``; a household's ``fupin history NUMBER``): it
        said ``--kind fund CODE`` of every record (the migration tester, session 23)."""
        from ledger.core import AGGREGATE_KINDS  # (ledger.core imports this module)

        kind = next((k for k, cls in AGGREGATE_KINDS.items() if isinstance(self, cls)), "")
        key = getattr(self, _KEY_FIELDS.get(kind, ""), None)
        if kind == "household":
            return f"`fupin history {key or 'NUMBER'}`"
        return f"`fupin history --kind {kind} {key or 'KEY'}`"

    @event("Corrected")
    def _corrected(self, corrects: int, reason: str, prov: Provenance) -> None:
        if corrects not in self.entries:  # never saved so: written into the store by hand
            raise InputError(
                "store",
                f"{type(self).__name__} {getattr(self, 'number', None) or self.id} holds a "
                f"correction of entry {corrects}, which is no correctable entry: the ledger "
                "was altered (fupin verify names the event)",
            )
        self.voided[corrects] = reason
        self.corrections[self.version + 1] = corrects  # (applied before the version moves)
        kind, key = self.entries[corrects]
        self.undo_entry(kind, key)

    def undo_entry(self, kind: str, key: Any) -> None:
        """Take the voided entry's effect back out; each aggregate knows its own entries."""
        raise RuleError("version", f"{kind} entries cannot be corrected")

    def amend(
        self,
        changes: dict[str, Any],
        reason: str,
        prov: Provenance,
        opened: date | None = None,
    ) -> None:
        """Restate fields of the record's registration typed wrong 更正登记事项: they were
        ``changes`` from the start. The event keeps what they were; nothing is edited. Not
        dated before the entry it restates (``check_amendment``), nor before the programme
        ``opened`` (a helper registered before it is amended from its opening on)."""
        self.check_amend(changes, reason, prov, opened)
        was = {field: getattr(self, field) for field in sorted(changes)}
        self._amended(dict(sorted(changes.items())), was, reason.strip(), prov)

    def check_amend(
        self,
        changes: dict[str, Any],
        reason: str,
        prov: Provenance,
        opened: date | None = None,
    ) -> None:
        """Refuse the amendment ``amend`` would refuse, changing nothing (``fupin verify``
        replays each amendment of the log by it)."""
        amendable = ", ".join(sorted(self.AMENDABLE)) or "none"
        if not changes:
            raise RuleError("changes", f"an amendment restates at least one of: {amendable}")
        for field, value in sorted(changes.items()):
            if field not in self.AMENDABLE:
                raise RuleError(field, f"is not amendable here (amendable: {amendable})")
            if getattr(self, field) == value:
                shown = ("yes" if value else "no") if isinstance(value, bool) else repr(value)
                raise RuleError(field, f"is already {shown}: nothing to amend")
        check_says("reason", reason, "an amendment must say why")
        self.check_amendment(changes, prov)
        self.check_not_before(
            prov.effective,
            opened,
            f"the amendment is dated {prov.effective}; the programme opened",
        )

    def check_amendment(self, changes: dict[str, Any], prov: Provenance) -> None:
        """Refuse ``changes`` that break the record's own rules or what rests on it, or an
        amendment dated before the entry it restates."""

    @event("Amended")
    def _amended(
        self, changes: dict[str, Any], was: dict[str, Any], reason: str, prov: Provenance
    ) -> None:
        for field, value in changes.items():
            setattr(self, field, value)


#: The field holding each kind of record's key (what ``fupin history --kind KIND`` takes).
_KEY_FIELDS = {
    "programme": "code",
    "street": "name",
    "officer": "officer_id",
    "helper": "helper_id",
    "household": "number",
    "fund": "code",
    "inspection": "code",
}
