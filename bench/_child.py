"""One memory-measured job for ``bench/run``: ``python bench/_child.py rebuild|verify PATH``.

Prints the number of events the job went through; the parent reads this process's peak RSS
from ``resource.getrusage(RUSAGE_CHILDREN)``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.application import open_ledger
from ledger.verification import verify_ledger
from projections import api


def main() -> None:
    job, path = sys.argv[1], sys.argv[2]
    app = open_ledger(path)
    try:
        if job == "rebuild":
            events = api.rebuild(app)
        else:
            report = verify_ledger(app.recorder, app.mapper)
            if not report.ok:
                raise SystemExit(f"verify found problems: {report.problems[:3]}")
            events = report.size
    finally:
        app.close()
    print(events)


if __name__ == "__main__":
    main()
