"""Session 24, a tester playing the sector officials on labour capacity, measures and employment:

- a household's labour capacity amended to none while a job of it stands, or an employment or
  entrepreneurship measure of it does (amendments hold from the start: every past view showed a
  household without labour capacity holding a job the ledger refuses to record);
- an employment or entrepreneurship measure planned for a household with no labour capacity;
- measure ids of one household differing only in the case of their letters;
- a job ended by mistake that could not be corrected (test_round24_employment_end.py);
- "a enterprise is replaced by a enterprise": "an" before a vowel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson
import pytest
from ledger.application import open_ledger
from typer.testing import Result

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import register

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough"

JN = "jn-01"


# -- 5. "an" before a vowel ----------------------------------------------------------------------


def test_a_replacement_of_the_wrong_kind_says_an_before_a_vowel(seeded: Fupin) -> None:
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-11')}", JN)
    before = seeded.event_count()

    wrong = seeded(
        f"household unpair JH-0001 e-1 --replacement sw-1 --reason 调岗 {doc('2016-09-01')}", JN
    )
    assert_refused(
        wrong, "replacement", "an enterprise is replaced by an enterprise, not a social-worker"
    )
    wrong = seeded(
        f"household unpair JH-0001 c-1 --replacement e-1 --reason 调岗 {doc('2016-09-01')}", JN
    )
    assert_refused(wrong, "replacement", "a cadre is replaced by a cadre, not an enterprise")
    assert seeded.event_count() == before


# -- shared ----------------------------------------------------------------------------------------


def _import_jsonl(fupin: Fupin, path: Path, rows: Sequence[Mapping[str, object]]) -> Result:
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    return fupin(f"import {path}", actor=JN)


def _row(ref: str, command: str, effective: str, **args: object) -> dict[str, object]:
    return {"command": command, "ref": ref, "effective": effective, "document": "x", "args": args}


def _registered(fupin: Fupin, number: str, serial: int, *, key_target: bool = True) -> None:
    """Household ``number`` identified, noticed and registered in 江南 (by 2016-08-10)."""
    app = open_ledger(str(fupin.store))
    try:
        register(app, number, key_target=key_target, serial=serial)
    finally:
        app.close()


def _without_labour(fupin: Fupin) -> None:
    """JH-0005 registered (no key target) in 江南, its labour capacity amended to none."""
    _registered(fupin, "JH-0005", 5, key_target=False)
    fupin.ok(f"household amend JH-0005 --no-labour --reason 录入错误 {doc('2016-08-20')}", JN)


# -- 3. measure ids differing only in case ----------------------------------------------------


def test_a_measure_id_differing_only_in_case_from_one_of_the_household_is_refused(
    seeded: Fupin,
) -> None:
    before = seeded.event_count()

    again = seeded(f"household plan-measure JH-0001 M-1 --category relief {doc('2016-09-01')}", JN)

    assert_refused(
        again,
        "measure",
        "'M-1' differs from 'm-1', on record, only in the case of its letters: use 'm-1', or "
        "another measure",
    )
    assert seeded.event_count() == before
    # another household's measure may share it: ids are a household's own
    _registered(seeded, "JH-0006", 6)
    seeded.ok(f"household plan-measure JH-0006 M-1 --category relief {doc('2016-09-01')}", JN)


def test_an_import_of_measure_ids_differing_only_in_case_is_refused(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()
    rows = [
        _row(
            "R-1",
            "plan_measure",
            "2016-09-01",
            household="JH-0001",
            measure="ed-1",
            category="education",
        ),
        _row(
            "R-2",
            "plan_measure",
            "2016-09-01",
            household="JH-0001",
            measure="ED-1",
            category="education",
        ),
    ]

    result = _import_jsonl(seeded, tmp_path / "rows.jsonl", rows)

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "line 2, measure: 'ED-1' differs from 'ed-1', on record, only in the case" in said
    assert seeded.event_count() == before


@pytest.mark.parametrize("typed", ["ed-1", "ED-1", "eD-1"])
def test_a_measure_id_in_mixed_case_on_record_refuses_every_other_case(
    seeded: Fupin, typed: str
) -> None:
    # re-test, session 24: with Ed-1 on record, ed-1 and ED-1 were taken (only the new id's
    # all-upper and all-lower forms were looked up)
    seeded.ok(f"household plan-measure JH-0001 Ed-1 --category education {doc('2016-09-01')}", JN)
    before = seeded.event_count()

    again = seeded(
        f"household plan-measure JH-0001 {typed} --category education {doc('2016-09-02')}", JN
    )

    assert_refused(
        again,
        "measure",
        f"{typed!r} differs from 'Ed-1', on record, only in the case of its letters: use "
        "'Ed-1', or another measure",
    )
    assert seeded.event_count() == before


@pytest.mark.parametrize("on_record", ["ed-1", "ED-1"])
def test_a_mixed_case_measure_id_is_refused_beside_one_on_record(
    seeded: Fupin, on_record: str
) -> None:
    # the other order: an all-lower or all-upper id on record, a mixed-case one typed
    seeded.ok(
        f"household plan-measure JH-0001 {on_record} --category education {doc('2016-09-01')}", JN
    )
    before = seeded.event_count()

    refused = seeded(
        f"household plan-measure JH-0001 Ed-1 --category education {doc('2016-09-02')}", JN
    )

    assert_refused(
        refused,
        "measure",
        f"'Ed-1' differs from {on_record!r}, on record, only in the case of its letters: use "
        f"{on_record!r}, or another measure",
    )
    assert seeded.event_count() == before


def test_an_import_refuses_every_later_case_of_a_mixed_case_measure_id(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()
    rows = [
        _row(
            f"R-{n}",
            "plan_measure",
            "2016-09-01",
            household="JH-0001",
            measure=measure,
            category="relief",
        )
        for n, measure in enumerate(("Job-1", "JOB-1", "job-1"), 1)
    ]

    result = _import_jsonl(seeded, tmp_path / "rows.jsonl", rows)

    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "line 2, measure: 'JOB-1' differs from 'Job-1', on record, only in the case" in said
    assert "line 3, measure: 'job-1' differs from 'Job-1', on record, only in the case" in said
    assert seeded.event_count() == before


# -- 2. employment and entrepreneurship measures need labour capacity ------------------------


@pytest.mark.parametrize("category", ["employment", "entrepreneurship"])
def test_a_measure_needing_labour_is_refused_for_a_household_without_it(
    seeded: Fupin, tmp_path: Path, category: str
) -> None:
    _without_labour(seeded)
    before = seeded.event_count()

    planned = seeded(
        f"household plan-measure JH-0005 w-1 --category {category} {doc('2016-09-01')}", JN
    )
    imported = _import_jsonl(
        seeded,
        tmp_path / "rows.jsonl",
        [
            _row(
                "R-1",
                "plan_measure",
                "2016-09-01",
                household="JH-0005",
                measure="w-1",
                category=category,
            )
        ],
    )

    assert_refused(
        planned,
        "category",
        f"JH-0005 has no labour capacity 无劳动能力 on record: an {category} measure is for "
        "poor people able to work 有就业能力的贫困人口 [四(六)]",
    )
    assert imported.exit_code == 2, imported.output
    said = " ".join(imported.stderr.split())
    assert "line 1, category: JH-0005 has no labour capacity 无劳动能力 on record" in said
    assert seeded.event_count() == before


@pytest.mark.parametrize("category", ["industry", "finance", "education", "medical", "relief"])
def test_other_measures_stay_open_to_a_household_without_labour(
    seeded: Fupin, category: str
) -> None:
    _without_labour(seeded)

    seeded.ok(f"household plan-measure JH-0005 w-1 --category {category} {doc('2016-09-01')}", JN)


# -- 1. no labour capacity amended in while a job or a measure needs it ----------------------

NO_LABOUR = f"household amend JH-0005 --no-labour --reason 录入错误 {doc('2016-12-01')}"


def _entry(refusal: Result) -> int:
    found = re.search(r"\(entry (\d+)\)", refusal.stderr)
    assert found is not None, refusal.stderr
    return int(found[1])


@pytest.mark.parametrize("ended", [False, True])
def test_no_labour_is_refused_while_a_job_of_the_household_stands(
    seeded: Fupin, ended: bool
) -> None:
    _registered(seeded, "JH-0005", 5, key_target=False)
    seeded.ok(f"helper employ e-1 JH-0005 --since 2016-09-01 {doc('2016-09-01')}", JN)
    if ended:
        seeded.ok(f"helper end-employment e-1 JH-0005 {doc('2016-10-01')}", JN)
    before = seeded.event_count()

    refused = seeded(NO_LABOUR, JN)

    assert_refused(
        refused,
        "labour",
        "e-1's employment of a worker of JH-0005 since 2016-09-01 (entry ",
    )
    version = _entry(refused)
    said = " ".join(refused.stderr.split())
    assert f"never had labour capacity (fupin correct helper e-1 {version} --reason …)" in said
    assert seeded.event_count() == before
    seeded.ok(f"correct helper e-1 {version} --reason 录入错误 {doc('2016-11-01')}", JN)
    seeded.ok(NO_LABOUR, JN)


def test_no_labour_is_refused_while_a_measure_needing_labour_stands(
    seeded: Fupin, tmp_path: Path
) -> None:
    _registered(seeded, "JH-0005", 5, key_target=False)
    seeded.ok(
        f"household plan-measure JH-0005 w-1 --category entrepreneurship {doc('2016-09-01')}", JN
    )
    before = seeded.event_count()

    refused = seeded(NO_LABOUR, JN)
    imported = _import_jsonl(
        seeded,
        tmp_path / "rows.jsonl",
        [
            _row(
                "R-1",
                "amend",
                "2016-12-01",
                kind="household",
                key="JH-0005",
                labour=False,
                reason="录入错误",
            )
        ],
    )

    assert_refused(refused, "labour", "measure w-1 of JH-0005 (entry ")
    version = _entry(refused)
    assert f"(fupin correct household JH-0005 {version} --reason …)" in refused.stderr
    assert imported.exit_code == 2, imported.output
    assert "line 1, labour: measure w-1 of JH-0005" in " ".join(imported.stderr.split())
    assert seeded.event_count() == before
    seeded.ok(f"correct household JH-0005 {version} --reason 录入错误 {doc('2016-11-01')}", JN)
    seeded.ok(NO_LABOUR, JN)


def test_a_key_target_is_told_its_own_rule_first(seeded: Fupin) -> None:
    """JH-0001, a key target with a job: ``--no-labour`` alone is refused by the household's
    own rule (amend key_target too) before the job is named."""
    seeded.ok(f"helper employ e-1 JH-0001 --since 2016-09-01 {doc('2016-09-01')}", JN)
    alone = f"household amend JH-0001 --no-labour --reason 录入错误 {doc('2016-12-01')}"

    assert_refused(seeded(alone, JN), "labour", "amend key_target too")
    both = alone.replace("--no-labour", "--no-labour --not-key-target")
    assert_refused(seeded(both, JN), "labour", "e-1's employment of a worker of JH-0001")
