"""A rank is a cadre's and a team size a volunteer team's: ``helper add``, ``helper amend`` and
the import's ``register_helper`` and ``amend`` rows refuse either on another kind, naming the
field and the kind, exit code 2, nothing written; a blank rank and a team size of 0 are not
given (as the templates' defaults and the exports write them)."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Fupin, assert_refused, doc

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"


def test_helper_add_and_amend_refuse_a_field_the_kind_has_not(seeded: Fupin) -> None:
    before = seeded.event_count()
    add = f"--name 某 {doc('2016-07-28')}"
    amend = f"--reason 录错 {doc('2018-03-01')}"
    for line, field, rule in (
        (
            f"helper add e-9 --kind enterprise --rank whatever --team-size 50 {add}",
            "rank",
            "an enterprise",
        ),
        (
            f"helper add c-9 --kind cadre --rank section --team-size 50 {add}",
            "team_size",
            "a cadre",
        ),
        (
            f"helper add c-9 --kind cadre --rank clerk {add}",
            "rank",
            "deputy-section 副科级, section 正科级, deputy-division 副处级",
        ),
        (
            f"helper add v-9 --kind volunteer-team --rank section --team-size 10 {add}",
            "rank",
            "a volunteer-team",
        ),
        (f"helper amend sw-1 --rank bureau --team-size 12 {amend}", "rank", "a social-worker"),
        (f"helper amend sw-1 --team-size 12 {amend}", "team_size", "a social-worker"),
        (f"helper amend c-1 --team-size 12 {amend}", "team_size", "a cadre"),
        (f"helper amend c-1 --rank clerk {amend}", "rank", "deputy-section 副科级, section 正科级"),
    ):
        assert_refused(seeded(line, actor="jn-01"), field, rule)
    assert seeded.event_count() == before

    seeded.ok(f"helper add e-9 --kind enterprise --team-size 0 {add}", actor="jn-01")


def test_import_rows_refuse_a_field_the_kind_has_not_and_take_blanks(
    seeded: Fupin, tmp_path: Path
) -> None:
    def row(ref: str, command: str, effective: str, **args: object) -> bytes:
        line = {"command": command, "ref": ref, "actor": "jn-01", "effective": effective}
        return orjson.dumps({**line, "document": "名单", "note": "", "args": args})

    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(
        b"\n".join(
            (
                row(
                    "H-1",
                    "register_helper",
                    "2016-07-28",
                    helper="e-9",
                    kind="enterprise",
                    name="某企业",
                    rank="whatever",
                    team_size=50,
                ),
                row(
                    "H-2",
                    "register_helper",
                    "2016-07-28",
                    helper="c-9",
                    kind="cadre",
                    name="某干部",
                    rank="section",
                    team_size=50,
                ),
                row(
                    "H-3",
                    "amend",
                    "2018-03-01",
                    kind="helper",
                    key="sw-1",
                    rank="bureau",
                    reason="录错",
                ),
            )
        )
    )
    before = seeded.event_count()

    refused = seeded(f"import {bad}", actor="jn-01")

    assert refused.exit_code == 2, refused.output
    assert (
        "bad.jsonl line 1, rank: 'whatever' given, but an enterprise has no rank" in refused.stderr
    )
    assert "bad.jsonl line 2, team_size: 50 given, but a cadre has no team size" in refused.stderr
    assert (
        "bad.jsonl line 3, rank: 'bureau' given, but a social-worker has no rank" in refused.stderr
    )
    assert seeded.event_count() == before
    good = tmp_path / "good.jsonl"
    good.write_bytes(
        row(
            "H-4",
            "register_helper",
            "2016-07-28",
            helper="e-9",
            kind="enterprise",
            name="某企业",
            unit="",
            rank="",
            team_size=0,
        )
    )
    seeded.ok(f"import {good}", actor="jn-01")
