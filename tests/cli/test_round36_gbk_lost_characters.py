"""Session 36, tester i (a street clerk's spreadsheets, F13): a 识别 sheet holding rare name
characters 生僻字 (吉𠮷, 王𪚥芳) saved as Excel's plain "CSV (逗号分隔)" (GBK, code page 936)
holds ``?`` for each character GBK has no code for; imported with ``--encoding gbk``, as the
docs advise, the head was recorded as 吉? and a member as 王?芳, exit 0. A name or address of
a CSV read as GBK holding ``?`` is refused, naming the row and column, never the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Fupin
from tests.support import id_card

STORE_INDEPENDENT = "a file refused as it is read, before the store: SQLite is enough"

HEADERS = (
    "编号,记录人,生效日期,文件,户号,街道,村（社区）,城乡,人口,有劳动能力,有意愿,户主姓名,"
    "身份证号,家庭成员,地址"
)


def _sheet(tmp_path: Path, head: str, members: str, address: str = "") -> Path:
    """The tester's identify.csv as Excel writes it in code page 936: ``?`` for what it lacks."""
    row = (
        f"JN-SB-1,jn-01,2016/8/1,低保台账,JN-0101,江南,雄光,农村,2,是,是,{head},{id_card(101)},"
        f"{members},{address}"
    )
    path = tmp_path / "identify.csv"
    path.write_bytes(f"{HEADERS}\r\n{row}\r\n".encode("cp936", errors="replace"))
    path.chmod(0o600)  # personal data: its owner's only
    return path


@pytest.mark.parametrize(
    ("head", "members", "address", "column"),
    [
        ("吉𠮷", "吉𠮷、王𪚥芳", "", "户主姓名"),
        ("吉祥", "吉祥、王𪚥芳", "", "家庭成员"),
        ("吉祥", "吉祥、王芳", "江南街道𠮷村", "地址"),
    ],
)
def test_a_character_gbk_lost_in_a_name_or_address_is_refused(
    seeded: Fupin, tmp_path: Path, head: str, members: str, address: str, column: str
) -> None:
    path = _sheet(tmp_path, head, members, address)
    assert b"?" in path.read_bytes()  # what the plain CSV holds
    before = seeded.event_count()

    refused = seeded(f"import --encoding gbk {path}", "jn-01")

    assert refused.exit_code == 2
    assert (
        f"{path} row 2, {column}: holds '?', which a plain \"CSV (逗号分隔)\" (GBK) writes for a "
        "character GBK has no code for, such as a rare name character 生僻字"
    ) in refused.stderr
    assert "吉" not in refused.stderr  # the name is not quoted
    assert seeded.event_count() == before


def test_a_gbk_sheet_with_no_character_lost_is_imported(seeded: Fupin, tmp_path: Path) -> None:
    path = _sheet(tmp_path, "吉祥", "吉祥、王芳", "江南街道雄光村")

    seeded.ok(f"import --encoding gbk {path}", "jn-01")


def test_a_character_gbk_lost_in_a_helpers_name_is_refused(seeded: Fupin, tmp_path: Path) -> None:
    # Re-tester r, session 36 (F2): a helper's and an officer's name were recorded as 吉?
    path = tmp_path / "register_helper.csv"
    path.write_bytes(
        "ref,effective,document,note,helper,kind,name,unit,rank,team_size\r\n"
        "H-9,2016-08-20,doc-1,,sw-9,social-worker,吉𠮷,医院,,\r\n".encode("cp936", "replace")
    )
    before = seeded.event_count()

    refused = seeded(f"import --encoding gbk {path}", "jn-01")

    assert refused.exit_code == 2
    assert f"{path} row 2, name: holds '?', which a plain" in refused.stderr
    assert seeded.event_count() == before
