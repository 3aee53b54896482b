"""``fupin report html --out report.html``: the charts 图表报告 as one self-contained HTML file.

Thin adapter: parse the times, gather the figures (``projections.series.gather``, which also
decides from ``--as`` whether personal data is masked), render (``projections.html_report``),
write the file (readable by its owner only when the personal data is not masked). A
household whose key is damaged does not stop the report: its dossier reads ``[unreadable]``,
one line on stderr names it by number, and the command exits 1 once the file is written, as
``notice`` and ``log`` do (docs/html-report.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from ledger.reading import UNREADABLE
from ledger.values import today
from projections.html_report import render
from projections.series import gather

from cli.common import console, err_console, ledger_session, refusals, settings
from cli.outputs import check_output, output_file, output_path
from cli.reports import AsOfOption, KnownAtOption, times

__all__ = ["html"]


@refusals
def html(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "--output",
            "-o",
            help="The HTML file to write.",
            parser=output_path,
            metavar="<path>",
        ),
    ] = Path("report.html"),
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    restated: Annotated[
        bool,
        typer.Option(
            "--restated",
            help="Add the closed plan years whose street's plan row moved after the year "
            "closed (report accountability --restated). Costs a replay of the log a closed year.",
        ),
    ] = False,
) -> None:
    """Charts 图表报告 in one HTML file: caseload over time, exits against the plan (the reduction
    shares in force, 2:3:5 unless amended),
    funds, visit coverage, accountability with dossiers 一户一档 (masked unless --as is an
    admin, or a district inspector or officer, of no street: one who sees every street)."""
    day, moment = times(as_of, known_at)
    check_output(out, "output")
    with ledger_session() as app:
        inputs = gather(app, day, moment, settings.actor, restated)
        keys = app.household_keys
        # Without the master key (or a role that may not read the keys) every personal field
        # reads [sealed]: the header says so rather than "in full".
        page = render(
            inputs, sealed=keys.denied is not None or keys.master is None, real_today=today()
        )
    # Dossiers in clear (an admin's, an inspector's, a district officer's report) are personal
    # data: the file is readable by its owner only, as `export events -o` is.
    with output_file(out, "output", private=not inputs.masked) as handle:
        handle.write(page.encode("utf-8"))
    console.print(f"wrote {out} ({len(page.encode()):,} bytes)", markup=False)
    for number, why in inputs.unreadable.items():  # the report is written, a dossier blank
        err_console.print(
            f"warning: household {number}'s personal data cannot be read ({why}): its dossier "
            f"shows {UNREADABLE}; `fupin keys check` lists every such key, and the key row is "
            "restored from a backup (docs/privacy.md)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if inputs.unreadable:
        raise typer.Exit(1)  # as `notice` and `log`: written, but not all of it could be read
