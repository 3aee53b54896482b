"""Parsing what officers type: yuan into integer fen, ISO dates and timestamps, ID-card numbers."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from ledger.commands import Arg, parse_value
from ledger.errors import InputError
from ledger.values import (
    CHINA,
    FORBIDDEN_CHAR,
    MAX_FEN,
    choice,
    format_yuan,
    id_card_check_digit,
    id_card_problem,
    parse_date,
    parse_shares,
    parse_timestamp,
    parse_yuan,
    require_text,
    valid_id_card,
    yuan_to_fen,
)

from tests.support import id_card

# -- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1234.56", 123456),
        ("0", 0),
        ("7", 700),
        ("7.5", 750),
        ("0.01", 1),
        (" 1,000.10 ", 100010),
        ("12,345,678", 1_234_567_800),
        ("100,000,000,000.00", 10_000_000_000_000),
    ],
)
def test_amount_in_yuan_is_parsed_into_exact_fen(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        *("12.345", "-1", "NaN", "nan", "inf", "Infinity", "1e5", "", "   ", "1.", ".5", "¥5"),
        "１２",
        # a comma that does not group thousands: "1,00" is a decimal comma, not 100 yuan
        *("1,00", "1,0000", ",100", "100,", "1,,000", "1000,000", "1,000,00", "1,000.1,0"),
    ],
)
def test_malformed_amount_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_yuan(text, "budget")

    assert refused.value.field == "budget"


def test_amount_above_the_ledger_maximum_is_refused() -> None:
    too_much = format_yuan(MAX_FEN + 1)

    with pytest.raises(InputError) as refused:
        parse_yuan(too_much)

    assert refused.value.field == "amount"
    assert parse_yuan(format_yuan(MAX_FEN)) == MAX_FEN


@pytest.mark.parametrize(
    "text", ["50000000000000000", "1" + "0" * 40, "9" * 5000, "1,000,000,000,000,000.00"]
)
def test_an_amount_of_many_digits_is_refused_as_too_large(text: str) -> None:
    # It was refused as malformed ("not an amount in yuan") past 15 digits.
    with pytest.raises(InputError) as refused:
        parse_yuan(text)

    assert "exceeds the largest amount the ledger accepts" in str(refused.value)


def test_leading_zeros_do_not_make_an_amount_too_large() -> None:
    assert parse_yuan("0" * 30 + "1.05") == 105


@pytest.mark.parametrize(("fen", "text"), [(123456, "1234.56"), (5, "0.05"), (-250, "-2.50")])
def test_fen_are_formatted_as_yuan_with_two_decimals(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


def test_exact_decimal_yuan_become_fen() -> None:
    assert yuan_to_fen(Decimal("1234.56")) == 123456
    assert yuan_to_fen(Decimal("1E+2")) == 10000


@pytest.mark.parametrize("amount", ["0.001", "-1", "NaN", "Infinity", "sNaN"])
def test_decimal_below_a_fen_negative_or_not_finite_is_refused(amount: str) -> None:
    with pytest.raises(InputError) as refused:
        yuan_to_fen(Decimal(amount), "allocation")

    assert refused.value.field == "allocation"


# -- ID-card numbers 身份证号 ---------------------------------------------------------------


def test_id_card_with_its_check_digit_is_valid() -> None:
    # The GB 11643-1999 worked example: 11010519491231002 -> check character X.
    assert id_card_check_digit("11010519491231002") == "X"
    assert valid_id_card("11010519491231002X")
    assert valid_id_card(id_card(7))


def test_id_card_with_a_wrong_check_digit_is_invalid() -> None:
    good = id_card(7)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")

    assert not valid_id_card(wrong)


@pytest.mark.parametrize("where", [slice(6, 14), slice(0, 18), slice(17, 18)])
def test_an_id_card_in_full_width_or_other_digits_is_refused(where: slice) -> None:
    """A review: ``\\d`` took full-width digits (an input method's full-width mode), which
    int() reads: 440704１９８００１０１０６４1 was recorded, and household duplicates missed
    the person who heads another household under 440704198001010641."""
    good = id_card(7)
    full = good[: where.start] + good[where].translate(_FULL_WIDTH) + good[where.stop :]
    arabic_indic = good[:6] + "١٩٨" + good[9:]

    assert full != good
    for number in (full, arabic_indic):
        assert id_card_problem(number) == (
            "it holds full-width or other non-ASCII digits: type 0-9 (half-width 半角)"
        )
    assert valid_id_card(good)


_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.mark.parametrize(
    "number",
    ["", "11010519491231002", "11010519491231002x", "1101051949123100200", "11010519491331002X"],
)
def test_id_card_of_wrong_shape_or_impossible_birth_date_is_invalid(number: str) -> None:
    assert not valid_id_card(number)


@pytest.mark.parametrize(
    ("first17", "problem"),
    [
        ("00000019900101000", "region 000000 is in no province"),
        ("99070419900101000", "region 990704 is in no province"),
        ("44070418000101000", "its birth date is before 1900-01-01"),
        ("44070430000101000", "its birth date is after 2016-08-01"),
        ("44070420160802000", "its birth date is after 2016-08-01"),  # the day after
        ("44070419991345000", "is no calendar date"),
    ],
)
def test_id_card_of_no_province_or_a_birth_out_of_range_is_invalid(
    first17: str, problem: str
) -> None:
    # Each with its right check character: only the region or the birth date is wrong.
    number = first17 + id_card_check_digit(first17)

    found = id_card_problem(number, born_by=date(2016, 8, 1))

    assert found is not None
    assert problem in found
    assert id_card_problem(id_card(7), born_by=date(2016, 8, 1)) is None


@pytest.mark.parametrize("first17", ["44070418000101000", "44070430000101000", "44070419991345000"])
def test_a_refused_birth_date_is_not_quoted(first17: str) -> None:
    # Masking hides the birth date (440704********1234): the refusal must not show it.
    number = first17 + id_card_check_digit(first17)

    found = id_card_problem(number, born_by=date(2016, 8, 1)) or ""

    birth = number[6:14]
    assert "birth date" in found
    assert birth not in found
    assert f"{birth[:4]}-{birth[4:6]}-{birth[6:]}" not in found
    assert birth[:4] not in found.replace("2016-08-01", "")


# -- dates and timestamps ------------------------------------------------------------------


def test_iso_date_is_parsed() -> None:
    assert parse_date(" 2016-07-26 ") == date(2016, 7, 26)


@pytest.mark.parametrize(
    "text",
    ["2016-02-30", "26/07/2016", "", "2016-7-26x", "20160726", "2016-W30-2", "２０１６-07-26"],
)
def test_non_iso_or_impossible_date_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_date(text, "start")

    assert refused.value.field == "start"


def test_timestamp_without_offset_is_read_in_china_standard_time() -> None:
    value = parse_timestamp("2017-03-01T09:30:00")

    assert value.utcoffset() == timedelta(hours=8)
    assert value == datetime(2017, 3, 1, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        # China's summer time of 1986-1991 (Asia/Shanghai) read these +09:00 before session 24,
        # and took 02:30 of 17 April 1988, which the clocks skipped: China Standard Time is
        # UTC+8 all year.
        ("1988-06-01T00:00", datetime(1988, 5, 31, 16, 0, tzinfo=UTC)),
        ("1988-04-17T02:30", datetime(1988, 4, 16, 18, 30, tzinfo=UTC)),
        ("1988-06-01", datetime(1988, 6, 1, 15, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_timestamp_without_offset_is_read_at_a_fixed_utc_plus_8(text: str, utc: datetime) -> None:
    value = parse_timestamp(text)

    assert value.utcoffset() == timedelta(hours=8)
    assert value == utc


def test_the_1970_bound_is_judged_on_the_instant_not_the_date_typed() -> None:
    # 1970-01-01T00:00+14:00 is 1969-12-31T10:00Z; 1969-12-31T23:00-05:00 is 1970-01-01T04:00Z.
    with pytest.raises(InputError) as refused:
        parse_timestamp("1970-01-01T00:00+14:00", "known_at")

    assert refused.value.rule == (
        "'1970-01-01T00:00+14:00' is before 1970: give a time from 1970 on "
        "(it is 1969-12-31T10:00:00Z)"
    )
    assert parse_timestamp("1969-12-31T23:00-05:00") == datetime(1970, 1, 1, 4, tzinfo=UTC)


def test_timestamp_with_an_offset_keeps_it() -> None:
    value = parse_timestamp("2017-03-01T09:30:00+00:00")

    assert value.utcoffset() == timedelta(0)


def test_bare_date_as_timestamp_means_the_end_of_that_day_in_china() -> None:
    assert parse_timestamp("2017-03-01") == datetime.combine(date(2017, 3, 1), time.max, CHINA)


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "",
        "20170301",  # the basic form: Python reads it as the start of the day, not the end
        "2017W091",  # a week date
        "2017-03-01T09",
        "0001-01-01",  # China's zone then had a local mean time offset, +08:05:43
        "1969-12-31T23:59:59Z",
    ],
)
def test_malformed_timestamp_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_timestamp(text, "as_of")

    assert refused.value.field == "as_of"


@pytest.mark.parametrize(
    "text", ["2017-03-01 09:30", "2017-03-01T09:30:00.5", "2017-03-01T01:30:00Z", "1970-01-01"]
)
def test_extended_iso_timestamps_are_read(text: str) -> None:
    assert parse_timestamp(text).tzinfo is not None


# -- choices and text ----------------------------------------------------------------------


def test_choice_outside_the_options_is_refused_listing_them() -> None:
    with pytest.raises(InputError) as refused:
        choice("suburban", ("rural", "urban"), "area")

    assert refused.value.field == "area"
    assert "rural, urban" in refused.value.rule
    assert choice("urban", ("rural", "urban"), "area") == "urban"


def test_blank_or_overlong_text_is_refused_and_good_text_is_stripped() -> None:
    with pytest.raises(InputError, match="must not be empty"):
        require_text("  ", "name")
    with pytest.raises(InputError, match="at most 3"):
        require_text("abcd", "name", max_length=3)

    assert require_text(" 王 ", "name") == "王"


@pytest.mark.parametrize(
    "text", ["2-3-5", "１:２:３", "2:3:", ":2", "2 : 3", "+2:3", "2:3:5555555"]
)
def test_yearly_shares_are_parsed_and_malformed_ones_refused(text: str) -> None:
    assert parse_shares(" 2:3:5 ") == (2, 3, 5)

    with pytest.raises(InputError) as refused:
        parse_shares(text, "shares")

    assert refused.value.field == "shares"


def test_text_refuses_exactly_unicode_controls_and_surrogates_save_tab_and_newline() -> None:
    # ``commands._text`` checks with one regular expression; it must agree with the Unicode
    # categories Cc and Cs over every code point.
    for point in range(0x110000):
        char = chr(point)
        by_category = unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n"
        assert (FORBIDDEN_CHAR.search(char) is not None) == by_category, hex(point)


@pytest.mark.parametrize("text", ["２０１８", "٢٠١٨", "2018.0", "1e3", "20 18", ""])
def test_an_imported_whole_number_is_ascii_digits(text: str) -> None:
    year = Arg("year", "年度", "int")

    with pytest.raises(InputError) as refused:
        parse_value(year, text)

    assert refused.value.field == "year"
    assert parse_value(year, " 2018 ") == 2018


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_required_text_is_missing_and_blank_optional_text_is_kept(blank: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_value(Arg("document", "文件"), blank)

    assert refused.value.rule == "is required"
    assert parse_value(Arg("note", "备注", required=False, default=""), blank) == ""


def test_a_time_finer_than_a_microsecond_is_refused_saying_so() -> None:
    # Valid ISO 8601; the ledger records microseconds: "is not ISO 8601" was not true.
    with pytest.raises(InputError) as refused:
        parse_timestamp("2026-11-30T02:15:00.9137170Z", "known_at")
    assert refused.value.field == "known_at"
    assert "records times to the microsecond; give at most 6 digits" in refused.value.rule
    assert parse_timestamp("2026-11-30T02:15:00.913717Z").microsecond == 913717


@pytest.mark.parametrize(
    ("text", "decimals"), [("1234.565", 3), ("12345.600", 3), ("1,234.5678", 4), ("0.001", 3)]
)
def test_an_amount_typed_finer_than_a_fen_says_how_many_decimals(text: str, decimals: int) -> None:
    # tester N, session 21: said as "not an amount … (commas only between thousands)"
    with pytest.raises(InputError) as refused:
        parse_yuan(text, "income")

    assert refused.value.field == "income"
    assert refused.value.rule == (
        f"{text!r} has {decimals} decimals, and amounts are to the fen (0.01 yuan): give at most 2"
    )


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        (
            "2016-09-01T10:00+08:00",
            "it holds a time (10:00+08:00): give the date alone, the day in China (2016-09-01)",
        ),
        (
            "2016-09-01T02:00Z",
            "it holds a time (02:00Z): give the date alone, the day in China (2016-09-01)",
        ),
        (
            "2016-09-01T20:00Z",
            "it holds a time (20:00Z): give the date alone, the day in China (2016-09-02)",
        ),
        ("2016-09-01+08:00", "it holds a time zone (+08:00): give the date alone"),
        ("2016-09-01T10:00", "it holds a time (10:00): give the date alone"),
    ],
)
def test_a_date_holding_a_time_or_zone_is_told_so(typed: str, hint: str) -> None:
    # Session 37's tester j (F04): a time with its zone, pasted from another system, was told
    # only "is not a date", though near midnight its day in China is not the day it names
    with pytest.raises(InputError) as refused:
        parse_date(typed, "effective")

    assert refused.value.rule.endswith(f"; {hint}")


@pytest.mark.parametrize(
    ("typed", "ascii_form"),
    [("1，000", "1,000"), ("1，000.50", "1,000.50"), ("100。5", "100.5"), ("1、000", "1,000")],
)
def test_an_amount_typed_with_chinese_punctuation_is_told_its_ascii_form(
    typed: str, ascii_form: str
) -> None:
    # Session 37's tester k (F3): told only "commas only between thousands"
    with pytest.raises(InputError) as refused:
        parse_yuan(typed, "amount")

    mark = next(c for c in typed if c in "，、。")
    assert refused.value.rule.endswith(
        f"; it holds Chinese punctuation ({mark}): type it as {ascii_form}"
    )
