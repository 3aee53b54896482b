"""Round 12 of the privacy exploratory test (DPO / store operator), items 5, 6, 9 (phones) and 10:
an erasure is not dated before the household's identification; the placeholders readers are
shown instead of personal data (``[erased]``, ``[sealed]``, ``[unreadable]``, ``[masked]``) are
no value of a personal field; a phone is a phone number; ``notice`` and the reports refuse an
``--as`` that is no active officer, as ``household show`` does; a report made without the
master key says its personal data is sealed, not "in full"."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

PLACE = "--street 江南 --village 雄光 --area rural"
IDENTIFY = f"household identify JH-0070 {PLACE} {doc('2016-08-01')}"
HEAD = f"--head-name 王五 --id-card {id_card(70)}"
MEMBERS = f"household members JH-0002 --members 2 --note 变更 {doc('2016-09-01')}"
CHANGE = f"--head-name 户主2 --id-card {id_card(2)}"


def _personal(fupin: Fupin, number: str) -> dict[str, object]:
    result = fupin.ok(f"household show {number} --format json", actor="admin")
    record: dict[str, object] = orjson.loads(result.stdout)["personal"][0]
    return record


# -- 5: an erasure is not dated before the household existed ------------------------------------


@pytest.mark.parametrize("effective", ["2016-01-01", "2016-07-31"])
def test_an_erasure_dated_before_the_identification_is_refused(
    seeded: Fupin, effective: str
) -> None:
    before = seeded.event_count()

    result = seeded(f"erase JH-0002 --reason 本人申请 -d 删除申请1号 -e {effective}", actor="admin")

    assert_refused(result, "effective", "JH-0002 was identified only on 2016-08-01")
    assert seeded.event_count() == before
    assert _personal(seeded, "JH-0002")["head_name"] == "户主2"  # nothing erased


def test_an_erasure_dated_on_the_identification_day_is_taken(seeded: Fupin) -> None:
    seeded.ok("erase JH-0002 --reason 本人申请 -d 删除申请1号 -e 2016-08-01", actor="admin")

    assert _personal(seeded, "JH-0002")["head_name"] == "[erased]"


# -- 6: placeholders are no personal data -------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ("--head-name '[erased]' --id-card {card}", "head_name"),
        ("--head-name ' [SEALED] ' --id-card {card}", "head_name"),
        ("--head-name '[masked]' --id-card {card}", "head_name"),
        ("--head-name '[Unreadable]' --id-card {card}", "head_name"),
        ("--head-name 王五 --id-card {card} --phone '[sealed]'", "phone"),
        ("--head-name 王五 --id-card {card} --address '[Erased]'", "address"),
        ("--head-name 王五 --id-card {card} --member-name 王五 --member-name '[erased]'", "member"),
    ],
)
def test_identify_refuses_a_placeholder_as_personal_data(
    seeded: Fupin, options: str, field: str
) -> None:
    before = seeded.event_count()
    members = 2 if "--member-name" in options else 1

    result = seeded(
        f"{IDENTIFY} --members {members} {options.format(card=id_card(70))}", actor="jn-01"
    )

    rule = "is a placeholder the ledger shows instead of personal data"
    if field == "member":
        assert_refused(result, "member_names", f"the name of member 2 {rule}")
    else:
        assert_refused(result, field, rule)
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    ("options", "field", "what"),
    [
        ("--head-name '卢**' --id-card {card}", "head_name", "the head's name"),
        ("--head-name '卢＊＊' --id-card {card}", "head_name", "the head's name"),
        (
            "--head-name 王五 --id-card {card} --member-name 王五 --member-name '李*'",
            "member_names",
            "the name of member 2",
        ),
    ],
)
def test_identify_refuses_a_name_that_reads_masked(
    seeded: Fupin, options: str, field: str, what: str
) -> None:
    """Tester W, session 20: 卢** was recorded, and shown to an admin as if masked (an
    analyst's masked output imported back would be recorded as names)."""
    before = seeded.event_count()
    members = 2 if "--member-name" in options else 1

    result = seeded(
        f"{IDENTIFY} --members {members} {options.format(card=id_card(70))}", actor="jn-01"
    )

    assert_refused(result, field, f"{what} holds '*', as a masked name reads")
    assert "卢" not in result.output  # no personal data said
    assert "李*" not in result.output
    assert seeded.event_count() == before


def test_a_personal_file_cannot_give_a_placeholder(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(
        orjson.dumps({"head_name": "王五", "id_card": id_card(70), "address": "［erased］"})
    )
    path.chmod(0o600)
    before = seeded.event_count()

    result = seeded(f"{IDENTIFY} --members 1 --personal-file {path}", actor="jn-01")

    assert_refused(result, "address", "is a placeholder the ledger shows")
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ("--head-name '[erased]' --id-card {card}", "head_name"),
        ("{change} --phone '[sealed]'", "phone"),
        ("{change} --member-name '[sealed]' --member-name 李四", "member_names"),
    ],
)
def test_household_members_refuses_a_placeholder(seeded: Fupin, options: str, field: str) -> None:
    before = seeded.event_count()

    result = seeded(f"{MEMBERS} {options.format(card=id_card(2), change=CHANGE)}", actor="jn-01")

    assert_refused(result, field, "is a placeholder the ledger shows")
    assert seeded.event_count() == before


IMPORT_HEADER = (
    "ref,effective,document,household,street,village,area,members,labour,willing,head_name,"
    "id_card,phone,member_names\n"
)


@pytest.mark.parametrize(
    ("head", "phone", "field", "rule"),
    [
        ("[erased]", "13800000000", "head_name", "is a placeholder the ledger shows"),
        ("王五", "[sealed]", "phone", "is a placeholder the ledger shows"),
        ("王五", "139-xx", "phone", "holds characters no phone number has"),
    ],
)
def test_an_import_refuses_a_placeholder_or_a_phone_that_is_none(
    seeded: Fupin, tmp_path: Path, head: str, phone: str, field: str, rule: str
) -> None:
    csv = tmp_path / "identify.csv"
    csv.write_text(
        IMPORT_HEADER + f"I-1,2016-08-01,台账X,JH-0071,江南,雄光,rural,1,yes,yes,{head},"
        f"{id_card(71)},{phone},{head}\n",
        encoding="utf-8",
    )
    csv.chmod(0o600)  # personal data: its owner's only (docs/privacy.md)
    before = seeded.event_count()

    result = seeded(f"import {csv}", actor="jn-01")

    assert result.exit_code == 2, result.output
    assert f"{field}: {rule}" in result.output
    assert "Traceback" not in result.output
    assert seeded.event_count() == before


# -- 9: a phone is a phone number ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "rule"),
    [
        ("abc", "holds characters no phone number has"),
        ("139-xx", "holds characters no phone number has"),
        ("5678", "has 4 digits"),
        ("1380000000000000", "has 16 digits"),
        ("138+00000000", "holds characters no phone number has"),
        ("１３８００００００００", "full-width or other non-ASCII digits"),
    ],
)
def test_identify_refuses_a_phone_that_is_none(seeded: Fupin, phone: str, rule: str) -> None:
    before = seeded.event_count()

    result = seeded(f"{IDENTIFY} --members 1 {HEAD} --phone '{phone}'", actor="jn-01")

    assert_refused(result, "phone", rule)
    assert "7 to 15 digits" in result.stderr or "half-width" in result.stderr
    if phone.isascii() and any(c.isdigit() for c in phone):
        assert phone not in result.stderr  # the refusal quotes nothing of the number
    assert seeded.event_count() == before


@pytest.mark.parametrize(
    "phone", ["13800000000", "+86 138 0000 0000", "0750-3123456", "(0750) 312 3456", "3123456"]
)
def test_identify_takes_mobile_and_landline_numbers(seeded: Fupin, phone: str) -> None:
    seeded.ok(f"{IDENTIFY} --members 1 {HEAD} --phone '{phone}'", actor="jn-01")

    assert _personal(seeded, "JH-0070")["phone"] == phone


def test_a_household_without_a_phone_is_still_identified(seeded: Fupin) -> None:
    seeded.ok(f"{IDENTIFY} --members 1 {HEAD}", actor="jn-01")

    assert _personal(seeded, "JH-0070")["phone"] == ""


def test_household_members_refuses_a_phone_that_is_none_and_keeps_an_empty_one(
    seeded: Fupin,
) -> None:
    before = seeded.event_count()

    result = seeded(f"{MEMBERS} {CHANGE} --phone abc", actor="jn-01")

    assert_refused(result, "phone", "holds characters no phone number has")
    assert seeded.event_count() == before
    seeded.ok(f"{MEMBERS} {CHANGE} --phone ''", actor="jn-01")
    assert _personal(seeded, "JH-0002")["phone"] == ""


# -- 10: notice and the reports check --as; the report's label without the master key ----------

NOTICE = "notice --street 江南 --from 2016-08-01 --to 2016-08-31"
REPORTS = [
    "report caseload",
    "report funds",
    "report accountability",
    f"{NOTICE}",
    "export report funds --format json",  # review of the privacy round: it took any --as
]


@pytest.mark.parametrize("command", REPORTS)
def test_an_unknown_reader_is_refused(seeded: Fupin, command: str) -> None:
    result = seeded(command, actor="ghost")

    assert_refused(result, "as", "'ghost' is not a registered officer")
    assert result.stdout == ""


@pytest.mark.parametrize("command", REPORTS)
def test_a_retired_reader_is_refused(seeded: Fupin, command: str) -> None:
    seeded.ok("officer retire ll-01 --reason 退休 -d 退休通知 -e 2016-10-01", actor="admin")

    result = seeded(command, actor="ll-01")

    assert_refused(result, "as", "ll-01 has retired")


@pytest.mark.parametrize("command", REPORTS)
def test_an_active_reader_and_nobody_are_still_served(seeded: Fupin, command: str) -> None:
    seeded.ok(command, actor="ana-1")
    seeded.ok(command)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # the file's label, one store
def test_a_report_without_the_master_key_says_its_personal_data_is_sealed(
    seeded: Fupin, tmp_path: Path
) -> None:
    out = tmp_path / "nokey.html"
    unset = {"LEDGER_MASTER_KEY": None, "LEDGER_MASTER_KEY_FILE": None}

    result = seeded.runner.invoke(
        app, ["--as", "admin", "report", "html", "--out", str(out)], env=unset
    )

    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "reader admin: personal data sealed" in page
    assert '<span lang="en">Dossiers</span> 一户一档' in page
    said = re.sub(r"<[^>]+>", "", page)  # its English and Chinese marked apart by lang
    assert "personal data sealed 未解密 (no master key" in said  # the dossiers' note too
    assert "personal data in full" not in page


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_report_with_the_master_key_still_says_in_full(seeded: Fupin, tmp_path: Path) -> None:
    out = tmp_path / "key.html"

    seeded.ok(f"report html --out {out}", actor="admin")

    said = re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))  # lang spans apart
    assert "reader admin: personal data in full 未脱敏" in said
