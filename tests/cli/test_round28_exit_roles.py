"""Session 28 (tester F, a policy expert): a key target 重点帮扶对象 exited with one of its four
4+1 helpers [四(二)], and the accountability report then no longer showed it: ``missing_roles``
lists households under assistance only, and ``no-assistance`` asks for one helper. Since
session 28 ``exit_faults`` lists such an exit as ``missing-roles``, naming the roles no pairing
held on the day the exit was proposed; a finding, not a refusal (an exit on record replays).
"""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the accountability report's reading of pairings, the same SQL on either store"

JN, QU = "jn-01", "qu-01"


def pair(fupin: Fupin, helper: str, on: str, number: str = "JH-0001") -> None:
    fupin.ok(f"household pair {number} {helper} {doc(on)}", JN)


def exit_2016(fupin: Fupin, number: str = "JH-0001") -> None:
    """Assessed, agreed and exited in 2016: proposed on 2016-12-02, approved on 2016-12-12."""
    fupin.ok(f"household agree {number} {doc('2016-08-20')}", JN)
    fupin.ok(f"household assess {number} 2016 --income 9000 {doc('2016-12-01')}", JN)
    fupin.ok(f"household propose-exit {number} 2016 {doc('2016-12-02')}", JN)
    fupin.ok(f"household verify-exit {number} {doc('2016-12-03')}", JN)
    fupin.ok(f"household exit-notice {number} --start 2016-12-04 --end 2016-12-10 -d 公示", JN)
    fupin.ok(f"household approve-exit {number} {doc('2016-12-12')}", QU)


def report(fupin: Fupin, *options: str) -> dict[str, list[dict[str, object]]]:
    line = " ".join(("report accountability --format json", *options))
    found: dict[str, list[dict[str, object]]] = orjson.loads(fupin.ok(line, "admin").stdout)
    return found


def missing_roles(fupin: Fupin) -> list[tuple[object, object]]:
    faults = report(fupin)["exit_faults"]
    return [(f["household"], f["detail"]) for f in faults if f["fault"] == "missing-roles"]


def test_a_key_target_exited_with_a_cadre_alone_is_an_exit_fault_naming_the_missing_roles(
    seeded: Fupin,
) -> None:
    exit_2016(seeded)

    # the household has exited: it is no longer under assistance, nor in missing_roles
    assert report(seeded)["missing_roles"] == []
    assert missing_roles(seeded) == [
        (
            "JH-0001",
            "no enterprise, social-worker, volunteer-team paired 4+1 in force on 2016-12-02, "
            "the day the exit was proposed",
        )
    ]
    # before the exit, the same household was in missing_roles
    before = report(seeded, "--as-of 2016-11-30")["missing_roles"]
    assert [r["missing_roles"] for r in before] == ["enterprise,social-worker,volunteer-team"]


def test_a_key_target_exited_with_its_four_helpers_is_no_missing_roles_fault(
    seeded: Fupin,
) -> None:
    for helper in ("e-1", "sw-1", "v-1"):
        pair(seeded, helper, "2016-08-15")
    exit_2016(seeded)
    # a helper leaving after the exit does not unmake the 4+1 the exit was decided with
    seeded.ok(f"household unpair JH-0001 sw-1 --reason 调动 {doc('2017-01-05')}", JN)

    assert missing_roles(seeded) == []


def test_a_role_paired_only_after_the_exit_was_proposed_does_not_mend_it(
    seeded: Fupin,
) -> None:
    for helper in ("e-1", "sw-1"):
        pair(seeded, helper, "2016-08-15")
    seeded.ok(f"household agree JH-0001 {doc('2016-08-20')}", JN)
    seeded.ok(f"household assess JH-0001 2016 --income 9000 {doc('2016-12-01')}", JN)
    seeded.ok(f"household propose-exit JH-0001 2016 {doc('2016-12-02')}", JN)
    pair(seeded, "v-1", "2016-12-03")

    assert missing_roles(seeded) == [
        (
            "JH-0001",
            "no volunteer-team paired 4+1 in force on 2016-12-02, the day the exit was proposed",
        )
    ]
