"""The backtest at rolling splits: one table of the model against the three baselines, for the
one-step decisions and the multi-year event counts, each split and pooled over the splits.

At each split ``D`` (default: 2005, 2010, 2015, 2020, 2022, 2024, each on 1 January) the model is
fitted on what was known before ``D`` (:func:`foedus.calibration.backtest.backtest`), the exit logit
on the ATOP member-years before ``D``'s year (:mod:`foedus.calibration.exit_logit`); every later
decision is scored (one step: every decision, and the members' own decisions apart, where
"nobody moves" has a say), and the counts of events 1, 3 and 5 years on
(:mod:`foedus.calibration.horizons`), simulated from parameter vectors drawn from the split's own
fit (:func:`split_posterior`: its Laplace approximation, nothing known after the split). Pooled rows
sum the log scores and average the Brier scores and CRPS over every split's decisions or cells.

Beside the splits in time, the alliances of the ATOP catalogue left out of the pooled fit
(:mod:`foedus.calibration.leave_out`): each group's member-months and renewal windows (one step)
and each of its alliance-decades' count of members leaving, rows ``atop``, ``fold K``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from foedus.calibration import exit_logit, horizons, leave_out
from foedus.calibration.backtest import FORECASTERS, backtest, scores
from foedus.chronology import add_months
from foedus.errors import ArgumentError
from foedus.model.parameters import registry
from foedus.model.posterior import Posterior, check_draws, default_draws
from foedus.scenario.known import as_known

SPLITS = tuple(dt.date(y, 1, 1) for y in (2005, 2010, 2015, 2020, 2022, 2024))
BASELINES = FORECASTERS[1:]


@dataclass(frozen=True)
class Rolling:
    splits: tuple[dt.date, ...]
    runs: int
    seed: int
    rows: list[dict]                  # the table: per alliance, split (or "pooled") and what is scored
    cells: list[horizons.Cell]        # every multi-year cell
    logits: dict[str, list[dict]]     # split -> the exit logit's coefficients
    folds: list[leave_out.Fold]       # the ATOP alliances left out of the pooled fit, by group
    param_draws: int = 1              # the parameter draws the multi-year runs are split across
    drawn: dict[str, dict] = field(default_factory=dict)   # split -> what its runs drew from (split_posterior)


def _wins(row: dict) -> dict:
    """Which baselines the model beats on log score and on the second score (Brier or CRPS)."""
    out = {}
    for s in ("log", "score"):
        m = row[f"model_{s}"]
        beaten = [b for b in BASELINES if row[f"{b}_{s}"] is not None and
                  (m > row[f"{b}_{s}"] if s == "log" else m < row[f"{b}_{s}"])]
        out[f"beats_{s}"] = beaten
    return out


def _cell_row(alliance: str, split: str, years: int, cells: Sequence[horizons.Cell]) -> dict:
    row = {"alliance": alliance, "split": split, "scored": f"counts {years} y", "n": len(cells)}
    for f in FORECASTERS:
        row[f"{f}_log"] = float(sum(c.log[f] for c in cells))
        row[f"{f}_score"] = float(np.mean([c.crps[f] for c in cells]))
    return row | _wins(row)


def _step_row(alliance: str, split: str, s: dict, scored: str) -> dict:
    row = {"alliance": alliance, "split": split, "scored": scored, "n": s["decisions"]}
    for f in FORECASTERS:
        row[f"{f}_log"], row[f"{f}_score"] = s[f"{f}_log"], s[f"{f}_brier"]
    return row | _wins(row)


def _pooled(rows: list[dict]) -> list[dict]:
    """Per alliance and what is scored: log scores summed, Brier/CRPS averaged (weighted by n)."""
    out = []
    keys = sorted({(r["alliance"], r["scored"]) for r in rows}, key=lambda k: (k[0], not k[1].startswith("one-step"), k[1]))
    for alliance, scored in keys:
        rs = [r for r in rows if (r["alliance"], r["scored"]) == (alliance, scored)]
        n = sum(r["n"] for r in rs)
        row = {"alliance": alliance, "split": "pooled", "scored": scored, "n": n}
        for f in FORECASTERS:
            if any(r[f"{f}_log"] is None for r in rs):
                row[f"{f}_log"] = row[f"{f}_score"] = None
                continue
            row[f"{f}_log"] = float(sum(r[f"{f}_log"] for r in rs))
            row[f"{f}_score"] = float(sum(r[f"{f}_score"] * r["n"] for r in rs) / max(n, 1))
        out.append(row | _wins(row))
    return out


def split_posterior(bt, param_draws: int) -> tuple[Posterior | None, dict]:
    """The posterior the multi-year runs at ``bt.split`` draw from, the split's own fit's Laplace
    approximation (``bt.fit``: the decisions and priors known before the split), and what it is:
    ``{"param_draws", "drawn", "source"}``. With ``param_draws`` <= 1, or a fit whose Hessian is not
    positive definite, none: the point fit, said so in ``source``."""
    if param_draws <= 1:
        return None, {"param_draws": 1, "drawn": [], "source": "the point fit"}
    post = bt.fit.posterior(f"the fit before {bt.split.isoformat()}")
    if post is None:
        return None, {"param_draws": 1, "drawn": [], "source": "the point fit (no positive definite Hessian of the "
                      "fit before the split to draw from)"}
    drawn = [n for n in post.names if n not in bt.neutralised]
    return post, {"param_draws": param_draws, "drawn": drawn, "source": post.source}


def one_split(scenarios, split: dt.date, runs: int, seed: int,
              param_draws: int = 1) -> tuple[list[dict], list[horizons.Cell], list[dict], dict]:
    """The rows and cells of one split, the exit logit's coefficients and what the multi-year runs
    drew their parameters from (:func:`split_posterior`)."""
    logit = exit_logit.fit(split.year)
    p_year = exit_logit.forecaster(logit, scenarios, split)
    bt = backtest(scenarios, split, exit_year=p_year, uncertainty=param_draws > 1)
    values = {n: p.default for n, p in registry().items()} | bt.neutralised | bt.fit.parameters()
    post, drawn = split_posterior(bt, param_draws)
    rows, cells = [], []
    groups = bt.groups()
    for sc in scenarios:
        focus = sc.data.scenario.focus
        for group, scored in (("all", "one-step"), ("membership", "one-step members")):
            if f"{focus} {group}" in groups:
                rows.append(_step_row(focus, split.isoformat(), scores(groups[f"{focus} {group}"]), scored))
        years = [y for y in horizons.HORIZONS if add_months(split, 12 * y) - dt.timedelta(days=1) <= sc.data.scenario.end]
        if not years:
            continue
        draws = horizons.simulate_horizons(as_known(sc.data, split), split, values, runs, seed, years,
                                           drawn["param_draws"], post, fixed=bt.neutralised)
        members = exit_logit.members_on(sc, focus, split)

        def leaving(y, members=members, focus=focus):
            return [1.0 - (1.0 - p_year(focus, m)) ** y for m in members]

        since = sc.alliance(focus).in_force
        new = horizons.score_cells(sc.data, focus, split, since, draws, leaving)
        cells += new
        rows += [_cell_row(focus, split.isoformat(), y, [c for c in new if c.years == y]) for y in years]
    return rows, cells, logit.table(), drawn


def fold_rows(fold: leave_out.Fold) -> list[dict]:
    """The rows of one group of ATOP alliances left out: one step, and the counts per alliance-decade."""
    from foedus.calibration.backtest import scores

    rows = [_step_row("atop", f"fold {fold.fold}", scores(fold.decisions), "one-step members")]
    if fold.cells:
        row = {"alliance": "atop", "split": f"fold {fold.fold}", "scored": "counts decade", "n": len(fold.cells)}
        for f in FORECASTERS:
            row[f"{f}_log"] = float(sum(c.log[f] for c in fold.cells))
            row[f"{f}_score"] = float(np.mean([c.crps[f] for c in fold.cells]))
        rows.append(row | _wins(row))
    return rows


def _job(item: tuple) -> tuple:
    """One split, or the ATOP groups left out, in whichever process runs it (scenarios reloaded there
    from their folders: a loaded scenario does not travel between processes)."""
    what, folders, runs, seed, folds, fold_runs, param_draws = item
    from foedus.api import load_scenario

    scenarios = [load_scenario(f) for f in folders]
    if isinstance(what, int):   # one group of ATOP alliances left out
        return what, leave_out.leave_out(scenarios, folds, fold_runs, seed, only=what)
    return what, one_split(scenarios, what, runs, seed, param_draws)


def rolling(scenarios, splits: Sequence[dt.date] = SPLITS, runs: int = 500, seed: int = 0,
            progress: Callable[[str], None] | None = None, folds: int = leave_out.FOLDS,
            fold_runs: int | None = None, workers: int = 1, param_draws: int | None = None) -> Rolling:
    """The table at ``splits``, and with ``folds`` > 0 the ATOP alliances left out in that many groups
    (``fold_runs`` runs per alliance-decade; default ``runs``). ``workers`` > 1: the splits and the
    groups run in that many processes, with the same results (each split has its own fit and seeds).
    ``param_draws``: the multi-year runs of each split split across that many parameter vectors drawn
    from the split's own fit (default: ``foedus forecast``'s, ``posterior.DEFAULT_DRAWS``, or ``runs``
    if fewer; 0 or 1: the point fit)."""
    param_draws = check_draws(default_draws(param_draws, runs))
    if param_draws > runs:
        raise ArgumentError("--param-draws", f"at most the number of runs ({runs})", param_draws)
    todo = [*range(folds), *splits]   # the left-out groups first: each is the longest job
    done: dict = {}
    if workers > 1:
        from foedus.ensemble.executors import ProcessExecutor

        items = [(w, tuple(str(sc.path) for sc in scenarios), runs, seed, folds, fold_runs or runs, param_draws)
                 for w in todo]
        with ProcessExecutor(workers) as ex:
            for what, res in ex.map(_job, items):
                done[what] = res
                if progress is not None:
                    progress(f"fold {what}" if isinstance(what, int) else what.isoformat())
    else:
        for what in todo:
            done[what] = (leave_out.leave_out(scenarios, folds, fold_runs or runs, seed, only=what)
                          if isinstance(what, int) else one_split(scenarios, what, runs, seed, param_draws))
            if progress is not None:
                progress(f"fold {what}" if isinstance(what, int) else what.isoformat())
    rows, cells, logits, drawn = [], [], {}, {}
    for split in splits:
        r, c, lg, drawn[split.isoformat()] = done[split]
        rows, cells, logits[split.isoformat()] = rows + r, cells + c, lg
    groups = [f for k in range(folds) for f in done[k]]
    for fold in groups:
        rows += fold_rows(fold)
    return Rolling(tuple(splits), runs, seed, rows + _pooled(rows), cells, logits, groups, param_draws, drawn)
