"""Scaling guards: the work per row of an import (and of a workbook's reading), and per event
of a rebuild, a verify and ``fupin log``, is the same at ten times the size, and recording one
new event and the catch-up after it cost the same on a ledger ten times larger: a cost that
grows with the ledger's size fails here, in CI, not in a bench run.

Session 31 found imports quadratic (b87c750: each row asked ``len(app.batch_made())``, a list
of every unsaved event of the batch, so a file of N rows built N² / 2 tuples) only because the
full bench (``bench/run``, 200 k rows) could not build its dataset: CI runs only a smoke bench,
too small to show a cost that grows with size, and a benchmark is never a test (timed tests
are forbidden: docs/performance.md). These tests count work instead of timing it:

- **Lines of Python** run, counted by a ``sys.settrace`` tracer (a ``line`` event each time a
  line starts, in any module, the library's and the standard library's included). A call
  count (``cProfile``'s ``ncalls``) misses the session-31 bug: a comprehension's iterations
  are no calls (on 3.11 the comprehension is one call a row; from 3.12 none): with the bug
  back, an import of 200 and of 2,000 rows made 680 and 663 calls per row, as 679 and 662
  without it. A loop's every turn is a ``line`` event (a jump back to its line starts it
  again; a comprehension of N items runs N + 1 or N + 2 lines on 3.11, 3.12 and 3.13 alike),
  so the lines per row at 2,500 rows rose to 1.71× those at 250.
- **SQLite's virtual-machine steps**, counted by a progress handler (``set_progress_handler``,
  called every ``_STEPS`` instructions of a statement) on every connection opened while this
  module runs (``sqlite3.connect`` wrapped): a statement that reads or writes rows in
  proportion to the ledger (a scan of every event per row) costs instructions per row read,
  which no Python line shows.

Both counts are deterministic: the same inputs run the same lines and statements (no time,
no thread: verify's key-table scan runs where the pass asks for it, as on PostgreSQL, not on
its own thread; the collector is off while a measure runs, so no ``__del__`` or weak-reference
callback lands in it). What a first run in a process pays once (modules imported on first use,
caches filled) is paid by a warm-up before any measure.

Small constants (a rebuild's tables made, a file's one transaction) make the smaller size's
work per row a little higher (0.84× to 0.99× at the larger size), so a guard asks the larger
size's work per row to be at most ``RATIO`` times the smaller's. A part of a row's work that
grows with the size is ten times larger at the larger size, and fails the guard once it is
about a third of the row's work there: the session-31 bug back, 1.71× (a line per unsaved
event, per row, at 2,500 rows); a list of every event so far built per event of a rebuild,
verify's pass or the log, 5.9×, 6.0× and 3.3×; a SQL count over every stored event per
event of a rebuild, 8.6× in SQLite steps (docs/performance.md, "Scaling guards"). A growth
much smaller than a row's work at these sizes passes: the guards catch what would make the
bench's sizes (200 k rows, 1 M events) unusable, not every cost that grows.

The rows imported are households' identification steps (identify, review, notice, sign,
register), the same five rows for every household, in blocks, in the JSONL ``fupin import``
reads (``cli.importing.read_bytes``, then ``ledger.imports.import_rows``, as the command): the
rows of each size are alike, so the work per row can only differ by what grows with the
ledger. (The demo's export, which ``bench/run`` imports, takes a quarter of a minute to make
at its smallest scale, and its first rows are not like its later ones.) A workbook's reading
is measured alone, on a sheet of few columns (openpyxl's reading costs about 1,400 lines a
row of five cells), as it feeds the same ``import_rows``.
"""

from __future__ import annotations

import gc
import io
import math
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import orjson
import pytest
from bench import verify as bench_verify
from cli.importing import read_bytes
from cli.privacy import reader_of
from ledger import clock, verification
from ledger.application import Ledger, open_ledger
from ledger.casework import Identification
from ledger.household import Personal
from ledger.imports import import_rows, sha256
from ledger.verification import verify_ledger
from projections import api

from tests.cli.conftest import workbook
from tests.support import TickingClock, id_card, ledger_at, stamp

#: Run in CI with the rest (``-m scaling`` runs these alone); on SQLite only: the counts are
#: of this process's work, and a PostgreSQL server's plans are its own.
pytestmark = pytest.mark.scaling

T = TypeVar("T")

#: Households imported into the small and the large ledger (five rows each).
SMALL, LARGE = 50, 500
#: Rows of the workbooks read (one sheet).
BOOK_SMALL, BOOK_LARGE = 200, 2_000
#: Events of the signed ledgers verify reads (``bench/verify.py``'s builder).
SIGNED_SMALL, SIGNED_LARGE = 300, 3_000
#: The most the larger size's work per row (per event) may be of the smaller size's.
RATIO = 1.3
#: The most a catch-up after one event (or the recording of one) may cost on the large ledger,
#: against the small.
ONE_EVENT_RATIO = 1.3
#: SQLite instructions per progress-handler call.
_STEPS = 10


@dataclass(frozen=True)
class Work:
    """What one measured call did: Python lines run and SQLite instructions (in ``_STEPS``)."""

    lines: int
    steps: int

    def per(self, count: int) -> tuple[float, float]:
        return self.lines / count, self.steps / count


class _Counter:
    """The two counts, running only inside ``measure``."""

    def __init__(self) -> None:
        self.on = False
        self.lines = 0
        self.steps = 0

    def tick(self) -> int:  # sqlite3's progress handler: 0 lets the statement go on
        if self.on:
            self.steps += 1
        return 0

    def line(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        if event == "line":
            self.lines += 1
        return self.line

    def call(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        return self.line if frame.f_code not in _OWN else None


_COUNTER = _Counter()
_OWN = {_Counter.tick.__code__, _Counter.line.__code__, _Counter.call.__code__}


@pytest.fixture(scope="module", autouse=True)
def counted_connections() -> Iterator[None]:
    """Every SQLite connection opened while the module runs counts its instructions."""
    connect = sqlite3.connect

    def counting(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = connect(*args, **kwargs)
        connection.set_progress_handler(_COUNTER.tick, _STEPS)
        return connection

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", counting)
        # verify's key-table scan read where the pass asks for it, not on a thread of its own
        # (the same statement, the same rows: a thread's lines are not traced, and waiting
        # for it runs lines as the machine's timing has it).
        patch.setattr(verification._KeyScan, "start", lambda self: self)
        yield


def measure(call: Callable[[], T]) -> tuple[Work, T]:
    """The work of ``call()``, and what it returned."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    before = sys.gettrace()
    _COUNTER.lines = _COUNTER.steps = 0
    _COUNTER.on = True
    sys.settrace(_COUNTER.call)
    try:
        result = call()
    finally:
        sys.settrace(before)
        _COUNTER.on = False
        if enabled:
            gc.enable()
    return Work(_COUNTER.lines, _COUNTER.steps), result


def drained(items: Iterator[Any]) -> int:
    """How many items ``items`` yields, read to its end."""
    return sum(1 for _ in items)


def household_steps(count: int) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
    """Each household's rows, identified, reviewed, noticed, signed and registered: command,
    ref, effective date, document and arguments."""
    for n in range(count):
        number = f"SC-{n:05d}"
        personal = {
            "head_name": f"户主{n}",
            "id_card": id_card(n % 1000, birth=f"{1950 + n // 1000}0101"),
            "phone": "",
            "address": "",
            "member_names": [f"户主{n}", f"家属{n}"],
        }
        identified = {"street": "江南", "village": "雄光", "area": "rural", "members": 2}
        flags = {"labour": True, "willing": True, "disabled": False, "dibao": True}
        steps: list[tuple[str, str, str, dict[str, Any]]] = [
            ("identify", "2016-08-01", "江南街道低保台账〔2016〕", identified | flags | personal),
            ("review", "2016-08-04", "雄光评议记录〔2016〕", {"accepted": True}),
            ("post_notice", "2016-08-06", "雄光公示〔2016〕", _NOTICE),
            ("sign", "2016-08-08", f"{number} 确认书", {}),
            ("register", "2016-08-13", "江南建档立卡〔2016〕", {"key_target": True}),
        ]
        for version, (command, day, document, args) in enumerate(steps, 1):
            ref = f"household:{number}@{version}"
            yield command, ref, day, document, {"household": number, **args}


_NOTICE = {"start": "2016-08-06", "end": "2016-08-12"}


def household_rows(count: int) -> bytes:
    """``household_steps`` as import JSONL."""
    lines = [
        orjson.dumps(
            {
                "command": command,
                "ref": ref,
                "actor": "jn-01",
                "effective": day,
                "document": document,
                "note": "",
                "args": args,
            }
        )
        for command, ref, day, document, args in household_steps(count)
    ]
    return b"\n".join(lines) + b"\n"


def signatures_book(count: int) -> bytes:
    """A workbook of one sheet, ``sign``: the signatures of ``count`` households."""
    numbers = [f"SC-{n:05d}" for n in range(count)]
    rows = [(f"household:{n}@4", "jn-01", "2016-08-08", f"{n} 确认书", n) for n in numbers]
    sheet = workbook("sign", ("ref", "actor", "effective", "document", "household"), *rows)
    out = io.BytesIO()
    assert sheet.parent is not None
    sheet.parent.save(out)
    return out.getvalue()


def import_file(app: Ledger, name: str, data: bytes) -> int:
    """``fupin --as admin import NAME`` without the CLI (the file read as the command reads it,
    by its suffix, then imported): the rows it applied."""
    rows, errors = read_bytes(name, data)
    assert errors == []
    result = import_rows(app, rows, source=name, digest=sha256(data), default_actor="admin")
    assert result.errors == [], result.errors[:3]
    return result.applied


@dataclass(frozen=True)
class Imported:
    store: Path
    rows: int
    work: Work


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Imported]:
    """The small and the large ledger, each made by one measured import (after a warm-up)."""
    work = tmp_path_factory.mktemp("scaling")
    with ledger_at(work / "warm.db", TickingClock()) as app:
        import_file(app, "households.jsonl", household_rows(5))
        api.rebuild(app)
        logged(app)
    made = {}
    for size in (SMALL, LARGE):
        store = work / f"imported-{size}.db"
        data = household_rows(size)
        with ledger_at(store, TickingClock()) as app:
            spent, rows = measure(partial(import_file, app, "households.jsonl", data))
        assert rows == 5 * size
        made[size] = Imported(store, rows, spent)
    return made


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Signed ledgers of households identified in batches of 500 (one seal each)."""
    work = tmp_path_factory.mktemp("signed")
    bench_verify.build(work / "warm.db", 20)
    signed_ledger(work / "warm.db", verified)
    made = {}
    for events in (SIGNED_SMALL, SIGNED_LARGE):
        made[events] = work / f"signed-{events}.db"
        bench_verify.build(made[events], events)
    return made


def assert_flat(what: str, small: tuple[float, float], large: tuple[float, float]) -> None:
    """The larger size's work per row is at most ``RATIO`` times the smaller's, in each count."""
    for name, at_small, at_large in zip(("lines", "SQLite steps"), small, large, strict=True):
        times = at_large / at_small if at_small else math.inf
        assert at_large <= RATIO * at_small, (
            f"{what}: {name} per row {at_large:.1f} at the larger size, {at_small:.1f} at the "
            f"smaller ({times:.2f}x, at most {RATIO}x): a cost that grows with the size"
        )


def test_an_import_does_the_same_work_per_row_in_a_file_ten_times_longer(
    imported: dict[int, Imported],
) -> None:
    small, large = imported[SMALL], imported[LARGE]

    assert_flat("import", small.work.per(small.rows), large.work.per(large.rows))


def payment_rows(count: int) -> bytes:
    """``count`` working payments of city-2016 as import JSONL, dated over sixty days in no
    order (vouchers filed as they come back: tester c, session 34)."""
    spread = [(n * 7919) % 60 for n in range(count)]  # a fixed shuffle of the days
    lines = [
        orjson.dumps(
            {
                "command": "disburse",
                "ref": f"PAY-{n:05d}",
                "actor": "qu-01",
                "effective": date.fromordinal(date(2016, 9, 1).toordinal() + day).isoformat(),
                "document": f"支付凭证{n}",
                "note": "",
                "args": {"account": "city-2016", "amount": "1.00"}
                | {"category": "working", "purpose": "working"},
            }
        )
        for n, day in enumerate(spread)
    ]
    return b"\n".join(lines) + b"\n"


def _funded(app: Ledger) -> None:
    app.open_account(stamp("qu-01", date(2016, 8, 1)), "city-2016", "city", 2016)
    app.receive_allocation(stamp("qu-01", date(2016, 8, 20)), "city-2016", 50_000_000)


def test_payments_out_of_date_order_import_with_the_same_work_per_row(
    tmp_path: Path,
) -> None:
    # Each payment dated before the account's latest flow sorted every flow of the account
    # (ledger.funds.lowest_balance) until session 34: 10,000 such rows took 174 s, in date
    # order 11 s (tester c); a file of them ten times longer cost ten times more a row.
    with ledger_at(tmp_path / "warm.db", TickingClock()) as app:
        _funded(app)
        import_file(app, "payments.jsonl", payment_rows(20))
    spent = []
    for size in (SMALL * 5, LARGE * 5):
        with ledger_at(tmp_path / f"paid-{size}.db", TickingClock()) as app:
            _funded(app)
            work, rows = measure(partial(import_file, app, "payments.jsonl", payment_rows(size)))
        assert rows == size
        spent.append(work.per(rows))

    assert_flat("payments out of date order", *spent)


def read_book(data: bytes) -> int:
    """``fupin import signatures.xlsx``'s reading of the workbook: the rows it found."""
    rows, errors = read_bytes("signatures.xlsx", data)
    assert errors == []
    return len(rows)


def test_a_workbook_is_read_with_the_same_work_per_row_in_a_sheet_ten_times_longer() -> None:
    """The reading of an xlsx file alone (``cli.xlsx_sheets``: hidden rows, merges, looks),
    whose rows go on to ``import_rows`` as a JSONL file's do. A sheet of few columns: the
    fewer lines a row costs, the sooner a cost that grows with the sheet's rows shows."""
    read_book(signatures_book(5))
    per = []
    for size in (BOOK_SMALL, BOOK_LARGE):
        data = signatures_book(size)
        spent, rows = measure(partial(read_book, data))
        assert rows == size
        per.append(spent.per(rows))

    assert_flat("xlsx reading", *per)


def per_event(store: Path, call: Callable[[Ledger], int]) -> tuple[float, float]:
    """The work per event of ``call(app)`` on the ledger at ``store``, which goes through every
    event once (it returns how many)."""
    app = open_ledger(str(store))
    try:
        spent, events = measure(partial(call, app))
        assert events == app.event_count()
    finally:
        app.close()
    return spent.per(events)


def test_a_rebuild_does_the_same_work_per_event_on_a_ledger_ten_times_larger(
    imported: dict[int, Imported],
) -> None:
    small, large = (per_event(imported[size].store, api.rebuild) for size in (SMALL, LARGE))

    assert_flat("projections rebuild", small, large)


def signed_ledger(store: Path, call: Callable[[Ledger], T]) -> T:
    """``call(app)`` on a signed ledger opened without the master key, as bench/verify.py's
    (verify never decrypts personal data)."""
    blank = {"LEDGER_MASTER_KEY": "", "LEDGER_MASTER_KEY_FILE": ""}
    app = open_ledger(str(store), extra_env=blank)
    try:
        return call(app)
    finally:
        app.close()


def verified(app: Ledger) -> int:
    """``verify_ledger``'s pass and checks, as ``fupin verify``: the events it went through."""
    report = verify_ledger(app.recorder, app.mapper)
    assert report.ok, report.problems[:3]
    return report.size


def measured_verify(app: Ledger) -> tuple[Work, int]:
    return measure(partial(verified, app))


def test_verify_does_the_same_work_per_event_on_a_ledger_ten_times_larger(
    signed: dict[int, Path],
) -> None:
    per = []
    for events in (SIGNED_SMALL, SIGNED_LARGE):
        spent, size = signed_ledger(signed[events], measured_verify)
        assert size > events
        per.append(spent.per(size))

    assert_flat("verify", *per)


def logged(app: Ledger) -> int:
    """``fupin log``'s stream, every event as the command writes it (personal data read)."""
    return drained(app.event_stream(since=0, reader=reader_of(app)))


def test_the_log_does_the_same_work_per_event_on_a_ledger_ten_times_larger(
    imported: dict[int, Imported],
) -> None:
    small, large = (per_event(imported[size].store, logged) for size in (SMALL, LARGE))

    assert_flat("log", small, large)


def one_more(app: Ledger, serial: int) -> None:
    """One household identified: one new event (``Identified``)."""
    personal = Personal(f"新户{serial}", id_card(serial, birth="19700101"), "", "")
    facts = Identification(
        f"NEW-{serial}", "江南", "雄光", "rural", 2, True, True, False, True, personal
    )
    app.identify(stamp("jn-01", date(2016, 9, 1)), facts)


def test_one_new_event_costs_the_same_to_record_and_catch_up_on_a_ledger_ten_times_larger(
    imported: dict[int, Imported],
) -> None:
    recorded, caught_up = [], []
    for size in (SMALL, LARGE):
        # The recording clock of a real save: later than every entry the tests' clock made.
        with clock.using_clock(clock.system_clock):
            app = open_ledger(str(imported[size].store))
            try:
                api.catch_up(app)
                one_more(app, 1)  # the first of its kind in this process warms what it reads
                api.catch_up(app)
                events = app.event_count()
                spent, _ = measure(partial(one_more, app, 2))
                recorded.append(spent)
                assert app.event_count() == events + 1
                spent, applied = measure(partial(api.catch_up, app))
                assert applied == 1
                caught_up.append(spent)
            finally:
                app.close()

    for what, (small, large) in (("recording", recorded), ("catch-up", caught_up)):
        for name, at_small, at_large in (
            ("lines", small.lines, large.lines),
            ("SQLite steps", small.steps, large.steps),
        ):
            assert at_large <= ONE_EVENT_RATIO * at_small, (
                f"{what} of one event: {name} {at_large} on the ledger of {LARGE} households, "
                f"{at_small} on that of {SMALL}: a cost that grows with the ledger's size"
            )
