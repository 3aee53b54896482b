"""Stored events read straight into facts (``projections.stored``): every field as the ledger's
own mapper decodes it, personal data left sealed; read models the same whatever the page,
transaction and write-queue sizes; catch-up after one event as cheap on a larger ledger."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from ledger.application import Ledger
from ledger.funds import Disbursement, FundAccount
from ledger.household import Household, Personal
from ledger.privacy import SealedPersonal
from ledger.transcoder import OrjsonTranscoder
from projections import api, catchup, engine, households, storage
from projections.catchup import MODELS
from projections.engine import facts, fold
from projections.storage import Database, memory_database, open_database
from projections.stored import Decoder

from tests.support import id_card, identify, register, stamp


@pytest.fixture
def ledger(store_ledger: Ledger) -> Ledger:
    """Every test here runs on SQLite and on PostgreSQL (the ``store`` fixture)."""
    return store_ledger


def history(app: Ledger) -> None:
    """Most kinds of events, corrections of each voidable kind among them."""
    jn, ll, qu, insp = "jn-01", "ll-01", "qu-01", "insp-1"
    register(app, "JH-1")
    register(app, "JH-2", key_target=False, serial=2)
    identify(app, "LL-1", street="礼乐", village="新创", serial=3)
    app.review(stamp(ll, date(2016, 8, 2)), "LL-1", True)
    app.post_notice(stamp(ll, date(2016, 8, 3)), "LL-1", date(2016, 8, 3), date(2016, 8, 9))
    app.raise_objection(stamp(ll, date(2016, 8, 4)), "LL-1", "O-1", "收入不实")
    app.resolve_objection(stamp(ll, date(2016, 8, 6)), "LL-1", "O-1", True)
    identify(app, "JH-3", serial=4)
    app.review(stamp(jn, date(2016, 8, 2)), "JH-3", False)
    members = Personal("户主1", id_card(1), "13800000000", "江海区", ("户主1", "乙", "丙", "丁"))
    app.change_members(stamp(jn, date(2016, 8, 12), "新生儿"), "JH-1", 4, members)
    for helper in ("c-1", "e-1", "sw-1", "v-1"):
        app.pair(stamp(jn, date(2016, 8, 11)), "JH-1", helper)
    app.pair(stamp(jn, date(2016, 8, 11)), "JH-2", "c-1")
    app.unpair(stamp(jn, date(2016, 9, 20)), "JH-1", "c-1", "调岗", "c-2")
    app.sign_agreement(stamp(jn, date(2016, 8, 15)), "JH-1")
    for day in (date(2016, 9, 1), date(2016, 10, 8), date(2016, 12, 1)):
        app.record_visit(stamp(jn, day), "JH-1", "e-1")
        app.record_visit(stamp(jn, day), "JH-2", "c-1")
    app.correct(stamp(jn, date(2016, 12, 2)), "household", "JH-1", version(app, "JH-1"), "录入错误")
    app.plan_measure(stamp(jn, date(2016, 9, 5)), "JH-1", "M1", "industry", "养鸡", 300_000)
    app.complete_measure(stamp(jn, date(2016, 11, 5)), "JH-1", "M1", "已完成")
    app.plan_measure(stamp(jn, date(2016, 9, 5)), "JH-2", "M2", "employment", "就业", 0)
    app.complete_measure(stamp(jn, date(2016, 11, 6)), "JH-2", "M2", "已完成")
    app.correct(stamp(jn, date(2016, 11, 7)), "household", "JH-2", version(app, "JH-2"), "未完成")
    app.assess_income(stamp(jn, date(2016, 12, 10)), "JH-1", 2016, 500_000)
    app.correct(stamp(jn, date(2016, 12, 10)), "household", "JH-1", version(app, "JH-1"), "算错")
    app.assess_income(stamp(jn, date(2016, 12, 11)), "JH-1", 2016, 900_000)
    app.assess_income(stamp(jn, date(2016, 12, 12)), "JH-2", 2016, 700_000)
    app.open_account(stamp("admin", date(2016, 8, 10)), "city-2016", "city", 2016)
    app.open_account(stamp("admin", date(2016, 8, 10)), "jn-2016", "street", 2016, street="江南")
    app.receive_allocation(stamp("admin", date(2016, 8, 20)), "city-2016", 5_000_000)
    app.receive_allocation(stamp("admin", date(2016, 8, 21)), "city-2016", 7)
    app.receive_allocation(stamp(jn, date(2016, 8, 22)), "jn-2016", 2_000_000)
    for code, payment in (
        ("city-2016", Disbursement(300_000, "industry", "household", "JH-1", "M1")),
        (
            "city-2016",
            Disbursement(100_000, "facilities", "village", street="江南", village="雄光"),
        ),
        ("jn-2016", Disbursement(50_000, "working", "working")),
        ("jn-2016", Disbursement(20_000, "employment", "household", "JH-2", "M2")),
    ):
        app.disburse(stamp(qu if code == "city-2016" else jn, date(2016, 10, 10)), code, payment)
    app.correct(stamp("admin", date(2016, 10, 11)), "fund", "city-2016", 3, "重复拨付")
    app.correct(stamp(jn, date(2016, 10, 12)), "fund", "jn-2016", version(app, "jn-2016"), "重复")
    app.employ_worker(stamp(jn, date(2016, 9, 1)), "e-1", "JH-2", date(2016, 9, 1))
    app.end_employment(stamp(jn, date(2016, 12, 1)), "e-1", "JH-2")
    app.propose_exit(stamp(jn, date(2016, 12, 15)), "JH-1", 2016)
    app.verify_exit(stamp(jn, date(2016, 12, 16)), "JH-1")
    app.post_exit_notice(
        stamp(jn, date(2016, 12, 17)), "JH-1", date(2016, 12, 17), date(2016, 12, 24)
    )
    app.approve_exit(stamp(qu, date(2016, 12, 28)), "JH-1")
    app.unpair(stamp(jn, date(2017, 1, 2)), "JH-1", "sw-1", "已脱贫")
    app.advance_return(stamp(qu, date(2017, 6, 1)), "JH-1", "recognised", "洪灾", "区应急局")
    for step in ("applied", "reviewed", "approved"):
        app.advance_return(stamp("admin", date(2017, 6, 2)), "JH-1", step)
    app.open_inspection(stamp(insp, date(2017, 1, 5)), "D-2016", "district", 2016, scope="年度")
    app.open_inspection(stamp(insp, date(2017, 1, 5)), "S-2016", "street", 2016, street="江南")
    deadline = date(2017, 3, 1)
    app.record_finding(
        stamp(insp, date(2017, 1, 6)), "S-2016", "F1", "household", "JH-2", "漏访", deadline
    )
    app.record_finding(
        stamp(insp, date(2017, 1, 6)), "D-2016", "F2", "street", "江南", "慢", deadline
    )
    app.report_rectification(stamp(jn, date(2017, 2, 1), "补录"), "S-2016", "F1", "已补访")
    app.close_finding(stamp(insp, date(2017, 2, 2)), "S-2016", "F1")
    app.notice_criticism(stamp(insp, date(2017, 2, 3)), "D-2016", "江南街道", "进度缓慢")
    app.hold_talk(stamp(insp, date(2017, 2, 4)), "D-2016", "江南", 2016, "未完成目标")
    app.change_officer(stamp("admin", date(2017, 3, 1)), "ll-01", "officer", "江南")
    app.retire_officer(stamp("admin", date(2017, 3, 2)), "ana-1", "退休")


def version(app: Ledger, key: str) -> int:
    """The version of the last event of household or fund account ``key``."""
    kind = FundAccount if key.endswith("2016") else Household
    return app.load(kind, key, "key").version


_NOT_FIELDS = {"originator_id", "originator_version", "timestamp", "prov", "originator_topic"}


def test_every_stored_event_reads_as_the_ledger_decodes_it(ledger: Ledger) -> None:
    history(ledger)
    notifications = ledger.recorder.select_notifications(start=0, limit=100_000)
    read = list(facts(ledger))

    assert [f.position for f in read] == [n.id for n in notifications]
    for fact, notification in zip(read, notifications, strict=True):
        decoded = ledger.mapper.to_domain_event(notification)
        event, qualname = vars(decoded), type(decoded).__qualname__
        assert (fact.kind, fact.name) == (qualname.split(".")[0], qualname.rsplit(".", 1)[-1])
        assert (fact.aggregate_id, fact.version) == (
            str(event["originator_id"]),
            event["originator_version"],
        )
        assert fact.recorded_at == event["timestamp"]
        assert fact.recorded == event["timestamp"].isoformat()
        assert fact.prov == event["prov"]
        assert (fact.actor, fact.effective) == (
            event["prov"].actor,
            event["prov"].effective.isoformat(),
        )
        for key in event.keys() - _NOT_FIELDS:
            if key == "personal":  # opened by the mapper, left sealed for the read models
                assert isinstance(event[key], Personal)
                assert isinstance(fact[key], SealedPersonal)
                continue
            assert fact[key] == event[key], (fact, key)
            assert type(fact[key]) is type(event[key]), (fact, key)
            if key in ("payment", "measure", "rules", "params"):
                assert fact.record(key) == vars(event[key])
            if key in ("start", "end", "since", "deadline"):
                assert fact.iso(key) == event[key].isoformat()


def test_the_decoder_knows_every_value_type_of_the_ledger(ledger: Ledger) -> None:
    transcoder = ledger.mapper.transcoder
    assert isinstance(transcoder, OrjsonTranscoder)
    ours = {f"__{cls.__name__}__" for cls in Decoder.VALUE_TYPES}

    assert ours == set(transcoder._dataclasses)
    # A tag it does not know goes to the ledger's transcoder.
    fallback = Decoder(transcoder)
    fallback._classes.pop("__Disbursement__")
    payment = Disbursement(5, "working", "working")
    assert fallback.value(transcoder._encode(payment)) == payment


def tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: sorted(db.rows(f"SELECT * FROM {table}"), key=repr)
        for model in MODELS
        for table in model.tables
    }


def test_page_transaction_and_queue_sizes_change_no_table(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    history(ledger)
    api.rebuild(ledger)
    db = open_database(ledger.location)
    try:
        whole = tables(db)
        monkeypatch.setattr(engine, "PAGE", 3)
        monkeypatch.setattr(catchup, "REBUILD_PAGES", 2)
        monkeypatch.setattr(storage, "QUEUED_ROWS", 2)
        api.rebuild(ledger)  # several pages a transaction, several transactions
        rebuilt = tables(db)
        with db.transaction():
            for model in MODELS:
                for table in model.tables:
                    db.execute(f"DELETE FROM {table}")
            db.execute("UPDATE pj_tracking SET position = 0")
        api.catch_up(ledger)  # a page a transaction
        caught_up = tables(db)
    finally:
        db.close()
    folded = fold(facts(ledger), MODELS)  # one transaction, many pages
    try:
        in_memory = tables(folded)
    finally:
        folded.close()

    assert all(whole[table] for table in ("pj_visits", "pj_disbursements", "pj_findings"))
    assert rebuilt == whole
    assert caught_up == whole
    assert in_memory == whole


# -- the write queue --------------------------------------------------------------------------


@pytest.fixture
def db() -> Iterator[Database]:
    database = memory_database()
    database.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
    database.execute("CREATE TABLE u (k TEXT, v INTEGER)")
    yield database
    database.close()


def test_queued_writes_of_one_table_keep_their_order(db: Database) -> None:
    with db.transaction():
        db.write("INSERT INTO t VALUES (?, ?)", ("a", 1))
        db.write("UPDATE t SET v = v + 10 WHERE k = ?", ("a",))
        db.write("INSERT INTO t VALUES (?, ?)", ("b", 2))
        db.write("UPDATE t SET v = v * 2", ())

    assert db.rows("SELECT k, v FROM t ORDER BY k") == [("a", 22), ("b", 4)]


def test_a_statement_reading_another_table_sees_the_writes_queued_before_it(
    db: Database,
) -> None:
    with db.transaction():
        db.write("INSERT INTO t VALUES (?, ?)", ("a", 1))
        db.write("INSERT INTO u SELECT k, v FROM t", ())
        db.write("INSERT INTO t VALUES (?, ?)", ("b", 2))
        db.write("INSERT INTO u SELECT k, v FROM t WHERE k = ?", ("b",))

    assert db.rows("SELECT k, v FROM u ORDER BY k") == [("a", 1), ("b", 2)]


def test_a_read_runs_the_queue_first_and_a_rollback_drops_it(db: Database) -> None:
    seen: list[Any] = []

    def cut_short() -> None:
        with db.transaction():
            db.write("INSERT INTO t VALUES (?, ?)", ("a", 1))
            seen.append(db.one("SELECT v FROM t WHERE k = ?", ("a",)))
            db.write("INSERT INTO t VALUES (?, ?)", ("b", 2))
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        cut_short()

    assert seen == [(1,)]
    assert db.rows("SELECT k FROM t") == []
    with db.transaction():
        db.write("INSERT INTO t VALUES (?, ?)", ("c", 3))
    assert db.rows("SELECT k FROM t") == [("c",)]


def test_a_long_queue_runs_before_the_transaction_ends(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "QUEUED_ROWS", 2)
    with db.transaction():
        for n in range(5):
            db.write("INSERT INTO u VALUES (?, ?)", ("x", n))
        sent = db.peek("SELECT COUNT(*) FROM u")  # peek: without running the queue

    assert sent == (4,)
    assert db.one("SELECT COUNT(*) FROM u") == (5,)


def test_an_error_in_a_queued_write_rolls_the_transaction_back(db: Database) -> None:
    def twice() -> None:
        with db.transaction():
            db.write("INSERT INTO u VALUES (?, ?)", ("x", 1))
            db.write("INSERT INTO t VALUES (?, ?)", ("a", 1))
            db.write("INSERT INTO t VALUES (?, ?)", ("a", 2))

    with pytest.raises(sqlite3.IntegrityError):
        twice()

    assert db.rows("SELECT * FROM t") == db.rows("SELECT * FROM u") == []


# -- household rows: changes to rows not read -------------------------------------------------


@pytest.fixture
def households_db() -> Iterator[Database]:
    database = memory_database()
    with database.transaction():
        for statement in households.SCHEMA:
            database.execute(statement)
        database.execute(
            "INSERT INTO pj_households (aggregate_id, number, stage, members) "
            "VALUES ('h-1', 'JH-1', 'identified', 3)"
        )
    yield database
    database.close()


def test_a_change_to_a_row_not_read_is_seen_by_a_later_read_and_written(
    households_db: Database,
) -> None:
    db = households_db
    with db.transaction():
        held = db.held("households", households.Held)
        held.change(db, "h-1", {"stage": "reviewed"})  # the row is not read for this
        assert "h-1" not in held.rows
        assert households.stage(db, "h-1") == "reviewed"  # stored row + pending change
        held.change(db, "h-1", {"members": 4})

    assert db.rows("SELECT stage, members FROM pj_households") == [("reviewed", 4)]


def test_a_change_to_no_household_updates_nothing_even_once_read(
    households_db: Database,
) -> None:
    db = households_db
    with db.transaction():
        held = db.held("households", households.Held)
        held.change(db, "h-2", {"stage": "reviewed"})
        assert households.stage(db, "h-2") == ""  # there is no such household
        held.change(db, "h-2", {"members": 5})

    assert db.rows("SELECT aggregate_id, stage, members FROM pj_households") == [
        ("h-1", "identified", 3)
    ]


# -- catch-up after one event -----------------------------------------------------------------


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement run on the read models' SQLite connections from now on."""
    traced: list[str] = []
    connect = storage._connect

    def tracing(target: str, *, uri: bool = False) -> sqlite3.Connection:
        connection = connect(target, uri=uri)
        connection.set_trace_callback(traced.append)
        return connection

    monkeypatch.setattr(storage, "_connect", tracing)
    return traced


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # counts SQLite's statements
def test_catching_up_one_event_runs_as_many_statements_on_a_larger_ledger(
    ledger: Ledger, statements: list[str]
) -> None:
    def one_visit_caught_up(number: str, day: date) -> list[str]:
        api.catch_up(ledger)
        ledger.record_visit(stamp("jn-01", day), number, "c-1")
        statements.clear()
        assert api.catch_up(ledger) == 1
        return list(statements)

    register(ledger, "JH-1")
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
    small = one_visit_caught_up("JH-1", date(2016, 9, 1))
    for n in range(2, 30):
        register(ledger, f"JH-{n}", serial=n)
        ledger.pair(stamp("jn-01", date(2016, 8, 11)), f"JH-{n}", "c-1")
        ledger.record_visit(stamp("jn-01", date(2016, 9, 2)), f"JH-{n}", "c-1")
    large = one_visit_caught_up("JH-1", date(2016, 10, 1))

    assert len(large) == len(small)
    assert sum(s.startswith("INSERT INTO pj_visits") for s in large) == 1


def test_a_state_written_by_an_older_event_class_is_upcast_as_the_ledger_upcasts_it(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(ledger, "JH-1")
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "e-1")
    ledger.record_visit(stamp("jn-01", date(2016, 9, 1)), "JH-1", "e-1")

    # Today's class is version 2: its summary gained a prefix the stored state lacks.
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["summary"] = f"v2 {state['summary']}"

    visit = Household.VisitRecorded  # type: ignore[attr-defined]
    monkeypatch.setattr(visit, "class_version", 2, raising=False)
    monkeypatch.setattr(visit, "upcast_v1_v2", staticmethod(upcast_v1_v2), raising=False)
    notifications = ledger.recorder.select_notifications(start=0, limit=1000)
    read = {f.position: f for f in facts(ledger)}

    visits = [n for n in notifications if n.topic.endswith(".VisitRecorded")]
    assert visits
    for notification in visits:
        event = vars(ledger.mapper.to_domain_event(notification))
        fact = read[notification.id]
        assert fact["summary"] == event["summary"]
        assert fact["summary"].startswith("v2 ")
        assert fact.prov == event["prov"]


# SQLite only: the statements are traced on SQLite's connection, and its query plans read.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_households_dossier_reads_its_rows_through_indexes_never_a_whole_table(
    ledger: Ledger, statements: list[str]
) -> None:
    # A dossier is one household's: a scan of a table of every household's rows grows with
    # the ledger (the payments' scan was 0.2 s of `household show` at 10 M events).
    register(ledger, "JH-1")
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-1", "c-1")
    ledger.record_visit(stamp("jn-01", date(2016, 9, 1)), "JH-1", "c-1")
    api.catch_up(ledger)
    statements.clear()
    assert api.household(ledger, "JH-1")["household"]["number"] == "JH-1"

    lookups = [s for s in statements if s.startswith("SELECT") and "JH-1" in s]
    assert len(lookups) >= 2
    db = open_database(ledger.location)
    try:
        plans = {s: [row[-1] for row in db.rows(f"EXPLAIN QUERY PLAN {s}")] for s in lookups}
    finally:
        db.close()
    scans = {s: plan for s, plan in plans.items() if any(p.startswith("SCAN pj_") for p in plan)}
    assert scans == {}
