"""How long the browser view takes to answer a moved lever, one command:
``.venv/bin/python benchmarks/web_lever.py`` (``--runs``, ``--months``, ``--alliance``, ``--draws``).

It drives ``foedus.web.forecast.Forecasts``, the code behind the page's forecast: first the
baseline (simulated once and kept), then the war's end moved to three dates in turn, each a what-if
arm against the kept baseline with its paired comparison; the runs split across ``--draws``
parameter draws as the page splits them (its default, 20; 1: the fitted values only). Printed: wall-clock seconds per answer
(``Job.seconds``, what the page's progress line shows) and the machine's load average, since a
shared machine's load changes what one sees."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alliance", default="csto")
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--draws", type=int, default=20, help="parameter draws (the page's default: 20)")
    args = ap.parse_args()
    from foedus.web.forecast import Forecasts

    forecasts = Forecasts(Path(tempfile.mkdtemp(prefix="foedus-bench-")))

    def answer(levers: tuple[str, ...]) -> float:
        job = forecasts.start(args.alliance, lever_specs=levers, runs=args.runs, months=args.months, seed=1,
                               draws=args.draws)
        while job.result is None and job.error is None:
            time.sleep(0.02)
        if job.error:
            raise SystemExit(job.error)
        return job.seconds

    print(f"{args.alliance}, {args.runs} runs x {args.months} months per arm, {args.draws} parameter draws; load average {os.getloadavg()[0]:.1f}")
    print(f"baseline (simulated once, then kept): {answer(()):.2f} s")
    for month in ("2026-01", "2027-01", "2028-01"):
        print(f"lever war-ends:{month} (what-if arm + paired comparison): {answer((f'war-ends:{month}',)):.2f} s")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
