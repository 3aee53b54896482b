"""Erasure 删除个人信息, master key rotation, and the public notice lists 公示名单.

Erasure is crypto-shredding: ``PersonalDataErased`` is saved on the household first, then its
key is destroyed (ledger.privacy). The order is the safe one: if the process dies between the
two, the erasure is on record and running ``erase`` again finishes it (it destroys the key and
records nothing new); the other order could destroy data with no record of who did it and why.

A public notice list 公示名单 is what the street posts for the public [四(一)、六(六)]: every
household whose identification notice 张榜公示 or exit notice 退出公示 runs in a period, with names
and ID-card numbers masked whoever asks (the list is for the public).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from ledger.base import LedgerAggregate
from ledger.core import LedgerCore, Stamp
from ledger.errors import InputError, RuleError
from ledger.household import Household
from ledger.places import Street
from ledger.privacy import mask_id_card, mask_name, parse_master_key

__all__ = ["NoticeEntry", "PrivacyCommands"]

_NOTICE_KINDS = {"NoticePosted": "identification 识别公示", "ExitNoticed": "exit 退出公示"}


@dataclass(frozen=True)
class NoticeEntry:
    """One line of a public notice list 公示名单: masked name and ID-card number."""

    street: str
    village: str
    household: str
    kind: str
    head_name: str
    id_card: str
    members: int
    area: str
    start: date
    end: date


class PrivacyCommands(LedgerCore):
    """Erasure, master key rotation and public notice lists (docs/privacy.md)."""

    def erase(self, stamp: Stamp, number: str, reason: str) -> None:
        """Erase the household's personal data for good (admin only): record why, then destroy
        its key. Counts, money, the hash chain and every signature and proof stay valid."""
        household = self.household(number)
        prov = self.authorise(stamp, "erase", household.street)
        if household.erased:
            if self.household_keys.is_destroyed(household.id):
                raise RuleError("household", f"the personal data of {number} was erased")
            self.household_keys.destroy(household.id)  # finish an erasure cut short
            return

        def attempt() -> list[LedgerAggregate]:
            fresh = self.household(number)
            fresh.erase_personal(reason, prov)
            return [fresh]

        self.execute(attempt)
        self.household_keys.destroy(household.id)

    def rotate_master(self, stamp: Stamp, new_key: str) -> int:
        """Re-wrap every household key under a new master key (admin only); returns how many.
        The old key is needed for this run and useless afterwards."""
        self.authorise(stamp, "rotate_master")
        new = parse_master_key(new_key)
        if new == self.household_keys.master:
            raise InputError("new_key", "the new master key is the current one")
        return self.household_keys.rotate_master(new)

    def notice_list(self, street: str, start: date, end: date) -> list[NoticeEntry]:
        """Households of ``street`` whose notice runs at some day from ``start`` to ``end``."""
        if end < start:
            raise InputError("to", f"{end} is before {start}")
        self.load(Street, street, "street")
        entries: list[NoticeEntry] = []
        for event in self._notice_events():
            fields = vars(event)
            if fields["start"] > end or fields["end"] < start:
                continue
            household = self.get_by_id(fields["originator_id"])
            if isinstance(household, Household) and household.street == street:
                kind = _NOTICE_KINDS[type(event).__qualname__.rsplit(".", 1)[-1]]
                entries.append(_entry(household, kind, fields))
        return sorted(entries, key=lambda e: (e.start, e.village, e.household, e.kind))

    def _notice_events(self) -> Iterator[DomainEventProtocol[UUID]]:
        start: int | None = None
        while True:
            page = self.recorder.select_notifications(
                start=start, limit=1000, inclusive_of_start=start is None
            )
            if not page:
                return
            for notification in page:
                if notification.topic.rsplit(".", 1)[-1] in _NOTICE_KINDS:
                    yield self.mapper.to_domain_event(notification)
            start = page[-1].id


def _entry(household: Household, kind: str, fields: dict[str, Any]) -> NoticeEntry:
    return NoticeEntry(
        household.street,
        household.village,
        household.number,
        kind,
        mask_name(household.personal.head_name),
        mask_id_card(household.personal.id_card),
        household.members,
        household.area,
        fields["start"],
        fields["end"],
    )
