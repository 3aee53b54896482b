"""Session 28, re-tester R, finding 2: a visit typed 2018-12-20 (meant 2018-12-02) and voided
by ``fupin correct`` still refused its officer's retirement dated 2018-12-15, naming the voided
entry. An entry voided by a correction (recorded before the retirement or after it, by anyone)
does not bound the retirement or the transfer that ends the post, nor verify's note of one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import orjson
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry
from tests.support import stamp

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def _visit_typed_wrong_and_voided(fupin: Fupin) -> None:
    """jn-01 records a visit dated 2016-12-20 (meant 2016-12-02); the district voids it."""
    fupin.ok(f"household visit JH-0001 --helper c-1 {doc('2016-12-20')}", "jn-01")
    visit = last_entry(fupin, "JH-0001", "VisitRecorded")
    fupin.ok(f"correct household JH-0001 {visit} --reason 日期录错 {doc('2016-12-20')}", "qu-01")


def test_a_voided_entry_does_not_bound_the_retirement(seeded: Fupin) -> None:
    _visit_typed_wrong_and_voided(seeded)

    seeded.ok(f"officer retire jn-01 --reason 退休 {doc('2016-12-15')}", "admin")


def test_a_voided_entry_does_not_bound_the_transfer(seeded: Fupin) -> None:
    _visit_typed_wrong_and_voided(seeded)

    seeded.ok(f"officer change jn-01 --role inspector {doc('2016-12-15')}", "admin")


def test_the_latest_entry_left_standing_bounds_it_and_is_named(seeded: Fupin) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-12-10')}", "jn-01")
    _visit_typed_wrong_and_voided(seeded)

    refused = seeded(f"officer retire jn-01 --reason 退休 {doc('2016-12-05')}", "admin")

    assert_refused(refused, "effective", "jn-01 recorded VisitRecorded dated 2016-12-10 (entry ")
    assert "date the retirement on or after 2016-12-10" in refused.stderr
    assert "voided" in refused.stderr


@contextmanager
def _as_an_older_fupin_took_it() -> Iterator[None]:
    """A retirement recorded as a fupin before session 28 took it: an export's row, recorded
    before the rule came in, replayed (``ledger.values.replay_spares``)."""
    with replayed_as_recorded():
        yield


def test_verify_does_not_note_a_retirement_dated_before_a_voided_entry(seeded: Fupin) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-12-20')}", "jn-01")
    app = open_ledger(seeded.store)
    with _as_an_older_fupin_took_it():
        app.retire_officer(stamp("admin", date(2016, 12, 15)), "jn-01", "调离")
    app.close()
    noted = seeded.ok("verify").stdout
    assert "jn-01's retirement" in noted  # the visit stands: noted
    visit = last_entry(seeded, "JH-0001", "VisitRecorded")
    seeded.ok(f"correct household JH-0001 {visit} --reason 日期录错 {doc('2016-12-20')}", "qu-01")

    result = seeded.ok("verify")

    assert "jn-01's retirement" not in result.stdout


def test_verify_names_the_latest_entry_left_standing(seeded: Fupin) -> None:
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-12-10')}", "jn-01")
    _visit_typed_wrong_and_voided(seeded)
    app = open_ledger(seeded.store)
    with _as_an_older_fupin_took_it():
        app.retire_officer(stamp("admin", date(2016, 12, 5)), "jn-01", "调离")
    app.close()

    result = seeded.ok("verify")

    said = " ".join(result.stdout.split())
    assert "is dated 2016-12-05, before VisitRecorded dated 2016-12-10 (entry 8 of " in said


def test_an_entry_voided_earlier_in_the_same_import_does_not_bound_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    def row(command: str, actor: str, effective: str, args: Mapping[str, object]) -> bytes:
        line = {"command": command, "ref": command, "actor": actor, "effective": effective}
        return orjson.dumps({**line, "document": "文件", "note": "", "args": args}) + b"\n"

    visit = {"household": "JH-0001", "helper": "c-1", "summary": "入户走访"}
    voids = {"kind": "household", "key": "JH-0001", "version": 8, "reason": "日期录错"}
    path = tmp_path / "rows.jsonl"
    path.write_bytes(
        row("record_visit", "jn-01", "2016-12-20", visit)
        + row("correct", "qu-01", "2016-12-20", voids)
        + row("retire_officer", "admin", "2016-12-15", {"officer": "jn-01", "reason": "退休"})
    )
    path.chmod(0o600)

    seeded.ok(f"import {path}", "admin")


def test_the_import_register_of_a_voided_row_does_not_bound_its_importer(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Re-tester W, session 28: jn-01 imported their own visit dated wrong, admin voided it,
    and jn-01's retirement before that date was still refused, naming the import register's
    BatchRecorded, dated by the row, which no correction reaches ("void that entry first")."""
    line = {"command": "record_visit", "ref": "v-typo", "actor": "jn-01", "effective": "2016-12-20"}
    visit = {"household": "JH-0001", "helper": "c-1", "summary": "入户走访"}
    path = tmp_path / "visit.jsonl"
    path.write_bytes(orjson.dumps({**line, "document": "文件", "note": "", "args": visit}) + b"\n")
    path.chmod(0o600)
    seeded.ok(f"import {path}", "jn-01")
    visit_entry = last_entry(seeded, "JH-0001", "VisitRecorded")
    seeded.ok(
        f"correct household JH-0001 {visit_entry} --reason 日期录错 {doc('2016-12-20')}", "qu-01"
    )

    seeded.ok(f"officer retire jn-01 --reason 退休 {doc('2016-12-15')}", "admin")

    assert "jn-01's retirement" not in seeded.ok("verify").stdout
