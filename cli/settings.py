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


settings = Settings()
