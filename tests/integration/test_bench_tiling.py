"""bench/ten_million.py tiles a demo history into independent copies of one programme: the demo
at scale 1, tiled 3 times and imported in chunks, is refused nothing and reads as three demos
sharing the programme's reference data (docs/performance.md, "10 M events")."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from bench import _data, commands, ten_million
from ledger.application import Ledger, open_ledger
from ledger.verification import verify_ledger
from projections import api

COPIES = 3
#: Aggregates of the reference data every copy shares (recorded once).
SHARED = ("ledger.programme:", "ledger.places:", "ledger.officers:")
IMPORT_RECORD = "ledger.imports:"


@dataclass(frozen=True)
class Tiled:
    source: Path  # the demo's history as import JSONL
    demo: Path  # the demo's own ledger
    store: Path  # the tiled ledger
    built: ten_million.Built


@pytest.fixture(scope="module")
def tiled(tmp_path_factory: pytest.TempPathFactory) -> Tiled:
    work = tmp_path_factory.mktemp("tiling")
    source = _data.demo_jsonl(work, 1)
    store = work / "tiled.db"
    # Chunks of 10 k rows: the 43 k tiled rows take five imports, each of every copy.
    built = ten_million.build(source, store, copies=COPIES, chunk=10_000, log=lambda _: None)
    return Tiled(source, work / "demo-1.db", store, built)


@pytest.fixture(scope="module")
def ledgers(tiled: Tiled) -> Iterator[tuple[Ledger, Ledger]]:
    demo, copies = open_ledger(str(tiled.demo)), open_ledger(str(tiled.store))
    yield demo, copies
    demo.close()
    copies.close()


def _topics(path: Path) -> Counter[str]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT topic, COUNT(*) FROM stored_events GROUP BY topic").fetchall()
    return Counter({topic: count for topic, count in rows if not topic.startswith(IMPORT_RECORD)})


def _items(path: Path) -> list[dict[str, Any]]:
    lines = path.read_bytes().splitlines()
    return [item for item in map(orjson.loads, lines) if "command" in item]


def test_reference_rows_are_written_once_and_every_other_row_once_a_copy(tiled: Tiled) -> None:
    items = _items(tiled.source)
    reference = sum(ten_million.is_reference(item) for item in items)

    assert reference == 35  # initialise, programme, 3 years, 3 streets, 18 villages, 9 officers
    assert tiled.built.reference_rows == reference
    assert tiled.built.rows == reference + COPIES * (len(items) - reference)
    assert tiled.built.imports == 5


def test_the_tiled_ledger_holds_the_reference_events_once_and_every_other_event_3_times(
    tiled: Tiled,
) -> None:
    demo, copies = _topics(tiled.demo), _topics(tiled.store)
    expected = Counter({t: n if t.startswith(SHARED) else COPIES * n for t, n in demo.items()})

    assert copies == expected
    assert copies.total() == 3 * demo.total() - 2 * 35  # 3x the events, the reference once


def test_the_caseload_is_three_times_one_copy(ledgers: tuple[Ledger, Ledger]) -> None:
    demo, copies = (api.caseload(app) for app in ledgers)

    assert demo["totals"] == {"households": 884, "people": 1885}
    assert copies["totals"] == {"households": 3 * 884, "people": 3 * 1885}
    assert len(copies["groups"]) == len(demo["groups"])
    for one, three in zip(demo["groups"], copies["groups"], strict=True):
        assert three == {**one, "households": 3 * one["households"], "people": 3 * one["people"]}


def test_every_copy_keeps_each_account_and_its_balance(ledgers: tuple[Ledger, Ledger]) -> None:
    demo, copies = (api.funds(app) for app in ledgers)
    by_code = {a["account"]: a for a in copies["accounts"]}

    assert len(by_code) == COPIES * len(demo["accounts"])
    for account in demo["accounts"]:
        for copy in range(COPIES):
            code = account["account"] + (ten_million.suffix(copy) if copy else "")
            assert by_code[code] == {**account, "account": code}


def test_verify_reports_the_tiled_ledger_ok(tiled: Tiled, ledgers: tuple[Ledger, Ledger]) -> None:
    _, copies = ledgers

    report = verify_ledger(copies.recorder, copies.mapper)

    assert report.ok, report.problems[:3]
    assert report.size == tiled.built.events == copies.event_count()


def _row(command: str, ref: str, **args: Any) -> dict[str, Any]:
    return {"command": command, "ref": ref, "args": args}


def test_names_and_refs_get_the_copys_suffix_only_where_they_name_a_tiled_aggregate() -> None:
    finding = _row(
        "record_finding",
        "inspection:SI-WH-2018@2",
        inspection="SI-WH-2018",
        finding="F1",
        subject_kind="household",
        subject="WH-000001",
    )
    village = _row("record_finding", "inspection:DI-2016@2", inspection="DI-2016", finding="F1")
    village["args"] |= {"subject_kind": "village", "subject": "雄乡"}
    payment = _row("disburse", "fund:city-2016@4", account="city-2016", household="", street="江南")
    correction = _row("更正", "JN-CO-0001", kind="household", key="JN-000012", version=14)

    assert ten_million.rename(finding, 0) is finding
    assert ten_million.rename(finding, 1) == _row(
        "record_finding",
        "inspection:SI-WH-2018-c2@2",
        inspection="SI-WH-2018-c2",
        finding="F1",
        subject_kind="household",
        subject="WH-000001-c2",
    )
    assert ten_million.rename(village, 2)["args"]["subject"] == "雄乡"
    assert ten_million.rename(payment, 2) == _row(
        "disburse", "fund:city-2016-c3@4", account="city-2016-c3", household="", street="江南"
    )
    assert ten_million.rename(correction, 1) == _row(
        "更正", "JN-CO-0001-c2", kind="household", key="JN-000012-c2", version=14
    )
    assert not ten_million.is_reference(correction)
    assert ten_million.is_reference(_row("correct", "RS-1", kind="officer", key="jn-02"))
    assert ten_million.is_reference(_row("登记人员", "officer:jn-03@1", officer="jn-03"))


def test_the_smoke_run_measures_both_jobs(
    tiled: Tiled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ten_million.main(["--smoke", "--source", str(tiled.source), "--work", str(tmp_path)])

    out = capsys.readouterr().out
    assert "3 copies" in out
    assert "peak memory, rebuild" in out
    assert "peak memory, verify" in out


def test_bench_commands_runs_each_everyday_command_on_a_ledger(
    tiled: Tiled, tmp_path: Path
) -> None:
    # bench/commands.py (docs/performance.md): not a measurement here, only that it works.
    # On a copy: the one-row import appends to the store, and the tests above count events.
    store = tmp_path / "copy.db"
    with closing(sqlite3.connect(tiled.store)) as source, closing(sqlite3.connect(store)) as copy:
        source.backup(copy)
    before = _events(store)

    runs = commands.run(store)

    assert [r.exit_code for r in runs] == [0] * 5
    assert all(r.seconds > 0 and r.mib > 0 for r in runs)
    assert _events(store) == before + 2  # the visit and its import record


def _events(store: Path) -> int:
    with closing(sqlite3.connect(store)) as db:
        count: int = db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]
    return count
