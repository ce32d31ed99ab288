"""``foedus report``: the forecast report, one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import typer

from foedus.cli.app import app, console, emit_json


@app.command("report")
def report_cmd(
    results: Path = typer.Argument(..., help="a results folder (foedus simulate) or a comparison folder (foedus compare)"),
    out: Path = typer.Option(None, "-o", "--out", help="the HTML file to write (default: RESULTS/report.html)"),
    title: str = typer.Option(None, "--title", help="the report's title"),
    sensitivity: Path = typer.Option(None, "--sensitivity", help="a folder written by foedus sensitivity -o: its figure in the report"),
    as_json: bool = typer.Option(False, "--json", help="print JSON: the files written"),
) -> None:
    """Write the forecast report: one self-contained HTML file, its figures also as PNG.

    Standings over time, survival curves, credibility fans, requests and their outcomes, the
    alliance as a network, variants against the baseline, the scenario and the data cited."""
    from foedus.report import build_report

    out = out or results / "report.html"
    rep = build_report(results, out, title=title, sensitivity=sensitivity)
    if as_json:
        emit_json({"html": str(rep.html), "figures": {k: str(v) for k, v in rep.figures.items()}, "arms": rep.arms})
        return
    console.print(f"report written: {rep.html.resolve()}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"figures ({len(rep.figures)} PNG): {rep.html.with_name(rep.html.stem + '_figures').resolve()}",
                  markup=False, highlight=False, soft_wrap=True)
