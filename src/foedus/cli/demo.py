"""``foedus demo``: the CSTO forecast report, start to finish (what ``make demo`` runs)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from foedus.cli.app import app, command_line, console, err_console
from foedus.output import replace_folder
from foedus.seeds import SEED_MAX

DEMO_VARIANTS = ("war-ends-2026", "info-ops")


@app.command("demo")
def demo_cmd(
    runs: int = typer.Option(10000, "--runs", min=2, help="runs per arm"),
    seed: int = typer.Option(7, "--seed", min=0, max=SEED_MAX, help="the root seed"),
    start: str = typer.Option("2024-03-01", "--start", help="first month simulated"),
    months: int = typer.Option(120, "--months", min=1, help="months simulated"),
    variant: list[str] = typer.Option(list(DEMO_VARIANTS), "--variant", "-v",
                                      help="what-if variants drawn against the baseline (repeatable)"),
    no_variants: bool = typer.Option(False, "--no-variants", help="the baseline forecast only"),
    out: Path = typer.Option(Path("results/demo"), "--out", "-o", help="the demo's folder (replaced whole)"),
) -> None:
    """Forecast the CSTO from March 2024 for ten years, with two what-ifs of the seed articles (the
    war in Ukraine ends in 2026; NATO publicises every refusal), print the summary and write the
    report."""
    from foedus.api import load_scenario
    from foedus.chronology import parse_date
    from foedus.cli.compare import print_table
    from foedus.cli.progress import run_progress
    from foedus.compare.run import finish_comparison, run_comparison
    from foedus.compare.summary import summarise
    from foedus.registry import try_record_run
    from foedus.report import build_report
    from foedus.variants import load_variant

    sc = load_scenario("csto")
    arms = [] if no_variants else [load_variant(v) for v in variant]
    d = parse_date(start, "--start")
    # the new demo is built beside the old one and swapped in only once it is whole
    with replace_folder(out, _demo_entry, "a demo folder") as work:
        err_console.print(f"the CSTO from {d.isoformat()}: {runs} runs x {months} months per arm", highlight=False)
        with run_progress(runs) as progress:
            if arms:
                run_comparison(sc, arms, out=work, start=d, months=months, runs=runs, seed=seed, progress=progress,
                               command=command_line())
            else:
                from foedus.compare.arms import simulate_arm
                from foedus.variants import BASELINE

                cb = progress("baseline")
                simulate_arm(sc, BASELINE, work / "baseline", start=d, months=months, runs=runs, seed=seed,
                             command=command_line(), **({"progress": cb} if cb else {}))
        err_console.print("writing the report ...", highlight=False)
        build_report(work if arms else work / "baseline", work / "report.html",
                     title="The CSTO, Russia's 'mini-NATO': a ten-year forecast")

    from foedus.compare.folder import open_results

    base = open_results(out / "baseline")
    summary = summarise(base)
    try_record_run("simulate", base.manifest, summary, out / "baseline")
    comp = None
    if arms:
        # again, now that the folder has its final name (comparison.json records its path)
        comp = finish_comparison(out, [open_results(out / a) for a in ["baseline", *(v.name for v in arms)]],
                                 command_line())
        try_record_run("compare", {**base.manifest, "command": command_line(), "variant": ",".join(v.name for v in arms),
                                   "levers": [lv for v in arms for lv in v.lever_labels()]},
                       {**summary, "variants": [v.name for v in arms],
                        "differences": {f"{r.variant}:{r.metric}:{r.state or 'alliance'}":
                                        [round(r.difference, 6), round(r.ci_low, 6), round(r.ci_high, 6)]
                                        for r in comp.table.itertuples()}}, out)
    print_summary(summary, sc)
    if comp is not None:
        print_table(comp)
    report = out / "report.html"
    console.print("\nModel results, not facts: they rest on the behavioural parameters (fitted on the record "
                  "where the record can tell, judgements elsewhere: docs/model.md) and the scenario's judged values.",
                  highlight=False, soft_wrap=True)
    console.print(f"\nThe CSTO forecast report: {report.resolve()}", highlight=False, soft_wrap=True)
    console.print(f"its figures as PNG: {(out / 'report_figures').resolve()}", highlight=False, soft_wrap=True)


def _demo_entry(entry: Path) -> bool:
    """What a demo folder holds: its report, its figures, comparison.json and one results folder per
    arm. Anything else is the user's, and a folder holding it is not replaced."""
    if entry.name in ("report.html", "comparison.json"):
        return entry.is_file()
    if entry.name == "report_figures":
        return entry.is_dir()
    return entry.is_dir() and (entry / "manifest.json").is_file()


def print_summary(summary: dict, sc) -> None:
    names = {s.iso3: s.name for s in sc.states}
    t = Table(title=f"The CSTO at {summary['horizon']}: {summary['runs']} runs")
    for col in ("member", "P(active)", "P(exit step by then)", "P(out then)", "credibility"):
        t.add_column(col, justify="left" if col == "member" else "right")
    for s in summary["members"]:
        t.add_row(f"{names.get(s, s)} ({s})", f"{100 * summary['p_active_at_horizon'][s]:.1f}%",
                  f"{100 * summary['p_exit_by_horizon'][s]:.1f}%" if "p_exit_by_horizon" in summary else "",
                  f"{100 * summary['p_out_at_horizon'][s]:.1f}%" if "p_out_at_horizon" in summary else "",
                  f"{summary['credibility_at_horizon'][s]:.2f}")
    console.print(t)
    if "active_members_mean" in summary:
        console.print(f"active members at the horizon: {summary['active_members_mean']:.2f} on average; "
                      f"some member takes a step out in {100 * summary['p_any_exit']:.1f}% of runs; "
                      f"{summary['refused_mean']:.2f} requests refused per run", highlight=False)
