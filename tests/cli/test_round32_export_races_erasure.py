"""Session 32, tester e (F3): ``fupin export events`` racing ``fupin erase`` on PostgreSQL (and
on SQLite) ended exit 0, its closing line counting the erasure, with the erased household's
identification in clear: the export read the household's key before the erasure and the
erasure after it, and ``import --create`` of the file brought the erased personal data back
with no erasure on record. An export is now one view (the events up to the log's end when it
began, the household keys read at once just after) and is refused, before its closing line and
with ``-o`` writing nothing, if a household it wrote in clear has an erasure on record by its
end. The erasure is made deterministic: another application on the same store erases JH-0001
right after the export has read JH-0001's identification (the export's own reading of the
events, ``ledger.imports._events``, wrapped)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from ledger import imports
from ledger.application import Ledger, open_ledger
from ledger.notice import ErasureUnfinishedError

from tests.cli.conftest import Fupin
from tests.support import identify, stamp

#: The refusal's words for JH-0001 erased while the export ran.
ERASED_MEANWHILE = (
    "refused household: household JH-0001 was erased while the export ran: run the export again"
)


def other_process(fupin: Fupin, act: Callable[[Ledger], object]) -> None:
    """``act`` on another application of the same store, as a second ``fupin`` would."""
    app = open_ledger(fupin.store)
    try:
        act(app)
    finally:
        app.close()


def erase_jh1(app: Ledger) -> None:
    app.erase(stamp("admin", date(2016, 9, 1)), "JH-0001", "本人申请删除")


def after_identification(
    monkeypatch: pytest.MonkeyPatch, number: str, act: Callable[[], object]
) -> list[int]:
    """Run ``act`` once (in the first export only), as soon as the export has read
    ``number``'s identification (its personal data opened by then); the positions the first
    export read are returned."""
    real = imports._events
    read: list[int] = []
    done: list[bool] = []

    def racing(app: Ledger, *rest: Any) -> Iterator[tuple[int, Any]]:
        events: Iterable[tuple[int, Any]] = real(app, *rest)
        for position, event in events:
            if not done:
                read.append(position)
            yield position, event
            if not done and type(event).__name__ == "Identified" and event.number == number:
                done.append(True)
                act()

    monkeypatch.setattr(imports, "_events", racing)
    return read


def rows(text: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in text.splitlines()]


def head_names(lines: list[dict[str, Any]], number: str) -> list[str]:
    return [
        row["args"]["head_name"]
        for row in lines
        if row.get("command") == "identify" and row["args"]["household"] == number
    ]


def test_an_export_to_a_file_racing_an_erasure_is_refused_and_writes_nothing(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ev.jsonl"
    after_identification(monkeypatch, "JH-0001", lambda: other_process(seeded, erase_jh1))

    refused = seeded(f"export events -o {out}", "admin")

    assert refused.exit_code == 2, refused.output
    assert ERASED_MEANWHILE in refused.stderr
    assert "nothing was written" not in refused.stderr  # said of -o in the line's own words
    assert "a file given with -o is not written" in refused.stderr
    assert "Traceback" not in refused.output
    assert not out.exists()
    assert list(tmp_path.glob(".fupin-*")) == []  # no half-written file left beside it
    # Run again, as it says: JH-0001 exports [erased], with its erasure counted.
    seeded.ok(f"export events -o {out}", "admin")
    again = rows(out.read_bytes())
    assert head_names(again, "JH-0001") == ["[erased]"]
    assert again[-1]["skipped"]["PersonalDataErased"] == 1


def test_an_export_to_standard_output_racing_an_erasure_ends_with_no_closing_line(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    after_identification(monkeypatch, "JH-0001", lambda: other_process(seeded, erase_jh1))

    refused = seeded("export events", "admin")

    assert refused.exit_code == 2, refused.output
    assert ERASED_MEANWHILE in refused.stderr
    written = rows(refused.stdout_bytes)
    assert written, "the rows before the refusal were written"
    assert all("skipped" not in row for row in written)  # no closing line
    # So no import takes it: the erasure is not undone in a new store.
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(refused.stdout_bytes)
    cut.chmod(0o600)  # personal data in clear: an import refuses a file others may read
    fresh = tmp_path / "fresh.db"
    moved = seeded(f"--store {fresh} import --create {cut}", "admin")
    assert moved.exit_code == 2, moved.output
    assert "has no export's closing line" in moved.stderr
    assert not fresh.exists()


def test_an_unfinished_erasure_is_not_exported_in_clear(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An erasure recorded whose key was not destroyed yet (``fupin erase`` exit 3): the
    household still reads in clear, so an export of it would undo the erasure in a new store."""

    def cut_short(app: Ledger) -> None:
        def fail(household: object) -> None:
            raise RuntimeError("power cut")

        monkeypatch.setattr(app.household_keys, "destroy", fail)
        with pytest.raises(ErasureUnfinishedError):
            erase_jh1(app)

    other_process(seeded, cut_short)
    out = tmp_path / "ev.jsonl"

    refused = seeded(f"export events -o {out}", "admin")

    assert refused.exit_code == 2, refused.output
    assert (
        "refused household: the erasure of household JH-0001 is recorded, but its key was not "
        "destroyed yet when the export read the keys: finish it first, unless it is finishing "
        "now (`fupin erase JH-0001 --reason … -d …` again: it records nothing new): run the "
        "export again" in refused.stderr
    )
    assert not out.exists()
    seeded.ok("erase JH-0001 --reason 本人申请删除 -d 删除申请 -e 2016-09-01", "admin")
    seeded.ok(f"export events -o {out}", "admin")
    assert head_names(rows(out.read_bytes()), "JH-0001") == ["[erased]"]


def test_an_export_is_the_log_as_it_was_when_it_began(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is recorded while the export runs is not in it: its end is fixed when it begins
    (before, it read pages until none was left, so it took in what was recorded meanwhile,
    keys read before it or after)."""
    end = seeded.event_count()
    read = after_identification(
        monkeypatch,
        "JH-0001",
        lambda: other_process(seeded, lambda app: identify(app, "JH-0009", serial=9)),
    )
    out = tmp_path / "ev.jsonl"

    seeded.ok(f"export events -o {out}", "admin")

    exported = rows(out.read_bytes())
    assert seeded.event_count() > end
    assert max(read) <= end
    assert head_names(exported, "JH-0009") == []
    assert exported[-1]["last_position"] <= end
    assert head_names(exported, "JH-0001") == ["户主1"]  # nothing erased: written in clear
