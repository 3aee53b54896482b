"""``fupin report html --out report.html``: the charts 图表报告 as one self-contained HTML file.

Thin adapter: parse the times, gather the figures (``projections.series.gather``, which also
decides from ``--as`` whether personal data is masked), render (``projections.html_report``),
write the file (readable by its owner only when the personal data is not masked).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from projections.html_report import render
from projections.series import gather

from cli.common import check_output, console, ledger_session, output_file, refusals, settings
from cli.reports import AsOfOption, KnownAtOption, times

__all__ = ["html"]


@refusals
def html(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
) -> None:
    """Charts 图表报告 in one HTML file: caseload over time, exits against the 2:3:5 plan,
    funds, visit coverage, accountability with dossiers 一户一档 (masked unless --as is an
    admin, an inspector or a district officer: one who sees every street)."""
    day, moment = times(as_of, known_at)
    check_output(out, "out")
    with ledger_session() as app:
        inputs = gather(app, day, moment, settings.actor)
        keys = app.household_keys
        # Without the master key (or a role that may not read the keys) every personal field
        # reads [sealed]: the header says so rather than "in full".
        page = render(inputs, sealed=keys.denied is not None or keys.master is None)
    # Dossiers in clear (an admin's, an inspector's, a district officer's report) are personal
    # data: the file is readable by its owner only, as `export events -o` is.
    with output_file(out, "out", private=not inputs.masked) as handle:
        handle.write(page.encode("utf-8"))
    console.print(f"wrote {out} ({len(page.encode()):,} bytes)", markup=False)
