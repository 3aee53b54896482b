"""``fupin --help`` served from a cache (cli/entry.py, cli/help_store.py): byte for byte what
typer and rich print, and never a stale rendering.

Most tests run the installed console script in a subprocess, with ``XDG_CACHE_HOME`` in
``tmp_path``. To show that a run did not use an entry, the entry's output is first replaced by
``STALE`` (``tamper``): a run that served it would print that.
"""

from __future__ import annotations

import fcntl
import marshal
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

import pytest

from cli import entry, help_store

ROOT = Path(__file__).resolve().parents[2]
FUPIN = Path(sys.executable).with_name("fupin")
STALE = b"STALE\n"
HELP_ARGS = [pytest.param(["--help"], 0, id="--help"), pytest.param([], 2, id="bare")]


def environ(cache: Path | None, env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without what the tests set; the cache off where ``cache`` is
    ``None``."""
    base = {
        name: value
        for name, value in os.environ.items()
        if name in ("PATH", "HOME", "LANG", "TERM") or name.startswith(("LC_", "PYTHON"))
    }
    if cache is None:
        base["FUPIN_NO_HELP_CACHE"] = "1"
    else:
        base["XDG_CACHE_HOME"] = str(cache)
    return {**base, **(env or {})}


Completed = subprocess.CompletedProcess[bytes]


def fupin(
    args: list[str],
    cache: Path | None,
    env: dict[str, str] | None = None,
    command: list[str] | None = None,
) -> Completed:
    """Run the console script (or ``command``) with stdin, stdout and stderr not a terminal."""
    return subprocess.run(
        [*(command or [str(FUPIN)]), *args],
        env=environ(cache, env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )


#: Renderings without the cache, by arguments and environment, the only things they depend on:
#: each run once a module (a rendering takes ~1 s; since session 33).
_UNCACHED: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], Completed] = {}


def uncached(args: list[str], env: dict[str, str] | None = None) -> Completed:
    """What ``fupin *args`` prints with the cache off, in ``env``."""
    key = (tuple(args), tuple(sorted((env or {}).items())))
    if key not in _UNCACHED:
        _UNCACHED[key] = fupin(args, None, env)
    return _UNCACHED[key]


@pytest.fixture(scope="module")
def primed(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, list[str]], None]:
    """Puts into a cache the entry that a first run of ``fupin *args`` stores there: that run,
    a miss that renders (~1 s), is made once a module for each ``args``, its entry copied."""
    made: dict[tuple[str, ...], Path] = {}

    def prime(cache: Path, args: list[str]) -> None:
        if tuple(args) not in made:
            first = tmp_path_factory.mktemp("primed")
            fupin(args, first)
            assert len(entries(first)) == 1
            made[tuple(args)] = first
        shutil.copytree(made[tuple(args)] / "fupin", cache / "fupin", dirs_exist_ok=True)

    return prime


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "fupin").glob("help-*"))


def tamper(cache: Path) -> None:
    """Replace the output kept in every entry by ``STALE``, leaving all else as it is."""
    for path in entries(cache):
        data = list(marshal.loads(path.read_bytes()))
        data[4] = STALE
        path.write_bytes(marshal.dumps(tuple(data)))


def age(*paths: Path) -> None:
    """Date ``paths`` an hour back: the cache does not trust a file modified just now."""
    past = time.time() - 3600
    for path in paths:
        os.utime(path, (past, past))


@pytest.mark.parametrize(("args", "code"), HELP_ARGS)
def test_the_cached_help_is_the_uncached_help_byte_for_byte(
    tmp_path: Path, args: list[str], code: int
) -> None:
    plain = uncached(args)
    miss = fupin(args, tmp_path)
    hit = fupin(args, tmp_path)

    assert len(entries(tmp_path)) == 1
    assert b"Usage: fupin" in plain.stdout
    for result in (plain, miss, hit):
        assert result.returncode == code
        assert (result.stdout, result.stderr) == (plain.stdout, plain.stderr)


@pytest.mark.parametrize(("args", "code"), HELP_ARGS)
def test_a_hit_writes_the_entry_back_without_rendering(
    tmp_path: Path, primed: Callable[[Path, list[str]], None], args: list[str], code: int
) -> None:
    primed(tmp_path, args)
    tamper(tmp_path)

    result = fupin(args, tmp_path)

    assert (result.returncode, result.stdout, result.stderr) == (code, STALE, b"")


def test_only_the_top_level_help_is_cached(tmp_path: Path) -> None:
    for args in (["place", "--help"], ["-h"], ["--store", "x.db", "--help"]):
        result = fupin(args, tmp_path)

        assert result.stdout + result.stderr == uncached(args).stdout + uncached(args).stderr
    assert entries(tmp_path) == []


@pytest.mark.parametrize(
    "env",
    [
        {"COLUMNS": "120"},
        {"COLUMNS": "60", "LINES": "10"},
        {"TERMINAL_WIDTH": "60"},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": "1", "NO_COLOR": "1"},
        {"TTY_COMPATIBLE": "1", "COLORTERM": "truecolor"},
        {"TYPER_USE_RICH": "0"},
        {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        {"UNICODE_VERSION": "9.0"},
    ],
    ids=",".join,
)
def test_another_environment_is_rendered_for_itself(
    tmp_path: Path, primed: Callable[[Path, list[str]], None], env: dict[str, str]
) -> None:
    primed(tmp_path, ["--help"])
    tamper(tmp_path)

    miss = fupin(["--help"], tmp_path, env)
    hit = fupin(["--help"], tmp_path, env)

    assert miss.returncode == hit.returncode == 0
    assert miss.stdout == hit.stdout == uncached(["--help"], env).stdout
    assert len(entries(tmp_path)) == 2


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_buffered_or_not_the_streams_get_the_same_bytes(tmp_path: Path, unbuffered: str) -> None:
    env = {"PYTHONUNBUFFERED": unbuffered}  # "1": stdout's binary layer is a raw FileIO

    miss = fupin(["--help"], tmp_path, env)
    hit = fupin(["--help"], tmp_path, env)

    assert miss.stdout == hit.stdout == uncached(["--help"], env).stdout
    assert len(entries(tmp_path)) == 1


def test_another_width_gives_another_correct_rendering(tmp_path: Path) -> None:
    narrow = fupin(["--help"], tmp_path, {"COLUMNS": "80"})
    wide = fupin(["--help"], tmp_path, {"COLUMNS": "120"})

    assert narrow.stdout != wide.stdout
    assert wide.stdout == uncached(["--help"], {"COLUMNS": "120"}).stdout
    assert max(len(line) for line in wide.stdout.decode().splitlines()) == 120
    assert fupin(["--help"], tmp_path, {"COLUMNS": "80"}).stdout == narrow.stdout


def run_on_terminal(args: list[str], env: dict[str, str], columns: int) -> tuple[int, bytes]:
    """Run ``fupin`` with stdin, stdout and stderr on a new pseudo-terminal ``columns`` wide."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        [str(FUPIN), *args], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's last user is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(), b"".join(chunks)


def test_on_a_terminal_the_cached_help_keeps_colours_and_follows_its_size(
    tmp_path: Path,
) -> None:
    cached = environ(tmp_path, {"TERM": "xterm-256color"})
    uncached = environ(None, {"TERM": "xterm-256color"})

    first = run_on_terminal(["--help"], uncached, 100)
    assert run_on_terminal(["--help"], cached, 100) == first
    assert run_on_terminal(["--help"], cached, 100) == first
    tamper(tmp_path)
    narrow = run_on_terminal(["--help"], cached, 70)

    assert first[0] == 0
    assert b"\x1b[" in first[1]  # colours: rich saw a terminal through the copy
    assert narrow == run_on_terminal(["--help"], uncached, 70) != first
    assert narrow == run_on_terminal(["--help"], cached, 70)


def test_a_changed_source_file_is_rendered_again(tmp_path: Path) -> None:
    """A copy of ``cli`` run by a script like the console script: ``cli`` is then the copy."""
    app = tmp_path / "app"
    shutil.copytree(ROOT / "cli", app / "cli", ignore=shutil.ignore_patterns("__pycache__"))
    script = app / "fupin"
    script.write_text("import sys\nfrom cli.entry import run\nsys.exit(run())\n")
    age(script, app)
    command = [sys.executable, str(script)]
    cache = tmp_path / "cache"
    first = fupin(["--help"], cache, command=command)
    tamper(cache)
    assert fupin(["--help"], cache, command=command).stdout == STALE  # the entry is served...
    main = app / "cli" / "main.py"
    before = main.stat()
    # Same size, same mtime: only the bytes tell.
    main.write_bytes(main.read_bytes().replace(b"Streets", b"Avenues"))
    os.utime(main, ns=(before.st_atime_ns, before.st_mtime_ns))

    again = fupin(["--help"], cache, command=command)  # ...until its source changes

    assert b"Streets" in first.stdout
    assert again.returncode == 0
    assert b"Avenues" in again.stdout
    assert again.stdout == fupin(["--help"], None, command=command).stdout
    assert fupin(["--help"], cache, command=command).stdout == again.stdout


def test_an_unwritable_cache_directory_still_prints_the_help(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")

    result = fupin(["--help"], not_a_directory)

    assert result.returncode == 0
    assert (result.stdout, result.stderr) == (uncached(["--help"]).stdout, b"")


def test_a_corrupt_entry_is_a_miss_and_is_replaced(
    tmp_path: Path, primed: Callable[[Path, list[str]], None]
) -> None:
    primed(tmp_path, ["--help"])
    [path] = entries(tmp_path)
    path.write_bytes(b"\x00garbage")

    result = fupin(["--help"], tmp_path)

    assert (result.returncode, result.stdout) == (0, uncached(["--help"]).stdout)
    assert marshal.loads(path.read_bytes())[0] == entry.FORMAT


def test_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    result = fupin(["--help"], None, {"XDG_CACHE_HOME": str(tmp_path)})

    assert result.returncode == 0
    assert not (tmp_path / "fupin").exists()


def test_a_closed_stdout_ends_as_without_the_cache(
    tmp_path: Path, primed: Callable[[Path, list[str]], None]
) -> None:
    primed(tmp_path, ["--help"])
    outcomes = []
    for cache in (None, tmp_path):
        reader, writer = os.pipe()
        os.close(reader)
        result = subprocess.run(
            [str(FUPIN), "--help"],
            env=environ(cache),
            stdout=writer,
            capture_output=False,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        os.close(writer)
        outcomes.append((result.returncode, result.stderr))

    # Stopped by SIGPIPE, as any Unix tool is, with the cache or without (since session 15;
    # before, exit 1, the status of a defect).
    assert outcomes[0] == outcomes[1] == (-signal.SIGPIPE, b"")


# -- the key and the entry, unit by unit -----------------------------------------------------


#: What officers keep in their environment: none of it may reach a cache entry.
SECRETS = {
    "LEDGER_MASTER_KEY": "TGo4bS9zL3NlY3JldC1tYXN0ZXIta2V5LWZvci10ZXN0cz0=",
    "LEDGER_STORE": "postgresql://officer:S3cretPw@db.example/fupin",
    "LEDGER_KEY": "/home/officer/secret-signing-key.pem",
}


@pytest.mark.parametrize(("args", "code"), HELP_ARGS)
def test_no_ledger_variable_reaches_the_cache(tmp_path: Path, args: list[str], code: int) -> None:
    """A privacy audit found the master key and a store URL's password in clear in
    ~/.cache/fupin: the key held every LEDGER_* value. The help reads none of them: one entry
    serves every environment, and the entry holds none of their values."""
    plain = fupin(args, tmp_path)
    served = fupin(args, tmp_path, SECRETS)

    assert plain.returncode == served.returncode == code
    assert served.stdout == plain.stdout == fupin(args, None, SECRETS).stdout
    assert served.stderr == plain.stderr
    assert len(entries(tmp_path)) == 1
    for path in entries(tmp_path):
        data = path.read_bytes()
        for value in SECRETS.values():
            assert value.encode() not in data


def test_entries_of_the_old_format_are_removed(
    tmp_path: Path, primed: Callable[[Path, list[str]], None]
) -> None:
    """Entries an earlier fupin wrote (format 1) kept LEDGER_* values: the next entry stored
    removes them, whatever their number."""
    primed(tmp_path, ["--help"])
    (current,) = entries(tmp_path)
    data = list(marshal.loads(current.read_bytes()))
    old = [current.with_name(f"help-{n:016x}") for n in range(3)]
    for path in old:
        data[0] = "fupin-help-cache 1"
        data[1] = repr([("LEDGER_MASTER_KEY", SECRETS["LEDGER_MASTER_KEY"])])
        path.write_bytes(marshal.dumps(tuple(data)))

    assert fupin([], tmp_path).returncode == 2  # a miss: stores its entry, prunes

    assert len(entries(tmp_path)) == 2
    assert not any(path.exists() for path in old)


def test_the_key_holds_what_changes_the_rendering_and_nothing_else() -> None:
    env = {"TERM": "xterm", "EDITOR": "vi"}
    key = entry.help_key(["--help"], "fupin", env)

    assert entry.help_key(["--help"], "fupin", {**env, "EDITOR": "nano"}) == key
    for changed in (
        {"COLUMNS": "100"},
        {"NO_COLOR": "1"},
        {"LC_ALL": "C"},
        {"PYTHONIOENCODING": "latin-1"},
        {"TERM": "dumb"},
    ):
        assert entry.help_key(["--help"], "fupin", {**env, **changed}) != key
    assert entry.help_key([], "fupin", env) != key
    assert entry.help_key(["--help"], "other", env) != key
    assert entry.entry_path("d", key) != entry.entry_path("d", key + " ")


def write_entry(path: Path, key: str, deps: help_store.Dependencies, project: Path) -> None:
    sources = entry.project_sources(str(project))
    path.write_bytes(marshal.dumps((entry.FORMAT, key, sources, deps, b"out", b"", 0)))


def test_an_entry_is_used_while_its_dependencies_are_unchanged(tmp_path: Path) -> None:
    project = tmp_path / "cli"
    project.mkdir()
    (project / "main.py").write_text("HELP = 'one'\n")
    module = tmp_path / "module.py"
    module.write_text("x = 1\n")
    missing = tmp_path / "missing.py"
    deps = ((str(module), entry.file_state(str(module))), (str(missing), None))
    path = tmp_path / "entry"
    write_entry(path, "key", deps, project)

    assert entry.lookup(str(path), "key", str(project)) == (b"out", b"", 0)
    assert entry.lookup(str(path), "other key", str(project)) is None
    (project / "extra.py").write_text("")  # a new source file
    assert entry.lookup(str(path), "key", str(project)) is None
    (project / "extra.py").unlink()
    (project / "main.py").write_text("HELP = 'two'\n")  # a changed source file
    assert entry.lookup(str(path), "key", str(project)) is None
    write_entry(path, "key", deps, project)
    assert entry.lookup(str(path), "key", str(project)) is not None
    missing.write_text("")  # a module that appears where there was none
    assert entry.lookup(str(path), "key", str(project)) is None
    missing.unlink()
    module.write_text("x = 2\n")  # a changed module
    assert entry.lookup(str(path), "key", str(project)) is None
    path.write_bytes(b"not marshal")
    assert entry.lookup(str(path), "key", str(project)) is None


def test_a_dependency_modified_just_before_the_rendering_is_not_trusted(tmp_path: Path) -> None:
    old, new = tmp_path / "old.py", tmp_path / "new.py"
    old.write_text("")
    new.write_text("")
    age(old)
    deps = tuple((str(p), entry.file_state(str(p))) for p in (old, new))
    path = tmp_path / "cache" / "help-x"

    assert help_store.racy(deps, time.time_ns()) == [str(new)]
    assert not help_store.store(str(path), "k", {}, deps, b"", b"", 0, time.time_ns())
    assert not path.exists()
    assert help_store.store(str(path), "k", {}, deps[:1], b"", b"", 0, time.time_ns())
    assert path.exists()


def test_the_newest_entries_are_kept(tmp_path: Path) -> None:
    now = time.time()
    for number in range(help_store.MAX_ENTRIES + 5):
        path = tmp_path / f"help-{number:02d}"
        path.write_bytes(marshal.dumps((entry.FORMAT, "key")))
        os.utime(path, (now - 1000 + number, now - 1000 + number))
    (tmp_path / "unrelated").write_bytes(b"")

    help_store.prune(str(tmp_path))

    kept = sorted(path.name for path in tmp_path.iterdir())
    assert kept == [f"help-{n:02d}" for n in range(5, help_store.MAX_ENTRIES + 5)] + ["unrelated"]


def test_the_cache_stays_out_of_completion_and_when_turned_off() -> None:
    assert entry.cacheable({})
    assert not entry.cacheable({"FUPIN_NO_HELP_CACHE": "1"})
    assert not entry.cacheable({"_FUPIN_COMPLETE": "complete_bash"})


def test_the_cache_directory_follows_xdg() -> None:
    assert entry.cache_dir({"XDG_CACHE_HOME": "/c"}) == os.path.join("/c", "fupin")
    home = os.path.join(os.path.expanduser("~"), ".cache", "fupin")
    assert entry.cache_dir({"XDG_CACHE_HOME": "relative"}) == home
    assert entry.cache_dir({}) == home


#: Variables typer and rich read that do not change the help, and why.
NOT_FOR_THE_HELP = {
    "PYDANTIC_DISABLE_PLUGINS": "set and restored by typer itself around a pydantic import",
    "XDG_CONFIG_HOME": "click's get_app_dir, for an app's own config",
    "HOME": "pygments' image formatter, looking for fonts",
    "COMP_WORDS": "shell completion, which bypasses the cache",
    "COMP_CWORD": "shell completion, which bypasses the cache",
}
ENV_READ = re.compile(
    r"""(?:getenv|environ\.get|environ\[)\(?\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
)


def test_the_key_has_every_environment_variable_the_renderers_read() -> None:
    """A typer or rich upgrade that reads a new variable fails here until the key has it."""
    read: set[str] = set()
    for package in ("typer", "rich", "markdown_it", "mdurl", "pygments"):
        spec = find_spec(package)
        assert spec is not None
        assert spec.origin is not None
        for source in Path(spec.origin).parent.rglob("*.py"):
            read.update(ENV_READ.findall(source.read_text(encoding="utf-8", errors="replace")))

    assert {"COLUMNS", "TERMINAL_WIDTH", "UNICODE_VERSION"} <= read
    missing = {
        name
        for name in read - set(NOT_FOR_THE_HELP)
        if name not in entry.ENV_NAMES and not name.startswith(entry.ENV_PREFIXES)
    }
    assert missing == set()
