"""Session 24, re-test: a ledger recorded before today's rules could no longer be moved.

The rules of session 24 that judge what an officer typed (a measure id differing from one on
record only in case, an employment or entrepreneurship measure for a household without
labour capacity, a --no-labour amendment while a job or such a measure stands, free text
holding an ID-card or mobile number, a finding about an inspector) refused the rows an older
version took when ``export events`` + ``import --create`` replayed them into an empty store,
and no advice got the export through. They spare an export's row replayed into the empty store
it rebuilds (``Ledger.rebuilding_export``), as the talk rule and the after-programme note rule
do; the same rows in an ordinary import are still refused.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import orjson
from cli.main import app as fupin_app
from ledger.application import open_ledger
from ledger.household import Household

from tests.cli.conftest import Fupin, doc, reimported
from tests.support import register, stamp

STORE_INDEPENDENT = "an export's replay into a new SQLite store: SQLite is enough"

JN = "jn-01"
PHONE = "13800138000"


def _recorded_the_old_way(fupin: Fupin) -> None:
    """Rows an older version took, recorded with the flag that spares them set."""
    with closing(open_ledger(fupin.store)) as app:
        for serial, number in ((5, "JH-0005"), (6, "JH-0006"), (7, "JH-0007")):
            register(app, number, key_target=False, serial=serial)
        app.rebuilding_export = True
        # a measure id differing from one on record (m-1) only in case
        app.plan_measure(stamp(JN, date(2016, 9, 1)), "JH-0001", "M-1", "education", "")
        # an employment measure of a household without labour capacity
        app.amend(stamp(JN, date(2016, 9, 1)), "household", "JH-0005", {"labour": False}, "无")
        app.plan_measure(stamp(JN, date(2016, 9, 2)), "JH-0005", "emp-1", "employment", "")
        # --no-labour while a job stands, and while an entrepreneurship measure does
        app.employ_worker(stamp(JN, date(2016, 9, 1)), "e-1", "JH-0006", date(2016, 9, 1))
        app.amend(stamp(JN, date(2016, 9, 3)), "household", "JH-0006", {"labour": False}, "无")
        app.plan_measure(stamp(JN, date(2016, 9, 1)), "JH-0007", "ent-1", "entrepreneurship", "")
        app.amend(stamp(JN, date(2016, 9, 3)), "household", "JH-0007", {"labour": False}, "无")
        # free text holding a mobile number, recorded in clear
        app.record_visit(stamp(JN, date(2016, 9, 4)), "JH-0001", "c-1", f"户主电话{PHONE}")
        # a finding about an inspector
        app.open_inspection(stamp("insp-1", date(2016, 12, 1)), "DI-1", "district", 2016)
        app.record_finding(
            stamp("insp-1", date(2016, 12, 2)),
            "DI-1",
            "F-1",
            "officer",
            "insp-1",
            "台账不全",
            date(2017, 3, 1),
        )
        app.rebuilding_export = False


def test_an_older_ledger_moves_and_verifies(seeded: Fupin, tmp_path: Path) -> None:
    _recorded_the_old_way(seeded)

    moved = reimported(seeded, tmp_path)

    assert moved.exit_code == 0, moved.output
    fresh = str(tmp_path / "fresh.db")
    verified = seeded.runner.invoke(fupin_app, ["--store", fresh, "--as", "admin", "verify"])
    assert verified.exit_code == 0, verified.output
    with closing(open_ledger(fresh)) as app:
        assert {"m-1", "M-1"} <= app.load(Household, "JH-0001", "household").measures.keys()
        assert not app.load(Household, "JH-0006", "household").labour
        assert "emp-1" in app.load(Household, "JH-0005", "household").measures


def test_the_same_rows_in_an_ordinary_import_are_refused(seeded: Fupin, tmp_path: Path) -> None:
    before = tmp_path / "before.jsonl"
    seeded.ok(f"export events -o {before}", actor="admin")
    _recorded_the_old_way(seeded)
    after = tmp_path / "after.jsonl"
    seeded.ok(f"export events -o {after}", actor="admin")
    # a store rebuilt from the ledger as it was, then the later rows imported into it
    other = str(tmp_path / "other.db")
    rebuilt = seeded.runner.invoke(fupin_app, ["--store", other, "import", "--create", str(before)])
    assert rebuilt.exit_code == 0, rebuilt.output
    held = {orjson.loads(line).get("ref") for line in before.read_bytes().splitlines()}
    later = [
        line
        for line in after.read_bytes().splitlines()
        if "ref" in orjson.loads(line) and orjson.loads(line)["ref"] not in held
    ]
    rows = tmp_path / "later.jsonl"
    rows.write_bytes(b"\n".join(later) + b"\n")
    rows.chmod(0o600)  # personal data in clear, as the export's own file

    result = seeded.runner.invoke(
        fupin_app, ["--store", other, "--as", "admin", "import", str(rows)]
    )

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "measure: 'M-1' differs from 'm-1', on record, only in the case" in said
    assert "category: JH-0005 has no labour capacity 无劳动能力 on record" in said
    assert "labour: e-1's employment of a worker of JH-0006 since 2016-09-01" in said
    assert "labour: measure ent-1 of JH-0007" in said
    assert "summary: holds a mobile phone number" in said
    assert "subject: insp-1 is an inspector" in said
    assert PHONE not in said


def test_a_move_checks_the_text_of_a_row_with_no_recording_time(
    seeded: Fupin, tmp_path: Path
) -> None:
    # a row of an export without its recorded_at is judged by today's rules, as any row
    seeded.ok(f"household visit JH-0001 --helper c-1 --summary 入户 {doc('2016-09-04')}", JN)
    log = tmp_path / "events.jsonl"
    seeded.ok(f"export events -o {log}", actor="admin")
    lines = []
    for line in log.read_bytes().splitlines():
        row = orjson.loads(line)
        if row.get("command") == "record_visit":
            row["args"]["summary"] = f"户主电话{PHONE}"
            del row["recorded_at"]
        lines.append(orjson.dumps(row))
    log.write_bytes(b"\n".join(lines) + b"\n")
    log.chmod(0o600)

    result = seeded.runner.invoke(
        fupin_app, ["--store", str(tmp_path / "fresh.db"), "import", "--create", str(log)]
    )

    assert result.exit_code == 2, result.output
    assert "summary: holds a mobile phone number" in " ".join(result.stderr.split())
