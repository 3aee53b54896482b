"""Erasures a restore undoes 恢复撤销的删除 (since session 29, tester C).

A backup holds the ledger as it stood when it was taken: a household erased after that has
its key back in the restored store, and its personal data reads again. Nothing in the backup
can tell; the store the restore replaces can (``restore --replaces``): the households it
records as erased that the restored store holds and does not record as erased. Read by the
events' topic alone (``erased_households``): no event is decoded, no master key read.
"""

from __future__ import annotations

from eventsourcing.persistence import ApplicationRecorder
from ledger.transparency import erased_households
from ledger.verification import household_number

__all__ = ["undone_erasures"]


def undone_erasures(erased: set[str], restored: ApplicationRecorder) -> list[str]:
    """The numbers 户号 of the households ``erased`` (``erased_households`` of the store the
    restore replaces) that ``restored`` holds without an erasure, sorted: their personal data
    is back in ``restored``. One that ``restored`` does not hold at all (identified after the
    backup) has nothing back, and is not named."""
    gone = erased - erased_households(restored)
    numbers = (household_number(restored, household) for household in gone)
    return sorted(number for number in numbers if number is not None)
