"""``foedus retrodict``: the simulator run over known history, every class of event against the record."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from foedus.cli.app import (CODING_HELP, PARAM_DRAWS_HELP, PARAMETERS_HELP, PRIOR_DRAWS_HELP, STATE_EFFECTS_HELP, app,
                            console, emit_json, err_console, parameter_file)
from foedus.cli.catalogue import catalogue_app
from foedus.errors import ArgumentError
from foedus.model.posterior import check_draws, default_draws


def _num(x, digits: int = 2) -> str:
    return "-" if x is None or pd.isna(x) else f"{x:.{digits}f}"


def retrodiction_table(rows: pd.DataFrame, title: str) -> Table:
    """The rich table of cells: a real count outside its 90% interval is marked ``MISS``."""
    t = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True,
              caption="mean, 5-95% interval of the simulated counts per run; pit: the real count's predictive "
                      "percentile (randomised for ties); '-': a class the engine does not produce")
    for col in ("alliance", "period", "event", "real", "mean", "q05", "q95", "pit", "90%"):
        t.add_column(col, justify="left" if col in ("alliance", "event", "period", "90%") else "right", no_wrap=True)
    for r in rows.itertuples():
        mark = "not simulated" if not r.simulated else ("in" if r.inside else "[red]MISS[/red]")
        t.add_row(r.alliance, f"{r.start[:7]}..{r.end[:7]}", r.event, str(r.real), _num(r.mean), _num(r.q05, 0),
                  _num(r.q95, 0), _num(r.pit), mark)
    return t


def summary_line(s: dict) -> str:
    cov = "-" if s["cells"] == 0 else f"{100 * s['coverage']:.0f}%"
    return (f"{s['inside']} of {s['cells']} simulated cells have the real count inside the 90% interval "
            f"(coverage {cov}; {s['point_cells']} cells put every run on one value); "
            f"PIT histogram (10 bins): {' '.join(map(str, s['pit_histogram']))}")


@app.command("retrodict")
def retrodict_cmd(
    scenarios: list[str] = typer.Argument(..., help="built-in scenario names or scenario folders (one or more)"),
    start: str = typer.Option(..., "--from", help="start date YYYY-MM-DD: the state the record gives then"),
    end: str = typer.Option(..., "--to", help="last month counted, YYYY-MM (or a date in it)"),
    runs: int = typer.Option(300, "--runs", help="number of runs per scenario"),
    seed: int = typer.Option(0, "--seed", help="root seed: the same seed gives the same results"),
    chunk_size: int = typer.Option(1000, "--chunk-size", help="runs per chunk"),
    executor: str = typer.Option("serial", "--executor", help="serial, processes or dask (docs/executors.md)"),
    workers: int = typer.Option(None, "--workers", help="worker processes"),
    out: Path = typer.Option(None, "-o", "--out", help="folder for retrodiction.json, rows.csv, the figure and report.html"),
    parameters: Path = typer.Option(None, "--parameters", help=PARAMETERS_HELP),
    state_effects: bool = typer.Option(True, "--state-effects/--no-state-effects", help=STATE_EFFECTS_HELP),
    param_draws: int = typer.Option(None, "--param-draws", show_default=False, help=PARAM_DRAWS_HELP),
    prior_draws: bool = typer.Option(False, "--prior-draws", help=PRIOR_DRAWS_HELP),
    coding: str = typer.Option(None, "--coding", help=CODING_HELP),
    as_json: bool = typer.Option(False, "--json", help="print JSON: the rows and the summary"),
) -> None:
    """Simulate each scenario from --from to --to with every decision free and compare, per class of
    event, the simulated counts with the real count of the record (docs/retrodiction.md)."""
    from foedus.retrodiction import retrodict, summarise

    if chunk_size < 1:
        raise ArgumentError("--chunk-size", "a whole number of runs, at least 1", chunk_size)
    param_draws = check_draws(default_draws(param_draws, runs))
    _check_out(out)
    if coding is not None:
        from foedus.scenario.codings import coding as named

        named(coding)   # an unknown name fails before anything runs
        if parameters is not None:
            raise ArgumentError("--parameters", "no parameter file with --coding (a coding brings its own calibration)",
                                str(parameters))
    _, effects = parameter_file(parameters, state_effects, param_draws)   # a bad file: one line, before any run
    results = []
    with Progress(TextColumn("retrodicting {task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
                  TimeElapsedColumn(), console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        for name in scenarios:
            task = bar.add_task(name, total=runs)
            results.append(retrodict(name, start, end, runs=runs, seed=seed, chunk_size=chunk_size, executor=executor,
                                     workers=workers, calibration=parameters,
                                     progress=lambda done, t=task: bar.update(t, completed=done),
                                     param_draws=param_draws, prior_draws=prior_draws, coding=coding,
                                     state_effects=effects))
    rows = pd.concat([r.rows for r in results], ignore_index=True)
    doc = {"runs": runs, "seed": seed, "param_draws": max(1, param_draws), "prior_draws": prior_draws,
           **({"coding": coding} if coding else {}), **({"calibration": str(parameters)} if parameters else {}),
           "parameters": results[0].parameters,
           **({"state_effects": effects.source} if effects is not None else {}), "scenarios": [r.scenario for r in results],
           "rows": [row for r in results for row in r.to_json()["rows"]], "summary": summarise(rows)}
    if out is not None:
        from foedus.report.retrodiction import write_retrodiction

        write_retrodiction(out, doc, rows)
    if as_json:
        emit_json(doc)
        return
    title = (f"Retrodiction: {runs} runs per alliance, seed {seed}"
             + (f", {param_draws} parameter draws" + (" (judgements too)" if prior_draws else "") if param_draws > 1
                else ", the fitted parameters")
             + (f", coding {coding}" if coding else "") + (f", calibration {parameters.name}" if parameters else "")
             + (f", the states' effects of {effects.source}" if effects is not None else ""))
    wide = console if console.is_terminal else Console(width=120)  # a pipe or a file: no need to squeeze
    wide.print(retrodiction_table(rows, title))
    wide.print(summary_line(doc["summary"]), highlight=False, soft_wrap=True)
    if out is not None:
        wide.print(f"written: {out}/ retrodiction.json, rows.csv, report.html, report_figures/retrodiction.png",
                   markup=False, highlight=False, soft_wrap=True)



def _catalogue_doc(res: dict) -> dict:
    from foedus.retrodiction import json_rows

    return {**{k: v for k, v in res.items() if k != "rows"}, "rows": json_rows(res["rows"])}


def catalogue_line(res: dict) -> str:
    t, s = res["exits_total"], res["summary"]
    rho = "-" if res["exits_rank_correlation"] is None else f"{res['exits_rank_correlation']:.2f}"
    cov = "-" if not s["cells"] else f"{100 * s['coverage']:.0f}%"
    return (f"{res['settings']['alliances']} alliances, {res['cells']} alliance-decades, {res['member_decades']} "
            f"member-decades. Member exits: real {t['real']}, simulated {t['mean']:.1f} [{t['q05']:.0f}, {t['q95']:.0f}] "
            f"({'inside' if t['inside'] else 'OUTSIDE'} the 90% interval); rank correlation across alliances of "
            f"simulated and real exits {rho} ({res['alliances_with_exits']} alliances with a real exit). Cells: "
            f"{s['inside']} of {s['cells']} inside their 90% interval ({cov}; {s['point_cells']} put every run on "
            f"one value); PIT histogram: {' '.join(map(str, s['pit_histogram']))}")


def _catalogue_table(rows: pd.DataFrame, title: str) -> Table:
    t = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True,
              caption="per alliance, summed over its decades: real counts and simulated means; MID crises to 2010")
    for col in ("alliance", "decades", "MID crises", "simulated", "real exits", "simulated exits", "accessions",
                "simulated ", "cells outside"):
        t.add_column(col, justify="left" if col == "alliance" else "right", no_wrap=True)
    for aid, g in rows.groupby("alliance", sort=False):
        ex, ac, cr = (g[g["event"] == e] for e in ("exits", "accessions", "crises"))
        sim = g[g["simulated"].astype(bool)]
        ac_sim = f"{ac['mean'].sum():.2f}" if ac["simulated"].astype(bool).all() else "not simulated"
        t.add_row(aid, str(len(ex)), str(int(cr["real"].sum())), f"{cr['mean'].sum():.2f}", str(int(ex["real"].sum())),
                  f"{ex['mean'].sum():.2f}", str(int(ac["real"].sum())), ac_sim, str(int((~sim["inside"].astype(bool)).sum())))
    return t


@catalogue_app.command("retrodict")
def catalogue_retrodict_cmd(
    since: int = typer.Option(1945, "--since", help="alliances that began in or after this year (1815: all)"),
    min_members: int = typer.Option(3, "--min-members", help="at least this many members (2: bilateral ones too)"),
    obligation: str = typer.Option("defence", "--obligation", help="defence, offence, neutrality, non-aggression, consultation, or any"),
    half: str = typer.Option("held-out", "--half", help="held-out (never fitted), fitted, or all (docs/retrodiction.md)"),
    runs: int = typer.Option(300, "--runs", help="runs per alliance-decade"),
    seed: int = typer.Option(0, "--seed", help="root seed (each cell's seed derives from it and the cell)"),
    executor: str = typer.Option("serial", "--executor", help="serial or processes: alliance-decades run in parallel"),
    workers: int = typer.Option(None, "--workers", help="worker processes"),
    as_json: bool = typer.Option(False, "--json", help="print JSON: the rows and the summary"),
    out: Path = typer.Option(None, "-o", "--out", help="folder for retrodiction.json, rows.csv, the figure and report.html"),
    parameters: Path = typer.Option(None, "--parameters", help="a calibration file written by foedus calibrate "
                                    "(e.g. src/foedus/model/calibrated-pooled.toml) in the place of the shipped fit: its "
                                    "values and its states' effects at their values (no parameter draws here: every cell runs the point values)"),
    state_effects: bool = typer.Option(True, "--state-effects/--no-state-effects", help=STATE_EFFECTS_HELP),
    crisis_rates: str = typer.Option("pooled", "--crisis-rates", help="pooled (the members' rates from the fit pooled "
                                     "across alliances, drawn) or window (COW MID's ten years before each decade, as written)"),
) -> None:
    """Retrodict ATOP alliances by decade: the simulated member exits and accessions of each
    alliance-decade against ATOP's, the held-out half by default (docs/retrodiction.md)."""
    from foedus.catalogue.search import obligation_code
    from foedus.retrodiction.catalogue import retrodict_catalogue

    if not (1815 <= since <= 2016):
        raise ArgumentError("--since", "a year the data cover (1815-2016)", since)
    if min_members < 2:
        raise ArgumentError("--min-members", "a whole number of at least 2", min_members)
    code = None if obligation.strip().lower() == "any" else obligation_code(obligation)
    _check_out(out)
    fitted, effects = parameter_file(parameters, state_effects)
    with Progress(TextColumn("retrodicting ATOP alliance-decades"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("cells", total=None)
        res = retrodict_catalogue(since, min_members, code, half, runs, seed, executor, workers, parameters=fitted,
                                  crisis_rates=crisis_rates, progress=lambda done, total: bar.update(task, completed=done, total=total),
                                  state_effects=None if effects is None else dict(zip(effects.cow, effects.value.tolist())))
    doc = _catalogue_doc(res)
    if out is not None:
        from foedus.report.retrodiction import write_retrodiction

        write_retrodiction(out, {**doc, "runs": runs, "seed": seed, "scenarios": [f"ATOP {half} since {since}"]})
    if as_json:
        emit_json(doc)
        return
    wide = console if console.is_terminal else Console(width=120)
    wide.print(_catalogue_table(res["rows"], f"ATOP alliances since {since}, {half} half: {runs} runs per alliance-decade, seed {seed}"))
    wide.print(catalogue_line(res), highlight=False, soft_wrap=True)


def _check_out(out: Path | None) -> None:
    """Refuse an output folder that cannot be written before anything is simulated."""
    if out is not None:
        from foedus.output import replaceable_folder
        from foedus.report.retrodiction import ours

        replaceable_folder(out, ours, "a retrodiction folder")
