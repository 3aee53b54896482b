"""Round 24: officers and keys are managed by an admin with a key in force (tester, session 24).

An admin who never held a key demoted and retired, unsigned, every admin who held one
(``officer change adm-2 --role officer``, ``officer retire admin``), plain verify passed, and
no admin with a key could recover. Since session 24, once an active admin has a key in force,
the commands that manage officers and keys are recorded only by such an admin, signed; the
last active admin with a key in force is neither retired nor demoted, as their key is not
revoked. While no admin has a key in force, an admin registers their own first key, as before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from ledger.application import open_ledger
from ledger.errors import RuleError

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round24_keys import _new_key
from tests.support import stamp

STORE_INDEPENDENT = "the command's authority check, the same code on either store"


@pytest.fixture
def keyed(seeded: Fupin, tmp_path: Path) -> Fupin:
    """admin with a key in force (registered their own first key, unsigned), and adm-3, an
    admin who never held one."""
    admin, _ = _new_key(seeded, tmp_path / "admin.key")
    seeded.ok(f"keys register admin {admin} {doc('2016-08-20')}", "admin")
    as_admin = f"--key {tmp_path / 'admin.key'}"
    seeded.ok(f"{as_admin} officer add adm-3 --name 三 --role admin {doc('2016-08-20')}", "admin")
    return seeded


@pytest.mark.parametrize(
    "line",
    [
        "officer change admin --role officer --street 江南",
        "officer retire admin --reason 调离",
        "officer add adm-4 --name 四 --role admin",
        "keys revoke admin --note 被盗",
    ],
)
def test_an_admin_without_a_key_manages_no_officer_or_key(keyed: Fupin, line: str) -> None:
    before = keyed.event_count()
    result = keyed(f"{line} {doc('2016-08-21')}", "adm-3")
    assert_refused(
        result,
        "as",
        "adm-3 has no key in force, and admin has one: while an active admin has a key in "
        "force, fupin ",
    )
    assert "recorded only by an admin with a key in force, in a save signed with it" in (
        result.stderr
    )
    assert keyed.event_count() == before
    keyed.ok("verify")


def test_a_first_key_is_registered_by_the_admin_with_a_key(keyed: Fupin, tmp_path: Path) -> None:
    third, _ = _new_key(keyed, tmp_path / "adm-3.key")
    result = keyed(f"keys register adm-3 {third} {doc('2016-08-21')}", "adm-3")
    assert_refused(
        result,
        "as",
        "a first key too: admin registers adm-3's (fupin keys new, then fupin --as admin "
        "--key … keys register adm-3 …)",
    )
    keyed.ok(
        f"--key {tmp_path / 'admin.key'} keys register adm-3 {third} {doc('2016-08-21')}", "admin"
    )
    # now adm-3 manages officers, signed
    keyed.ok(
        f"--key {tmp_path / 'adm-3.key'} officer add adm-4 --name 四 --role admin "
        f"{doc('2016-08-22')}",
        "adm-3",
    )
    keyed.ok("verify")


@pytest.mark.parametrize("doing", ["demote", "retire"])
def test_the_last_admin_with_a_key_is_not_retired_or_demoted(keyed: Fupin, doing: str) -> None:
    """Refused as revoking their key is. Through the command line only another admin with a
    key in force retires or demotes one (and no admin themselves), so this is a second line
    of defence: judged here with the command's authority check left out."""
    app = open_ledger(keyed.store)
    try:
        app.authorise = lambda stamp, command, street="": app.provenance(stamp, "admin")  # type: ignore[method-assign]
        by = stamp("adm-3", date(2016, 8, 21))
        if doing == "demote":
            with pytest.raises(RuleError) as refused:
                app.change_officer(by, "admin", "officer", "江南")
        else:
            with pytest.raises(RuleError) as refused:
                app.retire_officer(by, "admin", "调离")
    finally:
        app.close()
    assert refused.value.field == "officer"
    assert str(refused.value.rule).startswith(
        "admin is the only active admin with a key in force: once admin "
    )
    assert f"then {doing}; nothing was written" in str(refused.value.rule)
    keyed.ok("verify")


def test_no_admin_with_a_key_an_admin_registers_their_own_first_key(
    seeded: Fupin, tmp_path: Path
) -> None:
    """The bootstrap, as before: unsigned, and then signed with it."""
    admin, _ = _new_key(seeded, tmp_path / "admin.key")
    seeded.ok(f"keys register admin {admin} {doc('2016-08-20')}", "admin")
    seeded.ok(
        f"--key {tmp_path / 'admin.key'} officer add adm-3 --name 三 --role admin "
        f"{doc('2016-08-20')}",
        "admin",
    )
    seeded.ok("verify")
