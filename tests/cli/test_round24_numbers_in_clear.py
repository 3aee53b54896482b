"""Session 24 (a re-tester of the erasure changes, on a copy of the demo): the check that no
ID-card or mobile number is recorded in clear read only 18 or 11 ASCII digits in one run.

- An ID card split by blanks, dashes, U+3000, U+00A0 or a zero-width space, or typed in
  full-width digits (its check ``Ｘ`` too), was recorded in clear: its digits are read as one
  number, and refused.
- A phone written as phones are (``138 0013 8000``, ``+8613800138000``, after ``电话：``) was
  recorded in clear: refused. But a bare 11-digit number from 13… to 19… was refused too, and
  that is an accounting voucher's or a contract's number (yymmdd and a serial) as often as a
  phone: it passes unless the text shows it is a phone.
- Re-test (a street officer, with real spreadsheet text): phone follow-ups as officers write
  them passed and were stored in clear (``电话回访13640094139，户主本人接听``,
  ``户主手机号为…``, ``打…电话回访``, ``…为户主手机``): the cue had to stand right before the
  number. A cue within six characters before or after it makes it a phone.
- The refusal named command-line options (``--head-name`` … ``--personal-file``) on an
  import's row too, and told to "write the household number instead" of a helper's phone: its
  advice now fits the command line and a sheet alike.
- Second re-test: a document's number near 手机/电话 (``手机话费记账凭证18120300015``) was
  refused: a document word closer before it than any cue, or ``号`` after it, makes it pass.
  Cues were missed (电联, 微信, 拨打, 電話, ``ＴＥＬ``…), a bare ``86`` apart was read as a
  country code, and an ID card with ``×``/``Х`` or ``/``/``_`` in it passed.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

VISIT = f"household visit JH-0001 --helper c-1 {doc('2016-09-10')} --summary 入户走访 --note "
CARD = "440704198708067078"  # passes the checksum and the birth date
WITH_X = id_card(6)  # 44070419800101006X
IN_CLEAR = "personal data goes only into a household's sealed personal fields"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in text)


@pytest.mark.parametrize(
    "note",
    [
        f"身份证{CARD[:6]} {CARD[6:14]} {CARD[14:]}",
        f"{CARD[:6]}-{CARD[6:14]}-{CARD[14:]}",
        f"{CARD[:6]}\u3000{CARD[6:]}",
        f"{CARD[:6]}\u00a0{CARD[6:]}",
        f"{CARD[:9]}\u200b{CARD[9:]}",
        _full_width(CARD),
        _full_width(WITH_X[:-1]) + "Ｘ",
        f"{WITH_X[:-1]}x",
    ],
    ids=["blanks", "dashes", "ideo-space", "nbsp", "zero-width", "full-width", "wide-X", "x"],
)
def test_an_id_card_written_apart_or_in_full_width_is_refused(seeded: Fupin, note: str) -> None:
    before = seeded.event_count()

    refused = seeded(f"{VISIT}'{note}'", "jn-01")

    assert_refused(refused, "note", "holds an ID-card number (characters ")
    assert IN_CLEAR in refused.stderr
    assert CARD not in refused.stderr
    assert WITH_X[:-1] not in refused.stderr
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    "note",
    [
        "138 0013 8000",
        "138-0013-8000",
        "138.0013.8000",
        "138\u30000013\u30008000",
        "138\u00a00013\u00a08000",
        "+8613800138000",
        "8613800138000",
        "(+86) 13800138000",
        "联系电话：13800138000",
        "手机 " + _full_width("13800138000"),
        "Tel: 13800138000",
        "PHONE 138 00138000",
    ],
)
def test_a_mobile_written_as_a_phone_is_refused(seeded: Fupin, note: str) -> None:
    before = seeded.event_count()

    refused = seeded(f"{VISIT}'{note}'", "jn-01")

    assert_refused(refused, "note", "holds a mobile phone number (characters ")
    assert "written as a phone" in refused.stderr
    assert "0013" not in refused.stderr
    assert "00138000" not in refused.stderr
    assert seeded.event_count() == before


PHONE = "13640094139"


@pytest.mark.parametrize(
    "summary",
    [
        f"电话回访{PHONE}，户主本人接听",
        f"户主手机号为{PHONE}",
        f"联系电话是{PHONE}",
        f"打{PHONE}电话回访",
        f"2018年8月16日电话回访，{PHONE}为户主手机",
        f"{PHONE}为户主手机",
        f"tel no. {PHONE}",
    ],
)
def test_a_mobile_with_a_phone_cue_near_it_before_or_after_is_refused(
    seeded: Fupin, summary: str
) -> None:
    before = seeded.event_count()
    visit = f"household visit JH-0001 --helper c-1 {doc('2018-08-16')} --summary "

    refused = seeded(f"{visit}'{summary}'", "jn-01")

    at = summary.index(PHONE)
    assert_refused(
        refused, "summary", f"holds a mobile phone number (characters {at + 1}-{at + 11}: "
    )
    assert "written as a phone" in refused.stderr
    assert PHONE not in refused.output
    assert seeded.event_count() == before


def test_an_import_row_of_a_phone_follow_up_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    row = {
        "command": "record_visit",
        "ref": "WH-V-2018Q3-0101",
        "actor": "jn-01",
        "effective": "2016-09-14",
        "document": "走访记录 2018Q3",
        "note": "",
        "args": {
            "household": "JH-0001",
            "helper": "c-1",
            "summary": f"电话回访{PHONE}，户主本人接听",
        },
    }
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(orjson.dumps(row) + b"\n")
    before = seeded.event_count()

    result = seeded(f"import {rows}", "admin")

    assert result.exit_code != 0, result.output
    assert "summary: holds a mobile phone number (characters 5-15: " in result.stderr
    assert PHONE not in result.output
    assert seeded.event_count() == before


ADVICE = (
    "personal data goes only into a household's sealed personal fields (head name, ID card, "
    "phone, address, member names); refer to a household by its number and a helper by its key"
)


def test_the_refusal_advises_in_words_that_fit_a_sheet_and_the_command_line(
    seeded: Fupin, tmp_path: Path
) -> None:
    row = {
        "command": "record_visit",
        "ref": "V-1",
        "actor": "jn-01",
        "effective": "2016-09-14",
        "document": "走访记录",
        "note": f"帮扶人手机{PHONE}",
        "args": {"household": "JH-0001", "helper": "c-1", "summary": "入户走访"},
    }
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(orjson.dumps(row) + b"\n")

    by_sheet = seeded(f"import {rows}", "admin")
    by_command = seeded(f"{VISIT}'帮扶人手机{PHONE}'", "jn-01")

    for refused in (by_sheet, by_command):
        assert refused.exit_code != 0, refused.output
        assert "note: holds a mobile phone number" in refused.stderr
        assert ADVICE in " ".join(refused.stderr.split())
        assert "--head-name" not in refused.stderr
        assert "write the household number instead" not in refused.stderr


@pytest.mark.parametrize(
    "note",
    [
        "记账凭证17010100001",
        "HT-16120100001",
        "江财〔2017〕13812345678号",
        "拨付15000000000分",
        "13800138000",  # bare: a voucher as often as a phone
        "hotel13800138000",
        "凭证号13800001234",
        "记账凭证18120300015",
        "电话费记账凭证18120300015",  # a phone bill's voucher: 电话费 is no cue
        "户主在家，凭证号13800001234",
    ],
)
def test_a_bare_eleven_digit_number_passes(seeded: Fupin, note: str) -> None:
    seeded.ok(f"{VISIT}'{note}'", "jn-01")


def test_a_payment_with_a_voucher_number_as_its_document_is_recorded(seeded: Fupin) -> None:
    seeded.ok(
        "fund disburse city-2016 --amount 8 --category working --purpose working "
        "-d 记账凭证18120300015 -e 2016-09-01",
        "admin",
    )


# Session 24's second re-test: a document's number near 手机/电话 was refused; cues were missed.

DOCUMENTS = [
    "手机话费记账凭证18120300015",
    "手机费记账凭证18120300015",
    "固定电话安装费，凭证18120300016",
    "购置手机3台，发票17120500031",
    "手机维修合同16120100001已履行",
    "电话线路维修合同16120100001",
    "电话、网络费凭证18120300015",
    "通讯费（手机）凭证18120300015",
    "电话会议纪要17030100012号",
    "发票号码17120500031",
    "第86-18120300015号",
    "人数86 18120300015",
]


@pytest.mark.parametrize("note", DOCUMENTS)
def test_a_documents_number_near_a_phone_word_passes(seeded: Fupin, note: str) -> None:
    seeded.ok(f"{VISIT}'{note}'", "jn-01")
    assert note in seeded.ok("log", "admin").stdout


@pytest.mark.parametrize(
    "summary",
    [
        f"电联{PHONE}",
        f"联系号码{PHONE}",
        f"号码{PHONE}",
        f"户主微信{PHONE}",
        f"手提{PHONE}",
        f"拨打{PHONE}回访",
        f"{PHONE}致电户主",
        f"電話{PHONE}",
        f"手機{PHONE}",
        f"ＴＥＬ：{PHONE}",
        f"Ｔｅｌ {PHONE}",
        f"86 {PHONE}电话回访",
    ],
)
def test_a_mobile_with_a_cue_read_since_the_second_re_test_is_refused(
    seeded: Fupin, summary: str
) -> None:
    before = seeded.event_count()
    visit = f"household visit JH-0001 --helper c-1 {doc('2018-08-16')} --summary "

    refused = seeded(f"{visit}'{summary}'", "jn-01")

    assert_refused(refused, "summary", "holds a mobile phone number (characters ")
    assert "written as a phone" in refused.stderr
    assert PHONE not in refused.output
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    "note",
    [
        WITH_X[:-1] + "\u00d7",
        WITH_X[:-1] + "\u0425",
        f"{CARD[:6]}/{CARD[6:14]}/{CARD[14:]}",
        f"{CARD[:6]}_{CARD[6:14]}_{CARD[14:]}",
    ],
    ids=["times", "cyrillic-X", "slashes", "underscores"],
)
def test_an_id_card_with_another_x_or_separator_is_refused(seeded: Fupin, note: str) -> None:
    before = seeded.event_count()

    refused = seeded(f"{VISIT}'{note}'", "jn-01")

    assert_refused(refused, "note", "holds an ID-card number (characters ")
    assert WITH_X[:-1] not in refused.stderr
    assert CARD[6:14] not in refused.stderr
    assert seeded.event_count() == before
