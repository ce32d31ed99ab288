"""``foedus calibrate``, ``foedus backtest``, ``foedus sensitivity``: the model against the record."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from foedus.chronology import parse_date
from foedus.cli.app import ARGV, ASSUME_HELP, app, command_line, console, emit_json, err_console, print_note
from foedus.errors import ArgumentError
from foedus.output import files_named, new_file, replace_folder, replaceable_folder

BACKTEST_FILES = files_named("decisions.csv", "summary.json")
SENSITIVITY_FILES = files_named("samples.csv", "indices.csv")

SCENARIOS_HELP = "comma-separated scenarios whose records are fitted together (built-in names or folders)"
SHIPPED = Path(__file__).resolve().parent.parent / "model" / "calibrated.toml"


def _command(default: str) -> str:
    return command_line() if ARGV else default


def _wide() -> Console:
    return console if console.is_terminal else Console(width=132)


def _observations(scenarios: str):
    from foedus.api import load_scenario
    from foedus.calibration.observations import build

    names = [s.strip() for s in scenarios.split(",") if s.strip()]
    if not names:
        raise ArgumentError("--scenarios", "at least one scenario name", scenarios)
    loaded = [load_scenario(n) for n in names]
    return build(loaded), {sc.name: sc.hash for sc in loaded}


def _date_option(text: str | None, name: str) -> dt.date | None:
    return parse_date(text, name) if text else None


def _num(x, fmt="{:.3f}") -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return fmt.format(x)


@app.command("calibrate")
def calibrate_cmd(
    until: str = typer.Option(None, "--until", help="fit on the decisions made before this date YYYY-MM-DD (default: the whole record)"),
    scenarios: str = typer.Option("csto,nato", "--scenarios", help=SCENARIOS_HELP),
    out: Path = typer.Option(Path("calibrated.toml"), "-o", "--out", help="parameter file to write (TOML, with provenance)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Fit the behavioural parameters to the record by maximum a posteriori (exact likelihood, written-down priors)."""
    from foedus.calibration import fit as fitmod
    from foedus.calibration.fit import fit, provenance, write

    until_d = _date_option(until, "--until")
    new_file(out, fitmod.MARK, "a parameter file")  # refused before the fit, not after
    obs, hashes = _observations(scenarios)
    with err_console.status("fitting (L-BFGS-B on the exact log posterior, then a numerical Hessian)",
                            spinner="dots") if err_console.is_terminal else _null():
        f = fit(obs, until_d)
    command = _command(f"foedus calibrate" + (f" --until {until}" if until else "") + f" --scenarios {scenarios} -o {out}")
    doc = provenance(f, obs, command, hashes)
    path = write(out, doc)
    try:  # the experiment registry, where present
        from foedus.registry import try_record_run

        try_record_run("calibrate", {"scenario": scenarios, "command": command, "start": until_d,
                                     "foedus_version": doc["provenance"]["foedus_version"],
                                     "parameters": f.parameters(), "results": str(path.resolve()),
                                     "provenance": doc["provenance"]},
                       {"log_likelihood": f.log_likelihood, "log_posterior": f.log_posterior, "converged": f.converged},
                       path)
    except ImportError:
        pass
    if as_json:
        emit_json({"file": str(path), **doc})
        return
    w = _wide()
    t = Table(title=f"MAP fit on {', '.join(hashes)} decisions" + (f" before {until_d}" if until_d else ""),
              box=box.SIMPLE_HEAD, caption="se: from the inverse Hessian of the negative log posterior")
    for c in ("parameter", "value", "se", "default", "prior"):
        t.add_column(c, justify="left" if c in ("parameter", "prior") else "right")
    for r in f.table():
        t.add_row(r["name"], f"{r['value']:.3f}" + (" (bound)" if r["at_bound"] else ""), _num(r["se"]),
                  f"{r['default']:g}", r["prior"].split(" truncated")[0])
    w.print(t)
    p = doc["provenance"]
    w.print(f"decisions: {sum(f.counts.values())} ({', '.join(f'{k} {v}' for k, v in f.counts.items() if v)})")
    w.print(f"log likelihood {f.log_likelihood:.3f}, log prior {f.log_prior:.3f}, log posterior {f.log_posterior:.3f}; "
            f"optimiser {'converged' if f.converged else 'DID NOT CONVERGE'} ({p['optimiser_message']}, "
            f"{f.iterations} iterations, {f.evaluations} evaluations, {f.seconds:.1f} s)")
    w.print(f"written: {path}")


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@app.command("backtest")
def backtest_cmd(
    split: str = typer.Option("2020-01-01", "--split", help="fit on decisions before this date, score those after"),
    scenarios: str = typer.Option("csto,nato", "--scenarios", help=SCENARIOS_HELP),
    rows: str = typer.Option("moves", "--rows", help="decisions to list: all, moves (all but the months in which nothing moved), none"),
    alliance: str = typer.Option(None, "--alliance", help="list and score only this alliance's decisions (the fit uses every scenario)"),
    out: Path = typer.Option(None, "-o", "--out", help="folder for decisions.csv and summary.json"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Out-of-sample backtest: fit before --split, then the log and Brier scores of every later decision
    against two baselines (the base rate of each kind of decision before the split; nobody ever moves)."""
    from foedus.calibration.backtest import COUNCIL, MEMBERSHIP, backtest

    if rows not in ("all", "moves", "none"):
        raise ArgumentError("--rows", "all, moves or none", rows)
    split_d = parse_date(split, "--split")
    if out is not None:
        replaceable_folder(out, BACKTEST_FILES, "a backtest folder")
    obs, hashes = _observations(scenarios)
    first, last = obs.span()
    if not first < split_d <= last:
        raise ArgumentError("--split", f"a date inside the record ({first:%Y-%m} .. {last:%Y-%m})", split)
    known = sorted({r.alliance for r in obs.records})
    if alliance is not None and alliance not in known:
        raise ArgumentError("--alliance", f"an alliance of the scenarios ({', '.join(known)})", alliance)
    with err_console.status("fitting on the record before the split", spinner="dots") if err_console.is_terminal else _null():
        bt = backtest(obs, split_d)
    if alliance is not None:
        bt = replace(bt, decisions=[d for d in bt.decisions if d.alliance == alliance])
    summary = bt.summary()

    def listed(d):
        return rows == "all" or (rows == "moves" and not (d.kind in MEMBERSHIP + COUNCIL + ("crisis",) and d.y == 0))

    decisions = [{"alliance": d.alliance, "kind": d.kind, "decision": d.what, "happened": d.happened,
                  "p_model": float(d.model[d.y]), "p_base_rate": float(d.base[d.y]),
                  "p_nobody_moves": None if d.still is None else float(d.still[d.y])} for d in bt.decisions]
    if out is not None:
        import pandas as pd

        with replace_folder(out, BACKTEST_FILES, "a backtest folder") as work:
            pd.DataFrame(decisions).to_csv(work / "decisions.csv", index=False)
            (work / "summary.json").write_text(json.dumps({"command": command_line(), "split": split_d.isoformat(),
                                                           "fit": bt.fit.table(), "summary": summary},
                                                          indent=2, default=str))
    if as_json:
        emit_json({"split": split_d.isoformat(), "fit": {"log_likelihood": bt.fit.log_likelihood,
                                                         "converged": bt.fit.converged, "parameters": bt.fit.table()},
                   "summary": summary, "decisions": [d for d, x in zip(decisions, bt.decisions) if listed(x)]})
        return
    w = _wide()
    if rows != "none":
        t = Table(title=f"Decisions after {split_d}: probability of what happened", box=box.SIMPLE_HEAD)
        for c in ("decision", "model", "base rate", "nobody moves"):
            t.add_column(c, justify="left" if c == "decision" else "right")
        for d, x in zip(decisions, bt.decisions):
            if listed(x):
                t.add_row(f"[{d['alliance']}] {d['decision']}", f"{d['p_model']:.4f}", f"{d['p_base_rate']:.4f}",
                          _num(d["p_nobody_moves"], "{:.0f}"))
        w.print(t)
        if rows == "moves":
            n_stay = sum(1 for x in bt.decisions if not listed(x))
            w.print(f"(and {n_stay} months in which a member stayed, the council left it be or no crisis came; "
                    "--rows all lists them)")
    t = Table(title=f"Scores after {split_d}, fit before: log score summed (higher better), Brier mean (lower better)",
              box=box.SIMPLE_HEAD)
    for c in ("group", "n", "model log", "base log", "still log", "model Brier", "base Brier", "still Brier"):
        t.add_column(c, justify="left" if c == "group" else "right")
    for r in summary:
        t.add_row(r["group"], str(r["decisions"]), _num(r["model_log"], "{:.2f}"), _num(r["base_rate_log"], "{:.2f}"),
                  _num(r["nobody_moves_log"], "{:.2f}"), _num(r["model_brier"], "{:.5f}"),
                  _num(r["base_rate_brier"], "{:.5f}"), _num(r["nobody_moves_brier"], "{:.5f}"))
    w.print(t)
    for g in ("csto all", "csto membership"):
        if any(r["group"] == g for r in summary):
            b = bt.beats(g)
            w.print(f"{g}: model beats " + ", ".join(f"{k.replace('_', ' ')}: {'yes' if v else 'NO'}" for k, v in b.items()))
    w.print(f"fit before {split_d}: log likelihood {bt.fit.log_likelihood:.3f}, "
            f"{'converged' if bt.fit.converged else 'DID NOT CONVERGE'}")


@app.command("sensitivity")
def sensitivity_cmd(
    scenario: str = typer.Argument(..., help="a built-in scenario name or a scenario folder"),
    method: str = typer.Option("morris", "--method", help="sobol or morris"),
    samples: int = typer.Option(8, "--samples", help="Sobol: base sample N (a power of 2); Morris: trajectories"),
    runs: int = typer.Option(200, "--runs", help="runs per sample point (one seeded ensemble each)"),
    months: int = typer.Option(60, "--months", help="months to the horizon"),
    start: str = typer.Option(None, "--from", help="start date (default: the scenario's end)"),
    assume: bool = typer.Option(False, "--assume-nothing-after-record", help=ASSUME_HELP),
    seed: int = typer.Option(0, "--seed", help="seed shared by every sample point (common random numbers)"),
    leaver: str = typer.Option("ARM", "--leaver", help="the state whose leaving by the horizon is an output"),
    param: list[str] = typer.Option(None, "--param", help="a parameter to vary (repeatable; default: the calibrated ones)"),
    parameters: Path = typer.Option(None, "--parameters", help="calibration file giving the ranges (default: the shipped calibration)"),
    executor: str = typer.Option("serial", "--executor", help="serial, processes or dask (docs/executors.md)"),
    workers: int = typer.Option(None, "--workers", help="worker processes (--executor processes, or dask's LocalCluster)"),
    scheduler: str = typer.Option(None, "--scheduler", help="address of a running Dask scheduler (implies --executor dask)"),
    plot: Path = typer.Option(None, "--plot", help="write a bar chart of the indices (PNG)"),
    out: Path = typer.Option(None, "-o", "--out", help="folder for samples.csv and indices.csv"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Global sensitivity (SALib Sobol or Morris) of the probability that a member leaves by the horizon and
    of the expected number of active members, over the calibration's uncertainty ranges."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from foedus.api import load_scenario
    from foedus.calibration import fit as fitmod
    from foedus.calibration.sensitivity import METHODS, ranges, run
    from foedus.model.parameters import registry

    if method not in METHODS:
        raise ArgumentError("--method", "sobol or morris", method)
    if executor not in ("serial", "processes", "dask"):
        raise ArgumentError("--executor", "serial, processes or dask", executor)
    if months < 1 or months > 1200:
        raise ArgumentError("--months", "a whole number of months from 1 to 1200", months)
    if seed < 0:
        raise ArgumentError("--seed", "a non-negative whole number", seed)
    if out is not None:
        replaceable_folder(out, SENSITIVITY_FILES, "a sensitivity folder")
    if plot is not None:
        from foedus.calibration.sensitivity import PLOT_MARK

        new_file(plot, PLOT_MARK, "a sensitivity chart (PNG)")
    sc = load_scenario(scenario)
    calibrated = None
    source = parameters or (SHIPPED if SHIPPED.exists() else None)
    if source is not None:
        calibrated = fitmod.read(source)["parameters"]
    names = tuple(param) if param else tuple(calibrated) if calibrated else fitmod.FITTED
    reg = registry()
    for n in names:
        if n not in reg:
            raise ArgumentError("--param", "a known parameter name (docs/model.md)", n)
    if len(set(names)) < 2:
        raise ArgumentError("--param", "at least two different parameters", ",".join(names))
    bounds = ranges(calibrated, names)
    start_d = _date_option(start, "--from")
    if start_d is not None:
        from foedus.api import after_record

        assumption = after_record(sc.data, start_d, assume, "start")
        if assumption:
            print_note(assumption)
    with Progress(TextColumn("sensitivity"), BarColumn(), MofNCompleteColumn(), TextColumn("points"),
                  TimeElapsedColumn(), console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("points", total=None)
        from foedus.ensemble.executors import make_executor

        base = {k: float(v["value"]) for k, v in (calibrated or {}).items()}   # what is not varied sits at the fit
        sa = run(sc.data, names, bounds, method, samples, runs, months, start_d, seed, leaver,
                 make_executor(executor, workers, scheduler), workers,
                 progress=lambda k, total: bar.update(task, completed=k, total=total), base=base)
    table = sa.table()
    if out is not None:
        import pandas as pd

        df = pd.DataFrame(sa.X, columns=list(names))
        for j, o in enumerate(sa.outputs):
            df[o] = sa.Y[:, j]
        with replace_folder(out, SENSITIVITY_FILES, "a sensitivity folder") as work:
            df.to_csv(work / "samples.csv", index=False)
            pd.DataFrame(table).to_csv(work / "indices.csv", index=False)
    if plot is not None:
        from foedus.calibration.sensitivity import plot as draw

        draw(sa, plot)
    meta = {"scenario": sc.name, "method": method, "samples": samples, "points": len(sa.X), "runs": runs,
            "months": months, "seed": seed, "ranges_from": ("the shipped calibration (foedus/model/calibrated.toml)" if source == SHIPPED
                            else str(source) if source else "the priors (no calibration file)")}
    if as_json:
        emit_json({**meta, "indices": table, "plot": str(plot) if plot else None})
        return
    w = _wide()
    key = "ST" if method == "sobol" else "mu_star"
    cols = ("ST", "ST_conf", "S1", "S1_conf") if method == "sobol" else ("mu_star", "mu_star_conf", "mu", "sigma")
    for o in sa.outputs:
        t = Table(title=f"{sc.name}: sensitivity of {o} at {months} months ({method}, ranked by {key})",
                  box=box.SIMPLE_HEAD)
        for c in ("rank", "parameter", "range") + cols:
            t.add_column(c, justify="left" if c in ("parameter", "range") else "right")
        for r in (r for r in table if r["output"] == o):
            t.add_row(str(r["rank"]), r["parameter"], f"[{r['low']:.3g}, {r['high']:.3g}]", *(f"{r[c]:.4f}" for c in cols))
        w.print(t)
        y = sa.Y[:, sa.outputs.index(o)]
        w.print(f"{o} over the sample: mean {y.mean():.4f}, min {y.min():.4f}, max {y.max():.4f}")
    w.print(f"{len(sa.X)} sample points x {runs} runs, seed {seed} (common random numbers); ranges from "
            f"{meta['ranges_from']}" + (f"; plot: {plot}" if plot else ""))
