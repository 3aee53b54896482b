"""Session 35, tester f (F1): an inspector of a street (``officer add … --role inspector
--street 礼乐``) read every street's personal data in full, and ``export events`` wrote it all
in clear, where the street's own officers see other streets masked (docs/privacy.md, Roles). A
street's inspector 督查 inspects its own households [六(七)]: it reads them in full and other
streets masked, as a street officer does; the district's inspectors (no street) read all."""

from __future__ import annotations

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused
from tests.cli.test_round20_inspection_amend import STREET_INSPECTOR_ADDED

STORE_INDEPENDENT = "who reads what of the personal data: SQLite is enough"


def _head(fupin: Fupin, actor: str) -> str:
    shown = orjson.loads(fupin.ok("household show JH-0001 --format json", actor).stdout)
    return str(shown["personal"][0]["id_card"])


@pytest.fixture
def street_inspector(seeded: Fupin) -> Fupin:
    seeded.ok(STREET_INSPECTOR_ADDED, "admin")  # insp-ll, of 礼乐; JH-0001 is of 江南
    seeded.ok(STREET_INSPECTOR_ADDED.replace("insp-ll", "insp-jn").replace("礼乐", "江南"), "admin")
    return seeded


def test_a_street_inspector_reads_another_streets_household_masked(
    street_inspector: Fupin,
) -> None:
    full, masked = _head(street_inspector, "admin"), _head(street_inspector, "ana-1")
    assert "*" in masked
    assert "*" not in full

    assert _head(street_inspector, "insp-ll") == masked
    assert _head(street_inspector, "insp-jn") == full  # its own street's
    assert _head(street_inspector, "insp-1") == full  # the district's inspector
    history = street_inspector.ok("history JH-0001 --format json", "insp-ll").stdout
    assert full not in history


def test_a_street_inspector_may_not_export_every_street_in_clear(
    street_inspector: Fupin,
) -> None:
    refused = street_inspector("export events", "insp-ll")

    assert_refused(refused, "as", "insp-ll")
    # re-tester r, session 35 (F1): it named "inspector" among those who may
    assert "(an admin, or a district inspector or officer: one of no street)" in refused.stderr
    assert street_inspector.ok("export events", "insp-1").stdout
