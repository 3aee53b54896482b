"""Session 28, re-tester N (a cryptographer): ``tools/verify_bundle.py`` as strict as the
ledger. A consistency bundle whose older checkpoint is signed after the newer one (beyond the
clock tolerance, the ledger's, copied) is not verified: the bundle shows by itself an older
tree head signed later (docs/audit-guide.md §4). A key given twice in one JSON object, at any
depth, is refused naming it, by the tool in a bundle and by fupin in a checkpoint file (the
last copy was kept). A field fupin does not write, in a checkpoint, a bundle or a bundle's
event, is not verified, in the words of fupin's refusal of a checkpoint's. After a log-key
rotation, prove-consistency's hint gives --log-key once for each key, as the tool takes them.
A size of thousands of digits, or of 2^63 or more, is refused naming the field and the rule,
the same by both."""

from __future__ import annotations

import copy
import json
import re
import shlex
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ledger import clock
from ledger.transparency import CHECKPOINT_FIELDS, LARGEST_SIZE

from tests.cli.conftest import assert_refused, doc
from tests.cli.test_round22_bundle_files import Proven, proven
from tests.cli.test_round24_keys import Keys, _new_key, keys
from tests.cli.test_round28_consistency import _prove, _signed, _tool, two
from tests.integration.test_verify_bundle_malformed import vb

STORE_INDEPENDENT = "the bundles are checked offline, by the tool, with no store"

__all__ = ["keys", "proven", "two"]  # the fixtures, used by name


def _bundle(keys: Keys) -> Any:
    assert _prove(keys).exit_code == 0
    return json.loads((keys.folder / "p.json").read_text(encoding="utf-8"))


def _later(time: str, **delta: float) -> str:
    return (datetime.fromisoformat(time) + timedelta(**delta)).isoformat()


def test_the_tool_allows_the_ledgers_clock_tolerance() -> None:
    # the tool is one file: it copies the tolerance, and this keeps the copy the ledger's
    assert vb.CLOCK_TOLERANCE == clock.CLOCK_TOLERANCE


def test_an_older_checkpoint_signed_after_the_newer_is_not_verified(
    two: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _bundle(two)
    stale = _later(bundle["to"]["time"], days=30)
    bundle["from"] = _signed(two, bundle["from"], time=stale)  # a forger with the log key

    code, out, err = _tool(two, bundle, capsys)

    assert (code, out) == (1, "")
    assert err.startswith(
        f"NOT VERIFIED: BundleError: the older checkpoint (from): its time {stale} is more "
        "than 10 minutes after the time of the newer checkpoint (to)"
    ), err
    assert "an older tree head signed later" in err
    assert "(docs/audit-guide.md §4)" in err


@pytest.mark.parametrize("minutes", [10, 9])
def test_an_older_checkpoint_signed_within_the_clock_tolerance_after_is_verified(
    two: Keys, capsys: pytest.CaptureFixture[str], minutes: int
) -> None:
    bundle = _bundle(two)
    bundle["from"] = _signed(
        two, bundle["from"], time=_later(bundle["to"]["time"], minutes=minutes)
    )

    code, _, err = _tool(two, bundle, capsys)

    assert (code, err) == (0, "")


def test_one_head_signed_twice_later_is_verified(
    two: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    # equal sizes: the same tree, signed again; nothing says the log held more then
    assert _prove(two, "cp2.json", "cp2.json").exit_code == 0
    bundle = json.loads((two.folder / "p.json").read_text(encoding="utf-8"))
    bundle["from"] = _signed(two, bundle["from"], time=_later(bundle["to"]["time"], days=1))

    code, _, err = _tool(two, bundle, capsys)

    assert (code, err) == (0, "")


# --- finding 2: a key given twice, in a bundle or a checkpoint file, is refused ---


def _twice(text: str, key: str, first: str) -> str:
    """``text`` (JSON) with ``"key": first`` given before the first ``"key":``."""
    at = text.index(f'"{key}":')
    return f'{text[:at]}"{key}": {first}, {text[at:]}'


@pytest.mark.parametrize(
    ("key", "first"), [("kind", '"household"'), ("to", "{}"), ("size", "15832")]
)
def test_a_bundle_giving_a_key_twice_at_any_depth_is_not_verified(
    two: Keys, capsys: pytest.CaptureFixture[str], key: str, first: str
) -> None:
    assert _prove(two).exit_code == 0
    path = two.folder / "p.json"
    path.write_text(_twice(path.read_text(encoding="utf-8"), key, first), encoding="utf-8")

    code = vb.main([str(path)])
    out, err = capsys.readouterr()

    assert (code, out) == (1, "")
    assert err == (
        f"NOT VERIFIED: BundleError: the bundle: its field {key!r} is given twice (in one JSON "
        "object): a JSON reader keeps either copy, so the bundle does not say one thing; give "
        "it once\n"
    )


def test_a_checkpoint_file_giving_a_field_twice_is_refused_naming_it(two: Keys) -> None:
    cp1 = two.folder / "cp1.json"
    size = json.loads(cp1.read_text(encoding="utf-8"))["size"]
    dup = two.folder / "c_dup.json"
    dup.write_text(_twice(cp1.read_text(encoding="utf-8"), "size", str(size + 1)), "utf-8")
    said = (
        f"{dup}: its field 'size' is given twice (in one JSON object): a JSON reader keeps "
        "either copy, so the file does not say one thing; give it once"
    )

    verified = two.fupin(f"verify --checkpoint {dup}")
    out = two.folder / "x.json"
    proven = two.fupin(f"prove-consistency --from {dup} --to {two.folder / 'cp2.json'} -o {out}")

    assert_refused(verified, "checkpoint", said)
    assert_refused(proven, "checkpoint", said)
    assert not out.exists()


# --- finding 3: a field fupin does not write is refused, as fupin refuses a checkpoint's ---


def test_the_tool_knows_the_fields_fupin_writes(
    two: Keys, proven: Proven, capsys: pytest.CaptureFixture[str]
) -> None:
    consistency = _bundle(two)

    assert vb.CHECKPOINT_FIELDS == CHECKPOINT_FIELDS
    assert tuple(consistency) == vb.CONSISTENCY_FIELDS
    assert tuple(proven.bundle) == vb.HOUSEHOLD_FIELDS
    assert {tuple(event) for event in proven.bundle["events"]} == {vb.EVENT_FIELDS}


def _run(bundle: Any, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = folder / "checked.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    code = vb.main([str(path)])
    out, err = capsys.readouterr()
    return code, out, err


CHECKPOINT_SAID = (
    "its field comment is not a checkpoint's (a version 1 checkpoint has version, log, size, "
    "root, time, key_id, public_key, signature)"
)


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (("from",), f"the older checkpoint (from): {CHECKPOINT_SAID}"),
        (("to",), f"the newer checkpoint (to): {CHECKPOINT_SAID}"),
        (
            (),
            "the bundle: its field comment is not a consistency bundle's (a version 1 "
            "consistency bundle has version, kind, from, to, proof)",
        ),
    ],
    ids=["from", "to", "bundle"],
)
def test_a_consistency_bundle_with_a_field_of_its_own_is_not_verified(
    two: Keys, capsys: pytest.CaptureFixture[str], where: tuple[str, ...], said: str
) -> None:
    bundle = _bundle(two)
    holder = bundle[where[0]] if where else bundle
    holder["comment"] = "signed by the city office"

    code, out, err = _run(bundle, two.folder, capsys)

    assert (code, out, err) == (1, "", f"NOT VERIFIED: BundleError: {said}\n")


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (("checkpoint",), f"the checkpoint: {CHECKPOINT_SAID}"),
        (
            (),
            "the bundle: its field comment is not a household bundle's (a version 1 household "
            "bundle has version, household, aggregate_id, checkpoint, events)",
        ),
        (
            ("events", 0),
            "event 1 of the bundle: its field comment is not an event's (an event of a bundle "
            "has index, leaf, proof, summary)",
        ),
    ],
    ids=["checkpoint", "bundle", "event"],
)
def test_a_household_bundle_with_a_field_of_its_own_is_not_verified(
    proven: Proven,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: tuple[Any, ...],
    said: str,
) -> None:
    bundle = copy.deepcopy(proven.bundle)
    assert _run(bundle, tmp_path, capsys)[0] == 0
    holder = bundle
    for step in where:
        holder = holder[step]
    holder["comment"] = "signed by the city office"

    code, out, err = _run(bundle, tmp_path, capsys)

    assert (code, out, err) == (1, "", f"NOT VERIFIED: BundleError: {said}\n")


def test_an_event_without_its_summary_is_verified(
    proven: Proven, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the summary is for a person opening the file: no proof covers it, none needs it
    bundle = copy.deepcopy(proven.bundle)
    for event in bundle["events"]:
        del event["summary"]

    code, _, err = _run(bundle, tmp_path, capsys)

    assert (code, err) == (0, "")


def test_fupin_refuses_a_checkpoint_with_a_field_of_its_own_in_the_tools_words(
    two: Keys,
) -> None:
    cp1 = json.loads((two.folder / "cp1.json").read_text(encoding="utf-8"))
    extra = two.folder / "extra.json"
    extra.write_text(json.dumps({**cp1, "comment": "x"}), encoding="utf-8")

    assert_refused(two.fupin(f"verify --checkpoint {extra}"), "checkpoint", CHECKPOINT_SAID)


# --- finding 4: after a log-key rotation, the hint gives --log-key once for each key ---


def test_the_hint_after_a_log_key_rotation_is_a_command_line_the_tool_takes(
    two: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    first = json.loads((two.folder / "cp1.json").read_text(encoding="utf-8"))["key_id"]
    public, second = _new_key(two.fupin, two.folder / "l2.key")
    two.fupin.ok(f"{two.key('admin.key')} keys register-log {public} {doc('2016-09-11')}", "admin")
    two.fupin.ok(
        f"{two.key('admin.key')} checkpoint --log-key {two.folder / 'l2.key'} "
        f"--out {two.folder / 'cp3.json'} {doc('2016-09-12')}",
        "admin",
    )

    result = _prove(two, "cp1.json", "cp3.json")

    assert result.exit_code == 0, result.output
    (hint,) = [line for line in result.stdout.splitlines() if line.startswith("check it offline")]
    assert (
        "--log-key <the district's log key, obtained from the district office: the older " in hint
    )
    assert f"signed by {first}> --log-key <the key that replaced it" in hint
    assert hint.endswith(f"the newer checkpoint is signed by {second}>")
    # followed, each <…> replaced by the key id it names, the command verifies the bundle
    command = shlex.split(re.sub(r"<[^>]*signed by ([0-9a-f]{16})>", r"\1", hint))
    assert command[3:6] == ["python", "tools/verify_bundle.py", str(two.folder / "p.json")]
    assert vb.main(command[5:]) == 0, capsys.readouterr().err


def test_one_log_key_given_for_two_is_a_usage_error_saying_it_is_repeatable(
    two: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _prove(two).exit_code == 0
    key = json.loads((two.folder / "cp1.json").read_text(encoding="utf-8"))["key_id"]

    with pytest.raises(SystemExit) as exit:
        vb.main([str(two.folder / "p.json"), "--log-key", f"{key}, {key}"])

    assert exit.value.code == 2
    assert "--log-key is repeatable: give one key each time (--log-key KEY1 --log-key KEY2)" in (
        capsys.readouterr().err
    )


# --- finding 5: a size of thousands of digits is refused naming the field and the rule ---

HUGE = "9" * 5000  # more digits than Python reads (4300) as a number


def _with_size(text: str, size: str) -> str:
    """A checkpoint's or a bundle's JSON ``text`` with its last ``"size"`` made ``size``."""
    return re.sub(r'("size": )\d+(?!.*"size": )', rf"\g<1>{size}", text, flags=re.DOTALL)


def test_the_tool_bounds_a_size_as_the_ledger_does() -> None:
    assert vb.LARGEST_SIZE == LARGEST_SIZE == 2**63


@pytest.mark.parametrize(
    ("size", "shown"), [(HUGE, "a number of 5,000 digits"), (str(2**63), str(2**63))]
)
def test_a_bundle_whose_size_is_too_large_is_not_verified_naming_it(
    two: Keys, capsys: pytest.CaptureFixture[str], size: str, shown: str
) -> None:
    assert _prove(two).exit_code == 0
    path = two.folder / "p.json"
    path.write_text(_with_size(path.read_text(encoding="utf-8"), size), encoding="utf-8")

    code = vb.main([str(path)])
    out, err = capsys.readouterr()

    assert (code, out) == (1, "")
    assert err == (
        f"NOT VERIFIED: BundleError: the newer checkpoint (to): its size is {shown}, not a "
        "whole number at least 1 and below 2^63 (the number of events it covers)\n"
    )


@pytest.mark.parametrize(
    ("size", "shown"), [(HUGE, "a number of 5,000 digits"), (str(2**63), str(2**63))]
)
def test_a_checkpoint_file_whose_size_is_too_large_is_refused_naming_it(
    two: Keys, size: str, shown: str
) -> None:
    big = two.folder / "big.json"
    big.write_text(_with_size((two.folder / "cp1.json").read_text("utf-8"), size), "utf-8")

    result = two.fupin(f"verify --checkpoint {big}")

    assert_refused(
        result,
        "checkpoint",
        f"{big}: its size must be a whole number, at least 1 and below 2^63 (the number of "
        f"events it covers), not {shown}",
    )
