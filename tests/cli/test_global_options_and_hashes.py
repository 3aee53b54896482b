"""Small things the docs promised: every global option is in docs/cli.md's table (``--key``
was missing), and every command's row in its noun's table lists the options its ``--help``
offers, no more (since session 29, tester B: ``--note`` was left out of 30 rows); a SQLite
URL reads as SQLAlchemy reads one, and a host in it is refused; ``LEDGER_CONNECT_TIMEOUT`` is
read for PostgreSQL stores only; a hash printed by ``verify`` or ``checkpoint`` is never
wrapped, whatever the width (80 columns into a pipe)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from cli.main import app
from ledger.errors import InputError
from ledger.store import parse_store

from cli import common
from tests.cli.conftest import Fupin, all_commands, assert_refused, doc
from tests.cli.test_backup_cli import checkpoint

CLI_MD = Path(__file__).parents[2] / "docs" / "cli.md"


def test_every_global_option_is_in_the_table_of_the_docs() -> None:
    command = typer.main.get_command(app)
    options = {
        max(param.opts, key=len)
        for param in command.params
        if param.param_type_name == "option" and param.name != "help"
    }
    text = CLI_MD.read_text(encoding="utf-8")
    table = text[text.index("| global option |") : text.index("Global options come")]
    documented = set(re.findall(r"^\| `(--[a-z-]+)` \|", table, re.MULTILINE))

    assert {"--store", "--as", "--key"} <= options
    assert options - {"--install-completion", "--show-completion"} == documented


#: A row of a command's table: ``| `[fupin ]WORDS ARGS` | `OPTIONS` …``, the command's words
#: in lower case, its arguments in capitals, its options the next cell's first code span.
COMMAND_ROW = re.compile(r"^\| `(?:fupin )?([a-z][a-z -]*?)(?: [A-Z][A-Z_ ]*)?` \| `([^`]*)`", re.M)


def documented_options() -> dict[str, set[str]]:
    """Each command with a row in docs/cli.md's tables: the options its row lists."""
    text = CLI_MD.read_text(encoding="utf-8")
    return {
        words: set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", options))
        for words, options in COMMAND_ROW.findall(text)
    }


def test_every_commands_row_in_the_docs_lists_the_options_of_its_help() -> None:
    commands = all_commands()
    rows = documented_options()
    wrong = {}
    for words, listed in rows.items():
        offered = [
            param
            for param in commands[words].params
            if param.param_type_name == "option" and param.name != "help"
        ]
        # an option is listed by any of its names (``-d`` or ``--document``); a flag's other
        # name (``--rejected`` of ``--accepted/--rejected``) is listed too
        missing = {
            max(param.opts, key=len)
            for param in offered
            if not set(param.opts) & listed or not set(param.secondary_opts) <= listed
        }
        unknown = listed - {name for p in offered for name in (*p.opts, *p.secondary_opts)}
        if missing or unknown:
            wrong[words] = (sorted(missing), sorted(unknown))

    assert {"household visit", "household pair", "programme set-year", "fund allocate"} <= set(rows)
    assert len(rows) > 50
    assert wrong == {}


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///tmp/x.db", Path("tmp/x.db")),  # relative: the path follows the third slash
        ("sqlite:////tmp/x.db", Path("/tmp/x.db")),  # absolute
        ("fupin.db", Path("fupin.db")),
    ],
)
def test_a_sqlite_url_reads_as_sqlalchemy_reads_it(url: str, path: Path) -> None:
    assert parse_store(url).path == path


def test_a_sqlite_url_with_a_host_is_refused() -> None:
    with pytest.raises(InputError, match=r"sqlite:////absolute/path\.db"):
        parse_store("sqlite://tmp/x.db")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_relative_sqlite_url_makes_its_store_in_the_current_folder(
    fupin: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tmp").mkdir()

    fupin.ok(f"--store sqlite:///tmp/x.db init --admin admin --name 区扶贫办 {doc('2016-07-26')}")

    assert (tmp_path / "tmp" / "x.db").is_file()


def test_the_connect_timeout_is_read_for_postgresql_stores_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEDGER_CONNECT_TIMEOUT", "0")

    assert parse_store("fupin.db").kind == "sqlite"  # no server to connect to: not read
    with pytest.raises(InputError, match="LEDGER_CONNECT_TIMEOUT: '0' is not a whole number"):
        parse_store("postgresql://u:p@db:5432/fupin")


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_hash_is_never_wrapped_at_80_columns(
    seeded: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cp.json"
    checkpoint(seeded, tmp_path, out.name)  # registers the log key, then one checkpoint
    monkeypatch.setattr(common.console, "width", 80)  # what rich takes for a pipe

    verified = seeded.ok(f"verify --checkpoint {out}").stdout
    signed = seeded.ok(
        f"checkpoint --out {tmp_path / 'cp2.json'} --log-key {tmp_path / 'log.key'} "
        f"{doc('2016-08-22')}",
        actor="admin",
    ).stdout

    assert re.search(r"^verified \d+ events; Merkle root [0-9a-f]{64}$", verified, re.MULTILINE)
    assert re.search(r"^checkpoint: size \d+, root [0-9a-f]{64} -> ", signed, re.MULTILINE)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_date_after_today_is_refused_before_the_store_is_opened(fupin: Fupin) -> None:
    # No store was made: the date is refused first, naming the option.
    assert_refused(fupin("report caseload --as-of 9999-12-31"), "as-of", "is after today")
