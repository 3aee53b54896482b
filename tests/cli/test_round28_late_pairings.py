"""Session 28 (re-tester R, finding 1): a key target exited with a cadre alone, listed in
``exit_faults`` as ``missing-roles``; then three pairings entered after the exit and dated
before its proposal made the fault vanish. A pairing counts for an exit only if it was
recorded before the proposal (as an assessment the exit rests on) and in force on the
proposal's day; the same for ``no-assistance``'s helper. A pairing dated after the approved
exit is refused (不脱贫不脱钩: helpers stay until the exit), one dated by it is taken late.
"""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc, last_entry

STORE_INDEPENDENT = "the accountability report's reading of pairings, the same SQL on either store"

JN, QU = "jn-01", "qu-01"


def exit_2016(fupin: Fupin, agreed: bool = True) -> None:
    """JH-0001 (cadre c-1 alone) assessed, agreed (unless not ``agreed``) and exited:
    proposed on 2016-12-02, approved on 2016-12-12."""
    if agreed:
        fupin.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    fupin.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    fupin.ok(f"household verify-exit JH-0001 {doc('2016-12-03')}", JN)
    fupin.ok("household exit-notice JH-0001 --start 2016-12-04 --end 2016-12-10 -d 公示", JN)
    fupin.ok(f"household approve-exit JH-0001 {doc('2016-12-12')}", QU)


def faults(fupin: Fupin, kind: str) -> list[str]:
    found = orjson.loads(fupin.ok("report accountability --format json", "admin").stdout)
    return [f["detail"] for f in found["exit_faults"] if f["fault"] == kind]


def test_pairings_entered_after_the_exit_and_dated_before_its_proposal_do_not_mend_it(
    seeded: Fupin,
) -> None:
    exit_2016(seeded)
    for helper in ("e-1", "sw-1", "v-1"):  # entered late, dated back before the proposal
        seeded.ok(f"household pair JH-0001 {helper} {doc('2016-09-01')}", JN)

    assert faults(seeded, "missing-roles") == [
        "no enterprise, social-worker, volunteer-team paired 4+1 in force on 2016-12-02, "
        "the day the exit was proposed"
    ]


def test_a_pairing_entered_after_the_proposal_and_dated_before_it_does_not_mend_it(
    seeded: Fupin,
) -> None:
    for helper in ("e-1", "sw-1"):
        seeded.ok(f"household pair JH-0001 {helper} {doc('2016-08-15')}", JN)
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    seeded.ok(f"household pair JH-0001 v-1 {doc('2016-09-01')}", JN)

    assert faults(seeded, "missing-roles") == [
        "no volunteer-team paired 4+1 in force on 2016-12-02, the day the exit was proposed"
    ]


def test_a_helper_entered_after_the_exit_does_not_mend_an_exit_proposed_with_none(
    seeded: Fupin,
) -> None:
    # the seed's cadre voided (no agreement rests on it): no helper when the exit is proposed
    paired = last_entry(seeded, "JH-0001", "HelperPaired")
    seeded.ok(f"correct household JH-0001 {paired} --reason 录入错误 {doc('2016-08-21')}", JN)
    exit_2016(seeded, agreed=False)
    seeded.ok(f"household pair JH-0001 c-1 {doc('2016-08-11')}", JN)

    assert faults(seeded, "no-assistance") == [
        "no helper paired 结对帮扶, no agreement 扶贫协议 before the exit was proposed on "
        "2016-12-02"
    ]


def test_a_pairing_dated_after_the_approved_exit_is_refused_one_dated_by_it_is_taken(
    seeded: Fupin,
) -> None:
    exit_2016(seeded)

    refused = seeded(f"household pair JH-0001 e-1 {doc('2016-12-13')}", JN)
    assert_refused(
        refused,
        "effective",
        "the pairing is dated 2016-12-13; JH-0001 exited on 2016-12-12: a helper is paired "
        "while assisted",
    )
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-12-12')}", JN)
