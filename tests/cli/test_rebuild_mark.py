"""``fupin projections rebuild`` says truly what it rebuilt from.

Of two rebuilds at once on PostgreSQL, the one whose pages the other had applied printed
"read models rebuilt from 0 events", exit 0. It now says how many events the read models
hold and how many another process applied meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import closing

import pytest
from ledger.application import open_ledger
from projections import api, catchup, engine

from tests.cli.conftest import Fupin


def test_the_message_names_what_another_process_applied() -> None:
    from cli.projections_cmds import rebuilt_message

    assert rebuilt_message(40, 40) == "read models rebuilt from 40 events"
    assert rebuilt_message(0, 0) == "read models rebuilt from 0 events"
    assert rebuilt_message(0, 40).startswith(
        "read models rebuilt from 40 events, all applied by another process meanwhile"
    )
    assert rebuilt_message(15, 40).startswith(
        "read models rebuilt from 40 events: 15 applied by this rebuild, 25 by another process"
    )


@pytest.mark.parametrize("after", [0, 2], ids=["before-its-first-page", "after-two-pages"])
def test_a_rebuild_another_process_helped_says_so(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    first = seeded.ok("projections rebuild").stdout.strip()
    total = int(first.removeprefix("read models rebuilt from ").removesuffix(" events"))
    assert total > 15
    real = engine.pages
    done: list[bool] = []

    def other_catch_up() -> None:  # another process, between the rebuild's transactions
        with closing(open_ledger(seeded.store)) as other:
            api.catch_up(other)

    def paged(stream: Iterable[engine.Fact], size: int = 0) -> Iterator[Iterator[engine.Fact]]:
        for number, page in enumerate(real(stream, size), 1):
            if number == after + 1 and not done:
                done.append(True)
                other_catch_up()
            yield page

    monkeypatch.setattr(engine, "PAGE", 5)
    monkeypatch.setattr(catchup, "REBUILD_PAGES", 1)
    monkeypatch.setattr("projections.catchup.pages", paged)

    result = seeded.ok("projections rebuild")

    line = result.stdout.strip()
    assert done
    assert "\n" not in line
    if after == 0:
        assert line.startswith(f"read models rebuilt from {total} events, all applied by another")
    else:
        assert line.startswith(f"read models rebuilt from {total} events: 10 applied by this ")
        assert f", {total - 10} by another process meanwhile" in line
    status = seeded.ok("projections status --format json")
    assert '"behind": 0' in status.stdout
    assert '"behind": 1' not in status.stdout


def test_a_rebuild_alone_says_it_rebuilt_from_every_event(seeded: Fupin) -> None:
    with closing(open_ledger(seeded.store)) as ledger:
        total = int(ledger.recorder.max_notification_id() or 0)

    result = seeded.ok("projections rebuild")

    assert result.stdout.strip() == f"read models rebuilt from {total} events"
