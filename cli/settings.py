"""The global options given before the command (``fupin --store X --as Y household ...``),
set once by ``cli.main`` and read by every command."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Settings:
    """Global options given before the command: ``fupin --store X --as Y household ...``."""

    store: str | None = None
    actor: str | None = None
    key: str | None = None  # the actor's private key file (--key / LEDGER_KEY), for signing
    #: What stands if the command is stopped once it has committed, said by the command that
    #: knows (an import, a rotation of the master key); "" for the general advice.
    stands: str = ""


settings = Settings()
