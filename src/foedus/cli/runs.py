"""``foedus runs``: the experiment registry (list, show, compare recorded runs)."""

from __future__ import annotations

import typer
from rich import box
from rich.table import Table

from foedus.cli.app import app, console, emit_json
from foedus.registry import compare_runs, get_run, list_runs, registry_path

runs_app = typer.Typer(help="The experiment registry: every simulate, compare and calibrate run.",
                       no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(runs_app, name="runs")


def _headline(summary: dict) -> str:
    """Active members at the horizon (the baseline's, for a comparison)."""
    for key in ("active_members_mean", "expected_active_members"):
        if key in summary:
            return f"{summary[key]:.2f}"
    return ""


@runs_app.command("list")
def list_cmd(kind: str = typer.Option(None, "--kind", help="simulate, compare or calibrate"),
             scenario: str = typer.Option(None, "--scenario", help="only runs of this scenario"),
             limit: int = typer.Option(50, "--limit", min=1, help="at most this many, the latest first"),
             as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List recorded runs, the latest first."""
    rows = list_runs(kind=kind, scenario=scenario, limit=limit)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        console.print(f"no runs recorded yet in {registry_path()}")
        return
    t = Table(title=f"Recorded runs ({registry_path()})", box=box.SIMPLE_HEAD, pad_edge=False, caption="runs: runs x months; active: mean active members at the horizon "
              "(the baseline's, for a comparison)")
    for col in ("id", "kind", "date", "scenario", "variant", "runs", "seed", "active"):
        t.add_column(col, overflow="fold", no_wrap=col != "variant", min_width=14 if col == "variant" else None)
    for r in rows:
        created = (r["created"] or "")[:10]
        variant = (r["variant"] or "").replace(",", ", ")
        t.add_row(str(r["id"]), r["kind"], created, r["scenario"] or "", variant,
                  f"{r['runs'] or '?'}x{r['months'] or '?'}" if r["runs"] or r["months"] else "",
                  "" if r["seed"] is None else str(r["seed"]), _headline(r["summary"]))
    console.print(t)


@runs_app.command("show")
def show_cmd(run_id: int = typer.Argument(..., metavar="ID", help="a run's id (see `foedus runs list`)"),
             as_json: bool = typer.Option(False, "--json", help="print JSON (with the whole manifest)")) -> None:
    """Show one recorded run: its settings, parameters and headline figures."""
    r = get_run(run_id)
    if as_json:
        emit_json(r)
        return
    console.print(f"[bold]run {r['id']}[/bold]: {r['kind']} of {r['scenario']} ({r['variant'] or 'baseline'}), "
                  f"recorded {r['created']}")
    for k in ("command", "results", "version", "start", "months", "runs", "seed"):
        if r[k] not in (None, ""):
            console.print(f"  {k}: {r[k]}", markup=False)
    levers = r["manifest"].get("levers")
    if levers:
        console.print(f"  levers: {'; '.join(map(str, levers))}", markup=False)
    t = Table(title="Headline figures")
    t.add_column("figure", overflow="fold")
    t.add_column("value", overflow="fold")
    for k, v in _flat(r["summary"]):
        t.add_row(k, _fmt(v))
    console.print(t)
    if r["parameters"]:
        p = Table(title=f"{len(r['parameters'])} parameters")
        p.add_column("parameter")
        p.add_column("value")
        for k, v in _flat(r["parameters"]):
            p.add_row(k, _fmt(v))
        console.print(p)


@runs_app.command("compare")
def compare_cmd(a: int = typer.Argument(..., metavar="ID", help="the first run's id"),
                b: int = typer.Argument(..., metavar="ID2", help="the second run's id"),
                all_rows: bool = typer.Option(False, "--all", help="also list what is the same"),
                as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Compare two recorded runs: the settings, parameters and headline figures that differ."""
    c = compare_runs(a, b)
    if as_json:
        emit_json(c)
        return
    for section in ("settings", "parameters", "summary"):
        # a comparison's paired differences are its own (see `foedus runs show`), not a figure to line up
        rows = [r for r in c[section] if all_rows or (not r["same"] and not r["key"].startswith("differences."))]
        t = Table(title=f"{section}: {len(rows)} " + ("rows" if all_rows else "differ"))
        for col in ("key", f"run {a}", f"run {b}", "b - a"):
            t.add_column(col, overflow="fold")
        for r in rows:
            d = r.get("b_minus_a")
            t.add_row(r["key"], _fmt(r["a"]), _fmt(r["b"]), "" if d is None else f"{d:+.4g}")
        console.print(t)


def _flat(d: dict, prefix: str = ""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _flat(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return str(v)
