"""Session 23, testers of session 22: the dossier ``fupin household show`` showed no step of a
household's return to poverty 返贫 (recognised, applied, reviewed, approved; the disaster, the
recognising authority, a withdrawal and its reason): only ``fupin history`` did. Since
session 23 it has a ``return_steps`` section, in every format, from the read model
``pj_return_steps``. Nor did any report or dossier show a worker's employment 就业 by an
enterprise (``helper employ``): since session 23 the dossier has an ``employment`` section."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, doc
from tests.cli.test_return_withdrawal_cli import recognised

STORE_INDEPENDENT = "the dossier's sections: SQLite is enough (tests/conftest.py)"

RETURN_AGAIN = [
    ("qu-01", f"household withdraw-return JH-0001 --reason 区审核不通过 {doc('2017-06-20')}"),
    (
        "jn-01",
        "household return JH-0001 recognised --disaster 台风山竹 --authority 江海区农业局 "
        + doc("2018-09-20"),
    ),
    ("jn-01", f"household return JH-0001 applied {doc('2018-09-25')}"),
    ("qu-01", f"household return JH-0001 reviewed {doc('2018-10-08')}"),
    ("qu-01", f"household return JH-0001 approved {doc('2018-10-15')}"),
]


def _returned(seeded: Fupin) -> None:
    """JH-0001 exited in 2016; a return recognised in 2017 and withdrawn; another in 2018,
    approved."""
    recognised(seeded)
    for actor, line in RETURN_AGAIN:
        seeded.ok(line, actor=actor)


def _dossier(seeded: Fupin, options: str = "") -> dict[str, list[dict[str, object]]]:
    return dict(orjson.loads(seeded.ok(f"household show JH-0001 --format json {options}").stdout))


def test_the_dossier_shows_each_return_step_and_a_withdrawal_with_its_reason(
    seeded: Fupin,
) -> None:
    _returned(seeded)

    steps = _dossier(seeded)["return_steps"]

    said = [
        (s["return_cycle"], s["step"], s["effective"], s["disaster"], s["authority"], s["reason"])
        for s in steps
    ]
    assert said == [
        (1, "recognised", "2017-06-01", "暴雨", "江海区民政局", ""),
        (1, "applied", "2017-06-05", "", "", ""),
        (1, "withdrawn", "2017-06-20", "", "", "区审核不通过"),
        (2, "recognised", "2018-09-20", "台风山竹", "江海区农业局", ""),
        (2, "applied", "2018-09-25", "", "", ""),
        (2, "reviewed", "2018-10-08", "", "", ""),
        (2, "approved", "2018-10-15", "", "", ""),
    ]
    assert [s["recorded_by"] for s in steps] == ["jn-01", "jn-01", "qu-01", "jn-01", "jn-01"] + [
        "qu-01"
    ] * 2


def test_the_return_steps_show_as_of_a_day_in_every_format(seeded: Fupin) -> None:
    _returned(seeded)

    as_of = _dossier(seeded, "--as-of 2017-06-10")["return_steps"]
    table = seeded.ok("household show JH-0001").stdout
    csv = seeded.ok("household show JH-0001 --format csv").stdout

    assert [s["step"] for s in as_of] == ["recognised", "applied"]
    for shown in (table, csv):
        assert "return_steps" in shown
        for said in (
            "暴雨",
            "江海区民政局",
            "区审核不通过",
            "台风山竹",
            "江海区农业局",
            "reviewed",
        ):
            assert said in shown


def test_a_household_that_never_returned_has_no_return_steps(seeded: Fupin) -> None:
    dossier = _dossier(seeded)
    csv = seeded.ok("household show JH-0001 --format csv").stdout

    assert dossier["return_steps"] == []
    assert "return_cycle,step,effective,disaster,authority,reason,recorded_by" in csv


def test_the_dossier_shows_each_employment_of_its_workers(seeded: Fupin) -> None:
    for line in (
        f"helper employ e-1 JH-0001 --since 2016-09-01 {doc('2016-09-01')}",
        f"helper end-employment e-1 JH-0001 {doc('2016-11-01')}",
        f"helper employ e-1 JH-0001 --since 2017-03-01 {doc('2017-03-01')}",
    ):
        seeded.ok(line, actor="jn-01")

    jobs = _dossier(seeded)["employment"]
    before = _dossier(seeded, "--as-of 2016-10-01")["employment"]
    table = seeded.ok("household show JH-0001").stdout
    csv = seeded.ok("household show JH-0001 --format csv").stdout

    assert jobs == [
        {
            "enterprise": "e-1",
            "name": "江海电子厂",
            "since": "2016-09-01",
            "ended_on": "2016-11-01",
        },
        {"enterprise": "e-1", "name": "江海电子厂", "since": "2017-03-01", "ended_on": None},
    ]
    assert before == [
        {"enterprise": "e-1", "name": "江海电子厂", "since": "2016-09-01", "ended_on": None}
    ]
    for said in ("employment", "江海电子厂", "2016-11-01", "2017-03-01"):
        assert said in table
    assert "enterprise,name,since,ended_on" in csv
    assert "e-1,江海电子厂,2017-03-01," in csv


def test_a_household_employed_by_none_has_an_empty_employment_section(seeded: Fupin) -> None:
    seeded.ok(f"helper employ e-1 JH-0001 --since 2016-09-01 {doc('2016-09-01')}", actor="jn-01")

    shown = orjson.loads(seeded.ok("household show JH-0002 --format json").stdout)

    assert shown["employment"] == []
