"""``foedus simulate``: a seeded ensemble forecast, its summary table and its results folder."""

from __future__ import annotations

import datetime as dt
import math
import shlex
import sys
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from foedus.cli.app import (ASSUME_HELP, CODING_HELP, PARAM_DRAWS_HELP, PARAMETERS_HELP, PRIOR_DRAWS_HELP,
                            STATE_EFFECTS_HELP, app, command_line, console, emit_json, err_console, parameter_file,
                            print_note)
from foedus.cli.progress import run_progress
from foedus.errors import ArgumentError
from foedus.model.posterior import check_draws, default_draws


def _fmt(x, pct: bool = True) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{100 * x:.0f}%" if pct else f"{x:.2f}"


def _interrupted(scenario: str, out: Path, executor: str, workers: int | None, scheduler: str | None) -> None:
    """Ctrl-C: the finished chunks stay in the folder; say how to finish the run, exit 130."""
    from foedus.results.resume import read_manifest

    try:
        m = read_manifest(out)
        done = f"{m.get('chunks_done', 0)} of {m.get('chunks_total')} chunks are"
    except Exception:
        done = "the finished chunks are"
    how = " ".join(shlex.quote(a) for a in ["foedus", "simulate", scenario, "--resume", str(out)]
                   + (["--executor", executor] if executor != "serial" and not scheduler else [])
                   + (["--workers", str(workers)] if workers and not scheduler else [])
                   + (["--scheduler", scheduler] if scheduler else []))
    err_console.print(f"foedus: interrupted: {done} in {out}; finish the run with: {how}", markup=False,
                      highlight=False, soft_wrap=True)
    raise typer.Exit(130)


@app.command("simulate")
def simulate_cmd(
    ctx: typer.Context,
    scenario: str = typer.Argument(..., help="a built-in scenario name or a scenario folder"),
    start: str = typer.Option(None, "--from", help="start date YYYY-MM-DD: the state the replay gives then (default: the scenario's end)"),
    months: int = typer.Option(120, "--months", help="months to simulate"),
    runs: int = typer.Option(1000, "--runs", help="number of runs"),
    seed: int = typer.Option(0, "--seed", help="root seed: the same seed gives the same results"),
    chunk_size: int = typer.Option(5000, "--chunk-size", help="runs per chunk (memory is bounded by the chunk)"),
    executor: str = typer.Option("serial", "--executor", help="serial, processes or dask (docs/executors.md)"),
    workers: int = typer.Option(None, "--workers", help="worker processes (--executor processes, or dask's LocalCluster)"),
    scheduler: str = typer.Option(None, "--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --executor dask)"),
    out: Path = typer.Option(None, "-o", "--out", help="results folder (default: results/<scenario>-<timestamp>)"),
    resume: Path = typer.Option(None, "--resume", help="finish an interrupted run in this results folder: only its missing chunks run (settings not given are the folder's)"),
    no_per_run: bool = typer.Option(False, "--no-per-run", help="skip the per-run tables (final.parquet, runs.parquet)"),
    assume: bool = typer.Option(False, "--assume-nothing-after-record", help=ASSUME_HELP),
    param_draws: int = typer.Option(None, "--param-draws", show_default=False, help=PARAM_DRAWS_HELP),
    prior_draws: bool = typer.Option(False, "--prior-draws", help=PRIOR_DRAWS_HELP),
    coding: str = typer.Option(None, "--coding", help=CODING_HELP),
    parameters: Path = typer.Option(None, "--parameters", help=PARAMETERS_HELP + " (with --resume: give it again)"),
    state_effects: bool = typer.Option(True, "--state-effects/--no-state-effects", help=STATE_EFFECTS_HELP),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Simulate an ensemble forecast from a date of the record and summarise it per member."""
    from foedus.api import load_scenario
    from foedus.simulation import simulate

    from foedus.ensemble.executors import EXECUTORS

    if executor not in EXECUTORS:
        raise ArgumentError("--executor", " or ".join(EXECUTORS), executor)
    if scheduler is not None and executor == "processes":
        raise ArgumentError("--scheduler", "--executor dask (a scheduler address is a Dask cluster's)", scheduler)
    if resume is not None:
        from foedus.results.resume import read_manifest

        if out is not None and out.resolve() != resume.resolve():
            raise ArgumentError("-o", f"no -o with --resume, or the same folder ({resume})", str(out))
        out, old = resume, read_manifest(resume)
        # a setting not given on the command line is the folder's; one given must match it
        given = lambda name: ctx.get_parameter_source(name).name not in ("DEFAULT", "DEFAULT_MAP")  # noqa: E731
        start = start if given("start") else old.get("start", start)
        months = months if given("months") else old.get("months", months)
        runs = runs if given("runs") else old.get("runs", runs)
        seed = seed if given("seed") else old.get("seed", seed)
        chunk_size = chunk_size if given("chunk_size") else old.get("chunk_size", chunk_size)
        no_per_run = no_per_run if given("no_per_run") else not old.get("per_run", not no_per_run)
        param_draws = param_draws if given("param_draws") else old.get("param_draws", 1)
        prior_draws = prior_draws if given("prior_draws") else old.get("prior_draws", False)
        coding = coding if given("coding") else old.get("coding")
    if runs < 1:
        raise ArgumentError("--runs", "a whole number of runs, at least 1", runs)
    param_draws = default_draws(param_draws, runs)
    if check_draws(param_draws) > runs:
        raise ArgumentError("--param-draws", f"at most the number of runs ({runs})", param_draws)
    if coding is not None:
        from foedus.scenario.codings import coding as named

        named(coding)   # an unknown name: one line, before any folder is written
        if parameters is not None:
            raise ArgumentError("--parameters", "no parameter file with --coding (a coding brings its own calibration)",
                                str(parameters))
    _, effects = parameter_file(parameters, state_effects, param_draws)   # a bad file: one line, before any folder
    if months < 1 or months > 1200:
        raise ArgumentError("--months", "a whole number of months from 1 to 1200", months)
    if chunk_size < 1:
        raise ArgumentError("--chunk-size", "a whole number of runs, at least 1", chunk_size)
    sc = load_scenario(scenario)
    if out is None:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        out = Path("results") / f"{sc.name}-{stamp}"
    command = command_line()
    n_chunks = -(-runs // chunk_size)
    with run_progress(runs, quiet=as_json, announce=False) as start_progress:
        cb = start_progress(sc.name)
        try:
            res = simulate(sc, start=start, months=months, runs=runs, seed=seed, chunk_size=chunk_size,
                           executor=executor, workers=workers, scheduler=scheduler, per_run=not no_per_run, out=out,
                           command=command, resume=resume is not None, assume_nothing_after_record=assume,
                           progress=cb, param_draws=param_draws, prior_draws=prior_draws, coding=coding,
                           calibration=parameters, state_effects=effects)
        except KeyboardInterrupt:
            _interrupted(scenario, out, executor, workers, scheduler)
    summ = res.summary()
    if res.manifest.get("assumption"):
        print_note(res.manifest["assumption"])
    try:  # the experiment registry, where present
        from foedus.registry import try_record_run

        from foedus.compare.folder import open_results
        from foedus.compare.summary import summarise

        try_record_run("simulate", res.manifest, summarise(open_results(res.path)), res.path)
    except ImportError:
        pass
    if as_json:
        emit_json({"results": str(res.path), "manifest": res.manifest, "chunks": n_chunks,
                   "summary": summ.astype(object).where(summ.notna(), None).to_dict(orient="records")})
        return
    print_results(res)


def print_results(res) -> None:
    """The per-member table of a results folder, as ``foedus simulate`` and ``foedus show`` print it."""
    m = res.manifest
    horizon = res.monthly["month"].max()
    t = Table(title=f"{m['scenario']}: {m['runs']} runs from {m['start']}, {m['months']} months, seed {m['seed']}",
              caption=f"standings at {str(horizon)[:7]}; exit: months to first freeze/notice/exit; "
                      f"requests per run, share honoured fully / in part; credibility quantiles",
              box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
    for col in ("state", "active", "frozen", "notice", "left", "susp", "exit", "none", "req", "full", "part",
                "c05", "c50", "c95"):
        t.add_column(col, justify="left" if col == "state" else "right", no_wrap=True, min_width=4)
    for r in res.summary().itertuples():
        med = "-" if r.exit_median_months is None or (isinstance(r.exit_median_months, float) and math.isnan(r.exit_median_months)) \
            else f"{r.exit_median_months:.0f}"
        t.add_row(r.state, _fmt(r.p_active), _fmt(r.p_frozen), _fmt(r.p_notice), _fmt(r.p_withdrawn), _fmt(r.p_suspended),
                  med, _fmt(r.share_no_exit), _fmt(r.requests_per_run, False), _fmt(r.share_honoured_full),
                  _fmt(r.share_honoured_part), _fmt(r.cred_q05, False), _fmt(r.cred_q50, False), _fmt(r.cred_q95, False))
    wide = console if console.is_terminal else Console(width=120)  # a pipe or a file: no need to squeeze
    wide.print(t)
    wide.print(interval_table(res))
    if m.get("draws"):
        wide.print(m["draws"], markup=False, highlight=False, soft_wrap=True)
    wide.print(f"results: {res.path}")


def _span(lo, hi) -> str:
    if lo is None or hi is None or (isinstance(lo, float) and math.isnan(lo)):
        return "-"
    return f"{100 * lo:.0f}-{100 * hi:.0f}%"


def interval_table(res) -> Table:
    """The probabilities a forecaster quotes, each with its 5-95% interval across parameter draws
    and its run-to-run 90% interval (older folders without them: '-')."""
    t = Table(title=escape("leaving, freezing, stepping out: probability [5-95% across parameter draws] (90% run to run)"),
              caption="left: withdrawn or expelled at the horizon; frozen: at the horizon; exit: a first freeze, "
                      "notice or exit by the horizon",
              box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
    t.add_column("state", no_wrap=True)
    cols = ("p_left", "p_frozen", "p_exit")
    for c in cols:
        t.add_column(c[2:], justify="right", no_wrap=True)
    summ = res.summary()
    for r in summ.to_dict(orient="records"):
        t.add_row(r["state"], *(f"{_fmt(r.get(c))} [{_span(r.get(c + '_draws_q05'), r.get(c + '_draws_q95'))}] "
                                f"({_span(r.get(c + '_runs_q05'), r.get(c + '_runs_q95'))})" for c in cols))
    return t
