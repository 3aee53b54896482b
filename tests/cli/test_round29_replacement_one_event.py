"""Session 29 (tester B, finding 1): a replacement 替换 (``household unpair H c-1
--replacement c-3``) ends one pairing and begins another in one command, and keeps the household
paired 不脱钩. Entered late (after an exit's proposal, dated before it, as docs/cli.md tells an
officer to enter a late fact), ``exit_faults`` counted the end of the old cadre (by its date) but
not the start of the new one (recorded after the proposal): "no cadre paired 4+1 in force". As
known at the proposal the old helper was in force: an end made by a replacement recorded after
the proposal does not unmake the old pairing for the check. A plain unpairing entered late and
dated before the proposal still makes the fault: the household really had no cadre.
"""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the accountability report's reading of pairings, the same SQL on either store"

JN, QU = "jn-01", "qu-01"


def _second_household(fupin: Fupin) -> None:
    """JH-0002 (identified by the seed) reviewed, noticed, signed and registered as a key
    target; helpers c-3, c-4 (cadres) and e-2 (an enterprise) added."""
    fupin.ok(f"household review JH-0002 --accepted {doc('2016-08-02')}", JN)
    fupin.ok(
        f"household notice JH-0002 --start 2016-08-03 --end 2016-08-09 {doc('2016-08-03')}", JN
    )
    fupin.ok(f"household sign JH-0002 {doc('2016-08-05')}", JN)
    fupin.ok(f"household register JH-0002 --key-target {doc('2016-08-10')}", JN)
    fupin.ok(f"household plan-measure JH-0002 m-2 --category industry {doc('2016-08-12')}", JN)
    for helper, name in (("c-3", "赵干部"), ("c-4", "钱干部")):
        fupin.ok(
            f"helper add {helper} --kind cadre --name {name} --rank section {doc('2016-07-28')}", JN
        )
    fupin.ok(f"helper add e-2 --kind enterprise --name 江南农场 {doc('2016-07-28')}", JN)


def _four_helpers(fupin: Fupin) -> None:
    """JH-0001 (cadre c-1 from the seed) and JH-0002 (cadre c-2) each paired with an
    enterprise, the social worker and the volunteer team on 2016-08-11."""
    fupin.ok(f"household pair JH-0002 c-2 {doc('2016-08-11')}", JN)
    for number, enterprise in (("JH-0001", "e-1"), ("JH-0002", "e-2")):
        for helper in (enterprise, "sw-1", "v-1"):
            fupin.ok(f"household pair {number} {helper} {doc('2016-08-11')}", JN)


def _exit(fupin: Fupin, number: str) -> None:
    """``number`` agreed, assessed and exited: proposed 2016-12-01, approved 2016-12-20."""
    fupin.ok(f"household agree {number} {doc('2016-08-15')}", JN)
    fupin.ok(f"household assess {number} 2016 --income 9000 {doc('2016-11-30')}", JN)
    fupin.ok(f"household propose-exit {number} 2016 {doc('2016-12-01')}", JN)
    fupin.ok(f"household verify-exit {number} {doc('2016-12-05')}", JN)
    fupin.ok(f"household exit-notice {number} --start 2016-12-06 --end 2016-12-12 -d 公示", JN)
    fupin.ok(f"household approve-exit {number} {doc('2016-12-20')}", QU)


def _roles_faults(fupin: Fupin) -> list[tuple[object, object]]:
    found = orjson.loads(fupin.ok("report accountability --format json", "admin").stdout)
    return [
        (f["household"], f["detail"])
        for f in found["exit_faults"]
        if f["fault"] in ("missing-roles", "no-assistance")
    ]


def test_a_replacement_entered_before_or_after_the_proposal_is_no_exit_fault(
    seeded: Fupin,
) -> None:
    _second_household(seeded)
    _four_helpers(seeded)
    # JH-0001: the replacement entered before the proposal
    seeded.ok(
        f"household unpair JH-0001 c-1 --replacement c-3 --reason 调岗 {doc('2016-09-21')}", JN
    )
    _exit(seeded, "JH-0001")
    _exit(seeded, "JH-0002")
    # JH-0002: the same replacement, dated the same day, entered after the approval
    seeded.ok(
        f"household unpair JH-0002 c-2 --replacement c-4 --reason 调岗 {doc('2016-09-21')}", JN
    )

    assert _roles_faults(seeded) == []


def test_a_plain_unpairing_entered_late_and_dated_before_the_proposal_is_still_a_fault(
    seeded: Fupin,
) -> None:
    # JH-0001 exits in 2016 with its four helpers, returns to poverty in 2017 and is proposed
    # for exit in 2018; then c-1's plain unpairing is entered, dated while the first exit was
    # in force (the ledger takes it): at the second proposal the household had no cadre.
    for helper in ("e-1", "sw-1", "v-1"):
        seeded.ok(f"household pair JH-0001 {helper} {doc('2016-08-11')}", JN)
    _exit(seeded, "JH-0001")
    for step, actor, day in (
        ("recognised --disaster 台风天鸽 --authority 江海区民政局", JN, "2017-08-25"),
        ("applied", JN, "2017-08-28"),
        ("reviewed", QU, "2017-09-05"),
        ("approved", QU, "2017-09-20"),
    ):
        seeded.ok(f"household return JH-0001 {step} {doc(day)}", actor)
    seeded.ok(f"household assess JH-0001 2018 --income 9500 {doc('2018-11-30')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2018 {doc('2018-12-01')}", JN)
    seeded.ok(f"household unpair JH-0001 c-1 --reason 已脱贫脱钩 {doc('2017-01-10')}", JN)

    assert ("JH-0001", ROLES_2018) in _roles_faults(seeded)


ROLES_2018 = "no cadre paired 4+1 in force on 2018-12-01, the day the exit was proposed"


def test_a_replacement_is_listed_in_early_unpairings_marked_as_one(seeded: Fupin) -> None:
    """docs/cli.md's worked example: c-1 replaced by c-3 is an early unpairing whose
    ``replacement`` names c-3, in JSON and CSV alike (a guard: the column was there before)."""
    seeded.ok(f"helper add c-3 --kind cadre --name 赵干部 --rank section {doc('2016-07-28')}", JN)
    seeded.ok(
        f"household unpair JH-0001 c-1 --replacement c-3 --reason 调岗 {doc('2016-09-21')}", JN
    )

    found = orjson.loads(seeded.ok("report accountability --format json", "admin").stdout)
    sheet = seeded.ok("report accountability --format csv", "admin").stdout

    assert [(r["helper"], r["replacement"]) for r in found["early_unpairings"]] == [("c-1", "c-3")]
    assert "# early_unpairings\nhousehold,street,helper,role,replacement," in sheet
    assert "JH-0001,江南,c-1,cadre,c-3,调岗,2016-09-21,jn-01" in sheet
