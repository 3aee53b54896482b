"""``fupin household show HOUSEHOLD``: the household's dossier 一户一档 from the read models."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from projections import api
from projections.dossier import COLUMNS as DOSSIER_COLUMNS
from projections.dossier import say_imported

from cli.common import err_console, ledger_session, refusals
from cli.privacy import reader_of
from cli.reports import (
    AsOfOption,
    FormatOption,
    KnownAtOption,
    OutputFormat,
    emit,
    emit_report,
    times,
)

SECTIONS = tuple(DOSSIER_COLUMNS)


@refusals
def show(
    household: Annotated[str, typer.Argument(help="Household number 户号.")],
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """The household's current state 一户一档: facts, helpers, visits, measures, incomes,
    exit, return to poverty 返贫, payments, employment 就业 (both since session 23), findings."""
    day, moment = times(as_of, known_at)
    with ledger_session() as app:
        # Who reads first: an unknown --as learns nothing, not even whether the household is
        # on record (tester C, session 28: "no household 'x' on record" came before it).
        reader = reader_of(app)
        moment = api.settle_known_at(app, moment)  # one label for the dossier and its person
        report = api.household(app, household, day, moment)
        # Personal data comes from the events, through the key, as this reader may see it.
        # As of the same date and as known at the same time as the rest of the dossier.
        # An erased household's member names read one [erased] for each of its members
        # shown in its facts (since session 29, tester J: one stood for them all).
        members = report["household"]["members"]
        report["personal"] = [app.personal_data(household, reader, day, moment, members)]
    report["facts"] = [report["household"]]
    if output is not OutputFormat.json:
        # Its table and CSV are led by the report's own section, as a report's are: which
        # day and which moment the dossier shows (tester Z, session 23: an as-of dossier
        # saved as CSV read like today's). The facts are the household's, shown below.
        del report["household"]
    columns = DOSSIER_COLUMNS
    if output is OutputFormat.table:
        columns = _imported_said(report)
        # One household's facts read better down the page than across it.
        for section in ("facts", "personal"):
            report[section] = [
                {"field": key, "value": value}
                for row in report[section]
                for key, value in row.items()
            ]
    emit_report(report, ("facts", "personal", *SECTIONS), output, columns)


#: Each "who" column of the dossier and the one beside it saying who recorded its entry for
#: that officer (an admin's import), read by ``_imported_said``.
IMPORTED_BY = {
    "recorded_by": "imported_by",
    "paired_by": "paired_imported_by",  # helpers (since session 29, schema 33)
    "closed_by": "closed_imported_by",  # facts: the closure in force
}


def _imported_said(report: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The table's columns: an entry another recorded for its officer says so in its
    ``recorded_by`` (``paired_by``, ``closed_by``) cell, in ``fupin history``'s words
    (``jn-01, imported by admin``), and the table has no ``imported_by`` column or fact
    (JSON and CSV keep them: since session 29)."""
    for section in ("facts", *SECTIONS):
        say_imported(report[section], IMPORTED_BY)
    said = set(IMPORTED_BY.values())
    return {
        section: tuple(name for name in names if name not in said)
        for section, names in DOSSIER_COLUMNS.items()
    }


SHARED_COLUMNS = ("id_card", "households", "streets")
#: The second list: households closed as duplicates 重复识别 of one with another head
#: (``duplicate_of_other_head``, which an older fupin without the master key took unjudged and
#: an export's replay takes as recorded; since session 36).
UNLIKE = "duplicates_of_other_heads"
UNLIKE_COLUMNS = (
    *("household", "entry", "closed_on", "into", "head_id_card", "into_head_id_card"),
    "streets",
)


@refusals
def duplicates(output: FormatOption = OutputFormat.table) -> None:
    """ID cards heading more than one household 一人多户, and households closed as
    duplicates 重复识别 of one with another head (needs the master key).

    One person counted twice: a typing slip, a household split without its change of members,
    or a fraud. Read from the events through each household's key; masked as this reader may
    see it. A household whose personal data cannot be read (its key fails authentication or
    has no row) is left out of the comparison, named on stderr, and the command exits 1."""
    left_out: list[str] = []

    def unreadable(number: str, problem: str) -> None:
        left_out.append(number)
        err_console.print(
            f"household {number} left out of the comparison: its personal data cannot be "
            f"read ({problem}); `fupin keys check` lists every such key (docs/privacy.md)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    with ledger_session() as app:
        shared, unlike = app.compare_heads(reader_of(app), unreadable)
    emit(  # a list a cell, joined with 、 in tables and CSV (cli.reports.cell)
        {"report": "shared_id_cards", "shared_id_cards": shared, UNLIKE: unlike},
        ("shared_id_cards", UNLIKE),
        output,
        {"shared_id_cards": SHARED_COLUMNS, UNLIKE: UNLIKE_COLUMNS},
    )
    if left_out:
        raise typer.Exit(INCOMPLETE)


#: ``household duplicates``' exit code when households were left out of the comparison (their
#: personal data cannot be read): the list is written, but it may miss them.
INCOMPLETE = 1
