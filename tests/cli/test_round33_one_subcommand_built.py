"""Session 33 (the suite's time, the brief of helper b): ``fupin household ...`` built every
household command's click command, reading each one's parameters, to run one of them (~20 ms a
process, and as much a CliRunner call: tests/cli calls ``household`` commands hundreds of
times). Now a group is built with only the command its arguments name (``load_command(name,
subcommand)``), and whole for its own ``--help``, a name it does not know and shell completion.
These tests keep the command so built the same as the whole group's, for every command of
every group: its parameters, settings and the wrappers ``load_command`` applies (``_shape``),
its help page and its usage errors, byte for byte."""

from __future__ import annotations

import functools
import importlib
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cli.main
import pytest
import typer
from cli.main import COMMANDS, app, load_command
from typer._click.core import Command, Context, Parameter
from typer.core import TyperGroup, TyperOption
from typer.main import get_command
from typer.testing import CliRunner

#: Every group of ``fupin`` and each of its commands, as the whole group lists them.
GROUPS = {
    name: list(command.commands)
    for name in COMMANDS
    if isinstance(command := load_command(name), TyperGroup)
}
SUBCOMMANDS = [(group, sub) for group, subs in GROUPS.items() for sub in subs]


def _shape(value: Any, seen: frozenset[int] = frozenset()) -> Any:
    """``value`` as plain data to compare two builds by: a command's or parameter's attributes,
    and each function by its name and what it wraps or closes over (``parse_args`` wrapped by
    ``refuse_repeated_options`` around click's own, a callback by ``check_typed_text`` around
    typer's around the module's function), never by its identity."""
    if value is None or isinstance(value, bool | int | float | str | bytes | type):
        return value
    if id(value) in seen:
        return ("again", type(value).__qualname__)
    seen = seen | {id(value)}
    if isinstance(value, list | tuple | set | frozenset):
        return [_shape(item, seen) for item in value]
    if isinstance(value, dict):
        return {key: _shape(item, seen) for key, item in value.items()}
    if isinstance(value, Command):  # a wrapper's own command: the command it wraps, by name
        return ("command", value.name)
    if isinstance(value, types.MethodType):
        return ("method", value.__func__.__qualname__, _shape(value.__func__, seen))
    if isinstance(value, types.FunctionType):
        cells = {
            name: _shape(cell.cell_contents, seen)
            for name, cell in zip(value.__code__.co_freevars, value.__closure__ or (), strict=True)
        }
        wrapped = getattr(value, "__wrapped__", None)
        return (
            "function",
            value.__module__,
            value.__code__.co_qualname,
            cells,
            _shape(wrapped, seen),
        )
    if hasattr(value, "__dict__"):
        return (type(value).__qualname__, _shape(vars(value), seen))
    return (type(value).__qualname__, repr(value))


def _built(command: Command) -> dict[str, Any]:
    """``command``'s attributes but its commands (a group's are compared one by one)."""
    return {key: _shape(item) for key, item in vars(command).items() if key != "commands"}


@pytest.mark.parametrize(("group", "sub"), SUBCOMMANDS)
def test_a_group_built_for_one_command_is_the_whole_group_but_its_other_commands(
    group: str, sub: str
) -> None:
    whole = load_command(group)
    alone = load_command(group, sub)

    assert isinstance(whole, TyperGroup)
    assert isinstance(alone, TyperGroup)
    assert list(alone.commands) == [sub]
    assert _built(alone) == _built(whole)
    assert _built(alone.commands[sub]) == _built(whole.commands[sub])


#: The wrappers ``load_command`` applies to every group, in its order.
WRAPPERS = (
    cli.main.check_typed_text,
    cli.main.refuse_repeated_options,
    cli.main.read_whole_numbers_strictly,
    cli.main.reflow_help,
)


@pytest.mark.parametrize("left_out", [wrap.__name__ for wrap in WRAPPERS])
def test_the_shape_tells_each_wrapper_left_out(left_out: str) -> None:
    """``_shape`` sees each wrapper ``load_command`` applies: ``household identify`` (text, a
    whole number, options, a help of many lines) built without one of them is told apart from
    the one ``load_command`` builds, and built with all of them is not."""
    built = load_command("household")
    assert isinstance(built, TyperGroup)
    group, every = _unwrapped("household"), _unwrapped("household")
    for wrap in WRAPPERS:
        wrap(every)
        if wrap.__name__ != left_out:
            wrap(group)

    assert _built(every.commands["identify"]) == _built(built.commands["identify"])
    assert _built(group.commands["identify"]) != _built(built.commands["identify"])


def _unwrapped(name: str) -> TyperGroup:
    """The group ``name`` built as ``load_command`` builds it, before its wrappers."""
    target = getattr(importlib.import_module(COMMANDS[name][0]), COMMANDS[name][1])
    holder = typer.Typer(add_completion=False, rich_markup_mode="rich")
    holder.callback()(cli.main._nothing)
    holder.add_typer(cli.main._group_with(name, target, None), name=name)
    group = get_command(holder)
    assert isinstance(group, TyperGroup)
    command = group.commands[name]
    assert isinstance(command, TyperGroup)
    return command


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty working directory and no store from the environment; nothing is left in it."""
    monkeypatch.chdir(tmp_path)
    for variable in ("LEDGER_STORE", "LEDGER_ACTOR", "LEDGER_KEY"):
        monkeypatch.delenv(variable, raising=False)
    yield tmp_path
    assert list(tmp_path.iterdir()) == []


def _said(args: list[str], monkeypatch: pytest.MonkeyPatch, *, whole: bool) -> tuple[int, str]:
    """What ``fupin args`` says and its exit code, its group built as it runs, or whole."""
    with monkeypatch.context() as patch:
        if whole:
            patch.setattr(cli.main, "load_command", lambda name, _sub=None: _whole(name))
        result = CliRunner().invoke(app, args, env={"COLUMNS": "100"})
    return result.exit_code, result.output


@functools.cache
def _whole(name: str) -> Command:
    """The whole group ``name``, built once: a command holds nothing of a run."""
    return load_command(name)


def _usage_cases(group: str, sub: str) -> list[tuple[list[str], str]]:
    """The command lines whose pages and usage errors a command has, each with what it says:
    its help, an unknown option, no arguments where one is required, an option given twice."""
    whole = _whole(group)
    assert isinstance(whole, TyperGroup)
    command = whole.commands[sub]
    usage = f"Usage: fupin {group} {sub} "
    cases = [([group, sub, "--help"], usage), ([group, sub, "--no-such-option"], usage)]
    if any(param.required for param in command.params):
        cases.append(([group, sub], usage))
    twice = [param for param in command.params if _takes_one_value(param)]
    if twice:
        option = max(twice[0].opts, key=len)
        cases.append(([group, sub, option, "1", option, "1"], f"{option} is given more than once"))
    return cases


def _takes_one_value(param: Parameter) -> bool:
    return (
        isinstance(param, TyperOption)
        and not (param.is_flag or param.multiple or param.count)
        and param.nargs == 1
    )


@pytest.mark.parametrize("group", list(GROUPS))
def test_each_command_s_help_and_usage_errors_are_the_whole_group_s(
    group: str, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for sub in GROUPS[group]:
        for args, says in _usage_cases(group, sub):
            code, said = _said(args, monkeypatch, whole=False)

            assert (code, said) == _said(args, monkeypatch, whole=True), args
            assert code == (0 if args[-1] == "--help" else 2), (args, said)
            assert says in said, args


@pytest.mark.parametrize("group", list(GROUPS))
def test_a_group_s_own_help_and_a_mistyped_command_are_the_whole_group_s(
    group: str, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = GROUPS[group][0]
    typo = first[:-1] + ("x" if first[-1] != "x" else "y")
    for args in ([group, "--help"], [group, typo]):
        assert _said(args, monkeypatch, whole=False) == _said(args, monkeypatch, whole=True), args
    code, said = _said([group, "--help"], monkeypatch, whole=False)
    assert code == 0
    assert all(f"│ {sub} " in said for sub in GROUPS[group]), said  # every command listed
    code, said = _said([group, typo], monkeypatch, whole=False)
    if group == "import":  # ``fupin import FILE``: a name of no command is a file's
        assert f"{typo}, file: cannot be read" in said
        return
    assert code == 2
    assert f"No such command '{typo}'" in said
    assert f"Did you mean '{first}'" in said  # the group's commands, whole, to suggest from


def test_a_command_run_is_built_alone_and_a_mistyped_one_whole() -> None:
    root = get_command(app)
    assert isinstance(root, TyperGroup)
    context = Context(root, info_name="fupin")

    _name, show, _rest = root.resolve_command(context, ["household", "show", "JN-000001"])
    _name, typo, _rest = root.resolve_command(context, ["household", "shwo", "JN-000001"])
    _name, helped, _rest = root.resolve_command(context, ["household", "--help"])

    assert isinstance(show, TyperGroup)
    assert list(show.commands) == ["show"]
    assert isinstance(typo, TyperGroup)
    assert list(typo.commands) == GROUPS["household"]
    assert isinstance(helped, TyperGroup)
    assert list(helped.commands) == GROUPS["household"]


def test_shell_completion_builds_the_whole_group() -> None:
    root = get_command(app)
    assert isinstance(root, TyperGroup)
    context = Context(root, info_name="fupin", resilient_parsing=True)

    _name, group, _rest = root.resolve_command(context, ["household", "show"])

    assert isinstance(group, TyperGroup)
    assert list(group.commands) == GROUPS["household"]


def test_the_group_s_own_module_is_left_as_it_was() -> None:
    """Building a group, alone or whole, adds nothing to its module's ``typer.Typer``: the
    commands another module adds (``EXTRA_COMMANDS``) go to a copy."""
    from cli.household import household_app

    before = list(household_app.registered_commands)
    load_command("household", "show")
    load_command("household", "identify")
    load_command("household")

    assert household_app.registered_commands == before
    assert "show" not in {info.name for info in before}


def test_a_control_character_is_refused_by_a_command_built_alone(
    cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["household", "show", "JN\x07000001"]
    code, said = _said(args, monkeypatch, whole=False)

    assert (code, said) == _said(args, monkeypatch, whole=True)
    assert code == 2
    assert "refused household" in said
