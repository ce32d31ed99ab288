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
SENSITIVITY_FILES = files_named("samples.csv", "indices.csv", "sensitivity.json")

SCENARIOS_HELP = "comma-separated scenarios whose records are fitted together (built-in names or folders)"
SHIPPED = Path(__file__).resolve().parent.parent / "model" / "calibrated.toml"


def _command(default: str) -> str:
    return command_line() if ARGV else default


def _wide() -> Console:
    return console if console.is_terminal else Console(width=132)


def _observations(scenarios: str, coding: str | None = None):
    from foedus.api import load_scenario
    from foedus.calibration.observations import build

    names = [s.strip() for s in scenarios.split(",") if s.strip()]
    if not names:
        raise ArgumentError("--scenarios", "at least one scenario name", scenarios)
    loaded = [load_scenario(n) for n in names]
    if coding is not None:   # the record read with a named coding of contested facts
        loaded = [sc.coded(coding) for sc in loaded]
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
    pooled: bool = typer.Option(False, "--pooled", help="fit together with the fitted half of the ATOP catalogue, "
                                "with a random intercept per alliance (docs/calibration.md, 'Pooled fit')"),
    since: int = typer.Option(1945, "--since", help="with --pooled: ATOP alliances begun in or after this year"),
    min_members: int = typer.Option(3, "--min-members", help="with --pooled: ATOP alliances with at least this many members"),
    obligation: str = typer.Option("defence", "--obligation", help="with --pooled: the ATOP obligation (defence, ..., or any)"),
    coding: str = typer.Option(None, "--coding", help="fit the record read with a named coding of contested facts (docs/calibration.md)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Fit the behavioural parameters to the record by maximum a posteriori (exact likelihood, written-down priors)."""
    from foedus.calibration import fit as fitmod
    from foedus.calibration.fit import fit, provenance, write

    until_d = _date_option(until, "--until")
    if pooled and until_d is not None:
        raise ArgumentError("--until", "no date with --pooled (the catalogue's fitted half is fitted whole)", until)
    if coding is not None:
        from foedus.scenario.codings import coding as named

        named(coding)   # an unknown name is refused before anything is written
    new_file(out, fitmod.MARK, "a parameter file")  # refused before the fit, not after
    if pooled:
        from foedus.calibration import crisis_rates

        new_file(Path(out).with_name(crisis_rates.SHIPPED), crisis_rates.MARK, "a crisis-rate file")
    obs, hashes = _observations(scenarios, coding)
    command = _command("foedus calibrate" + (f" --until {until}" if until else "") + (" --pooled" if pooled else "")
                       + f" --scenarios {scenarios}" + (f" --coding {coding}" if coding else "") + f" -o {out}")
    with err_console.status("fitting (L-BFGS-B on the exact log posterior, then a numerical Hessian)",
                            spinner="dots") if err_console.is_terminal else _null():
        if pooled:
            f, doc = _pooled(obs, hashes, scenarios, command, since, min_members, obligation)
        else:
            f = fit(obs, until_d)
            doc = provenance(f, obs, command, hashes)
    if coding is not None:
        doc["provenance"]["coding"] = coding
    crisis = _crisis_rates(out, command, since, min_members, obligation) if pooled else None
    if crisis is not None:
        doc["crisis_rates"] = {n: {"value": v, "se": s, "data_share": sh} for n, v, s, sh in crisis.parameter_rows()}
    path = write(out, doc)
    _record_run(scenarios, command, until_d, doc, f, path)
    if as_json:
        emit_json({"file": str(path), **doc})
        return
    _print_fit(f, doc, hashes, until_d)
    w = _wide()
    if "pooling" in doc:
        pool = doc["pooling"]
        w.print(f"pooled: {pool['catalogue']['alliances']} ATOP alliances of the fitted half, {pool['catalogue']['cells']} "
                f"alliance-decades, {pool['catalogue']['exits_scored']} exits scored ({pool['catalogue']['exits_left_out']} "
                f"left out: the engine cannot make them); alliances' intercepts on the hazards of leaving: sd {pool['sd']:.3f} "
                f"(empirical Bayes, rounds: {pool['rounds']}, {pool['seconds']:.0f} s)")
        _print_state_effects(w, pool)
    if crisis is not None:
        _print_crisis_rates(w, crisis, out)
    ident = doc["identification"]
    w.print(f"identified by the data (data share of the posterior precision above a half): {ident['identified']} of "
            f"{ident['parameters']} parameters")
    w.print(f"written: {path}")


def _print_state_effects(w, pool: dict, largest: int = 8) -> None:
    """The states' effects on the hazards of leaving: their sd and the largest in size."""
    effects = pool.get("state_effects", {})
    if not effects:
        return
    sd = pool["sd_state"]
    w.print(f"states' effects on the hazards of leaving: {len(effects)} states, sd {sd:.3f} (one sd multiplies the odds "
            f"of leaving by {math.exp(sd):.2f}); the largest:")
    top = sorted(effects.items(), key=lambda kv: -abs(kv[1]["value"]))[:largest]
    w.print("  " + ", ".join(f"{e['state']} (COW {c}) {e['value']:+.3f} (se {e['se']:.3f})" for c, e in top))


def _pooled(obs, hashes, scenarios, command, since, min_members, obligation):
    """The pooled fit's parameters and its file (``calibration.pooled``)."""
    from foedus.api import load_scenario
    from foedus.calibration.catalogue import decisions, renewal_decisions
    from foedus.calibration.observations import Observations
    from foedus.calibration.pooled import fit_pooled, pooled_provenance
    from foedus.catalogue.search import obligation_code

    if isinstance(min_members, bool) or min_members < 2:
        raise ArgumentError("--min-members", "a whole number of members, at least 2", min_members)
    code = None if obligation.strip().lower() == "any" else obligation_code(obligation)
    recorded = frozenset(a.atop_id for n in hashes for a in load_scenario(n).data.alliances if getattr(a, "atop_id", None))
    cat = decisions(since, min_members, code, recorded=recorded)
    renewals = renewal_decisions(exclude=recorded | frozenset(cat.alliances))
    both = Observations(obs.records + cat.observations.records + renewals.records)
    pf = fit_pooled(both)
    doc = pooled_provenance(pf, cat, both, command, hashes)
    rw = [r.rows["renewal"] for r in renewals.records]
    doc["pooling"]["renewals"] = {
        "what": "the renewal windows (renew or lapse) of the fitted half's treaties that renew by the parties' new "
                "agreement, since 1815, any obligation (calibration.catalogue.renewal_decisions)",
        "alliances": sorted({r.group for r in renewals.records}), "windows": int(sum(len(r.y) for r in rw)),
        "lapses": int(sum(int(r.y.sum()) for r in rw))}
    return pf.fit, doc


def _crisis_rates(out: Path, command: str, since: int, min_members: int, obligation: str):
    """The crisis rates pooled across alliances (``calibration.crisis_rates``), fitted on the same
    fitted half, written beside the parameter file as ``crisis-rates.toml``."""
    from foedus.calibration import crisis_rates
    from foedus.catalogue.search import obligation_code

    code = None if obligation.strip().lower() == "any" else obligation_code(obligation)
    f = crisis_rates.fit_fitted_half(since, min_members, code)
    crisis_rates.write(f, Path(out).with_name(crisis_rates.SHIPPED), command)
    return f


def _print_crisis_rates(w: Console, f, out: Path) -> None:
    t = Table(title=f"Crisis rates pooled across alliances: {f.rows} member-decades, {f.disputes} COW MID disputes",
              box=box.SIMPLE_HEAD, caption="empirical Bayes (Laplace); se of a log sd: from the curvature of the "
                                           "marginal likelihood; data share: 1 - prior precision / posterior precision")
    for c in ("parameter", "value", "se", "data share"):
        t.add_column(c, justify="left" if c == "parameter" else "right")
    for name, v, s, sh in f.parameter_rows():
        t.add_row(name, f"{v:.3f}", _num(s), _num(sh, "{:.2f}"))
    w.print(t)
    w.print("population sds: " + ", ".join(f"{g} {v:.3f}" for g, v in f.sd.items())
            + f"; written: {Path(out).with_name('crisis-rates.toml')}")


def _record_run(scenarios, command, until_d, doc, f, path) -> None:
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


def _print_fit(f, doc, hashes, until_d) -> None:
    w = _wide()
    with_atop = " with the ATOP catalogue's fitted half" if "pooling" in doc else ""
    t = Table(title=f"MAP fit on {', '.join(hashes)} decisions{with_atop}" + (f" before {until_d}" if until_d else ""),
              box=box.SIMPLE_HEAD, caption="se: from the inverse Hessian of the negative log posterior; data share: "
                                           "1 - prior precision / posterior precision")
    for c in ("parameter", "value", "se", "data share", "default", "prior"):
        t.add_column(c, justify="left" if c in ("parameter", "prior") else "right")
    shares = doc["identification"]["data_share"]
    for r in f.table():
        t.add_row(r["name"], f"{r['value']:.3f}" + (" (bound)" if r["at_bound"] else ""), _num(r["se"]),
                  _num(shares.get(r["name"]), "{:.2f}"), f"{r['default']:g}", r["prior"].split(" truncated")[0])
    w.print(t)
    p = doc["provenance"]
    w.print(f"decisions: {sum(f.counts.values())} ({', '.join(f'{k} {v}' for k, v in f.counts.items() if v)})")
    w.print(f"log likelihood {f.log_likelihood:.3f}, log prior {f.log_prior:.3f}, log posterior {f.log_posterior:.3f}; "
            f"optimiser {'converged' if f.converged else 'DID NOT CONVERGE'} ({p['optimiser_message']}, "
            f"{f.iterations} iterations, {f.evaluations} evaluations, {f.seconds:.1f} s)")


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _loaded(scenarios: str):
    from foedus.api import load_scenario

    names = [s.strip() for s in scenarios.split(",") if s.strip()]
    if not names:
        raise ArgumentError("--scenarios", "at least one scenario name", scenarios)
    return [load_scenario(n) for n in names]


def _split_dates(text: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """``--splits``: comma-separated years (1 January) or dates, each inside the record, in order."""
    out = []
    for part in [t.strip() for t in text.split(",")]:
        d = dt.date(int(part), 1, 1) if part.isdigit() and len(part) == 4 else parse_date(part, "--splits")
        if not first < d <= last:
            raise ArgumentError("--splits", f"years or dates inside the record ({first:%Y-%m} .. {last:%Y-%m})", part)
        out.append(d)
    if out != sorted(set(out)):
        raise ArgumentError("--splits", "distinct splits in date order", text)
    return out


@app.command("backtest")
def backtest_cmd(
    split: str = typer.Option("2020-01-01", "--split", help="fit on what was known before this date, score the decisions after"),
    splits: str = typer.Option(None, "--splits", help="rolling splits, comma-separated years or dates (e.g. 2005,2010,2015,2020,2022,2024): "
                               "one table of the model against the baselines, one-step and multi-year"),
    scenarios: str = typer.Option("csto,nato", "--scenarios", help=SCENARIOS_HELP),
    rows: str = typer.Option("moves", "--rows", help="decisions to list: all, moves (all but the months in which nothing moved), none"),
    alliance: str = typer.Option(None, "--alliance", help="list and score only this alliance's decisions (the fit uses every scenario)"),
    runs: int = typer.Option(500, "--runs", help="--splits: runs of each multi-year forecast"),
    seed: int = typer.Option(0, "--seed", help="--splits: seed of the multi-year forecasts"),
    folds: int = typer.Option(3, "--folds", help="--splits: the ATOP alliances of the pooled fit left out in this many "
                              "groups, each forecast by a fit without it (0: none)"),
    fold_runs: int = typer.Option(100, "--fold-runs", help="--splits: runs of each left-out ATOP alliance-decade"),
    workers: int = typer.Option(1, "--workers", help="--splits: processes running the splits and the left-out groups "
                                "side by side (the same results whatever the number)"),
    param_draws: int = typer.Option(None, "--param-draws", show_default=False,
                                    help="--splits: parameter vectors drawn from each split's own fit (its Laplace "
                                         "posterior, on what was known before the split), the multi-year runs split "
                                         "across them as foedus forecast splits its runs (0 or 1: the point fit; "
                                         "default 20, or --runs if fewer)"),
    out: Path = typer.Option(None, "-o", "--out", help="folder for decisions.csv and summary.json (--split only)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Out-of-sample backtest with only what was known before the split (decisions, scenario values, priors,
    dated judgements): the log and Brier scores of every later decision against three baselines (per-alliance,
    per-type base rates; an exit logit fitted on ATOP; nobody moves). --splits: rolling splits, with the
    multi-year event counts scored too (log score and CRPS)."""
    if rows not in ("all", "moves", "none"):
        raise ArgumentError("--rows", "all, moves or none", rows)
    if splits is not None:
        if out is not None:
            raise ArgumentError("-o", "no folder with --splits (use --json)", str(out))
        if runs < 1 or runs > 100_000:
            raise ArgumentError("--runs", "a whole number of runs from 1 to 100000", runs)
        if seed < 0:
            raise ArgumentError("--seed", "a non-negative whole number", seed)
        if isinstance(folds, bool) or folds < 0 or folds == 1 or folds > 21:
            raise ArgumentError("--folds", "0 (none) or a whole number of groups from 2 to 21", folds)
        if fold_runs < 1 or fold_runs > 100_000:
            raise ArgumentError("--fold-runs", "a whole number of runs from 1 to 100000", fold_runs)
        if workers < 1 or workers > 64:
            raise ArgumentError("--workers", "a whole number of processes from 1 to 64", workers)
        from foedus.model.posterior import check_draws, default_draws

        param_draws = check_draws(default_draws(param_draws, runs))
        if param_draws > runs:
            raise ArgumentError("--param-draws", f"at most the number of runs ({runs})", param_draws)
    split_d = parse_date(split, "--split")
    if out is not None:
        replaceable_folder(out, BACKTEST_FILES, "a backtest folder")
    from foedus.calibration.observations import build

    loaded = _loaded(scenarios)
    obs = build(loaded)
    first, last = obs.span()
    if splits is not None:
        _rolling(loaded, _split_dates(splits, first, last), runs, seed, as_json, folds, fold_runs, workers, param_draws)
        return
    if not first < split_d <= last:
        raise ArgumentError("--split", f"a date inside the record ({first:%Y-%m} .. {last:%Y-%m})", split)
    known = sorted({r.alliance for r in obs.records})
    if alliance is not None and alliance not in known:
        raise ArgumentError("--alliance", f"an alliance of the scenarios ({', '.join(known)})", alliance)
    _single(loaded, split_d, rows, alliance, out, as_json)


def _single(loaded, split_d: dt.date, rows: str, alliance: str | None, out: Path | None, as_json: bool) -> None:
    from foedus.calibration import exit_logit
    from foedus.calibration.backtest import COUNCIL, FORECASTERS, MEMBERSHIP, backtest

    with err_console.status("fitting on what was known before the split", spinner="dots") if err_console.is_terminal else _null():
        logit = exit_logit.fit(split_d.year)
        bt = backtest(loaded, split_d, exit_year=exit_logit.forecaster(logit, loaded, split_d))
    if alliance is not None:
        bt = replace(bt, decisions=[d for d in bt.decisions if d.alliance == alliance])
    summary = bt.summary()

    def listed(d):
        quiet = MEMBERSHIP + COUNCIL + ("crisis", "application", "invitation")
        return rows == "all" or (rows == "moves" and not (d.kind in quiet and d.y == 0))

    decisions = [{"alliance": d.alliance, "kind": d.kind, "decision": d.what, "happened": d.happened,
                  **{f"p_{f}": None if d.p(f) is None else float(d.p(f)[d.y]) for f in FORECASTERS}} for d in bt.decisions]
    known = {"neutralised": bt.neutralised, "withheld": bt.withheld, "exit_logit": logit.table()}
    if out is not None:
        import pandas as pd

        with replace_folder(out, BACKTEST_FILES, "a backtest folder") as work:
            pd.DataFrame(decisions).to_csv(work / "decisions.csv", index=False)
            (work / "summary.json").write_text(json.dumps({"command": command_line(), "split": split_d.isoformat(),
                                                           "fit": bt.fit.table(), "summary": summary, **known},
                                                          indent=2, default=str))
    if as_json:
        emit_json({"split": split_d.isoformat(), "fit": {"log_likelihood": bt.fit.log_likelihood,
                                                         "converged": bt.fit.converged, "parameters": bt.fit.table()},
                   **known, "summary": summary, "decisions": [d for d, x in zip(decisions, bt.decisions) if listed(x)]})
        return
    w = _wide()
    if rows != "none":
        t = Table(title=f"Decisions after {split_d}: probability of what happened", box=box.SIMPLE_HEAD)
        for c in ("decision", "model", "base rate", "exit logit", "nobody moves"):
            t.add_column(c, justify="left" if c == "decision" else "right")
        for d, x in zip(decisions, bt.decisions):
            if listed(x):
                t.add_row(f"[{d['alliance']}] {d['decision']}", f"{d['p_model']:.4f}", f"{d['p_base_rate']:.4f}",
                          f"{d['p_exit_logit']:.4f}", _num(d["p_nobody_moves"], "{:.0f}"))
        w.print(t)
        if rows == "moves":
            n_stay = sum(1 for x in bt.decisions if not listed(x))
            w.print(f"(and {n_stay} months in which a member stayed, the council left it be, no crisis came or "
                    "nobody applied or was invited; "
                    "--rows all lists them)")
    t = Table(title=f"Scores after {split_d}, fit before: log score summed (higher better), Brier mean (lower better)",
              box=box.SIMPLE_HEAD)
    for c in ("group", "n", "model log", "base log", "logit log", "still log", "model Brier", "base Brier", "logit Brier", "still Brier"):
        t.add_column(c, justify="left" if c == "group" else "right", no_wrap=c == "group")
    for r in summary:
        t.add_row(r["group"], str(r["decisions"]), *[_num(r[f"{f}_log"], "{:.2f}") for f in FORECASTERS],
                  *[_num(r[f"{f}_brier"], "{:.5f}") for f in FORECASTERS])
    w.print(t)
    for g in ("csto all", "csto membership"):
        if any(r["group"] == g for r in summary):
            b = bt.beats(g)
            w.print(f"{g}: model beats " + ", ".join(f"{k.replace('_', ' ')}: {'yes' if v else 'NO'}" for k, v in b.items()))
    w.print(f"known only after {split_d}: {len(bt.withheld)} scenario values withheld; dated judgements held neutral: "
            + (", ".join(f"{k} = {v:g}" for k, v in bt.neutralised.items()) or "none"))
    w.print(f"fit before {split_d}: log likelihood {bt.fit.log_likelihood:.3f}, "
            f"{'converged' if bt.fit.converged else 'DID NOT CONVERGE'}")


def _drawn_caption(param_draws: int, drawn: dict[str, dict]) -> str:
    """What the multi-year runs drew their parameters from, for the table's caption."""
    if param_draws <= 1:
        return "the point fit of each split"
    point = [split[:4] for split, d in drawn.items() if d["param_draws"] <= 1]
    return (f"split across {param_draws} parameter draws from each split's own fit (Laplace)"
            + (f"; the point fit at {', '.join(point)} (no positive definite Hessian)" if point else ""))


_SHORT = {"model": "model", "base_rate": "base", "exit_logit": "logit", "nobody_moves": "still"}
_LETTER = {"base_rate": "B", "exit_logit": "L", "nobody_moves": "S"}


def _rolling(loaded, split_ds: list[dt.date], runs: int, seed: int, as_json: bool, folds: int, fold_runs: int,
             workers: int, param_draws: int) -> None:
    from foedus.calibration.backtest import FORECASTERS
    from foedus.calibration.horizons import CLASSES
    from foedus.calibration.leave_out import by_alliance
    from foedus.calibration.rolling import rolling

    with err_console.status("fitting and forecasting at each split", spinner="dots") if err_console.is_terminal else _null():
        r = rolling(loaded, split_ds, runs, seed, folds=folds, fold_runs=fold_runs, workers=workers,
                    param_draws=param_draws)
    if as_json:
        emit_json({"splits": [d.isoformat() for d in r.splits], "runs": r.runs, "seed": r.seed,
                   "param_draws": r.param_draws, "drawn": r.drawn, "rows": r.rows,
                   "cells": [{"alliance": c.alliance, "split": c.split.isoformat(), "years": c.years, "event": c.event,
                              "real": c.real, "model_mean": c.mean, "log": c.log, "crps": c.crps} for c in r.cells],
                   "exit_logit": r.logits,
                   "left_out": [{"fold": f.fold, "atopids": list(f.alliances), "fitted": f.fitted, "fold_runs": fold_runs,
                                 "alliances": by_alliance(f),
                                 "cells": [{"atopid": c.atopid, "start": c.start.isoformat(), "stop": c.stop.isoformat(),
                                            "real": c.real, "model_mean": c.mean, "log": c.log, "crps": c.crps}
                                           for c in f.cells]} for f in r.folds]})
        return
    t = Table(title="Backtest at rolling splits: the model against three baselines", box=box.SIMPLE_HEAD, padding=(0, 1),
              caption="log: summed (higher better); score: Brier score (one-step) or CRPS (counts at 1, 3, 5 years), mean "
                      "(lower better); beats: the baselines the model beats (B base rate per alliance and type, L exit logit, "
                      f"S nobody moves); counts of {', '.join(CLASSES)}; {runs} runs, seed {seed}, "
                      + _drawn_caption(r.param_draws, r.drawn)
                      + (f"; atop: the ATOP alliances left out of the pooled fit in {folds} groups, their member-months "
                         f"and renewals (1-step mem) and each alliance-decade's members leaving (decade, {fold_runs} runs)"
                         if folds else ""))
    for c in ("alliance", "split", "scored", "n", *[f"log\n{_SHORT[f]}" for f in FORECASTERS],
              *[f"score\n{_SHORT[f]}" for f in FORECASTERS], "beats\nlog", "beats\nscore"):
        t.add_column(c, justify="left" if c in ("alliance", "split", "scored") or c.startswith("beats") else "right",
                     no_wrap=True)
    first_pooled = next((i for i, row in enumerate(r.rows) if row["split"] == "pooled"), None)
    for i, row in enumerate(r.rows):
        if i == first_pooled:
            t.add_section()
        t.add_row(row["alliance"], row["split"] if row["split"] in ("pooled",) or row["split"].startswith("fold") else row["split"][:4],
                  row["scored"].replace("one-step members", "1-step mem").replace("one-step", "1-step").replace("counts ", ""),
                  str(row["n"]), *[_num(row[f"{f}_log"], "{:.1f}") for f in FORECASTERS],
                  *[_num(row[f"{f}_score"], "{:.4f}") for f in FORECASTERS],
                  " ".join(_LETTER[b] for b in row["beats_log"]) or "-",
                  " ".join(_LETTER[b] for b in row["beats_score"]) or "-")
    _wide().print(t)
    _wide().print(_logit_table(r.logits))


def _logit_table(logits: dict[str, list[dict]]) -> Table:
    """The exit logit's coefficients (standard errors) fitted at each split."""
    names = [c["covariate"] for c in next(iter(logits.values()), [])]
    t = Table(title="Exit logit fitted before each split: coefficient (standard error)", box=box.SIMPLE_HEAD)
    for c in ("split", *names):
        t.add_column(c, justify="left" if c == "split" else "right", no_wrap=True)
    for split, table in logits.items():
        t.add_row(str(split)[:4], *[f"{c['coef']:.3f} ({c['se']:.3f})" for c in table])
    return t


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
    meta = {"scenario": sc.name, "method": method, "samples": samples, "points": len(sa.X), "runs": runs,
            "months": months, "seed": seed, "ranges_from": ("the shipped calibration (foedus/model/calibrated.toml)" if source == SHIPPED
                            else str(source) if source else "the priors (no calibration file)")}
    if out is not None:
        import pandas as pd

        df = pd.DataFrame(sa.X, columns=list(names))
        for j, o in enumerate(sa.outputs):
            df[o] = sa.Y[:, j]
        with replace_folder(out, SENSITIVITY_FILES, "a sensitivity folder") as work:
            df.to_csv(work / "samples.csv", index=False)
            pd.DataFrame(table).to_csv(work / "indices.csv", index=False)
            # what the report needs to cite it: the settings and the command that gives it again
            (work / "sensitivity.json").write_text(json.dumps({**meta, "command": command_line()}, indent=2) + "\n")
    if plot is not None:
        from foedus.calibration.sensitivity import plot as draw

        draw(sa, plot)
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
