"""Inspections 督查 [六(三)、(七)]: the district inspects down to villages, streets inspect down
to households. Findings carry a rectification deadline 限期整改; slow units are named in a notice
通报; streets that miss the yearly target have their leaders summoned for a talk 约谈.
"""

from __future__ import annotations

from datetime import MAXYEAR, date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.base import LedgerAggregate, Provenance, natural_id
from ledger.errors import RuleError
from ledger.programme import closing_day, year_result_fixed_on
from ledger.typed import key_hint, said_as_read
from ledger.values import (
    check_as_recorded,
    check_says,
    parse_category,
    replay_spares,
    require_text,
)

__all__ = ["LEVELS", "LEVEL_WORDS", "SUBJECT_KINDS", "Inspection", "parse_level"]

#: District inspections 区级督查 reach streets and villages; street inspections reach households.
LEVELS = ("district", "street")
#: The levels as officers write them in Chinese (docs/cli.md: 区级督查; ``inspection open
#: --help``: 区级, 街道级), read as the English name where a level is typed (``parse_level``;
#: since session 26).
LEVEL_WORDS = {"区级": "district", "街道级": "street"}


def parse_level(value: str, field: str = "level") -> str:
    """An inspection's level: one of ``LEVELS``, in English or in Chinese (``LEVEL_WORDS``),
    read as the English name (``ledger.values.parse_category``; since session 26)."""
    return parse_category(value, LEVELS, LEVEL_WORDS, field)


#: The latest a rectification deadline 限期整改 may fall after its finding: within a year (an
#: inspection is the year's; a deadline typed 2071 for 2017 hid its finding from the overdue
#: list for good, before a finding could be voided).
LONGEST_RECTIFICATION_DAYS = 366

#: The longest text an inspection's scope, a finding's description or a reason may hold.
LONG_TEXT = 2_000


def _long_text(value: str, field: str) -> str:
    return require_text(value, field, LONG_TEXT)


SUBJECT_KINDS = ("street", "village", "household", "helper", "officer", "account")


class Inspection(LedgerAggregate):
    """One inspection, its findings and what came of them."""

    #: Entries an inspector or admin may void with a correction (``fupin correct inspection``):
    #: a finding recorded in error, before any rectification was reported against it; a
    #: rectification report 整改 (one given to the wrong finding, say) while the finding is
    #: not closed; a close 销号; a talk 约谈; a notice 通报 naming a unit. Each then never
    #: happened, in every report (tester D, session 22: a rectification or a close entered in
    #: error could never be taken back, and kept its finding off the overdue list for good).
    VOIDABLE = frozenset(
        {
            "FindingRecorded",
            "RectificationReported",
            "FindingClosed",
            "LeadershipTalkHeld",
            "CriticismNoticed",
        }
    )
    #: What ``Amended`` may restate of an inspection opened with a field typed wrong
    #: (``fupin inspection amend``): the year of the work inspected, the scope, and a street
    #: inspection's street while nothing stands under it (its findings, talks and notices
    #: were judged against that street). Never the code (every entry names it) nor the level
    #: (district and street inspections reach different subjects: open another).
    AMENDABLE = frozenset({"year", "street", "scope"})

    @staticmethod
    def create_id(code: str) -> UUID:
        return natural_id("inspection", code)

    @event("InspectionOpened")
    def __init__(
        self, code: str, level: str, year: int, street: str, scope: str, prov: Provenance
    ) -> None:
        self.code = code
        self.level = level
        self.year = year
        self.street = street  # the inspected street ("" for a district-wide inspection)
        self.scope = scope
        self.opened_on = prov.effective
        self.findings: dict[str, date] = {}  # finding id -> rectification deadline
        self.found_on: dict[str, date] = {}  # finding id -> effective date of the finding
        self.subjects: dict[str, tuple[str, str]] = {}  # finding id -> (subject kind, subject)
        self.rectified: dict[str, date] = {}  # finding id -> first rectification reported
        self.reports: dict[str, dict[int, date]] = {}  # finding id -> its reports in force
        self.closed: set[str] = set()
        self.criticised: list[str] = []
        self.talks: list[tuple[str, int]] = []
        self.voided_findings: set[str] = set()  # finding ids whose entry was voided
        #: Each notice's and talk's version -> what it said (its kind and subject, date,
        #: document, note and reason, as a reader reads them): one like it is refused as the
        #: same recorded twice (``_check_not_twice``; since session 28, tester Y).
        self.said: dict[int, tuple[object, ...]] = {}

    @staticmethod
    def check_subject(level: str, subject_kind: str) -> None:
        """District inspections stop at villages; households are for street inspections."""
        if level == "district" and subject_kind == "household":
            raise RuleError(
                "subject", "a district inspection reaches down to villages, not households [六(七)]"
            )

    def record_finding(
        self,
        finding_id: str,
        subject_kind: str,
        subject: str,
        description: str,
        deadline: date,
        prov: Provenance,
    ) -> None:
        """A finding with its rectification deadline 限期整改."""
        self.check_subject(self.level, subject_kind)
        if finding_id in self.findings:
            raise RuleError("finding", f"{finding_id!r} is already recorded")
        if finding_id in self.voided_findings:
            raise RuleError(
                "finding",
                f"{finding_id!r} was recorded and voided: give the finding a new id (the voided "
                "one keeps its own in the history)",
            )
        self.check_not_before(prov.effective, self.opened_on, f"{self.code} was opened")
        if deadline < prov.effective:
            raise RuleError("deadline", "the rectification deadline is before the finding")
        if (deadline - prov.effective).days > LONGEST_RECTIFICATION_DAYS:
            raise RuleError(
                "deadline",
                f"the rectification deadline {deadline} is more than a year after the finding "
                f"({prov.effective}): a deadline 限期整改 falls within the year (one typed a "
                "year or decades late would keep the finding off the overdue list until then)",
            )
        self._finding_recorded(finding_id, subject_kind, subject, description, deadline, prov)

    @event("FindingRecorded")
    def _finding_recorded(
        self,
        finding_id: str,
        subject_kind: str,
        subject: str,
        description: str,
        deadline: date,
        prov: Provenance,
    ) -> None:
        self.remember_entry("FindingRecorded", prov, finding_id)
        self.findings[finding_id] = deadline
        self.found_on[finding_id] = prov.effective
        self.subjects[finding_id] = (subject_kind, subject)

    def report_rectification(
        self, finding_id: str, summary: str, prov: Provenance, entered_on: date | None = None
    ) -> None:
        """The inspected unit reports what it rectified 整改 (``entered_on``: the day it is
        recorded, when the report is entered now, not replayed from an export)."""
        self.check_open_finding(finding_id)
        self.check_not_before(
            prov.effective, self.found_on[finding_id], f"{finding_id} was recorded"
        )
        deadline = self.findings[finding_id]
        first = self.rectified.get(finding_id)
        # A report entered after the deadline but dated by it takes the finding off the overdue
        # list as of every day: made then and entered late, it says so (tester D, session 22:
        # a street entered in 2026 a first report dated 2019, inside its deadline, and a
        # finding eight years overdue left the report, saying nothing).
        if first is None and entered_on is not None and prov.effective <= deadline < entered_on:
            check_says(
                "note",
                prov.note,
                f"{finding_id}'s rectification deadline was {deadline}: a report entered on "
                f"{entered_on}, after it, dated {prov.effective}, by it, takes the finding off "
                "the overdue list, so it says why in --note (a report made then and entered "
                "late)",
            )
        # A later report (a supplement) is dated from the first on: dated before it, it took
        # the first's place, and a report made after the deadline left the overdue list
        # (tester V, session 19).
        # A report dated before the first on record takes its place as the day the finding was
        # rectified, and may take it off the overdue list: a report made earlier and entered
        # late is taken, but says so (tester V, session 19: a "supplement" backdated by the
        # street itself took a missed deadline off the list, saying nothing).
        first = self.rectified.get(finding_id)
        if first is not None and prov.effective < first:
            check_says(
                "note",
                prov.note,
                f"{finding_id}'s first rectification on record is dated {first}: a report dated "
                f"{prov.effective}, before it, takes its place (and may take the finding off the "
                "overdue list), so it says why in --note (a report made then and entered late)",
            )
        self._rectification_reported(finding_id, summary, prov)

    @event("RectificationReported")
    def _rectification_reported(self, finding_id: str, summary: str, prov: Provenance) -> None:
        # A finding may take several reports; it may close once the first was made.
        version = self.version + 1  # this event's (``remember_entry`` notes it so)
        self.remember_entry("RectificationReported", prov, (finding_id, version))
        self.reports.setdefault(finding_id, {})[version] = prov.effective
        first = self.rectified.get(finding_id, prov.effective)
        self.rectified[finding_id] = min(first, prov.effective)

    def close_finding(self, finding_id: str, prov: Provenance) -> None:
        """The inspector accepts the rectification and closes the finding."""
        self.check_open_finding(finding_id)
        if finding_id not in self.rectified:
            raise RuleError("finding", f"{finding_id!r} has no rectification reported")
        self.check_not_before(
            prov.effective, self.rectified[finding_id], f"{finding_id}'s rectification was reported"
        )
        about = self.closed_by_its_subject(finding_id, prov.actor, prov.imported_by)
        if about and not replay_spares("finding_closed_by_its_subject"):
            raise RuleError("as", about)
        self._finding_closed(finding_id, prov)

    def closed_by_its_subject(self, finding_id: str, actor: str, importer: str = "") -> str:
        """Why ``actor`` (or ``importer``, who records it in the actor's name) may not close
        ``finding_id``, "" if they may: a finding about an officer is not closed by that
        officer, whose rectification it judges; another inspector (or admin) accepts it 整改验收
        [六(七)]. Since session 35 (tester a, session 34: an admin closed the finding about
        themself; re-tester r: or imported the closure in an inspector's name); an older
        fupin's such closure replays (``finding_closed_by_its_subject``) and ``fupin verify``
        notes it."""
        kind, subject = self.subjects.get(finding_id, ("", ""))
        closers = {who.casefold() for who in (actor, importer) if who}
        if kind != "officer" or subject.casefold() not in closers:
            return ""
        how = "is closing it" if subject.casefold() == actor.casefold() else "imports its closure"
        return (
            f"{finding_id!r} of {self.code} is about officer {subject}, who {how}: the officer a "
            "finding is about does not accept their own rectification; another inspector or "
            "admin closes it [六(七)]"
        )

    @event("FindingClosed")
    def _finding_closed(self, finding_id: str, prov: Provenance) -> None:
        self.remember_entry("FindingClosed", prov, finding_id)
        self.closed.add(finding_id)

    def check_open_finding(self, finding_id: str) -> None:
        if finding_id in self.voided_findings:
            raise RuleError(
                "finding", f"{finding_id!r} of {self.code} was voided by a correction: it never was"
            )
        if finding_id not in self.findings:
            hint = key_hint(finding_id, self.findings.__contains__)
            raise RuleError("finding", f"{finding_id!r} is not a finding of {self.code}{hint}")
        if finding_id in self.closed:
            raise RuleError("finding", f"{finding_id!r} is already closed")

    def notice_criticism(self, unit: str, reason: str, prov: Provenance) -> None:
        """A district notice 通报 names a unit with slow progress [六(七)]: under a district
        inspection (tester D, session 22: a street inspection of 外海 took a notice naming
        礼乐街道, which the accountability of 外海 then held)."""
        if self.level != "district":
            raise RuleError(
                "inspection",
                f"{self.code} is a street inspection of {self.street}: a notice 通报 is the "
                "district's, recorded under a district inspection [六(七)]",
            )
        self.check_not_before(prov.effective, self.opened_on, f"{self.code} was opened")
        if not replay_spares("notice_or_talk_twice"):  # an export's replay: as recorded
            self._check_not_twice(("notice", unit), reason, prov, f"the notice 通报 naming {unit}")
        self._criticism_noticed(unit, reason, prov)

    def _check_not_twice(
        self, subject: tuple[object, ...], reason: str, prov: Provenance, what: str
    ) -> None:
        """Refuse a notice or talk like one on record, not voided: the same subject, day,
        document, note and reason (since session 28, tester Y: one notice recorded three times
        was listed three times, as a visit or an allocation so recorded is refused). A second
        one for real has a document of its own, or a reason or note saying what sets it
        apart."""
        version = self.recorded_alike(subject, reason, prov)
        if version is not None:
            raise RuleError(
                "document",
                f"{what} on {prov.effective} is on record under document "
                f"{prov.document!r} (entry {version} of {self.code}): the same recorded "
                "twice? A second one has a document of its own, or a reason or note saying "
                f"what sets it apart; a wrong one is corrected (fupin correct inspection "
                f"{self.code} {version} --reason …)",
            )

    def recorded_alike(
        self, subject: tuple[object, ...], reason: str, prov: Provenance
    ) -> int | None:
        """The first entry standing (not voided) that said what a notice or talk of
        ``subject`` with ``reason`` and ``prov`` says (``_said``), or None."""
        wanted = _said(subject, reason, prov)
        alike = (v for v, said in self.said.items() if said == wanted and v not in self.voided)
        return min(alike, default=None)

    @event("CriticismNoticed")
    def _criticism_noticed(self, unit: str, reason: str, prov: Provenance) -> None:
        self.said[self.version + 1] = _said(("notice", unit), reason, prov)  # this event's
        self.remember_entry("CriticismNoticed", prov, unit)
        self.criticised.append(unit)

    def hold_talk(
        self, street: str, year: int, reason: str, prov: Provenance, as_recorded: bool = False
    ) -> None:
        """A street that missed its yearly target has its leaders summoned for a talk 约谈:
        about a yearly target missed, so only once that year is over [六(七)]. ``as_recorded``:
        an export replayed, whose talk may be dated by the rule of its day (from 31 December
        of the year, before session 24) and held under a street inspection (before session
        28). The district summons a street's leaders 对…街道要对党政主要领导进行约谈, as it
        notices a unit 通报: under a district inspection (tester F, session 28: a district
        inspector's talk was taken under a street inspection)."""
        if not 1 <= year < MAXYEAR:
            raise RuleError("year", f"{year} is not a year")
        if self.level != "district" and not (
            as_recorded and replay_spares("talk_under_street_inspection")
        ):
            raise RuleError(
                "inspection",
                f"{self.code} is a street inspection of {self.street}: a talk 约谈 with a "
                "street's leaders is the district's, held under a district inspection [六(七)]",
            )
        if self.street and street != self.street:
            # A street inspection reaches its own street (tester U, session 19: 江南's
            # inspection summoned 礼乐's leaders, whose households it may not name): since
            # session 28 only a talk replayed as recorded is under a street inspection.
            raise RuleError(
                "street",
                f"{self.code} inspects {self.street}: a talk with {street}'s leaders is held "
                "under a district inspection",
            )
        self.check_not_before(prov.effective, self.opened_on, f"{self.code} was opened")
        # The day after the year's closing day, as the accountability report counts a year
        # over (`due_talk`): one definition for the report and the ledger. Until its closing
        # day (31 January of the next year) an exit of the year still counts for it, so the
        # target is not yet known missed (session 24: a talk was taken from 31 December).
        year_over = date(year, 12, 31) if as_recorded else year_result_fixed_on(year)
        if prov.effective < year_over:
            raise RuleError(
                "effective",
                f"a talk 约谈 about {street}'s {year} target only from {year_over}, once {year}'s "
                f"closing day ({closing_day(year)}: an exit of {year} approved by then counts "
                f"for it) has passed and the target is known missed [六(七)] "
                f"(not {prov.effective})",
            )
        what = f"the talk 约谈 with {street}'s leaders about {year}"
        if not (as_recorded or replay_spares("notice_or_talk_twice")):
            self._check_not_twice(("talk", street, year), reason, prov, what)
        self._talk_held(street, year, reason, prov)

    @event("LeadershipTalkHeld")
    def _talk_held(self, street: str, year: int, reason: str, prov: Provenance) -> None:
        self.said[self.version + 1] = _said(("talk", street, year), reason, prov)
        self.remember_entry("LeadershipTalkHeld", prov, (street, year))
        self.talks.append((street, year))

    def check_correctable(self, version: int) -> None:
        """A finding is voided only while no rectification report of it stands, and a report
        only while its finding is not closed: what answers an entry goes first (its own
        correction), so no report or close is left answering nothing."""
        super().check_correctable(version)
        kind, key = self.entries[version]
        if kind == "FindingRecorded" and self.reports.get(key):
            versions = ", ".join(str(v) for v in sorted(self.reports[key]))
            raise RuleError(
                "version",
                f"a rectification of {key} was reported on {self.rectified[key]} (entry "
                f"{versions}): a finding acted on stays on record while that stands (void the "
                "report first if it was entered in error: fupin correct inspection "
                f"{self.code} VERSION --reason …)",
            )
        if kind == "RectificationReported" and key[0] in self.closed:
            closing = max(
                v
                for v, entry in self.entries.items()
                if entry == ("FindingClosed", key[0]) and v not in self.voided
            )
            raise RuleError(
                "version",
                f"{key[0]} was closed (entry {closing}) on its rectification: void the close "
                f"first (fupin correct inspection {self.code} {closing} --reason …)",
            )

    def check_amendment(self, changes: dict[str, Any], prov: Provenance) -> None:
        """Not dated before the inspection was opened; a year in which or after which it was
        opened; a street only of a street inspection, with no finding, talk or notice
        standing under it (voided ones are gone: their subjects no longer count)."""
        self.check_not_before(prov.effective, self.opened_on, f"{self.code} was opened")
        for field, value in sorted(changes.items()):
            if field == "year":
                if type(value) is not int or not 1 <= value < MAXYEAR:
                    raise RuleError("year", f"{value!r} is not a year")
                if value > self.opened_on.year:
                    raise RuleError(
                        "year",
                        f"an inspection of {value}'s work is opened in {value} or later, not "
                        f"on {self.opened_on}",
                    )
            elif field == "street":
                check_as_recorded("street", value, require_text)
                if self.level != "street":
                    raise RuleError(
                        "street",
                        f"{self.code} is a district inspection, which covers every street: "
                        "it names none (open a street inspection instead)",
                    )
                standing = self.standing_entries()
                if standing:
                    raise RuleError(
                        "street",
                        f"{self.code} holds {standing} about {self.street}, judged against "
                        "that street: void them first (fupin correct inspection CODE "
                        "VERSION --reason …), or open an inspection of the other street",
                    )
            elif field == "scope":
                check_as_recorded("scope", value, _long_text)

    def standing_entries(self) -> str:
        """What stands under the inspection, in words ("" for nothing): its findings not
        voided, its talks and its notices."""
        counts = (
            (len(self.findings), "finding"),
            (len(self.talks), "talk"),
            (len(self.criticised), "notice"),
        )
        return ", ".join(f"{n} {what}{'s' if n > 1 else ''}" for n, what in counts if n)

    def undo_entry(self, kind: str, key: Any) -> None:
        if kind == "FindingRecorded":
            for held in (self.findings, self.found_on, self.subjects):
                held.pop(key, None)
            self.voided_findings.add(key)
        elif kind == "LeadershipTalkHeld":
            self.talks.remove(tuple(key))
        elif kind == "CriticismNoticed":
            self.criticised.remove(key)
        elif kind == "RectificationReported":
            finding_id, version = key
            reports = self.reports[finding_id]
            reports.pop(version)
            if reports:
                self.rectified[finding_id] = min(reports.values())
            else:
                self.rectified.pop(finding_id, None)
        elif kind == "FindingClosed":
            self.closed.discard(key)
        else:
            super().undo_entry(kind, key)


def _said(subject: tuple[object, ...], reason: str, prov: Provenance) -> tuple[object, ...]:
    """What a notice or talk said, as a reader reads it (``said_as_read``: spaces and the
    width of characters aside), to tell one recorded twice."""
    return (
        *subject,
        prov.effective,
        *said_as_read(prov.document, prov.note),
        *said_as_read(reason, ""),
    )
