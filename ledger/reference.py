"""Commands for the reference data the district office keeps: the programme, its yearly
parameters, streets and villages, officers and helpers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from eventsourcing.utils import get_topic

from ledger.base import already_registered, check_new_key, differs_in_case
from ledger.core import LedgerCore, Stamp
from ledger.errors import AlreadyExistsError, ConflictError, InputError, RuleError
from ledger.funds import Disbursement, FundAccount
from ledger.helpers import ROLE_OF_KIND, EnterprisePairings, Helper, parse_kind, read_rank
from ledger.household import Household
from ledger.officers import ROLES, Officer
from ledger.places import Street
from ledger.programme import (
    AMENDABLE_RULES,
    PROGRAMME_CODE,
    Programme,
    ProgrammeRules,
    YearParameters,
    check_seed_notice_days,
    rule_shown,
)
from ledger.transparency import check_other_admin
from ledger.values import choice, clean_name, optional_text, replay_spares, require_text

__all__ = ["ReferenceCommands"]


#: Only an admin changes or retires officers: one who could drop their own admin role could
#: leave the ledger with no admin at all, and an append-only ledger cannot be set up again.
_NOT_ONESELF = "an admin does not {what}: another admin records it, so an admin always remains"


class ReferenceCommands(LedgerCore):
    """The district office's commands: programme, parameters, places, officers, helpers."""

    def initialise(self, admin_id: str, name: str, document: str, effective: date) -> None:
        """Register the first admin of an empty ledger (the district poverty office 区扶贫办)."""
        if self.recorder.max_notification_id() is not None:
            raise AlreadyExistsError("store", "this ledger is already initialised")
        # A master key file named is read now, though the first admin carries no personal
        # data (since session 29 a save without any reads no key): a new ledger's operator
        # learns of a missing or group-readable key file before the first household, not at it.
        _ = self.household_keys.master
        prov = self.provenance(Stamp(admin_id, effective, document), "admin")
        check_new_key("officer", admin_id)
        admin = Officer(
            officer_id=require_text(admin_id, "admin"),
            name=clean_name(name, "name"),
            role="admin",
            street="",
            unit="区扶贫办",
            prov=prov,
        )
        self._first_save = True
        try:
            self.execute(lambda: [admin])
        except (ConflictError, AlreadyExistsError):
            # Another ``init`` saved first (its events were there when this one inserted).
            if self.recorder.max_notification_id() is not None:
                raise AlreadyExistsError(
                    "store", "this ledger is already initialised (by another process just now)"
                ) from None
            raise
        finally:
            self._first_save = False

    def open_programme(self, stamp: Stamp, title: str, rules: ProgrammeRules) -> None:
        """Open the programme with its rules (defaults: those of 江高发〔2016〕4号)."""
        prov = self.authorise(stamp, "open_programme")
        if self.exists(Programme, PROGRAMME_CODE):
            raise AlreadyExistsError("programme", "the programme is already opened")
        if not self.rebuilding_export:  # an older ledger's opening moves as recorded
            check_seed_notice_days(rules.notice_min_days)
        rules.check()
        if not self.rebuilding_export:
            self.check_opening_day(prov.effective, rules.first_year)
        programme = Programme(
            code=PROGRAMME_CODE, title=require_text(title, "title"), rules=rules, prov=prov
        )
        self.execute(lambda: [programme])

    def check_opening_day(self, effective: date, first_year: int) -> None:
        """The programme opens in its first year, or the year before (a plan announced ahead
        of it): nothing corrects its opening, and every entry is judged by it (since session
        37, tester k F16: opened on 2006-07-26, typed for 2016, households and 2016 accounts
        could be dated 2006; on 2026-07-26, every 2016 entry was refused). Not bound to the
        ledger's founding: a ledger founded later records the programme's history back to
        its opening (re-tester r: a ledger founded in 2017, or today, could not open it)."""
        if effective.year not in (first_year - 1, first_year):
            raise RuleError(
                "effective",
                f"the programme's opening is dated {effective}, not in its first year "
                f"{first_year} or the year before: it opens between {first_year - 1}-01-01 and "
                f"{first_year}-12-31 (each entry of {first_year} is judged by it); is the year "
                "typed wrong?",
            )

    def amend_rules(
        self, stamp: Stamp, changes: dict[str, Any], reason: str
    ) -> dict[str, tuple[Any, Any]]:
        """Restate rules typed wrong at ``programme open`` 更正登记事项 (since session 22),
        by whoever may open it: each only while nothing judged by it is on record
        (``AMENDABLE_RULES``: the exit percentages before any exit proposal, the notice days
        before any notice; the shares and funding minimums, which only reports read, always).
        Returns each rule's old and new value."""
        prov = self.authorise(stamp, "amend_rules")
        for name in changes:
            if name not in AMENDABLE_RULES:
                listed = ", ".join(AMENDABLE_RULES)
                raise InputError(name, f"is not amendable (amendable: {listed})")
        if "notice_min_days" in changes and not self.rebuilding_export:
            check_seed_notice_days(int(changes["notice_min_days"]))
        restated: dict[str, tuple[Any, Any]] = {}

        def attempt() -> list[Programme]:
            programme = self.programme()
            rules = replace(programme.rules, **changes)
            for name in sorted(changes):
                if changes[name] == getattr(programme.rules, name):
                    raise RuleError(
                        name,
                        f"is already {rule_shown(name, changes[name])}: nothing to amend",
                    )
            programme.check_amend_rules(rules, reason, prov)
            for name in programme.changed_rules(rules):
                self.check_nothing_judged_by(name)
            restated.clear()
            for name in programme.changed_rules(rules):
                restated[name] = (getattr(programme.rules, name), getattr(rules, name))
            programme.amend_rules(rules, reason, prov)
            return [programme]

        self.execute(attempt)
        return restated

    def check_nothing_judged_by(self, rule: str) -> None:
        """Refuse while an event judged by ``rule`` is on record (voided or withdrawn ones too:
        each was judged by the rule as it stood). One scan of the events of those topics."""
        names = AMENDABLE_RULES[rule]
        if not names:
            return
        topics = [get_topic(getattr(Household, name)) for name in names]
        for household_id, event in self.events_so_far(topics, page=1):
            household = self.get_by_id(household_id)
            number = getattr(household, "number", household_id)
            raise RuleError(
                rule,
                f"{number}'s {type(event).__name__} (entry {event.originator_version}) was "
                f"judged by this rule: it is amended only while no {' or '.join(names)} is on "
                "record (a voided or withdrawn one too)",
            )

    def set_year(self, stamp: Stamp, params: YearParameters) -> None:
        """Record a year's urban 低保 standard and district rural per-capita income."""
        prov = self.authorise(stamp, "set_year")

        def attempt() -> list[Programme]:
            programme = self.programme()
            programme.set_year(params, prov)
            return [programme]

        self.execute(attempt)

    def register_street(self, stamp: Stamp, name: str) -> str:
        """Register a street 街道; returns its name as recorded (trimmed)."""
        prov = self.authorise(stamp, "register_street")
        typed, name = name, require_text(name, "street")
        check_new_key("street", name)
        if self.exists(Street, name):
            raise AlreadyExistsError("street", already_registered("street", typed, name, "name"))
        self.check_no_lookalike(Street, name, "street")
        street = Street(name=name, prov=prov)
        self.execute(lambda: [street])
        self._streets = None  # read again from the log, this one with them
        return name

    def add_village(self, stamp: Stamp, street: str, village: str, relatively_poor: bool) -> str:
        """Add a village / community 村（社区） to a street; returns its name as recorded."""
        prov = self.authorise(stamp, "add_village")

        village = require_text(village, "village")
        check_new_key("village", village)

        def attempt() -> list[Street]:
            place = self.load(Street, street, "street")
            place.add_village(village, relatively_poor, prov)
            return [place]

        self.execute(attempt)
        return village

    def amend_village(
        self, stamp: Stamp, street: str, village: str, relatively_poor: bool, reason: str
    ) -> None:
        """Restate a village's relatively-poor flag 相对贫困村 typed wrong at its addition
        (since session 22), by whoever may add one. Never to "not relatively poor" while a
        village payment to it stands: it was judged by the flag (void it first)."""
        prov = self.authorise(stamp, "amend_village")
        village = require_text(village, "village")

        def attempt() -> list[Street]:
            place = self.load(Street, street, "street")
            programme = self.opened_programme()
            opened = None if programme is None else programme.opened_on
            place.check_amend_village(village, relatively_poor, reason, prov, opened)
            if not relatively_poor:
                self.check_no_village_payment(place.name, village)
            place.amend_village(village, relatively_poor, reason, prov, opened)
            return [place]

        self.execute(attempt)

    def check_no_village_payment(self, street: str, village: str) -> None:
        """Refuse while a village payment to ``village`` of ``street`` stands (one voided
        no longer counts): it was made because the village was relatively poor. Read from
        the log's payments (by topic: one scan; an amendment is rare)."""
        topic = get_topic(FundAccount.Disbursed)  # type: ignore[attr-defined]  # @event
        for account_id, event in self.events_so_far([topic]):
            payment = getattr(event, "payment", None)
            if not isinstance(payment, Disbursement) or payment.purpose != "village":
                continue
            if (payment.street, payment.village) != (street, village):
                continue
            account = self.get_by_id(account_id)
            version = event.originator_version
            if isinstance(account, FundAccount) and version in account.flows:
                raise RuleError(
                    "relatively_poor",
                    f"payment {version} of {account.code} to {village} stands, made to a "
                    "relatively poor village: void it first if the village never was one "
                    f"(fupin correct fund {account.code} {version} --reason …)",
                )

    def register_officer(
        self, stamp: Stamp, officer_id: str, name: str, role: str, street: str, unit: str
    ) -> None:
        """Register an officer with a role and, for street offices, a street."""
        prov = self.authorise(stamp, "register_officer")
        typed, officer_id = officer_id, require_text(officer_id, "officer")
        self.check_role(role, street)
        check_new_key("officer", officer_id)
        if self.exists(Officer, officer_id):
            raise AlreadyExistsError("officer", already_registered("officer", typed, officer_id))
        self.check_no_other_case(officer_id)
        # Since session 21: ``-e 0001-01-01`` was taken, and the officer's steps, bounded by
        # their registration (``Officer.check_dated``), by nothing.
        self.check_founded(prov.effective, f"{officer_id}'s registration")
        officer = Officer(
            officer_id=officer_id,
            name=clean_name(name, "name"),
            role=role,
            street=street,
            unit=optional_text(unit, "unit"),
            prov=prov,
        )
        self.execute(lambda: [officer])

    def check_no_other_case(self, officer_id: str) -> None:
        """Refuse an officer id that differs from one on record only in the case of its
        letters (``JN-01`` beside ``jn-01``: two recorders who read as one in every history;
        the district administrator, session 22). Read from the log's registrations (by
        topic; a registration is rare) and the batch's. Two registrations saved at the same
        moment by two processes are not seen by each other: the check is not in the save's
        transaction (documented in docs/cli.md). An export's replay spares it
        (``key_case_lookalike``, since session 32: a fupin of session 20 took such ids,
        tester f)."""
        if replay_spares("key_case_lookalike", self.rebuilding_export):
            return
        topic = get_topic(Officer.OfficerRegistered)  # type: ignore[attr-defined]  # @event
        folded = officer_id.casefold()
        logged = (str(vars(event)["officer_id"]) for _, event in self.events_by_topic([topic]))
        # and those of the batch under way (tester Q: one import registered both)
        batch = (a.officer_id for a in (self._batch or {}).values() if isinstance(a, Officer))
        for other in (*batch, *logged):
            if other.casefold() == folded and other != officer_id:
                where = self.said_where(Officer, other)  # made by this import, or before it
                raise AlreadyExistsError("officer", differs_in_case(officer_id, other, where, "id"))

    def change_officer(self, stamp: Stamp, officer_id: str, role: str, street: str) -> None:
        """Give an officer another role or street."""
        prov = self.authorise(stamp, "change_officer")
        self.check_role(role, street)
        if officer_id == stamp.actor and role != "admin":
            raise RuleError("officer", _NOT_ONESELF.format(what="give up their own admin role"))

        def attempt() -> list[Officer]:
            officer = self.load(Officer, officer_id, "officer")
            if role != "admin":
                self._check_keyed_admin_stays(officer, "demote")
            officer.check_change(role, street, prov)
            self.check_post_ended_after(officer, prov.effective, "transfer")
            officer.change_role(role, street, prov)
            return [officer]

        self.execute(attempt)

    def retire_officer(self, stamp: Stamp, officer_id: str, reason: str) -> None:
        """An officer leaves; their past events stay attributed to them."""
        prov = self.authorise(stamp, "retire_officer")
        if officer_id == stamp.actor:
            raise RuleError("officer", _NOT_ONESELF.format(what="retire themselves"))

        def attempt() -> list[Officer]:
            officer = self.load(Officer, officer_id, "officer")
            self._check_keyed_admin_stays(officer, "retire")
            officer.check_retirement(prov)
            self.check_post_ended_after(officer, prov.effective, "retirement")
            officer.retire(require_text(reason, "reason"), prov)
            return [officer]

        self.execute(attempt)

    def _check_keyed_admin_stays(self, officer: Officer, doing: str) -> None:
        """Refuse to retire or demote the last active admin with a key in force, as revoking
        their key is (since session 24): no admin could manage officers or keys after."""
        if officer.role == "admin" and officer.active and officer.signing_key_id:
            check_other_admin(self, officer.officer_id, doing)

    def check_role(self, role: str, street: str) -> None:
        choice(role, ROLES, "role")
        if street:
            if role == "admin":
                raise InputError("street", "an admin works for the district, not a street")
            if role == "analyst":  # the district administrator, session 22: one was taken
                raise InputError("street", "an analyst reads for the district, not a street")
            self.load(Street, street, "street")

    def register_helper(
        self,
        stamp: Stamp,
        helper_id: str,
        kind: str,
        name: str,
        unit: str = "",
        rank: str = "",
        team_size: int = 0,
    ) -> None:
        """Register a helper 帮扶责任人 of the 4+1 model."""
        prov = self.authorise(stamp, "register_helper")
        typed, helper_id = helper_id, require_text(helper_id, "helper")
        kind = parse_kind(kind)  # 企业 … read as enterprise … (since session 26)
        rank = read_rank(rank)  # 正处级 read as division (since session 26)
        Helper.check_registration(
            kind, rank, team_size, self.programme().rules.volunteer_team_min_size
        )
        check_new_key("helper", helper_id)
        if self.exists(Helper, helper_id):
            raise AlreadyExistsError("helper", already_registered("helper", typed, helper_id))
        self.check_no_lookalike(Helper, helper_id, "helper")
        helper = Helper(
            helper_id=helper_id,
            kind=kind,
            name=clean_name(name, "name"),
            unit=optional_text(unit, "unit"),
            rank=rank,
            team_size=team_size,
            prov=prov,
        )
        if ROLE_OF_KIND[kind] != "enterprise":
            self.execute(lambda: [helper])
            return
        # Its pairings 一对一 are kept from its registration on, in the same save.
        pairings = EnterprisePairings(helper_id=helper_id, tracked=True, prov=prov)
        self.execute(lambda: [helper, pairings])
