"""``foedus retrodict``: the simulator run over known history, every class of event against the record."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from foedus.cli.app import app, console, emit_json, err_console
from foedus.errors import ArgumentError


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
    as_json: bool = typer.Option(False, "--json", help="print JSON: the rows and the summary"),
) -> None:
    """Simulate each scenario from --from to --to with every decision free and compare, per class of
    event, the simulated counts with the real count of the record (docs/retrodiction.md)."""
    from foedus.retrodiction import retrodict, summarise

    if chunk_size < 1:
        raise ArgumentError("--chunk-size", "a whole number of runs, at least 1", chunk_size)
    results = []
    with Progress(TextColumn("retrodicting {task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
                  TimeElapsedColumn(), console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        for name in scenarios:
            task = bar.add_task(name, total=runs)
            results.append(retrodict(name, start, end, runs=runs, seed=seed, chunk_size=chunk_size, executor=executor,
                                     workers=workers, progress=lambda done, t=task: bar.update(t, completed=done)))
    rows = pd.concat([r.rows for r in results], ignore_index=True)
    doc = {"runs": runs, "seed": seed, "scenarios": [r.scenario for r in results],
           "rows": [row for r in results for row in r.to_json()["rows"]], "summary": summarise(rows)}
    if out is not None:
        from foedus.report.retrodiction import write_retrodiction

        write_retrodiction(out, doc, rows)
    if as_json:
        emit_json(doc)
        return
    title = f"Retrodiction: {runs} runs per alliance, seed {seed}"
    wide = console if console.is_terminal else Console(width=120)  # a pipe or a file: no need to squeeze
    wide.print(retrodiction_table(rows, title))
    wide.print(summary_line(doc["summary"]), highlight=False, soft_wrap=True)
    if out is not None:
        wide.print(f"written: {out}/ retrodiction.json, rows.csv, report.html, report_figures/retrodiction.png",
                   markup=False, highlight=False, soft_wrap=True)

