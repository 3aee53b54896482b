"""Session 21: an unpairing 脱钩 typed in error (the wrong helper, the wrong household) could
never be corrected (`refused version: 10 is not a correctable entry here`): the only way back
was a second unpairing, and the accountability report then listed two early unpairings and
visits a replacement who never served had missed, for good. ``fupin correct household NUMBER
VERSION`` now voids a ``HelperUnpaired``: the helper's pairing is in force again as if never
ended, and the replacement's never happened; refused, nothing written, unless it is safe (the
latest change of that place, nothing resting on the replacement's pairing, the helper free to
take its place again). ``fupin verify`` replays those rules on a correction in the file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import orjson
import pytest
from ledger.application import Ledger, open_ledger
from ledger.helpers import EnterprisePairings
from ledger.household import Household

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.integration.test_round17_verify_rules import _forge, _last_position, _problems
from tests.support import ledger_at, register, stamp

JN = "jn-01"
CORRECT = "correct household {} {} --reason 录错人 " + doc("{}")


@contextmanager
def _opened(store: str) -> Iterator[Ledger]:
    """The ledger ``seeded`` made, open for steps the CLI test takes through the API."""
    app = open_ledger(store)
    try:
        yield app
    finally:
        app.close()


def _versions(fupin: Fupin, event: str, number: str = "JH-0001") -> list[int]:
    history = orjson.loads(fupin.ok(f"history {number} --format json", "admin").stdout)
    return [int(row["version"]) for row in history if row["event"] == event]


def _query(fupin: Fupin, sql: str) -> list[list[object]]:
    rows: list[list[object]] = orjson.loads(fupin.ok(f'query "{sql}" --format json').stdout)["rows"]
    return rows


def _pairings(fupin: Fupin, number: str = "JH-0001") -> list[list[object]]:
    return _query(
        fupin,
        "SELECT helper, paired_on, unpaired_on, replacement FROM pj_pairings "
        f"WHERE household = '{number}' ORDER BY helper",
    )


def _unpair(fupin: Fupin, helper: str, replacement: str, day: str, number: str = "JH-0001") -> int:
    given = f"--replacement {replacement} " if replacement else ""
    fupin.ok(f"household unpair {number} {helper} {given}--reason 调岗 {doc(day)}", JN)
    return _versions(fupin, "HelperUnpaired", number)[-1]


def _helpers(fupin: Fupin, *ids: str) -> None:
    for helper in ids:
        kind = "cadre --rank section" if helper.startswith("c-") else "cooperative"
        fupin.ok(
            f"helper add {helper} --kind {kind} --name 帮扶人 --unit 区民政局 {doc('2016-07-28')}",
            JN,
        )


def _four_plus_one(fupin: Fupin) -> None:
    """JH-0001 (c-1 paired on 2016-08-11 by ``seeded``) with e-1, sw-1 and v-1 too."""
    for helper in ("e-1", "sw-1", "v-1"):
        fupin.ok(f"household pair JH-0001 {helper} {doc('2016-08-11')}", JN)


def _report(fupin: Fupin) -> dict[str, list[dict[str, object]]]:
    line = "report accountability --as-of 2017-06-30 --format json"
    found: dict[str, list[dict[str, object]]] = orjson.loads(fupin.ok(line).stdout)
    return found


def test_an_unpairing_typed_in_error_is_voided_as_if_it_never_happened(seeded: Fupin) -> None:
    _helpers(seeded, "c-3")
    _four_plus_one(seeded)
    wrong = _unpair(seeded, "c-1", "c-3", "2016-09-01")  # the wrong helper chosen
    assert [u["helper"] for u in _report(seeded)["early_unpairings"]] == ["c-1"]

    seeded.ok(CORRECT.format("JH-0001", wrong, "2016-09-02"), "admin")

    assert _pairings(seeded) == [
        ["c-1", "2016-08-11", None, None],
        ["e-1", "2016-08-11", None, None],
        ["sw-1", "2016-08-11", None, None],
        ["v-1", "2016-08-11", None, None],
    ]
    report = _report(seeded)
    assert report["early_unpairings"] == []
    missed = {(m["helper"], m["quarter"]) for m in report["missed_visits"]}
    assert ("c-1", "2016Q4") in missed
    assert not any(helper == "c-3" for helper, _ in missed)
    dossier = orjson.loads(seeded.ok("household show JH-0001 --format json", "admin").stdout)
    assert [(h["helper"], h["unpaired_on"]) for h in dossier["helpers"]] == [
        ("c-1", None),
        ("e-1", None),
        ("sw-1", None),
        ("v-1", None),
    ]
    history = seeded.ok("history JH-0001", "admin").stdout
    assert f"HelperUnpaired 脱钩 (voided by #{wrong + 1})" in history
    assert_refused(
        seeded(f"household visit JH-0001 --helper c-3 {doc('2016-10-01')}", JN),
        "helper",
        "'c-3' is not paired with household JH-0001",
    )
    seeded.ok(f"household visit JH-0001 --helper c-1 {doc('2016-10-01')}", JN)
    assert seeded("projections check", "admin").exit_code == 0
    assert seeded("verify", "admin").exit_code == 0


def test_refused_while_the_replacement_visited_under_it(seeded: Fupin) -> None:
    _helpers(seeded, "c-3")
    wrong = _unpair(seeded, "c-1", "c-3", "2016-09-01")
    seeded.ok(f"household visit JH-0001 --helper c-3 {doc('2016-09-10')}", JN)
    visit = seeded.event_count()
    before = seeded.event_count()

    assert_refused(
        seeded(CORRECT.format("JH-0001", wrong, "2016-09-12"), "admin"),
        "version",
        f"c-3 visited JH-0001 under the pairing entry {wrong} began (entry {wrong + 1}, "
        "2016-09-10): correct its visits first, then the unpairing",
    )
    assert seeded.event_count() == before == visit
    seeded.ok(CORRECT.format("JH-0001", wrong + 1, "2016-09-12"), "admin")  # the visit
    seeded.ok(CORRECT.format("JH-0001", wrong, "2016-09-12"), "admin")
    assert _pairings(seeded) == [["c-1", "2016-08-11", None, None]]


def test_only_the_latest_change_of_a_place_is_voided(seeded: Fupin) -> None:
    _helpers(seeded, "c-3")
    first = _unpair(seeded, "c-1", "c-3", "2016-09-01")
    second = _unpair(seeded, "c-3", "c-2", "2016-10-01")

    assert_refused(
        seeded(CORRECT.format("JH-0001", first, "2016-10-02"), "admin"),
        "version",
        f"entry {first} paired c-3 in place of c-1, a pairing with JH-0001 that has ended since",
    )
    seeded.ok(CORRECT.format("JH-0001", second, "2016-10-02"), "admin")
    assert _pairings(seeded) == [
        ["c-1", "2016-08-11", "2016-09-01", "c-3"],
        ["c-3", "2016-09-01", None, None],
    ]
    seeded.ok(CORRECT.format("JH-0001", first, "2016-10-02"), "admin")
    assert _pairings(seeded) == [["c-1", "2016-08-11", None, None]]
    assert seeded("projections check", "admin").exit_code == 0


def test_refused_once_the_helper_is_paired_here_again(seeded: Fupin) -> None:
    _helpers(seeded, "c-3")
    wrong = _unpair(seeded, "c-1", "c-3", "2016-09-01")
    seeded.ok(f"household pair JH-0001 c-1 {doc('2016-09-05')}", JN)  # a second cadre

    assert_refused(
        seeded(CORRECT.format("JH-0001", wrong, "2016-09-06"), "admin"),
        "version",
        f"entry {wrong} unpaired c-1 from JH-0001 on 2016-09-01, and c-1 is paired here again "
        "since: only a helper's latest unpairing is voided",
    )


def test_an_agreement_signed_after_the_unpairing_does_not_hold_it_up(seeded: Fupin) -> None:
    # Reviewer, session 21: the void was refused, "the agreement rests on c-3's pairing", but
    # c-1's pairing, in force again from 2016-08-11, covers the agreement's day.
    _helpers(seeded, "c-3")
    wrong = _unpair(seeded, "c-1", "c-3", "2016-09-01")
    seeded.ok(f"household agree JH-0001 {doc('2016-09-05')}", JN)  # c-3 its only helper then

    seeded.ok(CORRECT.format("JH-0001", wrong, "2016-09-06"), "admin")

    assert _pairings(seeded) == [["c-1", "2016-08-11", None, None]]
    assert seeded("verify", "admin").exit_code == 0


def test_a_visit_under_the_replacements_earlier_pairing_does_not_hold_it_up(
    seeded: Fupin,
) -> None:
    # c-3's visit on 2016-09-01 was under its own pairing that ended that day, not under the
    # one the wrong unpairing began.
    _helpers(seeded, "c-3")
    seeded.ok(f"household pair JH-0001 c-3 {doc('2016-08-11')}", JN)
    seeded.ok(f"household visit JH-0001 --helper c-3 {doc('2016-09-01')}", JN)
    _unpair(seeded, "c-3", "c-2", "2016-09-01")
    wrong = _unpair(seeded, "c-1", "c-3", "2016-09-01")

    seeded.ok(CORRECT.format("JH-0001", wrong, "2016-09-06"), "admin")

    assert _pairings(seeded) == [
        ["c-1", "2016-08-11", None, None],
        ["c-2", "2016-09-01", None, None],
        ["c-3", "2016-08-11", "2016-09-01", "c-2"],
    ]
    assert seeded("verify", "admin").exit_code == 0


def test_an_enterprise_paired_elsewhere_since_cannot_take_its_place_again(seeded: Fupin) -> None:
    _helpers(seeded, "e-2")
    with _opened(seeded.store) as app:
        register(app, "JH-0005", serial=5)
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-11')}", JN)
    wrong = _unpair(seeded, "e-1", "e-2", "2016-09-01")
    seeded.ok(f"household pair JH-0005 e-1 {doc('2016-09-03')}", JN)
    before = seeded.event_count()

    assert_refused(
        seeded(CORRECT.format("JH-0001", wrong, "2016-09-06"), "jn-01"),
        "version",
        f"e-1 is paired with household JH-0005, after entry {wrong} unpaired it from JH-0001 "
        "on 2016-09-01: an enterprise or cooperative pairs one household 一对一",
    )
    assert seeded.event_count() == before


def test_a_voided_unpairing_gives_each_enterprise_its_pairing_back(seeded: Fupin) -> None:
    _helpers(seeded, "e-2")
    with _opened(seeded.store) as app:
        register(app, "JH-0005", serial=5)
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-11')}", JN)
    wrong = _unpair(seeded, "e-1", "e-2", "2016-09-01")

    seeded.ok(CORRECT.format("JH-0001", wrong, "2016-09-06"), JN)

    # e-2 never paired JH-0001, so it pairs another household from any day; e-1 never left.
    seeded.ok(f"household pair JH-0005 e-2 {doc('2016-08-20')}", JN)
    assert_refused(
        seeded(f"household pair JH-0005 e-1 {doc('2016-09-03')}", JN),
        "helper",
        "e-1 is paired with household JH-0001",
    )
    assert seeded("projections check", "admin").exit_code == 0
    assert seeded("verify", "admin").exit_code == 0


def _exited_with(fupin: Fupin, *helpers: str) -> None:
    """JH-1 registered with ``helpers`` paired on 2016-08-11, its 2016 exit approved on
    2017-01-20."""
    with _opened(fupin.store) as app:
        register(app, "JH-1")
        for helper in helpers:
            app.pair(stamp(JN, date(2016, 8, 11)), "JH-1", helper)
        app.sign_agreement(stamp(JN, date(2016, 8, 12)), "JH-1")
        app.assess_income(stamp(JN, date(2017, 1, 10)), "JH-1", 2016, 900_000)
        app.propose_exit(stamp(JN, date(2017, 1, 11)), "JH-1", 2016)
        app.verify_exit(stamp(JN, date(2017, 1, 12)), "JH-1")
        app.post_exit_notice(
            stamp(JN, date(2017, 1, 13)), "JH-1", date(2017, 1, 13), date(2017, 1, 19)
        )
        app.approve_exit(stamp("qu-01", date(2017, 1, 20)), "JH-1")


def test_an_unpairing_after_the_exit_is_voided_while_its_place_is_free(seeded: Fupin) -> None:
    _exited_with(seeded, "c-1", "sw-1")
    wrong = _unpair(seeded, "c-1", "", "2017-02-01", "JH-1")  # no replacement: after the exit

    seeded.ok(CORRECT.format("JH-1", wrong, "2017-02-02"), "admin")

    assert _pairings(seeded, "JH-1") == [
        ["c-1", "2016-08-11", None, None],
        ["sw-1", "2016-08-11", None, None],
    ]
    # The day of the unpairing comes off the clock with it, as every voided entry's does.
    assert _query(seeded, "SELECT events FROM pj_days WHERE effective = '2017-02-01'") in (
        [],
        [[0]],
    )
    assert seeded("projections check", "admin").exit_code == 0
    assert seeded("verify", "admin").exit_code == 0


def _returned(app: Ledger, number: str) -> None:
    """A return to poverty 返贫 of ``number`` recognised on 2017-06-01, approved on 06-02."""
    app.advance_return(stamp("qu-01", date(2017, 6, 1)), number, "recognised", "洪灾", "区应急局")
    for step in ("applied", "reviewed", "approved"):
        app.advance_return(stamp("admin", date(2017, 6, 2)), number, step)


def test_refused_once_a_helper_of_its_role_holds_the_place(seeded: Fupin) -> None:
    _helpers(seeded, "c-3")
    seeded.ok(f"helper add sw-2 --kind social-worker --name 社工 {doc('2016-07-28')}", JN)
    _exited_with(seeded, "c-1", "sw-1")
    wrong = _unpair(seeded, "sw-1", "", "2017-02-01", "JH-1")
    with _opened(seeded.store) as app:
        _returned(app, "JH-1")
    seeded.ok(f"household pair JH-1 sw-2 {doc('2017-06-10')}", JN)
    before = seeded.event_count()

    assert_refused(
        seeded(CORRECT.format("JH-1", wrong, "2017-06-12"), "admin"),
        "version",
        "JH-1 has 1 social-worker helper(s) in force on 2017-06-10 (sw-2), the most it may "
        f"have: sw-1, unpaired by entry {wrong}, cannot take its place again from 2016-08-11",
    )
    assert seeded.event_count() == before


def _household(path: Path, number: str) -> Household:
    with _opened(str(path)) as app:
        return app.household(number)


def test_verify_reports_a_voided_unpairing_its_rules_refuse(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        register(app, "JH-1")
        app.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "c-1")
        app.unpair(stamp(JN, date(2016, 9, 1)), "JH-1", "c-1", "调岗", "c-2")
        unpairing = app.household("JH-1").version
        app.record_visit(stamp(JN, date(2016, 9, 10)), "JH-1", "c-2")
    _forge(path, "Corrected", "2016-09-12", corrects=unpairing, reason="录错人")

    assert _problems(path) == [
        (
            _last_position(path),
            "its record's rules refuse it (version: c-2 visited JH-1 under the pairing entry "
            f"{unpairing} began (entry {unpairing + 1}, 2016-09-10): correct its visits first, "
            "then the unpairing)",
        )
    ]


def test_verify_reports_a_voided_unpairing_of_an_enterprise_paired_elsewhere(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        app.register_helper(stamp(JN, date(2016, 7, 28)), "e-2", "cooperative", "合作社")
        register(app, "JH-1")
        register(app, "JH-2", serial=2)
        app.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "e-1")
        app.unpair(stamp(JN, date(2016, 9, 1)), "JH-1", "e-1", "调岗", "e-2")
        unpairing = app.household("JH-1").version
        app.pair(stamp(JN, date(2016, 9, 3)), "JH-2", "e-1")
    _forge(path, "Corrected", "2016-09-12", corrects=unpairing, reason="录错人")

    assert _problems(path) == [
        (
            _last_position(path),
            f"its record's rules refuse it (version: e-1 is paired with household JH-2, after "
            f"entry {unpairing} unpaired it from JH-1 on 2016-09-01: an enterprise or "
            "cooperative pairs one household 一对一 [四(二)、四(十一)], so it cannot take its "
            "place at JH-1 again)",
        )
    ]
    assert "e-1" in _household(path, "JH-1").helpers  # the record still loads


def test_verify_reports_a_voided_unpairing_whose_place_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        app.register_helper(stamp(JN, date(2016, 7, 28)), "sw-2", "social-worker", "社工")
        register(app, "JH-1")
        app.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "sw-1")
        app.sign_agreement(stamp(JN, date(2016, 8, 12)), "JH-1")
        app.assess_income(stamp(JN, date(2017, 1, 10)), "JH-1", 2016, 900_000)
        app.propose_exit(stamp(JN, date(2017, 1, 11)), "JH-1", 2016)
        app.verify_exit(stamp(JN, date(2017, 1, 12)), "JH-1")
        app.post_exit_notice(
            stamp(JN, date(2017, 1, 13)), "JH-1", date(2017, 1, 13), date(2017, 1, 19)
        )
        app.approve_exit(stamp("qu-01", date(2017, 1, 20)), "JH-1")
        app.unpair(stamp(JN, date(2017, 2, 1)), "JH-1", "sw-1", "退出后脱钩")
        unpairing = app.household("JH-1").version
        _returned(app, "JH-1")
        app.pair(stamp(JN, date(2017, 6, 10)), "JH-1", "sw-2")
    _forge(path, "Corrected", "2017-06-12", corrects=unpairing, reason="录错人")

    assert _problems(path) == [
        (
            _last_position(path),
            "its record's rules refuse it (version: JH-1 has 1 social-worker helper(s) in "
            "force on 2017-06-10 (sw-2), the most it may have: sw-1, unpaired by entry "
            f"{unpairing}, cannot take its place again from 2016-08-11)",
        )
    ]


def test_an_enterprise_whose_unpairing_and_pairing_are_voided_pairs_anyone(seeded: Fupin) -> None:
    # Reviewer, session 21: the voided unpairing's enterprise took its pairing again beside the
    # entry the unpairing had closed, which held up every other household until 2016-09-01.
    _helpers(seeded, "e-2")
    with _opened(seeded.store) as app:
        register(app, "JH-0005", serial=5)
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-11')}", JN)
    paired = _versions(seeded, "HelperPaired")[-1]
    wrong = _unpair(seeded, "e-1", "e-2", "2016-09-01")
    seeded.ok(CORRECT.format("JH-0001", wrong, "2016-09-05"), "admin")
    seeded.ok(CORRECT.format("JH-0001", paired, "2016-09-05"), "admin")

    seeded.ok(f"household pair JH-0005 e-1 {doc('2016-08-11')}", JN)
    assert seeded("projections check", "admin").exit_code == 0
    assert seeded("verify", "admin").exit_code == 0


def test_a_chain_of_replacements_voided_in_reverse_leaves_every_enterprise_free(
    seeded: Fupin,
) -> None:
    _helpers(seeded, "e-2", "e-3")
    with _opened(seeded.store) as app:
        register(app, "JH-0005", serial=5)
        register(app, "JH-0006", serial=6)
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-11')}", JN)
    paired = _versions(seeded, "HelperPaired")[-1]
    first = _unpair(seeded, "e-1", "e-2", "2016-09-01")
    second = _unpair(seeded, "e-2", "e-3", "2016-10-01")
    seeded.ok(CORRECT.format("JH-0001", second, "2016-10-02"), "admin")
    seeded.ok(CORRECT.format("JH-0001", first, "2016-10-02"), "admin")
    seeded.ok(CORRECT.format("JH-0001", paired, "2016-10-03"), "admin")

    # None of them ever paired JH-0001: each pairs another household from any day.
    seeded.ok(f"household pair JH-0005 e-1 {doc('2016-08-20')}", JN)
    seeded.ok(f"household pair JH-0006 e-2 {doc('2016-08-20')}", JN)
    seeded.ok(f"household pair JH-0001 e-3 {doc('2016-10-05')}", JN)
    assert seeded("projections check", "admin").exit_code == 0
    assert seeded("verify", "admin").exit_code == 0


def test_a_real_unpairing_after_a_voided_one_hands_the_enterprise_over_on_its_day(
    tmp_path: Path,
) -> None:
    with ledger_at(tmp_path / "l.db") as app:
        app.register_helper(stamp(JN, date(2016, 7, 28)), "e-2", "cooperative", "合作社")
        app.register_helper(stamp(JN, date(2016, 7, 28)), "e-3", "cooperative", "合作社三")
        register(app, "JH-1")
        register(app, "JH-2", serial=2)
        app.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "e-1")
        app.unpair(stamp(JN, date(2016, 9, 1)), "JH-1", "e-1", "调岗", "e-2")  # typed wrong
        wrong = app.household("JH-1").version
        app.correct(stamp("admin", date(2016, 9, 5)), "household", "JH-1", wrong, "录错")
        app.unpair(stamp(JN, date(2016, 8, 20)), "JH-1", "e-1", "调岗", "e-3")  # the real one

        app.pair(stamp(JN, date(2016, 8, 25)), "JH-2", "e-1")

        assert app.household("JH-2").helpers == {"e-1": "enterprise"}


def _forge_on(path: Path, uid: str, topic: str, actor: str, role: str, **fields: object) -> None:
    """An event of record ``uid`` under ``topic``, inserted into the file by hand."""
    _forge(path, topic, "2016-09-12", uid=uid, actor=actor, role=role, **fields)


def test_verify_reports_an_enterprises_pairing_taken_by_a_correction(tmp_path: Path) -> None:
    # Reviewer, session 21: with ``correct`` among PairingTaken's commands, one forged by
    # anyone who may correct passed; a voided unpairing's side is PairingRetaken.
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        app.register_helper(stamp(JN, date(2016, 7, 28)), "e-2", "cooperative", "合作社")
        register(app, "JH-1")
    _forge_on(
        path,
        EnterprisePairings.create_id("e-2").hex,
        "ledger.helpers:EnterprisePairings.PairingTaken",
        "insp-1",
        "inspector",
        household="JH-1",
        since={"__date__": "2016-09-12"},
    )

    assert [reason for _, reason in _problems(path)] == [
        "insp-1 is inspector; PairingTaken needs admin or officer"
    ]


def test_a_cadre_paired_from_a_day_three_others_were_in_force_is_refused(seeded: Fupin) -> None:
    # Tester K, session 21: after the exit c-3 was unpaired on 2017-02-01; c-4 paired from
    # 2017-01-15 was accepted, four cadres at once while c-1, c-2 and c-3 were in force.
    _helpers(seeded, "c-3", "c-4")
    _exited_with(seeded, "c-1", "c-2", "c-3")
    _unpair(seeded, "c-3", "", "2017-02-01", "JH-1")
    before = seeded.event_count()

    assert_refused(
        seeded(f"household pair JH-1 c-4 {doc('2017-01-15')}", JN),
        "helper",
        "the household already has 3 cadre helper(s) in force on 2017-01-15 (c-1, c-2, c-3), "
        "the most it may have",
    )
    assert seeded.event_count() == before


def test_a_place_counts_the_helpers_in_force_on_one_day_not_all_since(seeded: Fupin) -> None:
    # c-2 handed over to c-3 on 2016-09-01: never three cadres at once, so c-5 from 08-20 is
    # paired; then c-4 from 08-25 would make four (c-1, c-2, c-5 and it).
    _helpers(seeded, "c-3", "c-4", "c-5")
    seeded.ok(f"household pair JH-0001 c-2 {doc('2016-08-11')}", JN)
    _unpair(seeded, "c-2", "c-3", "2016-09-01")
    seeded.ok(f"household pair JH-0001 c-5 {doc('2016-08-20')}", JN)

    assert_refused(
        seeded(f"household pair JH-0001 c-4 {doc('2016-08-25')}", JN),
        "helper",
        "the household already has 3 cadre helper(s) in force on 2016-08-25 (c-1, c-2, c-5)",
    )


def test_verify_reports_a_voided_unpairing_saved_without_its_enterprises_sides(
    tmp_path: Path,
) -> None:
    # Reviewer, session 21: a Corrected written by hand without them passed, and e-1 then
    # paired JH-2 while JH-1 held it again.
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        app.register_helper(stamp(JN, date(2016, 7, 28)), "e-2", "cooperative", "合作社")
        register(app, "JH-1")
        app.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "e-1")
        app.unpair(stamp(JN, date(2016, 9, 1)), "JH-1", "e-1", "调岗", "e-2")
        unpairing = app.household("JH-1").version
    _forge(path, "Corrected", "2016-09-12", corrects=unpairing, reason="录错人")

    assert _problems(path) == [
        (
            _last_position(path),
            f"it voids entry {unpairing}, e-1's unpairing from JH-1, without the PairingRetaken "
            "of JH-1 on e-1's record of its pairings saved with it: the enterprise's pairings "
            "and the household's disagree",
        )
    ]


def test_verify_reports_a_voided_unpairing_saved_without_the_replacements_side(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.db"
    with ledger_at(path) as app:
        app.register_helper(stamp(JN, date(2016, 7, 28)), "e-2", "cooperative", "合作社")
        register(app, "JH-1")
        app.pair(stamp(JN, date(2016, 8, 11)), "JH-1", "e-1")
        app.unpair(stamp(JN, date(2016, 9, 1)), "JH-1", "e-1", "调岗", "e-2")
        unpairing = app.household("JH-1").version
    _forge(path, "Corrected", "2016-09-12", corrects=unpairing, reason="录错人")
    corrected = _last_position(path)
    _forge_on(
        path,
        EnterprisePairings.create_id("e-1").hex,
        "ledger.helpers:EnterprisePairings.PairingRetaken",
        "qu-01",
        "officer",
        household="JH-1",
        since={"__date__": "2016-08-11"},
        until={"__date__": "2016-09-01"},
    )

    assert _problems(path) == [
        (
            corrected,
            f"it voids entry {unpairing}, e-1's unpairing from JH-1, without the PairingReleased "
            "of JH-1 on e-2's record of its pairings saved with it: the enterprise's pairings "
            "and the household's disagree",
        )
    ]


def test_verify_takes_a_voided_unpairing_saved_as_the_sessions_first_commit_saved_it(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a reviewer, session 21: d7c5a38 took the enterprise's pairing again as a PairingTaken
    # from its first day; the PairingRetaken that replaced it made verify fail such ledgers
    _helpers(seeded, "e-2")
    seeded.ok(f"household pair JH-0001 e-1 {doc('2016-08-11')}", JN)
    wrong = _unpair(seeded, "e-1", "e-2", "2016-09-01")

    def as_then(
        self: EnterprisePairings, household: str, since: date, until: date, prov: object
    ) -> None:
        self._pairing_taken(household, since, prov)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(EnterprisePairings, "retake_pairing", as_then)
        seeded.ok(CORRECT.format("JH-0001", wrong, "2016-09-06"), JN)

    assert seeded("verify", "admin").exit_code == 0
