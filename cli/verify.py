"""``fupin verify``, ``fupin checkpoint``, ``fupin prove``: tamper evidence 防篡改核验.

See docs/audit-guide.md for what each check proves and what it does not.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import orjson
import typer
from ledger.bundles import prove_household
from ledger.errors import InputError
from ledger.keys import load_private_key
from ledger.transparency import Checkpoint, record_checkpoint
from ledger.verification import KEY_TABLE_POSITION, Problem, VerifyReport, verify_ledger
from rich.progress import Progress
from rich.text import Text

from cli.common import (
    DocumentOption,
    EffectiveOption,
    check_output,
    console,
    err_console,
    ledger_session,
    make_stamp,
    output_file,
    refusals,
)

#: Exit code when verification finds a problem (2 stays "refused": bad input, nothing checked).
FAILED = 1

CheckpointFiles = Annotated[
    list[Path] | None,
    typer.Option("--checkpoint", help="Checkpoint file 检查点 kept earlier (repeatable)."),
]


def read_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint file, or a refusal naming it."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise InputError("checkpoint", f"cannot read {path}: {exc.strerror}") from None
    except orjson.JSONDecodeError:
        raise InputError("checkpoint", f"{path} is not JSON") from None
    return Checkpoint.from_json(data)


def write_json(path: Path, value: object) -> None:
    """``value`` as a JSON file, written whole or not at all."""
    with output_file(path, "out") as handle:
        handle.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")


@refusals
def verify(
    checkpoints: CheckpointFiles = None,
    require_signatures: Annotated[
        bool, typer.Option("--require-signatures", help="Unsigned events are failures too.")
    ] = False,
    log_key: Annotated[
        list[str] | None,
        typer.Option(
            "--log-key",
            help="Log key id you trust, pinned out of band (repeatable); then only these count.",
        ),
    ] = None,
) -> None:
    """Recompute everything 全面核验: signatures, roles, the Merkle root, every checkpoint."""
    given = [(str(path), read_checkpoint(path)) for path in checkpoints or []]
    with ledger_session() as app, Progress(console=err_console, transient=True) as bar:
        total = app.recorder.max_notification_id() or 0
        task = bar.add_task("verifying", total=total)
        report = verify_ledger(
            app.recorder,
            app.mapper,
            given,
            require_signatures=require_signatures,
            trusted_log_keys=log_key or [],
            progress=lambda n: bar.advance(task, n),
        )
    if not report.ok:
        _render_failure(report)
        raise typer.Exit(FAILED)
    _render_success(report)


def _where(problem: Problem) -> str:
    if problem.position == KEY_TABLE_POSITION:
        return "the household key table"
    return "checkpoint file" if problem.position < 0 else f"position {problem.position}"


def _render_failure(report: VerifyReport) -> None:
    first = report.problems[0]
    err_console.print(
        Text.assemble(("FAILED", "red"), f" at {_where(first)}: {first.event}: {first.reason}"),
        highlight=False,
        soft_wrap=True,
    )
    for problem in report.problems[1:10]:
        where = problem.position if problem.position >= 0 else _where(problem)
        err_console.print(
            f"  also at {where}: {problem.event}: {problem.reason}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    err_console.print(
        f"{report.problem_count} problem(s) in {report.size} events", markup=False, soft_wrap=True
    )
    err_console.print(
        "positions count from 0 (Merkle leaf index): position P is the (P+1)-th event of "
        "`fupin log` (docs/audit-guide.md)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _render_success(report: VerifyReport) -> None:
    # soft_wrap: a line is never broken at the console's width (80 into a pipe), so a hash
    # stays whole on its line for whoever copies or greps it.
    say = partial(console.print, soft_wrap=True)
    say(f"verified {report.size} events; Merkle root {report.root.hex()}")
    say(
        f"signatures: {report.seals} seals over {report.signed} signed events, "
        f"{report.unsigned} unsigned events (their officers had no key in force)"
    )
    say("roles: every event's recorder was an active officer allowed to record it")
    if report.erased_keys is not None:
        say(
            f"household keys: {report.erased_keys} destroyed, each by a recorded erasure; "
            "every erasure's key destroyed; every household with personal data has its key row"
        )
    for size in report.checkpoints:
        say(f"checkpoint of size {size}: signature valid, ledger extends it")


@refusals
def checkpoint(
    out: Annotated[Path, typer.Option("--out", help="Checkpoint file to write (JSON).")],
    log_key_file: Annotated[
        Path, typer.Option("--log-key", help="The district's log private key file (0600).")
    ],
    document: DocumentOption,
    effective: EffectiveOption = None,
) -> None:
    """Sign the current tree head 签发检查点 with the log key; write it and record it."""
    key = load_private_key(log_key_file)
    check_output(out, "out")  # before the checkpoint is recorded: a bad --out writes nothing
    with ledger_session() as app:
        signed = record_checkpoint(app, make_stamp(document, effective), key)
    write_json(out, signed.to_json())
    console.print(f"checkpoint: size {signed.size}, root {signed.root} -> {out}", soft_wrap=True)


@refusals
def prove(
    household: Annotated[str, typer.Argument(help="Household number 户号.")],
    checkpoint_file: Annotated[Path, typer.Option("--checkpoint", help="Checkpoint file.")],
    out: Annotated[Path, typer.Option("--out", help="Bundle file to write (JSON).")],
) -> None:
    """Write a household's events with inclusion proofs 包含证明 against a checkpoint."""
    signed = read_checkpoint(checkpoint_file)
    check_output(out, "out")
    with ledger_session() as app:
        bundle = prove_household(app, household, signed)
    write_json(out, bundle)
    console.print(f"{len(bundle['events'])} events of {household} proven -> {out}", soft_wrap=True)
    console.print("check it offline: python tools/verify_bundle.py " + str(out), soft_wrap=True)
