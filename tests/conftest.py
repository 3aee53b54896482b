"""Fixtures shared by every tier of tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, settings
from ledger import values
from ledger.application import Ledger
from ledger.privacy import generate_master_key

from tests.pgserver import PgConnInfo
from tests.support import TickingClock
from tests.templates import StoreTemplates, reserve_database

pytest_plugins = ["tests.conftest_pg"]

# Hypothesis's examples are never timed (benchmarks are never tests: docs/performance.md): its
# default deadline of 200 ms an example failed a property of session 27 once under the load of
# a 2-core machine shared with other runs, and passed on every rerun (session 32). A test's own
# @settings still sets its examples; only the deadline and the health check of slow data go.
settings.register_profile("fupin", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("fupin")

# Personal data is recorded encrypted under the operator's master key (docs/privacy.md): one
# fresh key per test session, inherited by in-process CLI runs and subprocesses alike.
os.environ.setdefault("LEDGER_MASTER_KEY", generate_master_key())


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module that sets ``STORE_INDEPENDENT`` (to why) runs its tests on the SQLite store alone,
    but for a test that chooses its stores itself. For tests of the commands' own rules and
    messages, the same code on either store: the PostgreSQL recorder, its locks, key table and
    SQL are tested in tests/integration and in the CLI tests that keep both (the suite's time,
    session 19: 795 s in CI, of which the CLI's PostgreSQL duplicates took a third). A module
    whose tests run SQL of the read models no integration test runs on PostgreSQL (voiding an
    entry, amending an officer) keeps both stores."""
    why = getattr(metafunc.module, "STORE_INDEPENDENT", None)
    if why is None or "store" not in metafunc.fixturenames:
        return
    if not isinstance(why, str) or not why.strip():
        raise TypeError(f"{metafunc.module.__name__}.STORE_INDEPENDENT must say why, as text")
    chosen = (_names(m) for m in metafunc.definition.iter_markers("parametrize"))
    if not any("store" in names for names in chosen):
        metafunc.definition.add_marker(pytest.mark.parametrize("store", ["sqlite"], indirect=True))


def _names(mark: pytest.Mark) -> list[str]:
    """The argument names a ``parametrize`` mark gives, positionally or by keyword."""
    argnames = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
    if isinstance(argnames, str):
        return [name.strip() for name in argnames.split(",")]
    return [str(name) for name in argnames]


@pytest.fixture
def ticking() -> TickingClock:
    return TickingClock()


#: The fixtures that seed the ``store`` they are given, from a template (``store_templates``).
SEEDING_THE_STORE = frozenset({"seeded", "store_ledger"})


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One suite, two stores: a fresh SQLite path, or the DSN of a fresh PostgreSQL database
    on the session's throwaway server (skipped off-CI without PostgreSQL, failing under CI);
    for a test whose store ``seeded`` or ``store_ledger`` seeds, a database those make when
    they seed it, from their template (``tests.templates.reserve_database``).

    A test that only makes sense on SQLite (it opens the file itself) narrows it with
    ``@pytest.mark.parametrize("store", ["sqlite"], indirect=True)`` and says why."""
    if request.param == "postgres":
        if SEEDING_THE_STORE.intersection(request.fixturenames):
            return reserve_database(request)
        info: PgConnInfo = request.getfixturevalue("pg_database")
        return info.dsn
    return str(tmp_path / "ledger.db")


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory: pytest.TempPathFactory) -> StoreTemplates:
    """The stores ``ledger``, ``store_ledger`` and ``seeded`` copy, seeded once a worker
    (``tests.templates``): a session fixture, so made before any fixture of the test that
    first asks for it could change what seeding records."""
    return StoreTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def store_ledger(
    store: str,
    ticking: TickingClock,
    store_templates: StoreTemplates,
    request: pytest.FixtureRequest,
) -> Iterator[Ledger]:
    """The ``ledger`` fixture's reference data, on each of the two stores in turn: as
    ``ledger_at(store, ticking)`` leaves it, its store copied from a template seeded once a
    worker (``tests.templates``; seeded afresh when the template does not apply)."""
    with store_templates.ledger_at(store, ticking, request.node) as app:
        yield app


@pytest.fixture
def ledger(
    tmp_path: Path,
    ticking: TickingClock,
    store_templates: StoreTemplates,
    request: pytest.FixtureRequest,
) -> Iterator[Ledger]:
    """A SQLite ledger with the reference data of ``tests.support.seed_reference``, as
    ``ledger_at(tmp_path / "ledger.db", ticking)`` leaves it: a copy of a store seeded once a
    worker (``tests.templates``), ``ticking`` where seeding left it, open on it."""
    with store_templates.ledger_at(str(tmp_path / "ledger.db"), ticking, request.node) as app:
        yield app


#: The module whose rows an export's replay (``import --create``) runs through.
_IMPORTS = str(Path(values.__file__).with_name("imports.py"))


def _in_an_import() -> bool:
    """Whether the code under way was called by ``ledger.imports`` (an import's row)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == _IMPORTS:
            return True
        frame = frame.f_back
    return False


@pytest.fixture(autouse=True)
def spared_on_replay(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A test marked ``spared_on_replay(RULE, …)`` claims to replay an export holding what each
    rule of ``SPARED_BEFORE`` refuses today: it fails unless ``replay_spares(RULE)`` spared a
    row of an import of it (``import --create``), not only one the test recorded as an older
    fupin would (``replayed_as_recorded``). tests/unit/test_spared_rules_guard.py requires such
    a test of every rule (since session 31)."""
    claimed = {rule for mark in request.node.iter_markers("spared_on_replay") for rule in mark.args}
    if not claimed:
        yield
        return
    unknown = claimed - set(values.SPARED_BEFORE)
    assert not unknown, f"spared_on_replay names no rule of SPARED_BEFORE: {sorted(unknown)}"
    spared: set[str] = set()
    asked = values.replay_spares

    def watched(rule: str, replaying: bool = False) -> bool:
        answer = asked(rule, replaying)
        if answer and _in_an_import():
            spared.add(rule)
        return answer

    for name, module in list(sys.modules.items()):
        if name.startswith(("ledger.", "cli.")) and getattr(module, "replay_spares", 0) is asked:
            monkeypatch.setattr(module, "replay_spares", watched)
    yield
    missing = sorted(claimed - spared)
    assert not missing, f"no row of an export's replay was spared {missing}"
