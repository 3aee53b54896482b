"""Officers who record: street poverty offices 街道扶贫办, the district office 区扶贫办, bureaus,
inspectors 督查 and analysts.

Roles (what each may record is in ``ledger.authority``):

- ``admin``: the district poverty office 区扶贫办 — officers, places, parameters, district steps;
- ``officer``: casework and funds, within their street when they have one (district-level if not);
- ``inspector`` 督查: inspections, findings, notices 通报 and talks 约谈;
- ``analyst``: reads reports only, records nothing.

An officer may have a registered Ed25519 signing key (``SigningKeyRegistered``); while it is in
force every save of theirs must be signed with it (``ledger.sealing``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.errors import RuleError
from ledger.values import check_as_recorded, clean_name, require_text

__all__ = ["CARRIED_REVOCATION", "ROLES", "Officer"]

ROLES = ("admin", "officer", "inspector", "analyst")
#: Where a key revoked before a move was revoked (``Officer.carry_revoked_key``), as the
#: refusals naming the store a ledger was rebuilt from say it.
CARRIED_REVOCATION = "in the store this ledger was rebuilt from"


class Officer(LedgerAggregate):
    """A person who records events, with a role and an optional street scope."""

    #: What ``Amended`` may restate: a name or unit typed wrong. Never the id (every event
    #: they recorded names it), nor the role or street (``change_role``: a transfer is news).
    AMENDABLE = frozenset({"name", "unit"})
    #: What ``Corrected`` may void (since session 21): a retirement recorded in error (the
    #: wrong officer, a date typed wrong); the officer is active again, and may be retired
    #: anew on the right day. And their latest transfer in force (``OfficerRoleChanged``, not
    #: followed by a retirement in force): they hold the post they held before it again, from
    #: the day they took it (a transfer dated today by mistake otherwise barred every transfer
    #: or retirement dated before it, and a second transfer to the same post was a no-op).
    VOIDABLE = frozenset({"OfficerRetired", "OfficerRoleChanged"})
    FIRST_ENTRY_INSTEAD = "a name or unit typed wrong is amended (`fupin officer amend`)"

    @staticmethod
    def create_id(officer_id: str) -> UUID:
        return natural_id("officer", officer_id)

    @event("OfficerRegistered")
    def __init__(
        self, officer_id: str, name: str, role: str, street: str, unit: str, prov: Provenance
    ) -> None:
        self.officer_id = officer_id
        self.name = name
        self.role = role
        self.street = street  # "" for district level
        self.unit = unit
        self.active = True
        self.registered_on = prov.effective
        #: The latest effective date of a transfer on record (the registration's if none):
        #: no transfer or retirement is dated before it (``check_dated``).
        self.changed_on = prov.effective
        #: The versions of the transfers in force, oldest first: only the last may be voided.
        self.transfers: tuple[int, ...] = ()
        #: The version of the retirement in force (0: none): no transfer is voided under it.
        self.retired_at = 0

    def check_amendment(self, changes: dict[str, Any], prov: Provenance) -> None:
        """Not dated before the registration it restates; a name stripped and composed, a
        unit stripped, as the command records them."""
        for field, value in changes.items():
            check_as_recorded(field, value, clean_name if field == "name" else require_text)
        self.check_not_before(
            prov.effective, self.registered_on, f"{self.officer_id} was registered"
        )

    def change_role(self, role: str, street: str, prov: Provenance) -> None:
        """Give the officer another role or street (a transfer); history keeps the old one.
        Not the role and street they hold (nothing would change), nor dated before their
        registration or their latest transfer (``check_dated``)."""
        self.check_change(role, street, prov)
        self._role_changed(role, street, prov)

    def check_change(self, role: str, street: str, prov: Provenance) -> None:
        """What ``change_role`` refuses of the officer's own record, changing nothing."""
        self.check_active()
        if (role, street) == (self.role, self.street):
            raise RuleError(
                "role", f"{self.officer_id} is already {_post(role, street)}: nothing to change"
            )
        self.check_dated(prov.effective)

    @event("OfficerRoleChanged")
    def _role_changed(self, role: str, street: str, prov: Provenance) -> None:
        # Applied in recording order, as ``fupin verify`` replays who held which role when they
        # recorded; a transfer dated before an earlier-recorded one is refused since session 21
        # (the read models order a ledger's older ones by effective date: projections.reference).
        # What it replaced: a correction voiding it puts the officer back in that post.
        was = (self.version + 1, self.role, self.street, self.changed_on)
        self.transfers = (*self.transfers, self.remember_entry("OfficerRoleChanged", prov, was))
        self.role = role
        self.street = street
        self.changed_on = max(self.changed_on, prov.effective)

    def retire(self, reason: str, prov: Provenance) -> None:
        """The officer leaves; they can record nothing more. Not dated before their
        registration or their latest transfer (``check_dated``)."""
        self.check_retirement(prov)
        self._retired(reason, prov)

    def check_retirement(self, prov: Provenance) -> None:
        """What ``retire`` refuses of the officer's own record, changing nothing."""
        self.check_active()
        self.check_dated(prov.effective)

    @event("OfficerRetired")
    def _retired(self, reason: str, prov: Provenance) -> None:
        self.retired_at = self.remember_entry("OfficerRetired", prov)
        self.active = False

    def check_correctable(self, version: int) -> None:
        """Of the transfers, only the latest in force is voided, while the officer is not
        retired (since session 21): an earlier one is restated by the later ones, and the
        post an officer retired from stands until the retirement is voided."""
        super().check_correctable(version)
        if self.entries[version][0] != "OfficerRoleChanged":
            return
        if version != self.transfers[-1]:
            raise RuleError(
                "version",
                f"entry {version} is not {self.officer_id}'s latest transfer (entry "
                f"{self.transfers[-1]} is): only the latest in force is voided (void that "
                "one first, or record a transfer to the right post)",
            )
        if self.retired_at:
            raise RuleError(
                "version",
                f"{self.officer_id} retired at entry {self.retired_at}: their transfer "
                f"{version} is voided only once the retirement is (fupin correct officer "
                f"{self.officer_id} {self.retired_at} --reason …)",
            )

    def check_correction(
        self, version: int, reason: str, prov: Provenance, opened: date | None = None
    ) -> None:
        """As every record's (``LedgerAggregate.check_correction``), and an admin does not
        void their own transfer to admin (as ``change_officer``: an admin always remains)."""
        super().check_correction(version, reason, prov, opened)
        kind, key = self.entries[version]
        if kind == "OfficerRoleChanged" and prov.actor == self.officer_id and key[1] != "admin":
            raise RuleError(
                "officer",
                "an admin does not give up their own admin role: another admin records it, "
                "so an admin always remains",
            )

    def undo_entry(self, kind: str, key: Any) -> None:
        """A retirement voided: the officer is active again. Their latest transfer voided:
        they hold the post it replaced again, and the latest transfer left is the one that
        bounds their next steps (``check_dated``)."""
        if kind == "OfficerRoleChanged":
            version, self.role, self.street, self.changed_on = key
            self.transfers = tuple(v for v in self.transfers if v != version)
            return
        self.active, self.retired_at = True, 0

    def check_dated(self, effective: date) -> None:
        """A transfer or retirement takes effect neither before the officer was registered nor
        before their latest transfer on record (since session 21: a retirement dated 2016-01-01
        of an officer registered on 2016-07-28 made every report as of 2017 show them retired,
        beside their 2017 events; a transfer entered after a later-dated one read as the one in
        force)."""
        self.check_not_before(effective, self.registered_on, f"{self.officer_id} was registered")
        if self.changed_on > self.registered_on:
            self.check_not_before(
                effective, self.changed_on, f"{self.officer_id}'s latest transfer took effect"
            )

    # -- signing keys 签名密钥 (tamper evidence, docs/audit-guide.md) ------------------------

    #: The registered Ed25519 key: its id and base64 public key ("" when none is in force).
    signing_key_id = ""
    signing_public_key = ""
    #: The key last revoked and the effective date of its revocation ("" when none was): what
    #: a save given ``--key`` with no key in force says (``ledger.sealing``).
    revoked_key_id = ""
    revoked_on = ""
    #: Whether that key was revoked in the store this ledger was rebuilt from, its revocation
    #: carried by the move (``RevokedKeyCarried``; since session 24): its day is not known here.
    revoked_carried = False
    #: Every key that was in force and is no longer, oldest first, each with how it left
    #: (``rotated out on 2016-08-22``, ``revoked on 2016-08-21``): what a save given the key
    #: file of one of them says (``ledger.sealing``).
    former_keys: tuple[tuple[str, str], ...] = ()
    #: The effective date of the key in force's registration (None when none is in force):
    #: no revocation of it is dated before it (since session 24).
    signing_key_on: date | None = None

    def register_signing_key(self, key_id: str, public_key: str, prov: Provenance) -> None:
        """Register (or replace) the public key that signs this officer's saves from now on,
        not dated before the officer's registration (as ``check_dated``; since session 24).
        A key revoked, or ever held by another officer or as the log key, is refused before
        (``ledger.transparency.register_signing_key``): it needs the whole log's key events."""
        self.check_active()
        if key_id == self.signing_key_id:
            raise RuleError("key", f"{self.officer_id} already has key {key_id}")
        self.check_not_before(
            prov.effective, self.registered_on, f"{self.officer_id} was registered"
        )
        # Since session 24 (a re-tester dated a rotation, and a new key after a revocation,
        # years before the key they follow): not before the key it replaces was registered,
        # nor before the revocation it follows.
        if self.signing_key_id:
            self.check_not_before(
                prov.effective,
                self.signing_key_on,
                f"{self.officer_id}'s key {self.signing_key_id}, which it replaces, was registered",
            )
        elif self.revoked_on:
            self.check_not_before(
                prov.effective,
                date.fromisoformat(self.revoked_on),
                f"{self.officer_id}'s key {self.revoked_key_id} was revoked",
            )
        self._signing_key_registered(key_id, public_key, prov)

    @event("SigningKeyRegistered")
    def _signing_key_registered(self, key_id: str, public_key: str, prov: Provenance) -> None:
        if self.signing_key_id:
            left = f"rotated out on {prov.effective.isoformat()}"
            self.former_keys = (*self.former_keys, (self.signing_key_id, left))
        self.signing_key_id = key_id
        self.signing_public_key = public_key
        self.signing_key_on = prov.effective

    def revoke_signing_key(self, reason: str, prov: Provenance) -> None:
        """Withdraw the key (lost, leaked): it signs nothing after this event. Not dated
        before the key's registration (since session 24)."""
        if not self.signing_key_id and self.revoked_key_id:
            raise RuleError(
                "key",
                f"{self.officer_id}'s key {self.revoked_key_id} was already "
                f"{self.revocation()}: {self.officer_id} has no key in force to revoke",
            )
        if not self.signing_key_id:
            raise RuleError("key", f"{self.officer_id} has no registered key")
        self.check_not_before(
            prov.effective,
            self.signing_key_on,
            f"{self.officer_id}'s key {self.signing_key_id} was registered",
        )
        self._signing_key_revoked(self.signing_key_id, reason, prov)

    @event("SigningKeyRevoked")
    def _signing_key_revoked(self, key_id: str, reason: str, prov: Provenance) -> None:
        self.signing_key_id = ""
        self.signing_public_key = ""
        self.signing_key_on = None
        self.revoked_key_id = key_id
        self.revoked_on = prov.effective.isoformat()
        self.revoked_carried = False
        self.former_keys = (*self.former_keys, (key_id, f"revoked on {self.revoked_on}"))

    def revocation(self) -> str:
        """How the key last revoked was: ``revoked on 2016-08-21``, or for one revoked before
        a move, ``revoked in the store this ledger was rebuilt from``."""
        if self.revoked_carried:
            return f"revoked {CARRIED_REVOCATION}"
        return f"revoked on {self.revoked_on}"

    def carry_revoked_key(self, key_id: str, prov: Provenance) -> None:
        """Record that this officer's key ``key_id`` was revoked in the store this ledger was
        rebuilt from, and no key of theirs was in force at the export (``ledger.moves``; since
        session 24): they record nothing here until an admin with a key in force registers a
        new key, as in that store. Before, the move left them as an officer who never held a
        key, and anyone typing ``--as`` them recorded unsigned in their name."""
        self.check_active()
        if self.signing_key_id:
            raise RuleError(
                "key", f"{self.officer_id} has key {self.signing_key_id} in force: none to carry"
            )
        self._revoked_key_carried(key_id, prov)

    @event("RevokedKeyCarried")
    def _revoked_key_carried(self, key_id: str, prov: Provenance) -> None:
        self.revoked_key_id = key_id
        self.revoked_on = ""
        self.revoked_carried = True
        self.former_keys = (*self.former_keys, (key_id, f"revoked {CARRIED_REVOCATION}"))

    def check_active(self) -> None:
        if not self.active:
            raise RuleError("officer", f"{self.officer_id} has retired")


def _post(role: str, street: str) -> str:
    """``officer of 江南``, ``inspector of the district``."""
    return f"{role} of {street}" if street else f"{role} of the district"
