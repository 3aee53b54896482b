"""Session 31 (brief h): every rule of ``SPARED_BEFORE`` (ledger/values.py), which an export's
replay spares so that a ledger an older fupin recorded still moves, is (a) checked in the code
by ``replay_spares(RULE …)``, (b) exercised by a test that replays an export holding what it
refuses (marked ``spared_on_replay(RULE)``: tests/conftest.py fails that test unless a row of
the replay was spared the rule), and (c) said where the ledger holds such an entry: named by
``fupin verify``'s notes (cli/verify.py), or shown by a report's fault (``REPORTED``). Session
30 found six rules with neither a replay test nor a note; a rule added without the three fails
here, naming what it lacks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from ledger.values import SPARED_BEFORE

ROOT = Path(__file__).resolve().parents[2]

#: The rules whose entries no ``fupin verify`` note names but a report shows, by the fault the
#: report gives them (docs/audit-guide.md §1, "The other rules an export's replay spares are
#: seen in a report"): report accountability's exit faults and registration faults, and
#: (since session 36) the list of ``household duplicates`` (cli/dossier.py) that needs the key.
REPORTED = {
    "exit_on_other_members": "members-changed",
    "signature_under_registration": "unsigned",
    "signature_after_registration": "signed-late",
    "exit_without_notice_room": "no-notice-room",
    # verify reads no personal data: `household duplicates` compares the heads, with the key
    "duplicate_of_other_head": "duplicates_of_other_heads",
}


def _trees(*places: str, holding: str = "") -> Iterator[tuple[Path, ast.Module]]:
    """Each Python file of ``places`` (folders, or files) under the repository whose text
    holds ``holding``, parsed."""
    for place in places:
        paths = [ROOT / place] if place.endswith(".py") else sorted((ROOT / place).rglob("*.py"))
        for path in paths:
            text = path.read_text(encoding="utf-8")
            if holding in text:
                yield path, ast.parse(text, str(path))


def _texts(tree: ast.AST) -> set[str]:
    """The string constants of ``tree`` but its docstrings (a statement of a string alone)."""
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    }


def _dicts(tree: ast.Module) -> dict[str, list[str]]:
    """The module's dictionaries of string values, by name (``_VOIDED_UNDER``)."""
    found = {}
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(value, ast.Dict) and isinstance(target, ast.Name):
            texts = [v.value for v in value.values if isinstance(v, ast.Constant)]
            if len(texts) == len(value.values) and all(isinstance(t, str) for t in texts):
                found[target.id] = [str(t) for t in texts]
    return found


def _chosen_from(function: ast.AST, name: str, dicts: dict[str, list[str]]) -> list[str]:
    """The rules a variable ``name`` of ``function`` holds, if it is set from a module's
    dictionary (``rule = _VOIDED_UNDER.get(…)``): its values; else none."""
    for node in ast.walk(function):
        if not (isinstance(node, ast.Assign) and any(_is_name(t, name) for t in node.targets)):
            continue
        value = node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            value = value.func.value if value.func.attr == "get" else value
        elif isinstance(value, ast.Subscript):
            value = value.value
        if isinstance(value, ast.Name) and value.id in dicts:
            return dicts[value.id]
    return []


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _calls_of(tree: ast.AST, name: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                yield node


def checked_rules() -> dict[str, list[str]]:
    """Each rule ``replay_spares`` is asked of in the product's code, with where."""
    found: dict[str, list[str]] = {}
    unread = []
    for path, tree in _trees("ledger", "cli", "projections", holding="replay_spares("):
        dicts = _dicts(tree)
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for function in functions:
            for call in _calls_of(function, "replay_spares"):
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                first = call.args[0] if call.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    rules = [first.value]
                elif isinstance(first, ast.Name):
                    rules = _chosen_from(function, first.id, dicts)
                else:
                    rules = []
                if not rules:
                    unread.append(where)
                for rule in rules:
                    found.setdefault(rule, []).append(where)
    assert not unread, f"replay_spares asked of a rule this test cannot read: {unread}"
    return found


def test_each_rule_is_checked_by_replay_spares_and_each_rule_asked_is_one() -> None:
    checked = checked_rules()

    assert sorted(set(SPARED_BEFORE) - set(checked)) == []
    assert sorted(set(checked) - set(SPARED_BEFORE)) == []


def _marked(node: ast.AST) -> Iterator[str]:
    """The rules of each ``pytest.mark.spared_on_replay(…)`` in ``node``."""
    for call in _calls_of(node, "spared_on_replay"):
        func = call.func
        if isinstance(func, ast.Attribute) and getattr(func.value, "attr", None) == "mark":
            yield from (str(a.value) for a in call.args if isinstance(a, ast.Constant))


def replayed_rules() -> set[str]:
    """Each rule a test claims to replay an export of (``spared_on_replay`` on the test, or on
    one of its ``pytest.param``)."""
    return {
        rule
        for _, tree in _trees("tests", holding="spared_on_replay(")
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        for decorator in node.decorator_list
        for rule in _marked(decorator)
    }


def test_each_rule_has_a_test_replaying_an_export_that_holds_what_it_refuses() -> None:
    replayed = replayed_rules()

    assert sorted(set(SPARED_BEFORE) - replayed) == []
    assert sorted(replayed - set(SPARED_BEFORE)) == []


def test_each_rule_is_named_by_a_verify_note_or_shown_by_a_reports_fault() -> None:
    (_, verify), *_ = _trees("cli/verify.py")
    named = _texts(verify) & set(SPARED_BEFORE)
    faults = set().union(*(_texts(tree) for _, tree in _trees("projections", "cli/dossier.py")))

    unsaid = sorted(set(SPARED_BEFORE) - named - set(REPORTED))
    assert unsaid == [], f"no verify note names these rules nor a report shows them: {unsaid}"
    assert sorted(set(REPORTED) - set(SPARED_BEFORE)) == []
    assert sorted(named & set(REPORTED)) == []  # a rule verify notes is not listed here
    assert {rule: fault for rule, fault in REPORTED.items() if fault not in faults} == {}
