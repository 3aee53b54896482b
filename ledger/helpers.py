"""Helpers 帮扶责任人 of the "4+1" model [四(二)] and the enterprises that employ
registered poor workers [四(十一)].

Per household: cadres 干部 at deputy-section level or above 副科级以上 (one, or two or
three for the hardest cases), one enterprise 企业 or cooperative 合作社, one social worker
社工, one volunteer team 义工团队 of 10 party members, plus the household itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.errors import RuleError

__all__ = ["CADRE_RANKS", "HELPER_KINDS", "ROLE_OF_KIND", "Helper"]

HELPER_KINDS = ("cadre", "enterprise", "cooperative", "social-worker", "volunteer-team")

#: The 4+1 role each kind of helper fills; an enterprise and a cooperative fill the same one.
ROLE_OF_KIND = {
    "cadre": "cadre",
    "enterprise": "enterprise",
    "cooperative": "enterprise",
    "social-worker": "social-worker",
    "volunteer-team": "volunteer-team",
}

#: Cadre ranks from deputy-section 副科级 upwards; lower ranks cannot be paired [四(二)].
CADRE_RANKS = (
    "deputy-section",  # 副科级
    "section",  # 正科级
    "deputy-division",  # 副处级
    "division",  # 正处级
    "deputy-bureau",  # 副厅级
    "bureau",  # 正厅级
)


#: The most members a volunteer team may list (bounded like every count the reports sum).
MAX_TEAM = 10_000


#: The earliest day an employment may have begun (as a birth date is from 1900 on): a typed
#: year such as 0016 is refused, a worker employed before the programme is not.
EARLIEST_SINCE = date(1900, 1, 1)


class Helper(LedgerAggregate):
    """A helper 帮扶责任人: cadre, enterprise or cooperative, social worker or volunteer team."""

    VOIDABLE = frozenset({"WorkerEmployed"})

    @staticmethod
    def create_id(helper_id: str) -> UUID:
        return natural_id("helper", helper_id)

    @event("HelperRegistered")
    def __init__(
        self,
        helper_id: str,
        kind: str,
        name: str,
        unit: str,
        rank: str,
        team_size: int,
        prov: Provenance,
    ) -> None:
        self.helper_id = helper_id
        self.kind = kind
        self.name = name
        self.unit = unit
        self.rank = rank
        self.team_size = team_size
        self.workers: dict[str, date] = {}  # household number -> employed since
        self.employment_entry: dict[str, int] = {}  # household -> version of the live entry

    @staticmethod
    def check_registration(kind: str, rank: str, team_size: int, min_team: int) -> None:
        """A cadre must be deputy-section or above; a volunteer team must have 10 members."""
        if kind == "cadre" and rank not in CADRE_RANKS:
            raise RuleError("rank", "a paired cadre must be deputy-section level 副科级 or above")
        if kind == "volunteer-team" and team_size < min_team:
            raise RuleError("team_size", f"a volunteer team needs at least {min_team} members")
        if not 0 <= team_size <= MAX_TEAM:
            raise RuleError("team_size", f"a team has 0 to {MAX_TEAM} members")

    def employ(self, household: str, since: date, prov: Provenance) -> None:
        """An enterprise or cooperative employs a registered poor worker [四(十一)], since a day
        not after the day the employment takes effect (it may be before the programme: a worker
        employed already is recorded with the day the job began)."""
        if ROLE_OF_KIND[self.kind] != "enterprise":
            raise RuleError("helper", f"{self.helper_id} is a {self.kind}, not an employer")
        if household in self.workers:
            raise RuleError("household", f"{household!r} is already employed by {self.helper_id}")
        if since > prov.effective:
            raise RuleError(
                "since",
                f"employed since {since}, after the employment takes effect ({prov.effective})",
            )
        if since < EARLIEST_SINCE:  # 0016-09-01 typed for 2016-09-01
            raise RuleError("since", f"employed since {since}: not a date of anyone's working life")
        self._employed(household, since, prov)

    @event("WorkerEmployed")
    def _employed(self, household: str, since: date, prov: Provenance) -> None:
        version = self.remember_entry("WorkerEmployed", household)
        self.workers[household] = since
        self.employment_entry[household] = version

    def end_employment(self, household: str, prov: Provenance) -> None:
        """The registered worker leaves the enterprise, not before the day they were employed."""
        if household not in self.workers:
            raise RuleError("household", f"{household!r} is not employed by {self.helper_id}")
        self.check_not_before(
            prov.effective, self.workers[household], f"{household} was employed by {self.helper_id}"
        )
        self._employment_ended(household, prov)

    @event("EmploymentEnded")
    def _employment_ended(self, household: str, prov: Provenance) -> None:
        del self.workers[household]
        self.employment_entry.pop(household, None)

    def undo_entry(self, kind: str, key: Any) -> None:
        # Only the live employment goes: voiding an earlier, ended one changes nothing now.
        live = self.employment_entry.get(key)
        if live is not None and live in self.voided:
            self.workers.pop(key, None)
            self.employment_entry.pop(key, None)
