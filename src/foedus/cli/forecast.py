"""``foedus forecast``: each member's chance of leaving by given years, with its interval across
parameter draws, run to run, and across the named codings of contested facts."""

from __future__ import annotations

import datetime as dt

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from foedus.cli.app import PARAM_DRAWS_HELP, app, console, emit_json, err_console
from foedus.errors import ArgumentError

FIGURES = ("p_left", "p_exit")


def _months_to(start: dt.date, year: int) -> int:
    """Months simulated from ``start``'s month through December of ``year``."""
    return (year - start.year) * 12 + 12 - start.month + 1


def forecast_rows(scenario: str, years: list[int], runs: int, seed: int, param_draws: int, codings: list[str | None],
                  executor: str = "serial", workers: int | None = None, progress=None) -> list[dict]:
    """One row per coding, year and member: ``p_left`` and ``p_exit`` with their intervals
    (``results.tables.summary``); each (coding, year) one seeded ensemble from the record's end."""
    import foedus

    sc = foedus.load_scenario(scenario)
    start = sc.data.scenario.end
    rows = []
    for coding in codings:
        for year in years:
            res = foedus.simulate(sc, months=_months_to(start, year), runs=runs, seed=seed, per_run=False,
                                  param_draws=param_draws, coding=coding, executor=executor, workers=workers)
            for r in res.summary().to_dict(orient="records"):
                rows.append({"coding": coding or "shipped", "by": year, "state": r["state"],
                             **{k: r[k] for k in r if k.split("_draws")[0].split("_runs")[0] in FIGURES}})
            if progress is not None:
                progress()
    return rows


def _cell(r: dict, f: str) -> str:
    pc = lambda x: f"{100 * x:.1f}"  # noqa: E731
    return f"{pc(r[f])}% [{pc(r[f + '_draws_q05'])}-{pc(r[f + '_draws_q95'])}] ({pc(r[f + '_runs_q05'])}-{pc(r[f + '_runs_q95'])})"


def forecast_table(rows: list[dict], figure: str, years: list[int]) -> Table:
    what = {"p_left": "being out of the alliance (withdrawn or expelled) at the end of each year; a state that "
                      "left and came back counts as in",
            "p_exit": "having taken a first step out (freeze, notice, suspension or exit) by the end of each year"}[figure]
    t = Table(title=f"{figure}: the chance of {what}",
              caption=escape("the shipped coding: P [5-95% across parameter draws] (90% run to run); "
                             "codings: P's range across the named codings"),
              box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
    t.add_column("state", no_wrap=True)
    for y in years:
        t.add_column(f"by {y}", justify="right", no_wrap=True)
        t.add_column("codings", justify="right", no_wrap=True)
    for state in dict.fromkeys(r["state"] for r in rows if r["coding"] == "shipped"):
        cells = []
        for y in years:
            here = [r for r in rows if r["state"] == state and r["by"] == y]
            shipped = next(r for r in here if r["coding"] == "shipped")
            lo, hi = min(r[figure] for r in here), max(r[figure] for r in here)
            cells += [_cell(shipped, figure), f"{100 * lo:.1f}-{100 * hi:.1f}%"]
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
    executor: str = typer.Option("serial", "--executor", help="serial or processes"),
    workers: int = typer.Option(None, "--workers", help="worker processes"),
    as_json: bool = typer.Option(False, "--json", help="print JSON: one row per coding, year and member"),
) -> None:
    """Each member's chance of leaving, and of a first step out, by the end of each --by year, from the
    record's end: with its interval across parameter draws, run to run, and across codings."""
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
    which = [None, *(sorted(named()) if codings else [])]
    with err_console.status("forecasting", spinner="dots") if err_console.is_terminal and not as_json else _quiet():
        rows = forecast_rows(scenario, years, runs, seed, param_draws, which, executor, workers)
    if as_json:
        emit_json({"scenario": scenario, "from": end.isoformat(), "runs": runs, "seed": seed,
                   "param_draws": param_draws, "codings": [c or "shipped" for c in which], "rows": rows})
        return
    wide = console if console.is_terminal else Console(width=160)
    for f in FIGURES:
        wide.print(forecast_table(rows, f, years))
    wide.print(f"from {end.isoformat()} (the record's end), {runs} runs per coding and year, seed {seed}, "
               f"{param_draws} parameter draws; codings: {', '.join(c or 'shipped' for c in which)}",
               markup=False, highlight=False, soft_wrap=True)


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
