"""The throwaway PostgreSQL fixtures work, also for eventsourcing's postgres persistence."""

from __future__ import annotations

from uuid import UUID

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import OperationalError

from tests.pgserver import PgConnInfo, PostgresStartError, ThrowawayPostgres


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Amended")
    def amend(self, text: str) -> None:
        self.text = text


class Notes(Application[UUID]):
    def write(self, text: str) -> UUID:
        note = Note(text)
        self.save(note)
        return note.id

    def amend(self, note_id: UUID, text: str) -> None:
        note: Note = self.repository.get(note_id)
        note.amend(text)
        self.save(note)

    def read(self, note_id: UUID) -> str:
        note: Note = self.repository.get(note_id)
        return note.text


def es_env(info: PgConnInfo, **extra: str) -> dict[str, str]:
    settings = {
        "POSTGRES_LOCK_TIMEOUT": "5",
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "2",
        "CREATE_TABLE": "y",
    }
    return info.eventsourcing_env(**{**settings, **extra})


def test_server_pieces_match_dsn(pg_server: ThrowawayPostgres) -> None:
    assert pg_server.host == "127.0.0.1"
    assert pg_server.port > 0
    assert pg_server.running
    expected = (
        f"postgresql://{pg_server.user}:{pg_server.password}"
        f"@127.0.0.1:{pg_server.port}/{pg_server.dbname}"
    )
    assert pg_server.dsn == expected
    with pg_server.connect() as conn:
        row = conn.execute("SELECT current_setting('fsync'), current_user").fetchone()
    assert row == ("off", pg_server.user)


def test_psycopg_roundtrip(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
        assert tables == (0,)  # a fresh, empty database
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL)")
        conn.execute("INSERT INTO t VALUES (%s, %s), (%s, %s)", (1, "一", 2, "two"))
        conn.commit()
    with psycopg.connect(pg_dsn) as conn:
        rows = conn.execute("SELECT id, name FROM t ORDER BY id").fetchall()
    assert rows == [(1, "一"), (2, "two")]


def test_each_test_gets_its_own_database(pg_database: PgConnInfo, pg_dsn: str) -> None:
    assert pg_dsn == pg_database.dsn
    with psycopg.connect(pg_dsn) as conn:
        row = conn.execute("SELECT current_database()").fetchone()
    assert row == (pg_database.dbname,)


def test_wrong_password_is_refused(pg_database: PgConnInfo) -> None:
    bad = PgConnInfo(
        pg_database.host, pg_database.port, pg_database.user, "wrong", pg_database.dbname
    )
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(bad.dsn, connect_timeout=5).close()


def test_extra_role(pg_server: ThrowawayPostgres, pg_database: PgConnInfo) -> None:
    role = pg_server.create_role(f"reader_{pg_database.dbname}"[:63], dbname=pg_database.dbname)
    try:
        with psycopg.connect(role.dsn) as conn:
            row = conn.execute("SELECT current_user, current_database()").fetchone()
        assert row == (role.user, pg_database.dbname)
    finally:
        with pg_server.connect() as conn:
            conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role.user)))


def test_eventsourcing_postgres_persistence(pg_database: PgConnInfo) -> None:
    app = Notes(env=es_env(pg_database))
    try:
        note_id = app.write("first")
        app.amend(note_id, "second")
        assert app.read(note_id) == "second"

        section = app.notification_log["1,10"]
        assert [item.originator_id for item in section.items] == [note_id, note_id]
        notifications = app.recorder.select_notifications(start=1, limit=10)
        assert [n.id for n in notifications] == [1, 2]
        assert [n.originator_version for n in notifications] == [1, 2]
        assert notifications[0].topic.endswith("Note.Written")
    finally:
        app.close()

    # A second application instance reads what the first one wrote.
    again = Notes(env=es_env(pg_database, CREATE_TABLE="n"))
    try:
        assert again.read(note_id) == "second"
        assert len(again.notification_log.select(start=1, limit=10)) == 2
    finally:
        again.close()


@pytest.mark.parametrize("problem", ["wrong password", "nothing listening"])
def test_eventsourcing_connection_failure_raises_at_construction(
    pg_database: PgConnInfo, problem: str
) -> None:
    # Construction connects (even with CREATE_TABLE=n: type adapters are looked up), so a
    # bad password or an unreachable server fails there, after POSTGRES_CONNECT_TIMEOUT,
    # as eventsourcing's OperationalError; the reason is not in the message.
    if problem == "wrong password":
        info = PgConnInfo(
            pg_database.host, pg_database.port, pg_database.user, "wrong", pg_database.dbname
        )
    else:
        info = PgConnInfo("127.0.0.1", 1, "nobody", "x", "nothing")
    with pytest.raises(OperationalError, match="couldn't get a connection"):
        Notes(env=es_env(info, POSTGRES_CONNECT_TIMEOUT="1", CREATE_TABLE="n"))


def test_lifecycle_and_cleanup(pg_server: ThrowawayPostgres) -> None:
    # pg_server is requested only for its skip-or-fail check.
    with ThrowawayPostgres(fast=True, user="owner", dbname="ledger") as pg:
        root = pg.root_dir
        assert root is not None
        assert (root / "data" / "PG_VERSION").is_file()
        assert pg.running
        assert pg.dsn.startswith(f"postgresql://owner:{pg.password}@127.0.0.1:")
        assert pg.dsn.endswith("/ledger")
        with psycopg.connect(pg.dsn) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("ledger",)
    assert not pg.running
    assert not root.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pg.dsn, connect_timeout=2).close()


def test_startup_failure_reports_log_tail(pg_server: ThrowawayPostgres) -> None:
    # The session server's port is taken, so this one cannot bind it.
    server = ThrowawayPostgres(fast=True, port=pg_server.port)
    with pytest.raises(PostgresStartError, match=r"(?s)exited.*could not bind"):
        server.start()
    assert server.root_dir is not None
    assert not server.root_dir.exists()
