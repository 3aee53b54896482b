"""PostgreSQL: ``fupin verify`` compares the body of the key table's trigger function
(``fupin_household_keys_guard``) with the one ``protect_events`` installs, as it has compared
the events' since session 32 (ledger.schema.own_trigger_notes, since session 34): the owner's
no-op function left both key-table triggers enabled, a key overwritten or a row deleted went
through, and verify said nothing. A guard an earlier fupin installed is said to be one, with
what it lets through, and running ``protect_events`` again silences either note."""

from __future__ import annotations

import psycopg
import pytest
from ledger.keys import EARLIER_KEY_GUARDS, KEY_TABLE_GUARD
from ledger.store import parse_store
from projections.pg import protect_events

from tests.cli import test_round32_verify_tail_and_triggers as tail
from tests.cli.conftest import Fupin, run_sql
from tests.cli.test_round32_verify_tail_and_triggers import EVENTS_GUARDS, KEYS_GUARDS

#: The owner's database protected for an officers' role, as the tail-cut tests make it.
owned = tail.owned
protected = tail.protected

NEUTERED = (
    "CREATE OR REPLACE FUNCTION fupin_household_keys_guard() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
)


def _said(fupin: Fupin) -> str:
    return " ".join(fupin.ok("verify").output.split())


def _earlier(template: str) -> str:
    """The earlier guard's function as that fupin's protect_events installed it."""
    current = KEY_TABLE_GUARD.split("$$")[1]
    function = KEY_TABLE_GUARD.split(";\nDROP TRIGGER")[0].replace(current, template)
    return function.format(schema='"public"', events='"public"."ledger_events"')


def test_the_owner_replaces_the_key_guard_verify_notes_it(protected: tuple[Fupin, str]) -> None:
    fupin, officers = protected
    assert "note:" not in fupin.ok("verify").output
    run_sql(fupin.store, NEUTERED)
    with psycopg.connect(fupin.store, autocommit=True) as conn:  # the guard lets it through
        conn.execute("UPDATE household_keys SET wrapped_key = 'AAAA'")

    said = _said(fupin)

    assert (
        f"note: {KEYS_GUARDS}: their function fupin_household_keys_guard was replaced (CREATE "
        "OR REPLACE FUNCTION): it is not one protect_events installs, and may refuse nothing "
        "while its triggers are there and enabled"
    ) in said
    assert "`fupin keys check` finds a key overwritten" in said
    assert EVENTS_GUARDS not in said  # the events' guards are as installed

    protect_events(parse_store(fupin.store), officers)
    assert "note:" not in fupin.ok("verify").output


@pytest.mark.parametrize(("lets", "template"), EARLIER_KEY_GUARDS, ids=["first", "second"])
def test_an_earlier_fupins_key_guard_is_said_so_with_what_it_lets_through(
    protected: tuple[Fupin, str], lets: str, template: str
) -> None:
    fupin, officers = protected
    run_sql(fupin.store, _earlier(template))

    said = _said(fupin)

    assert (
        f"note: {KEYS_GUARDS}: their function fupin_household_keys_guard is an earlier "
        f"fupin's, which lets through {lets}"
    ) in said
    assert "was replaced" not in said
    assert "delete" in lets or "deleted" in lets

    protect_events(parse_store(fupin.store), officers)
    assert "note:" not in fupin.ok("verify").output


def test_the_current_guard_spaced_otherwise_is_no_note(protected: tuple[Fupin, str]) -> None:
    fupin, _officers = protected
    current = KEY_TABLE_GUARD.split("$$")[1]
    respaced = _earlier("\n".join(" ".join(line.split()) for line in current.splitlines()))
    run_sql(fupin.store, respaced)

    assert "note:" not in fupin.ok("verify").output
