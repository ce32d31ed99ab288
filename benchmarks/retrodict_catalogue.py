"""The full ATOP retrodiction as a benchmark: every alliance since 1815 (any obligation, bilateral
ones included), every alliance-decade, 1,000 runs each; target under 10 minutes on 2 cores.

    .venv/bin/python benchmarks/retrodict_catalogue.py                       # the full size
    .venv/bin/python benchmarks/retrodict_catalogue.py --every 40 --runs 200 # a sample, extrapolated

The full size runs every cell. A reduced size (``--every K``: every K-th cell in ATOP order;
``--runs R``) times its cells and extrapolates, and says so: per cell it separates the fixed cost
(building the scenario, compiling it, replaying the record, counting it) from the simulation, so
the extrapolation scales only the simulation with the runs (linear in the runs: the engine's cost
per run-month is flat in the chunk, ``benchmarks/run.py``). A cell's seconds are the CPU time of the
worker process that runs it (single-threaded: less moved by other jobs on a shared machine than wall
time); the estimate for the whole is their sum over ``--workers`` processes, each cell in one.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

from foedus.catalogue.loader import catalogue
from foedus.retrodiction.catalogue import CellJob, jobs, run_job

FULL_RUNS = 1000
TARGET_S = 600


def timed(job: CellJob) -> tuple[float, float, int]:
    """(fixed seconds, simulation seconds, cells done) for one cell: the fixed part timed with 1 run."""
    t0 = time.process_time()
    run_job(CellJob(job.atopid, job.start, job.stop, job.decade_end, 1, job.seed))
    t1 = time.process_time()
    res = run_job(job)
    t2 = time.process_time()
    fixed = t1 - t0
    return fixed, max(0.0, (t2 - t1) - fixed), int(not isinstance(res, dict))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=1, help="time every K-th cell and extrapolate (1: the full run)")
    ap.add_argument("--runs", type=int, default=FULL_RUNS, help="runs per cell")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    catalogue()
    todo = jobs(since=1815, min_members=2, obligation=None, half="all", runs=args.runs, seed=0)
    sample = todo[::args.every]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        parts = list(pool.map(timed, sample, chunksize=4))
    wall = time.perf_counter() - t0
    fixed = sum(p[0] for p in parts)
    sim = sum(p[1] for p in parts)
    done = sum(p[2] for p in parts)
    print(f"ATOP alliances since 1815, every obligation, bilateral included: {len(todo)} alliance-decades")
    print(f"timed: {len(sample)} cells ({done} converted), {args.runs} runs each, {args.workers} worker processes")
    print(f"  wall time                      {wall:8.1f} s (each cell run twice: once with 1 run for the fixed cost)")
    print(f"  per cell, fixed (scenario, compile, replay, count)  {fixed / len(sample):.3f} s of one worker (CPU)")
    print(f"  per cell, simulation ({args.runs} runs)             {sim / len(sample):.3f} s of one worker (CPU)")
    per_cell = fixed / len(sample) + sim / len(sample) * FULL_RUNS / args.runs
    full = per_cell * len(todo) / args.workers
    exact = args.every == 1 and args.runs == FULL_RUNS
    label = ("every cell timed: the sum of the cells' times over the workers" if exact else
             "EXTRAPOLATED from the sample: fixed cost as timed, simulation scaled to 1,000 runs")
    print(f"  full retrodiction, {len(todo)} cells x {FULL_RUNS} runs on {args.workers} workers: "
          f"{full:8.1f} s ({label}); target < {TARGET_S} s: {'met' if full < TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
