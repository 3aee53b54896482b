"""A creation that loses a race to another writer is refused, never reported as done."""

from __future__ import annotations

from pathlib import Path

import pytest
from ledger.application import Ledger, open_ledger
from ledger.errors import AlreadyExistsError
from ledger.household import Household

from tests.support import identify, ledger_at


def test_identifying_a_household_another_writer_just_identified_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "race.db"
    with ledger_at(path) as first:
        second = open_ledger(str(path))
        try:
            # The other writer identifies JH-9 in 礼乐 between our check and our save.
            def exists_then_lose(cls: type, key: str) -> bool:
                if cls is Household:
                    identify(second, key, street="礼乐", village="新创", serial=9)
                return False

            monkeypatch.setattr(first, "exists", exists_then_lose)
            before = first.event_count()

            with pytest.raises(AlreadyExistsError) as refused:
                identify(first, "JH-9", street="江南", village="雄光", serial=8)

            assert refused.value.field == "household"
            assert first.event_count() == before + 1  # only the other writer's event
            assert stored_street(first, "JH-9") == "礼乐"
        finally:
            second.close()


def stored_street(app: Ledger, number: str) -> str:
    events = list(app.events.get(Household.create_id(number)))
    return str(vars(events[0])["street"])
