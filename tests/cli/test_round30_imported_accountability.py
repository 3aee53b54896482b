"""Session 30 (brief b): ``fupin report accountability`` says who imported an entry for its
officer. Since session 29 every read model keeps ``X_imported_by`` beside each "who" column
(schema 33), and ``household show`` and ``fupin history`` say ``jn-01, imported by admin``; the
accountability report still named the officer alone in its who columns (who paired the helper
of a missed visit, registered a household, recorded an exit's step, a finding, a notice, a
talk, an unpairing, an amendment), so an inspector reading it could not tell an entry the
district office imported from one the officer typed. Now JSON and CSV keep the importer in a
column beside each (``paired_imported_by`` beside ``paired_by``, ``imported_by`` beside
``recorded_by``, …), empty when the officer recorded it; the table and the HTML report say it
in the who cell, as ``household show`` does; ``--restated``'s entries name it too."""

from __future__ import annotations

import csv
import io
import re
from contextlib import closing
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import orjson
import pytest
from ledger.application import open_ledger
from ledger.values import replayed_as_recorded

from tests.cli.conftest import Fupin, last_entry
from tests.cli.test_round28_imported_by import ROW
from tests.support import stamp

STORE_INDEPENDENT = "the report's columns, read from the read models: SQLite is enough"

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

_REFS = count(1)

#: The day the report speaks of: 2016's plan year over (its talk due), the finding's deadline
#: passed, the notice and the talk on record.
AS_OF = "--as-of 2017-02-05"


def _row(
    command: str, effective: str, args: dict[str, object], actor: str = "jn-01"
) -> dict[str, object]:
    """One row of an import in ``actor``'s name, which the admin imports."""
    ref = f"IMP-{next(_REFS)}"
    return {
        **ROW,
        "command": command,
        "ref": ref,
        "actor": actor,
        "effective": effective,
        "args": args,
    }


#: JH-0004's registration amended (its key-target mark, and willing with it).
AMEND = {"kind": "household", "key": "JH-0004"}

#: Entries of jn-01, insp-1 and admin-2 the admin imports in their names, in order: c-1 hands
#: JH-0001 over to c-2, JH-0004 signed and registered, JH-0001's income and exit proposal,
#: inspections with a finding, a notice and a talk, JH-0004's key-target mark amended (and back),
#: the plan's shares restated.
IMPORTED = (
    _row(
        *("unpair", "2016-09-10"),
        {"household": "JH-0001", "helper": "c-1", "reason": "调整", "replacement": "c-2"},
    ),
    _row("sign", "2016-08-10", {"household": "JH-0004"}),
    _row("register", "2016-08-12", {"household": "JH-0004", "key_target": True}),
    _row(
        *("assess_income", "2016-09-06"),
        {"household": "JH-0001", "year": 2016, "income": "9000.00"},
    ),
    _row("propose_exit", "2016-09-07", {"household": "JH-0001", "year": 2016}),
    _row(
        *("open_inspection", "2016-09-03"),
        {"inspection": "DI-1", "level": "district", "year": 2016},
        "insp-1",
    ),
    _row(
        *("open_inspection", "2016-09-03"),
        {"inspection": "SI-1", "level": "street", "year": 2016, "street": "江南"},
        "insp-1",
    ),
    _row(
        *("record_finding", "2016-09-04"),
        {
            **{"inspection": "SI-1", "finding": "f-1", "subject_kind": "household"},
            **{"subject": "JH-0001", "description": "走访记录不全", "deadline": "2016-12-31"},
        },
        "insp-1",
    ),
    _row(
        *("notice_criticism", "2016-12-20"),
        {"inspection": "DI-1", "unit": "江南街道", "reason": "进度慢"},
        "insp-1",
    ),
    _row(
        *("hold_talk", "2017-02-03"),
        {"inspection": "DI-1", "street": "礼乐", "year": 2016, "reason": "未完成"},
        "insp-1",
    ),
    _row(
        *("amend", "2016-12-21"),
        {**AMEND, "key_target": False, "willing": False, "reason": "录错"},
    ),
    _row(
        *("amend", "2016-12-22"),
        {**AMEND, "key_target": True, "willing": True, "reason": "改回"},
    ),
    _row("amend_rules", "2016-12-23", {"reduction_shares": "3:3:4", "reason": "录错"}, "admin-2"),
)


def _imported_for_their_officers(fupin: Fupin, folder: Path) -> None:
    """``IMPORTED``, one batch the admin imports, then JH-0001's and JH-0004's signatures
    voided after their registrations as a fupin before session 29 took it (since then a
    registration's signature is not voided): both registrations unsigned, a registration fault,
    JH-0001's registered by jn-01 alone, JH-0004's imported."""
    fupin.ok(
        "officer add admin-2 --name 区扶贫办二 --role admin --unit 区扶贫办 -d 江海 -e 2016-07-26",
        "admin",
    )
    path = folder / "imp.jsonl"
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in IMPORTED))
    assert f"imported {len(IMPORTED)} row(s)" in fupin.ok(f"import {path}", "admin").stdout
    signatures = [(n, last_entry(fupin, n, "Signed")) for n in ("JH-0001", "JH-0004")]
    with closing(open_ledger(fupin.store)) as ledger, replayed_as_recorded():
        for number, signed in signatures:
            ledger.correct(stamp("jn-01", date(2016, 9, 1)), "household", number, signed, "代签")


#: Each section's who column and the importer column beside it, with the rows expected:
#: (a key of the row, who, importer), importer None for an entry its officer recorded.
EXPECTED: dict[str, tuple[str, str, str, list[tuple[Any, ...]]]] = {
    "missed_visits": (
        *("helper", "paired_by", "paired_imported_by"),
        [("c-1", "jn-01", None), ("c-2", "jn-01", "admin"), ("c-2", "jn-01", "admin")],
    ),
    "missing_roles": (
        *("household", "registered_by", "registered_imported_by"),
        [("JH-0001", "jn-01", None), ("JH-0004", "jn-01", "admin")],
    ),
    "missing_assistance": (  # since session 35: JH-0001 has no agreement, JH-0004 neither
        *("household", "registered_by", "registered_imported_by"),
        [("JH-0001", "jn-01", None), ("JH-0004", "jn-01", "admin")],
    ),
    "registration_faults": (
        *("household", "registered_by", "registered_imported_by"),
        [("JH-0001", "jn-01", None), ("JH-0004", "jn-01", "admin")],
    ),
    "exit_faults": (
        *("fault", "recorded_by", "imported_by"),
        [
            ("assessed-early", "jn-01", "admin"),
            ("no-assistance", "jn-01", "admin"),
            ("missing-roles", "jn-01", "admin"),
        ],
    ),
    "talks_not_due": ("street", "held_by", "held_imported_by", [("礼乐", "insp-1", "admin")]),
    "notices": ("unit", "noticed_by", "noticed_imported_by", [("江南街道", "insp-1", "admin")]),
    "overdue_findings": ("finding", "recorded_by", "imported_by", [("f-1", "insp-1", "admin")]),
    "early_unpairings": (
        "helper",
        "unpaired_by",
        "unpaired_imported_by",
        [("c-1", "jn-01", "admin")],
    ),
    "rules_amendments": (
        "rule",
        "amended_by",
        "amended_imported_by",
        [("reduction_shares", "admin-2", "admin")],
    ),
    "key_target_amendments": (
        *("reason", "amended_by", "amended_imported_by"),
        [("录错", "jn-01", "admin")] * 2 + [("改回", "jn-01", "admin")] * 2,
    ),
}


def _report(fupin: Fupin, form: str, *more: str) -> str:
    line = " ".join(("report accountability", AS_OF, f"--format {form}", *more))
    return str(fupin.ok(line, "insp-1").stdout)


@SQLITE
def test_the_report_says_who_imported_each_entry_beside_its_officer(
    seeded: Fupin, tmp_path: Path
) -> None:
    _imported_for_their_officers(seeded, tmp_path)

    report = orjson.loads(_report(seeded, "json"))

    for section, (key, who, importer, rows) in EXPECTED.items():
        found = [(row[key], row[who], row[importer]) for row in report[section]]
        assert found == rows, section
        names = list(report[section][0])
        assert names[names.index(who) + 1] == importer, section  # beside it


@SQLITE
def test_the_csv_has_the_importer_beside_each_who_column_empty_for_the_officers_own(
    seeded: Fupin, tmp_path: Path
) -> None:
    _imported_for_their_officers(seeded, tmp_path)

    blocks = {
        block.partition("\n")[0].removeprefix("# "): block.partition("\n")[2]
        for block in _report(seeded, "csv").split("\n\n")
    }

    for section, (key, who, importer, rows) in EXPECTED.items():
        read = list(csv.DictReader(io.StringIO(blocks[section])))
        found = [(row[key], row[who], row[importer] or None) for row in read]
        assert found == rows, section
        header = blocks[section].partition("\n")[0].split(",")
        assert header[header.index(who) + 1] == importer, section
    exported = seeded.ok(f"export report accountability --format csv {AS_OF}", "insp-1").stdout
    assert "2016Q4,c-2,cadre,JH-0001,江南,jn-01,admin" in exported  # the file for Excel too


@SQLITE
def test_the_table_says_imported_by_in_the_who_cell_as_household_show(
    seeded: Fupin, tmp_path: Path
) -> None:
    _imported_for_their_officers(seeded, tmp_path)

    table = _report(seeded, "table")

    assert "imported_by" not in table  # no column of its own: said in the who cell
    # c-2's two quarters, JH-0004's missing roles, assistance and registration fault, the
    # three exit faults, the unpairing, JH-0004's four amended fields
    assert table.count("jn-01, imported by admin") == 2 + 3 + 3 + 1 + 4
    assert table.count("insp-1, imported by admin") == 3  # the talk, the notice, the finding
    assert table.count("admin-2, imported by admin") == 1
    # The officer's own entries name the officer alone: c-1's missed quarter, JH-0001's
    # registration (its missing roles, its missing agreement and its fault).
    cells = [line.split("│") for line in table.splitlines()]
    own = [c for c in cells if len(c) > 2 and any(x.strip() == "jn-01" for x in c)]
    assert len(own) == 4


@SQLITE
def test_the_html_report_says_who_imported_each_entry(seeded: Fupin, tmp_path: Path) -> None:
    _imported_for_their_officers(seeded, tmp_path)
    page = tmp_path / "report.html"

    seeded.ok(f"report html --out {page} {AS_OF}", "admin")

    text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
    part = text[text.index("Accountability 问责") : text.index("Dossiers 一户一档")]
    # Folded and printed sections are each written twice; none is here (each is short).
    assert "imported_by" not in part
    assert part.count("jn-01, imported by admin") == 2 + 3 + 3 + 1 + 4
    assert part.count("insp-1, imported by admin") == 3
    assert part.count("admin-2, imported by admin") == 1


@SQLITE
def test_the_restated_years_name_who_imported_an_entry(seeded: Fupin, tmp_path: Path) -> None:
    _imported_for_their_officers(seeded, tmp_path)

    report = orjson.loads(_report(seeded, "json", "--restated"))

    entries = [e for row in report["restated_years"] for e in row["restated_by"]]
    said = {(e["event"], e["actor"], e["imported_by"]) for e in entries}
    assert ("Registered", "jn-01", "admin") in said  # JH-0004's, in 2016's K
    assert ("RulesAmended", "admin-2", "admin") in said
    assert ("Corrected", "jn-01", None) in said  # jn-01's own, voiding a signature
    table = _report(seeded, "csv", "--restated")
    assert "actor jn-01; imported_by admin; document" in table
