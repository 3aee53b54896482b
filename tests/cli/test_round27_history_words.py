"""Session 27, tester E: ``fupin history`` showed events by their English names alone
(``Identified``, ``NoticePosted``) though docs/events.md gives each its Chinese term, and its
details as Python values (``dibao=True``, ``measure={'measure_id': 'M2016', …}``, money in fen);
the demo's measures read "2016年industry帮扶". The event column shows the term beside the name
(``Identified 识别``), the details are written as the rest of the CLI writes values (yes/no,
nested values as key=value, money in yuan), JSON keeps the recorded data, and the demo writes
the category's Chinese term (2016年产业帮扶)."""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

from ledger.demo.plan import build_population
from ledger.demo.script import Script
from ledger.event_terms import EVENT_TERMS

from tests.cli.conftest import Fupin, doc, history_rows

STORE_INDEPENDENT = "the timeline's words: SQLite is enough (tests/conftest.py)"

ROOT = Path(__file__).resolve().parents[2]


def test_the_timeline_names_each_event_in_chinese_and_writes_no_python_values(
    seeded: Fupin,
) -> None:
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}", "jn-01")

    table = seeded.ok("history JH-0001", "admin").stdout

    for shown in ("Identified 识别", "NoticePosted 张榜公示", "HelperPaired 结对帮扶"):
        assert shown in table
    assert "dibao=yes" in table
    assert "labour=yes" in table
    assert "income=9000.00 yuan" in table
    assert "measure=(measure_id=m-1, category=education, description=学费, budget=" in table
    for python in ("=True", "=False", "{'", "_fen="):
        assert python not in table


def test_the_timeline_as_json_keeps_the_recorded_data(seeded: Fupin) -> None:
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-11-30')}", "jn-01")

    rows = history_rows(seeded, "JH-0001")

    assert rows[0]["event"] == "Identified"
    assert rows[0]["details"]["dibao"] is True  # type: ignore[index]
    assert rows[-1]["details"]["income_fen"] == 900_000  # type: ignore[index]


def test_every_event_has_the_chinese_term_docs_events_gives_it() -> None:
    recorded = set(re.findall(r'@event\("(\w+)"', _ledger_source()))
    recorded |= set(re.findall(r'event_of\("(\w+)"', _ledger_source()))
    docs = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    in_docs = dict(re.findall(r"^\| `(\w+)` ([^|✎(]+?)(?: ✎)?(?: \([^|]*\))? \|", docs, re.M))

    assert recorded <= set(EVENT_TERMS), recorded - set(EVENT_TERMS)
    assert {e: EVENT_TERMS[e] for e in in_docs} == in_docs
    for event in set(EVENT_TERMS) - set(in_docs):  # the rest, named in one paragraph
        assert f"`{event}` {EVENT_TERMS[event]}" in docs


def test_the_demos_measures_are_described_in_chinese() -> None:
    rng = random.Random(2016)
    script = Script(build_population(rng, 1), rng, 1)
    for step in (script.reference, script.identification, script.pairing, script.inspections):
        step()
    script.year(2016)

    described = [
        str(a.args[3]) for a in script.take(date(2016, 12, 31)) if a.command == "plan_measure"
    ]

    assert "2016年产业帮扶" in described
    assert not [d for d in described if re.search("[A-Za-z]", d)]


def _ledger_source() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (ROOT / "ledger").rglob("*.py"))
