"""``foedus compare``: what-if variants against the baseline, with common random numbers; and
``foedus variants``: the built-in what-if variants."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from foedus.cli.app import ASSUME_HELP, CODING_HELP, PARAM_DRAWS_HELP, PRIOR_DRAWS_HELP, app, command_line, console, emit_json, err_console, print_note
from foedus.cli.progress import run_progress
from foedus.errors import ArgumentError
from foedus.model.posterior import check_draws, default_draws
from foedus.seeds import SEED_MAX


@app.command("variants")
def variants_cmd(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List the built-in what-if variants: their question, source and levers."""
    from foedus.variants import builtin_variants, load_variant

    rows = []
    for name in builtin_variants():
        v = load_variant(name)
        rows.append({"name": v.name, "title": v.title, "question": v.question, "source": v.source,
                     "scenario": v.scenario, "levers": v.lever_labels()})
    if as_json:
        emit_json(rows)
        return
    t = Table(title="Built-in what-if variants (foedus compare SCENARIO --variant NAME)")
    for col in ("name", "question", "levers"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(r["name"], r["question"], "\n".join(r["levers"]))
    console.print(t)


def _fmt(metric: str, x: float) -> str:
    return f"{100 * x:+.1f}" if metric in ("p_exit", "p_out") else f"{x:+.3f}"


def _level(metric: str, x: float) -> str:
    return f"{100 * x:.1f}%" if metric in ("p_exit", "p_out") else f"{x:.3f}"


def print_table(comp) -> None:
    t = comp.table
    k = int(comp.arms[0].manifest.get("param_draws") or 1)
    for v in dict.fromkeys(t["variant"]):
        tv = t[t["variant"] == v]
        arm = next(a for a in comp.arms if a.variant == v)
        q = arm.manifest.get("question")
        tab = Table(title=f"{v} against the baseline: paired differences, {comp.settings.get('runs')} runs, "
                          f"horizon {comp.settings.get('horizon')}" + (f"\n{q}" if q else ""))
        for col in ("figure", "baseline", "variant", "difference [95% interval]"):
            tab.add_column(col, overflow="fold", justify="left" if col == "figure" else "right")
        spread = []
        for r in tv.itertuples():
            unit = " pts" if r.metric in ("p_exit", "p_out") else ""
            tab.add_row(f"{r.metric} {r.state or 'alliance'}", _level(r.metric, r.baseline_mean),
                        _level(r.metric, r.variant_mean),
                        f"{_fmt(r.metric, r.difference)}{unit} [{_fmt(r.metric, r.ci_low)}, {_fmt(r.metric, r.ci_high)}]")
            if k > 1 and getattr(r, "difference_draws_q05", 0) != getattr(r, "difference_draws_q95", 0):
                spread.append(f"{r.metric} {r.state or 'alliance'} {_fmt(r.metric, r.difference_draws_q05)} to "
                              f"{_fmt(r.metric, r.difference_draws_q95)}{unit}")
        console.print(tab)
        if spread:
            console.print(f"across {k} parameter draws (5-95% of the mean difference within each draw): "
                          + "; ".join(spread), highlight=False, markup=False)
    console.print("p_exit: a step out (freeze, notice, suspension, exit) by the horizon; p_out: withdrawn, suspended or expelled at the horizon; "
                  "pts: percentage points. Intervals: mean ± 1.96 s.e. of the per-run differences (same seed in "
                  "every arm" + (f"; run i carries the same one of {k} parameter draws in every arm" if k > 1 else "")
                  + ").", style="dim", highlight=False)


def _resume_settings(ctx: typer.Context, folder: Path, **given) -> tuple:
    """The settings of the interrupted comparison in ``folder``: each one not given on the command line
    is the folder's (as recorded when it started); one given must match the arms already run."""
    from foedus.compare.run import read_plan

    plan = {"param_draws": 1, "prior_draws": False, "coding": None, **(read_plan(folder).get("plan") or {})}  # older plans: no draws
    out = {k: (v if ctx.get_parameter_source(k).name not in ("DEFAULT", "DEFAULT_MAP") else plan.get(k, v))
           for k, v in given.items()}
    return tuple(out[k] for k in ("variant", "lever", "name", "start", "months", "runs", "seed", "assume",
                                  "param_draws", "prior_draws", "coding"))


def _interrupted(scenario: str, out: Path) -> None:
    """Ctrl-C: the finished arms (and chunks) stay in the folder; say how to finish, exit 130."""
    import shlex

    from foedus.compare.run import arms_finished

    done = arms_finished(out)
    how = " ".join(shlex.quote(a) for a in ["foedus", "compare", scenario, "--resume", str(out)])
    err_console.print(f"foedus: interrupted: {len(done)} arm(s) finished in {out}"
                      + (f" ({', '.join(done)})" if done else "") + f"; finish the comparison with: {how}",
                      markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(130)


@app.command("compare")
def compare_cmd(
    ctx: typer.Context,
    scenario: str = typer.Argument(..., help="a built-in scenario name or a scenario folder"),
    variant: list[str] = typer.Option([], "--variant", "-v", help="a built-in variant or a variant .toml file (repeatable)"),
    lever: list[str] = typer.Option([], "--lever", "-l",
                                    help="KIND:DATE[:key=value,...], e.g. war-ends:2026-06 (repeatable; together one variant)"),
    name: str = typer.Option(None, "--name", help="name of the variant made of the --lever options"),
    start: str = typer.Option(None, "--start", help="first month simulated, YYYY-MM[-DD] (default: the scenario's end)"),
    months: int = typer.Option(120, "--months", min=1, max=1200, help="months simulated"),
    runs: int = typer.Option(1000, "--runs", min=2, help="runs per arm"),
    executor: str = typer.Option("serial", "--executor", help="serial, processes or dask (docs/executors.md)"),
    workers: int = typer.Option(None, "--workers", help="worker processes (--executor processes, or dask's LocalCluster)"),
    scheduler: str = typer.Option(None, "--scheduler", help="address of a running Dask scheduler (implies --executor dask)"),
    seed: int = typer.Option(0, "--seed", min=0, max=SEED_MAX, help="the root seed, the same for every arm"),
    out: Path = typer.Option(None, "--out", "-o", help="comparison folder (default: results/compare-<scenario>-<time>)"),
    report: Path = typer.Option(None, "--report", help="also write the HTML report here"),
    assume: bool = typer.Option(False, "--assume-nothing-after-record", help=ASSUME_HELP),
    resume: Path = typer.Option(None, "--resume", help="finish an interrupted comparison in this folder: finished arms are kept (settings not given are the folder's)"),
    param_draws: int = typer.Option(None, "--param-draws", show_default=False, help=PARAM_DRAWS_HELP + "; each run carries the same draw in every arm"),
    prior_draws: bool = typer.Option(False, "--prior-draws", help=PRIOR_DRAWS_HELP),
    coding: str = typer.Option(None, "--coding", help=CODING_HELP),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Run the baseline and each variant with common random numbers and print paired differences.

    Per member: the probability of a step out by the horizon (freeze, notice, suspension, exit),
    of being out at the horizon, and credibility; for the alliance: active members. Example:
    foedus compare csto --variant war-ends-2026 --variant info-ops (levers: docs/variants.md)"""
    from foedus.api import load_scenario
    from foedus.chronology import parse_date
    from foedus.compare.run import run_comparison
    from foedus.variants import load_variant, variant_from_levers

    from foedus.ensemble.executors import make_executor

    ex = make_executor(executor, workers, scheduler)  # a bad choice fails before anything else
    if resume is not None:
        if out is not None and out.resolve() != resume.resolve():
            raise ArgumentError("-o", f"no -o with --resume, or the same folder ({resume})", str(out))
        out = resume
        variant, lever, name, start, months, runs, seed, assume, param_draws, prior_draws, coding = _resume_settings(
            ctx, resume, variant=variant, lever=lever, name=name, start=start, months=months, runs=runs, seed=seed,
            assume=assume, param_draws=param_draws, prior_draws=prior_draws, coding=coding)
    param_draws = default_draws(param_draws, runs)
    if check_draws(param_draws) > runs:
        raise ArgumentError("--param-draws", f"at most the number of runs ({runs})", param_draws)
    if coding is not None:
        from foedus.scenario.codings import coding as named

        named(coding)   # an unknown name: one line, before any arm runs
    if report is not None:
        from foedus.output import new_file
        from foedus.report import REPORT_MARKS

        new_file(report, REPORT_MARKS, "an HTML report")  # refused now, not after the arms have run
    sc = load_scenario(scenario)
    arms = [load_variant(v) for v in variant]
    if lever:
        arms.append(variant_from_levers(list(lever), name))
    elif name:
        raise ArgumentError("--name", "--lever options to name", name)
    d = parse_date(start, "--start") if start else None
    if out is None:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
        out = Path("results") / f"compare-{sc.name}-{stamp}"

    from foedus.compare.run import lever_notes

    for v in arms:
        if v.scenario and v.scenario != sc.name:
            err_console.print(f"foedus: note: variant {v.name} was written for scenario '{v.scenario}', "
                              f"not '{sc.name}'", highlight=False, markup=False, soft_wrap=True)
    for text in lever_notes(arms, d or sc.data.scenario.end, months):
        print_note(text)
    from foedus.api import after_record

    assumption = after_record(sc.data, d, assume, "start") if d else None  # refused here, before any arm runs
    if assumption:
        print_note(assumption)

    # a Dask cluster starts once for every arm; the other executors are made per arm by name
    with ex if ex.name == "dask" else contextlib.nullcontext(), run_progress(runs, quiet=as_json) as progress:
        how = {"executor": ex} if ex.name == "dask" else {"executor": executor, "workers": workers}
        how.update(assume_nothing_after_record=assume, param_draws=param_draws, prior_draws=prior_draws, coding=coding)
        plan = {"variant": list(variant), "lever": list(lever), "name": name, "start": start, "months": months,
                "runs": runs, "seed": seed, "assume": assume, "param_draws": param_draws, "prior_draws": prior_draws, "coding": coding}
        try:
            comp = run_comparison(sc, arms, out=out, start=d, months=months, runs=runs, seed=seed, progress=progress,
                                  simulate_kwargs=how, command=command_line(), resume=resume is not None, plan=plan)
        except KeyboardInterrupt:
            _interrupted(scenario, out)
    _finish(comp, report, as_json)


def _finish(comp, report: Path | None, as_json: bool) -> None:
    """Record the comparison in the registry, write the report if asked, print the paired table."""
    from foedus.compare.summary import summarise
    from foedus.registry import try_record_run

    manifest = {**comp.arms[0].manifest, "command": comp.command, "variant": ",".join(a.variant for a in comp.arms[1:]),
                "levers": [lv for a in comp.arms[1:] for lv in a.manifest.get("levers", [])]}
    # the baseline's figures at the top level, as a simulate run records them, so that
    # `foedus runs compare` lines a comparison up with a plain forecast
    summary = {**summarise(comp.arms[0]), "variants": [a.variant for a in comp.arms[1:]],
               "differences": {f"{r.variant}:{r.metric}:{r.state or 'alliance'}": [round(r.difference, 6),
                                                                                    round(r.ci_low, 6), round(r.ci_high, 6)]
                               for r in comp.table.itertuples()}}
    rid = try_record_run("compare", manifest, summary, comp.path)
    rep = None
    if report is not None:
        from foedus.report import build_report

        rep = build_report(comp.path, report)
    if as_json:
        emit_json({**comp.to_dict(), "registry_id": rid, "report": str(rep.html) if rep else None})
        return
    print_table(comp)
    console.print(f"comparison folder: {comp.path.resolve()}" + (f" (registry id {rid})" if rid else ""),
                  highlight=False, soft_wrap=True)
    if rep:
        console.print(f"report written: {rep.html.resolve()}", highlight=False, soft_wrap=True)
