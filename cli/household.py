"""``fupin household``: the case 贫困户, from identification 识别 to exit 退出 and return 返贫.

Each command parses what the officer typed and calls one command of the ledger, which checks
the plan's rules (江高发〔2016〕4号) and the officer's street.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from ledger.casework import Identification, PersonalChange
from ledger.commands import MOVE_STREET_RULE
from ledger.errors import InputError, LedgerError, RuleError
from ledger.household import Personal, parse_return_step
from ledger.keys import NOT_OWNER_ONLY, open_to
from ledger.values import check_text, format_yuan, parse_area

from cli.common import (
    DocumentOption,
    EffectiveOption,
    EffectiveTodayOption,
    NoteOption,
    console,
    describe_changes,
    err_console,
    ledger_session,
    make_stamp,
    money,
    on_date,
    refusals,
    say_of_exit,
)

household_app = typer.Typer(
    help="Households 贫困户: identification 识别 to exit 退出 and return 返贫."
)


@contextmanager
def dated_by_start(effective: str | None) -> Iterator[None]:
    """Without -e a notice is dated its --start (it takes effect on its first day): a refusal
    of that date names --start, the date the officer typed."""
    try:
        yield
    except LedgerError as exc:
        if effective is None and exc.field == "effective":
            raise type(exc)("start", exc.rule) from None
        raise


Number = Annotated[str, typer.Argument(help="Household number 户号, e.g. JH-0001.")]
HelperArg = Annotated[str, typer.Argument(help="Helper id 帮扶责任人.")]
Year = Annotated[int, typer.Argument(help="Assessment year 年度.")]
Start = Annotated[
    str, typer.Option("--start", help="First day of the notice 公示 (YYYY-MM-DD or YYYY年M月D日).")
]
End = Annotated[
    str,
    typer.Option("--end", help="Last day of the notice, inclusive (YYYY-MM-DD or YYYY年M月D日)."),
]
NoticeEffective = Annotated[
    str | None,
    typer.Option(
        "--effective",
        "-e",
        help="Date it took effect 生效日期 "
        "(YYYY-MM-DD or YYYY年M月D日); default: --start (a notice takes "
        "effect on its first day, and a date other than --start is refused).",
    ),
]
Members = Annotated[int, typer.Option("--members", help="Number of members 人口.")]
HeadName = Annotated[
    str | None,
    typer.Option(
        "--head-name",
        help="Head of household 户主 (required: here or as head_name in --personal-file).",
        show_default=False,
    ),
]
IdCard = Annotated[
    str | None,
    typer.Option(
        "--id-card",
        help="Head's ID-card number 身份证号 (required: here or as id_card in --personal-file).",
        show_default=False,
    ),
]
Phone = Annotated[str | None, typer.Option("--phone", help="Phone 电话.", show_default=False)]
Address = Annotated[str | None, typer.Option("--address", help="Address 住址.", show_default=False)]
MemberNames = Annotated[
    list[str] | None,
    typer.Option("--member-name", help="A member's name 成员姓名; repeat once per member."),
]
PersonalFile = Annotated[
    Path | None,
    typer.Option(
        "--personal-file",
        help="The personal fields as one JSON object (head_name, id_card, phone, address, "
        "member_names: a list), from a file only its owner may read (chmod 600), or '-' for "
        "standard input: kept off the command line, which every local user sees (ps) and the "
        "shell's history keeps. A field is given here or as its option, not both.",
        show_default=False,
    ),
]

# -- personal data kept off the command line (--personal-file) ----------------------------

#: The fields of a --personal-file, named as ``fupin import`` names them, each with the option
#: that gives it on the command line.
PERSONAL_OPTIONS = {
    "head_name": "--head-name",
    "id_card": "--id-card",
    "phone": "--phone",
    "address": "--address",
    "member_names": "--member-name",
}
#: Far more than the fields can hold (a hundred names of 2,000 characters each is 800 KB).
LARGEST_PERSONAL_FILE = 1 << 20

T = TypeVar("T")


@dataclass(frozen=True)
class PersonalFields:
    """The personal fields a ``--personal-file`` gives; None: not in the file."""

    head_name: str | None = None
    id_card: str | None = None
    phone: str | None = None
    address: str | None = None
    member_names: list[str] | None = None


def read_personal_file(path: Path | None) -> PersonalFields:
    """The fields of ``--personal-file`` (none without it): a JSON object of text fields and
    ``member_names`` a list of names. Refusals name the field and never quote the content."""
    if path is None:
        return PersonalFields()
    shown = "standard input" if str(path) == "-" else repr(str(path))
    data = _personal_bytes(path, shown)
    if len(data) > LARGEST_PERSONAL_FILE:
        raise InputError(
            "personal_file", f"{shown} is larger than 1 MiB, far more than the fields hold"
        )
    try:
        text = data.decode("utf-8-sig")  # a byte order mark, as some editors write, is skipped
    except UnicodeDecodeError as exc:
        raise InputError(
            "personal_file", f"{shown} is not UTF-8 text (byte {exc.start + 1})"
        ) from None
    try:
        value = json.loads(text, object_pairs_hook=_given_once)
    except json.JSONDecodeError as exc:  # its message says where, never what
        raise InputError(
            "personal_file",
            f"{shown} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
        ) from None
    except (ValueError, RecursionError):  # a number of thousands of digits, arrays nested deep
        raise InputError("personal_file", f"{shown} is not JSON the ledger reads") from None
    if not isinstance(value, dict):
        raise InputError(
            "personal_file",
            f"{shown} is not a JSON object of the personal fields ({', '.join(PERSONAL_OPTIONS)})",
        )
    for number, (key, given) in enumerate(value.items(), start=1):
        if key not in PERSONAL_OPTIONS:  # its name is content too (an ID number, a name)
            raise InputError(
                "personal_file",
                f"{shown}'s field no. {number} is no personal field; the fields are "
                f"{', '.join(PERSONAL_OPTIONS)}",
            )
        if key == "member_names":
            if not isinstance(given, list) or not all(isinstance(name, str) for name in given):
                raise InputError(key, "in --personal-file must be a list of names (JSON strings)")
            for name in given:
                check_text(key, name)
        elif isinstance(given, str):
            check_text(key, given)
        else:
            raise InputError(key, "in --personal-file must be text (a JSON string)")
    return PersonalFields(**value)


def _personal_bytes(path: Path, shown: str) -> bytes:
    """The bytes of the file (or of standard input), at most one more than the largest read;
    a regular file or a named pipe the group or others may use is refused before it is read."""
    if str(path) == "-":
        try:
            stream = sys.stdin.buffer
            _check_owner_only(stream, shown, None)
            return stream.read(LARGEST_PERSONAL_FILE + 1)
        except (AttributeError, OSError, ValueError):  # closed (<&-), or unreadable
            raise InputError("personal_file", "cannot read standard input") from None
    try:
        with path.open("rb") as handle:
            _check_owner_only(handle, shown, path)
            return handle.read(LARGEST_PERSONAL_FILE + 1)
    except OSError as exc:
        raise InputError("personal_file", f"cannot read {shown}: {exc.strerror or exc}") from None


def _check_owner_only(stream: Any, shown: str, path: Path | None) -> None:
    """Refuse a regular file or a named pipe the group or others may use, whether named or
    redirected to standard input (``- < p.json``); a terminal is a device its group may write
    to and is not refused, nor a stream with no descriptor of its own (a test's)."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return
    if (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)) and mode & NOT_OWNER_ONLY:
        # standard input, or a descriptor's name (/dev/stdin, /dev/fd/0, a link to one); not
        # a file of its own such as /dev/shm/p.json, named as given (since session 33)
        device = path is None or _names_a_descriptor(path)
        fix = "that file" if device else str(path)  # chmod on /dev/stdin acts on the terminal
        if not device:
            given = shown
        elif path is None or str(path) in _STANDARD_INPUT:
            given = "the file given on standard input"
        else:  # another descriptor (/dev/fd/7 7< p.json), or a link to one: as typed
            given = f"the file given as {shown}"
        raise InputError(
            "personal_file",
            f"{open_to(given, mode)}: personal data goes in a file only its owner may read; "
            f"run `chmod 600 {fix}`",
        )


#: The names of standard input itself.
_STANDARD_INPUT = ("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0")


def _names_a_descriptor(path: Path) -> bool:
    """Whether ``path`` names a descriptor (``cli.outputs.through_descriptor``), read once a
    file is refused."""
    from cli.outputs import through_descriptor

    try:
        return through_descriptor(path)
    except (OSError, ValueError):  # read already: a name unusable now is no descriptor's
        return False


def _given_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members, a field given twice refused (JSON would keep the last)."""
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if key in fields:
            field = key if key in PERSONAL_OPTIONS else "personal_file"
            raise InputError(field, "is given more than once in --personal-file: give it once")
        fields[key] = value
    return fields


def _either(key: str, from_file: T | None, from_option: T | None) -> T | None:
    """A field from the file or from its option; given both ways, refused."""
    if from_file is None:
        return from_option
    if from_option is not None:
        raise InputError(
            key, f"given both in --personal-file and as {PERSONAL_OPTIONS[key]}: give it once"
        )
    return from_file


def _required(key: str, value: str | None) -> str:
    if value is None:
        raise InputError(
            key, f"is required: give {PERSONAL_OPTIONS[key]} or {key} in --personal-file"
        )
    return value


def _personal(
    head_name: str, id_card: str, phone: str, address: str, names: list[str] | None
) -> Personal:
    return Personal(head_name, id_card.strip().upper(), phone, address, tuple(names or ()))


@household_app.command("identify")
@refusals
def identify(
    number: Number,
    street: Annotated[str, typer.Option("--street", help="Street 街道.")],
    village: Annotated[str, typer.Option("--village", help="Village / community 村（社区）.")],
    members: Members,
    document: DocumentOption,
    head_name: HeadName = None,
    id_card: IdCard = None,
    area: Annotated[str, typer.Option("--area", help="rural 农村 | urban 城镇 (城市).")] = "rural",
    labour: Annotated[
        bool, typer.Option("--labour/--no-labour", help="With labour capacity 有劳动能力.")
    ] = True,
    willing: Annotated[
        bool, typer.Option("--willing/--not-willing", help="Willing to take part 有意愿.")
    ] = True,
    disabled: Annotated[
        bool,
        typer.Option(
            "--disabled", help="Disabled 残疾人 (with labour capacity: a priority, 重点帮扶)."
        ),
    ] = False,
    dibao: Annotated[
        bool, typer.Option("--dibao/--no-dibao", help="On the 低保 roll (the plan's scope).")
    ] = True,
    phone: Phone = None,
    address: Address = None,
    member_name: MemberNames = None,
    personal_file: PersonalFile = None,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Identify a household 识别 from the 低保 roll.

    Personal data on the command line is seen by every local user (ps) and kept in the
    shell's history: give it in --personal-file instead."""
    given = read_personal_file(personal_file)
    personal = _personal(
        _required("head_name", _either("head_name", given.head_name, head_name)),
        _required("id_card", _either("id_card", given.id_card, id_card)),
        _either("phone", given.phone, phone) or "",
        _either("address", given.address, address) or "",
        _either("member_names", given.member_names, member_name),
    )
    facts = Identification(
        number, street, village, parse_area(area), members, labour, willing, disabled, dibao,
        personal,
    )  # fmt: skip
    with ledger_session() as app:
        app.identify(make_stamp(document, effective, note), facts)
    console.print(f"household {number.strip()} identified in {street} {village}")


KeptPhone = Annotated[
    str | None,
    typer.Option("--phone", help="Phone 电话; default: as on record; '' records none."),
]
KeptAddress = Annotated[
    str | None,
    typer.Option("--address", help="Address 住址; default: as on record; '' records none."),
]
KeptMemberNames = Annotated[
    list[str] | None,
    typer.Option(
        "--member-name",
        help="A member's name 成员姓名, once per member; default: the names on record; "
        "one empty --member-name '' records none.",
    ),
]


def _kept_names(names: list[str] | None) -> tuple[str, ...] | None:
    """``--member-name`` of ``household members``: not given keeps the names on record; one
    empty value records none."""
    if names is None:
        return None
    if any(not name.strip() for name in names):
        if len(names) > 1:
            raise InputError(
                "member_name",
                "an empty --member-name records no names: give it alone, or give every name",
            )
        return ()
    return tuple(names)


def _kept_member_names(
    from_file: list[str] | None, options: list[str] | None
) -> tuple[str, ...] | None:
    """The member names ``household members`` records: the file's list as it is (``[]``
    records none; a blank name among others is the ledger's to refuse), or ``--member-name``
    as ``_kept_names`` reads it."""
    if from_file is None:
        return _kept_names(options)
    _either("member_names", from_file, options)  # given both ways: refused
    return tuple(from_file)


def _given(value: str | None) -> str | None:
    """What an option of ``household members`` records: not given (None) keeps the value on
    record; given empty on purpose (``--phone ''``) records none."""
    return None if value is None else value if value.strip() else ""


def _said_count(number: str, members: int, in_force: int, since: date, effective: date) -> None:
    """What ``household members`` says of an erased household's count recorded alone."""
    if since != effective:
        console.print(
            f"household {number}: recorded {_members(members)} from {effective}; "
            f"{_members(in_force)} {'is' if in_force == 1 else 'are'} in force since {since} "
            "(a change dated later)",
            soft_wrap=True,
        )
        return
    console.print(
        f"household {number} now has {_members(members)} (its personal data stays erased)",
        soft_wrap=True,
    )


@household_app.command("members")
@refusals
def change_members(
    number: Number,
    members: Members,
    document: DocumentOption,
    note: Annotated[str, typer.Option("--note", help="What changed 变更说明 (required).")],
    head_name: HeadName = None,
    id_card: IdCard = None,
    phone: KeptPhone = None,
    address: KeptAddress = None,
    member_name: KeptMemberNames = None,
    personal_file: PersonalFile = None,
    effective: EffectiveOption = None,
) -> None:
    """The household's members changed 人口变更 (birth, death, marriage...).

    Phone, address and member names not given are kept as on record; give one empty
    (--phone '') to record none. In --personal-file, a field left out is kept, "" or []
    records none."""
    given = read_personal_file(personal_file)
    head = _either("head_name", given.head_name, head_name)
    card = _either("id_card", given.id_card, id_card)
    phone, address = (
        _either("phone", given.phone, phone),
        _either("address", given.address, address),
    )
    names = _kept_member_names(given.member_names, member_name)
    stamp = make_stamp(document, effective, note)
    given_any = personal_file is not None or any(
        value is not None for value in (head, card, phone, address, names)
    )
    with ledger_session() as app:
        # An erased household is said before asking for the head and ID card; given nothing
        # personal, its count alone is recorded (since session 24).
        if (head is None or card is None) and app.check_members_change(
            stamp, number, personal=given_any
        ):
            in_force, since, said = app.change_members(stamp, number, members, None)
            _said_count(number, members, in_force, since, stamp.effective)
            say_of_exit(said)
            return
        personal = PersonalChange(
            _required("head_name", head),
            _required("id_card", card).strip().upper(),
            _given(phone),
            _given(address),
            names,
        )
        in_force, since, exit_said = app.change_members(stamp, number, members, personal)
    if since != stamp.effective:  # dated before the record in force: history
        console.print(
            f"household {number}: recorded {members} members from {stamp.effective}; "
            f"{in_force} members are in force since {since} (a change dated later)",
            soft_wrap=True,
        )
        say_of_exit(exit_said)  # since session 30 (re-tester R), as household assess
        return
    kept = [
        name
        for name, value in (
            ("phone", personal.phone),
            ("address", personal.address),
            ("member names", personal.member_names),
        )
        if value is None
    ]
    said = f" ({', '.join(kept)} as on record)" if kept else ""
    console.print(f"household {number} now has {_members(members)}{said}", soft_wrap=True)
    say_of_exit(exit_said)


@household_app.command("review")
@refusals
def review(
    number: Number,
    document: DocumentOption,
    accepted: Annotated[
        bool, typer.Option("--accepted/--rejected", help="Outcome of the village review.")
    ] = True,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Village review 村（社区）评议 of the identification."""
    with ledger_session() as app:
        app.review(make_stamp(document, effective, note), number, accepted)
    console.print(f"household {number} {'accepted' if accepted else 'rejected'} at review")


@household_app.command("notice")
@refusals
def notice(
    number: Number,
    start: Start,
    end: End,
    document: DocumentOption,
    effective: NoticeEffective = None,
    note: NoteOption = "",
) -> None:
    """Public notice 张榜公示, as long as the programme's rules say (7 to 30 days by default):
    -e is its --start, the day it is posted (without
    -e, the notice is dated its --start)."""
    first, last = on_date(start, "start"), on_date(end, "end")
    with dated_by_start(effective), ledger_session() as app:
        app.post_notice(
            make_stamp(document, start if effective is None else effective, note),
            number,
            first,
            last,
        )
    console.print(f"household {number} under notice {first} to {last}")


@household_app.command("object")
@refusals
def raise_objection(
    number: Number,
    objection: Annotated[str, typer.Argument(help="Objection id 异议编号.")],
    summary: Annotated[str, typer.Option("--summary", help="What the objection says 异议内容.")],
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """An objection 异议 to the public notice (the public, 两代表一委员)."""
    with ledger_session() as app:
        app.raise_objection(make_stamp(document, effective, note), number, objection, summary)
    console.print(f"objection {objection.strip()} to household {number} recorded")


@household_app.command("resolve")
@refusals
def resolve_objection(
    number: Number,
    objection: Annotated[str, typer.Argument(help="Objection id 异议编号.")],
    document: DocumentOption,
    upheld: Annotated[
        bool,
        typer.Option("--upheld/--dismissed", help="Upheld: the household is not registered."),
    ] = False,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Answer an objection 异议处理."""
    with ledger_session() as app:
        app.resolve_objection(make_stamp(document, effective, note), number, objection, upheld)
    console.print(f"objection {objection} {'upheld' if upheld else 'dismissed'}")


@household_app.command("sign")
@refusals
def sign(
    number: Number,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """The household signs to confirm 逐户签字确认."""
    with ledger_session() as app:
        app.sign(make_stamp(document, effective, note), number)
    console.print(f"household {number} signed")


@household_app.command("register")
@refusals
def register(
    number: Number,
    document: DocumentOption,
    key_target: Annotated[
        bool,
        typer.Option(
            "--key-target/--not-key-target", help="Key target 重点帮扶对象 (labour and willing)."
        ),
    ] = True,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Registration 建档立卡, one file per household 一户一档."""
    with ledger_session() as app:
        app.register(make_stamp(document, effective, note), number, key_target)
    console.print(f"household {number} registered" + (" as a key target" if key_target else ""))


@household_app.command("amend")
@refusals
def amend(
    number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry was wrong 更正原因.")],
    document: DocumentOption,
    village: Annotated[
        str | None,
        typer.Option("--village", help="Village 村（社区）, of its street, as it really is."),
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="rural 农村 | urban 城镇 (城市), as it really is.")
    ] = None,
    labour: Annotated[
        bool | None,
        typer.Option("--labour/--no-labour", help="With labour capacity 有劳动能力, really."),
    ] = None,
    willing: Annotated[
        bool | None,
        typer.Option("--willing/--not-willing", help="Willing to take part 有意愿, really."),
    ] = None,
    disabled: Annotated[
        bool | None,
        typer.Option("--disabled/--not-disabled", help="Disabled 残疾人, really."),
    ] = None,
    key_target: Annotated[
        bool | None,
        typer.Option(
            "--key-target/--not-key-target",
            help="Key target 重点帮扶对象, as it should have been registered.",
        ),
    ] = None,
    effective: EffectiveTodayOption = None,
) -> None:
    """Amend its identification or registration 更正登记事项: a field typed wrong, saying why.

    Only what is given changes; the rest stays. The amendment holds from the start (reports
    as of any date read it), and the event keeps what each field was."""
    given = {
        "village": village,
        "area": None if area is None else parse_area(area),
        "labour": labour,
        "willing": willing,
        "disabled": disabled,
        "key_target": key_target,
    }
    changes = {field: value for field, value in given.items() if value is not None}
    with ledger_session() as app:
        restated = app.amend(make_stamp(document, effective), "household", number, changes, reason)
    # Since session 25: an amended village holds from the start (a tester took it for a move).
    moved = (
        f" (the village from the start; a real move from a date is fupin household move {number})"
        if "village" in changes
        else ""
    )
    console.print(
        f"household {number} amended: {describe_changes(restated)}{moved}", soft_wrap=True
    )


@household_app.command("move")
@refusals
def move(
    number: Number,
    village: Annotated[
        str, typer.Option("--village", help="Village 村（社区） of its street it moved to.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it moved 迁移原因 (required).")],
    document: DocumentOption,
    street: Annotated[
        str | None,
        typer.Option("--street", help="Refused: a move to another street is not recordable yet."),
    ] = None,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """The household moved to another village of its street 迁移, from the effective date on.

    Reports as of an earlier date show it in its old village, later ones in the new one (its
    payments are filed under the village it was in on their dates). A village typed wrong at
    identification is amended instead (household amend --village: from the start)."""
    if street is not None:
        raise RuleError("street", MOVE_STREET_RULE)
    stamp = make_stamp(document, effective, note)
    with ledger_session() as app:
        was = app.move(stamp, number, village, reason)
    console.print(
        f"household {number} moved from {was} to {village} on {stamp.effective}", soft_wrap=True
    )


@household_app.command("pair")
@refusals
def pair(
    number: Number,
    helper: HelperArg,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Pair a helper 结对帮扶 (4+1: cadres, enterprise, social worker, volunteer team)."""
    with ledger_session() as app:
        app.pair(make_stamp(document, effective, note), number, helper)
    console.print(f"helper {helper} paired with household {number}")


@household_app.command("unpair")
@refusals
def unpair(
    number: Number,
    helper: HelperArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the pairing ends 原因.")],
    document: DocumentOption,
    replacement: Annotated[
        str, typer.Option("--replacement", help="Helper of the same kind taking over 接替人.")
    ] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """End a pairing 脱钩: 不脱贫不脱钩 — before exit only with a replacement."""
    with ledger_session() as app:
        app.unpair(make_stamp(document, effective, note), number, helper, reason, replacement)
    taking_over = f"; {replacement.strip()} paired in its place" if replacement.strip() else ""
    console.print(f"helper {helper} unpaired from household {number}{taking_over}")


@household_app.command("close")
@refusals
def close(
    number: Number,
    because: Annotated[
        str,
        typer.Option(
            "--because",
            help="Why the record ends 注销原因: merged 合户, died-out 全户死亡, moved-away 迁出, "
            "duplicate 重复识别 or in-error 识别错误.",
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help="What happened 原因.")],
    document: DocumentOption,
    into: Annotated[
        str,
        typer.Option(
            "--into", help="The household it went into 并入户 (merged, duplicate: required)."
        ),
    ] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Close the household's record 注销 / 自然减少 (since session 25): from that date it is in
    no caseload total and takes no further step (an exit before it still counts: see
    docs/reports.md, Closed households); a closure in error is voided (fupin correct)."""
    with ledger_session() as app:
        app.close_household(make_stamp(document, effective, note), number, because, into, reason)
    went = f" into {into.strip()}" if into.strip() else ""
    console.print(f"household {number} closed{went}")


@household_app.command("agree")
@refusals
def agree(
    number: Number,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """The two-way assistance agreement 扶贫协议 is signed."""
    with ledger_session() as app:
        app.sign_agreement(make_stamp(document, effective, note), number)
    console.print(f"agreement signed with household {number}")


@household_app.command("visit")
@refusals
def visit(
    number: Number,
    helper: Annotated[str, typer.Option("--helper", help="Paired helper who visited 走访人.")],
    document: DocumentOption,
    summary: Annotated[str, typer.Option("--summary", help="What was done 走访情况.")] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """A visit 走访 by a paired helper (at least once a quarter)."""
    with ledger_session() as app:
        app.record_visit(make_stamp(document, effective, note), number, helper, summary)
    console.print(f"visit by {helper} to household {number} recorded")


@household_app.command("plan-measure")
@refusals
def plan_measure(
    number: Number,
    measure: Annotated[str, typer.Argument(help="Measure id 措施编号.")],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="industry 产业 | finance 金融 | entrepreneurship 创业 | employment 就业 | "
            "education 教育 | medical 医疗 | relief 救助 | internet 互联网+ | social 社会扶贫 "
            "(社会); in English or Chinese, recorded in English.",
        ),
    ],
    document: DocumentOption,
    description: Annotated[str, typer.Option("--description", help="What 措施内容.")] = "",
    budget: Annotated[str, typer.Option("--budget", help="Budget 预算, yuan.")] = "0",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Plan a measure 帮扶措施 of the household's plan 一户一策."""
    budget_fen = money(budget, "budget")
    with ledger_session() as app:
        app.plan_measure(
            make_stamp(document, effective, note),
            number,
            measure,
            category,
            description,
            budget_fen,
        )
    console.print(f"measure {measure.strip()} planned for household {number}")


@household_app.command("complete-measure")
@refusals
def complete_measure(
    number: Number,
    measure: Annotated[str, typer.Argument(help="Measure id 措施编号.")],
    document: DocumentOption,
    outcome: Annotated[str, typer.Option("--outcome", help="What came of it 成效.")] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """A measure was carried out 措施落实."""
    with ledger_session() as app:
        app.complete_measure(make_stamp(document, effective, note), number, measure, outcome)
    console.print(f"measure {measure} of household {number} completed")


@household_app.command("assess")
@refusals
def assess(
    number: Number,
    year: Year,
    income: Annotated[
        str, typer.Option("--income", help="Per-capita disposable income 人均可支配收入, yuan.")
    ],
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """The yearly income assessment 收入核算."""
    income_fen = money(income, "income")
    stamp = make_stamp(document, effective, note)
    with ledger_session() as app:
        in_force, since, below = app.assess_income(stamp, number, year, income_fen)
    shown = format_yuan(income_fen)  # as recorded, not as typed ("1,000.5")
    if since != stamp.effective:  # dated before the year's assessment in force: history
        console.print(
            f"household {number}: recorded {year} income {shown} yuan per person, dated "
            f"{stamp.effective}; {format_yuan(in_force)} yuan is in force since {since} (an "
            "assessment dated later)",
            soft_wrap=True,
        )
        return
    console.print(f"household {number}: {year} income {shown} yuan per person recorded")
    say_of_exit(below)  # since session 29, as programme set-year says it of a threshold


@household_app.command("propose-exit")
@refusals
def propose_exit(
    number: Number,
    year: Year,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Propose exit 拟退出 for an assessment year (income at the threshold), by the year's
    closing day, 31 January of the next year."""
    with ledger_session() as app:
        app.propose_exit(make_stamp(document, effective, note), number, year)
    console.print(f"exit of household {number} proposed for {year}")


@household_app.command("verify-exit")
@refusals
def verify_exit(
    number: Number,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """The street verifies the exit 核实."""
    with ledger_session() as app:
        app.verify_exit(make_stamp(document, effective, note), number)
    console.print(f"exit of household {number} verified")


@household_app.command("withdraw-exit")
@refusals
def withdraw_exit(
    number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why the exit is withdrawn 原因.")],
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Withdraw an exit under way 撤回退出 (its verification 核实 failed...), saying why."""
    with ledger_session() as app:
        app.withdraw_exit(make_stamp(document, effective, note), number, reason)
    console.print(f"exit of household {number} withdrawn")


@household_app.command("exit-notice")
@refusals
def exit_notice(
    number: Number,
    start: Start,
    end: End,
    document: DocumentOption,
    effective: NoticeEffective = None,
    note: NoteOption = "",
) -> None:
    """The exit is publicly announced 公示, as long as the programme's rules say (7 to 30 days
    by default): -e is its --start (without -e, the
    notice is dated its --start)."""
    first, last = on_date(start, "start"), on_date(end, "end")
    with dated_by_start(effective), ledger_session() as app:
        app.post_exit_notice(
            make_stamp(document, start if effective is None else effective, note),
            number,
            first,
            last,
        )
    console.print(f"exit of household {number} announced {first} to {last}")


@household_app.command("approve-exit")
@refusals
def approve_exit(
    number: Number,
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """The district approves the exit 退出: the household leaves the programme (by the
    programme's last closing day, 31 January after its last year)."""
    with ledger_session() as app:
        app.approve_exit(make_stamp(document, effective, note), number)
    console.print(f"household {number} exited")


@household_app.command("return")
@refusals
def return_to_poverty(
    number: Number,
    step: Annotated[
        str,
        typer.Argument(
            help="recognised 认定 | applied 申请 (street) | reviewed 审核 (district) | "
            "approved 审定 (city), in English or Chinese [六(六)]."
        ),
    ],
    document: DocumentOption,
    disaster: Annotated[
        str, typer.Option("--disaster", help="The major natural disaster 重大自然灾害.")
    ] = "",
    authority: Annotated[
        str,
        typer.Option(
            "--authority", help="Department at district level or higher that recognised it."
        ),
    ] = "",
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Return to poverty 返贫 after a major disaster, one step at a time."""
    step = parse_return_step(step)  # 认定 … read as recognised … (since session 27)
    with ledger_session() as app:
        stamp = make_stamp(document, effective, note)
        app.advance_return(stamp, number, step, disaster, authority)
        early = app.household(number).unpaired_since(stamp.effective) if step == "approved" else []
    console.print(f"return of household {number}: {step}")
    for helper, ended in early:
        err_console.print(
            f"note: {helper}'s pairing with {number} ended on {ended} with no replacement, on "
            f"or after this return's approval: the household is assisted again, so the "
            "accountability report lists it as an early unpairing 不脱贫不脱钩; pair a helper of "
            f"its role again (fupin household pair {number} HELPER)",
            markup=False,
            soft_wrap=True,
        )


@household_app.command("withdraw-return")
@refusals
def withdraw_return(
    number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why the return is withdrawn 原因.")],
    document: DocumentOption,
    effective: EffectiveOption = None,
    note: NoteOption = "",
) -> None:
    """Withdraw a return under way 撤回返贫 (the district's review or the city's approval
    turned it down, or it was recognised for the wrong household), saying why."""
    with ledger_session() as app:
        app.withdraw_return(make_stamp(document, effective, note), number, reason)
    console.print(f"return of household {number} withdrawn")


def _members(count: int) -> str:
    """``1 member``, ``3 members`` (tester C, session 26: "now has 1 members")."""
    return f"{count} member" if count == 1 else f"{count} members"
