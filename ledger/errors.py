"""Errors the ledger raises when a command breaks a rule of the programme.

Every refusal names the field and the rule, so that an officer can mend the input::

    LedgerError                    any refusal; nothing was written
    ├── InputError                 a value is malformed (money, date, ID-card number, choice)
    ├── NotFoundError              a household, officer, helper, account... is not on record
    ├── AlreadyExistsError         a natural id is taken (household number, officer id...)
    ├── PermissionRefusedError     the actor's role or street does not allow the command
    ├── RuleError                  a rule of the plan (江高发〔2016〕4号) forbids the command
    └── ConflictError              another writer changed the same record; retry on fresh state
"""

from __future__ import annotations

__all__ = [
    "AlreadyExistsError",
    "ConflictError",
    "InputError",
    "LedgerError",
    "NotFoundError",
    "PermissionRefusedError",
    "RequiredError",
    "RuleError",
]


class LedgerError(Exception):
    """A refused command: ``field`` names what was wrong, ``rule`` says which rule it broke."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class InputError(LedgerError):
    """A malformed value: money with three decimals, a date that is not ISO 8601..."""


class RequiredError(InputError):
    """Values required and not given, each ``is required``: an import row names every one of
    ``fields`` (as its cells parsed one by one do), the command line the first."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__(fields[0], "is required")
        self.fields = fields


class NotFoundError(LedgerError):
    """The command names something the ledger has no record of."""


class AlreadyExistsError(LedgerError):
    """The command would create something whose natural id is already taken."""


class PermissionRefusedError(LedgerError):
    """The actor is unknown, or their role or street scope does not allow the command."""


class RuleError(LedgerError):
    """A rule of the programme forbids the command in the current state."""


class ConflictError(LedgerError):
    """Another writer saved the same aggregate first (optimistic concurrency)."""
