"""``fupin verify``, ``fupin checkpoint``, ``fupin prove``: tamper evidence 防篡改核验.

See docs/audit-guide.md for what each check proves and what it does not.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from ledger import clock
from ledger.application import Ledger
from ledger.bundles import prove_consistency, prove_household
from ledger.errors import InputError, LedgerError
from ledger.household import ENDS_BY_CLOSURE
from ledger.keys import load_private_key
from ledger.known import entry_ahead
from ledger.noted import EntryId
from ledger.transparency import (
    LARGEST_SIZE,
    LOG_NAME,
    OWN_ORIGIN_SINCE,
    Checkpoint,
    pinned_log_key,
    rebuilt_from_export,
    record_checkpoint,
)
from ledger.values import CHINA, SPARED_BEFORE, quoted
from ledger.verification import (
    KEY_TABLE_POSITION,
    REVOKED_RECORDS_NOTHING_SINCE,
    SCHEMA_POSITION,
    Problem,
    VerifyReport,
    verify_ledger,
)
from projections import api as projections
from rich.progress import Progress
from rich.text import Text

from cli.common import (
    DocumentOption,
    EffectiveTodayOption,
    console,
    err_console,
    ledger_session,
    make_stamp,
    refusals,
)
from cli.json_keys import KeyGivenTwice, once_each
from cli.outputs import Inputs, check_output, claimed_output, output_file, output_path
from cli.privacy import reader_of

#: Exit code when verification finds a problem (2 stays "refused": bad input, nothing checked).
FAILED = 1

CheckpointFiles = Annotated[
    list[Path] | None,
    typer.Option("--checkpoint", help="Checkpoint file 检查点 kept earlier (repeatable)."),
]


#: The UTF-8 byte order mark a Windows editor puts in front of a file it saves.
_BOM = b"\xef\xbb\xbf"


#: Said of an empty checkpoint file: ``checkpoint --out`` claims its name (created empty)
#: before it records, and writes the file after; stopped between, it leaves the file empty.
EMPTY_CHECKPOINT = (
    "is empty (0 bytes), not a checkpoint: probably the file a `fupin checkpoint --out` "
    "claimed before it was stopped (killed, or its disk full); a checkpoint it recorded "
    "stands in the log all the same (`fupin log` shows its CheckpointRecorded, the signed "
    "tree head in its details): delete this file, and take a new checkpoint to keep one "
    "outside the ledger"
)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: the stdlib's extension


class _LongNumber:
    """A whole number of more digits than any a checkpoint holds, as a refusal shows it: its
    size, never its digits (Python reads at most 4300; since session 28, re-tester N: one of
    5000 was said to be not JSON)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _whole_number(text: str) -> int | _LongNumber:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= len(str(LARGEST_SIZE)) else _LongNumber(digits)


def _checkpoint_json(text: bytes) -> Any:
    """A checkpoint file's JSON, read by the stdlib's parser, which sees what orjson keeps
    silently: a key given twice, at any depth, is refused (since session 28, re-tester N:
    the last copy was kept, and a signed field could be shown one way and read another); a
    whole number longer than any a checkpoint holds is kept as ``_LongNumber``, which the
    field's rule refuses naming the field (before, one of 5000 digits was not JSON)."""
    return json.loads(
        text.decode("utf-8"),
        object_pairs_hook=once_each,
        parse_int=_whole_number,
        parse_constant=_no_constant,
    )


def read_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint file, or a refusal naming it."""
    try:
        # A leading UTF-8 BOM (a file re-saved by a Windows editor) is not part of the JSON:
        # the signed fields are the same after it (since session 22; refused as not JSON).
        text = path.read_bytes().removeprefix(_BOM)
        data = _checkpoint_json(text)
    except OSError as exc:
        raise InputError("checkpoint", f"cannot read {path}: {exc.strerror}") from None
    except KeyGivenTwice as twice:
        raise InputError(
            "checkpoint",
            f"{path}: its field {quoted(twice.key)} is given twice (in one JSON object): a JSON "
            "reader keeps either copy, so the file does not say one thing; give it once",
        ) from None
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        if not text:  # the name a checkpoint claimed, left by its stop (tester B, session 26)
            raise InputError("checkpoint", f"{path} {EMPTY_CHECKPOINT}") from None
        raise InputError("checkpoint", f"{path} is not JSON") from None
    try:
        return Checkpoint.from_json(data)
    except InputError as exc:  # which file, then which of its fields
        raise InputError("checkpoint", f"{path}: {exc.rule}") from None


def write_json(path: Path, value: object, inputs: Inputs, new: str = "") -> None:
    """``value`` as a JSON file, written whole or not at all, never over one of ``inputs``
    (nor over any file, with ``new``: the rule)."""
    with output_file(path, "output", inputs=inputs, new=new) as handle:
        handle.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")


@refusals
def verify(
    checkpoints: CheckpointFiles = None,
    require_signatures: Annotated[
        bool,
        typer.Option(
            "--require-signatures",
            help="Unsigned events are failures too, but the bootstrap no key can sign: the "
            "first admin's init and, right after it, their own first key registration.",
        ),
    ] = False,
    log_key: Annotated[
        list[str] | None,
        typer.Option(
            "--log-key",
            help="Log key you trust, pinned out of band: its key id or public key "
            "(repeatable); then only checkpoints signed by these count. Needs --checkpoint.",
        ),
    ] = None,
) -> None:
    """Recompute everything 全面核验: signatures, roles, the Merkle root, every checkpoint."""
    if log_key and not checkpoints:
        raise InputError(
            "log-key",
            "it pins the key that signed the --checkpoint files, and none is given: "
            "add --checkpoint FILE (alone it would check nothing)",
        )
    pinned = [pinned_log_key(text) for text in log_key or []]
    given = [(str(path), read_checkpoint(path)) for path in checkpoints or []]
    with (
        ledger_session() as app,
        Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar,
    ):
        # --as: an active officer or nobody, as every reader (tester S, session 24: verify
        # ran for an unknown officer that query and keys list refuse)
        reader_of(app)
        total = app.recorder.max_notification_id() or 0
        task = bar.add_task("verifying", total=total)
        report = verify_ledger(
            app.recorder,
            app.mapper,
            given,
            require_signatures=require_signatures,
            trusted_log_keys=pinned,
            progress=lambda n: bar.advance(task, n),
        )
        unread, compared = _read_models_ahead(app, report)
        ahead = _recorded_ahead(app)
        files = {f"checkpoint {name}" for name, _checkpoint in given}
        failed = any(problem.event in files for problem in report.problems)
        moved = rebuilt_from_export(app) if failed else None
    if not report.ok:
        _render_failure(report)
        for note in [*report.own_triggers, unread]:
            if note:
                err_console.print(note, markup=False, highlight=False, soft_wrap=True)
        if ahead:
            err_console.print(ahead, markup=False, highlight=False, soft_wrap=True)
        if require_signatures and report.moved:
            err_console.print(_moved(report), markup=False, highlight=False, soft_wrap=True)
        if moved is not None:  # a move looks like tampering to the old store's checkpoints
            err_console.print(moved, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(FAILED)
    _render_success(report, require_signatures, compared)
    for note in [*report.own_triggers, unread, ahead]:
        if note:
            console.print(note, markup=False, highlight=False, soft_wrap=True)


def _read_models_ahead(app: Ledger, report: VerifyReport) -> tuple[str, bool | None]:
    """A problem at the end of the ledger when the read models hold events past it, the
    evidence every report refuses on (``projections.catchup.ahead_of_ledger``): events removed
    from the end after the read models counted them, which no check of the events themselves
    sees past the last checkpoint file (since session 32, tester e: verify passed, exit 0,
    where every report said events were removed); a note when only their own two records of
    their position disagree (tester h, session 32, F2). A note when they cannot be read (a
    role without the right to), "" otherwise; with it, whether their position was compared
    (None: no read models built yet), for the closing line (F7)."""
    try:
        found = projections.ahead_of_ledger(app, report.size)
    except Exception as exc:  # said beside the result, never a traceback
        said = " ".join(str(exc).split()) or type(exc).__name__
        return (
            "note: the read models' position was not compared with the ledger's end (they "
            f"could not be read: {said})"
        ), False
    if found is None or not found.what:
        return "", None if found is None else True
    if not found.past_end:  # tester h, session 32, F2: an officer moved pj_tracking
        return (
            f"note: the read models' records of their position disagree ({found.what}): the "
            "read models were edited behind the ledger's back, not the ledger, whose events "
            "are all they counted; every report refuses them until `fupin projections "
            "rebuild` makes them anew (`fupin projections check` compares them with the "
            "events): find out who changed them"
        ), True
    if found.within:  # tester b, session 34: said removed from the end, reports refusing
        why = (
            "events were removed from within the ledger after the read models counted them "
            "(the problems above say where: a version missing, a gap in the ids), not from its "
            "end; the reports still serve figures counted with them"
        )
    elif found.both:
        retimed = (
            ", or the recording time of the event there was changed (the problems above say so)"
            if found.retimed
            else ""
        )
        why = (
            "events were removed from the end of the ledger after the read models counted "
            f"them{retimed}, or the read models came from another copy of it (a restore brings "
            "them with its own events and a rebuild makes them from the events there are: neither "
            "leaves them ahead); every report refuses them. A checkpoint file signed after the "
            "missing events were recorded fails against this ledger (`fupin verify "
            "--checkpoint FILE`) and a backup taken then holds them"
        )
    else:  # tester h, session 32, F6: a tail cut, then pj_tracking deleted
        why = (
            "the read models' two records of their position disagree, and one puts them past "
            "the ledger's end: events were removed from the end of the ledger after the read "
            "models counted them, or the read models were edited behind the ledger's back "
            "(pj_tracking or pj_clock); every report refuses them. A checkpoint file signed "
            "after the last event they counted tells which: it fails against this ledger if "
            "events were removed (`fupin verify --checkpoint FILE`), and a backup taken then "
            "holds them"
        )
    report.add(
        Problem(
            report.size,
            "read models",
            f"{found.what}: {why}; `fupin projections rebuild` would make the read models anew "
            "and remove this evidence: back the store up first",
        )
    )
    return "", True


def _recorded_ahead(app: Ledger) -> str:
    """A note (not a fault: verify cannot tell which clock is wrong) when the ledger's last
    entry, the one the save rule compares a save with, is more than ``CLOCK_TOLERANCE`` after
    this machine's clock: its position, who recorded it, its time, this machine's, and until
    when a save from a clock that is right is refused, its time less the allowance, as the
    rule and its refusal say (since session 27: a machine set ahead blocked every save from a
    right clock, and verify said nothing; since the re-test, it named the entry recorded
    latest, not always the one that blocks). "" otherwise."""
    now = clock.now()
    try:
        ahead = entry_ahead(app.recorder, now)
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""  # a damaged row: verify's own checks say what is wrong with it
    if ahead is None:
        return ""
    position, recorded, actor, resumes = ahead
    who = f" by {actor}" if actor else ""
    minutes = int(clock.CLOCK_TOLERANCE.total_seconds() // 60)
    return (
        f"note: the ledger's last entry, entry {position}, recorded{who} at "
        f"{recorded.isoformat()}, is more than {minutes} minutes after this machine's clock "
        f"({now.isoformat(timespec='seconds')}; not a problem verify can judge: either the "
        "machine that recorded it was ahead or this one is behind): a save from a machine "
        "with a right clock is refused as before the ledger's last entry until real time "
        f"passes {resumes.isoformat()} (its time less the "
        f'{minutes} minutes; docs/operations.md, "A clock set ahead")'
    )


def _where(problem: Problem, report: VerifyReport) -> str:
    """Where ``problem`` is in the ledger ``report`` read whole: past its last position (a
    checkpoint larger than the ledger, a truncated save) is its end, not a position that does
    not exist (since session 28, tester D: "FAILED at position 15834" of 15834 events)."""
    if problem.position == KEY_TABLE_POSITION:
        return "the household key table"
    if problem.position == SCHEMA_POSITION:
        return "the store's schema"
    size = report.size
    if problem.position >= size and report.stopped is None:
        last = f"its last position is {size - 1}" if size else "it has no event"
        return f"the end of the ledger ({last})"
    return "checkpoint file" if problem.position < 0 else f"position {problem.position}"


def _event(problem: Problem) -> str:
    """The event, with the store's own id for it when known: what `fupin log` finds it by."""
    return problem.event if problem.log_id is None else f"{problem.event} (log id {problem.log_id})"


def _render_failure(report: VerifyReport) -> None:
    first = report.problems[0]
    err_console.print(
        Text.assemble(
            ("FAILED", "red"), f" at {_where(first, report)}: {_event(first)}: {first.reason}"
        ),
        highlight=False,
        soft_wrap=True,
    )
    for problem in report.problems[1:10]:
        where = _where(problem, report)
        where = where.removeprefix("position ")  # "also at 17", as before
        err_console.print(
            f"  also at {where}: {_event(problem)}: {problem.reason}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if report.key_table_unchecked is not None:
        err_console.print(_unchecked(report.key_table_unchecked), markup=False, soft_wrap=True)
    err_console.print(
        f"{report.problem_count} problem(s) in {report.size} events", markup=False, soft_wrap=True
    )
    positions = (
        "positions count the events from 0 (the Merkle leaf index of checkpoints and proofs)"
    )
    shown = next((p.log_id for p in report.problems if p.log_id is not None), None)
    if shown is not None:
        positions += (
            "; a log id is the store's own number for the event, which `fupin log` prints as "
            'its "position" and which deleted rows leave gaps in: `fupin log --since ID-1 '
            f"--limit 1` shows the event of log id ID (the first: `fupin log --since {shown - 1} "
            "--limit 1`)"
        )
    err_console.print(
        f"{positions} (docs/audit-guide.md §5)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _unchecked(why: str) -> str:
    """The line saying the key table check was not made (not a problem: exit code 0)."""
    return f"household key table: not checked: {why}"


def _moved(report: VerifyReport) -> str:
    """What ``--require-signatures`` exempts of a ledger made by a move (since session 23)."""
    return (
        f"--require-signatures: {report.moved} events replayed from an export by import "
        f"--create on {report.moved_on} are not signed (the export's rows, the import's "
        "record, its RebuiltFromExport and the keys it registered again): the store they came "
        "from holds their signatures (verify it there); events after the move are judged as "
        "usual"
    )


#: The entries a note under today's rules rests on (``cli.verify`` ``note``); None: a note that
#: never says a move.
_Rests = Iterable[EntryId] | None


def _under_today(said: str, since: str, refuses: str, checked: str = "", moved_on: str = "") -> str:
    """A finding under today's rules of an entry an older fupin took (since session 26): what
    it is and the rule, the day fupin began to check it, and what today's refuses. In a ledger
    made by a move (``moved_on``), an entry replayed from the export was recorded here by the
    move, and its recording time in the old store is the export's, which is no evidence (since
    session 28, re-tester P): said so, not "recorded as it was taken". Only of such an entry:
    one recorded in the moved store after the move was recorded as it was taken (since session
    32, helper b2: ``cli.verify`` ``note``)."""
    if moved_on:
        return (
            f"under today's rules: {said}, which a fupin before {since} did not check"
            f"{checked} (not a problem if an older fupin took it: recorded before the move, "
            f"import --create on {moved_on}; its original recording time is the export's, "
            f"which is no evidence, so check it in the store it came from; today's fupin "
            f"{refuses})"
        )
    # "if a fupin took it" since session 35 (tester e: a pairing appended with psql today
    # was said "not a problem: recorded as it was taken", by a fupin before 2026-11-29)
    return (
        f"under today's rules: {said}, which a fupin before {since} did not check{checked} "
        f"(not a problem if a fupin took it: recorded as it was taken, which an entry written "
        f"into the store by hand cannot be told from; today's fupin {refuses})"
    )


#: What each rule ``ledger.exit_spared`` and ``ledger.oversight_spared`` judge says, and what
#: today's fupin does instead, by its name in ``SPARED_BEFORE`` (since session 30).
_SPARED_RULES = {
    "merge_into_exit": (
        "a household merging 合户 into one whose exit is under way (or approved on or after "
        "the merge's day) changes its members, and the exit rests on an income assessed for "
        "its members",
        "refuses such a merge until the change of members taking its people in is recorded, "
        "dated on the merge's day; record it now (`fupin household members NUMBER --members N "
        "… -e DAY`) and this note ends: the exit then waits for its year assessed again, and "
        "report accountability lists an approved one members-changed",
    ),
    "take_in_under_merge": (
        "a change of members taking in the people of a household merged 合户 into it is not "
        "voided while the merge stands: they would be in no household of the caseload, and an "
        "exit of it would go on without them",
        "refuses such a correction until the merge's closure is voided; void that closure "
        "(`fupin correct household NUMBER ENTRY --reason …`), or record the change of members "
        "taking them in again, and this note ends",
    ),
    "talk_under_street_inspection": (
        "a talk 约谈 with a street's leaders is the district's, held under a district "
        "inspection [六(七)], and report accountability counts it whatever inspection holds it",
        "refuses such a talk: if it was recorded under the wrong inspection, void it (`fupin "
        "correct inspection CODE ENTRY --reason …`) and hold it under a district inspection",
    ),
    "finding_closed_by_its_subject": (
        "the officer a finding is about does not accept their own rectification 整改 [六(七)]: "
        "another inspector or admin closes it, and report accountability takes a finding so "
        "closed as any other",
        "refuses such a closure: void it (`fupin correct inspection CODE ENTRY --reason … -d "
        "…`) and have another inspector close the finding",
    ),
    "notice_or_talk_twice": (
        "a notice 通报 or talk 约谈 like one on record is the same recorded twice, which report "
        "accountability lists or counts twice, as it does one given twice for real",
        "refuses it: a second one has a document of its own, or a reason or note saying what "
        "sets it apart; void the one recorded twice (`fupin correct inspection CODE ENTRY "
        "--reason …`)",
    ),
    "account_case_lookalike": (
        "an account differing from one on record only so is found by nobody who types the "
        "first, and report funds lists the two as two",
        "refuses such an account; an opening is not voided, so both stay on record: record "
        "what follows under the one first opened",
    ),
    "key_case_lookalike": (
        "a key differing from one on record only so is found by nobody who types the first, "
        "and the two read as one in every history and report",
        "refuses such a new officer, street, helper or household; a registration is not "
        "voided, so both stay on record: record what follows under the one first registered",
    ),
    "measure_case_lookalike": (
        "two measures of one household differing only so read as one in every payment and report",
        "refuses such a measure: record what follows under the one first planned",
    ),
}


#: The rules whose entries leave a household closed with an exit or a return under way, which
#: verify says in one note of the household (``ledger.closed_under_way``; since session 30).
_CLOSED_UNDER_WAY = (
    "closure_during_exit",
    "closure_during_return",
    "under_way_past_closure",
    "approval_after_closure",
    "return_approval_after_closure",
)

#: The rules whose entries verify's note of an employment standing past a closure covers (since
#: session 32 session 25's two too, which verify's pass reported as problems).
_EMPLOYED_PAST_CLOSURE = (
    "closure_while_employed",
    "employed_from_closure",
    "under_way_past_closure",
    "employment_end_after_closure",
    "end_voided_after_closure",
)


def _rule_since(*rules: str) -> str:
    """The day in China a rule an export's replay spares came in (``SPARED_BEFORE``); of a note
    whose rules came in on different days, the first, and the last for some of them (since
    session 32: session 25's two with session 29's three in the employment note; one day for
    all said a fupin of session 25 to 28 did not check what it refused)."""
    days = sorted({SPARED_BEFORE[rule].astimezone(CHINA).date().isoformat() for rule in rules})
    if len(days) == 1:
        return days[0]
    return f"{days[0]} ({days[-1]} for some of these rules)"


def _origin_line(origin: str) -> str:
    """The log the store is, which its checkpoints name (since session 25)."""
    if origin == LOG_NAME:
        return f"log {origin}: its checkpoints are signed under this name"
    return (
        f"log {origin}: a log of its own, started when this store was rebuilt by import "
        "--create; its checkpoints are signed under this name (tools/verify_bundle.py "
        f"--origin {origin})"
    )


def _render_success(
    report: VerifyReport, require_signatures: bool, compared: bool | None = False
) -> None:
    # soft_wrap: a line is never broken at the console's width (80 into a pipe), so a hash
    # stays whole on its line for whoever copies or greps it.
    say = partial(console.print, soft_wrap=True)

    def note(said: str, since: str, refuses: str, checked: str = "", rests: _Rests = ()) -> None:
        """A note under today's rules (``_under_today``), resting on the entries ``rests``
        (``ledger.noted``): in a ledger made by a move, said as of entries the move replayed
        when they are (``VerifyReport.before_the_move``: every one stored before the move's
        record, or none known), else as recorded as taken, by whatever fupin recorded the last
        of them in this store after the move (since session 32, helper b2: every entry of a
        moved store was said recorded before the move). ``rests`` None: the note of dates
        before session 24's, which never says the move (a move replays no key event nor
        checkpoint); every other note says it (since session 32, helper b, the double
        pairings', late replacements' and able households' too)."""
        moved = rests is not None and report.before_the_move(rests)
        moved_on = report.moved_on if moved else ""
        say(_under_today(said, since, refuses, checked, moved_on), markup=False, highlight=False)

    say(f"verified {report.size} events; Merkle root {report.root.hex()}")
    say(
        f"signatures: {report.seals} seals over {report.signed} signed events, "
        f"{report.unsigned} unsigned events (their officers had no key in force)"
    )
    if report.revoked_unsigned:
        # since session 24 (since session 32 whenever recorded, tester f): what a fupin before
        # the rule took, and one not yet upgraded still takes (a note, not a problem)
        day = REVOKED_RECORDS_NOTHING_SINCE.date().isoformat()
        at = ", ".join(str(position) for position in report.revoked_at)
        more = ", …" if report.revoked_unsigned > len(report.revoked_at) else ""
        say(
            f"{report.revoked_unsigned} unsigned events by officers whose key had been revoked "
            f"and no new key registered (counted above; at position {at}{more}): a fupin before "
            f"{day} took such a save, and one not yet upgraded still does; today's refuses it "
            "(such an officer records nothing until a new key is registered). Not a problem "
            "here, but an unsigned event cannot be told from one recorded in the officer's "
            "name without their key (no seal says who saved it; a checkpoint taken after it "
            "says only that it was in the log then): ask the officer whether they recorded it; "
            "--require-signatures fails each",
            markup=False,
            highlight=False,
        )
    if require_signatures:
        # A moved ledger has no bootstrap: its first events are the move's (since session 23
        # this line named a fupin init the ledger never ran).
        if report.bootstrap or not report.moved:
            say(
                f"--require-signatures: every event is signed but the bootstrap, which it "
                f"exempts ({report.bootstrap} events): the first admin's `fupin init` "
                "(position 0) and, right after it, that admin's own first key registration "
                "(position 1)"
            )
        if report.moved:
            say(_moved(report))
    say("roles: every event's recorder was an active officer allowed to record it")
    if report.erased_keys is not None:
        say(
            f"household keys: {report.erased_keys} destroyed, each by a recorded erasure; "
            "every erasure's key destroyed; every household with personal data has its key row"
            + (
                ""
                if report.current_master is None
                else f"; every live key under master key {report.current_master}, the current one"
            )
        )
    if report.key_table_unchecked is not None:
        say(_unchecked(report.key_table_unchecked), markup=False, highlight=False)
    for size in report.checkpoints:
        say(f"checkpoint of size {size}: signature valid, ledger extends it")
    for name, said in report.stale_heads:  # since session 28: a note, not a problem
        say(f"note: checkpoint {name}: {said}", markup=False, highlight=False)
    say(_origin_line(report.origin), markup=False, highlight=False)
    if report.recorded_under_old_origin:
        # since session 25 (since session 32 whenever recorded, tester f): signed under the
        # district's name by a fupin before the cut-over, or one not yet upgraded (a note)
        day = OWN_ORIGIN_SINCE.date().isoformat()
        say(
            f"{report.recorded_under_old_origin} of the ledger's own checkpoints are signed as "
            f"{LOG_NAME}, as a fupin before {day} signed a moved store's checkpoints (one not "
            f"yet upgraded still does; not a problem: today's fupin signs them as "
            f"{report.origin}): they prove nothing of the district's log {LOG_NAME}, and prove "
            "issues no bundle from them; give an inspector a new checkpoint",
            markup=False,
            highlight=False,
        )
    for said, running, rests in report.double_pairings:
        # since session 26: paired by a fupin that took it (834adfa), refused today (a note);
        # the advice only while both run (re-test M)
        advice = (
            ": end one of them with `fupin household unpair`"
            if running
            else "; the two no longer run at once"
        )
        note(
            f"{said}: an enterprise or cooperative pairs one household 一对一 [四(二)、四(十一)]",
            "2026-11-29",
            f"refuses such a pairing{advice}",
            rests=rests,
        )
    for said, rests in report.late_registrations:
        # since session 28: registered after the programme's years, by a fupin that took it
        note(
            f"{said}: a household is registered 建档立卡 by the end of the programme's last "
            "year [三], and the year after it is only for households that returned to "
            "poverty [六(六)]: this one is in no year's plan and is never assessed nor exits",
            _rule_since("late_registration"),
            "refuses such a registration: a household taken on in error is closed with "
            "`fupin household close NUMBER --because in-error`",
            rests=rests,
        )
    for said, rests in report.late_replacements:
        # since session 26: a replacement after the exit, by a fupin that took it (a note)
        note(
            f"{said}: a helper is paired while the household is assisted (up to and on its "
            "exit's approval day)",
            "2026-11-30",
            "refuses such a replacement: if the unpairing was dated or named wrong, correct "
            "it with `fupin correct household NUMBER VERSION --reason …`",
            checked=" for a replacement",
            rests=rests,
        )
    if report.able_unjudged:
        say(
            f"note: {report.able_unjudged} household(s) identified able and willing past the "
            "million verify keeps at once were not judged by the key-target rule [三] of "
            "older ledgers (its memory is bounded, as the streets it keeps are)",
            markup=False,
            highlight=False,
        )
    for said, rests in report.able_not_key_targets:
        # since session 26: registered or amended so by a fupin that took it (a note)
        note(
            f"{said}: a 低保 household with labour capacity that is willing is a key target "
            "重点帮扶对象 [三; 四(一)]",
            "2026-12-01",
            "refuses it: amend its mark with `fupin household amend NUMBER --key-target`, "
            "or the field typed wrong",
            rests=rests,
        )
    for said in report.dated_before:
        # since session 26: recorded by a fupin before session 24, which took it (a note); in a
        # moved store too recorded as it was taken, never before the move: a move replays no
        # key event nor checkpoint, it registers the keys again dated after the export's last
        # row and key event and takes its own checkpoints (docs/import.md), so such an entry
        # was recorded there after the move, by a fupin that took it (helper b, session 32)
        note(said, "2026-12-01", "refuses such a date", rests=None)
    for said, void, step in report.ended_before_entries:
        # since session 28: a retirement or transfer dated before its officer's entries under
        # the post it ends, which a fupin before took (a note; tester L)
        note(
            f"{said}: a retirement or transfer is dated on or after the entries (not "
            "voided) its officer recorded under the post it ends",
            _rule_since("post_ended_before_entries"),
            f"refuses such a date: if it was dated wrong, void it (`{void}`) and record "
            "it anew on or after that entry's date",
            rests=(step,),
        )
    for said, rests in report.after_rejection:
        # since session 29: a household turned down, changed or closed after by a fupin that
        # took it (a note; tester J)
        note(
            f"{said}: a household turned down is no household of the programme, and "
            "nothing is recorded of it after",
            _rule_since("step_after_rejection"),
            "refuses such a step; the caseload counts the household in its group, status "
            "rejected, not among the closed",
            rests=rests,
        )
    for rule, said, rests in report.spared:
        # since session 30: a merge into a household whose exit was under way, a talk under a
        # street inspection, a talk or notice recorded twice, an account alike to one before,
        # (since session 32) a key alike in case to one before, by a fupin that took it (a
        # note); a closure during an exit and an exit approval voided after a closure are the
        # household's one note below
        statement, refuses = _SPARED_RULES[rule]
        note(f"{said}: {statement}", _rule_since(rule), refuses, rests=rests)
    for said, rests in report.closed_under_way:
        # since session 30: one note of each household that stands closed with an exit or a
        # return under way, whatever an older fupin took that left it so (_CLOSED_UNDER_WAY): a
        # closure during one, a step of one entered after the closure, an approval voided after
        # it; withdrawn since, or the closure voided, it is not noted (re-tester R;
        # ledger.exit_spared no longer notes the first nor the approval, which gave such a
        # household two notes)
        note(
            f"{said}: a household is not closed while an exit or a return of it is under "
            "way, nor takes after its closure a step or a correction leaving one under way",
            _rule_since(*_CLOSED_UNDER_WAY),
            "refuses such a closure, step or correction; a withdrawal is taken after the closure",
            rests=rests,
        )
    for said, rests in report.employed_past_closure:
        # since session 31: an employment of a worker of a closed household standing past its
        # closure, which a fupin before took entered after the closure (under_way_past_closure),
        # ended after it (employment_end_after_closure) or its end on or before it voided after
        # it (end_voided_after_closure), all three of one day (a note; before, verify said
        # nothing of one); since session 32 also a closure while one stood
        # (closure_while_employed) and one from the closure's date on (employed_from_closure),
        # session 25's rules, which failed verify's pass
        note(
            f"{said}: {ENDS_BY_CLOSURE}",
            _rule_since(*_EMPLOYED_PAST_CLOSURE),
            "refuses a closure while one stands, one from the closure's date on, one from "
            "before the closure entered after it, an end dated after the closure, and the "
            "voiding of an end on or before it while the closure stands",
            rests=rests,
        )
    if report.recorded_checkpoints:
        say(
            f"the ledger's own checkpoints: {len(report.recorded_checkpoints)} matched the log "
            f"(the last of size {max(report.recorded_checkpoints)})"
        )
    # What a clean result does not cover, said with it (tester N, session 19: a store whose
    # unsigned events and recorded checkpoints were edited and removed, or whose read models
    # were edited, passed with nothing said; docs/audit-guide.md §6). Only a checkpoint
    # covers an unsigned event; the bootstrap (init, the first key) is the only one a signed
    # ledger has.
    # Said when unsigned events other than the bootstrap are there, and of every unsigned
    # event, as the signatures line counts them (testers X and Z, session 20: "15830
    # unsigned events", then "one of the 15829").
    loose = report.unsigned - report.bootstrap
    if loose and not report.checkpoints and report.recorded_checkpoints:
        say(
            f"checkpoint files: none given: the {report.unsigned} unsigned events were checked "
            "against the ledger's own checkpoints alone, which whoever can write the store can "
            "remove too; give the ones kept outside it with --checkpoint"
        )
    elif loose and not report.checkpoints:
        say(
            f"checkpoint files: none given, and the ledger records none: a figure of one of the "
            f"{report.unsigned} unsigned events altered where it stands would not be seen; "
            "keep checkpoints (`fupin checkpoint`) outside the ledger and give them with "
            "--checkpoint"
        )
    covered = max([*report.checkpoints, *report.recorded_checkpoints], default=0)
    if covered and report.size > covered:
        say(
            f"after the last checkpoint (of size {covered}): {report.size - covered} event(s), "
            "which their seals alone cover (an unsigned one, nothing): a checkpoint taken now "
            "covers them"
        )
    if compared is None:
        say("read models: they record no position (none built yet, or emptied): none compared")
    else:  # since session 32 (tester h, F7): their position, when they could be read
        position = (
            "their position (pj_tracking, pj_clock) compared with the ledger's end, as every "
            "report compares it before it reads them; "
            if compared
            else ""
        )
        say(
            f"read models: {position}their figures not compared with the events (the reports "
            "read them): `fupin projections check` compares them"
        )


#: Why ``checkpoint --out`` writes only a new file (since session 23: a second checkpoint
#: replaced the first one kept under its name): a kept checkpoint is what proves the log
#: (docs/audit-guide.md), like a backup or a key file, never overwritten.
@contextmanager
def _pipe_errors_raised() -> Iterator[None]:
    """``SIGPIPE`` ignored while a recorded checkpoint is written: a pipe closed on it (``--out
    /dev/stdout | ssh …`` failing) raises ``BrokenPipeError``, said as a file not written,
    instead of ending fupin by the signal with nothing said (re-test Y, session 23)."""
    if not hasattr(signal, "SIGPIPE"):
        yield
        return
    before = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGPIPE, before)


_KEPT = "a checkpoint file is never overwritten (a kept checkpoint is what proves the log)"
#: ``prove --out``: a bundle is evidence as a checkpoint is (the external auditor, session 23:
#: it replaced a kept checkpoint, and an earlier bundle, exit 0).
_BUNDLE_KEPT = "a proof bundle is written only as a new file (a kept one is evidence)"


@refusals
def checkpoint(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "--output",
            "-o",
            help="Checkpoint file to write (JSON).",
            parser=output_path,
            metavar="<path>",
        ),
    ],
    log_key_file: Annotated[
        Path, typer.Option("--log-key", help="The district's log private key file (0600).")
    ],
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """Sign the current tree head 签发检查点 with the log key; write it and record it."""
    key = load_private_key(log_key_file, "log-key")
    inputs = [("--log-key", log_key_file)]
    # The name is claimed before the checkpoint is recorded: a bad --out, or one another
    # checkpoint took meanwhile, records nothing; the claim is written over, or removed.
    with claimed_output(out, "output", inputs=inputs, new=_KEPT):
        with ledger_session() as app:
            signed = record_checkpoint(app, make_stamp(document, effective), key)
        try:
            with _pipe_errors_raised():  # a closed pipe is an error here, not a silent 141
                write_json(out, signed.to_json(), inputs)
        except (LedgerError, OSError) as exc:
            # Recorded, not written (a full disk): never "refused", which says nothing was
            # (the external auditor, session 23). The signed head is in the log.
            err_console.print(
                f"the checkpoint was recorded (size {signed.size}, root {signed.root}), but its "
                f"file could not be written ({exc}): the signed tree head stands in the log "
                "(fupin log shows its CheckpointRecorded); free the space or name another "
                "file, then take a new checkpoint to keep one outside the ledger",
                markup=False,
                soft_wrap=True,
            )
            raise typer.Exit(FAILED) from None
    console.print(f"checkpoint: size {signed.size}, root {signed.root} -> {out}", soft_wrap=True)
    console.print(_origin_line(signed.log), markup=False, highlight=False, soft_wrap=True)


#: The bundle file ``prove`` and ``prove-consistency`` write.
BundleOut = Annotated[
    Path,
    typer.Option(
        "--out",
        "--output",
        "-o",
        help="Bundle file to write (JSON).",
        parser=output_path,
        metavar="<path>",
    ),
]


@refusals
def prove(
    household: Annotated[str, typer.Argument(help="Household number 户号.")],
    checkpoint_file: Annotated[Path, typer.Option("--checkpoint", help="Checkpoint file.")],
    out: BundleOut,
) -> None:
    """Write a household's events with inclusion proofs 包含证明 against a checkpoint."""
    signed = read_checkpoint(checkpoint_file)
    inputs = [("--checkpoint", checkpoint_file)]
    check_output(out, "output", inputs=inputs, new=_BUNDLE_KEPT)
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        bundle = prove_household(app, household, signed, str(checkpoint_file))
    write_json(out, bundle, inputs, new=_BUNDLE_KEPT)
    console.print(f"{len(bundle['events'])} events of {household} proven -> {out}", soft_wrap=True)
    # The recipient pins the log key obtained from the district office (docs/audit-guide.md
    # §7), never the one the bundle carries: the hint names the key to expect, not a value.
    # A moved store's log is not fupin-jianghai, the tool's default: the hint names it, or
    # following it fails a sound bundle (since session 25).
    origin = "" if signed.log == LOG_NAME else f" --origin {signed.log}"
    console.print(
        f"check it offline: python tools/verify_bundle.py {out}{origin} --log-key <the "
        "district's log key, obtained from the district office: this checkpoint is signed by "
        f"{signed.key_id}>",
        soft_wrap=True,
    )


@refusals
def prove_consistency_of(
    older_file: Annotated[
        Path, typer.Option("--from", help="The older checkpoint file, the inspector's.")
    ],
    newer_file: Annotated[Path, typer.Option("--to", help="The newer checkpoint file.")],
    out: BundleOut,
) -> None:
    """Prove a newer checkpoint extends an older one 一致性证明 (RFC 9162 consistency proof)."""
    older, newer = read_checkpoint(older_file), read_checkpoint(newer_file)
    inputs = [("--from", older_file), ("--to", newer_file)]
    check_output(out, "output", inputs=inputs, new=_BUNDLE_KEPT)
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader (docs/privacy.md)
        bundle = prove_consistency(app, older, newer, (str(older_file), str(newer_file)))
    write_json(out, bundle, inputs, new=_BUNDLE_KEPT)
    console.print(
        f"checkpoint of size {newer.size} proven to extend the one of size {older.size} "
        f"({len(bundle['proof'])} hashes) -> {out}",
        soft_wrap=True,
    )
    origin = "" if newer.log == LOG_NAME else f" --origin {newer.log}"
    console.print(
        f"check it offline: python tools/verify_bundle.py {out}{origin} "
        f"{_log_key_hint(older.key_id, newer.key_id)}",
        soft_wrap=True,
    )


def _log_key_hint(older: str, newer: str) -> str:
    """The ``--log-key`` of the tool's command line: one for the key both checkpoints are
    signed by, or one for each, as the tool takes them (since session 28, re-tester N: the two
    ids were shown in one ``--log-key``, ``A, B``, which the tool refuses)."""
    source = "the district's log key, obtained from the district office"
    if older == newer:
        return f"--log-key <{source}: these checkpoints are signed by {older}>"
    return (
        f"--log-key <{source}: the older checkpoint is signed by {older}> --log-key <the key "
        f"that replaced it, obtained likewise: the newer checkpoint is signed by {newer}>"
    )
