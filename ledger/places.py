"""Streets 街道 and their villages / communities 村（社区）.

Jianghai has three streets (江南, 外海, 礼乐); four villages are *relatively poor* 相对贫困村 and
receive village-level funding [六(四)].
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, lookalikes, natural_id, typed_hint
from ledger.errors import AlreadyExistsError, NotFoundError

__all__ = ["Street"]


class Street(LedgerAggregate):
    """A street 街道 with its villages / communities 村（社区）."""

    @staticmethod
    def create_id(name: str) -> UUID:
        return natural_id("street", name)

    @event("StreetRegistered")
    def __init__(self, name: str, prov: Provenance) -> None:
        self.name = name
        self.villages: dict[str, bool] = {}  # village name -> relatively poor 相对贫困村

    def add_village(self, name: str, relatively_poor: bool, prov: Provenance) -> None:
        """Add a village or community 村（社区）; a relatively poor one 相对贫困村 if flagged."""
        if name in self.villages:
            raise AlreadyExistsError("village", f"{name!r} is already a village of {self.name}")
        for other in sorted(lookalikes(name) & self.villages.keys()):
            raise AlreadyExistsError(
                "village",
                f"{name!r} looks the same as {other!r}, a village of {self.name} (they differ "
                "only in half- and full-width punctuation): use that one",
            )
        self._village_added(name, relatively_poor, prov)

    @event("VillageAdded")
    def _village_added(self, name: str, relatively_poor: bool, prov: Provenance) -> None:
        self.villages[name] = relatively_poor

    def check_has_village(self, village: str) -> None:
        if village not in self.villages:
            raise NotFoundError(
                "village",
                f"{village!r} is not a village of street {self.name}{typed_hint(village)}",
            )
