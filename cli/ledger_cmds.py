"""Commands on the ledger as a whole: ``init``, ``history``, ``log``."""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

import orjson
import typer
from ledger.errors import InputError
from ledger.event_terms import event_term
from ledger.household import EXIT_STEP_WORDS, RETURN_STEP_WORDS
from ledger.programme import PROGRAMME_CODE
from ledger.values import (
    CHINA_STANDARD_TIME,
    format_yuan,
    known_at_moment,
    parse_date,
    parse_timestamp,
)
from projections import api

from cli.common import (
    DocumentOption,
    EffectiveTodayOption,
    KnownAtOption,
    console,
    describe_changes,
    emit_json,
    err_console,
    known_at_said,
    ledger_session,
    make_stamp,
    refusals,
    render_rows,
    say_known_at,
)
from cli.privacy import reader_of

#: ``fupin log``'s exit code when it met an event it could not read (as ``verify``'s, when it
#: finds a problem): the stream was written whole, that event as it is stored.
DAMAGED = 1


class Format(StrEnum):
    table = "table"
    json = "json"


@refusals
def init(
    admin: Annotated[str, typer.Option("--admin", help="Officer id of the first admin 管理员.")],
    name: Annotated[str, typer.Option("--name", help="The admin's name.")],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """Create an empty ledger and register its first admin (the district office 区扶贫办)."""
    stamp = make_stamp(document, effective)
    with ledger_session(create=True) as app:
        app.initialise(admin, name, stamp.document, stamp.effective)
    console.print(f"initialised; first admin: {admin}")


@refusals
def history(
    household: Annotated[
        str,
        typer.Argument(
            help="Household number 户号, or the key of --kind: an account's code, a helper's "
            "or officer's id, a street's name, an inspection's code; the programme's is "
            f"{PROGRAMME_CODE} (there is one).",
        ),
    ],
    output: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="household, or fund | helper | programme | street | officer | inspection: "
            "the timeline whose # column `fupin correct KIND KEY VERSION` takes (a "
            "programme's or street's: none; they are amended).",
        ),
    ] = "household",
    known_at: KnownAtOption = None,
) -> None:
    """A household's timeline 户档案时间线: what happened, who recorded it, when, and why.

    With --known-at, as it stood then: the entries recorded by then, an entry voided only by
    a correction among them (as the reports read --known-at)."""
    typed = None if known_at is None else known_at_moment(known_at)
    with ledger_session() as app:
        moment = api.settle_known_at(app, typed)
        entries = app.history(household, reader_of(app), kind, moment)
    said = known_at_said(typed, moment)
    if output is Format.json:
        emit_json(entries)
        say_known_at(said)
        return
    rows = [
        (
            e["version"],
            e["effective"],
            event_term(e["event"])
            + (f" (voided by #{e['voided_by']})" if "voided_by" in e else ""),
            f"{e['actor']} ({e['role']})"
            # recorded for the actor by another (an import by the district office), since
            # session 28
            + (f", imported by {e['imported_by']}" if e.get("imported_by") else ""),
            # In full: pasted into --known-at it must include this very event (cut to the
            # second, and read as China time without its zone, it fell before it).
            e["recorded_at"].replace("+00:00", "Z"),
            e["document"],
            _summary(e["details"], e["event"])
            + _replaced(e)
            + (f" — {e['note']}" if e["note"] else ""),
        )
        for e in entries
    ]
    columns = ("#", "effective", "event", "recorded by", "recorded at (UTC)", "document", "details")
    render_rows(" ".join(part for part in (kind, household, said) if part), columns, rows)


def _summary(details: dict[str, object], event: str = "") -> str:
    """``key=value, …``; an amendment's ``changes`` and ``was`` as ``area rural → urban``, a
    rules amendment's ``rules`` and ``was`` as the rules it changed (``per_person_min
    20000.00 yuan → 21000.00 yuan``), a village's ``relatively_poor no → yes`` (since the
    session 27 re-test, tester H: both sets of 14 rules were shown whole, the village's as
    ``relatively_poor=yes, was=no``); a step with its seed word (``step=applied 申请``); an
    empty field left out (``authority=, disaster=`` on every later step of a return)."""
    restated, told = _restated(details, event)
    rest = ", ".join(
        _detail(k, v, event)
        for k, v in details.items()
        if k != "personal" and k not in told and v != ""
    )
    return "; ".join(part for part in (restated, rest) if part)


def _restated(details: dict[str, object], event: str) -> tuple[str, tuple[str, ...]]:
    """What an amendment restated, old → new, and the detail keys that say it."""
    was = details.get("was")
    if event == "VillageAmended" and isinstance(was, bool):
        now = details.get("relatively_poor")
        return describe_changes({"relatively_poor": (was, now)}), ("relatively_poor", "was")
    if event == "Moved" and isinstance(was, str):
        # The village moved from and to, as an amendment's (tester H, session 27: it read
        # ``village=江南社区, was=雄光``).
        return describe_changes({"village": (was, details.get("village"))}), ("village", "was")
    for key in ("changes", "rules"):
        now = details.get(key)
        if isinstance(now, dict) and isinstance(was, dict):
            whole = key == "rules"  # both sets in full: only the rules that differ are said
            changed = {
                _money_key(f): (_rule(f, was.get(f)), _rule(f, value))
                for f, value in now.items()
                if not whole or was.get(f) != value
            }
            return describe_changes(changed) if changed else "no rule changed", (key, "was")
    return "", ()


def _rule(key: str, value: object) -> object:
    """A restated value as the CLI writes it: shares as 2:3:5, money in yuan."""
    if isinstance(value, list | tuple):
        return ":".join(str(share) for share in value)
    return _money(key, value)


def _detail(key: str, value: object, event: str = "") -> str:
    """``key=value`` as the rest of the CLI writes it, never a Python repr (since session 27,
    tester E: ``dibao=True``, ``measure={'measure_id': …}``): yes/no, money in yuan
    (``income_fen`` as ``income=10125.00 yuan``), a nested value as its own ``key=value``s in
    parentheses, a list as its items; a return's or an exit's step with the seed's word."""
    shown = _shown(_money(key, value))
    word = _STEP_WORDS.get(event, {}).get(str(value)) if key == "step" else None
    return f"{_money_key(key)}={shown}" + (f" {word}" if word else "")


#: A step's word in the seed [六(六)], by event: a return's 认定, 申请, 审核, 审定; an exit's
#: 核实 and 退出帮扶 (「核实公示并退出帮扶」: the notice between them is its own event).
_STEP_WORDS = {
    "ReturnAdvanced": {english: word for word, english in RETURN_STEP_WORDS.items()},
    "ExitAdvanced": {english: word for word, english in EXIT_STEP_WORDS.items()},
}


def _money_key(key: str) -> str:
    return key.removesuffix("_fen")


def _money(key: str, value: object) -> object:
    """A ``…_fen`` amount as yuan (``18000.00 yuan``); any other value as it is."""
    if key.endswith("_fen") and isinstance(value, int) and not isinstance(value, bool):
        return f"{format_yuan(value)} yuan"
    return value


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return "(" + ", ".join(_detail(str(k), v) for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "(" + ", ".join(_shown(item) for item in value) + ")"
    return str(value)


def _replaced(entry: dict[str, Any]) -> str:
    """``; replaces entry 2: rural_income 18000.00 yuan → 20100.00 yuan``: a year's standards
    set again, and what they replace (``Ledger.history``'s ``replaces``), money in yuan."""
    replaces = entry.get("replaces")
    if not isinstance(replaces, dict):
        return ""
    now = entry["details"].get("params", {})
    changed = {
        _money_key(f): (_money(f, was), _money(f, now.get(f)))
        for f, was in replaces["was"].items()
        if now.get(f) != was
    }
    said = describe_changes(changed) if changed else "no value changed"
    return f"; replaces entry {replaces['entry']}: {said}"


_DAY = "YYYY-MM-DD or YYYY年M月D日"
_TIME = "ISO 8601, as --known-at (without a zone, China's); a date alone is that whole day"


@refusals
def log(
    since: Annotated[int, typer.Option("--since", help="Only events after this position.")] = 0,
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most this many events (of those shown).")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            help="Only those of this officer 记录人: theirs, or recorded by them for another.",
        ),
    ] = None,
    document: Annotated[
        str | None, typer.Option("--document", help="Only those resting on this document 依据.")
    ] = None,
    document_like: Annotated[
        str | None,
        typer.Option("--document-like", help="Only those whose document holds this text."),
    ] = None,
    effective_from: Annotated[
        str | None, typer.Option("--effective-from", help=f"Only effective on or after ({_DAY}).")
    ] = None,
    effective_to: Annotated[
        str | None, typer.Option("--effective-to", help=f"Only effective on or before ({_DAY}).")
    ] = None,
    recorded_from: Annotated[
        str | None, typer.Option("--recorded-from", help=f"Only recorded at or after ({_TIME}).")
    ] = None,
    recorded_to: Annotated[
        str | None, typer.Option("--recorded-to", help=f"Only recorded at or before ({_TIME}).")
    ] = None,
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event",
            metavar="<event>",
            help='Only events of this name, as a line\'s "event" names it (Disbursed, '
            "ExitAdvanced …: docs/events.md); repeat it, or separate names with commas, for any "
            "of several.",
        ),
    ] = None,
) -> None:
    """The raw event stream 事件流 as JSON lines, with provenance, in recording order.

    Each line names its record by its id and its own key (a household's number, an account's
    code …). The filters, combined, keep the events within every one (docs/audit-guide.md
    §6). An event that cannot be read (its topic names no ledger event, or its id, version or
    state is damaged) is written as it is stored, with a "problem" field, whatever the
    filters, and named on stderr; the stream goes on, and the command then exits 1 (§5)."""
    # An empty stream must mean no events, never a bound typed wrong (`--limit -5`).
    if since < 0:
        raise InputError("since", f"{since}: a position is 0 (the start) or more")
    if limit is not None and limit < 1:
        raise InputError("limit", f"{limit}: at least 1 event (leave it out for all)")
    from ledger.log_filter import LogFilter, parse_kinds
    from ledger.officers import Officer
    from ledger.reading import KEYS_CHECK_HINT
    from ledger.transparency import check_recorded_after_move

    bounds = LogFilter(
        actor=_given(actor, "actor"),
        document=_given(document, "document"),
        document_like=_given(document_like, "document-like"),
        effective_from=_day(effective_from, "effective-from"),
        effective_to=_day(effective_to, "effective-to"),
        recorded_from=_moment(recorded_from, "recorded-from", start=True),
        recorded_to=_moment(recorded_to, "recorded-to", start=False),
        kinds=parse_kinds(event),
    )
    _check_ordered(bounds.effective_from, bounds.effective_to, "effective")
    _check_ordered(bounds.recorded_from, bounds.recorded_to, "recorded")
    damaged = False
    with ledger_session() as app:
        if bounds.actor is not None:  # an empty stream must mean no events, not a typo
            app.load(Officer, bounds.actor, "actor")  # no officer 'JN-01' on record ('jn-01'?)
        # nor a recording time a moved store holds none of (every entry: the move's)
        check_recorded_after_move(app, bounds.recorded_from, bounds.recorded_to)
        stream = app.event_stream(
            since=since,
            limit=limit,
            reader=reader_of(app),
            bounds=None if bounds == LogFilter() else bounds,
        )
        for entry in stream:
            sys.stdout.write(orjson.dumps(entry).decode() + "\n")
            if "problem" in entry:  # one line each on stderr; the stream goes on
                damaged = True
                sys.stdout.flush()
                # a damaged key says which check finds it; any other damage, verify's
                checked = (
                    ""
                    if entry["problem"].endswith(KEYS_CHECK_HINT)
                    else " (`fupin verify` reports every such event)"
                )
                err_console.print(
                    f"the event at position {entry['position']} ({entry['id']} "
                    f"v{entry['version']}) cannot be read: {entry['problem']}; written as "
                    f'stored, with "problem"{checked}',
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
    if damaged:
        raise typer.Exit(DAMAGED)


def _given(text: str | None, field: str) -> str | None:
    """A filter's text, refused when empty (it would match nothing, or everything)."""
    if text is not None and not text.strip():
        raise InputError(field, "is empty: give the text, or leave the option out")
    return text


def _day(text: str | None, field: str) -> date | None:
    """A date bound, in either form the CLI reads (``parse_date``)."""
    return None if text is None else parse_date(text, field)


def _moment(text: str | None, field: str, *, start: bool) -> datetime | None:
    """A recording-time bound, read as ``--known-at`` reads a time (``parse_timestamp``:
    without a zone, China's); a date alone is that whole day in China: its start for a
    ``-from``, its end for a ``-to``."""
    if text is None:
        return None
    try:
        day = parse_date(text, field)
    except InputError:
        return parse_timestamp(text, field)
    return datetime.combine(day, time.min if start else time.max, CHINA_STANDARD_TIME)


def _check_ordered(low: date | None, high: date | None, what: str) -> None:
    """Refuse a ``--what-from`` after the ``--what-to``: the stream would be empty, which
    must mean no events (as ``--limit -5`` is refused)."""
    if low is not None and high is not None and low > high:
        raise InputError(
            f"{what}-from", f"{low.isoformat()} is after --{what}-to {high.isoformat()}"
        )
