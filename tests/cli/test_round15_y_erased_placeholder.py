"""Round 15: personal data spelled as a placeholder (``[erased]``, ``[sealed]``...) is refused
as that before any field's form is checked (``ledger.casework.check_no_placeholders``), the
ID card included. An export of a ledger with an erased household (its identification reads
``[erased]`` throughout) was refused on import as ``id_card: not a valid 18-character ID-card
number``, where docs/import.md says ``head_name: is a placeholder …``; an ``[erased]`` value
now says the household's personal data was erased."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

PLACEHOLDER = "is a placeholder the ledger shows instead of personal data"
ERASED = "[erased] is what a household's personal data reads once erased"
IDENTIFY = (
    "household identify JH-0070 --street 江南 --village 雄光 --area rural --members 1 "
    f"{doc('2016-08-01')}"
)
MEMBERS = f"household members JH-0002 --members 1 --note 变更 {doc('2016-09-01')}"


def test_an_export_of_an_erased_household_is_refused_as_erased_on_import(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok("erase JH-0003 --reason 申请删除 -d 删除申请 -e 2016-09-01", actor="admin")
    log = tmp_path / "er.jsonl"
    seeded.ok(f"export events -o {log}", actor="admin")
    fresh = tmp_path / "er2.db"

    result = seeded.runner.invoke(
        app, ["--store", str(fresh), "import", "--dry-run", "--create", str(log)]
    )

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    first = result.stderr.strip().splitlines()[0]
    assert "er.jsonl line " in first
    assert f"head_name: {PLACEHOLDER}" in first
    assert ERASED in first
    assert "not a valid 18-character ID-card number" not in result.stderr


@pytest.mark.parametrize(
    ("options", "field", "erased"),
    [
        ("--head-name 王五 --id-card '[erased]'", "id_card", True),
        ("--head-name 王五 --id-card ' [SEALED] '", "id_card", False),
        ("--head-name 王五 --id-card '［masked］'", "id_card", False),
        # The placeholder is found before the malformed ID card.
        ("--head-name '[erased]' --id-card 1234", "head_name", True),
        ("--head-name 王五 --id-card 1234 --phone '[sealed]'", "phone", False),
        ("--head-name 王五 --id-card 1234 --address '[Erased]'", "address", True),
    ],
)
def test_identify_refuses_a_placeholder_before_the_id_cards_form(
    seeded: Fupin, options: str, field: str, erased: bool
) -> None:
    before = seeded.event_count()

    result = seeded(f"{IDENTIFY} {options}", actor="jn-01")

    assert_refused(result, field, PLACEHOLDER)
    assert (ERASED in result.stderr) is erased
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ("--head-name 户主2 --id-card '[erased]'", "id_card"),
        ("--head-name 户主2 --id-card 1234 --member-name '[sealed]'", "member_names"),
    ],
)
def test_household_members_refuses_a_placeholder_before_the_id_cards_form(
    seeded: Fupin, options: str, field: str
) -> None:
    before = seeded.event_count()

    result = seeded(f"{MEMBERS} {options}", actor="jn-01")

    assert_refused(result, field, PLACEHOLDER)
    assert seeded.event_count() == before


def test_a_malformed_id_card_alone_is_still_refused_as_such(seeded: Fupin) -> None:
    result = seeded(f"{IDENTIFY} --head-name 王五 --id-card 1234", actor="jn-01")

    assert_refused(result, "id_card", "not a valid 18-character ID-card number")


def test_a_real_id_card_is_taken(seeded: Fupin) -> None:
    seeded.ok(f"{IDENTIFY} --head-name 王五 --id-card {id_card(70)}", actor="jn-01")
