"""A stored event altered behind the ledger's back (its topic, id, version or state) is never
resolved by importing what its topic names, and every command that meets it says so in one line
naming its position (notification id) — never "internal error", never a traceback. ``fupin log``,
the inspector's tool for looking at such rows (docs/audit-guide.md §5), writes it as stored with
a ``problem`` and goes on, then exits 1. ``fupin verify`` keeps reporting each such row.

eventsourcing's ``resolve_topic`` imports whatever module a topic names: a topic altered to
``this:Anything`` printed the Zen of Python (``antigravity:X`` opens a web browser) before
failing with "internal error: TopicError". Here the topic names a module made for the test,
which must never be imported.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import ledger as ledger_package
import orjson
import pytest
from cli.main import app as cli_app
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic
from ledger.application import open_ledger
from ledger.base import LedgerAggregate, natural_id
from ledger.privacy import EVENT_CLASSES, EVENT_MODULES, UnreadableEventError, event_class
from typer.testing import CliRunner, Result

from cli import common
from tests.store_copies import StoreCopies
from tests.support import ledger_at, register, stamp

#: A module on ``sys.path`` that the forged topics name: importing it is the defect.
PROBE = "fupin_forged_topic_probe"
#: The household whose event is altered, and which of its events (2: the village review).
NUMBER, VERSION = "JH-0001", 2


@dataclass
class Forged:
    """A ledger with household ``NUMBER``, and ``fupin`` run on it in-process."""

    store: str
    runner: CliRunner

    def __call__(self, line: str) -> Result:
        return self.runner.invoke(cli_app, line.split())

    def alter(self, column: str, value: object, version: int = VERSION) -> int:
        """Set ``column`` of event ``version`` of household ``NUMBER`` as stored, as someone
        with write access to the database could; returns its position (notification id)."""
        app = open_ledger(self.store)
        try:
            recorder = app.recorder
            sqlite = isinstance(recorder, SQLiteApplicationRecorder)
            hid = natural_id("household", NUMBER)
            key = (hid.hex if sqlite else hid, version)
            mark = "?" if sqlite else "%s"
            where = f"WHERE originator_id = {mark} AND originator_version = {mark}"
            table = getattr(recorder, "events_table_name", "stored_events")
            with recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
                cursor.execute(
                    f"SELECT {'rowid' if sqlite else 'notification_id'} AS p, state "
                    f"FROM {table} {where}",
                    key,
                )
                (row,) = cursor.fetchall()
                if callable(value):
                    value = value(bytes(row["state"]))
                cursor.execute(f"UPDATE {table} SET {column} = {mark} {where}", (value, *key))
            return int(row["p"])
        finally:
            app.close()


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of an importable module that nothing may import."""
    folder = tmp_path / "probe"
    folder.mkdir()
    (folder / f"{PROBE}.py").write_text("IMPORTED = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    sys.modules.pop(PROBE, None)
    yield PROBE
    sys.modules.pop(PROBE, None)


def build(store: str) -> None:
    """Household ``NUMBER`` paired, an account, and read models that have read every event."""
    with ledger_at(store) as app:
        register(app, NUMBER, serial=1)
        app.pair(stamp("jn-01", date(2016, 8, 11)), NUMBER, "c-1")
        app.open_account(stamp("qu-01"), "city-2016", "city", 2016)
    rebuilt = Forged(store, runner(store))("projections rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[StoreCopies]:
    """The ledger each ``forged`` test alters, built once a module on each store (~0.4 s on
    SQLite, ~1 s on PostgreSQL, built for each of 120 tests until session 33)."""
    with StoreCopies.of(tmp_path_factory, request, build) as copies:
        yield copies


def runner(store: str) -> CliRunner:
    env = {"LEDGER_STORE": store, "LEDGER_ACTOR": None, "LEDGER_KEY": None, "COLUMNS": "240"}
    return CliRunner(env=env)


@pytest.fixture
def forged(
    store: str, built: StoreCopies, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Forged:
    built.copy_to(store, request)
    monkeypatch.setattr(common.console, "width", 240)
    return Forged(store, runner(store))


def _forged_origin(state: bytes) -> bytes:
    tree = orjson.loads(state)
    tree["originator_topic"] = f"{PROBE}:Household"
    return orjson.dumps(tree, option=orjson.OPT_SORT_KEYS)


def _on_february_30(state: bytes) -> bytes:
    tree = orjson.loads(state)
    tree["prov"]["__Provenance__"]["effective"]["__date__"] = "2016-02-30"
    return orjson.dumps(tree, option=orjson.OPT_SORT_KEYS)


#: Damages PostgreSQL's columns can hold too: (column, value), what the mapper says.
DAMAGES: dict[str, tuple[str, object, str]] = {
    "a topic outside the ledger": (
        "topic",
        f"{PROBE}:Anything",
        f"its topic '{PROBE}:Anything' is not a ledger event",
    ),
    "a ledger topic naming nothing": (
        "topic",
        "ledger.household:Household.Vanished",
        "its topic 'ledger.household:Household.Vanished' names no event of the ledger",
    ),
    "a topic naming an aggregate, not an event": (
        "topic",
        "ledger.household:Household",
        "its topic 'ledger.household:Household' names no event of the ledger",
    ),
    "no topic": ("topic", None, "it has no topic (NULL)"),
    "a state that is not JSON": ("state", b"{not json", "its state cannot be decoded"),
    "a state without provenance": ("state", b"{}", "it carries no provenance"),
    # tester g, session 36: a rebuild took it, and report accountability ended in an internal
    # error
    "an effective date no calendar has": ("state", _on_february_30, "its state cannot be decoded"),
}
#: Damages only SQLite's untyped columns can hold.
SQLITE_DAMAGES: dict[str, tuple[str, object, str]] = {
    "an id that is no UUID": ("originator_id", "zz", "its aggregate id 'zz' is not a UUID"),
    "a version that is no number": (
        "originator_version",
        "abc",
        "its version 'abc' is not a whole number from 1",
    ),
    "no state": ("state", None, "its state is NoneType, not bytes"),
    "a state stored as text": ("state", "{}", "its state is str, not bytes"),
}
ALL_DAMAGES = {**DAMAGES, **SQLITE_DAMAGES}


#: Each damage, on the stores whose columns can hold it.
ON_EACH_STORE = [
    *(pytest.param(name, "sqlite", id=f"sqlite-{name}") for name in ALL_DAMAGES),
    *(
        pytest.param(name, "postgres", id=f"postgres-{name}", marks=pytest.mark.postgres)
        for name in DAMAGES
    ),
]


def one_line(result: Result) -> str:
    """The one line a refusal says on stderr: exit code 2, no traceback, no internal error."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(("damage", "store"), ON_EACH_STORE, indirect=["store"])
@pytest.mark.parametrize(
    "command",
    [
        "--as admin history JH-0001",
        "--as admin household show JH-0001",
        "projections rebuild",
        "projections check",
        "report caseload --as-of 2016-12-31",
    ],
)
def test_a_command_meeting_a_damaged_event_names_its_position_in_one_line(
    forged: Forged, probe: str, damage: str, command: str
) -> None:
    column, value, problem = ALL_DAMAGES[damage]
    position = forged.alter(column, value)

    line = one_line(forged(command))

    assert probe not in sys.modules
    assert line.startswith("refused store: the event at position ")
    by_id = command.startswith("--as")  # the household's events, read by its id
    replayed = "show" in command  # ... and applied in version order
    if (by_id and column == "originator_id") or (replayed and column == "originator_version"):
        # The altered event is not where the household's versions say: the next is named.
        assert f"v{VERSION + 1}) of household {NUMBER} follows version {VERSION - 1}: " in line
        assert f"version {VERSION} is missing" in line
    else:
        assert f"the event at position {position} (" in line
        assert f"cannot be read: {problem}" in line
    assert line.endswith("(`fupin verify` reports every such event)")


@pytest.mark.parametrize(("damage", "store"), ON_EACH_STORE, indirect=["store"])
def test_log_writes_a_damaged_event_as_stored_marked_and_goes_on(
    forged: Forged, probe: str, damage: str
) -> None:
    column, value, problem = ALL_DAMAGES[damage]
    position = forged.alter(column, value)

    result = forged(f"--as admin log --since {position - 1}")

    assert result.exit_code == 1, result.output
    assert probe not in sys.modules
    assert "internal error" not in result.output
    assert "Traceback" not in result.output
    lines = [orjson.loads(line) for line in result.stdout.splitlines()]
    damaged, *after = lines
    assert damaged["position"] == position
    assert damaged["problem"].startswith(problem)
    assert damaged["topic"] == (value if column == "topic" else damaged["topic"])
    if column == "originator_id":
        assert damaged["id"] == "zz"
    else:
        assert damaged["id"] == str(natural_id("household", NUMBER))
    assert after, "the stream goes on after the damaged event"
    assert all("problem" not in entry for entry in after)
    assert [entry["position"] for entry in after] == sorted(e["position"] for e in after)
    (said,) = result.stderr.strip().splitlines()
    assert said.startswith(f"the event at position {position} (")
    assert damaged["problem"] in said


def test_a_creation_naming_another_class_is_refused_not_imported(
    forged: Forged, probe: str
) -> None:
    # The state of the event that creates the household names the aggregate's class:
    # replaying the household resolved it (eventsourcing imports what a topic names).
    position = forged.alter("state", _forged_origin, version=1)

    line = one_line(forged("--as admin household show JH-0001"))
    history = one_line(forged("--as admin history JH-0001"))

    assert probe not in sys.modules
    said = f"its originator_topic '{PROBE}:Household' is not a ledger aggregate"
    assert f"the event at position {position} " in line
    assert said in line
    assert said in history


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # verify's positions count from 0
def test_verify_reports_a_topic_outside_the_ledger_without_importing_it(
    forged: Forged, probe: str
) -> None:
    position = forged.alter("topic", f"{PROBE}:Anything")

    result = forged("verify")

    assert result.exit_code == 1, result.output
    assert probe not in sys.modules
    assert f"FAILED at position {position - 1}: " in result.stderr
    assert f"topic '{PROBE}:Anything' is not a ledger event" in result.stderr


def test_projections_check_meeting_a_damaged_event_names_it(forged: Forged, probe: str) -> None:
    assert forged("projections rebuild").exit_code == 0
    position = forged.alter("topic", f"{PROBE}:Anything")

    line = one_line(forged("projections check"))

    assert probe not in sys.modules
    assert f"the event at position {position} " in line
    assert f"its topic '{PROBE}:Anything' is not a ledger event" in line


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_log_masks_personal_data_written_in_clear_into_a_damaged_event(forged: Forged) -> None:
    clear = {"__Personal__": {"head_name": "张三", "id_card": "x", "phone": "1", "address": "a"}}

    def in_clear(state: bytes) -> bytes:
        return orjson.dumps(orjson.loads(state) | {"personal": clear}, option=orjson.OPT_SORT_KEYS)

    position = forged.alter("state", in_clear, version=1)
    forged.alter("topic", "ledger.household:Household.Vanished", version=1)

    analyst = forged(f"--as ana-1 log --since {position - 1} --limit 1")
    admin = forged(f"--as admin log --since {position - 1} --limit 1")

    assert analyst.exit_code == admin.exit_code == 1
    assert orjson.loads(analyst.stdout)["state"]["personal"] == "[masked]"
    assert "张三" not in analyst.output
    assert orjson.loads(admin.stdout)["state"]["personal"] == clear


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_log_writes_an_event_whose_personal_data_fails_authentication_as_stored(
    forged: Forged,
) -> None:
    def flipped(state: bytes) -> bytes:
        tree = orjson.loads(state)
        sealed = tree["personal"]["__SealedPersonal__"]
        text = sealed["ciphertext"]
        sealed["ciphertext"] = ("B" if text[0] == "A" else "A") + text[1:]
        return orjson.dumps(tree, option=orjson.OPT_SORT_KEYS)

    position = forged.alter("state", flipped, version=1)

    result = forged(f"--as admin log --since {position - 1} --limit 2")

    assert result.exit_code == 1, result.output
    damaged, after = (orjson.loads(line) for line in result.stdout.splitlines())
    assert damaged["position"] == position
    assert "fails authentication" in damaged["problem"]
    assert "problem" not in after
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_undamaged_log_is_read_as_ever(forged: Forged) -> None:
    result = forged("--as admin log")

    assert result.exit_code == 0, result.output
    entries = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert entries
    assert all("problem" not in e and e["id"] == str(UUID(e["id"])) for e in entries)
    assert entries[0]["event"] == "OfficerRegistered"


# -- the table of event classes ------------------------------------------------------------


def test_every_aggregate_of_the_ledger_is_in_a_module_whose_topics_are_read() -> None:
    for info in pkgutil.walk_packages(ledger_package.__path__, "ledger."):
        importlib.import_module(info.name)
    stack: list[type[Any]] = [LedgerAggregate]
    aggregates: list[type[Any]] = [LedgerAggregate]  # its own ``Corrected`` is recorded
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("ledger."):
                aggregates.append(sub)

    assert aggregates
    assert {cls.__module__ for cls in aggregates} <= EVENT_MODULES
    for cls in aggregates:
        for name, member in vars(cls).items():
            if (
                isinstance(member, type)
                and issubclass(member, LedgerAggregate.Event)
                and name != "Event"
            ):
                assert event_class(get_topic(member)) is member


@pytest.mark.parametrize(
    ("topic", "said"),
    [
        (f"{PROBE}:Anything", "is not a ledger event"),
        ("os.path:join", "is not a ledger event"),
        ("ledger:LedgerError", "is not a ledger event"),
        ("ledger.household:Household", "names no event of the ledger"),
        ("ledger.household:Household.Event", "names no event of the ledger"),
        ("ledger.household:Household.__class__", "names no event of the ledger"),
        ("ledger.base:LedgerAggregate.Event", "names no event of the ledger"),
        ("ledger.base:Provenance", "names no event of the ledger"),
        (None, "it has no topic (NULL)"),
        (b"ledger.household:Household.Identified", "its topic is bytes, not text"),
    ],
)
def test_a_topic_naming_no_event_of_the_ledger_is_refused_and_imports_nothing(
    probe: str, topic: object, said: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(said)):
        event_class(topic)

    assert probe not in sys.modules


def test_every_stored_event_of_a_ledger_finds_its_class(ledger: Any) -> None:
    register(ledger, NUMBER, serial=1)
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), NUMBER, "c-1")
    ledger.record_visit(stamp("jn-01", date(2016, 8, 12)), NUMBER, "c-1", "入户")
    visit = ledger.history(NUMBER)[-1]["version"]
    ledger.correct(stamp("jn-01", date(2016, 8, 13)), "household", NUMBER, visit, "重复录入")

    events = list(ledger.event_stream())

    assert events[-1]["event"] == "Corrected"
    assert ledger.history(NUMBER)[-1]["event"] == "Corrected"
    assert all("problem" not in event for event in events)
    assert EVENT_CLASSES.by_topic


def test_the_error_names_what_is_wrong_and_where() -> None:
    error = UnreadableEventError("it has no topic (NULL)", 7, "zz", 3, None)

    assert str(error).startswith("store: the event at position 7 ('zz' v3) cannot be read: ")
    assert error.position == 7
    assert error.problem == "it has no topic (NULL)"


def test_a_fresh_process_reads_the_events_of_modules_it_has_not_imported(tmp_path: Path) -> None:
    # ``fupin log`` imports neither the import register's module nor the transparency log's:
    # their topics import them, by the ledger's own list (``EVENT_MODULES``), and nothing else.
    store = tmp_path / "l.db"
    with ledger_at(store):
        pass
    (tmp_path / "register_street.csv").write_text(
        "编号,记录人,生效日期,文件,街道\nS-1,admin,2016-08-01,doc,外海\n", encoding="utf-8"
    )
    imported = CliRunner().invoke(
        cli_app, ["--store", str(store), "import", str(tmp_path / "register_street.csv")]
    )
    assert imported.exit_code == 0, imported.output
    script = (
        "import sys; from cli.entry import run; sys.argv = ['fupin', 'log']\n"
        "try:\n    run()\nfinally:\n"
        "    print(sorted(m for m in sys.modules if m.startswith('ledger.i')), file=sys.stderr)"
    )

    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "LEDGER_STORE": str(store)},
        check=False,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    names = [orjson.loads(line)["event"] for line in done.stdout.splitlines()]
    assert "ImportsStarted" in names or "BatchImported" in names, names
    assert "'ledger.imports'" in done.stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # only SQLite's columns hold these
@pytest.mark.parametrize("value", [None, b"\x95\x33\x00"], ids=["NULL id", "BLOB id"])
def test_log_marks_an_id_that_is_null_or_bytes(forged: Forged, value: object) -> None:
    # eventsourcing passes such an id through unconverted: it was logged as an event, exit 0.
    position = forged.alter("originator_id", value)

    result = forged(f"--as admin log --since {position - 1} --limit 1")

    assert result.exit_code == 1, result.output
    (damaged,) = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert damaged["problem"].startswith("its aggregate id ")
    assert "is not a UUID" in damaged["problem"]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_read_models_refuse_version_0_as_the_mapper_and_verify_do(forged: Forged) -> None:
    position = forged.alter("originator_version", 0)

    line = one_line(forged("projections rebuild"))

    assert f"the event at position {position} (" in line
    assert "its version 0 is not a whole number from 1" in line


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("an id that is no UUID", "a row of the log after log id 0 cannot be read (ValueError: "),
        ("no topic", "the row of log id {position} has no topic"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        "--as admin export events",
        "--as admin notice --street 江南 --from 2016-08-01 --to 2016-12-31",
    ],
)
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_log_read_whole_refuses_a_row_no_recorder_writes_in_one_line(
    forged: Forged, damage: str, said: str, command: str
) -> None:
    # Tester g, session 36 (F11): an internal error of export, notice, checkpoint, prove and
    # prove-consistency, which read the log through ``notification_page``
    column, value, _problem = ALL_DAMAGES[damage]
    position = forged.alter(column, value)

    line = one_line(forged(command))

    assert line.startswith("refused store: " + said.format(position=position)), line
    assert line.endswith("nothing was done: fupin verify names it")
