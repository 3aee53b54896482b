"""Session 24, testers: a ``--known-at`` typed without an offset is read at China Standard
Time, a fixed UTC+8 (Asia/Shanghai's summer time of 1986-1991 made ``1988-06-01T00:00``
+09:00), and its 1970 bound is judged on the instant, not on the date typed."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def _known_at(fupin: Fupin, when: str) -> datetime:
    line = f"report caseload --known-at {when} --format json"
    return datetime.fromisoformat(orjson.loads(fupin.ok(line, "ana-1").stdout)["known_at"])


def test_a_known_at_without_offset_is_read_at_utc_plus_8_in_a_summer_of_1988(
    seeded: Fupin,
) -> None:
    assert _known_at(seeded, "1988-06-01T00:00") == datetime(1988, 5, 31, 16, tzinfo=UTC)


def test_the_1970_bound_of_known_at_is_judged_on_the_instant(seeded: Fupin) -> None:
    refused = seeded("report caseload --known-at 1970-01-01T00:00+14:00", "ana-1")

    assert_refused(
        refused,
        "known-at",
        "'1970-01-01T00:00+14:00' is before 1970: give a time from 1970 on "
        "(it is 1969-12-31T10:00:00Z)",
    )
    assert _known_at(seeded, "1969-12-31T23:00-05:00") == datetime(1970, 1, 1, 4, tzinfo=UTC)
