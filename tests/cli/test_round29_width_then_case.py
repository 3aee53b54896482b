"""Brief a, session 30: a key not found is hinted as it is on record. ``correct household
jh-0001`` names 'JH-0001' (so since session 22); one typed full-width, or with a look-alike
dash, whose plain form is on record in the other case was hinted its plain form, on record in
no case (``ｊｈ-0001`` told ``'jh-0001'?``, ``ＪＮ-01`` told ``'JN-01'?``): the width is said
first, then the case, and the key hinted is the one on record."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Fupin, assert_refused

WIDTH = "it holds spaces, invisible or full-width characters"
CASE = "and letters in the other case"


@pytest.mark.parametrize(
    ("line", "field", "said"),
    [
        ("correct household jh-0001 1", "key", "no household 'jh-0001' on record ('JH-0001'?)"),
        ("correct household ＪＨ-0001 1", "key", f"'ＪＨ-0001' on record ({WIDTH}: 'JH-0001'?)"),
        (
            "correct household ｊｈ-0001 1",
            "key",
            f"no household 'ｊｈ-0001' on record ({WIDTH}, {CASE}: 'JH-0001'?)",
        ),
        (
            "correct household ｊｈ－０００１ 1",
            "key",
            f"no household 'ｊｈ－０００１' on record ({WIDTH}, {CASE}: 'JH-0001'?)",
        ),
        (
            "correct household jh－0001 1",
            "key",
            f"(it holds U+FF0D FULLWIDTH HYPHEN-MINUS, a look-alike character, {CASE}: 'JH-0001'?)",
        ),
        (
            "correct officer ＪＮ-01 1",
            "key",
            f"no officer 'ＪＮ-01' on record ({WIDTH}, {CASE}: 'jn-01'?)",
        ),
        ("household show ｊｈ-0001", "household", f"({WIDTH}, {CASE}: 'JH-0001'?)"),
    ],
)
def test_a_key_not_found_is_hinted_as_on_record_width_first(
    seeded: Fupin, line: str, field: str, said: str
) -> None:
    before = seeded.event_count()

    result = seeded(f"{line} --reason 录错 -d D" if line.startswith("correct") else line, "admin")

    assert_refused(result, field, said)
    assert seeded.event_count() == before


def test_an_actor_typed_full_width_in_capitals_is_hinted_as_on_record(seeded: Fupin) -> None:
    result = seeded("household show JH-0001", "ＡＤＭＩＮ")

    assert_refused(
        result, "as", f"'ＡＤＭＩＮ' is not a registered officer ({WIDTH}, {CASE}: 'admin'?)"
    )
