"""Tester J, session 22: ``report html --as-of`` a past date showed each named household's
personal data as it is now: a report as of 2016-12-31 said 3 people in one line and listed the
4 members and the head recorded in May 2017 in the next. Its dossiers now read the personal data
as of the report's date and as known at its time, as ``household show --as-of`` does."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Fupin, doc
from tests.support import id_card

STORE_INDEPENDENT = "the report's own reading: SQLite is enough (tests/conftest.py)"


def test_a_past_reports_dossier_shows_the_personal_data_of_its_day(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(
        f"inspection open SI-1 --level street --street 江南 --year 2016 {doc('2016-12-01')}",
        "insp-1",
    )
    find = (
        "inspection find SI-1 f-1 --subject-kind household --subject JH-0001 --deadline 2017-01-31 "
    )
    seeded.ok(find + doc("2016-12-02"), "insp-1")
    members = (
        f"household members JH-0001 --members 4 --head-name 王新户主 --id-card {id_card(77)} "
        "--member-name 王新户主 --member-name 乙 --member-name 丙 --member-name 丁 "
        "--note 户主变更 "
    )
    seeded.ok(members + doc("2017-05-01"), "jn-01")
    then, now = tmp_path / "then.html", tmp_path / "now.html"

    seeded.ok(f"report html --as-of 2016-12-31 --out {then}", "admin")
    seeded.ok(f"report html --out {now}", "admin")

    past = then.read_text(encoding="utf-8")
    assert "户主1 · " in past
    assert "王新户主" not in past
    assert id_card(77) not in past
    assert "王新户主 · " in now.read_text(encoding="utf-8")


def test_an_exported_report_is_the_report_as_its_csv_gives_it(
    seeded: Fupin, tmp_path: Path
) -> None:
    """Tester J, session 22: the caseload's export gave its totals a section of their own
    (and an XLSX sheet), where ``report --format csv`` writes them in the ``report`` row."""
    for name in ("caseload", "funds", "accountability"):
        exported = tmp_path / f"{name}.csv"
        seeded.ok(f"export report {name} --as-of 2017-06-30 -o {exported}", "admin")
        shown = seeded.ok(f"report {name} --as-of 2017-06-30 --format csv", "admin").stdout

        written = exported.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        assert written == shown.replace("\r\n", "\n"), name
