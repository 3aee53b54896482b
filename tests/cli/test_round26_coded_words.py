"""Session 26, tester F (a funds auditor): ``fupin fund open yr3 --source 区财政 --year 2018``
was refused (``'区财政' is not one of city, district, street, donation``), though docs/cli.md
lists the sources with their terms (``city`` 市扶贫基金, ``district`` 区财政, ``street`` 街道,
``donation`` 社会捐赠) and a category, a purpose and an area are read in Chinese since sessions
23-24. Every coded value officers type whose Chinese term is documented is now read the same
way (``ledger.values.parse_category``): an account's source (``fund open``, ``fund amend``, the
``open_account`` and ``amend`` rows), a helper's kind (``helper add``, ``register_helper``)
and an inspection's level (``inspection open``, ``open_inspection``). Each is recorded as
the English name, spaces around it no part of it; anything else is refused listing each name
with its term."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from openpyxl import load_workbook

from tests.cli.conftest import Fupin, assert_refused, doc, saved, workbook

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough"

JN = "jn-01"
QU = "qu-01"
INSPECTOR = "insp-1"

SOURCES_REFUSAL = (
    "is not one of city 市扶贫基金/市级, district 区财政/区级, street 街道/街道级, "
    "donation 社会捐赠"
)
KINDS_REFUSAL = (
    "is not one of cadre 干部, enterprise 企业, cooperative 合作社, social-worker 社工, "
    "volunteer-team 义工团队"
)
LEVELS_REFUSAL = "is not one of district 区级, street 街道级"

OPEN_ACCOUNT = "ref,effective,document,account,source,year,street,donor\n"
AMEND = "ref,effective,document,kind,key,source,street,reason\n"


def _column(fupin: Fupin, sql: str) -> list[object]:
    found = fupin.ok(f"query {sql!r} --format json", "admin").stdout
    return [row[0] for row in orjson.loads(found)["rows"]]


def _source(fupin: Fupin, code: str) -> object:
    return _column(fupin, f"SELECT source FROM pj_accounts WHERE code = '{code}'")[0]


def _workbook(path: Path, sheet_name: str, header: str, rows: list[list[object]]) -> Path:
    return saved(workbook(sheet_name, header.strip().split(","), *rows), path)


# -- an account's source ---------------------------------------------------------------------


def test_the_testers_account_of_the_district_is_opened_with_its_chinese_source(
    seeded: Fupin,
) -> None:
    opened = seeded.ok("fund open yr3 --source 区财政 --year 2018 -d x -e 2018-07-27", QU)

    assert "account yr3 opened (district, 2018)" in opened.stdout
    assert _source(seeded, "yr3") == "district"
    history = orjson.loads(seeded.ok("history --kind fund yr3 --format json", "admin").stdout)
    assert history[0]["details"]["source"] == "district"  # the event keeps the English name


@pytest.mark.parametrize(
    ("options", "source"),
    [
        ("--source 市扶贫基金", "city"),
        ("--source 市级", "city"),
        ("--source '　区级 '", "district"),
        ("--source 街道 --street 江南", "street"),
        ("--source 街道级 --street 江南", "street"),
        ("--source 社会捐赠 --donor 江海电子厂", "donation"),
        ("--source ' donation' --donor 江海电子厂", "donation"),
    ],
)
def test_each_source_is_read_in_chinese_as_its_english_name(
    seeded: Fupin, options: str, source: str
) -> None:
    seeded.ok(f"fund open a-2017 {options} --year 2017 {doc('2017-01-05')}", QU)

    assert _source(seeded, "a-2017") == source


def test_a_source_in_no_list_is_refused_listing_each_with_its_term(seeded: Fupin) -> None:
    before = seeded.event_count()

    refused = seeded(f"fund open a-2017 --source 区财 --year 2017 {doc('2017-01-05')}", QU)

    assert_refused(refused, "source", f"'区财' {SOURCES_REFUSAL}")
    assert seeded.event_count() == before


def test_an_amendment_reads_the_source_in_chinese(seeded: Fupin) -> None:
    seeded.ok(f"fund open a-2017 --source district --year 2017 {doc('2017-01-05')}", QU)

    amended = seeded.ok(
        f"fund amend a-2017 --source 市扶贫基金 --reason 来源录错 {doc('2017-01-06')}", QU
    )

    assert "source district → city" in amended.stdout
    assert _source(seeded, "a-2017") == "city"
    before = seeded.event_count()
    refused = seeded(f"fund amend a-2017 --source 省级 --reason 录错 {doc('2017-01-07')}", QU)
    assert_refused(refused, "source", f"'省级' {SOURCES_REFUSAL}")
    assert seeded.event_count() == before


def test_imported_openings_and_amendments_read_the_source_in_chinese(
    seeded: Fupin, tmp_path: Path
) -> None:
    opening = tmp_path / "open_account.csv"
    opening.write_text(OPEN_ACCOUNT + "A-1,2017-01-05,江财1,a-2017,区财政,2017,,\n", "utf-8")
    seeded.ok(f"import {opening}", QU)
    book = _workbook(
        tmp_path / "open.xlsx",
        "open_account",
        OPEN_ACCOUNT,
        [["A-2", "2017-01-05", "江财2", "b-2017", "社会捐赠", 2017, None, "江海电子厂"]],
    )
    seeded.ok(f"import {book}", QU)
    assert (_source(seeded, "a-2017"), _source(seeded, "b-2017")) == ("district", "donation")

    amend = tmp_path / "amend.csv"
    amend.write_text(AMEND + "A-3,2017-01-06,江财3,fund,a-2017,街道,江南,来源录错\n", "utf-8")
    seeded.ok(f"import {amend}", QU)
    assert _source(seeded, "a-2017") == "street"


def test_an_imported_source_in_no_list_is_refused_listing_the_terms(
    seeded: Fupin, tmp_path: Path
) -> None:
    opening = tmp_path / "open_account.csv"
    opening.write_text(OPEN_ACCOUNT + "A-1,2017-01-05,江财1,a-2017,区财,2017,,\n", "utf-8")
    before = seeded.event_count()

    refused = seeded(f"import {opening}", QU)

    assert refused.exit_code == 2, refused.output
    assert f"row 2, source: '区财' {SOURCES_REFUSAL}" in refused.stderr
    assert seeded.event_count() == before


# -- a helper's kind and an inspection's level ---------------------------------------------------


@pytest.mark.parametrize(
    ("word", "kind"),
    [("企业", "enterprise"), ("合作社", "cooperative"), (" 社工", "social-worker")],
)
def test_a_helpers_kind_is_read_in_chinese(seeded: Fupin, word: str, kind: str) -> None:
    added = seeded.ok(f"helper add h-9 --kind '{word}' --name 江海某单位 {doc('2016-08-20')}", JN)

    assert f"helper h-9 registered as {kind}" in added.stdout
    assert _column(seeded, "SELECT kind FROM pj_helpers WHERE helper = 'h-9'") == [kind]


def test_a_helpers_kind_in_no_list_is_refused_and_an_imported_one_read(
    seeded: Fupin, tmp_path: Path
) -> None:
    before = seeded.event_count()
    refused = seeded(f"helper add h-9 --kind 公司 --name 江海某公司 {doc('2016-08-20')}", JN)
    assert_refused(refused, "kind", f"'公司' {KINDS_REFUSAL}")
    assert seeded.event_count() == before

    rows = tmp_path / "register_helper.csv"
    rows.write_text(
        "ref,effective,document,helper,kind,name\nH-1,2016-08-20,帮扶1,h-9,合作社,某合作社\n"
    )
    seeded.ok(f"import {rows}", JN)
    assert _column(seeded, "SELECT kind FROM pj_helpers WHERE helper = 'h-9'") == ["cooperative"]


def test_an_inspections_level_is_read_in_chinese(seeded: Fupin, tmp_path: Path) -> None:
    opened = seeded.ok(
        f"inspection open DC-2016 --level 区级 --year 2016 {doc('2016-12-10')}", INSPECTOR
    )
    assert "inspection DC-2016 opened (district, 2016)" in opened.stdout
    before = seeded.event_count()
    refused = seeded(f"inspection open X --level 市级 --year 2016 {doc('2016-12-10')}", INSPECTOR)
    assert_refused(refused, "level", f"'市级' {LEVELS_REFUSAL}")
    assert seeded.event_count() == before

    rows = tmp_path / "open_inspection.csv"
    rows.write_text(
        "ref,effective,document,inspection,level,year,street\n"
        "I-1,2016-12-11,督1,SC-2016,街道级,2016,江南\n",
        "utf-8",
    )
    seeded.ok(f"import {rows}", INSPECTOR)
    levels = _column(seeded, "SELECT level FROM pj_inspections ORDER BY code")
    assert levels == ["district", "street"]


def test_the_template_readme_lists_the_sources_kinds_and_levels_with_their_terms(
    fupin: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "template.xlsx"
    fupin.ok(f"import template -o {path}")
    readme = load_workbook(io.BytesIO(path.read_bytes()))["说明"]
    kinds = {(row[0], row[2]): str(row[4]) for row in readme.iter_rows(min_row=2, values_only=True)}

    assert "district 区财政/区级" in kinds[("open_account", "source")]
    assert "donation 社会捐赠" in kinds[("amend", "source")]
    assert "enterprise 企业" in kinds[("register_helper", "kind")]
    assert "street 街道级" in kinds[("open_inspection", "level")]


def test_a_cadres_rank_is_read_in_chinese(seeded: Fupin, tmp_path: Path) -> None:
    # Re-test J, session 26: `--rank 正处级` and even `--rank 副科级` were refused saying "a paired
    # cadre must be deputy-section level 副科级 or above".
    seeded.ok(f"helper add c-9 --kind 干部 --name 张某 --rank 正处级 {doc('2016-08-20')}", JN)
    assert _column(seeded, "SELECT rank FROM pj_helpers WHERE helper = 'c-9'") == ["division"]

    seeded.ok(f"helper amend c-9 --rank ' 副科级' --reason 职级调整 {doc('2016-09-20')}", JN)
    assert _column(seeded, "SELECT rank FROM pj_helpers WHERE helper = 'c-9'") == ["deputy-section"]

    rows = tmp_path / "register_helper.csv"
    rows.write_text(
        "ref,effective,document,helper,kind,name,rank\nH-1,2016-08-20,帮扶1,c-8,干部,李某,副处级\n"
    )
    seeded.ok(f"import {rows}", JN)
    assert _column(seeded, "SELECT rank FROM pj_helpers WHERE helper = 'c-8'") == [
        "deputy-division"
    ]


def test_a_rank_in_its_short_chinese_form_is_read(seeded: Fupin) -> None:
    # Session 37's tester k (F19): 副科, 正科, 副处 were refused as if below deputy-section
    for helper, short in (("c-7", "副科"), ("c-8", "正处")):
        seeded.ok(
            f"helper add {helper} --kind 干部 --name 王某 --rank {short} {doc('2016-08-20')}", JN
        )

    ranks = _column(seeded, "SELECT rank FROM pj_helpers WHERE helper IN ('c-7', 'c-8') ORDER BY 1")
    assert ranks == ["deputy-section", "division"]


def test_a_rank_below_deputy_section_is_refused_listing_the_ranks_with_their_terms(
    seeded: Fupin,
) -> None:
    before = seeded.event_count()

    refused = seeded(f"helper add c-9 --kind 干部 --name 张某 --rank 科员 {doc('2016-08-20')}", JN)

    assert_refused(
        refused,
        "rank",
        "'科员': a paired cadre must be deputy-section level 副科级 or above, one of "
        "deputy-section 副科级, section 正科级, deputy-division 副处级, division 正处级, "
        "deputy-bureau 副厅级, bureau 正厅级",
    )
    assert seeded.event_count() == before
