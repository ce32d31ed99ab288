"""``foedus show RESULTS``: a results folder's summary printed again, and its tables as CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from foedus.cli.app import app, console, emit_json


@app.command("show")
def show_cmd(
    results: Path = typer.Argument(..., help="a results folder (foedus simulate) or a comparison folder (foedus compare, demo)"),
    csv: Path = typer.Option(None, "--csv", help="also write the tables as CSV files into this folder (new or empty)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Print a results folder's summary again, as the command that wrote it did (per member for a
    simulation, paired differences for a comparison), and the command that reproduces it."""
    from foedus.compare.run import COMPARISON_FILE

    arms = [d for d in sorted(results.iterdir()) if (d / "manifest.json").is_file()] if results.is_dir() else []
    if (results / COMPARISON_FILE).is_file() or len(arms) > 1:
        _show_comparison(results, csv, as_json)
    else:  # a simulation, or a demo of the baseline alone
        _show_simulation(arms[0] if arms and not (results / "manifest.json").is_file() else results, csv, as_json)


def _show_simulation(folder: Path, csv: Path | None, as_json: bool) -> None:
    from foedus.cli.simulate import print_results
    from foedus.errors import ResultsError
    from foedus.results import load

    res = load(folder)
    if not res.complete:
        raise ResultsError(f"{folder}: the run is not complete ({len(res.missing_chunks)} of "
                           f"{res.manifest.get('chunks_total')} chunks missing); finish it with: foedus simulate "
                           f"{res.manifest.get('scenario_path') or res.manifest.get('scenario')} --resume {folder}")
    if csv is not None:
        res.to_csv(csv)
    if as_json:
        summ = res.summary()
        emit_json({"results": str(folder), "manifest": res.manifest, "csv": str(csv) if csv else None,
                   "summary": summ.astype(object).where(summ.notna(), None).to_dict(orient="records")})
        return
    print_results(res)
    _footer(res.manifest.get("command"), csv)


def _show_comparison(folder: Path, csv: Path | None, as_json: bool) -> None:
    from foedus.cli.compare import print_table
    from foedus.compare.run import comparison_of
    from foedus.report import open_arms

    comp = comparison_of(folder, open_arms(folder))
    if csv is not None:
        comp.to_csv(csv)
    if as_json:
        emit_json({**comp.to_dict(), "csv": str(csv) if csv else None})
        return
    print_table(comp)
    console.print(f"comparison folder: {folder}", highlight=False, soft_wrap=True)
    _footer(comp.command, csv)


def _footer(command: str | None, csv: Path | None) -> None:
    if command:
        console.print(f"made by: {command}", markup=False, highlight=False, soft_wrap=True)
    if csv is not None:
        console.print(f"tables as CSV: {csv}", markup=False, highlight=False, soft_wrap=True)
