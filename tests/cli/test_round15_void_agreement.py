"""Round 15: an assistance agreement 扶贫协议 recorded in error (twice, or for the wrong
household) could not be corrected: the accountability report took it for the household's, and
a pairing it was signed under could never be voided. It is now voided with ``fupin correct
household NUMBER VERSION``: the household's agreement is the one recorded last of those left."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

AGREE = "household agree JH-0001 " + doc("{}")


def _agreements(fupin: Fupin) -> list[int]:
    history = orjson.loads(fupin.ok("history JH-0001 --format json", "admin").stdout)
    return [int(row["version"]) for row in history if row["event"] == "AgreementSigned"]


def _agreement_on(fupin: Fupin) -> object:
    sql = "SELECT agreement_on FROM pj_households WHERE number = 'JH-0001'"
    found = orjson.loads(fupin.ok(f'query "{sql}" --format json').stdout)
    return found["rows"][0][0]


def _void(fupin: Fupin, version: int) -> None:
    fupin.ok(f"correct household JH-0001 {version} --reason 重复录入 {doc('2016-08-25')}", "jn-01")


def test_an_agreement_recorded_in_error_is_voided(seeded: Fupin) -> None:
    seeded.ok(AGREE.format("2016-08-20"), "jn-01")
    seeded.ok(AGREE.format("2016-08-22"), "jn-01")  # the same agreement, typed again
    first, second = _agreements(seeded)
    assert _agreement_on(seeded) == "2016-08-22"

    _void(seeded, second)

    assert _agreement_on(seeded) == "2016-08-20"
    _void(seeded, first)
    assert _agreement_on(seeded) is None
    rows = seeded.ok("query 'SELECT COUNT(*) FROM pj_agreements' --format json").stdout
    assert orjson.loads(rows)["rows"] == [[0]]
    assert seeded("projections check", "admin").exit_code == 0
    assert seeded("verify", "admin").exit_code == 0


def test_a_pairing_an_agreement_rested_on_is_voided_once_the_agreement_is(seeded: Fupin) -> None:
    seeded.ok(AGREE.format("2016-08-20"), "jn-01")
    history = orjson.loads(seeded.ok("history JH-0001 --format json", "admin").stdout)
    pairing = next(int(row["version"]) for row in history if row["event"] == "HelperPaired")
    void_pairing = f"correct household JH-0001 {pairing} --reason 帮扶人录错 {doc('2016-08-25')}"

    assert_refused(seeded(void_pairing, "jn-01"), "version", "the agreement of 2016-08-20 rests")
    _void(seeded, _agreements(seeded)[0])
    seeded.ok(void_pairing, "jn-01")
