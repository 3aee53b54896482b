"""Session 31, helper i (audit of the ledger's scans and names by topic, after session 30's
``ledger/exit_spared.py`` looked for corrections under ``Household.Corrected``): a correction
or an amendment is stored under the topic of the base class every record shares,
``ledger.base:LedgerAggregate.Corrected`` (``.Amended``), so its topic does not say which kind
of record it is of.

A retirement or transfer dated before a correction its officer recorded under the post it ends
is refused, and noted by verify in an older ledger, naming the correction's record: it was
named ``LedgerAggregate JH-0001`` (the topic's class), which no command takes; it is the
record's kind, as its first event's topic says (``household JH-0001``). Nor does the refusal
tell the officer to void a correction or an amendment, which is never voided."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson

from tests.cli.conftest import (
    Fupin,
    assert_refused,
    doc,
    import_refused,
    verify_after_older_retirement,
)

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

#: jn-01's correction of JH-0001's pairing (entry 6 of ``seeded``), the household's entry 8.
_CORRECTION = "jn-01 recorded Corrected dated 2016-09-01 (entry 8 of household JH-0001, "


def _row(ref: str, actor: str, effective: str, command: str, **args: object) -> dict[str, object]:
    """An import file's row of ``command``, its reason 录错."""
    return {
        "command": command,
        "ref": ref,
        "actor": actor,
        "effective": effective,
        "document": "文件",
        "note": "",
        "args": {**args, "reason": "录错"},
    }


def _pairing_voided_by_jn01(fupin: Fupin) -> None:
    fupin.ok(f"correct household JH-0001 6 --reason 录错 {doc('2016-09-01')}", "jn-01")


def test_a_retirement_before_a_correction_names_its_household(seeded: Fupin) -> None:
    _pairing_voided_by_jn01(seeded)
    before = seeded.event_count()

    refused = seeded(f"officer retire jn-01 --reason 退休 {doc('2016-08-20')}", "admin")

    assert_refused(refused, "effective", _CORRECTION + "log position ")
    assert "LedgerAggregate" not in refused.stderr
    # a correction is never voided: the hint to void the entry is not given for one
    assert "date the retirement on or after 2016-09-01 (a correction 更正 or an amendment " in (
        refused.stderr
    )
    assert "void that entry first" not in refused.stderr
    assert seeded.event_count() == before


def test_a_transfer_before_an_amendment_names_the_amendments_household(seeded: Fupin) -> None:
    seeded.ok(f"household amend JH-0001 --disabled --reason 录错 {doc('2016-09-02')}", "jn-01")

    refused = seeded(f"officer change jn-01 --role inspector {doc('2016-08-20')}", "admin")

    said = "jn-01 recorded Amended dated 2016-09-02 (entry 8 of household JH-0001, log position "
    assert_refused(refused, "effective", said)
    assert "LedgerAggregate" not in refused.stderr


def test_a_correction_earlier_in_the_same_import_is_named_by_its_household(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = [
        _row("C-1", "jn-01", "2016-09-01", "correct", kind="household", key="JH-0001", version=6),
        _row("R-1", "admin", "2016-08-20", "retire_officer", officer="jn-01"),
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(orjson.dumps(row).decode() + "\n" for row in rows), "utf-8")
    path.chmod(0o600)

    said = import_refused(seeded, path, "admin")

    assert _CORRECTION + "earlier in this import)" in said
    assert "LedgerAggregate" not in said


def test_verify_names_a_corrections_household_beside_an_older_retirement(seeded: Fupin) -> None:
    _pairing_voided_by_jn01(seeded)

    said = verify_after_older_retirement(seeded, "jn-01", date(2016, 8, 20))

    assert "is dated 2016-08-20, before Corrected dated 2016-09-01 (entry 8 of household " in said
    assert "LedgerAggregate" not in said
