"""Session 28, tester H (a street clerk whose CSV files come from Excel and WPS in every
encoding): a GBK file (Excel's plain "CSV (逗号分隔)") whose Chinese bytes happen to be valid
UTF-8 (莫强, C4 AA C7 BF, reads Īǿ) was imported as garbled text, exit 0; such a file is refused
naming the cell and both readings, and ``--encoding gbk`` imports it. A UTF-8 file holding a row
pasted from a GBK file is refused naming the row (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli.importing import read_bytes

from tests.cli.conftest import Fupin

STORE_INDEPENDENT = "the files are refused before the store is written: SQLite is enough"

HELPER = "ref,effective,document,note,helper,kind,name,unit,rank,team_size\n"
VISIT = "ref,effective,document,note,household,helper,summary\n"
SAVE = "save it as 'CSV UTF-8 (逗号分隔)'"


def _helper_file(tmp_path: Path) -> Path:
    """The tester's register_helper.csv: 莫强 of 医院, saved as GBK."""
    path = tmp_path / "register_helper.csv"
    path.write_bytes(
        f"{HELPER}H-9,2016-08-20,doc-1,,sw-9,social-worker,莫强,医院,,\n".encode("gbk")
    )
    return path


def _visit_file(tmp_path: Path) -> Path:
    """The tester's record_visit.csv: a summary 农药 医药, saved as GBK."""
    path = tmp_path / "record_visit.csv"
    path.write_bytes(f"{VISIT}V-9,2016-08-20,doc-1,,JH-0001,c-1,农药 医药\n".encode("gbk"))
    return path


def _column(fupin: Fupin, sql: str) -> list[object]:
    found = fupin.ok(f"query {sql!r} --format json", "admin").stdout
    return [row[0] for row in orjson.loads(found)["rows"]]


def test_the_files_are_gbk_whose_chinese_reads_as_utf8(tmp_path: Path) -> None:
    for path in (_helper_file(tmp_path), _visit_file(tmp_path)):
        path.read_bytes().decode("utf-8")  # no error: that is the fault


@pytest.mark.parametrize("dry_run", ["", "--dry-run "])
def test_a_gbk_file_that_reads_as_utf8_is_refused_naming_the_cell(
    seeded: Fupin, tmp_path: Path, dry_run: str
) -> None:
    before = seeded.event_count()
    for path, said in (
        (_helper_file(tmp_path), "register_helper.csv row 2, name: reads 'Īǿ' as UTF-8 but '莫强'"),
        (
            _visit_file(tmp_path),
            "record_visit.csv row 2, summary: reads 'ũҩ ҽҩ' as UTF-8 but '农药 医药'",
        ),
    ):
        result = seeded(f"import {dry_run}{path}", "jn-01")

        assert result.exit_code == 2, result.output
        line = " ".join(result.stderr.split())
        assert f"{said} as GBK: the file is GBK" in line
        assert SAVE in line
        assert "--encoding gbk" in line
        assert "Traceback" not in result.output
    assert seeded.event_count() == before


def test_the_same_files_are_imported_right_with_encoding_gbk(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(f"import --encoding gbk {_helper_file(tmp_path)}", "jn-01")
    seeded.ok(f"import --encoding GBK {_visit_file(tmp_path)}", "jn-01")

    assert _column(seeded, "SELECT name FROM pj_helpers WHERE helper = 'sw-9'") == ["莫强"]
    assert _column(seeded, "SELECT unit FROM pj_helpers WHERE helper = 'sw-9'") == ["医院"]
    assert "农药 医药" in seeded.ok("history JH-0001", "admin").stdout


def test_a_gbk_file_whose_chinese_is_not_utf8_is_imported_with_encoding_gb18030(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_bytes(f"{VISIT}V-9,2016-08-20,doc-1,,JH-0001,c-1,入户走访\n".encode("gbk"))
    refused = seeded(f"import --dry-run {path}", "jn-01")
    assert refused.exit_code == 2
    assert "--encoding gbk" in refused.stderr  # the plain GBK refusal offers it too

    seeded.ok(f"import --encoding gb18030 {path}", "jn-01")

    assert "入户走访" in seeded.ok("history JH-0001", "admin").stdout


def test_a_utf8_file_with_chinese_and_accents_is_imported(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "register_helper.csv"
    path.write_text(f"{HELPER}H-9,2016-08-20,doc-1,,sw-9,social-worker,José 陈,Nestlé,,\n")

    seeded.ok(f"import {path}", "jn-01")

    assert _column(seeded, "SELECT name FROM pj_helpers WHERE helper = 'sw-9'") == ["José 陈"]


def test_a_utf8_file_with_accents_alone_is_imported_with_encoding_utf8(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "register_helper.csv"
    path.write_text(f"{HELPER}H-9,2016-08-20,doc-1,,sw-9,social-worker,José,,,\n")
    refused = seeded(f"import --dry-run {path}", "jn-01")  # no CJK: it may be GBK
    assert refused.exit_code == 2
    assert "reads 'José' as UTF-8 but" in refused.stderr
    assert "--encoding utf-8 if it is UTF-8 as read" in " ".join(refused.stderr.split())

    seeded.ok(f"import --encoding utf-8 {path}", "jn-01")

    assert _column(seeded, "SELECT name FROM pj_helpers WHERE helper = 'sw-9'") == ["José"]


def test_a_file_starting_with_a_bom_is_utf8_and_never_refused_so(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "register_helper.csv"  # what Excel's "CSV UTF-8" writes
    path.write_bytes(
        f"{HELPER}H-9,2016-08-20,doc-1,,sw-9,social-worker,José,,,\n".encode("utf-8-sig")
    )

    seeded.ok(f"import {path}", "jn-01")

    refused = seeded(f"import --dry-run --encoding gbk {path}", "jn-01")
    assert refused.exit_code == 2
    assert "starts with the UTF-8 byte-order mark" in refused.stderr
    assert "import it without --encoding" in refused.stderr


#: Characters other than CJK a Chinese ledger's cells hold: names (José, Müller, Москва,
#: 阿依古丽·买买提's dot), units and signs (×, °, ℃, ±, ², µ, ¥, ￥, ‰, №), pinyin (lǚ),
#: dashes, quotes and circled numbers.
COMMON = tuple("éüöЖж·×°℃±²µ¥￥‰№ǚ—–“”‘’…①⑴Ⅱ•")


def _refusal(text: str, encoding: str | None = None) -> list[str]:
    _rows, errors = read_bytes("record_visit.csv", text.encode(), encoding=encoding)
    return [e.rule for e in errors if "as GBK" in e.rule]


def test_a_utf8_file_holding_cjk_is_never_refused_as_gbk_whatever_else_it_holds() -> None:
    for char in COMMON:
        text = f"{VISIT}V-9,2016-08-20,走访,,JH-0001,c-1,x{char}x\n"
        assert _refusal(text) == [], char
        assert _refusal(f"{VISIT}V-9,2016-08-20,doc,,JH-0001,c-1,Müller {char} 陈\n") == [], char


def test_which_common_characters_alone_in_a_file_without_cjk_make_it_read_as_gbk() -> None:
    """Measured: a file of no CJK character holding one of these is refused (``--encoding
    utf-8`` takes it); the others (UTF-8's three-byte characters, ℃ — “ …) never are."""
    alone = {
        char for char in COMMON if _refusal(f"{VISIT}V-9,2016-08-20,doc,,JH-0001,c-1,x{char}x\n")
    }

    assert alone == {"é", "ü", "ö", "Ж", "ж", "·", "×", "°", "±", "²", "µ", "¥", "ǚ"}
    for char in alone:
        text = f"{VISIT}V-9,2016-08-20,doc,,JH-0001,c-1,x{char}x\n"
        assert _refusal(text, "utf-8") == [], char


def test_a_row_pasted_from_a_gbk_file_is_named(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "plan_measure.csv"
    header = "ref,effective,document,household,measure,category,description,budget\n"
    path.write_bytes(
        header.encode()
        + "M-1,2016-08-20,doc-1,JH-0001,m-8,education,学费补助,100\n".encode()
        + "M-2,2016-08-20,doc-1,JH-0001,m-9,education,助学金,100\n".encode("gbk")
    )
    before = seeded.event_count()

    result = seeded(f"import {path}", "jn-01")

    assert result.exit_code == 2, result.output
    line = " ".join(result.stderr.split())
    assert (
        "plan_measure.csv row 3, description: is not UTF-8 text (byte 0xD6 at character 1 of "
        "the cell), though the text before it is: a row typed or pasted from a GBK file"
    ) in line
    assert seeded.event_count() == before


def test_a_gbk_file_with_ascii_before_its_first_bad_byte_is_told_of_gbk(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = tmp_path / "record_visit.csv"
    path.write_bytes(f"{VISIT}V-9,2016-08-20,doc,,JH-0001,c-1,入户走访\n".encode("gbk"))

    result = seeded(f"import {path}", "jn-01")

    assert result.exit_code == 2
    assert "record_visit.csv, file: is not UTF-8 text (Excel's and WPS's plain" in result.stderr


def test_an_unknown_encoding_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    result = seeded(f"import --encoding latin1 {_visit_file(tmp_path)}", "jn-01")

    assert result.exit_code == 2
    assert "encoding: 'latin1' is not utf-8 or gb18030" in result.stderr


def test_jsonl_ignores_the_encoding(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    args = {"household": "JH-0001", "helper": "c-1", "summary": "入户"}
    row = {"command": "record_visit", "ref": "V-9", "effective": "2016-08-20"}
    row |= {"document": "doc-1"}
    line = orjson.dumps({**row, "args": args})
    path.write_bytes(line + b"\n")

    seeded.ok(f"import --dry-run --encoding gbk {path}", "jn-01")


def test_the_help_lists_the_option(seeded: Fupin) -> None:
    said = " ".join(seeded.ok("import file --help").stdout.split())
    assert "--encoding" in said
    assert "gb18030" in said


def test_a_utf8_file_imported_with_encoding_gbk_is_refused_not_recorded_garbled(
    seeded: Fupin, tmp_path: Path
) -> None:
    # Session 37's tester k (F14): UTF-8 without a byte-order mark, imported with --encoding
    # gbk, recorded 走访记录 as other characters, exit 0
    path = tmp_path / "record_visit.csv"
    path.write_bytes(f"{VISIT}V-9,2016-08-20,走访记录,,JH-0001,c-1,入户走访\n".encode())
    before = seeded.event_count()

    refused = seeded(f"import --encoding gbk {path}", "jn-01")

    assert refused.exit_code == 2, refused.output
    assert refused.stderr.splitlines()[0] == (
        f"{path}, file: reads as UTF-8 text ('走访记录入户走访'…), not GBK: --encoding gb18030 (or "
        "gbk) would record its Chinese as other characters; import it without --encoding"
    )
    assert seeded.event_count() == before
    seeded.ok(f"import {path}", "jn-01")
    assert "入户走访" in seeded.ok("history JH-0001", "admin").stdout
