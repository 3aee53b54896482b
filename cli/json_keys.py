"""A JSON object that gives a key twice, as the files fupin reads refuse it: the stdlib's parser
with ``object_pairs_hook=once_each`` raises ``KeyGivenTwice`` naming the key (orjson keeps the
last copy silently). One mechanism for ``fupin import``'s JSONL rows (``cli.importing``) and the
checkpoint files ``verify``, ``prove`` and ``restore`` read (``cli.verify``)."""

from __future__ import annotations

from typing import Any

__all__ = ["KeyGivenTwice", "once_each"]


class KeyGivenTwice(ValueError):
    """A key given twice in one JSON object: ``key``."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict, refusing a key given twice (``KeyGivenTwice``)."""
    found = dict(pairs)
    if len(found) < len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise KeyGivenTwice(key)
            seen.add(key)
    return found
