"""Session 24 (the district's personal-information protection officer, on a copy of the demo):
erasure of a household's personal data.

- An erasure dated before personal data recorded later was taken: the history said the data
  was erased in 2017, then new personal data came in 2018. It is refused on ``effective``.
"""

from __future__ import annotations

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ERASE = "erase JH-0002 --reason 本人申请 -d 删除申请2"


def _members_with_personal_data(fupin: Fupin, effective: str) -> None:
    fupin.ok(
        f"household members JH-0002 --members 2 --head-name 张三 --id-card {id_card(2)} "
        f"--note 成员死亡 {doc(effective)}",
        "jn-01",
    )


def test_an_erasure_dated_before_personal_data_recorded_later_is_refused(seeded: Fupin) -> None:
    _members_with_personal_data(seeded, "2018-06-01")
    before = seeded.event_count()

    refused = seeded(f"{ERASE} -e 2017-01-01", "admin")

    assert_refused(refused, "effective", "before personal data of JH-0002 recorded on 2018-06-01")
    assert "date it on or after that" in refused.stderr
    assert seeded.event_count() == before
    seeded.ok(f"{ERASE} -e 2018-06-01", "admin")
