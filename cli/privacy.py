"""``fupin erase``, ``fupin notice`` and ``fupin keys new-master`` / ``rotate-master`` /
``check``: personal data protection 个人信息保护 (docs/privacy.md)."""

from __future__ import annotations

import html
import io
import os
import sys
from dataclasses import asdict
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from ledger import clock
from ledger.application import Ledger
from ledger.household import ERASED, SEALED
from ledger.notice import ErasureUnfinishedError, NoticeEntry
from ledger.privacy import (
    Reader,
    generate_master_key,
    master_key_id,
    parse_master_key,
    read_master_key_file,
    write_master_key,
)
from ledger.reading import UNREADABLE
from ledger.values import CHINA_STANDARD_TIME, ReadNow, known_at_moment
from ledger.written import KEY_FILE_KEPT
from projections import api

from cli.common import (
    DocumentOption,
    EffectiveTodayOption,
    KnownAtOption,
    console,
    err_console,
    known_at_said,
    ledger_session,
    make_stamp,
    on_date,
    refusals,
    say_known_at,
    settings,
)
from cli.outputs import (
    CSV_BOM,
    SpreadsheetCSV,
    check_output,
    output_file,
    output_path,
)

__all__ = [
    "KEYS_FAILED",
    "UNFINISHED",
    "check_keys",
    "erase",
    "new_master",
    "notice",
    "reader_of",
    "rotate_master",
]

#: Exit code of an erasure recorded but not finished (its key not destroyed yet): not 2,
#: "refused", since the erasure was written; running ``fupin erase`` again finishes it.
UNFINISHED = 3


def reader_of(app: Ledger) -> Reader:
    """Who reads (``--as`` / ``LEDGER_ACTOR``): decides what personal data is masked."""
    return app.reader(settings.actor or os.environ.get("LEDGER_ACTOR", ""))


@refusals
def erase(
    household: Annotated[str, typer.Argument(help="Household number 户号.")],
    reason: Annotated[str, typer.Option("--reason", help="Why 删除理由 (legal basis, request).")],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """Erase a household's personal data 删除个人信息 for good (admin): its key is destroyed."""
    with ledger_session() as app:
        try:
            finished = app.erase(make_stamp(document, effective), household, reason)
        except ErasureUnfinishedError as exc:
            err_console.print(str(exc), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(UNFINISHED) from None
    if finished:
        console.print(
            f"erasure of {household} finished: its key is destroyed "
            "(the erasure was recorded before; nothing new recorded)"
        )
    else:
        console.print(f"personal data of {household} erased; its key is destroyed")


class NoticeFormat(StrEnum):
    csv = "csv"
    html = "html"


_COLUMNS = (
    ("street", "街道"),
    ("village", "村（社区）"),
    ("household", "户号"),
    ("kind", "公示类别"),
    ("head_name", "户主"),
    ("id_card", "身份证号"),
    ("members", "人数"),
    ("area", "城乡"),
    ("start", "公示开始"),
    ("end", "公示结束"),
)


@refusals
def notice(
    street: Annotated[str, typer.Option("--street", help="Street 街道.")],
    start: Annotated[
        str, typer.Option("--from", help="First day of the period (YYYY-MM-DD or YYYY年M月D日).")
    ],
    end: Annotated[
        str, typer.Option("--to", help="Last day of the period (YYYY-MM-DD or YYYY年M月D日).")
    ],
    output: Annotated[NoticeFormat, typer.Option("--format", help="csv or html.")] = (
        NoticeFormat.csv
    ),
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "--out",
            "-o",
            help="File to write.",
            parser=output_path,
            metavar="<path>",
        ),
    ] = None,
    known_at: KnownAtOption = None,
) -> None:
    """Public notice list 公示名单 of a street for a period, names and ID numbers masked.

    With --known-at, the list as it stood then: the notices recorded by then, as they were
    (a correction recorded later not applied; as the reports read --known-at)."""

    first, last = on_date(start, "from"), on_date(end, "to")
    typed = None if known_at is None else known_at_moment(known_at)
    if out is not None:
        check_output(out, "output")
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as household show (docs/privacy.md)
        moment = api.settle_known_at(app, typed)
        entries = app.notice_list(street, first, last, moment)
    said = known_at_said(typed, moment)
    text = (
        notice_csv(entries)
        if output is NoticeFormat.csv
        else notice_html(street, first, last, entries, public_known_at(typed, moment))
    )
    if out is None:
        sys.stdout.write(text)
    else:
        bom = CSV_BOM if output is NoticeFormat.csv else ""  # for Excel and WPS
        with output_file(out, "output") as handle:
            handle.write((bom + text).encode("utf-8"))
        console.print(f"{len(entries)} households written to {out}")
    if output is NoticeFormat.csv:
        say_known_at(said)  # the CSV's columns unchanged: scripts read them
    unreadable = sorted({e.household for e in entries if e.head_name == UNREADABLE})
    for number in unreadable:  # the list is written, but a person on it is blank: say so
        err_console.print(
            f"household {number} is listed {UNREADABLE}: its personal data cannot be read (its "
            "key fails authentication); `fupin keys check` lists every such key (docs/privacy.md)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if unreadable:
        raise typer.Exit(1)


def notice_csv(entries: list[NoticeEntry]) -> str:
    buffer = io.StringIO()
    writer = SpreadsheetCSV(buffer)
    writer.writerow(name for name, _ in _COLUMNS)
    for entry in entries:
        row = asdict(entry)
        writer.writerow(row[name] for name, _ in _COLUMNS)
    return buffer.getvalue()


#: The page's words for the public (since session 27, tester E: its rows read
#: "identification 识别公示", "rural", 2016-08-06); the CSV keeps the recorded values.
_PUBLIC_KINDS = {"identification 识别公示": "识别公示", "exit 退出公示": "退出公示"}
_PUBLIC_AREAS = {"rural": "农村", "urban": "城镇"}
#: What a personal field reads when it is not shown (since the session 27 re-test, tester H:
#: an erased household read [erased], one without the master key [sealed]).
_PUBLIC_MARKERS = {ERASED: "（已删除）", SEALED: "（无法读取）", UNREADABLE: "（无法读取）"}
#: The last instant of a day: ``--known-at 2016-08-10`` (or 2016年8月10日) is its end, 24时.
_DAY_END = time(23, 59, 59, 999999)


def chinese_date(day: date) -> str:
    """``2016年8月6日``: a date as the public reads it."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_moment(moment: datetime) -> str:
    """``2017年3月1日9时30分``: a time in China as the public reads it; a day's end
    ``2016年8月10日24时``; seconds only when there are (``9时30分5秒``, a fraction as typed)."""
    at = moment.astimezone(CHINA_STANDARD_TIME)
    day = chinese_date(at.date())
    if at.timetz().replace(tzinfo=None) == _DAY_END:
        return f"{day}24时"
    text = f"{day}{at.hour}时"
    if at.minute or at.second or at.microsecond:
        text += f"{at.minute}分"
    if at.second or at.microsecond:
        fraction = f"{at.microsecond / 1_000_000:.6f}"[1:].rstrip("0") if at.microsecond else ""
        text += f"{at.second}{fraction}秒"
    return text


def public_known_at(typed: datetime | None, settled: datetime | None) -> str:
    """The printed list's line under its title with --known-at (since the session 27 re-test,
    tester H: it read ``as known at 2016-08-10T23:59:59.999999+08:00``): ``截至2016年8月10日24时
    的记录``; read as now, the moment read to the second, ``（读取时）``; "" without it. A time not
    yet ``CLOCK_TOLERANCE`` past adds when it becomes final (``clock.provisional_until``), as the
    operator's line on standard error does."""
    if settled is None:
        return ""
    if isinstance(typed, ReadNow) and settled <= clock.now():
        line = f"截至{chinese_moment(settled.replace(microsecond=0))}（读取时）的记录"
    else:
        line = f"截至{chinese_moment(settled)}的记录"
    until = clock.provisional_until(settled)
    if until is not None:  # as the operator's line says "provisional until" (since session 27)
        final = chinese_moment(until.replace(microsecond=0))
        line += f"（暂定：{final}前，时钟偏慢的电脑仍可能补录此前的记录）"
    return line


def _public_cell(entry: NoticeEntry, name: str) -> str:
    """A cell of the printed list, in the words of the public notice."""
    value = asdict(entry)[name]
    if isinstance(value, date):
        return chinese_date(value)
    if value in _PUBLIC_MARKERS:
        return _PUBLIC_MARKERS[value]
    text = str(value)
    return {"kind": _PUBLIC_KINDS, "area": _PUBLIC_AREAS}.get(name, {}).get(text, text)


def notice_html(
    street: str, first: date, last: date, entries: list[NoticeEntry], said: str = ""
) -> str:
    """The notice list as a page to print and post, wholly in Chinese; ``said``: the time it
    shows, as known at (``public_known_at``), under its title."""
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in _COLUMNS)
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(_public_cell(e, n))}</td>" for n, _ in _COLUMNS)
        + "</tr>"
        for e in entries
    )
    title = html.escape(f"{street}街道 公示名单 {chinese_date(first)}至{chinese_date(last)}")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #333;padding:4px 8px}@media print{body{margin:0}}"
        f"</style></head><body><h1>{title}</h1>"
        + (f'<p class="known-at">{html.escape(said)}</p>' if said else "")
        + f"<p>共 {len(entries)} 户。姓名、身份证号已脱敏。"
        "如有异议，请在公示期内向街道扶贫办反映。</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></body></html>\n"
    )


@refusals
def new_master(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "--output",
            "-o",
            help="Master key file to write (mode 0600).",
            parser=output_path,
            metavar="<path>",
        ),
    ],
) -> None:
    """Make a master key 主密钥 file; point LEDGER_MASTER_KEY_FILE at it. Keep a safe copy."""
    # judged as every output file is (but it may be the master key file the ledger names,
    # not made yet): since session 29, before which it was refused on "out", unquoted
    check_output(out, "output", new=KEY_FILE_KEPT, master_key=True)
    text = generate_master_key()
    write_master_key(out, text)
    console.print(f"master key: {out} (mode 0600); id {master_key_id(_parsed(text))}")


@refusals
def rotate_master(
    new_key_file: Annotated[
        Path, typer.Option("--new-key-file", help="The new master key file (mode 0600).")
    ],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """Re-wrap every household key under a new master key 轮换主密钥 (admin; needs the old one)."""
    # Refused on new_key, one line, before the ledger is opened: a file that cannot be read,
    # a folder, one the group or others may read, an empty one (before 2026-11-29: "internal
    # error: AssertionError", exit 1), or one that is not a master key.
    text = read_master_key_file(new_key_file, "new_key")
    new = parse_master_key(text, "new_key")
    settings.stands = (
        f"the master key was rotated: from now on set LEDGER_MASTER_KEY_FILE="
        f"{os.fspath(new_key_file)}, the new key, which alone is in force"
    )
    with ledger_session() as app:
        count = app.rotate_master(make_stamp(document, effective), text)
    console.print(
        f"{count} household keys re-wrapped under master key {master_key_id(new)} "
        f"(recorded: MasterKeyRotated); from now on set "
        f"LEDGER_MASTER_KEY_FILE={os.fspath(new_key_file)}"
    )


#: Exit code of ``keys check`` when a live key does not unwrap (as ``verify``'s failures).
KEYS_FAILED = 1


@refusals
def check_keys() -> None:
    """Unwrap every live household key 核验密钥 (admin; needs the master key), report failures."""
    failed = 0

    def problem(household: str, what: str) -> None:
        nonlocal failed
        failed += 1
        err_console.print(
            f"FAILED household_keys {household}: {what}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    with ledger_session() as app:
        count = app.check_keys(settings.actor or os.environ.get("LEDGER_ACTOR", ""), problem)
    if failed:
        err_console.print(
            f"{failed} of {count} live household keys do not unwrap or have no key row: that "
            "household's personal data cannot be read (docs/privacy.md, checking the keys)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(KEYS_FAILED)
    console.print(f"household keys: {count} live, each unwraps under the master key")


def _parsed(text: str) -> bytes:
    return parse_master_key(text)
