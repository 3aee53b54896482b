"""Since session 31 the notes ``fupin verify`` adds under today's rules after its pass (a
household turned down that took a step, a household closed with an exit, a return or an
employment standing past its closure, a merge into an exit under way, session 28's talks,
notices and accounts) read the log in one scan (``ledger.after_pass``); before, each of four
modules scanned the whole log by topic on its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ledger.after_pass import notes_after_pass
from ledger.values import replayed_as_recorded

from tests.support import ledger_at, register, stamp


def test_the_notes_after_the_pass_read_the_log_in_one_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ledger_at(tmp_path / "one.db") as app:
        register(app, "JH-0001", serial=1)
        app.close_household(stamp("jn-01", date(2016, 12, 20)), "JH-0001", "died-out", "", "去世")
        with replayed_as_recorded():  # as a fupin before session 30 took it
            app.employ_worker(stamp("jn-01", date(2016, 9, 1)), "e-1", "JH-0001", date(2016, 9, 1))
        scans: list[object] = []
        select: Callable[..., Any] = app.recorder.select_notifications

        def counted(*args: Any, **kwargs: Any) -> Any:
            scans.append(kwargs.get("topics"))
            return select(*args, **kwargs)

        monkeypatch.setattr(app.recorder, "select_notifications", counted)

        notes = notes_after_pass(app.recorder, app.mapper)

    assert len(scans) == 1, scans  # one page: the log is smaller than a page
    assert [note.said.split(" with ")[1] for note in notes.employed_past_closure] == [
        "e-1's employment of a worker of it since 2016-09-01 (entry 2 of e-1) standing (end it on "
        "or before 2016-12-20: fupin helper end-employment e-1 JH-0001 -e DATE)"
    ]
    assert notes.after_rejection == []
    assert notes.closed_under_way == []
    assert notes.spared == []
