"""A registered 低保 household with labour capacity that is willing, yet no key target
重点帮扶对象: a finding of ``fupin verify`` under today's rules (since session 26), not
tampering.

The seed makes such households the key targets [三「将认定有劳动能力，且愿意接受帮扶的城乡低保家庭
… 作为 … 重点帮扶对象」; 四(一)]. A fupin before session 26 registered one as no key target
(``--not-key-target``) or amended its mark away, and today's replays such a row as recorded
when an export rebuilds a store (``Ledger.rebuilding_export``). Verify says which household,
so that the street can amend its mark (``fupin household amend NUMBER --key-target``) or the
field typed wrong: the households' own records say it, as they stand (a closed one is left
out).

One scan of the log by topic (identifications, registrations, amendments), then one read of
each household the scan leaves able, willing and no key target (few: none, under today's
rules).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic

from ledger.base import LedgerAggregate
from ledger.double_pairings import notifications
from ledger.household import Household


def able_not_key_targets(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[str]:
    """What verify says of each registered household with labour capacity that is willing
    and no key target, as its record stands, sorted by number; [] when none is."""
    found: list[str] = []
    for household_id in _candidates(recorder, mapper):
        said = _said(recorder, mapper, household_id)
        if said:
            found.append(said)
    return sorted(found)


def _candidates(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[UUID]:
    """The households the log's identifications, registrations and amendments leave
    registered, able, willing and no key target (a correction or closure is read after)."""
    topics = [
        get_topic(cls)
        for cls in (
            Household.Identified,  # type: ignore[attr-defined]  # @event
            Household.Registered,  # type: ignore[attr-defined]
            LedgerAggregate.Amended,  # type: ignore[attr-defined]  # every record's
        )
    ]
    held: dict[UUID, dict[str, Any]] = {}
    for notification in notifications(recorder, topics):
        try:
            fields = vars(mapper.to_domain_event(notification))
        except Exception:  # an event altered: the pass reports it
            continue
        name = notification.topic.rsplit(".", 1)[-1]
        record = held.setdefault(notification.originator_id, {})
        if name == "Identified":
            record.update(labour=fields.get("labour"), willing=fields.get("willing"))
        elif name == "Registered":
            record.update(registered=True, key_target=fields.get("key_target"))
        else:
            changes = fields.get("changes")
            if isinstance(changes, dict):
                record.update(
                    {k: v for k, v in changes.items() if k in ("labour", "willing", "key_target")}
                )
    return sorted(
        uid
        for uid, record in held.items()
        if record.get("registered")
        and record.get("labour") is True
        and record.get("willing") is True
        and record.get("key_target") is False
    )


def _said(recorder: ApplicationRecorder, mapper: Mapper[UUID], household_id: UUID) -> str:
    record: Any = None
    try:
        for item in recorder.select_events(household_id):
            event: Any = mapper.to_domain_event(item)
            record = event.mutate(record)
    except Exception:  # an event of it altered: the pass reports it
        return ""
    if not isinstance(record, Household) or record.registered_on is None:
        return ""
    if record.closed_on is not None or record.key_target:
        return ""
    if not (record.labour and record.willing):
        return ""
    disabled = ", disabled" if record.disabled else ""
    return (
        f"household {record.number} (registered {record.registered_on}) has labour capacity, "
        f"is willing{disabled} and is no key target"
    )
