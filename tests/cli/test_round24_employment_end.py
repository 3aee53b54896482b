"""Session 24: a job ended by mistake could not be corrected (``correct helper e-1 3`` said
"not a correctable entry here (correctable: WorkerEmployed)"). An ``EmploymentEnded`` is
correctable: the job stands again from its start, unless the employment it ended was voided or
the worker is employed there again since. Both stores: voiding an end runs read-model SQL
(``pj_employment_ends``) no integration test runs on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import orjson
from ledger.application import open_ledger
from ledger.helpers import Helper
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc, reimported

JN = "jn-01"

# -- 4. a job ended by mistake ------------------------------------------------------------------

EMPLOY = f"helper employ e-1 JH-0001 --since 2016-09-01 {doc('2016-09-01')}"
END = f"helper end-employment e-1 JH-0001 {doc('2016-11-01')}"


def _jobs(fupin: Fupin, options: str = "") -> list[dict[str, object]]:
    shown = orjson.loads(fupin.ok(f"household show JH-0001 --format json {options}").stdout)
    jobs: list[dict[str, object]] = shown["employment"]
    return [{"since": job["since"], "ended_on": job["ended_on"]} for job in jobs]


def _entries(fupin: Fupin, kind: str) -> list[int]:
    """The versions of e-1's entries of ``kind``, in order."""
    app = open_ledger(str(fupin.store))
    try:
        helper = app.load(Helper, "e-1", "helper")
        return [version for version, (k, _) in sorted(helper.entries.items()) if k == kind]
    finally:
        app.close()


def _void(fupin: Fupin, version: int, day: str = "2016-12-01") -> Result:
    return fupin(f"correct helper e-1 {version} --reason 误录离职 {doc(day)}", JN)


def test_an_end_of_employment_entered_in_error_is_voided_and_the_job_stands_again(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(EMPLOY, JN)
    seeded.ok(END, JN)
    [ended] = _entries(seeded, "EmploymentEnded")

    voided = _void(seeded, ended)

    assert voided.exit_code == 0, voided.output
    assert _jobs(seeded) == [{"since": "2016-09-01", "ended_on": None}]
    assert _jobs(seeded, "--as-of 2016-11-15") == [{"since": "2016-09-01", "ended_on": None}]
    assert seeded.ok("verify", "admin").exit_code == 0
    assert seeded.ok("projections check", "admin").exit_code == 0
    # the job runs: employed again it is not, ended it is, on its right day
    assert_refused(seeded(EMPLOY, JN), "household", "'JH-0001' is already employed by e-1")
    seeded.ok(f"helper end-employment e-1 JH-0001 {doc('2017-02-01')}", JN)
    assert _jobs(seeded) == [{"since": "2016-09-01", "ended_on": "2017-02-01"}]
    fresh = reimported(seeded, tmp_path)
    assert fresh.exit_code == 0, fresh.output


def test_an_end_is_not_voided_once_the_worker_is_employed_there_again(seeded: Fupin) -> None:
    seeded.ok(EMPLOY, JN)
    seeded.ok(END, JN)
    seeded.ok(f"helper employ e-1 JH-0001 --since 2016-11-20 {doc('2016-11-20')}", JN)
    [ended] = _entries(seeded, "EmploymentEnded")
    _first, again = _entries(seeded, "WorkerEmployed")
    before = seeded.event_count()

    refused = _void(seeded, ended)

    assert_refused(
        refused,
        "version",
        f"JH-0001 was employed by e-1 again after entry {ended} ended its employment (entry "
        f"{again}, dated 2016-11-20): only the end of its latest employment here is voided; "
        f"correct that employment first (fupin correct helper e-1 {again} --reason …), then the "
        "end",
    )
    assert seeded.event_count() == before
    # the later employment voided, the end is, and the first job stands again
    assert _void(seeded, again).exit_code == 0
    assert _void(seeded, ended).exit_code == 0
    assert _jobs(seeded) == [{"since": "2016-09-01", "ended_on": None}]
    assert seeded.ok("verify", "admin").exit_code == 0
    assert seeded.ok("projections check", "admin").exit_code == 0


def test_an_end_of_an_employment_voided_since_is_not_voided(seeded: Fupin) -> None:
    seeded.ok(EMPLOY, JN)
    seeded.ok(END, JN)
    [employed] = _entries(seeded, "WorkerEmployed")
    [ended] = _entries(seeded, "EmploymentEnded")
    assert _void(seeded, employed).exit_code == 0
    before = seeded.event_count()

    refused = _void(seeded, ended)

    assert_refused(
        refused, "version", f"entry {ended} ended an employment of JH-0001 by e-1 that was voided"
    )
    assert seeded.event_count() == before
    assert _jobs(seeded) == []
