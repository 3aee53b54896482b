"""Session 21, four small defects testers found:

- ``helper add`` and ``officer add`` recorded a ``--unit`` of a zero-width space as typed, and
  one of spaces as none, which ``amend`` refuses (docs/cli.md: "So is a name or a unit given as
  such"); a donation account's donor and a household's address likewise;
- ``household visit`` by ``'c-1 '`` or ``ｃ－１`` (c-1 paired) said "is not paired", as for a
  helper nobody registered: ``pair`` and ``unpair`` say ``no helper … on record`` with a hint;
- on SQLite, a save, an import and a rebuild behind another process's write lock each said it
  otherwise (a save, that the store was "busy or unreachable");
- ``tools/verify_bundle.py`` printed a ``ReceiptVoided`` without the receipt it voids nor why,
  and its recording times cut to seconds with no zone (read as China time, 8 hours off)."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import orjson
import pytest
from cli.main import app
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc, waiting_note_taken

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ROOT = Path(__file__).resolve().parents[2]
ZWSP = "\u200b"
HINT = "(it holds spaces, invisible or full-width characters: 'c-1'?)"


def _run(fupin: Fupin, args: list[str], actor: str) -> Result:
    """``fupin --as actor ARGS``, the arguments as given (a zero-width space kept whole)."""
    return fupin.runner.invoke(app, ["--as", actor, *args])


def _import_jsonl(
    fupin: Fupin, path: Path, rows: Sequence[Mapping[str, object]], actor: str
) -> Result:
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return fupin(f"import {path}", actor=actor)


# -- 1. a text given that shows nothing ----------------------------------------------------------


@pytest.mark.parametrize("unit", [ZWSP, "  ", f" {ZWSP} "])
@pytest.mark.parametrize(
    ("actor", "args"),
    [
        ("jn-01", ["helper", "add", "u-1", "--kind", "social-worker", "--name", "X"]),
        ("admin", ["officer", "add", "x-1", "--name", "X", "--role", "officer"]),
    ],
)
def test_a_unit_that_shows_nothing_is_refused_at_registration_as_at_amendment(
    seeded: Fupin, actor: str, args: list[str], unit: str
) -> None:
    before = seeded.event_count()

    result = _run(seeded, [*args, "--unit", unit, "-d", "x", "-e", "2016-08-01"], actor)

    assert_refused(result, "unit", f"{unit!r} shows nothing: leave --unit out, or say what it is")
    assert seeded.event_count() == before


def test_a_unit_of_spaces_is_refused_and_one_left_out_records_none(seeded: Fupin) -> None:
    spaces = seeded(
        f"helper add u-1 --kind social-worker --name X --unit '  ' {doc('2016-08-01')}", "jn-01"
    )

    seeded.ok(f"helper add u-1 --kind social-worker --name X {doc('2016-08-01')}", "jn-01")
    seeded.ok(
        f"helper add u-2 --kind social-worker --name X --unit ' 区民政局 ' {doc('2016-08-01')}",
        "jn-01",
    )

    found = seeded.ok(
        "query \"SELECT helper, unit FROM pj_helpers WHERE helper LIKE 'u-%' ORDER BY helper\" "
        "--format json"
    )

    assert_refused(spaces, "unit", "'  ' shows nothing")
    assert orjson.loads(found.stdout)["rows"] == [["u-1", ""], ["u-2", "区民政局"]]


@pytest.mark.parametrize(
    ("command", "args", "field"),
    [
        ("register_helper", {"helper": "u-1", "kind": "social-worker", "name": "X"}, "unit"),
        ("register_officer", {"officer": "x-1", "name": "X", "role": "officer"}, "unit"),
        ("open_account", {"account": "don-1", "source": "donation", "year": 2016}, "donor"),
    ],
)
def test_an_import_row_whose_text_shows_nothing_is_refused(
    seeded: Fupin, tmp_path: Path, command: str, args: dict[str, object], field: str
) -> None:
    before = seeded.event_count()
    row = {"command": command, "ref": "R-1", "effective": "2016-08-01", "document": "x"}

    result = _import_jsonl(
        seeded, tmp_path / "rows.jsonl", [{**row, "args": {**args, field: ZWSP}}], "admin"
    )

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert f"line 1, {field}: '\\u200b' shows nothing: leave {field} out" in said
    assert seeded.event_count() == before


@pytest.mark.parametrize("donor", [ZWSP, "  "])
def test_a_donor_that_shows_nothing_is_refused(seeded: Fupin, donor: str) -> None:
    args = ["fund", "open", "don-1", "--source", "donation", "--year", "2016", "--donor", donor]

    result = _run(seeded, [*args, "-d", "x", "-e", "2016-08-01"], "admin")

    assert_refused(result, "donor", f"{donor!r} shows nothing: leave --donor out")


@pytest.mark.parametrize("address", [ZWSP, "   "])
def test_an_address_that_shows_nothing_is_refused(seeded: Fupin, address: str) -> None:
    before = seeded.event_count()
    args = [
        *("household", "identify", "JH-0009", "--street", "江南", "--village", "雄光"),
        *("--area", "rural", "--members", "1", "--labour", "--willing", "--dibao"),
        *("--head-name", "李四", "--id-card", "110101199003078515", "--address", address),
    ]

    result = _run(seeded, [*args, "-d", "x", "-e", "2016-08-01"], "jn-01")

    assert_refused(result, "address", f"{address!r} shows nothing: leave --address out")
    assert seeded.event_count() == before


# -- 2. a visit by a helper not on record ----------------------------------------------------------


@pytest.mark.parametrize(
    ("helper", "rule"),
    [
        ("c-1 ", f"no helper 'c-1 ' on record {HINT}"),
        ("ｃ－１", f"no helper 'ｃ－１' on record {HINT}"),
        ("nobody", "no helper 'nobody' on record"),
    ],
)
def test_a_visit_by_a_helper_not_on_record_says_so_as_a_pairing_does(
    seeded: Fupin, helper: str, rule: str
) -> None:
    before = seeded.event_count()

    result = _run(
        seeded,
        ["household", "visit", "JH-0001", "--helper", helper, *doc("2016-09-01").split()],
        "jn-01",
    )

    assert_refused(result, "helper", rule)
    assert "is not paired" not in result.stderr
    assert seeded.event_count() == before


def test_an_imported_visit_by_a_helper_not_on_record_says_so_and_one_not_paired_as_before(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()
    rows = [
        {"command": "record_visit", "ref": f"V-{n}", "effective": "2016-09-01", "document": "x"}
        | {"args": {"household": "JH-0001", "helper": helper}}
        for n, helper in enumerate(("ｃ－１", "c-2", "c-1"), start=1)
    ]

    result = _import_jsonl(seeded, tmp_path / "visits.jsonl", rows, "jn-01")

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert f"line 1, helper: no helper 'ｃ－１' on record {HINT}" in said
    # c-2 is on record, and not paired with JH-0001: said as before
    assert "line 2, helper: 'c-2' is not paired with household JH-0001" in said
    assert "line 3" not in said
    assert seeded.event_count() == before


# -- 3. SQLite's write lock held past LEDGER_LOCK_TIMEOUT ------------------------------------------

LOCKED = "another process held the store's write lock past LEDGER_LOCK_TIMEOUT (1 s)"


@contextmanager
def _write_lock_held(path: Path) -> Iterator[None]:
    """Another connection holding the store's write lock (``BEGIN IMMEDIATE``), as another
    process's long save would."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_save_and_an_import_behind_the_write_lock_say_so_alike(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")
    before = seeded.event_count()
    rows = tmp_path / "visits.jsonl"
    row = {"command": "record_visit", "ref": "V-1", "effective": "2016-09-02", "document": "x"}
    rows.write_bytes(orjson.dumps({**row, "args": {"household": "JH-0001", "helper": "c-1"}}))

    with _write_lock_held(seeded.path):
        saved = seeded(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")
        imported = seeded(f"import {rows}", "jn-01")

    # The save first says it waits (since session 26, after half of LEDGER_LOCK_TIMEOUT); an
    # import, whose own save may take longer than that, does not.
    waiting_note_taken(saved)
    for result in (saved, imported):
        assert_refused(result, "store", f"{LOCKED}; nothing was written: try again")
    assert seeded.event_count() == before
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-09-01')}", "jn-01")  # again
    assert seeded.event_count() == before + 1


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_rebuild_behind_the_write_lock_says_so_as_a_save_does(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "1")

    with _write_lock_held(seeded.path):
        result = seeded("projections rebuild")

    waiting_note_taken(result)  # since session 26
    assert_refused(result, "store", f"{LOCKED}; try again")


# -- 4. the offline bundle checker -----------------------------------------------------------------


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "verify_bundle", ROOT / "tools" / "verify_bundle.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _public_key(fupin: Fupin, path: Path) -> str:
    made = fupin.ok(f"keys new --out {path}")
    found = re.search(r"public key:\s+(\S+)", made.stdout)
    assert found is not None, made.stdout
    return found.group(1)


def test_a_bundle_says_which_receipt_a_voided_receipt_voids_and_when_in_utc(
    seeded: Fupin, tmp_path: Path
) -> None:
    log_key = _public_key(seeded, tmp_path / "log.key")
    seeded.ok(f"keys register-log {log_key} {doc('2016-08-20')}", "admin")
    seeded.ok(
        "fund disburse city-2016 --amount 100 --category education --purpose household "
        f"--household JH-0001 --measure m-1 {doc('2016-08-21')}",
        "qu-01",
    )
    seeded.ok(
        f"fund disburse city-2016 --amount 50 --category education --purpose household "
        f"--household JH-0001 --measure m-1 {doc('2016-08-22')}",
        "qu-01",
    )
    seeded.ok(f"correct fund city-2016 3 --reason 重复支付 {doc('2016-08-23')}", "qu-01")
    checkpoint, bundle = tmp_path / "cp.json", tmp_path / "b.json"
    seeded.ok(f"checkpoint --out {checkpoint} --log-key {tmp_path / 'log.key'} -d 检查点", "admin")
    seeded.ok(f"prove JH-0001 --checkpoint {checkpoint} --out {bundle}", "insp-1")
    history = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)

    offline = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "verify_bundle.py"),
            str(bundle),
            "--log-key",
            log_key,
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert offline.returncode == 0, offline.stderr
    timeline = [line for line in offline.stdout.splitlines() if " leaf " in line]
    received = [e["version"] for e in history if e["event"] == "FundsReceived"]
    voided = next(line for line in timeline if "ReceiptVoided" in line)
    assert voided.endswith(
        f"voids #{received[0]} (the receipt of city-2016 disbursement 3): 重复支付"
    ), voided
    # Each recording time as history prints it: UTC, to the microsecond, with its Z.
    times = [re.search(r"recorded (\S+)", line) for line in timeline]
    assert [t.group(1) if t else "" for t in times] == [
        e["recorded_at"].replace("+00:00", "Z") for e in history
    ]
    assert all(t and t.group(1).endswith("Z") for t in times)


def test_the_bundle_tool_says_a_time_without_a_zone_and_a_receipt_it_did_not_see() -> None:
    tool = _tool()

    assert tool._recorded("2016-10-11T01:00:00.043000+00:00") == "2016-10-11T01:00:00.043000Z"
    assert tool._recorded("2016-10-11T09:00:00+08:00") == "2016-10-11T01:00:00Z"
    assert tool._recorded("2016-10-11T01:00:00") == "2016-10-11T01:00:00 (no time zone)"
    assert tool._recorded("") == "'' (not a time)"
    state = {"account": "city-2016", "disbursement": 4, "reason": "重复支付"}
    assert tool._what_it_did("ReceiptVoided", state, 9, 2, {}) == (
        "  voids #? (the receipt of city-2016 disbursement 4): 重复支付"
    )
