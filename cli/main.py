"""``fupin`` 扶贫: the command line of the poverty-alleviation audit ledger.

One ``Typer()`` per noun, composed here. Global options come before the command::

    fupin --store fupin.db --as jn-01 household visit JH-0001 --helper c-001 -d 江南扶贫〔2016〕12号

Each noun's module is imported only when its command runs (``COMMANDS`` below): ``fupin --help``
then starts without loading the ledger, eventsourcing or a database driver (docs/performance.md).
The console script is ``cli.entry.run``: it serves the top-level help from a cache once rendered
here, and calls ``run`` below for everything else.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import Annotated, Any

import typer
from typer._click.core import Command, Context, Parameter
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo

from cli.screen import mend_rich_wrap

mend_rich_wrap()  # help and tables wrap Chinese without cutting a word (cli/screen.py)

#: Command name -> (module, attribute, one-line help shown by ``fupin --help``), in help order.
#: The help must be the command's own first line (tests/cli/test_startup.py checks it).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": (
        "cli.ledger_cmds",
        "init",
        "Create an empty ledger and register its first admin (the district office 区扶贫办).",
    ),
    "history": (
        "cli.ledger_cmds",
        "history",
        "A household's timeline 户档案时间线: what happened, who recorded it, when, and why.",
    ),
    "log": (
        "cli.ledger_cmds",
        "log",
        "The raw event stream 事件流 as JSON lines, with provenance, in recording order.",
    ),
    "correct": (
        "cli.corrections",
        "correct",
        "Void a mistaken entry 更正 (a visit, an income assessment, a payment...), saying why.",
    ),
    "verify": (
        "cli.verify",
        "verify",
        "Recompute everything 全面核验: signatures, roles, the Merkle root, every checkpoint.",
    ),
    "checkpoint": (
        "cli.verify",
        "checkpoint",
        "Sign the current tree head 签发检查点 with the log key; write it and record it.",
    ),
    "prove": (
        "cli.verify",
        "prove",
        "Write a household's events with inclusion proofs 包含证明 against a checkpoint.",
    ),
    "prove-consistency": (
        "cli.verify",
        "prove_consistency_of",
        "Prove a newer checkpoint extends an older one 一致性证明 (RFC 9162 consistency proof).",
    ),
    "query": (
        "cli.query",
        "query",
        "Run one read-only SELECT over the read models 读模型 (tables in docs/reports.md).",
    ),
    "backup": (
        "cli.backup",
        "backup",
        "Copy the whole store 备份 (events, read models, keys) into FILE, which must not exist.",
    ),
    "restore": (
        "cli.backup",
        "restore",
        "Restore FILE 恢复 into an empty store, verified against every --checkpoint first.",
    ),
    "demo": (
        "cli.demo",
        "demo",
        "Build a realistic synthetic history 演示数据 in a new store, then summarise the reports.",
    ),
    "programme": (
        "cli.programme",
        "programme_app",
        "The programme 扶贫实施方案 and its yearly parameters 年度参数.",
    ),
    "place": ("cli.places", "place_app", "Streets 街道 and villages / communities 村（社区）."),
    "officer": (
        "cli.officers",
        "officer_app",
        "Officers 记录人: who may record what, and for which street 街道.",
    ),
    "helper": (
        "cli.helpers",
        "helper_app",
        "Helpers 帮扶责任人 of the 4+1 model, and employment 就业 of workers.",
    ),
    "household": (
        "cli.household",
        "household_app",
        "Households 贫困户: identification 识别 to exit 退出 and return 返贫.",
    ),
    "fund": (
        "cli.funds",
        "fund_app",
        "Fund accounts 扶贫资金: allocations 拨付 and disbursements 支出.",
    ),
    "inspection": (
        "cli.inspections",
        "inspection_app",
        "Inspections 督查: findings 问题, rectification 整改, notices 通报, talks 约谈.",
    ),
    "keys": (
        "cli.keys",
        "keys_app",
        "Signing keys 签名密钥: every save of a keyed officer is signed.",
    ),
    "report": ("cli.reports", "report_app", "Reports 统计报表: caseload, funds, accountability."),
    "projections": (
        "cli.projections_cmds",
        "projections_app",
        "Read models 读模型: rebuild from zero, show positions.",
    ),
    "import": (
        "cli.importing",
        "import_app",
        "Bulk import 批量导入 from JSONL, CSV or XLSX files, all or nothing (docs/import.md).",
    ),
    "export": ("cli.exporting", "export_app", "Export 导出 the event log or a report."),
    "erase": (
        "cli.privacy",
        "erase",
        "Erase a household's personal data 删除个人信息 for good (admin): its key is destroyed.",
    ),
    "notice": (
        "cli.privacy",
        "notice",
        "Public notice list 公示名单 of a street for a period, names and ID numbers masked.",
    ),
}

#: Commands another module adds to a noun's group: group -> [(name, module, attribute)].
EXTRA_COMMANDS: dict[str, list[tuple[str, str, str]]] = {
    "household": [
        ("show", "cli.dossier", "show"),
        ("duplicates", "cli.dossier", "duplicates"),
    ],
    "report": [("html", "cli.report_html", "html")],
    "keys": [
        ("new-master", "cli.privacy", "new_master"),
        ("rotate-master", "cli.privacy", "rotate_master"),
        ("check", "cli.privacy", "check_keys"),
    ],
}


def load_command(name: str, subcommand: str | None = None) -> Command:
    """The real click command ``name``, built exactly as ``app.add_typer`` / ``app.command``
    would build it inside ``app`` (imports its module on first use). A group is built with
    only ``subcommand`` when that names one of its commands (``_LazyGroup.resolve_command``:
    the command that runs), its callback, settings and help as they are: building every
    command of ``household`` took ~20 ms of each ``fupin household ...`` (session 33). Any
    other ``subcommand`` (none, ``--help``, a name mistyped) builds the whole group, whose
    help and usage errors list its commands."""
    module, attribute, _ = COMMANDS[name]
    target: Any = getattr(importlib.import_module(module), attribute)
    holder = typer.Typer(add_completion=False, rich_markup_mode="rich")
    holder.callback()(_nothing)
    if isinstance(target, typer.Typer):
        holder.add_typer(_group_with(name, target, subcommand), name=name)
    else:
        holder.command(name)(target)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    command = group.commands[name]
    check_typed_text(command)
    refuse_repeated_options(command)
    read_whole_numbers_strictly(command)
    if name == "query":
        take_sql_that_looks_like_an_option(command)
    reflow_help(command)
    return command


def _group_with(name: str, target: typer.Typer, subcommand: str | None) -> typer.Typer:
    """A copy of the group ``target`` (its callback and settings) holding its commands and
    those ``EXTRA_COMMANDS`` adds to it, or only ``subcommand`` if it names one of them;
    ``target`` itself is left as its module made it."""
    extras = [
        (extra, module, attribute)
        for extra, module, attribute in EXTRA_COMMANDS.get(name, [])
        if not any(info.name == extra for info in target.registered_commands)
    ]
    names = {_command_name(info) for info in target.registered_commands}
    whole = subcommand not in (names | {extra for extra, _, _ in extras})
    group = copy.copy(target)
    group.registered_commands = [
        info for info in target.registered_commands if whole or _command_name(info) == subcommand
    ]
    for extra, module, attribute in extras:
        if whole or extra == subcommand:
            group.command(extra)(getattr(importlib.import_module(module), attribute))
    return group


def _command_name(info: CommandInfo) -> str:
    """The name typer gives the command ``info`` registers (``get_command_from_info``)."""
    assert info.callback is not None
    return info.name or typer.main.get_command_name(info.callback.__name__)


def take_sql_that_looks_like_an_option(command: Command) -> None:
    """Make ``query`` take as its SQL an argument that begins with ``-`` but can be no option
    (``$'-- caseload by street\nselect 1'``, a leading comment, as docs/reports.md allows):
    one whose name, before any ``=``, holds a blank or a line break, which no option's does
    (re-tester, session 24: "No such option: -- caseload…"). It is moved after a ``--``, so
    click reads it as the argument; an option mistyped (``--fromat``) is still no SQL."""
    parse = command.parse_args

    def parse_args(ctx: Context, args: list[str]) -> list[str]:
        return parse(ctx, sql_after_separator(args))

    command.parse_args = parse_args  # type: ignore[method-assign]


def sql_after_separator(args: list[str]) -> list[str]:
    """``args`` with each one before any ``--`` that begins with ``-`` and whose name (before
    any ``=``) holds whitespace moved after a ``--``, ahead of what followed it."""
    cut = args.index("--") if "--" in args else len(args)

    def sql(arg: str) -> bool:
        return arg.startswith("-") and any(c.isspace() for c in arg.split("=", 1)[0])

    moved = [arg for arg in args[:cut] if sql(arg)]
    if not moved:
        return args
    kept = [arg for arg in args[:cut] if not sql(arg)]
    return [*kept, "--", *moved, *args[cut + 1 :]]


def reflow_help(command: Command) -> None:
    """Join the lines of each paragraph of ``command``'s help (and its subcommands'): typer's
    rich mode keeps a docstring's line breaks, so a help read at 80 columns broke each line
    of the source twice, once where the source did and once where the screen did (tester,
    session 17: ``fund --help`` wrapped mid-sentence). A paragraph of indented lines, list
    items or one marked ``\\b`` keeps its lines."""
    if isinstance(command, TyperGroup):
        for subcommand in command.commands.values():
            reflow_help(subcommand)
    if command.help:
        command.help = "\n\n".join(_joined(part) for part in command.help.split("\n\n"))


def _joined(paragraph: str) -> str:
    lines = paragraph.splitlines()
    if paragraph.startswith("\b") or any(line.startswith((" ", "- ", "* ")) for line in lines[1:]):
        return paragraph
    return " ".join(line.strip() for line in lines)


def refuse_repeated_options(command: Command) -> None:
    """Make ``command`` (and each of its subcommands) refuse an option that takes one value
    and is given twice: click keeps the last silently, so ``disburse --amount 100 ...
    --amount 1000`` paid 1,000 yuan."""
    if isinstance(command, TyperGroup):
        for subcommand in command.commands.values():
            refuse_repeated_options(subcommand)
    parse = command.parse_args

    def parse_args(ctx: Context, args: list[str]) -> list[str]:
        _check_given_once(command, ctx, args)
        return parse(ctx, args)

    command.parse_args = parse_args  # type: ignore[method-assign]


def _check_given_once(command: Command, ctx: Context, args: list[str]) -> None:
    from typer._click.exceptions import UsageError
    from typer.core import TyperOption

    if ctx.resilient_parsing:
        return  # shell completion parses what is typed so far
    try:
        _opts, _rest, order = command.make_parser(ctx).parse_args(args=list(args))
    except UsageError:
        return  # click's own parse says what is wrong
    if any(param.name == "help" for param in order):
        return  # --help, parsed as the option (not a value: --note --help), wins over a mistake
    seen: set[str] = set()
    for param in order:
        if not isinstance(param, TyperOption) or param.multiple or param.count:
            continue
        # A flag repeats harmlessly, unless it has an opposite: --accepted --rejected kept
        # the last as silently as a value given twice (such a switch is given once, either
        # way: --accepted --accepted is refused too).
        if param.is_flag and not param.secondary_opts:
            continue
        if param.name in seen:
            from cli import common

            common.refusals(_given_twice)(param)
        seen.add(param.name or "")


def read_whole_numbers_strictly(command: Command) -> None:
    """Make ``command`` (and each of its subcommands) read each whole-number parameter (one
    annotated ``int``) as ``ledger.values.parse_whole_number`` does, before it runs: typer's
    own conversion (pydantic's, lax) read ``--members 1_0`` as 10, ``3.0`` as 3, ``+2`` as 2,
    and refused ``２０１８`` in its usage box without a word of its digits (tester, session 25).
    A negative number where such an argument stands (``correct household JN-000003 -1``) is
    read as that argument's value, not as an unknown option (``negative_numbers_as_arguments``),
    so that its own rule refuses it."""
    if isinstance(command, TyperGroup):
        for subcommand in command.commands.values():
            read_whole_numbers_strictly(subcommand)
    wholes = [param for param in command.params if _whole_annotation(_annotation(param))]
    for param in wholes:
        _read_strictly(param)
    if any(param.param_type_name == "argument" for param in wholes):
        parse = command.parse_args

        def parse_args(ctx: Context, args: list[str]) -> list[str]:
            return parse(ctx, negative_numbers_as_arguments(command, args))

        command.parse_args = parse_args  # type: ignore[method-assign]


def _annotation(param: Parameter) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    return None if descriptor is None else descriptor.annotation


def _whole_annotation(annotation: Any) -> bool:
    """Whether ``annotation`` is ``int`` (not ``bool``), or an optional one, or a list or
    tuple of them."""
    import types
    import typing

    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kept = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return bool(kept) and all(_whole_annotation(arg) for arg in kept)
    if origin in (list, tuple):
        kept = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        return bool(kept) and all(_whole_annotation(arg) for arg in kept)
    return annotation is int


def _read_strictly(param: Parameter) -> None:
    process = param.process_value
    field = _field(param)

    def process_value(ctx: Context, value: Any) -> Any:
        if not ctx.resilient_parsing:  # shell completion reads what is typed so far
            if isinstance(value, str):
                value = _whole(field, value)
            elif isinstance(value, list | tuple):
                value = type(value)(_whole(field, v) if isinstance(v, str) else v for v in value)
        return process(ctx, value)

    param.process_value = process_value  # type: ignore[method-assign]


def _whole(field: str, text: str) -> int:
    from ledger.values import parse_whole_number

    from cli import common

    return common.refusals(parse_whole_number)(text, field)


def negative_numbers_as_arguments(command: Command, args: list[str]) -> list[str]:
    """``args`` with each argument before the separator ``--`` that is a negative number
    (``-1``), and stands where no option takes it as its value, read as an argument: the
    options first, then a ``--``, then the arguments in their order (click read ``-1`` as an
    unknown option). No option of fupin is named by a ``-`` and digits. What follows an option
    that takes a value is that value, a ``-1`` or a ``--`` alike (``-d --`` records ``--``), as
    click reads it; an option left without its value at the end (``--reason`` last) is left
    last, so that click says it requires one, naming it (since session 25: the ``--`` put
    before the arguments was taken as its value)."""
    import re

    takes: dict[str, int] = {}
    for param in command.params:
        if param.param_type_name == "option" and not (
            getattr(param, "is_flag", False) or getattr(param, "count", False)
        ):
            for name in (*param.opts, *getattr(param, "secondary_opts", [])):
                takes[name] = param.nargs
    kept: list[str] = []
    arguments: list[str] = []
    moved = False
    at = 0
    while at < len(args):
        arg = args[at]
        if arg == "--":
            break
        if arg in takes:
            if at + takes[arg] >= len(args):  # its value missing: click says so, naming it
                return [*kept, arg] if moved else args
            kept.extend(args[at : at + 1 + takes[arg]])
            at += 1 + takes[arg]
            continue
        if re.fullmatch(r"-[0-9]+", arg, re.ASCII):
            arguments.append(arg)
            moved = True
        elif arg.startswith("-") and arg != "-":
            kept.append(arg)
        else:
            arguments.append(arg)
        at += 1
    if not moved:
        return args
    return [*kept, "--", *arguments, *args[at + 1 :]]


def _given_twice(param: Parameter) -> None:
    from ledger.errors import InputError

    names = "/".join(
        max(opts, key=len) for opts in (param.opts, getattr(param, "secondary_opts", [])) if opts
    )
    raise InputError(_field(param), f"{names} is given more than once: give it once")


def check_typed_text(command: Command) -> None:
    """Make ``command`` (and each of its subcommands) refuse, before it runs, an argument or
    option whose text holds a control character or bytes that are not UTF-8, or is longer
    than ``ledger.values.MAX_TEXT``: the text ``fupin import`` refuses too, which no event
    may hold."""
    if isinstance(command, TyperGroup):
        for subcommand in command.commands.values():
            check_typed_text(subcommand)
    if command.callback is not None:
        fields = {param.name: _field(param) for param in command.params if param.name}
        command.callback = _text_checked(command.callback, fields)


#: Options whose refusals of their values name them otherwise than ``_field``'s rule: the
#: bounds a view or the log is read by, and the log key, named as typed (``refused as-of:
#: '2017-13-01' is no day of the calendar``); the new master key file, as ``new_key``. Every
#: refusal of such an option names the same field (since session 29, tester of session 28:
#: ``--as-of`` given twice was refused on ``as_of``).
FIELDS = {
    "--as-of": "as-of",
    "--known-at": "known-at",
    "--effective-from": "effective-from",
    "--effective-to": "effective-to",
    "--recorded-from": "recorded-from",
    "--recorded-to": "recorded-to",
    "--document-like": "document-like",
    "--log-key": "log-key",
    "--drop-unfinished": "drop-unfinished",
    "--new-key-file": "new_key",
}


def _field(param: Parameter) -> str:
    """The field a refusal names: an option as typed (``--id-card`` -> ``id_card``) unless
    ``FIELDS`` names it, or the argument's name."""
    if param.param_type_name != "option" or not param.opts:
        return param.name or "argument"
    name = max(param.opts, key=len)
    return FIELDS.get(name, name.lstrip("-").replace("-", "_"))


#: Arguments that never reach an event (an analyst's SQL, pasted with CR LF line ends or
#: longer than any field; since session 28, re-tester S, the dates and times a view or the log
#: is bounded by, which their parsers refuse unless they are one, so an ID card typed there is
#: told it is no date, not quoted, and not that text is stored in clear): only checked to be
#: UTF-8.
NOT_RECORDED = frozenset(
    {"sql", "as_of", "known_at", "effective_from", "effective_to", "recorded_from", "recorded_to"}
)

#: File arguments a command looks at itself, naming every one it cannot read (``import``'s
#: files): not refused here at the first.
PATHS_LOOKED_AT = frozenset({"files"})


def _text_checked(callback: Callable[..., Any], fields: dict[str, str]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def checked(*args: Any, **kwargs: Any) -> Any:
        from cli import common

        common.refusals(_check_arguments)(fields, kwargs)
        return callback(*args, **kwargs)

    return checked


def _check_arguments(fields: dict[str, str], kwargs: dict[str, Any]) -> None:
    """The ledger's own rules for text and whole numbers (``ledger.values``), so that what
    an officer types is refused as ``fupin import`` refuses it, before anything runs; and a
    file path the system cannot even look up (a name too long, a loop of links), refused
    naming its option rather than ending the command in an ``OSError``."""
    from ledger.store import check_path
    from ledger.values import check_text, check_whole_number

    for name, value in kwargs.items():
        for given in value if isinstance(value, list | tuple) else (value,):
            if isinstance(given, str):
                check_text(fields.get(name, name), given, recorded=name not in NOT_RECORDED)
            elif type(given) is int:
                check_whole_number(fields.get(name, name), given)
            elif isinstance(given, PurePath) and name not in PATHS_LOOKED_AT:
                check_path(Path(given), fields.get(name, name))


def _nothing() -> None:
    """A placeholder group callback: ``load_command`` takes the command back out."""


class _LazyGroup(TyperGroup):
    """Lists every command from ``COMMANDS`` and imports one only when it runs."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name not in COMMANDS:
            return None
        if ctx.resilient_parsing:  # shell completion needs the real parameters
            return load_command(cmd_name)
        # Enough for the help listing; ``resolve_command`` swaps in the real one to run it.
        return TyperCommand(cmd_name, help=COMMANDS[cmd_name][2])

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        _check_given_once(self, ctx, args)  # fupin --store a.db --store b.db ...
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and command is not None:
            # Of a group, only the command named next is built, unless shell completion,
            # which lists them all, is parsing (a group's own options or --help come first:
            # no command's name, so the whole group is built then).
            named = rest[0] if rest and not ctx.resilient_parsing else None
            command = load_command(name, named)
        return name, command, rest

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        with _usage_unquoted():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with _usage_unquoted():
            return super().invoke(ctx)


@contextlib.contextmanager
def _usage_unquoted() -> Iterator[None]:
    """click's own usage errors (``No such command '…'``, ``Got unexpected extra argument(s)
    (…)``) said without an ID-card or phone number they would quote, as every refusal is
    (``ledger.errors.unquoted``; since session 28, tester C)."""
    from typer._click.exceptions import ClickException

    try:
        yield
    except ClickException as exc:
        from ledger.errors import unquoted  # on a usage error only: `fupin --help` reads none

        said = unquoted(exc.message)
        if said != exc.message:
            exc.message = f"the command line {said}"
        raise


app = typer.Typer(
    cls=_LazyGroup,
    name="fupin",
    help="扶贫 audit ledger of the Jianghai District targeted poverty-alleviation plan 2016-2018.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def main(
    ctx: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="LEDGER_STORE",
            help="Ledger store: a SQLite path (default fupin.db) or postgresql://user:pass@host/db.",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--as", envvar="LEDGER_ACTOR", help="Officer id recording events 记录人."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            envvar="LEDGER_KEY",
            help="Your private key file 私钥 (mode 0600): signs your saves once registered.",
        ),
    ] = None,
) -> None:
    """扶贫台账: record, replay and verify the programme's history."""
    from cli import common

    given = {"store": store, "as": actor, "key": key}
    common.refusals(_refuse_blank)(ctx, given)
    if actor is not None:
        from ledger.values import check_text

        common.refusals(check_text)("as", actor)
    common.settings.store = store
    common.settings.actor = actor
    common.settings.stands = ""  # a command that knows what stands after its commit says
    common.settings.key = key
    from ledger.waiting import begin_command
    from ledger.written import SAVES_BEGUN

    begin_command()  # its waiting note not said yet (said once per command, since session 28)
    SAVES_BEGUN.clear()  # nor any save begun (``common.server_gone``)


#: Each global option that falls back to something when left out, by the field its refusals
#: name: its parameter, its variable, what is read when it is left out, and what it names.
#: Given empty or blank (``--as "$OFFICER"`` with OFFICER unset) it is refused, not read as
#: left out: ``--as ''`` recorded under LEDGER_ACTOR and ``--store ''`` opened LEDGER_STORE
#: or fupin.db (since session 29, re-tester L), as an empty ``-e`` or ``--as-of`` is refused.
#: A variable set empty is not set, as click reads it; one of spaces is refused, named.
FALLBACKS = {
    "store": ("store", "LEDGER_STORE", "LEDGER_STORE is read then, else fupin.db", "no store"),
    "as": ("actor", "LEDGER_ACTOR", "LEDGER_ACTOR is read then", "no officer"),
    "key": ("key", "LEDGER_KEY", "LEDGER_KEY is read then", "no key file"),
}


def _refuse_blank(ctx: Context, given: dict[str, str | None]) -> None:
    """Refuse a global option given empty or blank, naming it (``FALLBACKS``)."""
    from ledger.errors import InputError
    from ledger.values import quoted
    from typer._click.core import ParameterSource

    for field, value in given.items():
        if value is None or value.strip():
            continue
        param, variable, fallback, names = FALLBACKS[field]
        if ctx.get_parameter_source(param) is ParameterSource.ENVIRONMENT:
            raise InputError(
                field, f"{variable} is {quoted(value)}: it names {names}; set or unset it"
            )
        raise InputError(
            field,
            f"{quoted(value)} names {names}: give one, or leave --{field} out ({fallback})",
        )


def ignore_closed_pipe() -> None:
    """``SIGPIPE`` ignored while the command runs (``cli.entry`` restores the default for the
    cached help): a write to a pipe its reader closed raises, so that a command that had
    committed something or written a file says what stands, exit 1, rather than be killed
    silently after its commit (tester, session 24); one that had not still ends by the
    signal (``cli.stdout.failed``). Only where standard output is watched (``cli.stdout``)."""
    import signal

    if hasattr(signal, "SIGPIPE") and sys.stdout is not sys.__stdout__:
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)


def ignore_stop_signals() -> None:
    """Ctrl-C and ``SIGTERM`` once the command is done and has said so: caught during
    Python's own exit they ended the process by the signal (a status of -15 to its parent)
    after its success was printed (re-test N, session 23)."""
    import signal

    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def say_committed() -> None:
    """After Ctrl-C or ``SIGTERM``: what the command had committed before it was stopped, if
    anything (``ledger.core.SAVES_COMMITTED``), which stands (since session 23: it exited
    saying nothing, and a rotation of the master key stopped after its commit looked
    undone), and what that means where the command said (``Settings.stands``: since session
    28, an import stopped after its commit was told to look at the ledger and of master keys)."""
    from ledger.core import SAVES_COMMITTED, SAVES_DISCARDED

    from cli import common

    if SAVES_COMMITTED:
        events = sum(SAVES_COMMITTED)
        said = (
            f"interrupted after {len(SAVES_COMMITTED)} save(s) of {events} event(s) were "
            "committed: what they recorded stands (fupin log shows it last); "
            + (common.settings.stands or "look at the ledger before running the command again")
        )
    elif SAVES_DISCARDED:
        said = "interrupted: the new store was not put in place, and nothing of it was kept"
    else:  # re-test N: silence was also what a save unsaid looked like
        said = "interrupted: nothing was committed"
    common.err_console.print(said, markup=False, soft_wrap=True)


#: The exit statuses of a command stopped by Ctrl-C (typer's 130) or ``SIGTERM``
#: (``cli.entry.stop_on_term``: 143); no refusal or failure uses them.
INTERRUPTED = (130, 143)


def run() -> None:
    """Console entry point: no traceback ever reaches a user. What a command committed is
    counted from its start (the reviewer: the counts of an earlier command run in the same
    process were said too)."""
    from ledger.core import SAVES_COMMITTED, SAVES_DISCARDED
    from ledger.written import FILES_WRITTEN

    from cli import stdout

    SAVES_COMMITTED.clear()
    SAVES_DISCARDED.clear()
    FILES_WRITTEN.clear()
    stdout.UNSHOWN.clear()
    refusal = stdout.closed() or stdout.unreadable()
    if refusal is not None:
        print(refusal, file=sys.stderr)
        sys.exit(2)
    stdout.watch()
    stdout.escape_unshown()
    ignore_closed_pipe()
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # what is still buffered fails here, not in Python's exit
            stdout.say_unshown()
    except stdout.StandardOutputError as exc:
        said, code = stdout.failed(exc)  # a closed pipe after nothing done: ends by SIGPIPE
        with contextlib.suppress(OSError):  # standard error closed too: nothing more to say
            print(said, file=sys.stderr)
        sys.exit(code)
    except SystemExit as exc:
        if exc.code in INTERRUPTED:
            say_committed()
        raise
    except Exception as exc:  # a defect, not a refusal: say so in one line
        if os.environ.get("FUPIN_DEBUG"):
            raise
        from ledger.store import lost_server

        from cli import common

        gone = lost_server(exc)  # not a defect: the PostgreSQL server went away mid-command
        if gone is not None:
            common.err_console.print(
                f"refused store: {common.server_gone(gone)}", markup=False, soft_wrap=True
            )
            stdout.say_unshown()  # what that line escaped (a GBK standard error)
            sys.exit(common.REFUSED)
        common.err_console.print(
            f"internal error: {type(exc).__name__}: {exc} (set FUPIN_DEBUG=1 for details)",
            markup=False,
            soft_wrap=True,  # one line, however narrow the terminal
        )
        stdout.say_unshown()
        sys.exit(1)
