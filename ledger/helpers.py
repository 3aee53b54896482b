"""Helpers 帮扶责任人 of the "4+1" model [四(二)] and the enterprises that employ
registered poor workers [四(十一)].

Per household: cadres 干部 at deputy-section level or above 副科级以上 (one, or two or
three for the hardest cases), one enterprise 企业 or cooperative 合作社, one social worker
社工, one volunteer team 义工团队 of 10 party members, plus the household itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, natural_id, with_article
from ledger.errors import InputError, RuleError
from ledger.values import (
    check_as_recorded,
    clean_name,
    named,
    named_as,
    parse_category,
    require_text,
)

__all__ = [
    "CADRE_RANKS",
    "FIELD_OF_KIND",
    "HELPER_KINDS",
    "KIND_WORDS",
    "RANK_WORDS",
    "ROLE_OF_KIND",
    "EnterprisePairings",
    "Helper",
    "paired_elsewhere",
    "paired_elsewhere_until",
    "parse_kind",
    "read_rank",
    "taken_elsewhere",
]

HELPER_KINDS = ("cadre", "enterprise", "cooperative", "social-worker", "volunteer-team")
#: The kinds as officers write them in Chinese (DOMAIN.md, ``helper add --help``), read as the
#: English name where a kind is typed (``parse_kind``; since session 26).
KIND_WORDS = {
    "干部": "cadre",
    "企业": "enterprise",
    "合作社": "cooperative",
    "社工": "social-worker",
    "义工团队": "volunteer-team",
}


def parse_kind(value: str, field: str = "kind") -> str:
    """A helper's kind: one of ``HELPER_KINDS``, in English or in Chinese (``KIND_WORDS``),
    read as the English name (``ledger.values.parse_category``; since session 26)."""
    return parse_category(value, HELPER_KINDS, KIND_WORDS, field)


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


#: Each rank's Chinese term, as officers type it (``--rank 正处级``; since session 26: a cadre's
#: rank in Chinese was refused saying it must be 副科级 or above, 副科级 itself among them).
RANK_WORDS = {
    "副科级": "deputy-section",
    "正科级": "section",
    "副处级": "deputy-division",
    "正处级": "division",
    "副厅级": "deputy-bureau",
    "正厅级": "bureau",
}
#: The short forms officers also write (副科 for 副科级), read as the rank but never listed (since
#: session 37, tester k F19: refused as if the cadre were below deputy-section).
RANK_SHORT = {
    "副科": "deputy-section",
    "正科": "section",
    "副处": "deputy-division",
    "正处": "division",
    "副厅": "deputy-bureau",
    "正厅": "bureau",
}


def read_rank(value: str) -> str:
    """A cadre's rank as typed: its Chinese term (``RANK_WORDS``, spaces around it no part of
    it) read as the English name recorded, as are the name in any case and the two as a refusal
    lists them (``Deputy-Section``, ``deputy-section 副科级``: since session 28, re-tester O, as
    every coded value, ``ledger.values.named_as``); anything else as typed, for
    ``check_fields``."""
    rank = named_as(value.strip(), CADRE_RANKS, {**RANK_WORDS, **RANK_SHORT})
    return rank if rank in CADRE_RANKS else value


#: The kind that has each of these registration fields, and the field's value when not given
#: (``helper add`` and ``register_helper`` default to it; any other kind is refused a value).
FIELD_OF_KIND = {"rank": ("cadre", ""), "team_size": ("volunteer-team", 0)}


#: The most members a volunteer team may list (bounded like every count the reports sum).
MAX_TEAM = 10_000


#: The earliest day an employment may have begun (as a birth date is from 1900 on): a typed
#: year such as 0016 is refused, a worker employed before the programme is not.
EARLIEST_SINCE = date(1900, 1, 1)


class EmploymentPast(NamedTuple):
    """An employment standing past a day (``Helper.employment_past``): since when, and, if it
    ended after that day, when and by which entry (None: not ended)."""

    since: date
    ended: date | None
    end_entry: int | None

    def began_after(self, void: str, then: str) -> str:
        """The ways out for one that began after the closure's date, which no end on or before
        it can follow (``Helper.check_ending``): ``void`` it if it never was, or, if it was,
        ``then`` (the closure dated on or after its end), as the closure's refusal (since
        session 31, helper n) and verify's note of one (since session 32) say them."""
        return (
            "it began after the closure's date, so no end of it is on or before it: void it if "
            f"it never was {void}, or, if it was, {then}"
        )


class Helper(LedgerAggregate):
    """A helper 帮扶责任人: cadre, enterprise or cooperative, social worker or volunteer team."""

    #: An employment typed in error, or (since session 24) its end: the job stands again.
    VOIDABLE = frozenset({"WorkerEmployed", "EmploymentEnded"})
    #: What ``Amended`` may restate: the name, unit, rank and team size it was registered with
    #: (not its id, nor its kind: the 4+1 role its pairings fill).
    AMENDABLE = frozenset({"name", "unit", "rank", "team_size"})

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
        self.registered_on = prov.effective
        self.workers: dict[str, date] = {}  # household number -> employed since
        self.employment_entry: dict[str, int] = {}  # household -> version of the live entry
        #: household -> (version of the entry, the day it ended) of each employment ended here
        self.employments_ended: dict[str, list[tuple[int, date]]] = {}
        #: version of each ``EmploymentEnded`` in force -> (the version of the employment it
        #: ended, its since): what voiding the end restores
        self.ended_entries: dict[int, tuple[int | None, date]] = {}

    @staticmethod
    def check_registration(kind: str, rank: str, team_size: int, min_team: int) -> None:
        """A cadre must be deputy-section or above; a volunteer team must have 10 members; a
        rank is a cadre's only, a team size a volunteer team's only."""
        Helper.check_fields(kind, {"rank": rank, "team_size": team_size}, min_team)

    @staticmethod
    def check_fields(kind: str, values: Mapping[str, Any], min_team: int) -> None:
        """The registration's rules on the fields in ``values`` (all of them at registration,
        those amended at an amendment: what was recorded before these rules stays as it is).
        A rank or team size on a kind that has none is refused unless blank (``''``, ``0``:
        not given, as the import's defaults and the exports write them)."""
        for field, (owner, unset) in FIELD_OF_KIND.items():
            if field in values and kind != owner and values[field] != unset:
                raise RuleError(
                    field,
                    f"{values[field]!r} given, but {with_article(kind)} has no "
                    f"{field.replace('_', ' ')}"
                    f" (only {with_article(owner)} has one): leave it out",
                )
        if kind == "cadre" and "rank" in values and values["rank"] not in CADRE_RANKS:
            raise RuleError(
                "rank",
                f"{values['rank']!r}: a paired cadre must be deputy-section level 副科级 or "
                f"above, one of {named(CADRE_RANKS, RANK_WORDS)}",
            )
        if "team_size" not in values:
            return
        team_size = values["team_size"]
        if kind == "volunteer-team" and team_size < min_team:
            raise RuleError("team_size", f"a volunteer team needs at least {min_team} members")
        if not 0 <= team_size <= MAX_TEAM:
            raise RuleError("team_size", f"a team has 0 to {MAX_TEAM} members")

    def check_amendment(self, changes: dict[str, Any], prov: Provenance) -> None:
        """Not dated before the registration it restates; each value as the command records
        it (a name stripped and composed, a unit or rank stripped, a rank cleared as ``''``, a
        team size a whole number), and within the registration's rules for the helper's kind
        (``check_fields``; a volunteer team's least size is the programme's:
        ``OversightCommands.amend`` checks it)."""
        for field, value in changes.items():
            if field == "team_size":
                if type(value) is not int:
                    raise InputError(field, "expects a whole number")
            elif not (field == "rank" and value == ""):
                check_as_recorded(field, value, clean_name if field == "name" else require_text)
        Helper.check_fields(self.kind, changes, 0)
        self.check_not_before(
            prov.effective, self.registered_on, f"{self.helper_id} was registered"
        )

    def check_serving_on(self, day: date, field: str, what: str = "paired") -> None:
        """A helper serves the programme (is paired, employs a worker) only from the day it was
        registered: a pairing dated before that would owe visits of a helper not yet on record,
        and fill a place of the 4+1 with no one."""
        if day < self.registered_on:
            raise RuleError(
                field,
                f"{self.helper_id} was registered on {self.registered_on}: it cannot be {what} "
                f"on {day}, before its registration",
            )

    def employ(self, household: str, since: date, prov: Provenance) -> None:
        """An enterprise or cooperative employs a registered poor worker [四(十一)], since a day
        not after the day the employment takes effect (it may be before the programme: a worker
        employed already is recorded with the day the job began), and not since a day before
        the same worker's last employment here ended (two would count one period twice)."""
        self.check_employer()
        self.check_serving_on(prov.effective, "effective", "recorded as employing a worker")
        if household in self.workers:
            raise RuleError("household", f"{household!r} is already employed by {self.helper_id}")
        if since > prov.effective:
            raise RuleError(
                "since",
                f"employed since {since}, after the employment takes effect ({prov.effective})",
            )
        if since < EARLIEST_SINCE:  # 0016-09-01 typed for 2016-09-01
            raise RuleError("since", f"employed since {since}: not a date of anyone's working life")
        ended = [
            until
            for version, until in self.employments_ended.get(household, [])
            if version not in self.voided
        ]
        self.check_not_before(
            since,
            max(ended, default=None),
            f"employed since {since}; {household}'s last employment by {self.helper_id} ended",
            "since",
        )
        self._employed(household, since, prov)

    def check_employer(self) -> None:
        if ROLE_OF_KIND[self.kind] != "enterprise":
            raise RuleError(
                "helper", f"{self.helper_id} is {with_article(self.kind)}, not an employer"
            )

    @event("WorkerEmployed")
    def _employed(self, household: str, since: date, prov: Provenance) -> None:
        version = self.remember_entry("WorkerEmployed", prov, household)
        self.workers[household] = since
        self.employment_entry[household] = version

    def end_employment(self, household: str, prov: Provenance) -> None:
        """The registered worker leaves the enterprise, not before the day they were employed
        (``check_ending``; on or before the household's closure: the command judges it,
        ``Household.check_employment_ends_by``)."""
        self.check_ending(household, prov.effective)
        self._employment_ended(household, prov)

    def check_ending(self, household: str, day: date) -> None:
        """A worker of ``household`` employed here leaves on ``day``, not before the day they
        were employed."""
        if household not in self.workers:
            raise RuleError("household", f"{household!r} is not employed by {self.helper_id}")
        self.check_not_before(
            day, self.workers[household], f"{household} was employed by {self.helper_id}"
        )

    @event("EmploymentEnded")
    def _employment_ended(self, household: str, prov: Provenance) -> None:
        since = self.workers.pop(household)
        version = self.employment_entry.pop(household, None)
        if version is not None:
            self.employments_ended.setdefault(household, []).append((version, prov.effective))
        self.ended_entries[self.remember_entry("EmploymentEnded", prov, household)] = (
            version,
            since,
        )

    def check_correctable(self, version: int) -> None:
        super().check_correctable(version)
        kind, household = self.entries[version]
        if kind == "EmploymentEnded":
            self.check_end_voidable(version, household)

    def check_end_voidable(self, version: int, household: str) -> None:
        """An end of an employment 离职 recorded in error is voided (since session 24): the
        job stands again from its start, as if never ended. Only while the employment it ended
        stands (not voided since), and only the end of the household's latest employment here:
        not once the worker is employed here again after it (not voided), which would make two
        jobs of one worker at one employer (``employ`` refuses a second) over the same days."""
        employed, _since = self.ended_entries.get(version, (None, None))
        if employed is None or employed in self.voided:
            raise RuleError(
                "version",
                f"entry {version} ended an employment of {household} by {self.helper_id} that "
                f"was voided since{f' (entry {employed})' if employed else ''}: there is no "
                "job to stand again",
            )
        later = [
            other
            for other, (kind, key) in sorted(self.entries.items())
            if kind == "WorkerEmployed" and key == household and other > version
            if other not in self.voided
        ]
        if later:
            raise RuleError(
                "version",
                f"{household} was employed by {self.helper_id} again after entry {version} "
                f"ended its employment (entry {later[0]}, dated {self.entry_dates[later[0]]}): "
                "only the end of its latest employment here is voided; correct that employment "
                f"first (fupin correct helper {self.helper_id} {later[0]} --reason …), then the "
                "end",
            )

    def employment_past(self, household: str, version: int, day: date) -> EmploymentPast | None:
        """The employment of entry ``version`` of a worker of ``household``, if it stands past
        ``day`` (a closure of the household: since session 25 one is refused so, and since
        session 31 verify notes one an older fupin left so): not voided, and not ended or ended
        after ``day``; None if it does not."""
        if version in self.voided:
            return None
        if self.employment_entry.get(household) == version:
            return EmploymentPast(self.workers[household], None, None)
        ended = [
            end
            for employed, end in self.employments_ended.get(household, [])
            if employed == version
        ]
        ends = [end for end, (employed, _) in self.ended_entries.items() if employed == version]
        if not ended or ended[0] <= day or not ends:
            return None
        return EmploymentPast(self.ended_entries[max(ends)][1], ended[0], max(ends))

    def undo_entry(self, kind: str, key: Any) -> None:
        if kind == "EmploymentEnded":
            self._undo_end(key)
            return
        # Only the live employment goes: voiding an earlier, ended one changes nothing now.
        live = self.employment_entry.get(key)
        if live is not None and live in self.voided:
            self.workers.pop(key, None)
            self.employment_entry.pop(key, None)

    def _undo_end(self, household: str) -> None:
        """The end just voided (the latest voided one of ``household`` whose effect is still
        here): the employment it ended stands again, from its since."""
        voided = [
            version
            for version in self.ended_entries
            if version in self.voided and self.entries[version][1] == household
        ]
        if not voided:
            return
        employed, since = self.ended_entries.pop(max(voided))
        if employed is None:
            return
        self.workers[household] = since
        self.employment_entry[household] = employed
        ended = self.employments_ended.get(household, [])
        self.employments_ended[household] = [item for item in ended if item[0] != employed]


class EnterprisePairings(LedgerAggregate):
    """An enterprise's or cooperative's pairings 一对一, its own record (``natural_id(
    "pairings", helper)``), saved with the household's side of each pairing so that two
    officers pairing one enterprise at once collide on its version and the loser is retried on
    fresh state (``CaseworkCommands.pair``). Kept apart from the ``Helper``, whose versions a
    correction of an employment names (an export of an older ledger names them too).

    Opened with the registration of every enterprise and cooperative (``tracked``: it holds
    all their pairings), or at the first pairing of one registered before it existed (not
    tracked: the households' own records hold the pairings before it)."""

    #: Opened by the first pairing of an enterprise registered before such records were kept:
    #: two such pairings at once both open it, and the one who loses is retried, not refused
    #: as a creation (``LedgerCore.refuse_lost_creations``).
    CREATED_ON_DEMAND = True

    @staticmethod
    def create_id(helper_id: str) -> UUID:
        return natural_id("pairings", helper_id)

    @event("PairingsOpened")
    def __init__(self, helper_id: str, tracked: bool, prov: Provenance) -> None:
        self.helper_id = helper_id
        self.tracked = tracked
        # (household number, since, until or None while it runs), in the order recorded
        self.pairings: list[tuple[str, date, date | None]] = []

    def check_pairing_free(self, household: str, day: date, field: str) -> None:
        """An enterprise or cooperative pairs one household 一对一: "176 家热心企业'一对一'联系
        挂扶 176 户" [四(十一)], "一个热心企业（或农民合作社组织）挂扶一户" [四(二)]. Its pairing
        elsewhere ends first (unpaired once that household has exited, or replaced there).

        By effective date: a pairing from ``day`` runs on (none has ended yet), so it overlaps
        any other household's pairing here that has not ended, or that ended after ``day`` (one
        that ended on ``day`` hands over). Judged on the pairings this record keeps (all of
        them when ``tracked``); one released the day it began covers no day (a voided pairing,
        ``void_pairing``) and overlaps nothing."""
        found = self.pairing_elsewhere(household, day)
        if found is not None:
            other, until = found
            if until is None:
                raise paired_elsewhere(field, self.helper_id, other)
            raise paired_elsewhere_until(field, self.helper_id, other, until, day)

    def pairing_elsewhere(self, household: str, day: date) -> tuple[str, date | None] | None:
        """Another household's pairing here that a pairing from ``day`` would overlap, as
        ``check_pairing_free`` judges it: (its household, None while it runs, or the day it
        ended, after ``day``); None if there is none."""
        ended: dict[str, date] = {}
        for other, since, until in self.pairings:
            if other == household or (until is not None and until <= since):
                continue
            if until is None:
                return other, None
            ended[other] = max(until, ended.get(other, until))
        for other, until in ended.items():
            if until > day:
                return other, until
        return None

    def take_pairing(self, household: str, prov: Provenance) -> None:
        """Household ``household`` pairs the enterprise or cooperative from the day the
        pairing takes effect (paired, or named as a replacement): a side of the household's
        ``HelperPaired`` or ``HelperUnpaired``, saved with it. Checked by the caller
        (``check_pairing_free``) before the household's side is recorded."""
        self._pairing_taken(household, prov.effective, prov)

    def retake_pairing(self, household: str, since: date, until: date, prov: Provenance) -> None:
        """The household's unpairing of this enterprise on ``until`` is voided (a correction
        更正, saved with it): its pairing there, from ``since``, runs again as if never ended
        (``PairingRetaken``, since session 21). The caller checks first that no other
        household's pairing here overlaps it (``pairing_elsewhere`` from ``until``)."""
        self._pairing_retaken(household, since, until, prov)

    @event("PairingTaken")
    def _pairing_taken(self, household: str, since: date, prov: Provenance) -> None:
        self.pairings.append((household, since, None))

    @event("PairingRetaken")
    def _pairing_retaken(self, household: str, since: date, until: date, prov: Provenance) -> None:
        # The entry the voided unpairing closed is open again, not a second one beside it: a
        # closed one left behind held up every other household until ``until`` (reviewer,
        # session 21). None closed (a record opened after the pairing): it runs from here.
        for n in reversed(range(len(self.pairings))):
            if self.pairings[n] == (household, since, until):
                self.pairings[n] = (household, since, None)
                return
        self.pairings.append((household, since, None))

    def release_pairing(self, household: str, prov: Provenance) -> None:
        """The pairing with ``household`` ends on the day the unpairing takes effect."""
        self._pairing_released(household, prov.effective, prov)

    def running_since(self, household: str) -> date | None:
        """The day this record's running pairing with ``household`` began; None if it holds
        none (one taken before this record was opened is in the log only)."""
        for other, since, until in self.pairings:
            if other == household and until is None:
                return since
        return None

    def void_pairing(self, household: str, prov: Provenance) -> None:
        """The household's ``HelperPaired`` of this enterprise is voided (a correction 更正,
        saved with it): the pairing never happened. Its side here is released on the day it
        began (``PairingReleased`` with ``until`` its ``since``), a pairing that covers no day
        and holds up no other household's (``check_pairing_free``). The caller records it only
        when ``running_since`` finds the pairing here."""
        since = self.running_since(household)
        if since is None:
            raise RuleError("version", f"{self.helper_id} holds no pairing with {household}")
        self._pairing_released(household, since, prov)

    @event("PairingReleased")
    def _pairing_released(self, household: str, until: date, prov: Provenance) -> None:
        # A pairing taken before this record was opened has no entry here: the log holds it.
        for n, (other, since, running) in enumerate(self.pairings):
            if other == household and running is None:
                self.pairings[n] = (other, since, until)


def paired_elsewhere(field: str, helper: str, household: str) -> RuleError:
    return RuleError(
        field,
        f"{helper} is paired with household {household}: an enterprise or cooperative pairs "
        "one household 一对一 [四(二)、四(十一)]; end that pairing first",
    )


def paired_elsewhere_until(
    field: str, helper: str, household: str, ended: date, day: date
) -> RuleError:
    return RuleError(
        field,
        f"{helper} was paired with household {household} until {ended}, after {day}: an "
        "enterprise or cooperative pairs one household 一对一 [四(二)、四(十一)]; its pairing "
        f"here is dated {ended} or later",
    )


def taken_elsewhere(
    version: int, helper: str, ended: date, number: str, other: str, until: date | None
) -> RuleError:
    """The refusal of a correction voiding household ``number``'s unpairing ``version`` of
    ``helper`` (an enterprise or cooperative) on ``ended``, paired with household ``other``
    since (``until``: None while that pairing runs): it cannot take its place again 一对一."""
    paired = "is paired" if until is None else f"was paired until {until}"
    return RuleError(
        "version",
        f"{helper} {paired} with household {other}, after entry {version} unpaired it from "
        f"{number} on {ended}: an enterprise or cooperative pairs one household 一对一 "
        f"[四(二)、四(十一)], so it cannot take its place at {number} again",
    )
