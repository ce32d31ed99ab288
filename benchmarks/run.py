"""The benchmark, one command: ``make bench`` (``.venv/bin/python benchmarks/run.py``; ``--quick``
for a smoke run of a few seconds).

Measured side by side in one run on the CSTO scenario (DESIGN, "Performance design"):

* run-months per second of the vectorised engine (``run_ensemble``, serial, its default chunks) and
  of the per-agent Mesa reference (``mesa_reference.py``), and their ratio;
* the floor: the time to draw the engine's random numbers alone — the same calls to the same
  counter-based streams (``foedus.engine.streams``), with the same run numbers and slots, recorded
  from a pass of the engine over the same runs and replayed without the model — and the engine's
  time as a multiple of it (numpy's PCG64 drawing the same count is shown for scale);
* peak memory of an ensemble of 10,000 and of 100,000 runs, in chunks, each in a fresh process
  (tracemalloc peak of the ensemble, and the process's maximum resident set).

Targets: the engine at least 300 times the Mesa reference, within 5 times the floor, memory flat
in the run count once chunked. Seconds are CPU time of this process (everything timed is
single-threaded), the best of ``--repeat`` rounds in which the engine, the floor and the Mesa
reference are timed one after the other (less moved by other jobs on a shared machine than wall time).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import foedus  # noqa: E402
import importlib  # noqa: E402

from foedus.engine import compile_model  # noqa: E402
from foedus.engine import streams  # noqa: E402
from foedus.ensemble import run_ensemble  # noqa: E402

engine_step = importlib.import_module("foedus.engine.step")  # the module (the package exports its function step)

SCENARIO = "csto"
DEFAULT_CHUNK = inspect.signature(run_ensemble).parameters["chunk_size"].default   # what simulate uses


def compiled(start: str, months: int):
    return compile_model(foedus.load_scenario(SCENARIO).data, start, months)


def timed(fn) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds) of ``fn()``. Everything timed here is single-threaded,
    so CPU time is close to the time on an idle machine, and less moved by other jobs on a shared one."""
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c0, time.perf_counter() - w0


def best_of(repeat: int, fn) -> float:
    return min(timed(fn)[0] for _ in range(repeat))


# -- the floor ------------------------------------------------------------------------------------
def record_draws(model, runs: int, seed: int, chunk_size: int) -> list[tuple]:
    """Every draw call the engine makes over ``runs`` runs: (stream key, month, run numbers, slots)."""
    log: list[tuple] = []
    last: list = []
    real_rs, real_u = engine_step.run_states, engine_step.uniforms

    def rs(key, month, run_numbers):
        last[:] = [key, month, np.array(run_numbers, copy=True)]
        return real_rs(key, month, run_numbers)

    def u(states, slots):
        log.append((last[0], last[1], last[2], np.array(slots, copy=True)))
        return real_u(states, slots)

    engine_step.run_states, engine_step.uniforms = rs, u
    try:
        run_ensemble(model, runs, seed, chunk_size=chunk_size)
    finally:
        engine_step.run_states, engine_step.uniforms = real_rs, real_u
    return log


def draw_count(log) -> int:
    return sum(len(r) * (s.shape[-1] if s.ndim else 1) for _, _, r, s in log)


def replay_draws(log) -> None:
    for key, month, run_numbers, slots in log:
        streams.uniforms(streams.run_states(key, month, run_numbers), slots)


def replay_pcg64(log, rng) -> None:
    for _, _, run_numbers, slots in log:
        rng.random(len(run_numbers) * (slots.shape[-1] if slots.ndim else 1))


# -- memory (in a fresh process) --------------------------------------------------------------------
def memory_child(start: str, months: int, runs: int, chunk_size: int) -> dict:
    model = compiled(start, months)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    run_ensemble(model, runs, 1, chunk_size=chunk_size, per_run=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"runs": runs, "traced_peak": peak, "rss_before_kb": rss0, "max_rss_kb": rss}


def measure_memory(start: str, months: int, runs: int, chunk_size: int) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--memory-child", str(runs), "--start", start,
           "--months", str(months), "--chunk-size", str(chunk_size)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def per_run_bytes(model, chunk_size: int) -> float:
    """Bytes a run adds when per-run tables are kept (``per_run=True``): they grow with the runs."""
    s = run_ensemble(model, min(chunk_size, 200), 1, chunk_size=chunk_size, per_run=True).arrays
    n = len(s["run"])
    return sum(s[k].nbytes for k in ("run", "final_standing", "first_exit", "final_cred", "run_counts",
                                     "active_members")) / n


# -- the table --------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a smoke run of a few seconds (figures not meaningful)")
    ap.add_argument("--start", default="2024-03-01")
    ap.add_argument("--months", type=int, default=None, help="months a run (default 120; --quick 12)")
    ap.add_argument("--engine-runs", type=int, default=None, help="default 10000 (--quick 500)")
    ap.add_argument("--mesa-runs", type=int, default=None, help="a round (default 50; --quick 3)")
    ap.add_argument("--chunk-size", type=int, default=None, help="default: the ensemble's own (run_ensemble)")
    ap.add_argument("--memory-runs", default=None, help="two run counts, comma-separated (default 10000,100000)")
    ap.add_argument("--repeat", type=int, default=None, help="timings: best of this many rounds (default 3; --quick 1)")
    ap.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    q = a.quick
    months = a.months or (12 if q else 120)
    if a.memory_child is not None:
        print(json.dumps(memory_child(a.start, months, a.memory_child, a.chunk_size or DEFAULT_CHUNK)))
        return 0
    engine_runs = a.engine_runs or (500 if q else 10_000)
    mesa_runs = a.mesa_runs or (3 if q else 50)
    repeat = a.repeat or (1 if q else 3)
    mem_runs = [int(x) for x in (a.memory_runs or ("1000,10000" if q else "10000,100000")).split(",")]
    chunk = a.chunk_size or DEFAULT_CHUNK

    model = compiled(a.start, months)
    import mesa
    import mesa_reference

    run_ensemble(model, min(engine_runs, 200), 99, chunk_size=chunk)       # warm up imports and caches
    mesa_reference.simulate_runs(model, 1, 99)
    log = record_draws(model, engine_runs, 1, chunk)
    draws = draw_count(log)
    # interleaved rounds: engine, floor, Mesa side by side in each; the best round of each counts
    rounds = {"engine": [], "floor": [], "pcg": [], "mesa": []}
    for r in range(repeat):
        rounds["engine"].append(timed(lambda: run_ensemble(model, engine_runs, 1, chunk_size=chunk)))
        rounds["floor"].append(timed(lambda: replay_draws(log)))
        rounds["pcg"].append(timed(lambda: replay_pcg64(log, np.random.default_rng(0))))
        rounds["mesa"].append(timed(lambda: mesa_reference.simulate_runs(model, mesa_runs, 1 + r)))
    del log
    t_engine, t_floor, t_pcg, t_mesa = (min(c for c, _ in rounds[k]) for k in ("engine", "floor", "pcg", "mesa"))
    w_engine, w_mesa = (min(w for _, w in rounds[k]) for k in ("engine", "mesa"))
    mem = [measure_memory(a.start, months, r, chunk) for r in mem_runs]
    prb = per_run_bytes(model, chunk)

    rm_e, rm_m = engine_runs * months, mesa_runs * months
    speed_e, speed_m = rm_e / t_engine, rm_m / t_mesa
    mib = lambda b: b / 2**20  # noqa: E731
    print(f"foedus benchmark: {SCENARIO.upper()} from {a.start}, {months} months a run; one process, serial"
          f"{' (--quick: a smoke run, figures not meaningful)' if q else ''}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, mesa {mesa.__version__}, "
          f"{os.cpu_count()} cpu(s); seconds: CPU time of this process, best of {repeat} interleaved rounds")
    print()
    print(f"{'':34}{'runs':>9}{'run-months':>12}{'seconds':>10}{'run-months/s':>15}")
    print(f"{'engine (chunks of ' + format(chunk, ',') + ')':34}{engine_runs:>9,}{rm_e:>12,}{t_engine:>10.2f}{speed_e:>15,.0f}")
    print(f"{'Mesa reference (per agent)':34}{mesa_runs:>9,}{rm_m:>12,}{t_mesa:>10.2f}{speed_m:>15,.0f}")
    print(f"{'engine / Mesa':34}{speed_e / speed_m:>46,.0f}x   target >= 300x")
    print(f"{'  (wall clock: engine / Mesa)':34}{(rm_e / w_engine) / (rm_m / w_mesa):>46,.0f}x")
    print()
    print(f"floor: the engine's {draws:,} draws alone ({draws / rm_e:.1f} a run-month, counter-based streams)")
    print(f"{'  floor':34}{t_floor:>31.2f}")
    print(f"{'  engine / floor':34}{t_engine / t_floor:>46.1f}x   target <= 5x")
    print(f"{'  (numpy PCG64, the same count)':34}{t_pcg:>31.2f}")
    print()
    print(f"memory, chunks of {chunk:,}, summaries only, a fresh process each")
    print(f"{'':34}{'runs':>9}{'traced peak MiB':>17}{'max RSS MiB':>13}{'  (before the ensemble)':>23}")
    for r in mem:
        print(f"{'':34}{r['runs']:>9,}{mib(r['traced_peak']):>17.1f}{r['max_rss_kb'] / 1024:>13.1f}"
              f"{r['rss_before_kb'] / 1024:>23.1f}")
    lo, hi = mem[0], mem[-1]
    print(f"{'  ratio ' + format(hi['runs'], ',') + ' / ' + format(lo['runs'], ','):34}{'':9}"
          f"{hi['traced_peak'] / lo['traced_peak']:>16.2f}x{hi['max_rss_kb'] / lo['max_rss_kb']:>12.2f}x   target: flat")
    print("  (traced: what the ensemble allocates; RSS: the whole process, its imports included)")
    print(f"  (per-run tables, when kept, add {prb:.0f} bytes a run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
