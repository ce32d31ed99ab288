"""``foedus forecast``: each member's chance of leaving by given years, with its interval across
parameter draws, run to run, across the named codings of contested facts, and under the fit on
the whole record (the pooled calibration, with the states' effects on the hazards of leaving)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from foedus.cli.app import (PARAM_DRAWS_HELP, PARAMETERS_HELP, STATE_EFFECTS_HELP, app, console, emit_json, err_console,
                            parameter_file)
from foedus.errors import ArgumentError
from foedus.model.parameters import CALIBRATED_POOLED as POOLED

FIGURES = ("p_left", "p_exit")
WHOLE_RECORD = "whole record"   # the label of the pooled calibration's rows


@dataclass(frozen=True)
class Calibration:
    """One structural alternative of the forecast: a label, the coding of contested facts it reads
    the record with (None: as shipped), parameter values held fixed (what-if overrides), or a
    calibration file whose values and posterior replace the shipped fit (``--parameters``,
    ``foedus.simulate``'s ``calibration``), and the states' effects (``posterior.StateEffects``, None: none)."""

    label: str
    coding: str | None = None
    parameters: dict | None = None
    effects: object = None
    calibration: Path | None = None


def _months_to(start: dt.date, year: int) -> int:
    """Months simulated from ``start``'s month through December of ``year``."""
    return (year - start.year) * 12 + 12 - start.month + 1


def forecast_rows(scenario: str, years: list[int], runs: int, seed: int, param_draws: int,
                  calibrations: list[Calibration], executor: str = "serial", workers: int | None = None,
                  progress=None) -> list[dict]:
    """One row per calibration, year and member: ``p_left`` and ``p_exit`` with their intervals
    (``results.tables.summary``); each (calibration, year) one seeded ensemble from the record's end.
    A row's ``coding`` is its calibration's label."""
    import foedus

    sc = foedus.load_scenario(scenario)
    start = sc.data.scenario.end
    rows = []
    for c in calibrations:
        for year in years:
            res = foedus.simulate(sc, months=_months_to(start, year), runs=runs, seed=seed, per_run=False,
                                  param_draws=param_draws, coding=c.coding, parameters=c.parameters,
                                  state_effects=c.effects, calibration=c.calibration, executor=executor,
                                  workers=workers)
            for r in res.summary().to_dict(orient="records"):
                rows.append({"coding": c.label, "by": year, "state": r["state"],
                             "state_effects": None if c.effects is None else c.effects.source,
                             **{k: r[k] for k in r if k.split("_draws")[0].split("_runs")[0] in FIGURES}})
            if progress is not None:
                progress()
    return rows


def _cell(r: dict, f: str) -> str:
    pc = lambda x: f"{100 * x:.1f}"  # noqa: E731
    return f"{pc(r[f])}% [{pc(r[f + '_draws_q05'])}-{pc(r[f + '_draws_q95'])}] ({pc(r[f + '_runs_q05'])}-{pc(r[f + '_runs_q95'])})"


def _draws_cell(r: dict | None, f: str) -> str:
    pc = lambda x: f"{100 * x:.1f}"  # noqa: E731
    return "-" if r is None else f"{pc(r[f])}% [{pc(r[f + '_draws_q05'])}-{pc(r[f + '_draws_q95'])}]"


def forecast_table(rows: list[dict], figure: str, years: list[int], main: str = "shipped") -> Table:
    what = {"p_left": "being out of the alliance (withdrawn or expelled) at the end of each year; a state that "
                      "left and came back counts as in",
            "p_exit": "having taken a first step out (freeze, notice, suspension or exit) by the end of each year"}[figure]
    whole = [r for r in rows if r["coding"] == WHOLE_RECORD]
    effects = "with" if any(r["state_effects"] for r in whole) else "without"
    t = Table(title=f"{figure}: the chance of {what}",
              caption=escape(f"{main}: P [5-95% across parameter draws] (90% run to run); codings: P's range across "
                             f"{main} and the named codings"
                             + (f"; whole record: the fit on the whole record (calibrated-pooled.toml) {effects} the "
                                "states' effects, P [5-95% across parameter draws]" if whole else "")),
              box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
    t.add_column("state", no_wrap=True)
    for y in years:
        t.add_column(f"by {y}", justify="right", no_wrap=True)
        t.add_column("codings", justify="right", no_wrap=True)
        if whole:
            t.add_column(WHOLE_RECORD, justify="right", no_wrap=True)
    for state in dict.fromkeys(r["state"] for r in rows if r["coding"] == main):
        cells = []
        for y in years:
            here = [r for r in rows if r["state"] == state and r["by"] == y]
            first = next(r for r in here if r["coding"] == main)
            coded = [r[figure] for r in here if r["coding"] != WHOLE_RECORD]
            cells += [_cell(first, figure), f"{100 * min(coded):.1f}-{100 * max(coded):.1f}%"]
            if whole:
                cells.append(_draws_cell(next((r for r in here if r["coding"] == WHOLE_RECORD), None), figure))
        t.add_row(state, *cells)
    return t


@app.command("forecast")
def forecast_cmd(
    scenario: str = typer.Argument("csto", help="a built-in scenario name or a scenario folder"),
    by: list[int] = typer.Option([2030, 2035], "--by", help="a year: the chance of leaving by its end (repeatable)"),
    runs: int = typer.Option(2000, "--runs", help="runs per coding and year"),
    seed: int = typer.Option(0, "--seed", help="root seed, the same for every coding and year"),
    param_draws: int = typer.Option(20, "--param-draws", help=PARAM_DRAWS_HELP),
    codings: bool = typer.Option(True, "--codings/--no-codings", help="also run every named coding of contested facts"),
    whole_record: bool = typer.Option(True, "--whole-record/--no-whole-record",
                                      help="also run the fit on the whole record (calibrated-pooled.toml: CSTO, NATO and "
                                           "ATOP, partially pooled) with its states' effects on the hazards of leaving"),
    parameters: Path = typer.Option(None, "--parameters", help=PARAMETERS_HELP),
    state_effects: bool = typer.Option(True, "--state-effects/--no-state-effects", help=STATE_EFFECTS_HELP),
    executor: str = typer.Option("serial", "--executor", help="serial or processes"),
    workers: int = typer.Option(None, "--workers", help="worker processes"),
    as_json: bool = typer.Option(False, "--json", help="print JSON: one row per coding, year and member"),
) -> None:
    """Each member's chance of leaving, and of a first step out, by the end of each --by year, from the
    record's end: with its interval across parameter draws, run to run, across codings and under the
    fit on the whole record (docs/cli.md)."""
    import foedus
    from foedus.model.posterior import check_draws
    from foedus.scenario.codings import codings as named

    end = foedus.load_scenario(scenario).data.scenario.end
    if not by or any(not (end.year <= y <= end.year + 99) for y in by):
        raise ArgumentError("--by", f"years from {end.year} (the record's end) to {end.year + 99}", by)
    if runs < 2:
        raise ArgumentError("--runs", "a whole number of runs, at least 2", runs)
    if check_draws(param_draws) > runs:
        raise ArgumentError("--param-draws", f"at most the number of runs ({runs})", param_draws)
    years = sorted(set(by))
    which = calibrations(parameters, state_effects, sorted(named()) if codings else [], whole_record, param_draws)
    with err_console.status("forecasting", spinner="dots") if err_console.is_terminal and not as_json else _quiet():
        rows = forecast_rows(scenario, years, runs, seed, param_draws, which, executor, workers)
    labels = [c.label for c in which]
    if as_json:
        emit_json({"scenario": scenario, "from": end.isoformat(), "runs": runs, "seed": seed,
                   "param_draws": param_draws, "codings": labels,
                   "state_effects": {c.label: c.effects.source for c in which if c.effects is not None}, "rows": rows})
        return
    wide = console if console.is_terminal else Console(width=160)
    for f in FIGURES:
        wide.print(forecast_table(rows, f, years, labels[0]))
    effects = [c.label + ("" if c.label == c.effects.source else f" ({c.effects.source})") for c in which
               if c.effects is not None]
    wide.print(f"from {end.isoformat()} (the record's end), {runs} runs per calibration and year, seed {seed}, "
               f"{param_draws} parameter draws; calibrations: {', '.join(labels)}; states' effects on the hazards of "
               f"leaving: {', '.join(effects) or 'none'}", markup=False, highlight=False, soft_wrap=True)


def calibrations(parameters: Path | None, state_effects: bool, codings: list[str], whole_record: bool,
                 draws: int = 1) -> list[Calibration]:
    """The forecast's structural alternatives: first the calibration given (``--parameters``, its values
    and posterior, labelled by its file's name) or the shipped one, then each named coding, then the fit
    on the whole record (the pooled calibration, its values and posterior); each file with its states'
    effects unless ``--no-state-effects``. ``draws``: the parameter draws (a file without ``[posterior]``
    only with 1)."""
    _, effects = parameter_file(parameters, state_effects, draws)
    out = [Calibration(parameters.name if parameters is not None else "shipped", None, None, effects, parameters)]
    out += [Calibration(c, c) for c in codings]
    if whole_record:
        _, effects = parameter_file(POOLED, state_effects)
        out.append(Calibration(WHOLE_RECORD, None, None, effects, POOLED))
    return out


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
