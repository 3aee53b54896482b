"""Session 31 (after docs checker T, session 30): a refusal that sends the officer to ``fupin
correct`` quotes the command with ``--reason …``, which ``fupin correct`` requires: about
twenty older hints quoted ``fupin correct KIND KEY N`` alone, and typed as shown typer failed
with "Missing option '--reason'". Here each kind's hint (a fund's, an inspection's, a
helper's, an officer's, a household's) is followed as the officer reads it, the reason filled
in (and ``-d``, which every recording command takes), and the refused step then goes through."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.cli.test_round14_void_oversight import FIND, OPEN
from tests.cli.test_round16_money_twice import ALLOCATE

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

#: The command a refusal quotes, ``fupin`` and ``--reason …`` left out.
_HINT = re.compile(r"fupin (correct \w+ \S+ \d+) --reason …")

_MOVE = "household move JH-0001 --village 江南社区 --reason 搬迁 "

#: Each kind's case: (the lines recorded first, by whom), the line refused then, by whom, its
#: field and the rule it names, and the command the rule quotes (``fupin`` and ``--reason …``
#: left out).
_CASES = {
    "fund": (
        [(ALLOCATE, "qu-01")],  # entry 3, typed in twice: the first one is voided
        (ALLOCATE, "qu-01"),
        ("document", "a wrong one is corrected (fupin correct fund city-2016 3 --reason …)"),
        "correct fund city-2016 3",
    ),
    "inspection": (
        [
            (OPEN, "insp-1"),
            (FIND.format("f-1", "2017-01-31") + doc("2016-12-12"), "insp-1"),
            (
                "inspection rectify DC-2016 f-1 --summary 已整改 --note 补录 " + doc("2017-01-20"),
                "jn-01",
            ),  # entry 3
            (f"inspection close DC-2016 f-1 {doc('2017-01-25')}", "insp-1"),  # entry 4
        ],
        (f"correct inspection DC-2016 3 --reason 录入错误 {doc('2017-02-10')}", "insp-1"),
        ("version", "void the close first (fupin correct inspection DC-2016 4 --reason …)"),
        "correct inspection DC-2016 4",
    ),
    "helper": (
        [
            (f"helper employ e-1 JH-0001 --since 2016-09-01 {doc('2016-09-01')}", "jn-01"),
            (f"helper end-employment e-1 JH-0001 {doc('2016-11-01')}", "jn-01"),  # entry 3
            (f"helper employ e-1 JH-0001 --since 2016-11-20 {doc('2016-11-20')}", "jn-01"),
        ],
        (f"correct helper e-1 3 --reason 误录离职 {doc('2016-12-01')}", "jn-01"),
        ("version", "correct that employment first (fupin correct helper e-1 4 --reason …)"),
        "correct helper e-1 4",
    ),
    "officer": (
        [
            (f"officer change ll-01 --role officer --street 江南 {doc('2018-06-01')}", "admin"),
            (f"officer retire ll-01 --reason 调离 {doc('2018-06-02')}", "admin"),  # entry 3
        ],
        (f"correct officer ll-01 2 --reason 录错调岗 {doc('2018-06-03')}", "admin"),
        ("version", "only once the retirement is (fupin correct officer ll-01 3 --reason …)"),
        "correct officer ll-01 3",
    ),
    "household": (
        [(_MOVE + doc("2017-06-01"), "jn-01")],  # entry 8, meant 2017-05-01
        (_MOVE + doc("2017-05-01"), "jn-01"),
        ("effective", "voided first: fupin correct household JH-0001 8 --reason …)"),
        "correct household JH-0001 8",
    ),
}


@pytest.mark.parametrize("kind", sorted(_CASES))
def test_a_hint_to_correct_is_followed_as_shown(seeded: Fupin, kind: str) -> None:
    """The line refused on its rule, nothing written; then the ``fupin correct`` command the
    refusal quotes, run as shown with its reason filled in (and ``-d``; dated today),
    accepted; then the line again, accepted."""
    recorded, (line, actor), (field, rule), quoted = _CASES[kind]
    for first, by in recorded:
        seeded.ok(first, by)
    before = seeded.event_count()

    refused = seeded(line, actor)

    assert_refused(refused, field, rule)
    assert seeded.event_count() == before
    found = _HINT.search(" ".join(refused.stderr.split()))
    assert found is not None, refused.stderr
    assert found[1] == quoted
    seeded.ok(f"{found[1]} --reason 录入错误 -d 更正说明1号", actor)
    seeded.ok(line, actor)
