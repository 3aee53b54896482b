"""Session 25, the lead: a household closed 注销 while under its identification notice 公示
(identified in error) stays on the public notice list as posted, takes no notice or
registration after the closure, and the accountability report does not fault it."""

from __future__ import annotations

from typing import Any

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

JN = "jn-01"
NOTICE = "notice --street 江南 --from 2016-08-01 --to 2016-08-31"


def _listed(fupin: Fupin) -> list[str]:
    lines = fupin.ok(NOTICE, "admin").stdout.splitlines()
    return [line for line in lines if "JH-0004" in line]


def test_a_household_closed_under_its_notice_stays_listed_as_posted(seeded: Fupin) -> None:
    fupin = seeded
    before = _listed(fupin)
    assert len(before) == 1  # JH-0004 under notice 3-9 August 2016

    fupin.ok(
        f"household close JH-0004 --because 识别错误 --reason 户籍不符 {doc('2016-08-05')}", JN
    )

    assert _listed(fupin) == before
    assert_refused(
        fupin(f"household sign JH-0004 {doc('2016-08-06')}", JN),
        "effective",
        "JH-0004 was closed on 2016-08-05",
    )
    events = fupin.event_count()
    result = fupin(f"household register JH-0004 {doc('2016-08-12')}", JN)
    assert result.exit_code != 0
    assert fupin.event_count() == events
    report: dict[str, Any] = orjson.loads(
        fupin.ok("report accountability --format json --as-of 2018-12-31", "admin").stdout
    )
    for section in ("missed_visits", "missing_roles", "registration_faults", "exit_faults"):
        assert "JH-0004" not in {row.get("household") for row in report[section]}, section
