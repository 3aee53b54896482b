"""Round 15: an officer's name or unit typed wrong stayed so for good (every report and dossier
that names them showed it). The district office now amends it, as a helper's: ``fupin officer
amend OFFICER --name … --unit … --reason``; the event keeps what each was, the id, role and
street stay, and nobody else may."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

AMEND = f"officer amend jn-01 --name 陈专干 --unit 江南街道办 --reason 姓名录错 {doc('2016-08-20')}"


def _officer(fupin: Fupin, *options: str) -> list[object]:
    sql = "SELECT name, unit, role, street FROM pj_officers WHERE officer = 'jn-01'"
    found = fupin.runner.invoke(app, [*options, "query", sql, "--format", "json"])
    assert found.exit_code == 0, found.output
    rows: list[list[object]] = orjson.loads(found.stdout)["rows"]
    return rows[0]


def test_the_district_amends_an_officers_name_and_unit(seeded: Fupin) -> None:
    role, street = _officer(seeded)[2:]

    amended = seeded.ok(AMEND, "admin")

    assert "officer jn-01 amended: name" in amended.stdout
    assert _officer(seeded) == ["陈专干", "江南街道办", role, street]
    history = orjson.loads(seeded.ok("history --kind officer jn-01 --format json", "admin").stdout)
    assert history[-1]["event"] == "Amended"
    assert history[-1]["details"]["changes"] == {"name": "陈专干", "unit": "江南街道办"}
    assert seeded("verify", "admin").exit_code == 0
    assert seeded("projections check", "admin").exit_code == 0


def test_only_the_district_office_amends_an_officer(seeded: Fupin) -> None:
    before = seeded.event_count()
    for actor in ("jn-01", "qu-01", "insp-1"):
        refused = seeded(AMEND, actor)
        assert_refused(refused, "as", "fupin officer amend needs admin")
    refused = seeded(f"officer amend jn-01 --reason 无 {doc('2016-08-20')}", "admin")
    assert_refused(refused, "changes", "an amendment restates at least one of: name, unit")
    assert seeded.event_count() == before


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_officers_amendment_is_exported_and_imported_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(AMEND, "admin")

    imported = reimported(seeded, tmp_path)

    assert imported.exit_code == 0, imported.output
    assert _officer(seeded, "--store", str(tmp_path / "fresh.db"))[:2] == [
        "陈专干",
        "江南街道办",
    ]


def test_an_officers_amendment_is_not_dated_before_the_registration(seeded: Fupin) -> None:
    """Tester F: one dated 17 months before the registration it restates was recorded (a
    helper's and a household's were refused)."""
    before = seeded.event_count()
    early = AMEND.replace(doc("2016-08-20"), doc("2016-07-01"))

    refused = seeded(early, "admin")

    assert_refused(refused, "effective", "jn-01 was registered only on")
    assert seeded.event_count() == before


def test_a_record_not_on_file_is_refused_on_its_key(seeded: Fupin) -> None:
    """Tester F: an import's correct or amend row naming no record was refused on a column the
    file does not have (``household``, ``fund``, ``officer``): the record is the row's key."""
    for line in (
        f"correct household JH-9999 3 --reason 录错 {doc('2016-08-20')}",
        f"correct fund nope-2016 1 --reason 录错 {doc('2016-08-20')}",
        f"officer amend nobody --name 某 --reason 录错 {doc('2016-08-20')}",
    ):
        assert_refused(seeded(line, "admin"), "key", "on record")
