"""Session 34, tester a: while an exit was under way, a pairing, an agreement and a measure
dated after the day its approval was then dated were taken, and the approval with them: only a
payment held it back. Entered after the approval, each is refused (``check_assisted_on``), so
the order of entry decided whether the ledger held assistance begun after the exit. The
approval stands (entries are entered late in any order, and a return to poverty recorded after
it may cover them), and ``report accountability`` lists the exit as ``assisted-after`` until a
return approved by then does."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, doc, exit_noticed

STORE_INDEPENDENT = "an exit's approval against the household's entries: SQLite is enough"

JN = "jn-01"


def _noticed_then_assisted(fupin: Fupin) -> None:
    """JH-0001's 2016 exit noticed to 2016-12-10, then c-2 paired on the 13th, an agreement
    signed on the 13th and measure m-9 planned on the 14th."""
    exit_noticed(fupin)
    fupin.ok(f"household pair JH-0001 c-2 {doc('2016-12-13')}", JN)
    fupin.ok(f"household agree JH-0001 {doc('2016-12-13')}", JN)
    plan = "household plan-measure JH-0001 m-9 --category education --budget 10"
    fupin.ok(f"{plan} {doc('2016-12-14')}", JN)


def _faults(fupin: Fupin) -> list[dict[str, object]]:
    report = orjson.loads(fupin.ok("report accountability --format json", "admin").stdout)
    return [f for f in report["exit_faults"] if f["fault"] == "assisted-after"]


def test_an_approval_dated_before_assistance_on_record_is_listed(seeded: Fupin) -> None:
    _noticed_then_assisted(seeded)

    seeded.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", "qu-01")

    [fault] = _faults(seeded)
    assert (fault["household"], fault["year"], fault["recorded_by"]) == ("JH-0001", 2016, "qu-01")
    assert fault["detail"] == (
        "a cadre paired from 2016-12-13, an agreement signed 2016-12-13, a measure planned "
        "2016-12-14, after the exit's approval on 2016-12-12"
    )


def test_an_approval_dated_after_them_is_not(seeded: Fupin) -> None:
    _noticed_then_assisted(seeded)

    seeded.ok(f"household approve-exit JH-0001 {doc('2016-12-14')}", "qu-01")

    assert _faults(seeded) == []
