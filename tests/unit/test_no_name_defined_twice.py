"""No module or class of the code binds one name twice at its top level (a constant, a
function, a class; ``@overload`` stubs and property setters aside): the second hides the
first from every reader after it. Since session 34: ``ledger.values`` defined ``_TOO_FINE`` for
a time finer than a microsecond and, 480 lines on, for an amount of three decimals, and the
time's check read the amount's pattern (tester b: ``09:00:00.003+08`` was told it had more
than 6 digits of a second). Ruff's F811 sees a function or an import defined again, not a
constant; mypy sees it only when the types differ."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "projections", "cli", "bench", "tools", "tests")


def _bound_twice(tree: ast.Module) -> list[str]:
    found = []
    scopes: list[ast.Module | ast.ClassDef] = [tree]
    scopes += [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    for scope in scopes:
        lines: dict[str, list[int]] = defaultdict(list)
        for node in scope.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                decorators = [ast.unparse(d) for d in getattr(node, "decorator_list", [])]
                if any(d == "overload" or d.endswith((".setter", ".deleter")) for d in decorators):
                    continue
                lines[node.name].append(node.lineno)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id != "__all__":
                        lines[target.id].append(node.lineno)
        where = getattr(scope, "name", "module")
        found += [f"{where}.{name} {at}" for name, at in lines.items() if len(at) > 1]
    return found


def test_no_name_is_bound_twice_at_the_top_of_a_module_or_class() -> None:
    twice = {
        str(path.relative_to(ROOT)): found
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if (found := _bound_twice(ast.parse(path.read_text(encoding="utf-8"), str(path))))
    }

    assert twice == {}


def test_the_check_finds_a_constant_bound_again() -> None:
    tree = ast.parse("_A = 1\ndef f() -> int:\n    return _A\n_A = 2\n")

    assert _bound_twice(tree) == ["module._A [1, 4]"]
