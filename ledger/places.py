"""Streets 街道 and their villages / communities 村（社区）.

Jianghai has three streets (江南, 外海, 礼乐); four villages are *relatively poor* 相对贫困村 and
receive village-level funding [六(四)].
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, lookalikes, natural_id, typed_hint
from ledger.errors import AlreadyExistsError, NotFoundError, RuleError
from ledger.values import check_says

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
        self.village_added_on: dict[str, date] = {}  # village name -> the day it was added

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
        self.village_added_on[name] = prov.effective

    def amend_village(
        self,
        name: str,
        relatively_poor: bool,
        reason: str,
        prov: Provenance,
        opened: date | None = None,
    ) -> None:
        """Restate a village's relatively-poor flag 相对贫困村 typed wrong at ``add-village``
        (since session 22): it was ``relatively_poor`` from its registration on. The event
        keeps what it was; nothing is edited. Its name is never restated (households,
        payments and findings name it)."""
        self.check_amend_village(name, relatively_poor, reason, prov, opened)
        self._village_amended(name, relatively_poor, self.villages[name], reason.strip(), prov)

    def check_amend_village(
        self,
        name: str,
        relatively_poor: bool,
        reason: str,
        prov: Provenance,
        opened: date | None = None,
    ) -> None:
        """Refuse the amendment ``amend_village`` would refuse, changing nothing (``fupin
        verify`` replays each by it): a village of the street, a flag it does not already
        hold, a reason, not dated before the village was added nor before the programme
        ``opened``."""
        self.check_has_village(name)
        if type(relatively_poor) is not bool:
            raise RuleError("relatively_poor", f"expects yes or no, not {relatively_poor!r}")
        if self.villages[name] == relatively_poor:
            shown = "relatively poor" if relatively_poor else "not relatively poor"
            raise RuleError(
                "relatively_poor", f"{name} of {self.name} is already {shown}: nothing to amend"
            )
        check_says("reason", reason, "an amendment must say why")
        added = self.village_added_on.get(name)
        self.check_not_before(
            prov.effective, added, f"the amendment is dated {prov.effective}; {name} was added"
        )
        self.check_not_before(
            prov.effective, opened, f"the amendment is dated {prov.effective}; the programme opened"
        )

    @event("VillageAmended")
    def _village_amended(
        self, name: str, relatively_poor: bool, was: bool, reason: str, prov: Provenance
    ) -> None:
        self.villages[name] = relatively_poor

    def check_has_village(self, village: str) -> None:
        if village not in self.villages:
            raise NotFoundError(
                "village",
                f"{village!r} is not a village of street {self.name}{typed_hint(village)}",
            )
