"""Session 23 (an import re-tester):

- an area with spaces around it was read in Chinese (``--area ' 农村'``) and refused in
  English (``--area ' rural'``) on the command line: both are read, as a yes/no is, and as an
  import reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Fupin, doc

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


# -- 4. an area with spaces around it ---------------------------------------------------------


def _area_of(seeded: Fupin, household: str) -> str:
    shown = json.loads(seeded.ok(f"household show {household} --format json", "admin").output)
    return str(shown["household"]["area"])


@SQLITE
@pytest.mark.parametrize(("typed", "area"), [(" urban", "urban"), ("urban\u3000", "urban")])
def test_an_area_in_english_with_spaces_around_it_is_read_as_one_in_chinese_is(
    seeded: Fupin, typed: str, area: str
) -> None:
    amend = f"household amend JH-0002 --area '{typed}' --reason 录错 {doc('2016-08-12')}"
    seeded.ok(amend, "jn-01")

    assert _area_of(seeded, "JH-0002") == area


IDENTIFY = (
    "ref,effective,document,household,street,village,area,members,labour,willing,head_name,"
    "id_card\n"
)


@SQLITE
def test_an_imported_area_in_english_with_spaces_around_it_is_read_still(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "identify.csv"
    path.write_text(
        IDENTIFY
        + 'I-1,2016-08-01,台账X,JH-0301,江南,雄光," urban ",3,是,是,甲,440704196001010044\n',
        encoding="utf-8",
    )
    path.chmod(0o600)

    seeded.ok(f"import {path}", "jn-01")

    assert _area_of(seeded, "JH-0301") == "urban"
