"""The full ATOP retrodiction as a benchmark: every alliance since 1815 (any obligation, bilateral
ones included), every alliance-decade, 1,000 runs each; target under 10 minutes on 2 cores.

    .venv/bin/python benchmarks/retrodict_catalogue.py                       # the full size
    .venv/bin/python benchmarks/retrodict_catalogue.py --every 40 --runs 200 # a sample, extrapolated

The full size runs the command's own path (``retrodict_catalogue`` on the ``processes`` executor,
``--workers`` processes, cells handed out most costly first) over every cell and reports its wall
time and the CPU seconds of all its processes: a measurement, nothing extrapolated.

A reduced size (``--every K``: every K-th cell in ATOP order; ``--runs R``) times the parts of each
sampled cell apart, in the worker that runs it (CPU seconds: single-threaded, less moved by other
jobs on a shared machine than wall time): the preparation (scenario, compile, the record replayed
and counted, MID disputes), the simulation of one run (the months' cost that hardly grows with
the runs) and of ``R`` runs, the rows. It extrapolates to all cells at 1,000 runs, linear in the
runs between those two simulations, and says so (it overstates: the cost per run falls as the
runs grow). It also runs the sample on the workers twice, side by side, in ATOP order and most
costly first, and prints the ratio of their wall times.

Measured at the full size on an idle 2-core machine: 1,985 cells, wall 205.4 s, 364.0 CPU seconds
in all (on 2 cores loaded by other jobs, load average 8-10: wall 1,424.9 s, 499.4 CPU s); the reduced
size ``--every 40 --runs 200`` (loaded machine): 0.0046 s preparation, 0.0525 s one run, 0.1605 s
200 runs, 0.0023 s rows per cell (CPU), extrapolated 596.9 s; ATOP order / most costly first 1.05.
docs/retrodiction.md ("Speed") reads them.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor

from foedus.catalogue.convert import DataQuirk
from foedus.catalogue.loader import catalogue
from foedus.retrodiction.catalogue import (CellJob, cell_from_draws, jobs, longest_first, prepare_cell,
                                           retrodict_catalogue)
from foedus.retrodiction.simulated import simulated_counts

FULL_RUNS = 1000
TARGET_S = 600
SELECTION = dict(since=1815, min_members=2, obligation=None, half="all")


def timed(job: CellJob) -> tuple[float, float, float, float]:
    """CPU seconds of one cell's (preparation, simulation of 1 run, simulation of ``job.runs``, rows);
    a cell ATOP codes with a member that is not a COW state costs its failed preparation alone."""
    cat = catalogue()
    t0 = time.process_time()
    try:
        prep = prepare_cell(cat, cat.alliance(job.atopid), job.start, job.stop, job.decade_end, job.seed, runs=job.runs)
    except DataQuirk:
        return time.process_time() - t0, 0.0, 0.0, 0.0
    t1 = time.process_time()
    simulated_counts(prep.model, 1, prep.seed)
    t2 = time.process_time()
    draws = simulated_counts(prep.model, job.runs, prep.seed)
    t3 = time.process_time()
    cell_from_draws(prep, draws)
    return t1 - t0, t2 - t1, t3 - t2, time.process_time() - t3


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def full(workers: int) -> None:
    n = len(jobs(**SELECTION, runs=FULL_RUNS, seed=0))
    c0, t0 = cpu_seconds(), time.perf_counter()
    res = retrodict_catalogue(**SELECTION, runs=FULL_RUNS, seed=0, executor="processes", workers=workers)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    print(f"ATOP alliances since 1815, every obligation, bilateral included: {n} alliance-decades, "
          f"{res['cells']} simulated ({len(res['skipped'])} not convertible), {FULL_RUNS} runs each, "
          f"{workers} worker processes")
    print(f"  wall time {wall:8.1f} s; CPU {cpu:8.1f} s (all processes); "
          f"target < {TARGET_S} s: {'met' if wall < TARGET_S else 'NOT met'} (measured, every cell)")


def schedule_wall(sample: list[CellJob], order: list[int], workers: int) -> float:
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(timed, [sample[k] for k in order], chunksize=1))
    return time.perf_counter() - t0


def reduced(every: int, runs: int, workers: int) -> None:
    todo = jobs(**SELECTION, runs=runs, seed=0)
    sample = todo[::every]
    with ProcessPoolExecutor(workers) as pool:
        parts = list(pool.map(timed, sample, chunksize=1))
    prep, one, sim, rows = (sum(p[k] for p in parts) / len(sample) for k in range(4))
    print(f"ATOP alliances since 1815, every obligation, bilateral included: {len(todo)} alliance-decades")
    print(f"timed: every {every}th, {len(sample)} cells, {runs} runs each, {workers} worker processes")
    print(f"  per cell, preparation (scenario, compile, record, MID)  {prep:.4f} s of one worker (CPU)")
    print(f"  per cell, simulation of 1 run (the months' overhead)    {one:.4f} s of one worker (CPU)")
    print(f"  per cell, simulation of {runs} runs{' ' * (30 - len(str(runs)))}{sim:.4f} s of one worker (CPU)")
    print(f"  per cell, rows                                          {rows:.4f} s of one worker (CPU)")
    # linear in the runs: the 1-run time as the part that does not grow, the rest scaled
    per_run = max(0.0, sim - one) / max(1, runs - 1)
    est = (prep + rows + one + per_run * (FULL_RUNS - 1)) * len(todo) / workers
    print(f"  full retrodiction, {len(todo)} cells x {FULL_RUNS} runs on {workers} workers: {est:8.1f} s "
          f"(EXTRAPOLATED from the sample's CPU seconds, linear in the runs); "
          f"target < {TARGET_S} s: {'met' if est < TARGET_S else 'NOT met'}")
    atop = schedule_wall(sample, list(range(len(sample))), workers)
    lpt = schedule_wall(sample, longest_first(sample), workers)
    print(f"  the sample on {workers} workers, wall: ATOP order {atop:.1f} s, most costly first {lpt:.1f} s "
          f"(ratio {atop / lpt:.2f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=1, help="time every K-th cell and extrapolate (1: the full run)")
    ap.add_argument("--runs", type=int, default=FULL_RUNS, help="runs per cell (a reduced size only)")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    catalogue()   # read once, before the workers fork
    if args.every == 1 and args.runs == FULL_RUNS:
        full(args.workers)
    else:
        reduced(args.every, args.runs, args.workers)


if __name__ == "__main__":
    main()
