"""``household identify|members --personal-file FILE``: personal data given in a file readable
by its owner only (or on standard input, ``-``), never on the command line, where ``ps`` shows
it to every local user and the shell's history keeps it. Options on the command line still
work; a field given both ways, a file others may read, or a file that is no JSON object of the
personal fields is refused naming the field, and nothing is written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused, doc
from tests.support import id_card

PLACE = "--street 江南 --village 雄光 --area rural --members 2"
IDENTIFY = f"household identify JH-0060 {PLACE} {doc('2016-08-01')}"
#: Refused before the store is opened: one store is enough.
BEFORE_THE_STORE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)
FIELDS = {
    "head_name": "王秘密",
    "id_card": id_card(60),
    "phone": "13900001111",
    "address": "江海区雄光村9号",
    "member_names": ["王秘密", "李四"],
}


def personal_file(folder: Path, fields: object, mode: int = 0o600, name: str = "p.json") -> Path:
    path = folder / name
    path.write_bytes(orjson.dumps(fields))
    path.chmod(mode)
    return path


def shown(fupin: Fupin, number: str = "JH-0060") -> dict[str, object]:
    result = fupin.ok(f"household show {number} --format json", actor="admin")
    record: dict[str, object] = orjson.loads(result.stdout)["personal"][0]
    return record


def test_identify_takes_the_personal_fields_from_an_owner_only_file(
    seeded: Fupin, tmp_path: Path
) -> None:
    path = personal_file(tmp_path, FIELDS)

    result = seeded.ok(f"{IDENTIFY} --personal-file {path}", actor="jn-01")

    assert "household JH-0060 identified" in result.stdout
    assert shown(seeded) == FIELDS


def test_identify_reads_the_personal_fields_from_standard_input(seeded: Fupin) -> None:
    result = seeded.runner.invoke(
        app,
        ["--as", "jn-01", *f"{IDENTIFY} --personal-file -".split()],
        input=orjson.dumps(FIELDS).decode(),
    )

    assert result.exit_code == 0, result.output
    assert shown(seeded) == FIELDS


def test_the_file_may_leave_out_what_the_command_line_gives(seeded: Fupin, tmp_path: Path) -> None:
    path = personal_file(tmp_path, {"head_name": "王秘密", "id_card": id_card(60)})

    seeded.ok(
        f"{IDENTIFY} --personal-file {path} --member-name 王秘密 --member-name 李四", actor="jn-01"
    )

    assert shown(seeded) == {
        "head_name": "王秘密",
        "id_card": id_card(60),
        "phone": "",
        "address": "",
        "member_names": ["王秘密", "李四"],
    }


@BEFORE_THE_STORE
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_a_file_the_group_or_others_may_use_is_refused(
    seeded: Fupin, tmp_path: Path, mode: int
) -> None:
    path = personal_file(tmp_path, FIELDS, mode)
    before = seeded.event_count()

    result = seeded(f"{IDENTIFY} --personal-file {path}", actor="jn-01")

    assert_refused(result, "personal_file", f"mode {mode:04o}")
    assert f"chmod 600 {path}" in result.stderr
    assert seeded.event_count() == before


@BEFORE_THE_STORE
@pytest.mark.parametrize(
    ("option", "field"),
    [
        ("--head-name 张三", "head_name"),
        (f"--id-card {id_card(61)}", "id_card"),
        ("--phone 13800000000", "phone"),
        ("--address 雄光村", "address"),
        ("--member-name 张三 --member-name 李四", "member_names"),
    ],
)
def test_a_field_given_both_in_the_file_and_as_an_option_is_refused(
    seeded: Fupin, tmp_path: Path, option: str, field: str
) -> None:
    path = personal_file(tmp_path, FIELDS)
    before = seeded.event_count()

    result = seeded(f"{IDENTIFY} --personal-file {path} {option}", actor="jn-01")

    assert_refused(result, field, "given both in --personal-file and as --")
    assert seeded.event_count() == before


@BEFORE_THE_STORE
@pytest.mark.parametrize(
    ("left_out", "option", "other"),
    [
        ("head_name", "--head-name", f"--id-card {id_card(60)}"),
        ("id_card", "--id-card", "--head-name 张三"),
    ],
)
def test_a_required_field_given_neither_way_is_refused(
    seeded: Fupin, tmp_path: Path, left_out: str, option: str, other: str
) -> None:
    path = personal_file(tmp_path, {k: v for k, v in FIELDS.items() if k != left_out})
    before = seeded.event_count()

    with_file = seeded(f"{IDENTIFY} --personal-file {path}", actor="jn-01")
    without = seeded(f"{IDENTIFY} {other}", actor="jn-01")

    assert_refused(with_file, left_out, f"give {option} or {left_out} in --personal-file")
    assert_refused(without, left_out, f"give {option} or {left_out} in --personal-file")
    assert seeded.event_count() == before


@BEFORE_THE_STORE
@pytest.mark.parametrize(
    ("content", "field", "rule"),
    [
        (b"[1, 2]", "personal_file", "is not a JSON object"),
        (b'{"head_name": "\xe7\x8e\x8b', "personal_file", "is not JSON"),
        (b"\xff\xfe{}", "personal_file", "is not UTF-8"),
        (b'{"head_name": "x", "nmae": "x"}', "personal_file", "field no. 2 is no personal"),
        (b'{"head_name": "a", "head_name": "b"}', "head_name", "more than once"),
        (b'{"head_name": 12}', "head_name", "must be text"),
        (b'{"phone": null}', "phone", "must be text"),
        (b'{"member_names": "a,b"}', "member_names", "must be a list of names"),
        (b'{"member_names": ["a", 2]}', "member_names", "must be a list of names"),
        (b'{"address": "a\\u0001b"}', "address", "control character"),
    ],
)
def test_a_file_that_is_no_object_of_the_personal_fields_is_refused(
    seeded: Fupin, tmp_path: Path, content: bytes, field: str, rule: str
) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(content)
    path.chmod(0o600)
    before = seeded.event_count()

    result = seeded(f"{IDENTIFY} --personal-file {path}", actor="jn-01")

    assert_refused(result, field, rule)
    assert seeded.event_count() == before


@BEFORE_THE_STORE
def test_a_refusal_of_the_file_quotes_none_of_its_content(seeded: Fupin, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"head_name": "王秘密", "id_card": "440704198001010608" x}')
    path.chmod(0o600)

    result = seeded(f"{IDENTIFY} --personal-file {path}", actor="jn-01")

    assert_refused(result, "personal_file", "is not JSON")
    assert "王秘密" not in result.output
    assert "198001010608" not in result.output


@BEFORE_THE_STORE
@pytest.mark.parametrize("what", ["missing", "folder"])
def test_a_file_that_cannot_be_read_is_refused(seeded: Fupin, tmp_path: Path, what: str) -> None:
    path = tmp_path / "p.json"
    if what == "folder":
        path.mkdir()

    result = seeded(f"{IDENTIFY} --personal-file {path}", actor="jn-01")

    assert_refused(result, "personal_file", f"cannot read {str(path)!r}")


def test_members_keeps_what_the_file_leaves_out_and_records_none_for_empty(
    seeded: Fupin, tmp_path: Path
) -> None:
    seeded.ok(f"{IDENTIFY} --personal-file {personal_file(tmp_path, FIELDS)}", actor="jn-01")
    change = personal_file(
        tmp_path,
        {"head_name": "王秘密", "id_card": id_card(60), "address": "", "member_names": []},
        name="change.json",
    )

    result = seeded.ok(
        f"household members JH-0060 --members 3 --note 新生儿出生 --personal-file {change} "
        f"{doc('2016-09-15')}",
        actor="jn-01",
    )

    assert "now has 3 members (phone as on record)" in result.stdout
    assert shown(seeded) == {**FIELDS, "address": "", "member_names": []}


def test_members_refuses_a_field_given_both_ways(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(f"{IDENTIFY} --personal-file {personal_file(tmp_path, FIELDS)}", actor="jn-01")
    before = seeded.event_count()

    result = seeded(
        f"household members JH-0060 --members 2 --note x --phone 1 "
        f"--personal-file {personal_file(tmp_path, FIELDS, name='c.json')} {doc('2016-09-15')}",
        actor="jn-01",
    )

    assert_refused(result, "phone", "given both in --personal-file and as --phone")
    assert seeded.event_count() == before


def test_members_refuses_a_blank_name_in_the_file(seeded: Fupin, tmp_path: Path) -> None:
    seeded.ok(f"{IDENTIFY} --personal-file {personal_file(tmp_path, FIELDS)}", actor="jn-01")
    change = {"head_name": "王秘密", "id_card": id_card(60), "member_names": ["王秘密", " "]}
    before = seeded.event_count()

    result = seeded(
        "household members JH-0060 --members 2 --note x "
        f"--personal-file {personal_file(tmp_path, change, name='c.json')} {doc('2016-09-15')}",
        actor="jn-01",
    )

    assert_refused(result, "member_names", "the name of member 2 of 2 is blank")
    assert seeded.event_count() == before


ARGS = (str(Path(sys.executable).with_name("fupin")), "--store")


@pytest.mark.parametrize("given", ["-", "/dev/stdin"])
def test_a_file_others_may_read_is_refused_on_standard_input_too(
    tmp_path: Path, given: str
) -> None:
    """A review: `--personal-file - < p.json` read a 0644 file the named route refuses, and
    `/dev/stdin < p.json` told the officer to `chmod 600 /dev/stdin` (the terminal). Run as a
    process: only a real standard input has a mode to check."""
    path = personal_file(tmp_path, FIELDS, 0o644)
    command = f"{IDENTIFY} --personal-file"
    with path.open("rb") as stdin:
        result = subprocess.run(
            [*ARGS, str(tmp_path / "none.db"), "--as", "jn-01", *f"{command} {given}".split()],
            stdin=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, "FUPIN_NO_HELP_CACHE": "1"},
            check=False,
        )

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("refused personal_file: the file given on standard input")
    assert "mode 0644" in result.stderr
    assert "chmod 600 that file" in result.stderr
    assert "/dev/stdin`" not in result.stderr


def test_a_field_that_is_none_is_refused_without_quoting_its_name(
    seeded: Fupin, tmp_path: Path
) -> None:
    """A review: the name of an unknown field is content too (an ID number typed as a key)."""
    path = personal_file(tmp_path, {**FIELDS, "440704198001010609": "", "王秘密": ""})

    result = seeded(f"{IDENTIFY} --personal-file {path}", actor="jn-01")

    assert_refused(result, "personal_file", "field no. 6 is no personal field")
    assert "440704198001010609" not in result.stderr + result.stdout
    assert "王秘密" not in result.stderr + result.stdout
