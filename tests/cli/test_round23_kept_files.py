"""Session 23 (the external auditor): kept evidence and keys were protected only from
``checkpoint --out``: ``prove --out`` replaced a kept checkpoint (and an earlier bundle), and
``export report -o`` the log's private key and a backup, each exit 0. An output never replaces
a SQLite database, a private key, a checkpoint or a bundle; a bundle is written only as a new
file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the files a command writes: SQLite is enough (tests/conftest.py)"

REPORT = "export report caseload --format csv -o"


@pytest.mark.parametrize("kind", ["backup", "private key", "checkpoint"])
def test_an_output_never_replaces_kept_evidence_or_a_key(
    seeded: Fupin, tmp_path: Path, kind: str
) -> None:
    kept = tmp_path / "kept"
    if kind == "backup":
        seeded.ok(f"backup {kept}")
    elif kind == "private key":
        seeded.ok(f"keys new --out {kept}")
    else:
        kept.write_text('{\n  "log": "fupin-jianghai",\n  "root": "ab",\n  "signature": "cd"\n}\n')
    before = kept.read_bytes()

    refused = seeded(f"{REPORT} {kept}", "ana-1")

    assert_refused(refused, "output", "never replaced by an output; name another file")
    assert kept.read_bytes() == before


def test_an_ordinary_output_is_still_replaced(seeded: Fupin, tmp_path: Path) -> None:
    out = tmp_path / "caseload.csv"
    out.write_text("last week's\n")

    seeded.ok(f"{REPORT} {out}", "ana-1")

    assert "last week's" not in out.read_text(encoding="utf-8-sig")


def test_a_back_dated_payment_beyond_the_balance_says_later_payments_spent_it(
    seeded: Fupin,
) -> None:
    """Tester X (a street officer): a payment dated back to a day the account held enough
    was refused as exceeding "the balance (0.00 yuan)", a balance never true that day."""
    pay = (
        "fund disburse city-2016 --category education --purpose household --household "
        "JH-0001 --measure m-1 -d 支付 "
    )
    seeded.ok(pay + "--amount 1000 -e 2016-09-10", "qu-01")  # spends it all

    refused = seeded(pay.replace("-d 支付", "-d 支付二") + "--amount 10 -e 2016-09-01", "qu-01")

    assert_refused(
        refused,
        "amount",
        "10.00 yuan exceeds the balance of city-2016 (0.00 yuan, what the flows on record leave, "
        "those dated after 2016-09-01 included): pay it from another account, or once an "
        "allocation covers it",
    )


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PGDMP\x01\x0e\x00\x04\x08\x01\x01\x01" + bytes(64), "a PostgreSQL backup"),
        (b"\x1f\x8b\x08\x00" + bytes(64), "a compressed file"),
    ],
)
def test_other_kept_files_are_not_replaced_either(
    seeded: Fupin, tmp_path: Path, head: bytes, kind: str
) -> None:
    """Re-test Y: a pg_dump archive (a PostgreSQL store's backup) and a gzip file were."""
    kept = tmp_path / "kept"
    kept.write_bytes(head)

    refused = seeded(f"{REPORT} {kept}", "ana-1")

    assert_refused(refused, "output", f"is {kind}")
    assert kept.read_bytes() == head


def test_a_copy_of_the_master_key_is_not_replaced(seeded: Fupin, tmp_path: Path) -> None:
    """Re-test Y: a kept copy of the master key (base64 on one line) was replaced."""
    copy = tmp_path / "master-key.safe"
    seeded.ok(f"keys new-master --out {copy}")
    before = copy.read_bytes()

    refused = seeded(f"{REPORT} {copy}", "ana-1")

    assert_refused(refused, "output", "is a master key (its copy")
    assert copy.read_bytes() == before
