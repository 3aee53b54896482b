"""Read-model tables an older fupin left in another shape, made again on PostgreSQL.

A rebuild on PostgreSQL empties the read models' tables and keeps them
(``PgDatabase.clear_tables``: a table dropped and made again keeps none of the grants
``protect_events`` gave the officers' role), and ``CREATE TABLE IF NOT EXISTS`` leaves a table
that is there as it is. Before session 26 a version that changed a table's columns (schema 27:
``closed_*`` in ``pj_households``) left it in the old shape, and every report after the upgrade
failed (``UndefinedColumn``). Now the rebuild's first transaction compares each table with the
one this version's DDL makes (columns in order with their types, nullability, collations and
defaults; keys and other constraints; each of its indexes there), made as a temporary table and
rolled back. An index a DBA added besides is no other shape (since session 26, tester L: it
was, and the rebuild dropped it), nor is a CHECK constraint (tester V); a column no version
made (a DBA's) refuses every rebuild, naming it (tester V: it was dropped with its data,
unsaid). A table of another shape is dropped and made again by a role that owns it, with the
grants it held given again (on the table and on its columns), its row-level security, policies
and comments, its owner kept, the CHECK constraints added besides made again (else refused) and
the indexes added besides made again where their columns still are (a note names the others),
its storage parameters, its columns' statistics targets and options and its indexes' comments.
A table holding a trigger, a rule, a sequence owned by its column, a statistics object or a
place in a publication is refused, as one a view depends on is (they would be lost), and so is
one whose policy cannot be made again (its column gone). Any other role than the owner is
refused, nothing changed.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import psycopg
from ledger.errors import InputError
from psycopg import sql

__all__ = ["reshape"]

log = logging.getLogger(__name__)

_CREATE_TABLE = re.compile(r"\s*CREATE TABLE IF NOT EXISTS (\w+)\s*(\(.*)", re.I | re.S)
_CREATE_INDEX = re.compile(
    r"\s*CREATE (UNIQUE )?INDEX IF NOT EXISTS (\w+) ON (\w+)\s*(\(.*)", re.I | re.S
)
#: The name the DDL's table is made under to be measured (in a savepoint always rolled back).
_SHAPE = "fupin_table_shape"
#: Columns an older fupin made in a read-model table and this version no longer keeps, by
#: table: a table of another shape made again drops them. Any other column the DDL does not
#: make (a DBA's) refuses the re-make, naming it (since session 26, tester V: it was dropped
#: with its data, unsaid). No version has retired a column yet.
RETIRED: dict[str, frozenset[str]] = {}

_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
    COALESCE(c.collname, ''), COALESCE(pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a
LEFT JOIN pg_collation c ON c.oid = a.attcollation
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""
_CONSTRAINTS = """
SELECT contype::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s
ORDER BY 1, 2
"""
#: Each CHECK constraint by name, with its definition.
_CHECKS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = %s AND contype = 'c' ORDER BY 1
"""
#: Each index as what follows its name and table (``btree (household)``), and whether unique.
_INDEXES = """
SELECT indisunique::text, regexp_replace(pg_get_indexdef(indexrelid), '^.*? USING ', '')
FROM pg_index WHERE indrelid = %s ORDER BY 1, 2
"""
#: Each index neither a key's nor a constraint's, by name, with its whole definition.
_OTHER_INDEXES = """
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = %s AND NOT EXISTS (
    SELECT 1 FROM pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid)
ORDER BY 1
"""
#: The table's owner, whether this role may drop it (its owner, a member of the owner's role, a
#: superuser), and each grant it holds but its owner's own.
_OWNER = """
SELECT c.relowner::regrole::text, pg_has_role(c.relowner, 'MEMBER'),
    c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
FROM pg_class c WHERE c.oid = %s
"""
_GRANTS = """
SELECT '', a.privilege_type, a.is_grantable, COALESCE(r.rolname, ''), g.rolname
FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
JOIN pg_roles g ON g.oid = a.grantor
WHERE c.oid = %s AND a.grantee <> c.relowner
ORDER BY 2, 4, 5
"""
#: Each grant on one column (``GRANT SELECT (street) ON …``) but its owner's own, each with
#: its grantor (since session 26, tester V: a grant an analyst gave was given again by the
#: owner, and a later ``REVOKE … FROM analysts CASCADE`` no longer reached it).
_COLUMN_GRANTS = """
SELECT t.attname, a.privilege_type, a.is_grantable, COALESCE(r.rolname, ''), g.rolname
FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid
CROSS JOIN LATERAL aclexplode(t.attacl) a
LEFT JOIN pg_roles r ON r.oid = a.grantee
JOIN pg_roles g ON g.oid = a.grantor
WHERE t.attrelid = %s AND t.attnum > 0 AND NOT t.attisdropped AND a.grantee <> c.relowner
ORDER BY t.attnum, 2, 4, 5
"""
#: Whether row-level security is on (and forced on the owner), and the table's comment.
_SECURITY = """
SELECT relrowsecurity, relforcerowsecurity, obj_description(oid, 'pg_class')
FROM pg_class WHERE oid = %s
"""
#: Each row-level security policy: its name, whether permissive, its command, its roles ('':
#: PUBLIC), USING and WITH CHECK as SQL.
_POLICIES = """
SELECT p.polname, p.polpermissive, p.polcmd::text,
    ARRAY(SELECT COALESCE(r.rolname, '') FROM unnest(p.polroles) g
        LEFT JOIN pg_roles r ON r.oid = g),
    pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
FROM pg_policy p WHERE p.polrelid = %s ORDER BY 1
"""
_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}
#: Each column's comment, by name.
_COLUMN_COMMENTS = """
SELECT attname, col_description(attrelid, attnum) FROM pg_attribute
WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped
    AND col_description(attrelid, attnum) IS NOT NULL
"""
#: What a table holds that would be lost with it and is not made again (since session 26,
#: tester V: rules, owned sequences, statistics objects and publications were lost, unsaid):
#: a user's triggers (not those a foreign key makes), rules (not a view's ``_RETURN``),
#: sequences owned by its columns, statistics objects, the publications naming it.
_HELD = """
SELECT kind, name FROM (
    SELECT 1, 'trigger', tgname::text FROM pg_trigger WHERE tgrelid = %(t)s AND NOT tgisinternal
    UNION ALL
    SELECT 2, 'rule', rulename::text FROM pg_rewrite
    WHERE ev_class = %(t)s AND rulename <> '_RETURN'
    UNION ALL
    SELECT 3, 'sequence', s.relname || ' (owned by its column ' || a.attname || ')'
    FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        AND d.refobjid = %(t)s AND d.deptype = 'a' AND s.relkind = 'S'
    UNION ALL
    SELECT 4, 'statistics object', stxname::text FROM pg_statistic_ext WHERE stxrelid = %(t)s
    UNION ALL
    SELECT 5, 'publication', p.pubname::text
    FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid
    WHERE r.prrelid = %(t)s
    UNION ALL
    SELECT 6, 'constraint', conname::text FROM pg_constraint
    WHERE conrelid = %(t)s AND contype IN ('u', 'f', 'x')
        AND NOT pg_get_constraintdef(oid) = ANY(%(made)s)
    UNION ALL
    SELECT 7, 'foreign key', conname || ' of table ' || conrelid::regclass::text
    FROM pg_constraint WHERE confrelid = %(t)s AND contype = 'f'
) held (o, kind, name) ORDER BY o, name
"""
_HELD_AS = {
    "trigger": ("the trigger ", "the triggers "),
    "rule": ("the rule ", "the rules "),
    "sequence": ("the sequence ", "the sequences "),
    "statistics object": ("the statistics object ", "the statistics objects "),
    "publication": ("a place in the publication ", "a place in the publications "),
    # A DBA's unique, foreign-key or exclusion constraint, and another table's foreign key to
    # it (the re-make dropped the first unsaid, and the second stops the drop: re-test R).
    "constraint": ("the constraint ", "the constraints "),
    "foreign key": ("the foreign key ", "the foreign keys "),
}
#: Each index's comment (of an index a DBA added, or of one the DDL makes), by name.
_INDEX_COMMENTS = """
SELECT c.relname, obj_description(i.indexrelid, 'pg_class')
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = %s AND obj_description(i.indexrelid, 'pg_class') IS NOT NULL ORDER BY 1
"""
#: The table's storage parameters (``fillfactor=70``), and each column's statistics target
#: (-1: the default) and options (``n_distinct=100``).
_OPTIONS = "SELECT COALESCE(reloptions, '{}') FROM pg_class WHERE oid = %s"
_COLUMN_OPTIONS = """
SELECT attname, attstattarget, COALESCE(attoptions, '{}') FROM pg_attribute
WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped
    AND (attstattarget >= 0 OR attoptions IS NOT NULL)
ORDER BY attnum
"""


@dataclass(frozen=True)
class Shape:
    """A table's columns (in order), constraints and indexes, as the catalog says them."""

    columns: tuple[tuple[Any, ...], ...]
    constraints: tuple[tuple[Any, ...], ...]
    indexes: tuple[tuple[Any, ...], ...]

    def extra(self, wanted: Shape) -> list[str]:
        """The columns of this shape ``wanted`` does not have, in order."""
        need = {column[0] for column in wanted.columns}
        return [str(column[0]) for column in self.columns if column[0] not in need]

    def added_checks(self, wanted: Shape) -> Counter[tuple[Any, ...]]:
        """The CHECK constraints this shape holds besides those of ``wanted`` (a DBA's)."""
        return Counter(c for c in self.constraints if c[0] == "c") - Counter(
            c for c in wanted.constraints if c[0] == "c"
        )

    def unlike(self, wanted: Shape) -> str | None:
        """How this shape differs from ``wanted``, in a few words (None: it does not)."""
        have = [column[0] for column in self.columns]
        need = [column[0] for column in wanted.columns]
        lacking = [name for name in need if name not in have]
        if lacking:
            return f"lacks {_columns(lacking)}"
        extra = self.extra(wanted)
        if extra:
            return f"has {_columns(extra)} this version no longer keeps"
        if self.columns != wanted.columns:
            return "has columns of other types, order, nullability or defaults"
        # Every key and constraint the DDL makes; CHECK constraints a DBA added are kept (since
        # session 26, tester V: they made the table "of another shape").
        # A DBA's unique, foreign-key or exclusion constraint too (re-test R): kept by the
        # rebuild, which only empties the table; a re-make refuses while it holds one.
        added = Counter(c for c in self.constraints if c[0] in "cufx") - Counter(
            c for c in wanted.constraints if c[0] in "cufx"
        )
        if Counter(self.constraints) - added != Counter(wanted.constraints):
            return "has other keys or constraints"
        # Every index the DDL makes, there as it makes it; others a DBA added are kept.
        lacking_indexes = Counter(wanted.indexes) - Counter(self.indexes)
        if lacking_indexes:
            return f"lacks the index {'; '.join(sorted(i[1] for i in lacking_indexes))}"
        return None


def _columns(names: list[str]) -> str:
    return f"column{'s' if len(names) > 1 else ''} {', '.join(names)}"


@dataclass(frozen=True)
class TableDDL:
    """What this version's DDL makes of one table: the table, then its indexes."""

    name: str
    create: str
    indexes: tuple[tuple[str, str, str], ...]  # ("UNIQUE " or "", its name, "(columns)")

    def statements(self, name: str = "", kind: str = "TABLE") -> Iterator[str]:
        """The DDL of the table itself, or (``name``) of one made to be measured, its indexes
        named by the server."""
        yield f"CREATE {kind} {name or self.name} {self.create}"
        for unique, index, columns in self.indexes:
            yield f"CREATE {unique}INDEX {'' if name else index} ON {name or self.name} {columns}"


def tables_of(statements: Iterable[str]) -> list[TableDDL]:
    """Each table the DDL ``statements`` make (as translated for PostgreSQL), with its
    indexes."""
    creates: dict[str, str] = {}
    indexes: dict[str, list[tuple[str, str, str]]] = {}
    for statement in statements:
        table = _CREATE_TABLE.match(statement)
        if table is not None:
            creates[table[1]] = table[2]
            continue
        index = _CREATE_INDEX.match(statement)
        if index is not None:
            indexes.setdefault(index[3], []).append((index[1] or "", index[2], index[4]))
    return [TableDDL(name, ddl, tuple(indexes.get(name, ()))) for name, ddl in creates.items()]


def reshape(
    connection: psycopg.Connection[Any], statements: Sequence[str], trial: bool = False
) -> None:
    """Make again each read-model table there in a shape other than ``statements`` (this
    version's DDL, translated) make; inside the rebuild's first transaction. A ``trial``
    does it all in a savepoint rolled back, notes unsaid: it only refuses what the rebuild
    would refuse, before anything is created (since session 26)."""
    notes: list[str] = []
    if trial:
        with connection.transaction(force_rollback=True):
            _reshape(connection, statements, notes)
        return
    _reshape(connection, statements, notes)
    for note in notes:
        log.warning("%s", note)


def _reshape(
    connection: psycopg.Connection[Any], statements: Sequence[str], notes: list[str]
) -> None:
    for table in tables_of(statements):
        found = _oid(connection, table.name)
        if found is None:
            continue  # made by the schema, as it is
        wanted = _wanted(connection, table)
        if wanted is None:
            continue  # this role may make no table, even a temporary one: cannot compare
        shape = _shape(connection, found)
        retired = RETIRED.get(table.name, frozenset())
        kept = [name for name in shape.extra(wanted) if name not in retired]
        if kept:  # a DBA's, perhaps with data: never dropped unsaid (since session 26)
            many = len(kept) > 1
            raise InputError(
                "store",
                f"the read models' table {table.name} holds {_columns(kept)}, which this "
                f"version does not make (a rebuild would drop {'them' if many else 'it'} with "
                f"{'their' if many else 'its'} data): the store's owner keeps "
                f"{'their' if many else 'its'} data elsewhere if it is wanted and drops "
                f"{'them' if many else 'it'}, then runs `fupin projections rebuild` "
                "(docs/operations.md, upgrades); nothing was changed",
            )
        unlike = shape.unlike(wanted)
        if unlike is not None:
            _make_again(connection, table, wanted, found, unlike, notes)


def _oid(connection: psycopg.Connection[Any], name: str) -> int | None:
    row = connection.execute("SELECT to_regclass(%s)::oid", (name,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _shape(connection: psycopg.Connection[Any], oid: int) -> Shape:
    def rows(query: str) -> tuple[tuple[Any, ...], ...]:
        return tuple(tuple(row) for row in connection.execute(query, (oid,)).fetchall())

    return Shape(rows(_COLUMNS), rows(_CONSTRAINTS), rows(_INDEXES))


def _wanted(connection: psycopg.Connection[Any], table: TableDDL) -> Shape | None:
    """The shape ``table``'s DDL gives, made as a temporary table (else, for a role without
    the TEMP right, in the ledger's schema) in a savepoint rolled back: nothing stays."""
    for kind in ("TEMP TABLE", "TABLE"):
        try:
            with connection.transaction(force_rollback=True):
                for statement in table.statements(_SHAPE, kind):
                    connection.execute(statement)
                oid = _oid(connection, _SHAPE)
                assert oid is not None
                return _shape(connection, oid)
        except psycopg.errors.InsufficientPrivilege:
            continue
    return None


def _make_again(
    connection: psycopg.Connection[Any],
    table: TableDDL,
    wanted: Shape,
    oid: int,
    unlike: str,
    notes: list[str],
) -> None:
    """Drop ``table`` and make it as the DDL says, with its grants and owner, or refuse."""
    row = connection.execute(_OWNER, (oid,)).fetchone()
    assert row is not None
    owner, may_drop, mine = str(row[0]), bool(row[1]), bool(row[2])
    said = f"the read models' table {table.name} {unlike} (not the shape this version makes)"
    if not may_drop:
        raise InputError(
            "store",
            f"{said}, and only its owner ({owner}) may make it again: the store's owner runs "
            "`fupin projections rebuild` (docs/operations.md, upgrades); nothing was changed",
        )
    made = [str(c[1]) for c in wanted.constraints]
    _refuse_held(connection, oid, said, made)
    security = connection.execute(_SECURITY, (oid,)).fetchone()
    assert security is not None
    policies = connection.execute(_POLICIES, (oid,)).fetchall()
    comments = connection.execute(_COLUMN_COMMENTS, (oid,)).fetchall()
    grants = connection.execute(_GRANTS, (oid,)).fetchall()
    column_grants = connection.execute(_COLUMN_GRANTS, (oid,)).fetchall()
    checks = connection.execute(_CHECKS, (oid,)).fetchall()
    index_comments = connection.execute(_INDEX_COMMENTS, (oid,)).fetchall()
    options = connection.execute(_OPTIONS, (oid,)).fetchone()
    assert options is not None
    column_options = connection.execute(_COLUMN_OPTIONS, (oid,)).fetchall()
    ddl_indexes = {index for _, index, _ in table.indexes}
    added = [
        (str(index), str(definition))
        for index, definition in connection.execute(_OTHER_INDEXES, (oid,)).fetchall()
        if index not in ddl_indexes
    ]
    name = sql.Identifier(table.name)
    with _no_dependents(said):
        connection.execute(sql.SQL("DROP TABLE {}").format(name))
    for statement in table.statements():
        connection.execute(statement)
    _indexes_again(connection, table.name, added, notes)
    _checks_again(connection, table.name, said, checks)
    _options_again(connection, table.name, list(options[0]), column_options, index_comments)
    _security_again(connection, name, said, security, policies)
    _comments_again(connection, table.name, security[2], comments)
    if not mine:  # a superuser or a member of the owner's role: the owner stays the owner
        connection.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(name, sql.SQL(owner)))
    # After the owner is handed back: else the grants the owner gives are recorded as given
    # by this role, then by the owner (since session 26, tester V: a grant to this role was
    # lost in the hand-back, and the others' grantors flattened).
    _grants_again(connection, table.name, said, owner, [*grants, *column_grants], notes)


def _refuse_held(connection: psycopg.Connection[Any], oid: int, said: str, made: list[str]) -> None:
    """Refuse to make a table again that holds what would be lost with it (a trigger, a
    rule, a sequence owned by its column, a statistics object, a place in a publication),
    naming each, as a view on it is refused (since session 26)."""
    held: dict[str, list[str]] = {}
    for kind, name in connection.execute(_HELD, {"t": oid, "made": made}).fetchall():
        held.setdefault(str(kind), []).append(str(name))
    if not held:
        return
    many = sum(len(names) for names in held.values()) > 1
    named = ", ".join(
        _HELD_AS[kind][len(names) > 1] + ", ".join(names) for kind, names in held.items()
    )
    how = (
        " (a place in a publication: ALTER PUBLICATION … DROP TABLE)"
        if ("publication" in held)
        else ""
    )
    raise InputError(
        "store",
        f"{said} and cannot be made again while it holds {named} (made again, the table "
        f"would hold {'them' if many else 'it'} no longer): the store's owner drops "
        f"{'them' if many else 'it'}{how}, runs `fupin projections rebuild`, then makes "
        f"{'them' if many else 'it'} again; nothing was changed",
    )


def _options_again(
    connection: psycopg.Connection[Any],
    table: str,
    options: list[str],
    column_options: Sequence[tuple[Any, ...]],
    index_comments: Sequence[tuple[Any, ...]],
) -> None:
    """The table's storage parameters, the statistics targets and options of the columns it
    still has, and the comments of the indexes it has again (since session 26, tester V:
    they were lost, unsaid)."""
    name = sql.Identifier(table)

    def settings(pairs: list[str]) -> sql.Composable:
        return sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.SQL(key), sql.Literal(value))
            for key, _, value in (pair.partition("=") for pair in pairs)
        )

    if options:
        connection.execute(sql.SQL("ALTER TABLE {} SET ({})").format(name, settings(options)))
    oid = _oid(connection, table)
    assert oid is not None
    kept = {str(row[0]) for row in connection.execute(_COLUMNS, (oid,)).fetchall()}
    for column, target, pairs in column_options:
        if str(column) not in kept:
            continue
        alter = sql.SQL("ALTER TABLE {} ALTER COLUMN {} ").format(name, sql.Identifier(str(column)))
        if target >= 0:
            connection.execute(alter + sql.SQL("SET STATISTICS {}").format(sql.Literal(target)))
        if pairs:
            connection.execute(alter + sql.SQL("SET ({})").format(settings(list(pairs))))
    for index, comment in index_comments:
        if _oid(connection, str(index)) is not None:
            connection.execute(
                sql.SQL("COMMENT ON INDEX {} IS {}").format(
                    sql.Identifier(str(index)), sql.Literal(comment)
                )
            )


def _checks_again(
    connection: psycopg.Connection[Any],
    table: str,
    said: str,
    checks: Sequence[tuple[Any, ...]],
) -> None:
    """Each CHECK constraint the table held that the table made again lacks (a DBA's), made
    again from its definition; one that cannot be (its column gone) refuses the whole
    rebuild (since session 26, tester V: they were lost, unsaid)."""
    oid = _oid(connection, table)
    assert oid is not None
    made = Counter(str(row[1]) for row in connection.execute(_CHECKS, (oid,)).fetchall())
    for check, definition in checks:
        if made[str(definition)] > 0:
            made[str(definition)] -= 1
            continue  # the DDL's own
        try:
            with connection.transaction():
                connection.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        sql.Identifier(table), sql.Identifier(str(check)), sql.SQL(str(definition))
                    )
                )
        except psycopg.Error as exc:
            why = exc.diag.message_primary or type(exc).__name__
            raise InputError(
                "store",
                f"{said} and cannot be made again keeping its CHECK constraint {check} "
                f"({why}): the store's owner drops that constraint, runs `fupin projections "
                "rebuild`, then makes it again; nothing was changed",
            ) from None


def _security_again(
    connection: psycopg.Connection[Any],
    table: sql.Identifier,
    said: str,
    security: tuple[Any, ...],
    policies: Sequence[tuple[Any, ...]],
) -> None:
    """Row-level security as the table had it: each policy made again, then (forced or not)
    enabled; a policy that cannot be made again (its column gone) refuses the whole rebuild,
    never widening what a role sees (since session 26, tester L: a street's analyst saw every
    street)."""
    for policy, permissive, command, roles, using, check in policies:
        statement = sql.SQL("CREATE POLICY {} ON {} AS {} FOR {} TO {}{}{}").format(
            sql.Identifier(policy),
            table,
            sql.SQL("PERMISSIVE" if permissive else "RESTRICTIVE"),
            sql.SQL(_COMMANDS[command]),
            sql.SQL(", ").join(
                sql.Identifier(role) if role else sql.SQL("PUBLIC") for role in roles
            ),
            sql.SQL(f" USING ({using})" if using is not None else ""),
            sql.SQL(f" WITH CHECK ({check})" if check is not None else ""),
        )
        try:
            with connection.transaction():
                connection.execute(statement)
        except psycopg.Error as exc:
            why = exc.diag.message_primary or type(exc).__name__
            raise InputError(
                "store",
                f"{said} and cannot be made again keeping its row-level security: policy "
                f"{policy} cannot be made again on it ({why}): the store's owner drops that "
                "policy (or row-level security), runs `fupin projections rebuild`, then makes "
                "it again; nothing was changed",
            ) from None
    if security[0]:
        connection.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(table))
    if security[1]:
        connection.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(table))


def _comments_again(
    connection: psycopg.Connection[Any],
    table: str,
    comment: str | None,
    comments: Sequence[tuple[Any, ...]],
) -> None:
    """The table's comment, and those of its columns it still has."""
    name = sql.Identifier(table)
    if comment is not None:
        connection.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(name, sql.Literal(comment)))
    oid = _oid(connection, table)
    assert oid is not None
    kept = {str(row[0]) for row in connection.execute(_COLUMNS, (oid,)).fetchall()}
    for column, text in comments:
        if str(column) in kept:
            connection.execute(
                sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
                    name, sql.Identifier(str(column)), sql.Literal(text)
                )
            )


def _grant(
    connection: psycopg.Connection[Any],
    privilege: str,
    columns: sql.Composable,
    table: sql.Identifier,
    grantee: str,
    grantable: bool,
) -> None:
    connection.execute(
        sql.SQL("GRANT {}{} ON {} TO {}{}").format(
            sql.SQL(privilege),
            columns,
            table,
            sql.Identifier(grantee) if grantee else sql.SQL("PUBLIC"),
            sql.SQL(" WITH GRANT OPTION" if grantable else ""),
        )
    )


def _grants_again(
    connection: psycopg.Connection[Any],
    table: str,
    said: str,
    owner: str,
    grants: Sequence[tuple[Any, ...]],
    notes: list[str],
) -> None:
    """Give again the grants ``table`` held (column '': on the table) each by its grantor,
    a grant after the grant option it needs: as this role, or as the grantor (``SET ROLE``)
    when this role is a member of it; a grant this role cannot give as it was refuses the
    whole rebuild, naming it (since session 26, tester V: grantors were flattened to the
    owner). A note names those on columns the table no longer has (tester L: all were
    lost)."""
    oid = _oid(connection, table)
    assert oid is not None
    kept = {str(row[0]) for row in connection.execute(_COLUMNS, (oid,)).fetchall()}
    row = connection.execute("SELECT current_user").fetchone()
    assert row is not None
    user = str(row[0])
    every = [_as_grant(g) for g in grants]
    gone = [g for g in every if g[0] and g[0] not in kept]
    pending = [g for g in every if g not in gone]
    wanted = Counter(pending)
    held: set[tuple[str, str, str]] = set()  # (role, privilege, column or '') grantable

    def may(grantor: str, privilege: str, column: str) -> bool:
        return (
            grantor == owner
            or (grantor, privilege, "") in held
            or (bool(column) and (grantor, privilege, column) in held)
        )

    while pending:
        ready = [g for g in pending if may(str(g[4]), str(g[1]), str(g[0]))]
        if not ready:
            _refuse_grant(said, pending[0], "its grantor holds no grant option to give it")
        for grant in ready:
            column, privilege, grantable, grantee, _ = grant
            _give_as(connection, table, said, user, grant)
            if grantable:
                held.add((str(grantee), str(privilege), str(column)))
            pending.remove(grant)
    given = Counter(
        _as_grant(g)
        for query in (_GRANTS, _COLUMN_GRANTS)
        for g in connection.execute(query, (oid,)).fetchall()
    )
    for grant in (wanted - given) + (given - wanted):
        _refuse_grant(said, grant, "PostgreSQL records it otherwise when given again")
    if gone:
        many = len(gone) > 1
        names = [f"{g[1]} ({g[0]}) TO {g[3] or 'PUBLIC'}" for g in gone]
        notes.append(
            f"the read models' table {table} was made again in this version's shape, and its "
            f"grant{'s' if many else ''} {', '.join(names)} {'were' if many else 'was'} not "
            f"given again: the column{'s are' if many else ' is'} gone"
        )


def _as_grant(row: Sequence[Any]) -> tuple[str, str, bool, str, str]:
    """A grant as (column or '', privilege, grantable, grantee or '', grantor)."""
    return (str(row[0]), str(row[1]), bool(row[2]), str(row[3]), str(row[4]))


def _said_grant(grant: tuple[Any, ...]) -> str:
    column, privilege, grantable, grantee, grantor = grant
    return (
        f"{privilege}{f' ({column})' if column else ''} TO {grantee or 'PUBLIC'}"
        f"{' WITH GRANT OPTION' if grantable else ''} given by {grantor}"
    )


def _refuse_grant(said: str, grant: tuple[Any, ...], why: str) -> NoReturn:
    raise InputError(
        "store",
        f"{said} and cannot be made again keeping its grant {_said_grant(grant)} ({why}): the "
        "store's owner revokes it (or runs `fupin projections rebuild` as a role that is a "
        "member of its grantor), runs `fupin projections rebuild`, then gives it again; "
        "nothing was changed",
    )


def _give_as(
    connection: psycopg.Connection[Any],
    table: str,
    said: str,
    user: str,
    grant: tuple[Any, ...],
) -> None:
    """Give ``grant`` as its grantor: this role, or one it is a member of (``SET ROLE``)."""
    column, privilege, grantable, grantee, grantor = grant
    columns = sql.SQL(" ({})").format(sql.Identifier(column)) if column else sql.SQL("")
    if grantor == user:
        _grant(connection, privilege, columns, sql.Identifier(table), grantee, grantable)
        return
    row = connection.execute("SELECT pg_has_role(%s, 'MEMBER')", (grantor,)).fetchone()
    if row is None or not row[0]:
        _refuse_grant(said, grant, f"this role ({user}) is no member of {grantor}")
    connection.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(grantor)))
    try:
        _grant(connection, privilege, columns, sql.Identifier(table), grantee, grantable)
    finally:
        connection.execute("RESET ROLE")


def _indexes_again(
    connection: psycopg.Connection[Any],
    table: str,
    added: list[tuple[str, str]],
    notes: list[str],
) -> None:
    """Make again the indexes a DBA added to ``table`` (``added``: name, definition), each
    in a savepoint; a note names those whose columns are gone."""
    lost: list[str] = []
    for index, definition in added:
        try:
            with connection.transaction():
                connection.execute(definition)
        except psycopg.Error as exc:
            lost.append(f"{index} ({exc.diag.message_primary or type(exc).__name__})")
    if lost:
        many = len(lost) > 1
        notes.append(
            f"the read models' table {table} was made again in this version's shape without "
            f"the index{'es' if many else ''} {', '.join(lost)}, which it held besides: make "
            f"{'them' if many else 'it'} again on the columns it has"
        )


@contextmanager
def _no_dependents(said: str) -> Iterator[None]:
    """A view (an analyst's, say) on a table to be made again, as a one-line refusal."""
    try:
        yield
    except psycopg.errors.DependentObjectsStillExist as exc:
        detail = (exc.diag.message_detail or "").splitlines()
        which = detail[0] if detail else "another object depends on it"
        raise InputError(
            "store",
            f"{said} and cannot be made again while {which}: the store's owner drops that, runs "
            "`fupin projections rebuild`, then makes it again; nothing was changed",
        ) from None
