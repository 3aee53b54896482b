"""Session 31, helper i: every topic the code reads stored events by (a scan by topic, a stored
row's topic compared, ``WHERE topic = …``) is one the ledger stores an event under, and every
event a read model routes by name is one it records.

Session 30 found ``ledger/exit_spared.py`` scanning for corrections under the topic of
``Household.Corrected``: eventsourcing gives every record a copy of the base class's event
classes (``Household.Corrected``, ``Officer.Amended`` …), which the ledger can read
(``ledger.privacy.event_class``), but a correction is recorded by the base class's ``@event``
method as ``LedgerAggregate.Corrected`` (an amendment as ``LedgerAggregate.Amended``), so the
scan found none and said nothing. A topic typed wrong, or of such a copy, fails here: in a
string of the source, in a module's constant, or given to ``get_topic`` (one the test cannot
work out alone is named in ``_WORKED_OUT``, with how to work it out)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import ledger as ledger_package
import projections
from eventsourcing import domain
from eventsourcing.utils import get_topic
from ledger import after_rejection, exit_spared, oversight_spared, reading
from ledger.application import Ledger
from ledger.base import LedgerAggregate
from ledger.casework import pairing_topics
from ledger.household import Household
from ledger.inspections import Inspection
from ledger.privacy import EVENT_CLASSES, EVENT_MODULES
from ledger.programme import AMENDABLE_RULES
from ledger.verification import _voidable_topics
from projections.catchup import MODELS

import cli
from tests.support import register, stamp

ROOT = Path(__file__).resolve().parents[2]
#: A topic of an event class as stored: ``ledger.household:Household.Identified``.
_TOPIC = re.compile(r"ledger\.[a-z_]+:[A-Z]\w*\.[A-Z]\w*")


def _recorded() -> frozenset[str]:
    """The topics the ledger stores its events under: the class each record's ``@event``
    methods trigger, and its creating event (eventsourcing's own tables of them, the ones
    ``trigger_event`` and ``_create`` take), of the ledger's modules."""
    every = EVENT_CLASSES.every()
    triggered = set(domain.decorated_func_callers.values())
    created = {
        made
        for record, classes in domain._created_event_classes.items()
        if record is not LedgerAggregate and record.__module__ in EVENT_MODULES
        for made in classes
    }
    return frozenset(get_topic(cls) for cls in every if cls in triggered | created)


def _modules() -> Iterator[ModuleType]:
    for package in (ledger_package, projections, cli):
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            yield importlib.import_module(info.name)


def _named_in(value: object) -> Iterator[str]:
    """The topics a module's constant names: in a string, or strings it holds."""
    if isinstance(value, str):
        yield from _TOPIC.findall(value)
    elif isinstance(value, (frozenset, set, tuple, list)):
        for item in value:
            yield from _named_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _named_in(key)
            yield from _named_in(item)


def _household(names: Iterable[str]) -> list[str]:
    return [get_topic(getattr(Household, name)) for name in names]


#: Each call of ``get_topic`` whose class the test cannot work out alone (a name a loop or an
#: argument gives), by file and function: the topics it gives, worked out from the constants
#: the code reads them by; None for one that filters nothing by them (learning every class).
_WORKED_OUT: dict[tuple[str, str], Callable[[], Iterable[str]] | None] = {
    ("ledger/reference.py", "check_nothing_judged_by"): lambda: _household(
        name for names in AMENDABLE_RULES.values() for name in names
    ),
    ("ledger/oversight_spared.py", "__init__"): lambda: [
        get_topic(getattr(Inspection, name)) for name in oversight_spared._SAID
    ],
    ("ledger/verification.py", "_voidable_topics"): _voidable_topics,
    ("ledger/exit_spared.py", "_topics"): lambda: [
        topic
        for name in ("Closed", "ExitProposed", "Corrected", *exit_spared._TAKES_IN)
        for topic in exit_spared._topics(name)
    ],
    ("ledger/reading.py", "compare_heads"): lambda: _household(reading._ID_CARD_EVENTS),
    ("ledger/after_rejection.py", "__init__"): lambda: _household(
        ("Reviewed", "ObjectionResolved", *after_rejection._STEPS)
    ),
    ("ledger/casework.py", "pairing_topics"): pairing_topics,
    ("ledger/privacy.py", "_learn"): None,
}


class _GetTopicCalls(ast.NodeVisitor):
    """Each ``get_topic(…)`` call of a module, with the function it is in."""

    def __init__(self) -> None:
        self.function = ""
        self.calls: list[tuple[str, ast.expr]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name == "get_topic" and len(node.args) == 1:
            self.calls.append((self.function, node.args[0]))
        self.generic_visit(node)


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstrings' nodes (their topics are examples: ``Household.X``)."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            found.add(id(body[0].value))
    return found


def _source(module: ModuleType) -> tuple[str, str]:
    path = Path(str(module.__file__))
    return path.relative_to(ROOT).as_posix(), path.read_text("utf-8")


def test_the_ledger_stores_a_correction_and_an_amendment_under_the_base_class_topic(
    ledger: Ledger,
) -> None:
    register(ledger, "JH-0001", serial=1)
    ledger.pair(stamp("jn-01", date(2016, 8, 11)), "JH-0001", "c-1")
    ledger.record_visit(stamp("jn-01", date(2016, 8, 12)), "JH-0001", "c-1", "入户")
    visit = ledger.history("JH-0001")[-1]["version"]
    ledger.correct(stamp("jn-01", date(2016, 8, 13)), "household", "JH-0001", visit, "重复")
    ledger.amend(
        stamp("jn-01", date(2016, 8, 14)), "household", "JH-0001", {"disabled": True}, "错"
    )

    stored = [n.topic for n in ledger.recorder.select_notifications(start=1, limit=1000)]

    assert stored[-2:] == [
        "ledger.base:LedgerAggregate.Corrected",
        "ledger.base:LedgerAggregate.Amended",
    ]
    assert set(stored) <= _recorded()
    assert "ledger.household:Household.Identified" in stored
    # the record's copies are read, never written
    assert get_topic(Household.Corrected) not in _recorded()  # type: ignore[attr-defined]
    assert get_topic(Household.Amended) not in _recorded()  # type: ignore[attr-defined]


def test_every_topic_a_string_or_constant_of_the_code_names_is_one_the_ledger_records() -> None:
    recorded = _recorded()
    wrong = []
    for module in _modules():
        where, text = _source(module)
        tree = ast.parse(text)
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or id(node) in docstrings:
                continue
            if isinstance(node.value, str):
                wrong += [f"{where}:{node.lineno} {t}" for t in _TOPIC.findall(node.value)]
        for name, value in vars(module).items():
            wrong += [f"{where} {name} = {t}" for t in _named_in(value)]
    assert [said for said in wrong if said.rsplit(" ", 1)[-1] not in recorded] == []
    assert any("ERASURE_TOPIC" in said for said in wrong)  # the constants were read


def test_every_class_given_to_get_topic_is_one_the_ledger_records() -> None:
    recorded = _recorded()
    wrong: list[str] = []
    unknown: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for module in _modules():
        where, text = _source(module)
        calls = _GetTopicCalls()
        calls.visit(ast.parse(text))
        for function, arg in calls.calls:
            if isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "type":
                continue  # an event's own class: the one it is stored under
            try:
                found: Any = eval(compile(ast.Expression(arg), where, "eval"), vars(module))
            except NameError:  # a name a loop or an argument gives
                seen.add((where, function))
                if (where, function) not in _WORKED_OUT:
                    unknown.append((where, function))
                continue
            if isinstance(found, type) and issubclass(found, LedgerAggregate):
                continue  # a record's own topic (an import register's creation names it)
            if get_topic(found) not in recorded:
                wrong.append(f"{where}:{arg.lineno} {get_topic(found)}")
    assert unknown == [], "say in _WORKED_OUT how to work out their topics"
    assert seen == set(_WORKED_OUT), "a call _WORKED_OUT names is no longer in the code"
    for worked_out in _WORKED_OUT.values():
        if worked_out is not None:
            wrong += [topic for topic in worked_out() if topic not in recorded]
    assert wrong == []


def test_every_event_a_read_model_routes_by_name_is_one_the_ledger_records() -> None:
    names = {topic.rsplit(".", 1)[-1] for topic in _recorded()}

    routed = {(model.name, name) for model in MODELS for name in model.handlers}

    assert {(model, name) for model, name in routed if name not in names | {"*"}} == set()
    assert ("households", "Corrected") in routed
