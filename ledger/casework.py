"""Casework commands: a household's life in the programme, from identification to return.

Each command loads the household, checks that the actor's street reaches the household's
street, lets the aggregate check the plan's rules, and saves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, overload
from uuid import UUID

from eventsourcing.utils import get_topic

from ledger.base import (
    LedgerAggregate,
    Provenance,
    check_new_key,
    check_shown_whole,
    with_article,
)
from ledger.core import LedgerCore, Stamp
from ledger.errors import AlreadyExistsError, InputError, RuleError
from ledger.helpers import (
    ROLE_OF_KIND,
    EnterprisePairings,
    Helper,
    paired_elsewhere,
    paired_elsewhere_until,
    taken_elsewhere,
)
from ledger.household import (
    ERASED,
    MAX_MEMBERS,
    PLACEHOLDERS,
    SEALED,
    Household,
    Measure,
    Personal,
    Stage,
    Unpairing,
    parse_closure_reason,
    parse_return_step,
)
from ledger.places import Street
from ledger.privacy import mask_id_card
from ledger.programme import Programme
from ledger.values import (
    AREAS,
    CHINA,
    MAX_TEXT,
    SIMPLIFIED,
    check_phone,
    choice,
    clean_name,
    id_card_problem,
    optional_text,
    parse_category,
    replay_spares,
    require_text,
    visible,
)

__all__ = ["CaseworkCommands", "Identification", "PersonalChange"]


@dataclass(frozen=True)
class Identification:
    """What identification 识别 records about a household from the 低保 roll."""

    number: str
    street: str
    village: str
    area: str
    members: int
    labour: bool
    willing: bool
    disabled: bool
    dibao: bool
    personal: Personal


@dataclass(frozen=True)
class PersonalChange:
    """The personal data of a change of members 人口变更 as the officer gives it: a field left
    ``None`` keeps the household's current value, an empty one (``""``, ``()``) records none.
    The event still carries the whole new record (``applied_to``)."""

    head_name: str
    id_card: str
    phone: str | None = None
    address: str | None = None
    member_names: tuple[str, ...] | None = None

    @property
    def keeps(self) -> bool:
        """Whether a field is left to keep its current value."""
        return None in (self.phone, self.address, self.member_names)

    def applied_to(self, current: Personal, members: int) -> Personal:
        """The whole new record: what was given, the rest as ``current`` holds it."""
        if self.keeps and SEALED in (current.head_name, current.phone, current.address):
            raise InputError(
                "master_key",
                "the household's personal data on record is sealed, so what is not given cannot "
                "be kept: set LEDGER_MASTER_KEY or LEDGER_MASTER_KEY_FILE (see docs/privacy.md)",
            )
        names = current.member_names if self.member_names is None else self.member_names
        # A count out of range is refused by the household itself, naming members.
        counted = 1 <= members <= MAX_MEMBERS
        if self.member_names is None and counted and len(names) not in (0, members):
            raise RuleError(
                "member_names",
                f"{len(names)} names on record for {members} members: give every member's "
                "name anew (--member-name once per member), or an empty one to record none",
            )
        return Personal(
            self.head_name,
            self.id_card,
            current.phone if self.phone is None else self.phone,
            current.address if self.address is None else self.address,
            names,
        )


class CaseworkCommands(LedgerCore):
    """Commands of the street poverty offices 街道扶贫办 on households."""

    def on_household(
        self, stamp: Stamp, command: str, number: str, act: Callable[[Household, Provenance], None]
    ) -> None:
        """Load household ``number``, authorise ``command`` for its street, refuse it first
        for the household's closure if dated on or after it (since session 29), apply ``act``,
        save."""

        def attempt() -> list[LedgerAggregate]:
            household = self.household(number)
            prov = self.authorise(stamp, command, household.street)
            household.check_open_for(command, prov.effective)
            act(household, prov)
            return [household]

        self.execute(attempt)

    def identify(self, stamp: Stamp, facts: Identification) -> None:
        """Identification 识别 from the 低保 roll [四(一)]."""
        number = require_text(facts.number, "household", 40)
        prov = self.authorise(stamp, "identify", facts.street)
        choice(facts.area, AREAS, "area")
        # Nothing of the programme takes effect before it opened (a 1940 typed for 2016). The
        # street's and village's own dates bound nothing (ledger.funding.open_account).
        programme = self.programme()  # one load for both checks (each is a replay)
        Household.check_not_before(
            prov.effective,
            programme.opened_on,
            f"the identification is dated {prov.effective}; the programme opened",
        )
        self.check_registering_on(prov.effective, "identification", programme)
        self.load(Street, facts.street, "street").check_has_village(facts.village)
        personal = named(facts.personal, stamp.effective)
        Household.check_identification(
            facts.members, facts.dibao, personal.member_names, personal.head_name
        )
        check_new_key("household", number)
        if self.exists(Household, number):
            raise AlreadyExistsError("household", f"{number} is already identified")
        self.check_no_lookalike(Household, number, "household")
        household = Household(
            number=number,
            street=facts.street,
            village=facts.village,
            area=facts.area,
            members=facts.members,
            labour=facts.labour,
            willing=facts.willing,
            disabled=facts.disabled,
            dibao=facts.dibao,
            personal=personal,
            prov=prov,
        )
        self.execute(lambda: [household])

    def check_members_change(self, stamp: Stamp, number: str, personal: bool = True) -> bool:
        """Refuse what refuses any change of members of ``number``, whatever its fields: who
        may record it, then personal data given for a household whose personal data was
        erased (said before the head's name and ID card the change would need: tester H,
        session 18; to whoever may change them: the reviewer). Returns whether it was erased:
        then its count alone is recorded (``personal`` None; since session 24)."""
        household = self.household(number)
        prov = self.authorise(stamp, "change_members", household.street)
        household.check_open_for("change_members", prov.effective)
        if personal:
            household.check_not_erased(household.count_alone())
        return bool(household.erased)

    def change_members(
        self, stamp: Stamp, number: str, members: int, personal: Personal | PersonalChange | None
    ) -> tuple[int, date, str]:
        """The household's members changed; the note says how. ``personal`` is the whole new
        record, or a ``PersonalChange`` whose fields not given keep the current record's, or
        None for the count alone, which only an erased household records (since session 24).
        Returns the members in force after it and since when: a change dated before the one in
        force is history, and leaves the household's members as they were; and what it did to
        the household's exit, "" if nothing (``Household.exit_on_other_members``, since
        session 30)."""
        in_force: list[tuple[int, date, str]] = []

        def change(household: Household, prov: Provenance) -> None:
            # the names judged once the closure is (``on_household``; tester G, session 29)
            new = None if personal is None else named(personal, stamp.effective)
            if isinstance(new, PersonalChange):
                household.check_not_erased(household.count_alone())
                household.check_not_before(
                    prov.effective, household.identified_on, f"{household.number} was identified"
                )
                since = household.members_since
                if new.keeps and prov.effective < since:
                    # Entered late, it is history before the record in force: what it would
                    # keep is the record of its own day, which the household no longer holds.
                    raise RuleError(
                        "effective",
                        f"{prov.effective} is before the personal record in force (since "
                        f"{since}): a change dated earlier keeps nothing from it; give the "
                        "phone, address and member names (empty ones to record none)",
                    )
                new = new.applied_to(household.personal, members)
            household.change_members(members, new, prov)
            said = household.exit_on_other_members(prov.effective)
            in_force[:] = [(household.members, household.members_since, said)]

        self.on_household(stamp, "change_members", number, change)
        return in_force[0]

    def close_household(
        self, stamp: Stamp, number: str, because: str, into: str, reason: str
    ) -> None:
        """Close the household's record 注销 / 自然减少 (since session 25): merged into another
        合户, died out 全户死亡, moved away 迁出, identified twice 重复识别 or in error 识别错误.
        ``because`` is read as a category is (English or Chinese); ``into`` names another
        household on record, identified by the closure's date and not closed on or before it
        (merged, duplicate). Refused while a closure of another household into this one is
        dated on or after it, or an employment of a worker of it stands past its date. Its
        pairings end on its date: an enterprise's or cooperative's is released on its record
        of its pairings in the same save (``PairingReleased``), free to pair another household
        一对一 from that day."""
        why = parse_closure_reason(because)
        other = into.strip()

        def attempt() -> list[LedgerAggregate]:
            household = self.household(number)
            prov = self.authorise(stamp, "close_household", household.street)
            day = prov.effective
            household.check_closable(why, other, reason, prov)  # its own rules first
            if other and other != household.number:
                went = self.load(Household, other, "into")  # refused on --into if none
                if went.closed_on is not None and went.closed_on <= day:
                    raise RuleError(
                        "into",
                        f"the closure is dated {day}; {went.closure_said()}: a household closes "
                        "into one still open on the closure's date",
                    )
                if why == "merged":  # a duplicate names the record it repeats, whatever
                    went.check_not_rejected("a merge 合户 into it", "into")
                if went.identified_on > day:
                    raise RuleError(
                        "into",
                        f"the closure is dated {day}; {other} was identified only on "
                        f"{went.identified_on}: a household closes into one identified by then",
                    )
                # an older fupin's merge across streets is replayed as recorded
                if (
                    why == "merged"
                    and went.street != household.street
                    and not self.rebuilding_export
                ):
                    raise RuleError(
                        "into",
                        f"{other} is a household of {went.street}, {household.number} of "
                        f"{household.street}: a household merges 合户 into one of its own "
                        "street (its street's office answers for it and its 2:3:5 targets, "
                        "as for a move, which stays within the street)",
                    )
                # An older fupin without the master key took a closure of two heads unjudged
                # (before session 35): an export replays it as recorded (since session 36,
                # re-tester r of session 35: the move was refused), `household duplicates`
                # lists it under the key.
                spared = replay_spares("duplicate_of_other_head", self.rebuilding_export)
                if why == "duplicate" and not spared:
                    if SEALED in (household.personal.id_card, went.personal.id_card):
                        # Since session 35 (tester f): without the master key the heads were
                        # not compared, and a closure refused with it was taken without it.
                        self.household_keys.require_master(
                            "a duplicate 重复识别 closure compares the two heads' ID cards"
                        )
                    _check_same_head(household, went)
                if why == "merged" and not replay_spares("merge_into_exit", self.rebuilding_export):
                    people = household.members_on(day)[0] + sum(
                        merge.members for merge in self.merges_into(other) if merge.day == day
                    )
                    went.check_takes_in(household.number, day, people)
            self._check_nothing_closed_into(household.number, day)
            if not replay_spares("closure_while_employed", self.rebuilding_export):
                self._check_no_employment_after(household.number, day)
            household.close(why, other, reason, prov)
            sides: list[LedgerAggregate] = [household]
            for helper_id, role in sorted(household.helpers.items()):
                record = self._pairings_of(helper_id) if role == "enterprise" else None
                if record is not None and record.running_since(household.number) is not None:
                    record.release_pairing(household.number, prov)
                    sides.append(record)
            return sides

        self.execute(attempt)

    def _check_nothing_closed_into(self, number: str, day: date) -> None:
        """No closure of another household into ``number`` dated on or after ``day`` stands
        (since session 25): a household closed into it then would have gone into one closed."""
        topic = get_topic(Household.Closed)  # type: ignore[attr-defined]  # @event
        for household_id, event in self.events_so_far([topic]):
            if getattr(event, "into", "") != number:
                continue
            other = self.get_by_id(household_id)
            if (
                isinstance(other, Household)
                and other.closed_into == number
                and other.closed_on is not None
                and other.closed_on >= day
            ):
                raise RuleError(
                    "effective",
                    f"the closure is dated {day}; {other.closure_said()} (entry "
                    f"{other.closure_entry}): a household is closed after any closure into it, "
                    f"so date it after {other.closed_on} (or void that closure first)",
                )

    def _check_no_employment_after(self, number: str, day: date) -> None:
        """No employment of a worker of household ``number`` stands past ``day`` (since session
        25): one not voided that has not ended, or ended after ``day``; it is on the
        enterprise's record (read from the log's employments, the batch's too). The refusal
        says to end it on or before ``day`` or void it; one that began after ``day``, which no
        end on or before it can follow, to void it or to date the closure on or after its end
        (since session 31, helper n). An export's row is replayed as a fupin of session 25
        before the rule took it (since session 32, ``closure_while_employed``), and ``fupin
        verify`` notes the employment standing past the closure."""
        topic = get_topic(Helper.WorkerEmployed)  # type: ignore[attr-defined]  # @event
        for helper_id, event in self.events_so_far([topic]):
            if getattr(event, "household", "") != number:
                continue
            helper = self.get_by_id(helper_id)
            version = event.originator_version
            if not isinstance(helper, Helper):
                continue
            past = helper.employment_past(number, version, day)
            if past is None:
                continue
            said = getattr(event, "since", past.since)
            until = "" if past.ended is None else f", ended only on {past.ended}"
            enterprise = helper.helper_id
            void = f"(fupin correct helper {enterprise} {version} --reason …)"
            end = f"fupin helper end-employment {enterprise} {number} -e DATE"
            if past.since <= day:
                how = (
                    f"end it first, on or before the closure ({end}), or void it if it never "
                    f"was {void}"
                )
            else:
                # no end of it is dated before it began (``Helper.check_ending``): the closure
                # is dated after its end, or it never was (since session 31)
                then = (
                    f"end it ({end}) and date the closure on or after its end"
                    if past.ended is None
                    else f"date the closure on or after its end, {past.ended}"
                )
                how = past.began_after(void, then)
            raise RuleError(
                "household",
                f"the closure is dated {day}; {enterprise}'s employment of a worker of "
                f"{number} since {said} (entry {version}{until}) stands past it: {how}",
            )

    def move(self, stamp: Stamp, number: str, village: str, reason: str) -> str:
        """The household moved to another village of its street 迁移 (since session 25), from
        the stamp's effective date on; returns the village it was in then."""
        was: list[str] = []

        def moved(household: Household, prov: Provenance) -> None:
            self.load(Street, household.street, "street").check_has_village(village)
            was.append(household.village_on(prov.effective))
            household.move(village, reason, prov)

        self.on_household(stamp, "move", number, moved)
        return was[-1]

    def check_registering_on(
        self, effective: date, step: str, programme: Programme | None = None
    ) -> None:
        """A step towards registration 建档立卡 is dated by the end of the programme's last year
        (``Programme.check_registering_on``; since session 28), unless it is an export's row
        replayed into the empty store it rebuilds (``Ledger.rebuilding_export``,
        ``replay_spares``): a ledger an older fupin recorded still moves, and verify notes such
        a household."""
        if not replay_spares("late_registration", self.rebuilding_export):
            # ``programme``: the one the command loaded already (a load replays its record)
            programme = programme or self.programme()
            programme.check_registering_on(effective, step)
            if step in ("identification", "village review"):
                programme.check_leaves_registration(effective, step)

    def review(self, stamp: Stamp, number: str, accepted: bool) -> None:
        """Village review 村（社区）评议. A rejection ends the case, and is taken after the
        programme's last year; an acceptance leads only to registration, and is not."""

        def act(household: Household, prov: Provenance) -> None:
            if accepted and household.stage == Stage.IDENTIFIED:  # else refused for its stage
                self.check_registering_on(prov.effective, "village review")
            household.review(accepted, prov)

        self.on_household(stamp, "review", number, act)

    def post_notice(self, stamp: Stamp, number: str, start: date, end: date) -> None:
        """Public notice 张榜公示, at least 7 days: the programme's notice days as read in the
        attempt, so a save races an amendment of them (``execute``'s guards; since session 35,
        tester e: read before it, a notice of 7 days was saved after an amendment to 10)."""

        def registrable(start: date, end: date) -> None:
            self.check_registering_on(start, "notice")
            if not replay_spares("late_registration", self.rebuilding_export):
                self.programme().check_notice_leaves_registration(end)

        def act(household: Household, prov: Provenance) -> None:
            days = self.programme().rules.notice_min_days
            household.post_notice(start, end, days, prov, registrable)

        self.on_household(stamp, "post_notice", number, act)

    def raise_objection(self, stamp: Stamp, number: str, objection_id: str, summary: str) -> None:
        """An objection to the notice."""
        oid = require_text(objection_id, "objection")
        check_new_key("objection", oid)
        said = optional_text(summary, "summary", MAX_TEXT)
        self.on_household(
            stamp, "raise_objection", number, lambda h, p: h.raise_objection(oid, said, p)
        )

    def resolve_objection(self, stamp: Stamp, number: str, objection_id: str, upheld: bool) -> None:
        """An objection answered (upheld: the household is not registered). A dismissal of an
        objection to a notice leads only to the registration, which is dated no earlier
        (``Household.register``): it is dated by the end of the programme's last
        year too (``check_registering_on``; since session 34, tester a: one dated 2019-01-03 was
        taken, and the household stood under notice for good, neither registrable nor
        correctable)."""

        def act(household: Household, prov: Provenance) -> None:
            if not upheld and household.stage == Stage.UNDER_NOTICE:
                self.check_registering_on(prov.effective, "answer to an objection")
            household.resolve_objection(objection_id, upheld, prov)

        self.on_household(stamp, "resolve_objection", number, act)

    def sign(self, stamp: Stamp, number: str) -> None:
        """The household signs to confirm 签字确认."""

        def act(household: Household, prov: Provenance) -> None:
            # A registered household whose signature was voided signs again: not refused so.
            if household.stage == Stage.UNDER_NOTICE:
                self.check_registering_on(prov.effective, "signature")
            spared = replay_spares("signature_after_registration", self.rebuilding_export)
            household.sign(prov, spared)

        self.on_household(stamp, "sign", number, act)

    def register(self, stamp: Stamp, number: str, key_target: bool) -> None:
        """Registration 建档立卡, as a key target 重点帮扶对象 or not (a household with labour
        capacity that is willing is one, since session 26; an export's row replayed into the
        empty store it rebuilds is spared, ``Ledger.rebuilding_export``)."""
        spared = self.rebuilding_export

        def act(household: Household, prov: Provenance) -> None:
            if household.stage == Stage.UNDER_NOTICE:  # else refused for its stage
                self.check_registering_on(prov.effective, "registration")
            household.register(key_target, prov, spared)

        self.on_household(stamp, "register", number, act)

    def pair(self, stamp: Stamp, number: str, helper_id: str) -> None:
        """Pair a helper 结对帮扶; an enterprise or cooperative with one household only.

        An enterprise's or cooperative's pairing is saved with the household and the
        enterprise's record of its pairings both (``EnterprisePairings``): two officers pairing
        it with two households at once collide on that record's version, and the retry refuses
        the one who lost (``execute``)."""

        def attempt() -> list[LedgerAggregate]:
            limit = self.programme().rules.max_cadres_per_household  # guarded: read in it
            helper = self.load(Helper, helper_id, "helper")
            household = self.household(number)
            prov = self.authorise(stamp, "pair", household.street)
            household.check_open_for("pair", prov.effective)
            helper.check_serving_on(prov.effective, "effective")
            role = ROLE_OF_KIND[helper.kind]
            if role != "enterprise":
                household.pair(helper_id, role, limit, prov)
                return [household]
            found = self._pairings_of(helper_id)
            if not self.rebuilding_export:
                # An export's row replayed into the empty store it rebuilds, as recorded: a
                # fupin before the enterprises' records (834adfa) paired a second household
                # while the first pairing ran, and verify says so (since session 26).
                self.check_enterprise_free(helper_id, found, household, "helper", prov.effective)
            household.pair(helper_id, role, limit, prov)
            record = self._opened(found, helper_id, prov)
            record.take_pairing(household.number, prov)
            self._remember_pairing(helper_id, household.id)
            return [household, record]

        self.execute(attempt)

    def unpair(
        self, stamp: Stamp, number: str, helper_id: str, reason: str, replacement: str = ""
    ) -> None:
        """End a pairing; before exit only with a replacement of the same kind. An enterprise's
        or cooperative's side is saved with the household's, as in ``pair``."""

        def attempt() -> list[LedgerAggregate]:
            old: Helper | None = None
            new: Helper | None = None
            if replacement:
                old = self.load(Helper, helper_id, "helper")
                new = self.load(Helper, replacement, "replacement")
                role, other = ROLE_OF_KIND[old.kind], ROLE_OF_KIND[new.kind]
                if role != other:
                    raise RuleError(
                        "replacement",
                        f"{with_article(role)} is replaced by {with_article(role)}, not "
                        f"{with_article(other)}",
                    )
            elif self.exists(Helper, helper_id):
                # (One never registered is paired with no household: the household says so.)
                old = self.load(Helper, helper_id, "helper")
            household = self.household(number)
            prov = self.authorise(stamp, "unpair", household.street)
            household.check_open_for("unpair", prov.effective)
            if new is not None:
                new.check_serving_on(prov.effective, "replacement")
            if old is None or ROLE_OF_KIND[old.kind] != "enterprise":
                household.unpair(helper_id, replacement, reason, prov, self.rebuilding_export)
                return [household]
            found = None if new is None else self._pairings_of(replacement)
            if new is not None and not self.rebuilding_export:  # as ``pair`` (session 26)
                day = prov.effective
                self.check_enterprise_free(replacement, found, household, "replacement", day)
            household.unpair(helper_id, replacement, reason, prov, self.rebuilding_export)
            # Opened (if at all) after the household's event: the save's times stay in order.
            leaving = self._opened(self._pairings_of(helper_id), helper_id, prov)
            leaving.release_pairing(household.number, prov)
            if new is None:
                return [household, leaving]
            taking = self._opened(found, replacement, prov)
            taking.take_pairing(household.number, prov)
            self._remember_pairing(replacement, household.id)
            return [household, leaving, taking]

        self.execute(attempt)

    #: Enterprise and cooperative id -> the households they were ever paired with, as far as
    #: this application knows: those on record when it first asked (``enterprise_pairings``),
    #: and those it paired since, saved or in the batch under way.
    _enterprise_households: dict[str, set[UUID]] | None = None

    def enterprise_pairings(self, helper_id: str) -> set[UUID]:
        """The ids of the households ``helper_id`` (an enterprise or cooperative) was ever
        paired with: read from the log once an application (by topic: the helpers' kinds and
        the pairings, one scan of the events table, like the streets of ``OversightCommands``),
        then kept up to date with the pairings it makes. A pairing another process saves later
        is not among them (a command's application lives for that command; an import's, for
        the import)."""
        if self._enterprise_households is None:
            self._enterprise_households = self._paired_employers()
        return self._enterprise_households.setdefault(helper_id, set())

    def _remember_pairing(self, helper_id: str, household: UUID) -> None:
        """Keep ``enterprise_pairings`` up to date, if it was read (a tracked helper needs it
        not, and a read later finds the pairing once saved)."""
        if self._enterprise_households is not None:
            self._enterprise_households.setdefault(helper_id, set()).add(household)

    def _paired_employers(self) -> dict[str, set[UUID]]:
        events = self.events_by_topic(pairing_topics(), _PAIRINGS_PAGE)
        return employers_paired((hid, type(e).__name__, vars(e)) for hid, e in events)

    def _pairings_of(self, helper_id: str) -> EnterprisePairings | None:
        """The enterprise's record of its pairings, opened with its registration (or by a
        pairing since, for one registered before such records were kept); None if none."""
        found = self.get_by_id(EnterprisePairings.create_id(helper_id))
        return found if isinstance(found, EnterprisePairings) else None

    @staticmethod
    def _opened(
        found: EnterprisePairings | None, helper_id: str, prov: Provenance
    ) -> EnterprisePairings:
        """``found``, or the record opened now (not ``tracked``) for an enterprise registered
        before such records were kept: after the household's event, so that the save's
        recording times stay in the order its events are stored."""
        if found is not None:
            return found
        return EnterprisePairings(helper_id=helper_id, tracked=False, prov=prov)

    def check_enterprise_free(
        self,
        helper_id: str,
        record: EnterprisePairings | None,
        household: Household,
        field: str,
        day: date,
    ) -> None:
        """An enterprise or cooperative pairs one household 一对一
        (``EnterprisePairings.check_pairing_free``), judged on its record of its pairings. One
        registered before such records were kept (no record, or one not ``tracked``) is judged
        on the log's pairings too: those made before, read once a process
        (``enterprise_pairings``)."""
        found = self.pairing_elsewhere(helper_id, record, household, day)
        if found is not None:
            other, until = found
            if until is None:
                raise paired_elsewhere(field, helper_id, other)
            raise paired_elsewhere_until(field, helper_id, other, until, day)

    def pairing_elsewhere(
        self, helper_id: str, record: EnterprisePairings | None, household: Household, day: date
    ) -> tuple[str, date | None] | None:
        """Another household's pairing of ``helper_id`` that a pairing here from ``day`` would
        overlap (``EnterprisePairings.pairing_elsewhere``), as ``check_enterprise_free``
        judges it: (its number, None while it runs or the day it ended); None if none."""
        found = None
        if record is None or not record.tracked:
            found = self._logged_pairing_elsewhere(helper_id, household, day)
        if found is None and record is not None:
            found = record.pairing_elsewhere(household.number, day)
        return found

    def _logged_pairing_elsewhere(
        self, helper_id: str, household: Household, day: date
    ) -> tuple[str, date | None] | None:
        """``pairing_elsewhere`` on the households' own records of the pairings."""
        for other_id in sorted(self.enterprise_pairings(helper_id)):
            if other_id == household.id:
                continue
            other = self.get_by_id(other_id)
            if not isinstance(other, Household):
                continue
            if helper_id in other.helpers:
                if other.closed_on is None:
                    return other.number, None
                if other.closed_on > day:  # a closure ends its pairings (since session 25)
                    return other.number, other.closed_on
                continue
            ended = max((end for _, end in other.past_pairings.get(helper_id, [])), default=None)
            if ended is not None and ended > day:
                return other.number, ended
        return None

    def unpairing_corrected(
        self, aggregate: LedgerAggregate, version: int, prov: Provenance
    ) -> Callable[[], list[LedgerAggregate]] | None:
        """A voided unpairing's rules and its enterprises' sides (``unpairing_sides``, whose
        一对一 check reads the log's pairings as ``pair`` does); None for any other entry."""
        if not isinstance(aggregate, Household):
            return None
        return self.unpairing_sides(aggregate, version, prov)

    def unpairing_sides(
        self, household: Household, version: int, prov: Provenance
    ) -> Callable[[], list[LedgerAggregate]] | None:
        """For a correction voiding the household's unpairing ``version`` (``HelperUnpaired``;
        None for any other entry): its rules, the household's own (``check_correctable``)
        and those of the place the helper takes again (``check_place_again``: the 4+1 count;
        an enterprise or cooperative pairs one household 一对一, so not one paired with
        another household since the unpairing's day). Returns what records the enterprises'
        sides after the household's ``Corrected``, in the same save: the helper's pairing
        there runs again (``retake_pairing``), the replacement's is voided
        (``void_pairing``), each on a record of its pairings that holds it."""
        kind, ended = household.entries.get(version, ("", None))
        if kind == "Closed":
            return self.closure_sides(household, version, prov)
        if kind != "HelperUnpaired" or not isinstance(ended, Unpairing):
            return None
        household.check_correctable(version)
        household.check_place_again(version, self.programme().rules.max_cadres_per_household)
        if ended.role != "enterprise":
            return lambda: []
        number = household.number
        leaving = self._pairings_of(ended.helper)
        found = self.pairing_elsewhere(ended.helper, leaving, household, ended.ended)
        if found is not None:
            raise taken_elsewhere(version, ended.helper, ended.ended, number, *found)
        taking = self._pairings_of(ended.replacement) if ended.replacement else None
        if taking is not None and taking.running_since(number) is None:
            taking = None  # taken before its record was kept: the household's record holds it

        def record_sides() -> list[LedgerAggregate]:
            sides: list[LedgerAggregate] = []
            if leaving is not None:
                leaving.retake_pairing(number, ended.began, ended.ended, prov)
                sides.append(leaving)
            if taking is not None:
                taking.void_pairing(number, prov)
                sides.append(taking)
            return sides

        return record_sides

    def closure_sides(
        self, household: Household, version: int, prov: Provenance
    ) -> Callable[[], list[LedgerAggregate]]:
        """For a correction voiding the household's closure ``version`` (since session 25):
        the pairings it ended run again, so an enterprise or cooperative it released takes
        the pairing back (``retake_pairing``, in the same save), refused if it has paired
        another household since the closure's day 一对一 (as a voided unpairing is)."""
        household.check_correctable(version)
        closed = household.closed_on
        number = household.number
        taken: list[tuple[EnterprisePairings, date]] = []
        for helper_id, role in sorted(household.helpers.items()):
            record = self._pairings_of(helper_id) if role == "enterprise" else None
            if record is None or closed is None:
                continue
            released = [
                since
                for other, since, until in record.pairings
                if other == number and until == closed
            ]
            found = self.pairing_elsewhere(helper_id, record, household, closed)
            if found is not None:
                other, until = found
                held = (
                    f"is paired with {other}"
                    if until is None
                    else f"was paired with {other} until {until}"
                )
                raise RuleError(
                    "version",
                    f"entry {version} closed {number} on {closed}, which ended its pairing with "
                    f"{helper_id}; {helper_id} {held}: an enterprise or cooperative pairs one "
                    "household 一对一 [四(二)、四(十一)]; end that pairing (or void it) first",
                )
            if released:
                taken.append((record, released[-1]))

        def record_sides() -> list[LedgerAggregate]:
            assert closed is not None
            for record, since in taken:
                record.retake_pairing(number, since, closed, prov)
            return [record for record, _ in taken]

        return record_sides

    def sign_agreement(self, stamp: Stamp, number: str) -> None:
        """The assistance agreement 扶贫协议."""
        self.on_household(stamp, "sign_agreement", number, lambda h, p: h.sign_agreement(p))

    def record_visit(self, stamp: Stamp, number: str, helper_id: str, summary: str = "") -> None:
        """A visit by a paired helper (at least one a quarter). Its summary is an optional
        text (``optional_text``): trimmed, as an import's cell is (tester G, session 20: " 入户 "
        typed was recorded with its spaces, imported without); one that shows nothing is
        refused, not recorded as none or as a zero-width space (session 23)."""
        said = optional_text(summary, "summary", MAX_TEXT)

        def visit(household: Household, prov: Provenance) -> None:
            if helper_id not in household.helpers and helper_id not in household.past_pairings:
                # Never paired here: a helper not on record is said to be so, with a hint for
                # a stray space or full-width character (``pair`` says the same), not "not
                # paired" (tester, session 21). Looked up only then: a visit is mostly by a
                # paired helper, and an import records thousands.
                self.load(Helper, helper_id, "helper")
            household.record_visit(helper_id, said, prov, alike_ok=self.replaying_export)

        self.on_household(stamp, "record_visit", number, visit)

    def plan_measure(
        self,
        stamp: Stamp,
        number: str,
        measure_id: str,
        category: str,
        description: str,
        budget_fen: int = 0,
    ) -> None:
        """A measure of the household's plan 一户一策. Its description, like a completed
        measure's outcome, is an optional text (``optional_text``, since session 23)."""
        mid = require_text(measure_id, "measure")
        check_new_key("measure", mid)
        measure = Measure(
            mid,
            parse_category(category),  # 医疗 … read as medical … (since session 24)
            optional_text(description, "description", MAX_TEXT),
            budget_fen,
        )
        # An export's row replayed into the empty store it rebuilds, as recorded (session 24's
        # rules on the id's case and on labour capacity spare it, docs/import.md).
        replayed = self.rebuilding_export
        self.on_household(
            stamp,
            "plan_measure",
            number,
            lambda h, p: h.plan_measure(measure, p, as_recorded=replayed),
        )

    def complete_measure(self, stamp: Stamp, number: str, measure_id: str, outcome: str) -> None:
        """A measure carried out."""
        said = optional_text(outcome, "outcome", MAX_TEXT)
        self.on_household(
            stamp,
            "complete_measure",
            number,
            lambda h, p: h.complete_measure(measure_id, said, p),
        )

    def assess_income(
        self, stamp: Stamp, number: str, year: int, income_fen: int
    ) -> tuple[int, date, str]:
        """The yearly per-capita disposable income assessment. Returns the year's income in
        force after it and the date of its assessment (one dated before an assessment of the
        year on record is history, and leaves that one in force: docs/events.md), and what
        it did to the household's exit of the year, "" if nothing (``Household.exit_below``:
        since session 29, said as ``programme set-year`` says it of a corrected threshold)."""
        self.programme().check_year_in_programme(year)
        in_force: list[tuple[int, date, str]] = []

        def act(household: Household, prov: Provenance) -> None:
            programme = self.programme()  # read in the attempt: its save is guarded
            _check_plan_year(programme, household, year)
            household.assess_income(year, income_fen, prov)
            income, since = household.income_in_force(year)
            below = ""
            if since == prov.effective and year in programme.years:
                below = household.exit_below(year, programme.exit_threshold(year, household.area))
            in_force[:] = [(income, since, below)]

        self.on_household(stamp, "assess_income", number, act)
        return in_force[0]

    def propose_exit(self, stamp: Stamp, number: str, year: int) -> None:
        """Exit proposed 拟退出 for an assessment year."""
        self.programme().check_year_in_programme(year)

        def act(household: Household, prov: Provenance) -> None:
            programme = self.programme()  # read in the attempt: its save is guarded
            _check_plan_year(programme, household, year)
            threshold = programme.exit_threshold(year, household.area)
            try:
                merges = self.merges_into(household.number)
                household.propose_exit(
                    year,
                    threshold,
                    prov,
                    programme.exit_threshold,
                    merges,
                    notice_days=programme.rules.notice_min_days,
                    last_year=programme.rules.last_year,
                )
            except RuleError as refused:
                # the exit under way named, as other refusals name what stands (session 25:
                # four officers proposing one exit at once, the losers were told only
                # "an exit is already proposed")
                entry = household.proposal_entry
                steps = household.exit_steps
                if entry is None or not steps or refused.rule != f"an exit is already {steps[-1]}":
                    raise
                named = self._proposal_named(household, entry)
                raise RuleError("exit", f"{refused.rule}: {named}") from None

        self.on_household(stamp, "propose_exit", number, act)

    def _proposal_named(self, household: Household, version: int) -> str:
        """The exit proposal at entry ``version`` of ``household``: its entry, who recorded
        it and when (China time), its effective date and year, as read from the log."""
        said = f"entry {version} of {household.number}"
        found = self.recorder.select_events(household.id, gt=version - 1, lte=version, limit=1)
        try:
            event: Any = self.mapper.to_domain_event(found[0])
            recorded = event.timestamp.astimezone(CHINA).isoformat(timespec="seconds")
            return (
                f"{said}, the {event.year} exit proposed by {event.prov.actor}, recorded "
                f"{recorded}, effective {event.prov.effective}"
            )
        except Exception:  # not readable as a proposal (``fupin verify`` says why)
            return said

    def withdraw_exit(self, stamp: Stamp, number: str, reason: str) -> None:
        """An exit under way is withdrawn 撤回退出 (its verification failed...), saying why."""
        self.on_household(stamp, "withdraw_exit", number, lambda h, p: h.withdraw_exit(reason, p))

    def verify_exit(self, stamp: Stamp, number: str) -> None:
        """Exit verified 核实."""
        self._exit_step(stamp, "verify_exit", number, "verified")

    def post_exit_notice(self, stamp: Stamp, number: str, start: date, end: date) -> None:
        """Exit announced 公示, on the programme's rules as read in the attempt (guarded)."""

        def act(household: Household, prov: Provenance) -> None:
            programme = self.programme()
            days, last = programme.rules.notice_min_days, programme.rules.last_year
            merges = self.merges_into(household.number)
            threshold = programme.exit_threshold
            household.post_exit_notice(start, end, days, prov, threshold, last, merges)

        self.on_household(stamp, "post_exit_notice", number, act)

    def approve_exit(self, stamp: Stamp, number: str) -> None:
        """Exit approved by the district: the household leaves the programme."""
        self._exit_step(stamp, "approve_exit", number, "approved")

    def _exit_step(self, stamp: Stamp, command: str, number: str, step: str) -> None:
        def act(household: Household, prov: Provenance) -> None:
            programme = self.programme()  # read in the attempt: its save is guarded
            threshold, last = programme.exit_threshold, programme.rules.last_year
            days = programme.rules.notice_min_days
            merges = self.merges_into(household.number)
            household.advance_exit(step, prov, threshold, last, merges, notice_days=days)

        self.on_household(stamp, command, number, act)

    def advance_return(
        self, stamp: Stamp, number: str, step: str, disaster: str = "", authority: str = ""
    ) -> None:
        """Return to poverty 返贫: recognised 认定, applied 申请, reviewed 审核 (district),
        approved 审定 (city) [六(六)]; ``step`` in English or the seed's word
        (``parse_return_step``; since session 27)."""
        step = parse_return_step(step)
        command = {
            "recognised": "recognise_return",
            "applied": "apply_return",
            "reviewed": "review_return",
            "approved": "approve_return",
        }[step]
        if step == "recognised":
            for option, value in (("disaster", disaster), ("authority", authority)):
                if not visible(value):  # since session 37, tester j F04: "must not be empty"
                    said = f"{value!r} shows nothing: " if value else ""
                    raise InputError(
                        option,
                        f"{said}a return is recognised naming {RETURN_OPTIONS[option]}: give "
                        f"--{option} [六(六)]",
                    )
            require_text(disaster, "disaster")
            named = require_text(authority, "authority")
            check_recognising_authority(named, self.registered_streets())
        else:  # never stored unchecked: only the recognition names them (RETURN_OPTIONS)
            for option, value in (("disaster", disaster), ("authority", authority)):
                if value.strip():
                    raise RuleError(
                        option,
                        f"{value!r} given, but only the recognised step of a return names "
                        f"{RETURN_OPTIONS[option]}: leave --{option} out of return {step}",
                    )
        last = self.programme().rules.last_year

        def act(household: Household, prov: Provenance) -> None:
            # A return joins next year's plan [六(六)]: a step dated after the programme's last
            # year leads to an approval whose plan (last + 2 or later) the ledger cannot reach.
            if prov.effective.year > last:
                raise RuleError(
                    "effective",
                    f"return {step} is dated {prov.effective}: a return approved in "
                    f"{prov.effective.year} joins the {prov.effective.year + 1} plan [六(六)], "
                    f"after the programme's years (to {last}, and {last + 1} for the plan of "
                    f"a return approved in {last}); a return is approved by {last}-12-31",
                )
            household.advance_return(step, disaster, authority, prov)

        self.on_household(stamp, command, number, act)

    def withdraw_return(self, stamp: Stamp, number: str, reason: str) -> None:
        """A return under way is withdrawn 撤回返贫 (the district's review or the city's
        approval turned it down, or it was recognised for the wrong household), saying why."""
        self.on_household(
            stamp, "withdraw_return", number, lambda h, p: h.withdraw_return(reason, p)
        )


@overload
def named(personal: Personal, effective: date) -> Personal: ...
@overload
def named(personal: PersonalChange, effective: date) -> PersonalChange: ...
def named(personal: Personal | PersonalChange, effective: date) -> Personal | PersonalChange:
    """``personal`` checked, with its names as recorded (``clean_name``): first that no field
    is a placeholder readers are shown instead of personal data (``check_no_placeholders``:
    an erased household's exported identification reads ``[erased]`` throughout, refused as
    that, not as a malformed ID card), then the ID card as of ``effective`` (``check_id_card``),
    the head of household's name, and each member's when names are given. No names at all is
    allowed (an empty tuple: none recorded); a blank one among the others is not. A phone given
    is a phone number (``check_phone``); an address given shows something (``optional_text``:
    ``''`` records none; since session 21, spaces or a zero-width space alone are refused)."""
    check_no_placeholders(personal)
    check_lines(personal)  # first: a control character in a name is told a name's rule
    check_id_card(personal.id_card, effective)
    head = clean_name(personal.head_name, "head_name")
    names = personal.member_names
    for place, name in enumerate(names or (), start=1):
        if not name.strip():
            raise InputError(
                "member_names",
                f"the name of member {place} of {len(names or ())} is blank: give every "
                "member's name",
            )
    if personal.phone is not None:
        check_phone(personal.phone)
    if names:
        names = tuple(clean_name(name, "member_names") for name in names)
    address = personal.address
    if address is not None:
        address = optional_text(address, "address", MAX_TEXT)
    if isinstance(personal, PersonalChange):
        return replace(personal, head_name=head, member_names=names, address=address)
    return replace(personal, head_name=head, member_names=names or (), address=address or "")


def check_lines(personal: Personal | PersonalChange) -> None:
    """Refuse a name (the head's, each member's) or an address holding a line break, a tab or
    an invisible or format character (``check_shown_whole``; since session 22). Each is
    checked as typed but for the spaces ``clean_name`` and ``optional_text`` strip from its
    ends, so that the place named is the one typed."""
    # A text that shows nothing at all is told so where it is read (``require_text``,
    # ``optional_text``: "shows nothing: leave --address out").
    texts = [("head_name", personal.head_name, "the head's name", "a name")]
    texts += [
        ("member_names", name, f"the name of member {place}", "a name")
        for place, name in enumerate(personal.member_names or (), start=1)
    ]
    if personal.address is not None:
        texts.append(("address", personal.address, "the address", "an address"))
    for field, text, what, kind in texts:
        if visible(text):
            check_shown_whole(field, _stripped(text), what, kind)


def _stripped(text: str) -> str:
    """``text`` without the white space at its end, and with that at its start made plain
    spaces (the places of what follows kept as typed)."""
    kept = text.rstrip()
    return " " * (len(kept) - len(kept.lstrip())) + kept.lstrip()


def check_no_placeholders(personal: Personal | PersonalChange) -> None:
    """Refuse personal data with a field typed as a placeholder (``check_not_placeholder``):
    the head's name, the ID card, each member's name, the phone and the address, in that
    order. Checked before any field's form, so that a row exported from an erased household
    (``[erased]`` throughout) is refused as erased data, naming ``head_name``."""
    check_not_placeholder("head_name", personal.head_name)
    check_not_masked("head_name", personal.head_name, "the head's name")
    check_not_placeholder("id_card", personal.id_card)
    for place, name in enumerate(personal.member_names or (), start=1):
        check_not_placeholder("member_names", name, f"the name of member {place}")
        check_not_masked("member_names", name, f"the name of member {place}")
    for field, value in (("phone", personal.phone), ("address", personal.address)):
        if value is not None:
            check_not_placeholder(field, value)


#: The placeholders as ``check_not_placeholder`` compares them.
_PLACEHOLDERS = frozenset(mark.casefold() for mark in PLACEHOLDERS)


def check_not_placeholder(field: str, value: str, what: str = "") -> None:
    """Refuse a personal field typed as one of the placeholders readers are shown instead of
    personal data (``[erased]``, ``[sealed]``, ``[masked]``: ``ledger.household.PLACEHOLDERS``),
    compared trimmed, in any case and width (``[Sealed]``, ``［erased］``): recorded, it would
    make the household look erased or sealed when it is not."""
    typed = unicodedata.normalize("NFKC", value).strip().casefold()
    if typed in _PLACEHOLDERS:
        shown = ", ".join(PLACEHOLDERS)
        erased = (
            f" ({ERASED} is what a household's personal data reads once erased 已删除: an "
            "export of a ledger with an erased household does not replay; fupin backup and "
            "restore move such a ledger within SQLite or within PostgreSQL, never from one to "
            "the other: keep it on the store it is on, docs/import.md)"
            if typed == ERASED
            else ""
        )
        raise InputError(
            field,
            f"{what + ' ' if what else ''}is a placeholder the ledger shows instead of personal "
            f"data it cannot show ({shown}), not a value: give the real one{erased}",
        )


def check_not_masked(field: str, name: str, what: str) -> None:
    """Refuse a name with an asterisk (``*``, ``＊``): it reads as a masked name, as analysts
    are shown one (卢**), and an analyst's masked output imported back would be recorded as
    real names shown to an admin as if masked (tester W, session 20). The name itself is
    not quoted: a refusal names no personal data."""
    if "*" in unicodedata.normalize("NFKC", name):
        raise InputError(
            field,
            f"{what} holds '*', as a masked name reads (王**: what analysts are shown), not a "
            "name: give the real one",
        )


def check_id_card(number: str, effective: date) -> None:
    """The head of household's ID card: valid, and born by the day it takes effect."""
    problem = id_card_problem(number, effective)
    if problem is not None:
        raise InputError("id_card", f"not a valid 18-character ID-card number 身份证号: {problem}")


#: Pairing events read from the log a page at a time (a few per household).
_PAIRINGS_PAGE = 1000


#: Words of department names that hold a character of a place's level without naming that
#: level: 农业农村局 (村), 乡村振兴局 (乡, 村), 住房和城乡建设局 (乡), 市场监督管理局 (市),
#: 城市管理局 (市), 城镇低保股 (镇), 乡镇企业局 (乡, 镇), 村镇建设管理站 (村, 镇), 村民自治
#: (村; but a 村民委员会 or 村民小组 is a village's). They are read past before the levels are
#: looked for.
_DEPARTMENT_WORDS = re.compile("农村|乡村振兴|城乡|市场|城市|城镇|乡镇|村镇|村民(?!委员会|小组)")

#: The levels a name can show, the longer words first (社区 is not a district 区).
_LEVELS = re.compile(
    "社区|居委|居民委员会|办事处|街道|国务院|国家|中华人民共和国|中国|中央|省|市|区|县|州|镇|乡|村"
)

#: The levels below the district: a community 社区 (its committee 居委), a village 村, a street
#: 街道 (its office 办事处), a town 镇 or township 乡.
_BELOW_DISTRICT = {
    "社区": "community 社区",
    "居委": "community 社区",
    "居民委员会": "community 社区",
    "村": "village 村",
    "街道": "street 街道",
    "办事处": "street 街道",
    "镇": "town 镇",
    "乡": "township 乡",
}

#: Places that are not departments: a name that ends with one names a place alone (江海区).
_PLACES = {"省", "市", "区", "县", "州", "国家", "中国", "中华人民共和国"}

#: How the name of a national ministry or administration ends: 民政部, 应急管理部, 海关总署,
#: 国家市场监督管理总局 (the state's departments are named without a place).
_NATIONAL = ("部", "总局", "署")
#: ... but not these, which every level has (a street's 三防指挥部 or 武装部, a village's 党支部).
_NOT_MINISTRIES = ("指挥部", "武装部", "支部", "工作部", "项目部")
#: A 镇, 乡 or 村 that begins a place's name is read as part of that name only when the place's
#: own level follows within this many characters (镇江市, 镇龙村); alone it is the level
#: (江海区镇人民政府, 江海区村委会).
_NAME_BEFORE_LEVEL = 3

#: The higher places a street's name may be the name of too (a district 江南区 of Nanning is no
#: street 江南 of the ledger): the street's name read as that place's when one of these follows.
_HIGHER_AFTER = ("区", "市", "县", "省", "州")
#: A street's name shorter than this is found inside too many departments' names (东 in 广东省).
_SHORTEST_STREET = 2

#: How a street's or town's office ends: a station 站 (农业站, 水利站), an office 所 (民政所,
#: 国土所, 财政所) or a 办 (街道办); a district's bureaus are 局, its offices 办 (扶贫办, 三防办).
_OFFICE_ENDINGS = ("所", "站", "办")
#: The words a department's own name begins with (民政所, 农业服务站, 扶贫办): what stands
#: before the first of them in a name ending in ``_OFFICE_ENDINGS``, after the district or
#: city, is a place below it (江海区外海民政所: 外海). ``·`` marks ``_DEPARTMENT_WORDS``.
_DEPARTMENT_STEMS = re.compile(
    "·|民政|农业|农技|农机|农林|农办|水利|水务|水文|林业|畜牧|兽医|渔业|气象|国土|自然资源|"
    "规划|测绘|地质|应急|三防|防汛|防灾|减灾|救灾|扶贫|财政|司法|地震|环保|环境|生态|城建|"
    "建设|文化|卫生|计生|社保|人社|劳动|政府|党委|人大|政协"
)

#: What a return's recognition names, and no later step: the disaster and the department.
RETURN_OPTIONS = {
    "disaster": "the major natural disaster 重大自然灾害",
    "authority": "the department at district level or higher 区级以上 that recognised it",
}


def check_recognising_authority(authority: str, streets: Iterable[str] = ()) -> None:
    """A return to poverty through a major natural disaster is recognised by a department at
    district level or higher 区级以上 (agriculture, weather, civil affairs, land...) [六(六)].

    Names run from the largest place to the smallest, then the department (江海区农业农村局,
    江门市气象局, 广东省民政厅). Once a name reaches a street, town, township, village or
    community (江南街道办事处, 江海区雄光村委会, 外海镇人民政府) the body is that place's, and a
    区 or 市 after it is a word of the department, not a higher place (外海街道工业区管理办公室,
    礼乐街道市政服务中心): it is refused. A 镇, 乡 or 村 that begins a place's name is not that
    place's level (镇江市气象局, 江苏省镇江市气象局, 江海区镇龙村: the village 镇龙). So is a name
    that holds one of the ``streets`` on record (江海区礼乐, 江门市江海区外海), unless a
    district or city of that name follows it (江南区), and an office 所, 站 or 办 named after a
    place below the district or city (江海区外海民政所: a district has bureaus 局, and offices
    of its own, 江海区扶贫办). A name with no place is refused (民政局), unless a ministry's
    (民政部, 海关总署, 国家…总局: the state's); so is a place with no department (江海区).
    Traditional characters read as simplified (江海區民政局)."""
    simplified = authority.translate(SIMPLIFIED)
    name = _DEPARTMENT_WORDS.sub("·", simplified)
    levels, start = _levels(name)
    below = next((_BELOW_DISTRICT[lv] for lv in levels if lv in _BELOW_DISTRICT), None)
    if below is not None:
        raise _below_district(f"{authority!r} is a {below} body")
    street = _street_named(simplified, streets)
    if street is not None:
        raise _below_district(f"{authority!r} names {street}, a street 街道 on record")
    place = _place_before_office(name[start:]) if levels else ""
    if place:
        raise _below_district(
            f"{authority!r} is an office of {place!r}, a street or town 街道/镇 "
            "(a 所, 站 or 办 named after a place below the district)"
        )
    if not levels and (not name.endswith(_NATIONAL) or name.endswith(_NOT_MINISTRIES)):
        raise RuleError(
            "authority",
            f"{authority!r} names no level: a return is recognised by a department at district "
            "level or higher 区级以上, named with its district, city, province or 国家 "
            "(江海区民政局, 江门市气象局, 广东省民政厅; a ministry: 民政部) [六(六)]",
        )
    if levels and start == len(name) and levels[-1] in _PLACES:
        raise RuleError(
            "authority",
            f"{authority!r} names a place, not its department: a return is recognised by a "
            "department at district level or higher 区级以上 (江海区民政局, 江门市气象局) "
            "[六(六)]",
        )


def _levels(name: str) -> tuple[list[str], int]:
    """The levels ``name`` reaches, in order, and where the name after the last one begins
    (a 镇, 乡 or 村 that begins a place's name is no level: ``_NAME_BEFORE_LEVEL``)."""
    levels: list[str] = []
    start = 0  # where the current place's name begins
    matches = list(_LEVELS.finditer(name))
    for n, found in enumerate(matches):
        level = found.group()
        after = matches[n + 1] if n + 1 < len(matches) else None
        begins_a_name = (
            len(level) == 1
            and level in _BELOW_DISTRICT
            and found.start() == start
            and after is not None
            and 0 < after.start() - found.end() <= _NAME_BEFORE_LEVEL
            and "·" not in name[found.end() : after.start()]
        )
        if not begins_a_name:
            levels.append(level)
        start = found.end()
    return levels, start


def _below_district(what: str) -> RuleError:
    return RuleError(
        "authority",
        f"{what}, below the district: a return is recognised by a department at district "
        "level or higher 区级以上 (农业、气象、民政、国土…) [六(六)]",
    )


def _street_named(name: str, streets: Iterable[str]) -> str | None:
    """The first of ``streets`` (the longest first) whose name ``name`` holds, other than as
    the name of a higher place it begins (a street 江海 beside 江海区); None if none."""
    for street in sorted(set(streets), key=lambda s: (-len(s), s)):
        plain = street.translate(SIMPLIFIED)
        if len(plain) < _SHORTEST_STREET:
            continue
        at = name.find(plain)
        while at != -1:
            if not name.startswith(_HIGHER_AFTER, at + len(plain)):
                return street
            at = name.find(plain, at + 1)
    return None


def _place_before_office(office: str) -> str:
    """In what follows a name's last district or higher level: the place an office 所, 站 or
    办 is named after (外海 in 外海民政所, 荷塘 in 荷塘农业服务站); "" when the office's name
    begins with its department's (民政所, 扶贫办: the district's own), or holds no department
    word this knows (it is then judged as before)."""
    if not office.endswith(_OFFICE_ENDINGS):
        return ""
    stem = _DEPARTMENT_STEMS.search(office)
    if stem is None or stem.start() < _SHORTEST_STREET:
        return ""
    return office[: stem.start()]


def _check_plan_year(programme: Programme, household: Household, year: int) -> None:
    """The year after the plan's last is only for households that returned to poverty in that
    last year or since: they join the next year's plan [六(六)]. Any other household's exit
    for it was counted by the caseload and by no year of the 2:3:5 plan."""
    last = programme.rules.last_year
    if year > last and not any(day.year >= last for day in household.returns_approved):
        raise RuleError(
            "year",
            f"{year} is only for the plan of households that returned to poverty in {last} "
            f"[六(六)]: {household.number} has no return approved since {last}-01-01",
        )


def _check_same_head(duplicate: Household, kept: Household) -> None:
    """A duplicate 重复识别 is the same household identified twice (since session 25): when both
    heads' ID cards are readable (an erased or unreadable one is not judged), they are one."""
    ours, theirs = duplicate.personal.id_card, kept.personal.id_card
    if ours in PLACEHOLDERS or theirs in PLACEHOLDERS:
        return
    if ours.strip().upper() != theirs.strip().upper():
        raise RuleError(
            "into",
            f"{duplicate.number}'s head's ID card is {mask_id_card(ours)}, {kept.number}'s "
            f"{mask_id_card(theirs)}: a duplicate 重复识别 is the same household identified "
            "twice, with one head; another household merged into it is closed as merged 合户",
        )


def pairing_topics() -> list[str]:
    """The topics ``employers_paired`` reads: helpers registered, households paired and
    unpaired (an unpairing pairs its replacement, if it names one)."""
    return [
        get_topic(cls)
        for cls in (
            Helper.HelperRegistered,  # type: ignore[attr-defined]  # @event
            Household.HelperPaired,  # type: ignore[attr-defined]
            Household.HelperUnpaired,  # type: ignore[attr-defined]
        )
    ]


def employers_paired(
    events: Iterable[tuple[UUID, str, Mapping[str, Any]]],
) -> dict[str, set[UUID]]:
    """Enterprise and cooperative id -> the households it was ever paired with, from the
    events of ``pairing_topics`` in log order, each (its record's id, its class's name, its
    fields): a registration before any pairing of its helper; an unpairing pairs its
    replacement, if it names one. The commands' 一对一 rule and ``fupin verify``'s notes
    (``ledger.double_pairings``) read them alike."""
    employers: dict[str, set[UUID]] = {}
    for originator, name, fields in events:
        if name == "HelperRegistered":
            if ROLE_OF_KIND.get(str(fields.get("kind"))) == "enterprise":
                employers[str(fields.get("helper_id"))] = set()
            continue
        paired = str(fields.get("replacement" if name == "HelperUnpaired" else "helper"))
        if paired in employers:
            employers[paired].add(originator)
    return employers
