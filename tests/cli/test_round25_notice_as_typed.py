"""Session 25, the inspector: the public notice list 公示名单 keeps a household's village and
area as they were when the notice was posted, though ``household amend --village/--area`` holds
from the start everywhere else. Kept on purpose (a notice list reproduces what was posted on
the board), and pinned here; docs/privacy.md "Public notice lists" and docs/cli.md say why."""

from __future__ import annotations

import orjson

from tests.cli.conftest import Fupin, doc

STORE_INDEPENDENT = "the list's own reading: SQLite is enough (tests/conftest.py)"


def test_an_amended_village_and_area_leave_a_posted_notice_as_posted(seeded: Fupin) -> None:
    amend = "household amend JH-0004 --village 江南社区 --area urban --reason 村录错 "
    seeded.ok(amend + doc("2016-08-10"), "jn-01")

    listed = seeded.ok("notice --street 江南 --from 2016-08-01 --to 2016-08-31", "jn-01").stdout
    shown = orjson.loads(seeded.ok("household show JH-0004 --format json", "jn-01").stdout)

    row = next(line for line in listed.splitlines() if "JH-0004" in line)
    assert row.startswith("江南,雄光,JH-0004,")
    assert ",rural," in row
    assert shown["household"]["village"] == "江南社区"
    assert shown["household"]["area"] == "urban"
