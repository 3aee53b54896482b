"""Session 22 (a district administrator): ``fupin correct --help`` offered ``street`` and
``programme``, whose records hold no correctable entry (``correct street 江南 3`` said
"correctable: none"). Neither is offered now; each is refused at once, saying what restates
what was typed wrong instead."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def test_the_help_offers_only_kinds_with_correctable_entries(seeded: Fupin) -> None:
    shown = seeded.runner.invoke(app, ["correct", "--help"], env={"COLUMNS": "400"})

    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.output.split())
    assert "helper 帮扶责任人 | officer 工作人员 | inspection 督查." in said
    assert "| programme |" not in said
    assert "| street |" not in said
    assert "a village's flag is restated by place amend-village" in said


@pytest.mark.parametrize(
    ("kind", "key", "instead"),
    [
        ("street", "江南", "fupin place amend-village STREET VILLAGE"),
        ("programme", "jianghai-2016", "fupin programme amend --reason WHY"),
    ],
)
def test_a_kind_with_no_correctable_entry_says_what_to_use(
    seeded: Fupin, kind: str, key: str, instead: str
) -> None:
    before = seeded.event_count()

    refused = seeded(f"correct {kind} {key} 3 --reason 录错 {doc('2016-08-20')}", "admin")

    assert_refused(refused, "kind", instead)
    assert "entries are not voided" in refused.stderr
    assert seeded.event_count() == before


def test_an_unknown_kind_lists_the_correctable_ones(seeded: Fupin) -> None:
    refused = seeded(f"correct village 江南 3 --reason 录错 {doc('2016-08-20')}", "admin")

    assert_refused(
        refused, "kind", "'village' is not one of officer, helper, household, fund, inspection"
    )
