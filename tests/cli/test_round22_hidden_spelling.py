"""Session 22: ``fupin query 'SELECT count(*) AS n FROM Household_Keys'`` (or
``HOUSEHOLD_KEYS``, ``main.household_keyS``) printed the number of wrapped household keys, for
an analyst and a reader with no ``--as`` alike, while ``... FROM household_keys`` was refused:
SQLite names a table read for no column as the query spelled it, and the authorizer compared
that name case-sensitively. Every spelling is refused now, naming the table (docs/privacy.md).
PostgreSQL folds an unquoted name to lower case before its plan names it: the same refusal;
a quoted ``"Household_Keys"`` is another table there, which does not exist."""

from __future__ import annotations

import pytest
from cli.main import app

from tests.cli.conftest import Fupin, assert_refused

HIDDEN = "no query may read household_keys (the wrapped household keys"


@pytest.mark.parametrize("actor", ["ana-1", None])
@pytest.mark.parametrize(
    "table",
    [
        "Household_Keys",
        "HOUSEHOLD_KEYS",
        "household_keyS",
        "main.HOUSEHOLD_KEYS",
        "MAIN.Household_Keys",
        '"Household_Keys"',
        'main."HOUSEHOLD_KEYS"',
    ],
)
def test_a_count_of_the_key_table_is_refused_however_it_is_spelled(
    seeded: Fupin, table: str, actor: str | None
) -> None:
    sql = f"SELECT count(*) AS n FROM {table}"
    if seeded.store.startswith("postgresql://"):
        sql = sql.replace("main.", "public.").replace("MAIN.", "PUBLIC.")

    refused = seeded.runner.invoke(app, [*(["--as", actor] if actor else []), "query", sql])

    if seeded.store.startswith("postgresql://") and '"' in table:
        assert_refused(refused, "sql", "does not exist")  # another table to PostgreSQL
    elif seeded.store.startswith("postgresql://"):
        assert_refused(refused, "sql", "permission denied for table household_keys")
    else:
        assert_refused(refused, "sql", HIDDEN)
    assert refused.stdout == ""


@pytest.mark.parametrize("table", ["Household_Keys", '"HOUSEHOLD_KEYS"'])
def test_a_column_of_the_key_table_is_refused_however_it_is_spelled(
    seeded: Fupin, table: str
) -> None:
    """A read of a column was refused before too (SQLite names the table as created then):
    kept so."""
    refused = seeded(f"query 'SELECT wrapped_key FROM {table}'", "ana-1")

    if seeded.store.startswith("postgresql://") and '"' in table:
        assert_refused(refused, "sql", "does not exist")  # another table to PostgreSQL
    else:
        assert_refused(refused, "sql", "household_keys")
