"""What parameter draws cost a forecast, one command: ``.venv/bin/python benchmarks/param_draws.py``
(``--scenario``, ``--runs``, ``--months``, ``--draws``, ``--repeat``).

It times ``foedus.load_scenario(scenario).simulate(runs=2000, months=120, seed=1, param_draws=K)``
for each ``K`` of ``--draws`` (default 1 and 20) side by side in one process, best of ``--repeat``
rounds (wall-clock seconds; the rounds interleave the settings, so a shared machine's load falls on
each alike), and prints each as a multiple of the fitted values' time (``K`` = 1). The engine
simulates a chunk's runs in one pass whatever their draws (``Model.draws``), so the draws should
cost little beyond drawing them and compiling each draw's start beliefs."""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="csto")
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--draws", type=int, nargs="+", default=[1, 20])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import foedus

    sc = foedus.load_scenario(args.scenario)
    sc.simulate(runs=50, months=12, seed=1, param_draws=max(args.draws))   # warm up imports and caches
    best = {k: float("inf") for k in args.draws}
    for _ in range(args.repeat):
        for k in args.draws:
            t = time.perf_counter()
            sc.simulate(runs=args.runs, months=args.months, seed=1, param_draws=k)
            best[k] = min(best[k], time.perf_counter() - t)
    print(f"{args.scenario}: {args.runs} runs x {args.months} months, seed 1, best of {args.repeat}; "
          f"load average {os.getloadavg()[0]:.1f}")
    ref = best[args.draws[0]]
    for k in args.draws:
        print(f"param_draws={k:<4d} {best[k]:6.2f} s   x{best[k] / ref:.2f} of param_draws={args.draws[0]}")


if __name__ == "__main__":
    main()
