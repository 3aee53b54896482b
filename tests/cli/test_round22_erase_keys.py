"""Session 22, tester (data protection): ``fupin erase`` works with no master key at all but is
refused with a wrong one. Both are kept, and documented (docs/privacy.md, "Erasure"): erasing
destroys the wrapped key and unwraps nothing, so no master key is needed; a master key given
is used to open the household's personal data as the household is loaded, as by every
command, and one that opens none of the stored keys is refused as the wrong key file it most
likely is, before anything is recorded. These tests pin both (no code changed)."""

from __future__ import annotations

import pytest
from ledger.privacy import generate_master_key

from tests.cli.conftest import Fupin, assert_refused

STORE_INDEPENDENT = "the commands' own rules and messages: SQLite is enough (tests/conftest.py)"

ERASE = "erase JH-0002 --reason 本人申请 -d 删除申请1号 -e 2016-08-01"


def test_erase_needs_no_master_key(seeded: Fupin, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as no_key:
        no_key.delenv("LEDGER_MASTER_KEY")
        erased = seeded.ok(ERASE, "admin")

    shown = seeded.ok("household show JH-0002", "admin")

    assert "its key is destroyed" in erased.stdout
    assert "[erased]" in shown.stdout


def test_erase_with_a_wrong_master_key_is_refused_and_records_nothing(
    seeded: Fupin, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded.event_count()
    with monkeypatch.context() as wrong:
        wrong.setenv("LEDGER_MASTER_KEY", generate_master_key())
        result = seeded(ERASE, "admin")

    assert_refused(result, "master_key", "household keys are wrapped under master key")
    assert seeded.event_count() == before
    assert "[erased]" not in seeded.ok("household show JH-0002", "admin").stdout
