"""Shared helpers of the CLI tests: run ``fupin`` in-process against a store in ``tmp_path``."""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from cli.main import COMMANDS, app, load_command
from ledger import clock
from ledger.application import open_ledger
from ledger.demo import CACHE_ENV, run_demo
from ledger.values import SPARED_BEFORE, replayed_as_recorded
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer._click.core import Command, Context
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner, Result

from cli import common
from tests.pgserver import ThrowawayPostgres
from tests.support import DOC, id_card, ledger_at, seed_cases, stamp
from tests.templates import STRATEGY, StoreTemplates


@dataclass
class Fupin:
    """``fupin`` with ``LEDGER_STORE`` pointing at ``store``; ``actor`` goes in ``--as``."""

    store: str  # a SQLite path or a PostgreSQL DSN (the ``store`` fixture)
    runner: CliRunner

    @property
    def path(self) -> Path:
        """The SQLite file, for the few tests that open it themselves."""
        assert not self.store.startswith("postgresql://"), "a SQLite-only test"
        return Path(self.store)

    def __call__(self, line: str, actor: str | None = None) -> Result:
        """Run one command line, split as a shell would (``fupin`` itself left out)."""
        prefix = ["--as", actor] if actor else []
        return self.runner.invoke(app, [*prefix, *shlex.split(line)])

    def ok(self, line: str, actor: str | None = None) -> Result:
        """Run a command line that must succeed, showing its output if it does not."""
        result = self(line, actor=actor)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        return result

    def event_count(self) -> int:
        app = open_ledger(str(self.store))
        try:
            return app.event_count()
        finally:
            app.close()


def doc(effective: str) -> str:
    """The stamp options of a command: ``-d`` the plan's document, ``-e`` the effective date."""
    return f"-d {DOC} -e {effective}"


def reimported(fupin: Fupin, folder: Path) -> Result:
    """The ledger exported as events (by admin) and imported into a fresh SQLite store,
    ``folder / "fresh.db"``."""
    log = folder / "events.jsonl"
    fupin.ok(f"export events -o {log}", actor="admin")
    fresh = folder / "fresh.db"
    return fupin.runner.invoke(app, ["--store", str(fresh), "import", "--create", str(log)])


#: What verify's note under today's rules says of an entry of a store a move made, and of one
#: recorded as it was taken (cli/verify.py ``_under_today``).
RECORDED_BEFORE_THE_MOVE = "recorded before the move, import --create on "
RECORDED_AS_TAKEN = "(not a problem if a fupin took it: recorded as it was taken, which an entry"


def assert_notes_say_the_move(said: str, moved: bool) -> None:
    """Each note under today's rules in verify's output ``said`` (one or more) says its entry
    was recorded before the move in a store a move made (``moved``), else that it was recorded
    as it was taken (since session 32, helper b: four notes never said the move)."""
    notes = said.count("under today's rules")
    assert notes, said
    counted = (said.count(RECORDED_BEFORE_THE_MOVE), said.count(RECORDED_AS_TAKEN))
    assert counted == ((notes, 0) if moved else (0, notes)), said


#: A recording time before every rule an export's replay spares (``SPARED_BEFORE``).
BEFORE_THE_RULES = datetime(2026, 1, 1, tzinfo=UTC)


def rule_came_in(monkeypatch: pytest.MonkeyPatch, rule: str, *, after_now: bool) -> None:
    """Make ``rule`` of ``ledger.values.SPARED_BEFORE`` come in a day after now (a row
    recorded now predates it, as an older fupin's) or before every row a test records
    (``after_now=False``). A replay spares every row whenever recorded (``replay_spares``,
    since re-tester W); the day is what ``fupin verify``'s notes name."""
    moment = clock.now() + timedelta(days=1) if after_now else BEFORE_THE_RULES
    monkeypatch.setitem(SPARED_BEFORE, rule, moment)


def verify_after_older_retirement(fupin: Fupin, officer: str, effective: date) -> str:
    """``officer`` retired as of ``effective`` as a fupin before session 28 took it (before
    their entries under the post, ``post_ended_before_entries`` unchecked), then ``fupin
    verify``'s output, on one line."""
    app = open_ledger(fupin.store)
    try:
        with replayed_as_recorded():
            app.retire_officer(stamp("admin", effective), officer, "调离")
    finally:
        app.close()
    return " ".join(fupin.ok("verify").stdout.split())


def history_rows(fupin: Fupin, number: str) -> list[dict[str, object]]:
    """A household's history as JSON rows, read by the admin."""
    rows: list[dict[str, object]] = orjson.loads(
        fupin.ok(f"history {number} --format json", "admin").stdout
    )
    return rows


def exit_noticed(fupin: Fupin) -> None:
    """``seeded``'s JH-0001 with its 2016 exit under way: assessed on 2016-12-01 (9,000 yuan),
    proposed on the 2nd, verified on the 3rd and noticed from the 4th to the 10th."""
    officer = "jn-01"
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", officer)
    fupin.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", officer)
    fupin.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", officer)
    fupin.ok("household exit-notice JH-0001 --start 2016-12-04 --end 2016-12-10 -d 公示", officer)


def last_entry(fupin: Fupin, number: str, event: str) -> int:
    """The version of the household's last ``event`` entry."""
    found = [int(str(r["version"])) for r in history_rows(fupin, number) if r["event"] == event]
    return found[-1]


def waiting_note_taken(result: Result) -> str:
    """The note a command waiting for another writer's lock says first on stderr (since
    session 26), taken off ``result``'s stderr so that its refusal is its one line."""
    said, _, rest = result.stderr.partition("\n")
    assert said.startswith("note: waiting for "), result.stderr
    result.stderr_bytes = rest.encode()
    return said


def assert_refused(result: Result, field: str, rule: str) -> None:
    """Exit code 2, then one line on stderr naming the field and the rule, and no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{field}: " in lines[0]
    assert rule in lines[0]
    assert "Traceback" not in result.output


def import_refused(fupin: Fupin, path: Path, actor: str = "qu-01") -> str:
    """``fupin import PATH`` refused (exit 2, no traceback) with nothing written: its stderr,
    each run of whitespace one space."""
    before = fupin.event_count()
    result = fupin(f"import {path}", actor)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert fupin.event_count() == before
    return " ".join(result.stderr.split())


def import_rows_file(
    path: Path, actor: str, effective: str, *rows: tuple[str, dict[str, object]]
) -> Path:
    """A JSONL import file at ``path``, readable by its owner only (a row may hold personal
    data): a line a (command, args) of ``rows``, refs ``r1``, ``r2``…, by ``actor``, dated
    ``effective``, a change of members noted (its note is required)."""
    lines = [
        {
            "command": command,
            "ref": f"r{n}",
            "actor": actor,
            "effective": effective,
            "document": "文件",
            "note": "出生" if command == "change_members" else "",
            "args": args,
        }
        for n, (command, args) in enumerate(rows, 1)
    ]
    path.write_text("".join(orjson.dumps(x).decode() + "\n" for x in lines), "utf-8")
    path.chmod(0o600)
    return path


def run_sql(store: str, *statements: str) -> None:
    """``statements`` run on the store as its owner (a SQLite file, or the PostgreSQL DSN),
    committed."""
    if store.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(store, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)
        return
    with closing(sqlite3.connect(store)) as db, db:
        for statement in statements:
            db.execute(statement)


def workbook(title: str, header: Sequence[object], *rows: Sequence[object]) -> Worksheet:
    """A workbook of one sheet, ``title``: ``header``, then ``rows``; the sheet (its workbook
    is its ``parent``: save it with ``saved``)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in (header, *rows):
        sheet.append(list(row))
    return sheet


def saved(sheet: Worksheet, path: Path, formats: Mapping[str, str] | None = None) -> Path:
    """``sheet``'s workbook saved at ``path``, readable by its owner only (a sheet may hold
    personal data), after giving the cells ``formats`` names (``{"J2": "0%"}``) those number
    formats."""
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book = sheet.parent
    assert book is not None
    book.save(path)
    path.chmod(0o600)
    return path


#: The columns of a sheet of allocations received (``receive_allocation``, docs/import.md).
ALLOCATION_COLUMNS = ("ref", "actor", "effective", "document", "note", "account", "amount")
#: What a refusal of a row struck through or in a font that does not show says of it, before
#: how to mend it.
VOIDED_ROWS = (
    "officers strike out or whiten voided rows, and an import must not record what the "
    "sheet does not show: delete the row, or, if it stands,"
)


def allocations(rows: int = 1) -> Worksheet:
    """A ``workbook`` of allocations received: rows ``R-1``, ``R-2``… (document 拨款1, 拨款2…)
    of 100.00 yuan into city-2016, by qu-01 on 2016-09-01."""
    received = (
        [f"R-{n}", "qu-01", "2016-09-01", f"拨款{n}", "", "city-2016", "100.00"]
        for n in range(1, rows + 1)
    )
    return workbook("receive_allocation", ALLOCATION_COLUMNS, *received)


def identify_sheet(
    cells: Mapping[str, object], headers: Mapping[str, str] | None = None
) -> Worksheet:
    """A ``workbook`` identifying one household (sheet ``identify``, docs/import.md):
    JN-999001 of 江南/雄光, rural, 3 members, with labour capacity, willing, not disabled, on
    低保, its head 张三 (the ID card of serial 91), by jn-01 on 2016-08-01 (document 识别表1);
    ``cells`` gives other values by column, ``headers`` other headers of columns
    (``{"labour": "有劳动能力"}``)."""
    row: dict[str, object] = {
        "ref": "E-1", "actor": "jn-01", "effective": "2016-08-01", "document": "识别表1",
        "household": "JN-999001", "street": "江南", "village": "雄光", "area": "rural",
        "members": 3, "labour": "是", "willing": "是", "disabled": "否", "dibao": "是",
        "head_name": "张三", "id_card": id_card(91), "phone": "13800000000",
        "address": "江南街道1号", "member_names": "张三、李四、王五",
    }  # fmt: skip
    assert set(cells) <= set(row), cells
    row.update(cells)
    header = [(headers or {}).get(column, column) for column in row]
    return workbook("identify", header, list(row.values()))


def master_key_file(path: Path, text: str) -> Path:
    """``text`` (a master key's base64) written to ``path``, readable by its owner only."""
    path.write_text(text + "\n", encoding="ascii")
    path.chmod(0o600)
    return path


def with_master_file(fupin: Fupin, line: str, master: Path) -> Result:
    """``line`` run with the master key file ``master`` (``LEDGER_MASTER_KEY_FILE``) and no
    ``LEDGER_MASTER_KEY``."""
    env = {"LEDGER_MASTER_KEY": None, "LEDGER_MASTER_KEY_FILE": str(master)}
    return fupin.runner.invoke(app, shlex.split(line), env=env)


@pytest.fixture
def fupin(store: str, monkeypatch: pytest.MonkeyPatch) -> Fupin:
    """``fupin`` on a store not initialised yet (run ``init`` first), on each store in turn:
    a SQLite file that does not exist yet, or an empty PostgreSQL database."""
    # rich reads COLUMNS when the console is made, which may be before this test runs.
    monkeypatch.setattr(common.console, "width", 240)
    # Wide enough that rich tables (history) show whole cells.
    env = {"LEDGER_STORE": store, "LEDGER_ACTOR": None, "LEDGER_KEY": None, "COLUMNS": "240"}
    runner = CliRunner(env=env)
    return Fupin(store, runner)


@pytest.fixture
def seeded(fupin: Fupin, store_templates: StoreTemplates, request: pytest.FixtureRequest) -> Fupin:
    """``fupin`` on a store with the reference data of ``tests.support``, household JH-0001
    registered in 江南 with cadre c-1 paired, JH-0002 identified, JH-0003 reviewed, JH-0004
    under notice (3-9 August 2016) but unsigned, and account city-2016 holding 1,000 yuan
    with measure m-1 (education) planned for JH-0001 (``tests.support.seed_cases``). The store
    is a copy of one seeded so once a worker (``tests.templates``), or seeded afresh by
    ``seed`` when that template does not apply (the environment the ledger reads changed)."""
    if store_templates.made("seeded", fupin.store, request.node, None):
        return fupin
    return seed(fupin)


def seed(fupin: Fupin) -> Fupin:
    """``fupin``'s store given the ``seeded`` fixture's records, seeded afresh (the fixture
    copies a store seeded so once a worker: ``tests.templates``)."""
    with ledger_at(fupin.store) as app:
        seed_cases(app)
    return fupin


@pytest.fixture
def empty(seeded: Fupin, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second, empty store of the same kind as ``seeded``'s, to restore into."""
    return another_store(seeded.store, "restored", tmp_path, request)


def another_store(store: str, name: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second, empty store of the same kind as ``store``: ``name``.db in ``tmp_path``, or a
    PostgreSQL database on the test's server named after ``name`` and the test (made anew)."""
    if not store.startswith("postgresql://"):
        return str(tmp_path / f"{name}.db")
    server: ThrowawayPostgres = request.getfixturevalue("pg_server")
    database = f"{name}_{abs(hash(request.node.nodeid)) % 10**9}"
    server.drop_database(database)
    return server.create_database(database, strategy=STRATEGY).dsn


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo at scale 1, built once for the test run (once a worker: ~8 s, built for each of
    six modules until session 32), which its tests copy and never write."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = open_ledger(str(path), create=True, extra_env=CACHE_ENV)
    try:
        run_demo(app, seed=2016, scale=1)
    finally:
        app.close()
    return path


def all_commands() -> dict[str, Command]:
    """Every command of ``fupin`` at every depth, by its words (``keys new``)."""
    found: dict[str, Command] = {}
    root = get_command(app)
    assert isinstance(root, TyperGroup)

    def walk(group: TyperGroup, context: Context, words: str) -> None:
        for name in group.list_commands(context):
            loaded = group is root and name in COMMANDS
            command = load_command(name) if loaded else group.get_command(context, name)
            assert command is not None
            if isinstance(command, TyperGroup):
                walk(command, Context(command, parent=context), f"{words}{name} ")
            else:
                found[f"{words}{name}"] = command

    walk(root, Context(root), "")
    return found
