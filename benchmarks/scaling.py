"""Scaling benchmark, one command: ``.venv/bin/python benchmarks/scaling.py`` (``--quick``: a smoke
run of a few seconds whose figures mean nothing). Everything is measured in the one run and printed
as ratios side by side:

* in runs: the CSTO forecast over 120 months at 10,000, 100,000 and 1,000,000 runs, exactly as
  ``foedus simulate csto --months 120 --runs R --no-per-run -o DIR`` runs it (chunk files, tables,
  manifest), each in a fresh process: wall time, wall and CPU time per run-month (target: flat
  within 20%) and the process's peak resident memory (target: independent of the run count);
* in states: the CSTO's 9 states against a synthetic 60-state, 3-alliance scenario
  (``benchmarks/synthetic.py``), the same runs and months: CPU time per run-month and per
  run-month-state;
* in workers: one ensemble through the serial executor, 1 and 2 local processes, and a Dask
  LocalCluster of 2 single-threaded workers (its start-up included, and shown apart) on the same
  cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SCENARIO = "csto"
START = "2025-12-31"   # the CSTO scenario's end: a forecast from today's record


# -- in runs: one fresh process per run count ---------------------------------------------------
def runs_child(runs: int, months: int, chunk_size: int, executor: str, workers: int | None) -> dict:
    import foedus

    out = Path(tempfile.mkdtemp(prefix="foedus-scaling-"))
    try:
        sc = foedus.load_scenario(SCENARIO)
        t0, c0 = time.perf_counter(), time.process_time()
        foedus.simulate(sc, start=START, months=months, runs=runs, seed=1, chunk_size=chunk_size, executor=executor,
                        workers=workers, per_run=False, out=out / "r")
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        disk = sum(p.stat().st_size for p in (out / "r").rglob("*") if p.is_file())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss      # Linux: KiB
    kids_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest worker, if any
    return {"runs": runs, "months": months, "wall_s": wall, "us_per_run_month": wall / (runs * months) * 1e6,
            "cpu_us_per_run_month": cpu / (runs * months) * 1e6,
            "peak_rss_mib": rss_kib / 1024, "worker_peak_rss_mib": kids_kib / 1024, "folder_mib": disk / 2**20}


def measure_runs(runs: int, months: int, chunk_size: int, executor: str, workers: int | None) -> dict:
    cmd = [sys.executable, __file__, "--child-runs", str(runs), "--months", str(months), "--chunk-size",
           str(chunk_size), "--executor", executor] + (["--workers", str(workers)] if workers else [])
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


# -- in states ----------------------------------------------------------------------------------
def measure_states(runs: int, months: int, chunk_size: int) -> list[dict]:
    import foedus
    from foedus.engine import compile_model
    from foedus.ensemble import run_ensemble
    from synthetic import synthetic_scenario

    rows = []
    for label, data in (("CSTO", foedus.load_scenario(SCENARIO).data), ("synthetic", synthetic_scenario(60, 3))):
        model = compile_model(data, data.scenario.end, months)
        c0 = time.process_time()
        run_ensemble(model, runs, 1, chunk_size=chunk_size, per_run=False)
        cpu = time.process_time() - c0   # serial: CPU time, robust to other load on shared cores
        rows.append({"scenario": label, "states": model.n_states, "alliances": len(model.alliance_ids), "runs": runs,
                     "months": months, "cpu_s": cpu, "us_per_run_month": cpu / (runs * months) * 1e6,
                     "ns_per_run_month_state": cpu / (runs * months * model.n_states) * 1e9})
    return rows


# -- in workers ---------------------------------------------------------------------------------
def measure_workers(runs: int, months: int, chunk_size: int) -> list[dict]:
    import foedus
    from foedus.engine import compile_model
    from foedus.ensemble import run_ensemble
    from foedus.ensemble.dask_executor import DaskExecutor
    from foedus.ensemble.executors import ProcessExecutor, SerialExecutor

    model = compile_model(foedus.load_scenario(SCENARIO).data, START, months)
    rows = []
    ref = None
    for label, make in (("serial", SerialExecutor), ("processes, 1", lambda: ProcessExecutor(1)),
                        ("processes, 2", lambda: ProcessExecutor(2)), ("dask LocalCluster, 2", lambda: DaskExecutor(2))):
        ex = make()
        t0 = time.perf_counter()
        startup = 0.0
        if isinstance(ex, DaskExecutor):   # start the cluster here to time it apart; run_ensemble re-enters it
            ex.__enter__()
            startup = time.perf_counter() - t0
        try:
            s = run_ensemble(model, runs, 1, chunk_size=chunk_size, executor=ex, per_run=False)
        finally:
            if isinstance(ex, DaskExecutor):
                ex.__exit__(None, None, None)
        wall = time.perf_counter() - t0
        counts = s.arrays["standing_counts"]
        ref = counts if ref is None else ref
        rows.append({"executor": label, "runs": runs, "months": months, "wall_s": wall, "startup_s": startup,
                     "us_per_run_month": wall / (runs * months) * 1e6, "identical": bool((counts == ref).all())})
    return rows


# -- printing -----------------------------------------------------------------------------------
def report(res: dict) -> str:
    L = []
    m = res["machine"]
    L.append(f"foedus scaling benchmark: {m['platform']}, {m['cpus']} cores, Python {m['python']}, "
             f"numpy {m['numpy']}, dask {m['dask']}; {res['command']}")
    L.append("load average (1 min) before each section: " + ", ".join(f"{k} {v:.1f}" for k, v in res["load"].items())
             + " (other processes on these cores slow the wall times; the CPU times much less)")
    r = res["runs"]
    base = r[0]
    L.append("")
    L.append(f"In runs: CSTO, {base['months']} months, foedus.simulate(--no-per-run, -o DIR), {res['runs_executor']}, "
             f"chunks of {res['chunk_size']}, each in a fresh process")
    L.append(f"  {'runs':>9}  {'wall s':>7}  {'wall us/run-month':>17}  {'ratio':>5}  {'CPU us/run-month':>16}  "
             f"{'ratio':>5}  {'peak RSS MiB':>12}  {'ratio':>5}  {'folder MiB':>10}")
    for x in r:
        L.append(f"  {x['runs']:>9,}  {x['wall_s']:>7.1f}  {x['us_per_run_month']:>17.3f}  "
                 f"{x['us_per_run_month'] / base['us_per_run_month']:>5.2f}  {x['cpu_us_per_run_month']:>16.3f}  "
                 f"{x['cpu_us_per_run_month'] / base['cpu_us_per_run_month']:>5.2f}  {x['peak_rss_mib']:>12.0f}  "
                 f"{x['peak_rss_mib'] / base['peak_rss_mib']:>5.2f}  {x['folder_mib']:>10.1f}")
    s = res["states"]
    L.append("")
    L.append(f"In states: {s[0]['runs']:,} runs x {s[0]['months']} months, serial, CPU time")
    L.append(f"  {'scenario':<10} {'states':>6} {'alliances':>9}  {'us/run-month':>12}  {'ratio':>6}  {'ns/run-month-state':>18}  {'ratio':>6}")
    for x in s:
        L.append(f"  {x['scenario']:<10} {x['states']:>6} {x['alliances']:>9}  {x['us_per_run_month']:>12.3f}  "
                 f"{x['us_per_run_month'] / s[0]['us_per_run_month']:>6.2f}  {x['ns_per_run_month_state']:>18.1f}  "
                 f"{x['ns_per_run_month_state'] / s[0]['ns_per_run_month_state']:>6.2f}")
    w = res["workers"]
    L.append("")
    L.append(f"In workers: CSTO, {w[0]['runs']:,} runs x {w[0]['months']} months, chunks of {res['chunk_size']}, "
             f"on the same {m['cpus']} cores")
    L.append(f"  {'executor':<22} {'wall s':>7}  {'start s':>7}  {'speed-up vs serial':>18}  {'identical':>9}")
    for x in w:
        L.append(f"  {x['executor']:<22} {x['wall_s']:>7.1f}  {x['startup_s']:>7.1f}  "
                 f"{w[0]['wall_s'] / x['wall_s']:>18.2f}  {'yes' if x['identical'] else 'NO':>9}")
    by = {x["executor"]: x for x in w}
    d, p2 = by["dask LocalCluster, 2"], by["processes, 2"]
    L.append(f"  time of dask LocalCluster / processes, 2 workers each: {d['wall_s'] / p2['wall_s']:.2f} "
             f"({(d['wall_s'] - d['startup_s']) / p2['wall_s']:.2f} without the cluster's start-up); "
             f"processes 2 against 1: {by['processes, 1']['wall_s'] / p2['wall_s']:.2f}x as fast")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a smoke run of a few seconds (figures not meaningful)")
    ap.add_argument("--runs", default=None, help="run counts, comma-separated (default 10000,100000,1000000)")
    ap.add_argument("--months", type=int, default=None, help="default 120 (--quick 12)")
    ap.add_argument("--chunk-size", type=int, default=5000, help="runs per chunk (default: simulate's, 5000)")
    ap.add_argument("--executor", default="serial", help="executor of the runs section (serial, processes, dask)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--state-runs", type=int, default=None, help="runs of the states section (default 10000)")
    ap.add_argument("--worker-runs", type=int, default=None, help="runs of the workers section (default 40000)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    ap.add_argument("--child-runs", type=int, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    months = a.months or (12 if a.quick else 120)
    if a.child_runs is not None:
        print(json.dumps(runs_child(a.child_runs, months, a.chunk_size, a.executor, a.workers)))
        return 0
    runs = [int(x) for x in (a.runs or ("1000,4000" if a.quick else "10000,100000,1000000")).split(",")]
    import dask
    import numpy as np

    res = {"command": "python benchmarks/scaling.py " + " ".join(argv if argv is not None else sys.argv[1:]),
           "machine": {"platform": f"{platform.system()} {platform.machine()}", "cpus": os.cpu_count(),
                       "python": platform.python_version(), "numpy": np.__version__, "dask": dask.__version__},
           "chunk_size": a.chunk_size, "runs_executor": a.executor + (f", {a.workers} workers" if a.workers else "")}
    res["load"] = {"runs": os.getloadavg()[0]}
    res["runs"] = [measure_runs(r, months, a.chunk_size, a.executor, a.workers) for r in runs]
    res["load"]["states"] = os.getloadavg()[0]
    res["states"] = measure_states(a.state_runs or (500 if a.quick else 10000), months, a.chunk_size)
    res["load"]["workers"] = os.getloadavg()[0]
    res["workers"] = measure_workers(a.worker_runs or (2000 if a.quick else 40000), months, a.chunk_size)
    res["load"]["end"] = os.getloadavg()[0]
    print(report(res))
    if a.json:
        a.json.write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
