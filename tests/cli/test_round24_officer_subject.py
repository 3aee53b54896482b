"""Session 24, testers: ``inspection find --subject-kind officer`` took the recording inspector
(or any inspector or analyst) as the finding's subject. An officer subject is one inspected
who rectifies 整改: a street or district case officer or admin."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def _find(subject: str) -> str:
    return (
        f"inspection find DI-1 F-{subject} --subject-kind officer --subject {subject} "
        f"--description 台账不全 --deadline 2017-03-31 {doc('2017-01-05')}"
    )


@pytest.mark.parametrize(("subject", "role"), [("insp-1", "inspector"), ("ana-1", "analyst")])
def test_an_inspector_or_analyst_is_no_officer_subject(
    seeded: Fupin, subject: str, role: str
) -> None:
    seeded.ok(f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}", "insp-1")
    before = seeded.event_count()

    refused = seeded(_find(subject), "insp-1")

    assert_refused(
        refused,
        "subject",
        f"{subject} is an {role}: a finding about an officer names one inspected who rectifies "
        "整改, of role admin or officer (a street or district officer or admin)",
    )
    assert seeded.event_count() == before


@pytest.mark.parametrize("subject", ["jn-01", "qu-01", "admin"])
def test_a_street_or_district_officer_or_admin_is_an_officer_subject(
    seeded: Fupin, subject: str
) -> None:
    seeded.ok(f"inspection open DI-1 --level district --year 2016 {doc('2017-01-05')}", "insp-1")

    seeded.ok(_find(subject), "insp-1")
