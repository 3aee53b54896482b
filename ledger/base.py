"""What every event of the ledger carries, and how a mistaken entry is corrected.

Provenance 来源: who recorded the event (a registered officer), in what role, when it took
effect, on what document, with an optional note. *When it was recorded* is the event's
``timestamp``, set by the recording clock (``ledger.clock``), timezone-aware.

Corrections 更正: nothing is ever updated or deleted. An entry recorded by mistake (a visit, an
income assessment, a disbursement...) is voided by a later ``Corrected`` event on the same
aggregate that names the version it corrects and why; the right fact is then recorded anew.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger import clock
from ledger.errors import InputError, RuleError

__all__ = ["LEDGER_NAMESPACE", "LedgerAggregate", "Provenance", "natural_id"]

#: Namespace of the deterministic aggregate ids (uuid5 of "kind:natural key").
LEDGER_NAMESPACE = uuid5(NAMESPACE_URL, "https://jianghai.gov.cn/fupin/ledger")


@lru_cache(maxsize=65_536)
def natural_id(kind: str, key: str) -> UUID:
    """The aggregate id of a ``kind`` with natural key ``key`` (household number, officer id...)."""
    return uuid5(LEDGER_NAMESPACE, f"{kind}:{key}")


def check_new_key(kind: str, key: str) -> None:
    """Refuse a new key officers type (``KEYED``) that holds a space or an invisible character
    or a full-width letter or digit: ``JN-900040`` with a zero-width space after it, or
    ``ＪＮ－９００００６`` typed with a Chinese input method, would be another household that
    looks the same, found by nobody who types the number. Checked where a key is created,
    never where one is looked up: a key recorded before this rule stays reachable (to be
    corrected, erased or exported)."""
    if key and _NOT_IN_A_KEY.search(key):
        raise InputError(KEYED[kind], _key_problem(kind, key))


#: Kinds whose keys officers type, and the field that names them.
KEYED = {
    "household": "household",
    "helper": "helper",
    "fund": "account",
    "officer": "officer",
    "street": "street",
    "inspection": "inspection",
    "village": "village",
}
#: White space (ideographic space and no-break space included), invisible format characters
#: (zero-width spaces and joiners, direction marks, soft hyphen, BOM), and the full-width
#: forms of ASCII letters, digits and the hyphen.
_INVISIBLE = r"\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
_FULL_WIDTH = r"\uff0d\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_NOT_IN_A_KEY = re.compile(rf"[\s{_INVISIBLE}{_FULL_WIDTH}]")


def typed_hint(key: str) -> str:
    """For a key looked up and not found: how it is typed, if it holds what no new key may
    (``; typed half-width: 'JN-000025'?``); else nothing."""
    if not _NOT_IN_A_KEY.search(key):
        return ""
    return f" (it holds spaces, invisible or full-width characters: {_as_typed(key)!r}?)"


def _as_typed(key: str) -> str:
    """``key`` without spaces and invisible characters, full-width forms made half-width."""
    return re.sub(rf"[{_INVISIBLE}]", "", unicodedata.normalize("NFKC", "".join(key.split())))


def _key_problem(kind: str, key: str) -> str:
    typed = _as_typed(key)
    if re.search(rf"[{_FULL_WIDTH}]", key):
        return f"{key!r} has full-width letters or digits; a {kind} key is half-width ({typed!r})"
    return f"{key!r} holds a space or an invisible character; a {kind} key has none ({typed!r}?)"


@dataclass(frozen=True)
class Provenance:
    """Who recorded an event, in what role, when it took effect and on what document."""

    actor: str
    role: str
    effective: date
    document: str
    note: str = ""


class LedgerAggregate(Aggregate):
    """Base of every aggregate: timestamps from the recording clock, voidable entries."""

    #: Event class names whose entries a ``Corrected`` event may void.
    VOIDABLE: ClassVar[frozenset[str]] = frozenset()

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

    @staticmethod
    def check_not_before(
        effective: date, earliest: date | None, what: str, field: str = "effective"
    ) -> None:
        """A step cannot take effect before the step it follows: "``what`` only on …", refused
        on ``field`` (the effective date, or the date field that is too early)."""
        if earliest is not None and effective < earliest:
            raise RuleError(field, f"{what} only on {earliest}")

    def remember_entry(self, kind: str, key: Any = None) -> int:
        """Note that the event being applied now is a voidable entry; returns its version.

        ``key`` is what ``undo_entry`` needs to take the entry's effect back out.
        """
        version = self.version + 1
        self.entries[version] = (kind, key)
        return version

    def correct(self, version: int, reason: str, prov: Provenance) -> None:
        """Void the entry recorded at ``version`` (a compensating event, never an edit)."""
        self.check_correctable(version)
        if not reason.strip():
            raise RuleError("reason", "a correction must say why")
        self._corrected(version, reason.strip(), prov)

    def check_correctable(self, version: int) -> None:
        if version in self.voided:
            raise RuleError("version", f"entry {version} was already corrected")
        if version not in self.entries:
            kinds = ", ".join(sorted(self.VOIDABLE)) or "none"
            raise RuleError(
                "version", f"{version} is not a correctable entry here (correctable: {kinds})"
            )

    @event("Corrected")
    def _corrected(self, corrects: int, reason: str, prov: Provenance) -> None:
        self.voided[corrects] = reason
        kind, key = self.entries[corrects]
        self.undo_entry(kind, key)

    def undo_entry(self, kind: str, key: Any) -> None:
        """Take the voided entry's effect back out; each aggregate knows its own entries."""
        raise RuleError("version", f"{kind} entries cannot be corrected")
