"""Keys that only look like others: dashes and minus signs that are not the ASCII hyphen-minus,
invisible format characters, compatibility forms (full-width low line...) and decomposed
letters (``Café`` typed as ``Cafe`` + a combining accent). Each would be another household,
street, measure... that looks the same; spreadsheets turn ``-`` into ``–`` on their own
(auto-correct), so they arrive by import too. A new key is refused naming the character and
the plain form; a key on record before the rule is still found as it is.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from ledger.application import Ledger
from ledger.base import check_new_key, lookalikes, typed_hint
from ledger.casework import Identification
from ledger.errors import AlreadyExistsError, InputError, NotFoundError
from ledger.helpers import Helper
from ledger.household import Household, Measure, Personal
from ledger.imports import Row, import_rows
from ledger.inspections import Inspection
from ledger.places import Street

from tests.support import id_card, refuses, register, stamp
from tests.unit.test_household import under_notice

JN = "jn-01"
INSP = "insp-1"
LATER = date(2016, 11, 1)


def facts(number: str) -> Identification:
    return Identification(
        number, "江南", "雄光", "rural", 1, True, True, False, True, Personal("户主", id_card(9))
    )


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        (
            "JH\u20130001",
            "'JH–0001' holds U+2013 EN DASH, which only looks like the hyphen-minus '-'; "
            "a household key uses '-' ('JH-0001'?)",
        ),
        (
            "JH\u22120001",
            "'JH−0001' holds U+2212 MINUS SIGN, which only looks like the hyphen-minus '-'; "
            "a household key uses '-' ('JH-0001'?)",
        ),
        (
            "JH\u20100001",
            "'JH‐0001' holds U+2010 HYPHEN, which only looks like the hyphen-minus '-'; "
            "a household key uses '-' ('JH-0001'?)",
        ),
        (
            "JH\uff3f0001",
            "'JH＿0001' holds U+FF3F FULLWIDTH LOW LINE, another form of '_'; "
            "a household key is typed in its plain form ('JH_0001'?)",
        ),
        (
            "JH-0001\u2066",
            "'JH-0001\\u2066' holds a space or an invisible character; "
            "a household key has none ('JH-0001'?)",
        ),
    ],
)
def test_a_household_number_with_a_look_alike_character_is_refused(
    ledger: Ledger, number: str, rule: str
) -> None:
    error = refuses(
        ledger, InputError, "household", lambda: ledger.identify(stamp(JN), facts(number))
    )

    assert error.rule == rule
    assert not ledger.exists(Household, number)


def test_every_dash_but_the_hyphen_minus_and_every_format_character_is_refused() -> None:
    # Unicode's dash punctuation (Pd) and format characters (Cf), all of them: a rule that
    # lists some would let the next one through.
    odd = [
        chr(code)
        for code in range(0x80, 0x110000)
        if unicodedata.category(chr(code)) in ("Pd", "Cf")
    ]
    assert len(odd) > 100
    for char in odd:
        with pytest.raises(InputError) as refused:
            check_new_key("household", f"JH{char}0001")
        assert refused.value.field == "household"
        assert f"U+{ord(char):04X}" in refused.value.rule or "invisible" in refused.value.rule


@pytest.mark.parametrize(
    "key",
    ["雄光村（社区）", "江南（新）", "JN（2016）1", "①队", "㈠组", "a·b", "〔2016〕"],
)
def test_keys_typed_with_chinese_punctuation_and_numerals_pass(key: str) -> None:
    # NFKC rewrites the full-width punctuation Chinese is typed with: 雄光村（社区） is how
    # the plan writes a village, and its plain '(' would be another key that looks the same.
    for kind in ("village", "street", "household", "measure"):
        check_new_key(kind, key)
    assert typed_hint(key) == ""


def test_a_village_typed_with_full_width_brackets_is_recorded(ledger: Ledger) -> None:
    ledger.add_village(stamp(), "江南", "雄光村（社区）", False)

    street = ledger.get_by_id(Street.create_id("江南"))
    assert isinstance(street, Street)
    assert "雄光村（社区）" in street.villages


def test_a_plain_key_passes() -> None:
    for key in ("JH-0001", "c_1", "江南", "雄光", "DC-2016-1", "m.1/2", "雄光〇组"):
        check_new_key("household", key)


def test_a_street_typed_decomposed_is_refused(ledger: Ledger) -> None:
    composed = unicodedata.normalize("NFC", "Caf\u00e9")
    decomposed = unicodedata.normalize("NFD", "Caf\u00e9")

    error = refuses(
        ledger, InputError, "street", lambda: ledger.register_street(stamp(), decomposed)
    )

    assert error.rule == (
        f"{decomposed!r} holds U+0301 COMBINING ACUTE ACCENT apart from the letter before it; "
        f"a street key is typed in its composed form ({composed!r}?)"
    )
    assert not ledger.exists(Street, decomposed)


@pytest.mark.parametrize(
    ("key", "held"),
    [
        ("\u0430dmin", "U+0430 CYRILLIC SMALL LETTER A"),
        ("JN-0\u041e0001", "U+041E CYRILLIC CAPITAL LETTER O"),
        ("JN-\u039f\u039f0001", "U+039F GREEK CAPITAL LETTER OMICRON"),
        ("JN-\u0660\u0660\u0660001", "U+0660 ARABIC-INDIC DIGIT ZERO"),
        ("Caf\u00e9", "U+00E9 LATIN SMALL LETTER E WITH ACUTE"),
        ("\u2460\u0430dmin", "U+0430 CYRILLIC SMALL LETTER A"),
        ("admi\u0307n", "U+0307 COMBINING DOT ABOVE"),
        ("JN\u2500000001", "U+2500 BOX DRAWINGS LIGHT HORIZONTAL"),
        ("JN-\u25cb00001", "U+25CB WHITE CIRCLE"),
        ("JN-\u05c000001", "U+05C0 HEBREW PUNCTUATION PASEQ"),
        ("JN-\ue000", "U+E000 UNNAMED"),
        ("JN-\ufffd", "U+FFFD REPLACEMENT CHARACTER"),
    ],
    ids=[
        *("Cyrillic a", "Cyrillic O", "Greek O", "Arabic-Indic digits", "accent", "after ①"),
        *("combining dot", "box drawing", "white circle", "Hebrew paseq", "private use", "FFFD"),
    ],
)
def test_a_character_of_another_script_is_refused(key: str, held: str) -> None:
    # Tester A, session 26: 'admin' with a Cyrillic a (U+0430) was registered beside admin and
    # recorded as it; JN-000001 with a Cyrillic O beside JN-000001. Only ASCII letters and
    # digits and Chinese characters; an accented Latin letter too (no key is written so). Its
    # re-test J: a combining dot on i (admi + U+0307 + n beside admin), a box-drawing line for
    # the hyphen, a white circle for 0 and a right-to-left Hebrew paseq for l passed.
    for kind in ("officer", "household", "helper", "fund", "street", "inspection", "village"):
        with pytest.raises(InputError) as refused:
            check_new_key(kind, key)
        said = refused.value.rule
        assert said.startswith(f"{key!r} holds {held}, which may look like another character")
        assert said.endswith(
            " key is written in ASCII letters, digits and punctuation and Chinese characters, "
            "punctuation and numbering"
        )
    assert typed_hint(key) == f" (it holds {held}, a character new keys are not written in)"


def test_an_officer_with_a_cyrillic_letter_is_not_registered(ledger: Ledger) -> None:
    error = refuses(
        ledger,
        InputError,
        "officer",
        lambda: ledger.register_officer(stamp(), "\u0430dmin", "x", "admin", "", ""),
    )

    assert "U+0430 CYRILLIC SMALL LETTER A" in error.rule


def test_a_village_with_a_look_alike_dash_is_refused(ledger: Ledger) -> None:
    error = refuses(
        ledger,
        InputError,
        "village",
        lambda: ledger.add_village(stamp(), "江南", "雄光\u2014二", False),
    )

    assert "U+2014 EM DASH" in error.rule
    assert "('雄光-二'?)" in error.rule


@pytest.mark.parametrize("measure", ["m-1\u200b", "ｍ－１", "m\u20131", "m 1", "m\u00ad1"])
def test_a_measure_id_is_checked_like_a_key(ledger: Ledger, measure: str) -> None:
    register(ledger, "JH-1")
    ledger.plan_measure(stamp(JN, LATER), "JH-1", "m-1", "education", "学费")

    refuses(
        ledger,
        InputError,
        "measure",
        lambda: ledger.plan_measure(stamp(JN, LATER), "JH-1", measure, "education", "学费"),
    )

    assert list(ledger.household("JH-1").measures) == ["m-1"]


def test_a_full_width_measure_id_is_said_how_to_type(ledger: Ledger) -> None:
    register(ledger, "JH-1")

    error = refuses(
        ledger,
        InputError,
        "measure",
        lambda: ledger.plan_measure(stamp(JN, LATER), "JH-1", "ｍ－１", "education", "学费"),
    )

    assert (
        error.rule
        == "'ｍ－１' has full-width letters or digits; a measure key is half-width ('m-1')"
    )


@pytest.mark.parametrize("objection", ["o-1\u200b", "ｏ１", "o\u20121"])
def test_an_objection_id_is_checked_like_a_key(ledger: Ledger, objection: str) -> None:
    under_notice(ledger, "JH-1")

    refuses(
        ledger,
        InputError,
        "objection",
        lambda: ledger.raise_objection(stamp(JN, date(2016, 8, 4)), "JH-1", objection, "有车"),
    )


@pytest.mark.parametrize("finding", ["f-1\ufeff", "ｆ1", "f\u22121"])
def test_a_finding_id_is_checked_like_a_key(ledger: Ledger, finding: str) -> None:
    ledger.open_inspection(stamp(INSP, date(2016, 12, 1)), "DC-1", "district", 2016)

    refuses(
        ledger,
        InputError,
        "finding",
        lambda: ledger.record_finding(
            stamp(INSP, date(2016, 12, 2)),
            "DC-1",
            finding,
            "village",
            "雄光",
            "台账不全",
            date(2017, 1, 31),
        ),
    )


def test_sub_keys_recorded_before_the_rule_are_still_reachable(ledger: Ledger) -> None:
    # Recorded by an older fupin (through the aggregates, as it then was): the measure is
    # completed and the finding rectified under the keys they were recorded with.
    register(ledger, "JH-1")
    household = ledger.household("JH-1")
    prov = ledger.authorise(stamp(JN, LATER), "plan_measure", household.street)
    household.plan_measure(Measure("m\u20131", "education", "学费", 0), prov)
    ledger.save(household)
    ledger.open_inspection(stamp(INSP, date(2016, 12, 1)), "DC-1", "district", 2016)
    inspection = ledger.load(Inspection, "DC-1", "inspection")
    found = ledger.authorise(stamp(INSP, date(2016, 12, 2)), "record_finding", "")
    inspection.record_finding("ｆ1", "village", "雄光", "台账不全", date(2017, 1, 31), found)
    ledger.save(inspection)

    ledger.complete_measure(stamp(JN, LATER), "JH-1", "m\u20131", "已完成")
    ledger.report_rectification(stamp("qu-01", date(2017, 1, 20), "补录"), "DC-1", "ｆ1", "已整改")

    assert "m\u20131" in ledger.household("JH-1").completed
    assert "ｆ1" in ledger.load(Inspection, "DC-1", "inspection").rectified


def test_a_household_looked_up_with_an_en_dash_is_said_how_to_type_it(ledger: Ledger) -> None:
    error = refuses(ledger, NotFoundError, "household", lambda: ledger.household("JH\u20139"))

    assert error.rule == (
        "no household 'JH–9' on record (it holds U+2013 EN DASH, a look-alike character: 'JH-9'?)"
    )
    assert typed_hint("JH-9") == ""


def test_a_helper_name_is_recorded_composed(ledger: Ledger) -> None:
    decomposed = unicodedata.normalize("NFD", "José")
    ledger.register_helper(stamp(), "c-9", "cadre", decomposed, rank="section")

    assert ledger.load(Helper, "c-9", "helper").name == unicodedata.normalize("NFC", "José")


def test_an_imported_row_with_an_auto_corrected_dash_is_refused(ledger: Ledger) -> None:
    # Excel and WPS turn "m-1" into "m–1" as it is typed: the row is refused, nothing written.
    register(ledger, "JH-1")
    before = ledger.event_count()
    row = Row(
        "measures.xlsx row 2",
        "plan_measure",
        {
            "ref": "m-JH-1",
            "actor": JN,
            "effective": "2016-11-01",
            "document": "一户一策",
            "household": "JH-1",
            "measure": "m\u20131",
            "category": "education",
            "description": "学费",
            "budget": "0",
        },
    )

    result = import_rows(ledger, [row], source="measures.xlsx", digest="d")

    assert [(e.column, e.rule) for e in result.errors] == [
        (
            "measure",
            "'m–1' holds U+2013 EN DASH, which only looks like the hyphen-minus '-'; "
            "a measure key uses '-' ('m-1'?)",
        )
    ]
    assert ledger.event_count() == before


@pytest.mark.parametrize(
    ("first", "second"),
    [("雄光村（社区）", "雄光村(社区)"), ("雄光村(社区)", "雄光村（社区）")],
    ids=["full-width on record", "half-width on record"],
)
def test_a_village_differing_only_in_punctuation_width_is_refused(
    ledger: Ledger, first: str, second: str
) -> None:
    ledger.add_village(stamp(), "江南", first, False)

    refused = refuses(
        ledger,
        AlreadyExistsError,
        "village",
        lambda: ledger.add_village(stamp(), "江南", second, False),
    )

    assert f"{second!r} looks the same as {first!r}, a village of 江南" in str(refused)


def test_a_household_differing_only_in_punctuation_width_is_refused(ledger: Ledger) -> None:
    ledger.identify(stamp(JN), facts("JN（2016）1"))

    refused = refuses(
        ledger,
        AlreadyExistsError,
        "household",
        lambda: ledger.identify(stamp(JN), facts("JN(2016)1")),
    )

    assert "'JN(2016)1' looks the same as 'JN（2016）1', on record" in str(refused)


@pytest.mark.parametrize("key", ["ⅩⅬ-0001", "JN-990001\u2800"], ids=["Roman numerals", "Braille"])
def test_roman_numerals_and_the_braille_blank_are_refused(key: str) -> None:
    with pytest.raises(InputError):
        check_new_key("household", key)


def test_a_key_mixing_half_and_full_width_punctuation_is_refused() -> None:
    # Its twins in one width would not be found as look-alikes of it (review).
    with pytest.raises(InputError, match="mixes half-width '\\)' and full-width '（'"):
        check_new_key("village", "雄光村（社区)")


def test_enclosed_numbers_have_no_punctuation_twin() -> None:
    assert lookalikes("第①组") == set()
    assert lookalikes("雄光村（社区）") == {"雄光村(社区)"}


@pytest.mark.parametrize(
    ("key", "held", "plain"),
    [
        ("JN-\u300700001", "U+3007 IDEOGRAPHIC NUMBER ZERO", "JN-000001"),
        ("JN\u4e00000001", "U+4E00 CJK UNIFIED IDEOGRAPH-4E00", "JN-000001"),
        ("adm\u4e28n", "U+4E28 CJK UNIFIED IDEOGRAPH-4E28", "admln"),
    ],
    ids=["ideographic zero", "yi", "gun"],
)
def test_a_chinese_twin_of_an_ascii_character_beside_ascii_is_refused(
    key: str, held: str, plain: str
) -> None:
    # The code reviewer, session 26: 〇 for 0, 一 for -, 丨 for l made households that look like
    # JN-000001; among Chinese characters they are what they are.
    with pytest.raises(InputError) as refused:
        check_new_key("household", key)
    assert refused.value.rule == (
        f"{key!r} holds {held} beside ASCII letters or digits, where it looks like "
        f"{plain[key.index(next(c for c in key if not c.isascii()))]!r}; a household key "
        f"written in ASCII is ASCII throughout ({plain!r}?)"
    )


@pytest.mark.parametrize("key", ["雄光〇组", "一组", "新一村3组", "第一村"])
def test_a_chinese_twin_among_chinese_characters_passes(key: str) -> None:
    check_new_key("village", key)


def test_a_key_holding_a_backslash_is_refused() -> None:
    # Security re-test U2, session 26: on a GBK terminal a village typed '\u4dae村' (a
    # backslash, a u and four digits) read exactly as 䶮村 escaped, a second village alike.
    key = "\\u4dae村"
    with pytest.raises(InputError) as refused:
        check_new_key("village", key)
    assert refused.value.rule == (
        f"{key!r} holds a backslash '\\', which a terminal that cannot show a character "
        "writes it with (\\u4dae for 䶮): a village key has none"
    )
    assert typed_hint(key) == " (it holds a backslash, which new keys are not written with)"
