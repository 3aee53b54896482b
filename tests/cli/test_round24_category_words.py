"""Session 24, a street officer importing the office's sheets: a measure's and a payment's
``category`` typed in Chinese, as the sheets (and DOMAIN.md, docs/cli.md) name them (医疗,
教育, 产业, 救助 …; 生产设施, 党建, 社工组织, 工作经费 for a payment), was refused
(``'医疗' is not one of industry, finance, …``). It is read as the English name it records,
as an area is (农村, 城镇: since session 23); a refusal lists each value with its Chinese
term, and the template's 说明 sheet lists them."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from cli.main import app
from openpyxl import load_workbook

from tests.cli.conftest import Fupin, assert_refused, doc, saved, workbook

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough"

JN = "jn-01"
QU = "qu-01"

MEASURES_REFUSAL = (
    "is not one of industry 产业, finance 金融, entrepreneurship 创业, employment 就业, "
    "education 教育, medical 医疗, relief 救助, internet 互联网+, social 社会扶贫/社会"
)
USES_REFUSAL = (
    "is not one of industry 产业, finance 金融, entrepreneurship 创业, employment 就业, "
    "education 教育, medical 医疗, relief 救助, internet 互联网+, social 社会扶贫/社会, "
    "facilities 生产设施, party-building 党建, social-work 社工组织, working 工作经费"
)

PLAN_MEASURE = "ref,effective,document,household,measure,category\n"
DISBURSE = "ref,effective,document,account,amount,category,purpose\n"


def _categories(fupin: Fupin, table: str) -> list[str]:
    query = f"query 'SELECT category FROM {table} ORDER BY category' --format json"
    return [row[0] for row in orjson.loads(fupin.ok(query, "admin").stdout)["rows"]]


def _workbook(path: Path, sheet_name: str, header: str, rows: list[list[object]]) -> Path:
    return saved(workbook(sheet_name, header.strip().split(","), *rows), path)


# -- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "category"),
    [
        ("医疗", "medical"),
        ("产业", "industry"),
        ("救助", "relief"),
        ("互联网+", "internet"),
        ("社会扶贫", "social"),
        ("社会", "social"),
        (" 金融 ", "finance"),
        (" industry", "industry"),
    ],
)
def test_a_measure_category_typed_in_chinese_is_recorded_as_its_english_name(
    seeded: Fupin, word: str, category: str
) -> None:
    seeded.ok(f"household plan-measure JH-0001 m-2 --category '{word}' {doc('2016-08-20')}", JN)

    assert sorted(_categories(seeded, "pj_measures")) == sorted(["education", category])


def test_a_payment_category_typed_in_chinese_is_recorded_as_its_english_name(
    seeded: Fupin,
) -> None:
    paid = seeded.ok(
        "fund disburse city-2016 --amount 100 --category 教育 --purpose household "
        f"--household JH-0001 --measure m-1 {doc('2016-08-20')}",
        QU,
    )
    assert "(household, education)" in paid.stdout
    seeded.ok(
        f"fund disburse city-2016 --amount 50 --category 工作经费 --purpose working "
        f"{doc('2016-08-21')}",
        QU,
    )
    seeded.ok(
        f"fund disburse city-2016 --amount 50 --category 社工组织 --purpose organisation "
        f"{doc('2016-08-22')}",
        QU,
    )

    assert _categories(seeded, "pj_disbursements") == ["education", "social-work", "working"]


def test_a_category_in_no_list_is_refused_listing_each_with_its_chinese_term(
    seeded: Fupin,
) -> None:
    before = seeded.event_count()

    refused = seeded(f"household plan-measure JH-0001 m-2 --category 医保 {doc('2016-08-20')}", JN)
    assert_refused(refused, "category", f"'医保' {MEASURES_REFUSAL}")
    refused = seeded(
        f"fund disburse city-2016 --amount 50 --category 经费 --purpose working "
        f"{doc('2016-08-21')}",
        QU,
    )
    assert_refused(refused, "category", f"'经费' {USES_REFUSAL}")
    # A payment's own use is not a measure's.
    refused = seeded(f"household plan-measure JH-0001 m-2 --category 党建 {doc('2016-08-20')}", JN)
    assert_refused(refused, "category", f"'党建' {MEASURES_REFUSAL}")
    assert seeded.event_count() == before


# -- imports ---------------------------------------------------------------------------------


def test_an_imported_measure_and_payment_read_the_chinese_term_in_csv_and_xlsx(
    seeded: Fupin, tmp_path: Path
) -> None:
    measures = tmp_path / "plan_measure.csv"
    measures.write_text(PLAN_MEASURE + "M-1,2016-08-20,一户一策,JH-0001,m-2,医疗\n", "utf-8")
    seeded.ok(f"import {measures}", JN)
    book = _workbook(
        tmp_path / "cat.xlsx",
        "plan_measure",
        PLAN_MEASURE,
        [["M-2", "2016-08-20", "一户一策", "JH-0001", "m-3", "产业"]],
    )
    seeded.ok(f"import {book}", JN)
    assert _categories(seeded, "pj_measures") == ["education", "industry", "medical"]

    payments = tmp_path / "disburse.csv"
    payments.write_text(DISBURSE + "P-1,2016-08-21,凭证1,city-2016,50,工作经费,working\n", "utf-8")
    seeded.ok(f"import {payments}", QU)
    book = _workbook(
        tmp_path / "pay.xlsx",
        "disburse",
        DISBURSE + ",household,measure",
        [["P-2", "2016-08-22", "凭证2", "city-2016", 100, "医疗", "household", "JH-0001", "m-2"]],
    )
    seeded.ok(f"import {book}", QU)
    assert _categories(seeded, "pj_disbursements") == ["medical", "working"]


def test_an_imported_category_in_no_list_is_refused_listing_the_chinese_terms(
    seeded: Fupin, tmp_path: Path
) -> None:
    book = _workbook(
        tmp_path / "cat.xlsx",
        "plan_measure",
        PLAN_MEASURE,
        [["M-1", "2016-08-20", "一户一策", "JH-0001", "m-2", "医保"]],
    )
    before = seeded.event_count()

    refused = seeded(f"import {book}", JN)

    assert refused.exit_code == 2, refused.output
    assert f"row 2, category: '医保' {MEASURES_REFUSAL}" in refused.stderr
    payments = tmp_path / "disburse.csv"
    payments.write_text(DISBURSE + "P-1,2016-08-21,凭证1,city-2016,50,经费,working\n", "utf-8")
    refused = seeded(f"import {payments}", QU)
    assert refused.exit_code == 2, refused.output
    assert f"row 2, category: '经费' {USES_REFUSAL}" in refused.stderr
    assert seeded.event_count() == before


def test_the_template_readme_lists_the_categories_with_their_chinese_terms(
    fupin: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "template.xlsx"
    fupin.ok(f"import template -o {path}")
    readme = load_workbook(io.BytesIO(path.read_bytes()))["说明"]
    kinds = {(row[0], row[2]): str(row[4]) for row in readme.iter_rows(min_row=2, values_only=True)}

    assert "medical 医疗" in kinds[("plan_measure", "category")]
    assert "social 社会扶贫" in kinds[("plan_measure", "category")]
    assert "working 工作经费" not in kinds[("plan_measure", "category")]
    assert "education 教育" in kinds[("disburse", "category")]
    assert "facilities 生产设施" in kinds[("disburse", "category")]
    assert "working 工作经费" in kinds[("disburse", "category")]


def test_a_full_width_plus_and_a_mismatched_category_say_what_they_are(seeded: Fupin) -> None:
    # Tester T, session 24: 互联网＋ (the full-width plus of a Chinese input method) was refused,
    # and a payment of another category than its measure's said only "measure t1 is medical".
    seeded.ok(
        "household plan-measure JH-0001 t9 --category 互联网＋ --description 电商培训 "
        f"--budget 100 {doc('2016-09-01')}",
        "jn-01",
    )
    shown = orjson.loads(seeded.ok("household show JH-0001 --format json", "admin").stdout)
    assert [m["category"] for m in shown["measures"] if m["measure_id"] == "t9"] == ["internet"]

    refused = seeded.runner.invoke(
        app,
        [
            *("--as", "qu-01", "fund", "disburse", "city-2016", "--amount", "100"),
            *("--category", "教育", "--purpose", "household", "--household", "JH-0001"),
            *("--measure", "t9", "-d", "付", "-e", "2016-09-03"),
        ],
    )

    assert_refused(
        refused,
        "category",
        "a household payment's category is its measure's: t9 is internet 互联网+, not "
        "education 教育",
    )


def test_a_payments_purpose_is_read_in_chinese_too(seeded: Fupin) -> None:
    # Tester T, session 24: --purpose 到户 was refused beside a category read in Chinese.
    paid = seeded.ok(
        "fund disburse city-2016 --amount 100 --category 教育 --purpose 到户 "
        f"--household JH-0001 --measure m-1 {doc('2016-08-20')}",
        QU,
    )

    assert "(household, education)" in paid.stdout
    refused = seeded.runner.invoke(
        app,
        [
            *("--as", QU, "fund", "disburse", "city-2016", "--amount", "1", "--category"),
            *("教育", "--purpose", "到组", "--household", "JH-0001", "--measure", "m-1"),
            *("-d", "付", "-e", "2016-08-20"),
        ],
    )
    assert_refused(
        refused,
        "purpose",
        "'到组' is not one of household 到户, village 到村, organisation 社工组织, "
        "working 工作经费",
    )
