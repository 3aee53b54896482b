"""Session 29 (tester of session 28): an import row refused as the same as an earlier one
said "the same row (command, date, document, note and values)", of two rows identifying
one household told apart by the head's name and ID card alone, which are never compared (a
row's mark leaves personal data out). The refusal says what was compared, and what not."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Fupin
from tests.support import id_card

STORE_INDEPENDENT = "the import's own rules and messages: SQLite is enough (tests/conftest.py)"

IDENTIFY = (
    "ref,effective,document,household,street,village,area,members,labour,willing,head_name,"
    "id_card\n"
)
ALLOCATIONS = "ref,effective,document,account,amount\n"


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_rows_told_apart_by_personal_data_alone_are_refused_saying_it_is_never_compared(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = _file(
        tmp_path,
        "identify.csv",
        IDENTIFY
        + f"I-1,2016-08-01,台账X,JH-0301,江南,雄光,rural,3,是,是,甲,{id_card(301)}\n"
        + f"I-2,2016-08-01,台账X,JH-0301,江南,雄光,rural,3,是,是,乙,{id_card(302)}\n",
    )
    before = seeded.event_count()

    refused = seeded(f"import {rows}", "jn-01")

    assert refused.exit_code == 2, refused.output
    said = refused.stderr.splitlines()[0]
    # since session 36 (tester i, F9) said on the number: two families given one by a slip
    assert said.startswith(f"{rows} row 3, household: JH-0301 is identified by {rows} row 2 too")
    assert said.endswith(
        "if this is another household, give it its own number; if the same, leave this row out"
    )
    assert (
        "in all that is compared (command, date, document, note and its other values; not its "
        "ref, its officer, nor its personal data (head_name, id_card, phone, address, "
        "member_names), which is never compared)" in said
    )
    assert "and values)" not in said
    assert seeded.event_count() == before


def test_rows_alike_with_no_personal_data_are_refused_naming_what_was_compared(
    seeded: Fupin, tmp_path: Path
) -> None:
    rows = _file(
        tmp_path,
        "receive_allocation.csv",
        ALLOCATIONS + "A-1,2016-09-01,拨款1,city-2016,100\nA-2,2016-09-01,拨款1,city-2016,100\n",
    )

    refused = seeded(f"import {rows}", "qu-01")

    assert refused.exit_code == 2, refused.output
    assert (
        f"row 3, ref: the same row as {rows} row 2 in all that is compared (command, date, "
        "document, note and values; not its ref or its officer): importing it again"
        in refused.stderr
    )
