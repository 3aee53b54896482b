#!/usr/bin/env python3
"""The project's two commands, needing nothing but Python 3.11+ (standard library only here):

    python3 dev.py demo    create .venv, install the project, run the demo on embedded SQLite
    python3 dev.py test    create .venv, install the dev tools, run every check

Every check is: pytest, ``ruff check``, ``ruff format --check``, ``mypy --strict``, and a tiny
smoke run of the benchmarks (benchmarks are never tests). Extra arguments go to the demo or to
pytest, e.g. ``python3 dev.py test -k household``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
#: The versions the checks last passed with (pip's constraints); FUPIN_UNPINNED=1 takes the newest
#: releases pyproject.toml's ranges allow instead, to try them before writing them here.
CONSTRAINTS = ROOT / "constraints.txt"
UNPINNED = "FUPIN_UNPINNED"


def ensure_venv() -> None:
    """Create .venv and (re)install the project when pyproject.toml or the pins changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit("Python 3.11 or newer is needed")
    stamp = VENV / ".installed"
    pins = [] if os.environ.get(UNPINNED) == "1" else ["-c", str(CONSTRAINTS)]
    inputs = (ROOT / "pyproject.toml").read_bytes() + CONSTRAINTS.read_bytes() + repr(pins).encode()
    digest = hashlib.sha256(inputs).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PY.exists():
        return
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("installing the project and its tools into .venv ...", flush=True)
    run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([str(PY), "-m", "pip", "install", "--quiet", *pins, "-e", ".[dev]"])
    stamp.write_text(digest)


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, cwd=ROOT, check=False, env=env)
    if result.returncode != 0:
        print(f"FAILED ({result.returncode}): {' '.join(command)}", flush=True)
        sys.exit(result.returncode)


def demo(args: list[str]) -> None:
    store = ROOT / "demo.db"
    # The demo builds its history in a new store: a previous run's demo.db is replaced.
    for old in ROOT.glob("demo.db*"):
        old.unlink()
    # The demo makes its own master key beside the new store: a key or store the README's
    # `export LEDGER_STORE=demo.db LEDGER_MASTER_KEY_FILE=demo.db.master-key` left set names
    # the files just replaced (a second run was refused on the key it had deleted).
    env = {k: v for k, v in os.environ.items() if k not in _LEDGER_FILES}
    run([str(BIN / "fupin"), "--store", str(store), "demo", *args], env)


#: The variables that name a ledger's store or master key: not passed to the demo.
_LEDGER_FILES = ("LEDGER_STORE", "LEDGER_MASTER_KEY", "LEDGER_MASTER_KEY_FILE")


def test(args: list[str]) -> None:
    run([str(PY), "-m", "pytest", "-n", "2", "--dist", "loadfile", *args], test_env())
    run([str(BIN / "ruff"), "check", "."])
    run([str(BIN / "ruff"), "format", "--check", "."])
    run([str(BIN / "mypy"), "--strict"])
    if (ROOT / "bench" / "run").exists():
        run([str(PY), str(ROOT / "bench" / "run"), "--smoke"])
    print("all checks passed", flush=True)


#: Where the tests' temporary files go when the machine has it (``test_env``).
RAM_DISK = Path("/dev/shm")
RAM_NEEDED = 2 << 30


def test_env() -> dict[str, str]:
    """pytest's environment: the tests' temporary files (each test's SQLite stores, exports,
    backups) in memory, ``/dev/shm``, when it is a writable folder with 2 GiB free and
    ``TMPDIR`` is not set already. A store there keeps the same durability settings; only
    its fsyncs cost nothing, where on this machine's disk a SQLite test file took up to twice
    as long (session 33). Killing a process, as the crash tests do, loses nothing either way."""
    env = dict(os.environ)
    if env.get("TMPDIR"):
        return env
    try:
        free = os.statvfs(RAM_DISK)
    except (OSError, AttributeError):  # no such folder, or no statvfs (Windows)
        return env
    if os.access(RAM_DISK, os.W_OK) and free.f_bavail * free.f_frsize >= RAM_NEEDED:
        env["TMPDIR"] = str(RAM_DISK)
    return env


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        sys.exit(__doc__)
    ensure_venv()
    {"demo": demo, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
