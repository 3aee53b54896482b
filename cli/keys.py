"""``fupin keys``: signing keys 签名密钥 — make a key pair, register or revoke a public key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from ledger.keys import (
    generate_key,
    key_id,
    load_private_key,
    public_key_text,
    write_private_key,
)
from ledger.transparency import (
    log_origin,
    register_log_key,
    register_signing_key,
    revoke_signing_key,
)
from ledger.written import KEY_FILE_KEPT
from projections import api

from cli.common import (
    DocumentOption,
    EffectiveTodayOption,
    console,
    ledger_session,
    make_stamp,
    refusals,
)
from cli.outputs import check_output, output_path
from cli.privacy import reader_of
from cli.reports import FormatOption, OutputFormat, emit

keys_app = typer.Typer(help="Signing keys 签名密钥: every save of a keyed officer is signed.")

PublicKeyArgument = Annotated[
    str, typer.Argument(help="Public key, base64 (printed by `fupin keys new`).")
]


#: ``keys revoke --note``: required, the reason for revoking (since the session 24 re-test the
#: help says so; it showed the optional note of other commands).
RevokeNoteOption = Annotated[
    str,
    typer.Option(
        "--note",
        help="Required: the reason for revoking 吊销原因 (lost, leaked, stolen…).",
        show_default=False,
    ),
]


@keys_app.command("new")
@refusals
def new_key(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "--output",
            "-o",
            help="Private key file to write (mode 0600).",
            parser=output_path,
            metavar="<path>",
        ),
    ],
) -> None:
    """Make an Ed25519 key pair 生成密钥: the private key stays in OUT, only you may read it."""
    # Judged as every output file is (docs/cli.md "Output files"; since session 29 it was
    # refused on "out", unquoted, where a missing folder said only "No such file or directory").
    check_output(out, "output", new=KEY_FILE_KEPT)
    key = generate_key()
    write_private_key(out, key)
    console.print(f"private key: {out} (mode 0600; keep it, never share it)")
    console.print(f"public key:  {public_key_text(key)}")
    console.print(f"key id:      {key_id(key)}")


@keys_app.command("public")
@refusals
def public_key(
    key_file: Annotated[
        Path, typer.Argument(help="Private key file (mode 0600), as keys new wrote it.")
    ],
) -> None:
    """The public key and key id of a private key file 公钥 (what keys new printed): to register
    it, or to find which key a file holds. Since session 24: a public key printed once and lost
    (a full disk, a closed pipe) could not be had again."""
    key = load_private_key(key_file, "file")
    console.print(f"public key:  {public_key_text(key)}")
    console.print(f"key id:      {key_id(key)}")


@keys_app.command("register")
@refusals
def register(
    officer_id: Annotated[str, typer.Argument(help="Officer id 工号 the key belongs to.")],
    public_key: PublicKeyArgument,
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """Register an officer's public key 登记公钥 (admin); their later saves must be signed."""
    with ledger_session() as app:
        kid = register_signing_key(app, make_stamp(document, effective), officer_id, public_key)
    console.print(f"key {kid} registered for {officer_id}")


@keys_app.command("revoke")
@refusals
def revoke(
    officer_id: Annotated[str, typer.Argument(help="Officer id 工号.")],
    document: DocumentOption,
    note: RevokeNoteOption = "",
    effective: EffectiveTodayOption = None,
) -> None:
    """Revoke an officer's key 吊销密钥 (lost or leaked); --note (required) says why."""
    with ledger_session() as app:
        revoke_signing_key(app, make_stamp(document, effective), officer_id, note, field="note")
    console.print(f"key of {officer_id} revoked")


@keys_app.command("register-log")
@refusals
def register_log(
    public_key: PublicKeyArgument,
    document: DocumentOption,
    effective: EffectiveTodayOption = None,
) -> None:
    """Register (or rotate) the district's log key 日志密钥 that signs checkpoints (admin)."""
    with ledger_session() as app:
        kid = register_log_key(app, make_stamp(document, effective), public_key)
        origin = log_origin(app)
    # the log it signs for (since session 25: a moved store is a log of its own)
    console.print(f"log key {kid} registered; it signs the checkpoints of the log {origin}")


@keys_app.command("list")
@refusals
def list_keys(output: FormatOption = OutputFormat.table) -> None:
    """Every signing key registered 密钥清单: officers' keys (registered on, in force, or
    revoked or rotated out on) and the district's log keys (current, or rotated out on).

    From the ledger's key events; for any reader. Public key ids only, never a key."""
    with ledger_session() as app:
        reader_of(app)  # --as: an active officer or nobody, as every reader
        report = api.keys(app)
    emit(report, ("officer_keys", "log_keys"), output, api.KEY_COLUMNS)
