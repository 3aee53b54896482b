"""The signing keys an export carries 迁移密钥, in its closing line (since session 23).

A new store replaying an export makes no key events of its own from its rows (no officer
command is a key event), so an officer who had to sign in the old store saved unsigned in the
new one, and nothing said so (the migration tester, session 23). The export's closing line
therefore carries, public halves only::

    "keys": {"officers": {"jn-01": "<base64 public key>"}, "log": "<base64>" or "",
             "revoked": ["<key id>", ...], "held": {"<key id>": "<officer id, or '' for the
             log key>", ...}}

the keys in force at the export, every key id revoked, and every key id ever given a holder.
``import --create`` registers the keys in force again and records the others
(``ledger.moves``). Since session 24 it also carries ``"last_key_event": "2016-08-10"``, the
latest effective date of the old store's key events (registrations, revocations, log keys, a
move's record): the move's own key records are dated no earlier (``ledger.moves.move_day``),
or the key history was backdated to the export's last row. A closing line without it (an
export written before) is read as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from ledger.errors import InputError
from ledger.keys import key_id, parse_public_key

__all__ = ["CarriedKeys", "KeyTrail", "read_carried"]

#: The key events an export follows, by event name.
_OFFICER_KEYS = ("SigningKeyRegistered", "SigningKeyRevoked")
_LOG_KEYS = ("LogKeyRegistered", "LogKeyRotated")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
#: The key events whose effective date the closing line's ``last_key_event`` follows: a
#: moved ledger's record of its move and of the revocations it carried too.
_DATED = (*_OFFICER_KEYS, *_LOG_KEYS, "RebuiltFromExport", "RevokedKeyCarried")


@dataclass
class CarriedKeys:
    """The keys of a ledger as an export carries them (see the module)."""

    officers: dict[str, str] = field(default_factory=dict)  # officer id -> public key in force
    log: str = ""  # the log key in force ("" none)
    revoked: list[str] = field(default_factory=list)  # key ids, in the order revoked
    held: dict[str, str] = field(default_factory=dict)  # key id -> its holder ("" the log)
    #: the latest effective date of the old store's key events (ISO; "" none, or an export
    #: written before session 24)
    last_key_event: str = ""

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "officers": dict(sorted(self.officers.items())),
            "log": self.log,
            "revoked": list(self.revoked),
            "held": dict(self.held),
        }
        if self.last_key_event:
            found["last_key_event"] = self.last_key_event
        return found


class KeyTrail:
    """Follows the key events of a log being exported (and the key record of a ledger itself
    rebuilt from an export, so a second move carries what the first did)."""

    def __init__(self) -> None:
        self.keys = CarriedKeys()

    def observe(self, name: str, holder: str | None, fields: dict[str, Any]) -> None:
        """Note event ``name`` of officer ``holder`` (None: not an officer's)."""
        keys = self.keys
        prov = fields.get("prov")
        effective = getattr(prov, "effective", None)
        if name in _DATED and isinstance(effective, date):
            keys.last_key_event = max(keys.last_key_event, effective.isoformat())
        if name in _OFFICER_KEYS and holder is not None:
            kid = str(fields["key_id"])
            if name == "SigningKeyRegistered":
                keys.officers[holder] = str(fields["public_key"])
                keys.held.setdefault(kid, holder)
            else:
                keys.officers.pop(holder, None)
                keys.revoked.append(kid)
        elif name in _LOG_KEYS:
            keys.log = str(fields["public_key"])
            keys.held.setdefault(str(fields["key_id"]), "")
        elif name == "RebuiltFromExport":
            keys.revoked.extend(k for k in fields["revoked"] if k not in keys.revoked)
            for kid, who in zip(fields["held_keys"], fields["held_by"], strict=True):
                keys.held.setdefault(kid, who)


def read_carried(value: Any) -> CarriedKeys:
    """The ``keys`` of an export's closing line, checked: an ``InputError`` on ``keys``
    naming what is wrong, which of its officers, log, revoked and held and which value or
    key id (since session 23: one message named none), a key that is no public key, one
    given to two holders, one both in force and revoked."""
    if not isinstance(value, dict) or set(value) - {"last_key_event"} != {
        "officers",
        "log",
        "revoked",
        "held",
    }:
        raise InputError(
            "keys", "is an object of officers, log, revoked and held (and last_key_event)"
        )
    officers, log, revoked, held = (value[k] for k in ("officers", "log", "revoked", "held"))
    _check_shape(officers, log, revoked, held)
    last = value.get("last_key_event", "")
    if last != "" and not _is_day(last):
        raise InputError("keys", f"its last_key_event is {_shown(last)}: not a date (YYYY-MM-DD)")
    carried = CarriedKeys(dict(officers), log, list(revoked), dict(held), last)
    for holder, public in [*officers.items(), *([("", log)] if log else [])]:
        kid = key_id(parse_public_key(public))
        named = f"the key of {holder}" if holder else "the log key"
        if kid in carried.revoked:
            raise InputError("keys", f"{named} ({kid}) is in force and revoked too")
        if carried.held.setdefault(kid, holder) != holder:
            raise InputError("keys", f"{named} ({kid}) is held by {carried.held[kid]!r} too")
    return carried


def _is_day(value: Any) -> bool:
    """Whether ``value`` is an ISO date as an export writes it (``2016-08-10``)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_A_KEY_ID = "a key id (16 hex digits, as fupin keys list shows them)"


def _shown(value: Any) -> str:
    """A value of the closing line as written (JSON), cut to a readable length."""
    text = orjson.dumps(value).decode()
    return text if len(text) <= 60 else f"{text[:57]}…"


def _check_shape(officers: Any, log: Any, revoked: Any, held: Any) -> None:
    """Refuse the first part of ``keys`` not written as an export writes it, naming it."""
    if not isinstance(officers, dict):
        raise InputError(
            "keys",
            f"its officers is {_shown(officers)}: not an object of "
            "public keys (text) by officer id",
        )
    for officer, public in officers.items():
        if not isinstance(public, str):
            raise InputError(
                "keys", f"its officers gives {officer!r} {_shown(public)}: not a public key (text)"
            )
    if not isinstance(log, str):
        raise InputError("keys", f'its log is {_shown(log)}: not a public key (text, "" none)')
    if not isinstance(revoked, list):
        raise InputError("keys", f"its revoked is {_shown(revoked)}: not a list of key ids")
    for kid in revoked:
        if not (isinstance(kid, str) and _KEY_ID.fullmatch(kid)):
            raise InputError("keys", f"its revoked holds {_shown(kid)}: not {_A_KEY_ID}")
    if not isinstance(held, dict):
        raise InputError("keys", f"its held is {_shown(held)}: not an object of holders by key id")
    for kid, holder in held.items():
        if not _KEY_ID.fullmatch(kid):
            raise InputError("keys", f"its held names {_shown(kid)}: not {_A_KEY_ID}")
        if not isinstance(holder, str):
            raise InputError(
                "keys",
                f"its held gives key {kid} the holder {_shown(holder)}: "
                'not an officer id (text, "" the log key)',
            )
