"""Ed25519 signing keys 签名密钥: making them, keeping the private half safe, naming them.

An officer's private key lives in a PEM file only its owner may read (mode 0600); the ledger
only ever holds the public key, registered by an admin (``Officer.register_signing_key``).
A key is named by its *key id*: the first 16 hex digits of SHA-256 of the raw 32-byte public
key. Public keys are written as standard base64 of those 32 raw bytes.

Everything refused here is an ``InputError`` on field ``key`` (a private key file's refusals
on the option that named it: ``load_private_key``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from ledger.errors import InputError
from ledger.written import create_key_file, note_written

__all__ = [
    "KEY_TABLE_GUARD",
    "NOT_OWNER_ONLY",
    "generate_key",
    "guard_household_keys",
    "key_id",
    "load_private_key",
    "open_to",
    "parse_public_key",
    "public_key_text",
    "raw_public_key",
    "signature_valid",
    "write_private_key",
]

#: Permission bits a file of secrets may not have (a private key, the master key, a
#: ``--personal-file``): anything for the group or for others.
NOT_OWNER_ONLY = stat.S_IRWXG | stat.S_IRWXO


def open_to(shown: str, mode: int) -> str:
    """How a refusal says a file of secrets is not its owner's only: ``'k' is open to the
    group (mode 0640)``, ``… to others (mode 0604)``, ``… to the group and others (mode
    0644)``: who besides the owner may read, write or run it (``NOT_OWNER_ONLY``). Every
    such refusal says it so (the master key file, a private key, ``--personal-file``): before
    session 22 a file only the group could read was called "readable by others"."""
    who = [
        name
        for name, bits in (("the group", stat.S_IRWXG), ("others", stat.S_IRWXO))
        if mode & bits
    ]
    return f"{shown} is open to {' and '.join(who)} (mode {stat.S_IMODE(mode):04o})"


def generate_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 private key."""
    return Ed25519PrivateKey.generate()


def raw_public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of the public key (of a private key's public half)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 of the raw public key."""
    return hashlib.sha256(raw_public_key(key)).hexdigest()[:16]


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as officers copy it: base64 of the 32 raw bytes."""
    return base64.b64encode(raw_public_key(key)).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key typed or pasted as base64 of its 32 raw bytes."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InputError(
            "key", "a public key is base64 of 32 bytes (from `fupin keys new`)"
        ) from None
    if len(raw) != 32:
        raise InputError("key", f"a public key is 32 bytes, this one is {len(raw)}")
    if raw[:31] + bytes([raw[31] & 0x7F]) in _SMALL_ORDER:
        raise InputError(
            "key", "not a usable public key: a point of small order, which anyone can sign for"
        )
    return Ed25519PublicKey.from_public_bytes(raw)


#: The encodings of Ed25519's points of small order (order 1, 2, 4 and 8), the sign bit
#: cleared, as libsodium's ``has_small_order`` lists them (non-canonical y = p and p + 1
#: included). A signature "by" such a key can be made without any private key (R the
#: identity, S = 0 verifies for a share of all messages): such a key proves nothing.
_SMALL_ORDER = frozenset(
    bytes.fromhex(point)
    for point in (
        "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
        "0100000000000000000000000000000000000000000000000000000000000000",  # order 1
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p - 1, order 2
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p, order 4
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p + 1, order 1
    )
)


def signature_valid(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is ``public``'s Ed25519 signature over ``message``."""
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Write ``key`` as an unencrypted PKCS#8 PEM readable only by its owner (0600).

    Refuses to overwrite: a lost key cannot be recovered, a replaced one silently orphans the
    registration in the ledger.
    """
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    fd = create_key_file(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)  # in case the umask was stricter than needed or the fs ignores it
    note_written(path)


def load_private_key(path: Path, field: str = "key") -> Ed25519PrivateKey:
    """Read an Ed25519 private key PEM, refusing files the group or others may read; each
    refusal on ``field``, the option that named the file (``--key``; ``log-key`` for
    ``checkpoint --log-key``, since session 24: it said "refused key:")."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(field, f"cannot read key file {path}: {exc.strerror}") from None
    # Said before its mode: a folder's 0755 is no key file's permission to mend.
    if stat.S_ISDIR(mode):
        raise InputError(field, f"{path} is a folder, not a key file: name the key file in it")
    if mode & NOT_OWNER_ONLY:
        raise InputError(field, f"{open_to(str(path), mode)}; run `chmod 600 {path}`")
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, OSError):
        raise InputError(field, f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(field, f"{path} is not an Ed25519 key")
    return key


#: PostgreSQL: what the officers' role (which holds UPDATE on the table for rotation and
#: erasure) may do to a household key, for every role, the owner included. ``{schema}``,
#: ``{keys}`` and ``{events}`` are identifiers.
#:
#: - A key stays with its household, and its ``key_version`` never changes (rotation and
#:   erasure change neither: ``ledger.privacy.HouseholdKeys``).
#: - A key is destroyed (or marked destroyed) only once the household's
#:   ``PersonalDataErased`` event is stored, and a destroyed key is never put back. Only a
#:   change *towards* destruction is checked: a row destroyed already (by a recorded erasure,
#:   or by tampering before this guard was installed, which ``fupin verify`` reports) may
#:   still be re-marked with a new master by a rotation, which destroys nothing more.
#: - A live key's wrapped key changes only together with its master id, and the other way
#:   round: a rotation re-wraps a key under a new master; nothing else writes a live key
#:   (``UPDATE household_keys SET wrapped_key = 'AAAA'`` made a household unreadable while
#:   ``fupin verify``, which never unwraps a key, still passed). What it cannot refuse — a
#:   wrapped key replaced together with a made-up master id — ``fupin keys check`` finds.
#: - A row is never deleted, nor the table emptied (``DELETE``, ``TRUNCATE``): erasure keeps
#:   the row, its key destroyed. A row deleted (by the table's owner, or a role granted
#:   DELETE) shredded the household and left no trace in the table at all.
#:
#: Installed again (``protect_events``, or this function by the owner) it replaces the
#: function and both triggers: a store guarded before DELETE and TRUNCATE were refused gets
#: them then (``fupin verify`` reports a household whose key row is gone, on any store).
KEY_TABLE_GUARD = """
CREATE OR REPLACE FUNCTION {schema}.fupin_household_keys_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'household_keys: the key row of % is never deleted (fupin erase '
            'destroys a key and keeps its row)', OLD.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'household_keys: the key table is never emptied (TRUNCATE refused)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.household_id IS DISTINCT FROM OLD.household_id THEN
        RAISE EXCEPTION 'household_keys: a key stays with its household'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.key_version IS DISTINCT FROM OLD.key_version THEN
        RAISE EXCEPTION 'household_keys: the key version of % does not change', OLD.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.wrapped_key IS NULL AND NEW.wrapped_key IS NOT NULL THEN
        RAISE EXCEPTION 'household_keys: the destroyed key of % is not put back', OLD.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.wrapped_key IS NOT NULL AND NEW.wrapped_key IS NOT NULL
       AND (NEW.wrapped_key IS DISTINCT FROM OLD.wrapped_key)
           <> (NEW.master_id IS DISTINCT FROM OLD.master_id)
    THEN
        RAISE EXCEPTION 'household_keys: the key of % is re-wrapped only under a new master '
            'key, its wrapped key and master id together (fupin keys rotate-master)',
            OLD.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (CASE WHEN TG_OP = 'INSERT'
             THEN NEW.wrapped_key IS NULL OR NEW.destroyed_at IS NOT NULL
             ELSE (OLD.wrapped_key IS NOT NULL AND NEW.wrapped_key IS NULL)
                  OR (OLD.destroyed_at IS NULL AND NEW.destroyed_at IS NOT NULL) END)
       AND NOT EXISTS (
           SELECT 1 FROM {events}
           WHERE originator_id = NEW.household_id::uuid
             AND topic = 'ledger.household:Household.PersonalDataErased')
    THEN
        RAISE EXCEPTION 'household_keys: the key of % is destroyed only after its erasure is '
            'recorded (fupin erase)', NEW.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS fupin_keys_erased_only ON {keys};
CREATE TRIGGER fupin_keys_erased_only BEFORE INSERT OR UPDATE OR DELETE ON {keys}
    FOR EACH ROW EXECUTE FUNCTION {schema}.fupin_household_keys_guard();
DROP TRIGGER IF EXISTS fupin_keys_no_truncate ON {keys};
CREATE TRIGGER fupin_keys_no_truncate BEFORE TRUNCATE ON {keys}
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.fupin_household_keys_guard();
"""


#: The bodies earlier fupins installed as ``fupin_household_keys_guard`` (``{events}`` is an
#: identifier), oldest first, with what each let through that the current one refuses:
#: ``fupin verify`` tells an earlier guard, which ``protect_events`` run again replaces, from a
#: function replaced by hand (``ledger.schema.own_trigger_notes``, since session 34).
EARLIER_KEY_GUARDS: tuple[tuple[str, str], ...] = (
    (
        "a key's version changed, a live key re-wrapped without its master id, a key row "
        "deleted and the table emptied (fupin before 2026-11-29 13:41 UTC)",
        """
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.household_id IS DISTINCT FROM OLD.household_id THEN
        RAISE EXCEPTION 'household_keys: a key stays with its household'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.wrapped_key IS NULL AND NEW.wrapped_key IS NOT NULL THEN
        RAISE EXCEPTION 'household_keys: the destroyed key of % is not put back', OLD.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.wrapped_key IS NULL OR NEW.destroyed_at IS NOT NULL)
       AND (TG_OP = 'INSERT' OR OLD.wrapped_key IS NOT NULL OR OLD.destroyed_at IS NULL)
       AND NOT EXISTS (
           SELECT 1 FROM {events}
           WHERE originator_id = NEW.household_id::uuid
             AND topic = 'ledger.household:Household.PersonalDataErased')
    THEN
        RAISE EXCEPTION 'household_keys: the key of % is destroyed only after its erasure is '
            'recorded (fupin erase)', NEW.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END """,
    ),
    (
        "a key row deleted and the table emptied (fupin before 2026-12-01 19:44 UTC)",
        """
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.household_id IS DISTINCT FROM OLD.household_id THEN
        RAISE EXCEPTION 'household_keys: a key stays with its household'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.key_version IS DISTINCT FROM OLD.key_version THEN
        RAISE EXCEPTION 'household_keys: the key version of % does not change', OLD.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.wrapped_key IS NULL AND NEW.wrapped_key IS NOT NULL THEN
        RAISE EXCEPTION 'household_keys: the destroyed key of % is not put back', OLD.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.wrapped_key IS NOT NULL AND NEW.wrapped_key IS NOT NULL
       AND (NEW.wrapped_key IS DISTINCT FROM OLD.wrapped_key)
           <> (NEW.master_id IS DISTINCT FROM OLD.master_id)
    THEN
        RAISE EXCEPTION 'household_keys: the key of % is re-wrapped only under a new master '
            'key, its wrapped key and master id together (fupin keys rotate-master)',
            OLD.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (CASE WHEN TG_OP = 'INSERT'
             THEN NEW.wrapped_key IS NULL OR NEW.destroyed_at IS NOT NULL
             ELSE (OLD.wrapped_key IS NOT NULL AND NEW.wrapped_key IS NULL)
                  OR (OLD.destroyed_at IS NULL AND NEW.destroyed_at IS NOT NULL) END)
       AND NOT EXISTS (
           SELECT 1 FROM {events}
           WHERE originator_id = NEW.household_id::uuid
             AND topic = 'ledger.household:Household.PersonalDataErased')
    THEN
        RAISE EXCEPTION 'household_keys: the key of % is destroyed only after its erasure is '
            'recorded (fupin erase)', NEW.household_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END """,
    ),
)


def key_guard_body(events: str, template: str | None = None) -> str:
    """The body of ``fupin_household_keys_guard`` as ``guard_household_keys`` installs it
    (``pg_proc.prosrc``) with ``events`` (the events table, quoted) in it; or ``template``'s,
    one of ``EARLIER_KEY_GUARDS``."""
    if template is None:
        template = KEY_TABLE_GUARD.split("$$")[1]
    return template.replace("{events}", events)


def guard_household_keys(
    connection: Any, schema: str = "public", events: str = "ledger_events"
) -> None:
    """Install ``KEY_TABLE_GUARD`` on ``schema``'s ``household_keys`` through a database
    connection of the tables' owner (psycopg's; a proposal for
    ``projections.pg.protect_events``; it commits with the caller's transaction)."""
    connection.execute(
        KEY_TABLE_GUARD.format(
            schema=_identifier(schema),
            keys=f"{_identifier(schema)}.{_identifier('household_keys')}",
            events=f"{_identifier(schema)}.{_identifier(events)}",
        )
    )


def _identifier(name: str) -> str:
    """A plain SQL name, quoted; anything else refused (no driver's quoting in the domain)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
        raise InputError("schema", f"{name!r} is not a plain SQL name")
    return f'"{name}"'
