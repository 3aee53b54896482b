"""Officers who record: street poverty offices 街道扶贫办, the district office 区扶贫办, bureaus,
inspectors 督查 and analysts.

Roles (what each may record is in ``ledger.authority``):

- ``admin``: the district poverty office 区扶贫办 — officers, places, parameters, district steps;
- ``officer``: casework and funds, within their street when they have one (district-level if not);
- ``inspector`` 督查: inspections, findings, notices 通报 and talks 约谈;
- ``analyst``: reads reports only, records nothing.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.errors import RuleError

__all__ = ["ROLES", "Officer"]

ROLES = ("admin", "officer", "inspector", "analyst")


class Officer(LedgerAggregate):
    """A person who records events, with a role and an optional street scope."""

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

    def change_role(self, role: str, street: str, prov: Provenance) -> None:
        """Give the officer another role or street (a transfer); history keeps the old one."""
        self.check_active()
        self._role_changed(role, street, prov)

    @event("OfficerRoleChanged")
    def _role_changed(self, role: str, street: str, prov: Provenance) -> None:
        self.role = role
        self.street = street

    def retire(self, reason: str, prov: Provenance) -> None:
        """The officer leaves; they can record nothing more."""
        self.check_active()
        self._retired(reason, prov)

    @event("OfficerRetired")
    def _retired(self, reason: str, prov: Provenance) -> None:
        self.active = False

    def check_active(self) -> None:
        if not self.active:
            raise RuleError("officer", f"{self.officer_id} has retired")
