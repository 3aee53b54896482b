"""Refusals of what surrounds a command rather than its values: the files it writes, the store
URL and the timeouts in the environment. Each is bad input, refused with exit code 2 and one
line naming the field and the rule, never an internal error; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import app
from ledger.commands import CommandSpec

from tests.cli.conftest import Fupin, assert_refused, doc

NOTICE = "notice --street 江南 --from 2016-08-01 --to 2016-08-31"


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ("export events -o {target}", "output"),
        ("export report caseload --format xlsx -o {target}", "output"),
        ("export report funds --format csv -o {target}", "output"),
        ("export report accountability -o {target}", "output"),
        (NOTICE + " -o {target}", "output"),
        (NOTICE + " --format html -o {target}", "output"),
        ("report html --out {target}", "output"),
        ("import template -o {target}", "output"),
    ],
)
@pytest.mark.parametrize(
    ("target", "rule"),
    [
        ("folder", "is a folder; name a file to write"),
        ("missing/report.csv", "missing' does not exist"),
        ("plain.txt/report.csv", "plain.txt' is not a folder"),
    ],
)
def test_refuses_an_output_file_that_cannot_be_written(
    seeded: Fupin, tmp_path: Path, command: str, field: str, target: str, rule: str
) -> None:
    where = tmp_path / "out"
    (where / "folder").mkdir(parents=True)
    (where / "plain.txt").write_text("kept\n")
    before = seeded.event_count()

    result = seeded(command.format(target=where / target), actor="admin")

    assert_refused(result, field, rule)
    assert seeded.event_count() == before
    assert _files(where) == ["folder", "plain.txt"]
    assert _files(where / "folder") == []
    assert (where / "plain.txt").read_text() == "kept\n"


def test_an_output_file_is_written_whole_after_a_refusal(seeded: Fupin, tmp_path: Path) -> None:
    where = tmp_path / "out"
    where.mkdir()
    target = where / "events.jsonl"
    target.write_text("an older export\n")

    assert_refused(seeded(f"export events -o {where}", actor="admin"), "output", "is a folder")
    seeded.ok(f"export events -o {target}", actor="admin")

    assert _files(where) == ["events.jsonl"]  # no temporary file left beside it
    assert target.read_text().startswith('{"command":')


def test_a_checkpoint_to_a_file_that_cannot_be_written_is_refused_and_not_recorded(
    seeded: Fupin, tmp_path: Path
) -> None:
    # The checkpoint event and its file go together: a bad --out is refused before either.
    made = seeded.ok(f"keys new --out {tmp_path / 'log.key'}")
    public = made.stdout.split("public key:")[1].split()[0]
    seeded.ok(f"keys register-log {public} {doc('2016-08-20')}", actor="admin")
    before = seeded.event_count()

    result = seeded(
        f"checkpoint --out {tmp_path} --log-key {tmp_path / 'log.key'} {doc('2016-09-02')}",
        actor="admin",
    )

    assert_refused(result, "output", "is a folder; name a file to write")
    assert seeded.event_count() == before


def test_csv_templates_into_a_file_are_refused(fupin: Fupin, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("kept\n")

    result = fupin(f"import template --format csv -o {tmp_path / 'taken'}")

    assert_refused(result, "output", "cannot write")
    assert (tmp_path / "taken").read_text() == "kept\n"


# The files are the same whatever the store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("target", "rule"),
    [
        # Asked for one file, an officer got a folder of that name holding 43 files.
        ("identify.csv", "names a .csv file, but --format csv writes one CSV file per command"),
        ("识别.CSV", "names a .csv file"),
        ("模板.xlsx", "or use --format xlsx for one file"),
        # A typo in a folder above made a tree of folders.
        ("nodir/sub/", "cannot write '{where}/nodir/sub': '{where}/nodir' does not exist"),
    ],
)
def test_csv_templates_go_into_a_folder_in_a_folder_that_exists(
    fupin: Fupin, tmp_path: Path, target: str, rule: str
) -> None:
    where = tmp_path / "out"
    where.mkdir()

    refused = fupin(f"import template --format csv -o {where}/{target}")
    made = fupin(f"import template --format csv -o {where}/templates")

    assert_refused(refused, "output", rule.format(where=where))
    assert made.exit_code == 0, made.output
    assert "one CSV file per command" in made.stdout
    assert _files(where) == ["templates"]
    assert "identify.csv" in _files(where / "templates")


FILLED = "ref,actor,effective,document,household\nS-1,jn-01,2016-08-02,评议,JH-0003\n"


# The files are the same whatever the store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("target", ["台账", "."])
def test_csv_templates_never_replace_an_officers_files(
    fupin: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    # Import files are named for their commands, like the templates: a data folder (or the
    # current one, -o .) holding a filled review.csv is refused before anything is written.
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / target
    folder.mkdir(exist_ok=True)
    (folder / "review.csv").write_text(FILLED)
    (folder / "notes.txt").write_text("kept\n")

    result = fupin(f"import template --format csv -o {target}")

    assert_refused(
        result,
        "output",
        f"folder '{target}' already holds review.csv, which a template would replace: "
        "choose a new or empty folder for the templates",
    )
    assert _files(folder) == ["notes.txt", "review.csv"]
    assert (folder / "review.csv").read_text() == FILLED


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_csv_templates_are_written_all_or_none(
    fupin: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file of a template's name made after the check (here: the check skipped) is still
    # never replaced, and the templates written before it are removed: nothing half-written.
    from cli import importing

    monkeypatch.setattr(importing, "_check_template_folder", lambda folder: None)
    folder = tmp_path / "台账"
    folder.mkdir()
    (folder / "sign.csv").write_text(FILLED)

    result = fupin(f"import template --format csv -o {folder}")

    assert_refused(result, "output", f"folder '{folder}' already holds sign.csv")
    assert _files(folder) == ["sign.csv"]
    assert (folder / "sign.csv").read_text() == FILLED


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_csv_templates_failing_half_way_leave_no_folder(
    fupin: Fupin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli import importing

    real = importing._headers
    written: list[str] = []

    def failing(spec: CommandSpec) -> list[str]:
        written.append(spec.name)
        if len(written) == 5:
            raise OSError(28, "No space left on device")
        return real(spec)

    monkeypatch.setattr(importing, "_headers", failing)

    result = fupin(f"import template --format csv -o {tmp_path / 'templates'}")

    assert_refused(result, "output", "No space left on device")
    assert _files(tmp_path) == []


PASSWORD = "s3cret-pw"


# The URL is refused before any connection, whatever the fixture's store: SQLite suffices.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("url", "rule"),
    [
        (f"postgresql://u:{PASSWORD}@db.local:99999/fupin", "the port is not a whole number"),
        (f"postgresql://u:{PASSWORD}@db.local:abc/fupin", "the port is not a whole number"),
        (f"postgresql://u:{PASSWORD}@db.local:0/fupin", "the port is not a whole number"),
        (f"postgresql://u:{PASSWORD}@[::1:1/fupin", "the host is not a valid [IPv6] address"),
        (f"postgres://u:{PASSWORD}@[db.local]/fupin", "the host is not a valid [IPv6] address"),
        (f"postgresql://u:{PASSWORD}\udcff@db.local/fupin", "bytes that are not UTF-8"),
        (f"postgresql://u:{PASSWORD}@db.local:5432/fupin\x01", "a control character"),
        # libpq's parameters were dropped without a word: ?sslmode=require connected in clear.
        (f"postgresql://u:{PASSWORD}@db.local/fupin?sslmode=require", "PGSSLMODE=require"),
        # An unencoded '#', '?' or '/' in the password split it into the host and path: parts
        # of it reached the message and DNS.
        (f"postgresql://u:{PASSWORD}#x@db.local/fupin", "the URL holds a '#'"),
        (f"postgresql://u:{PASSWORD}?x@db.local/fupin", "a '?' in a password is written %3F"),
        (f"postgresql://u:{PASSWORD}/x@db.local/fupin", "the database name holds '@' or '/'"),
    ],
)
def test_refuses_a_postgresql_store_url_that_cannot_be_parsed(
    fupin: Fupin, url: str, rule: str
) -> None:
    result = fupin.runner.invoke(app, ["--store", url, "report", "caseload"])

    assert_refused(result, "store", rule)
    assert PASSWORD not in result.output
    assert "postgresql://user:pass@host:port/db" in result.stderr


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # refused before any connection
@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LEDGER_CONNECT_TIMEOUT", "abc"),
        ("LEDGER_CONNECT_TIMEOUT", "0"),
        ("LEDGER_CONNECT_TIMEOUT", "²"),
        ("LEDGER_LOCK_TIMEOUT", "²"),  # str.isdigit() holds, int() fails
        ("LEDGER_LOCK_TIMEOUT", "99999999999"),  # beyond PostgreSQL's lock_timeout
    ],
)
def test_refuses_a_timeout_that_is_not_a_number_of_seconds(
    fupin: Fupin, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    url = f"postgresql://u:{PASSWORD}@127.0.0.1:1/fupin"

    result = fupin(f"--store {url} report caseload")

    assert_refused(result, variable, "is not a whole number of seconds from 1 to 86400")
    assert PASSWORD not in result.output
