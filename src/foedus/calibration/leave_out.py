"""Alliances left out of the ATOP fit: the pooled fit refitted without each group of alliances, and
their exits forecast out of sample against the backtest's baselines.

The alliances of the catalogue's fitted half (``calibration.catalogue.decisions``) are dealt into
:data:`FOLDS` groups by a rule on the ATOP number alone (:func:`fold_of`, the CRC-32 of
``fold-<number>``; the held-out half of docs/retrodiction.md is never read). For each group the
pooled fit (``calibration.pooled.fit_pooled``) is refitted on the CSTO's and NATO's records and the
other groups' alliances, without the group's: the parameters the ATOP decisions inform
(:data:`LEAVING`: the hazards of a notice, of not renewing, of denouncing a treaty without a way
out), the others held at the shipped fit's values (``model/calibrated.toml``, fitted on the CSTO's
and NATO's records alone: no ATOP alliance reaches them). A left-out alliance has no intercept of
its own: it is forecast at the population's level, as a new alliance would be. Then:

- **one step**: every member-month (stays or gives notice) and every renewal window of the group's
  alliances is scored as the backtest scores a decision (``backtest.scores``), against the base rate
  (the other groups' ATOP decisions of the same kind, pooled: a left-out alliance has no rate of its
  own; Jeffreys), the exit logit (``exit_logit``, refitted on the ATOP member-years without the
  group's alliances; the member's covariates of the row's year) and "nobody moves";
- **counts**: each alliance-decade of the group is simulated with the fold's parameters
  (``retrodiction.catalogue.run_cell``: the cell's scenario, every decision free) and its real
  number of members leaving (by any cause, as ATOP records them) is scored by the log score and the
  CRPS (``horizons``) against a Poisson count at the other groups' rate per member-month, the exit
  logit's members each with their own chance over the cell's years, and zero.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from foedus.calibration import exit_logit, horizons, likelihood
from foedus.calibration.backtest import JEFFREYS, Decision
from foedus.calibration.observations import LABELS, Observations
from foedus.calibration.pooled import POOLED_PRIORS, fit_pooled
from foedus.model.parameters import CALIBRATED

FOLDS = 3
#: The parameters the ATOP decisions inform, refitted without each group: the hazards of leaving,
#: those the pooled fit's random intercepts shift (one definition, ``likelihood.LEAVING``).
LEAVING = likelihood.LEAVING
KINDS = ("member:exit", "renewal")


@dataclass(frozen=True)
class CountCell:
    """One left-out alliance-decade: the real number of members leaving and each forecaster's scores."""
    atopid: int
    start: dt.date
    stop: dt.date
    real: int
    mean: float                      # the model's mean count
    log: dict[str, float]
    crps: dict[str, float]


@dataclass(frozen=True)
class Fold:
    fold: int
    alliances: tuple[int, ...]       # the ATOP numbers left out
    fitted: dict[str, float]         # the LEAVING parameters fitted without them
    decisions: list[Decision]
    cells: list[CountCell]


def fold_of(atopid: int, folds: int = FOLDS) -> int:
    """The group of an ATOP alliance: a rule on its number alone, fixed before any score is seen."""
    return zlib.crc32(f"fold-{int(atopid)}".encode()) % folds


def _atopid(group: str) -> int:
    return int(group.split("-", 1)[1])


def pooled_rates(records) -> dict[str, np.ndarray]:
    """Per kind, the category frequencies of ``records``' decisions, with Jeffreys' half count."""
    out = {k: np.full(len(LABELS[k]), JEFFREYS) for k in KINDS}
    for rec in records:
        for k in KINDS:
            out[k] += np.bincount(rec.rows[k].y, minlength=len(LABELS[k]))[:len(LABELS[k])]
    return {k: c / c.sum() for k, c in out.items()}


class LogitChance:
    """The exit logit's yearly chance that a member of an ATOP alliance leaves, from its covariates of
    that year (at zero covariates where the capability data are missing)."""

    def __init__(self, model: exit_logit.ExitLogit):
        from foedus.catalogue.loader import catalogue

        self.model, self.cat = model, catalogue()
        self.entries = exit_logit._entries(self.cat)
        self.at_zero = float(model.p_year(np.eye(len(exit_logit.COVARIATES))[0])[0])
        self.memo: dict[tuple[int, int, int], float] = {}

    def __call__(self, atopid: int, cow: int, year: int) -> float:
        key = (atopid, cow, year)
        if key not in self.memo:
            al = self.cat.alliance(atopid)
            allies = [o.member for o in al.spells if o.covers(dt.date(year, 1, 1))] or list(al.members)
            row = exit_logit.covariates(self.cat, self.entries, cow, allies, atopid, min(year, exit_logit.DATA_END + 1))
            self.memo[key] = self.at_zero if row is None else float(self.model.p_year(row)[0])
        return self.memo[key]

    def cow_of(self, atopid: int, abb: str) -> int | None:
        return next((m for m in self.cat.alliance(atopid).members if self.cat.abb(m) == abb), None)


def one_step(values: dict[str, float], test: Sequence, rates: dict[str, np.ndarray], chance: LogitChance) -> list[Decision]:
    """Every decision of the left-out records, scored by the model at the population's level and the baselines."""
    out = []
    for s in likelihood.score(values, Observations(tuple(test))):
        if s.kind not in KINDS:
            continue
        rows, aid = s.record.rows[s.kind], _atopid(s.record.group)
        for i in range(len(rows.y)):
            cow = chance.cow_of(aid, rows.actor[i])
            year = int(str(rows.known[i])[:4])
            p = chance(aid, cow, year) if cow is not None else chance.at_zero
            q = p if s.kind == "renewal" else 1.0 - (1.0 - p) ** (1.0 / 12.0)
            y = int(rows.y[i])
            out.append(Decision(f"atop-{aid}", s.kind, "", rows.actor[i], rows.what[i], LABELS[s.kind][y], s.probs[i],
                                rates[s.kind], np.array([1.0 - q, q]), np.array([1.0, 0.0]), y))
    return out


def count_cells(fitted: dict[str, float], held: Sequence[int], runs: int, seed: int, exit_rate: float,
                chance: LogitChance) -> list[CountCell]:
    """Each left-out alliance-decade simulated with the fold's parameters, its real exits scored."""
    from foedus.catalogue import DataQuirk
    from foedus.catalogue.loader import catalogue
    from foedus.retrodiction.catalogue import decades, run_cell

    cat, out = catalogue(), []
    for aid in held:
        al = cat.alliance(aid)
        for start, stop, decade_end in decades(al):
            try:
                cell = run_cell(cat, al, start, stop, decade_end, runs, seed, parameters=fitted)
            except DataQuirk:
                continue
            real = int(cell.rows.set_index("event").loc["exits", "real"])
            months = (stop.year - start.year) * 12 + stop.month - start.month + 1
            members = [o.member for o in al.spells if o.covers(start)]
            years = months / 12.0
            pmfs = {"base_rate": horizons.poisson_pmf(exit_rate * months * cell.members, real + 60),
                    "exit_logit": horizons.leaving_pmf([1.0 - (1.0 - chance(aid, m, start.year)) ** years for m in members]),
                    "nobody_moves": np.array([1.0])}
            log, crps = horizons.count_scores(cell.exits, real, pmfs)
            out.append(CountCell(aid, start, stop, real, float(cell.exits.mean()), log, crps))
    return out


def by_alliance(fold: Fold) -> list[dict]:
    """Per alliance of the group: its one-step decisions (member-months and renewals: how many, the
    members that left, the model's expected number, each forecaster's summed log score) and its
    decades (the real members leaving, the model's mean, each forecaster's summed log score): where
    the group's scores are won and lost."""
    out = []
    for aid in fold.alliances:
        ds = [d for d in fold.decisions if d.alliance == f"atop-{aid}"]
        cells = [c for c in fold.cells if c.atopid == aid]
        row = {"atopid": aid, "decisions": len(ds), "left": int(sum(d.y for d in ds)),
               "model_expected": float(sum(1.0 - d.model[0] for d in ds)),
               "decades": len(cells), "real": int(sum(c.real for c in cells)),
               "model_mean": float(sum(c.mean for c in cells))}
        for f in ("model", "base_rate", "exit_logit"):
            row[f"one_step_{f}"] = float(sum(np.log(d.p(f)[d.y]) for d in ds))
            row[f"decade_{f}"] = float(sum(c.log[f] for c in cells))
        out.append(row)
    return out


def leave_out(scenarios, folds: int = FOLDS, runs: int = 200, seed: int = 0,
              progress: Callable[[int], None] | None = None, atopids: tuple[int, ...] | None = None,
              only: int | None = None) -> list[Fold]:
    """Each group of the catalogue's fitted half left out of the pooled fit and forecast (module
    docstring). ``atopids``: only these alliances of the fitted half (default: all of it); ``only``:
    that group alone (the others' results do not depend on it)."""
    from foedus.calibration.catalogue import decisions
    from foedus.calibration.observations import build
    from foedus.model.posterior import fitted_values

    ledger = build(scenarios)
    recorded = frozenset(a.atop_id for sc in scenarios for a in sc.data.alliances if getattr(a, "atop_id", None))
    records = decisions(atopids=atopids, recorded=recorded).observations.records
    base = {n: v for n, v in fitted_values(CALIBRATED).items() if n not in LEAVING}
    out = []
    for k in range(folds) if only is None else [only]:
        test = [r for r in records if fold_of(_atopid(r.group), folds) == k]
        train = [r for r in records if fold_of(_atopid(r.group), folds) != k]
        held = tuple(sorted({_atopid(r.group) for r in test}))
        if not held:
            continue
        fitted = fold_fit(ledger, train, base)
        values = dict(likelihood.with_defaults({**base, **fitted}))
        chance = LogitChance(exit_logit.fit(exit_logit.DATA_END + 1, without=frozenset(held)))
        rates = pooled_rates(train)
        steps = one_step(values, test, rates, chance)
        months = sum(len(r.rows["member:exit"].y) for r in train)
        leaving = sum(int(r.rows["member:exit"].y.sum()) + int(r.rows["renewal"].y.sum()) for r in train)
        cells = count_cells(fitted, held, runs, seed, (leaving + JEFFREYS) / max(months, 1), chance)
        out.append(Fold(k, held, fitted, steps, cells))
        if progress is not None:
            progress(k)
    return out


def fold_fit(ledger: Observations, train: Sequence, base: dict[str, float]) -> dict[str, float]:
    """The :data:`LEAVING` parameters fitted (pooled, the mode) on the ledger's records and ``train``."""
    priors = tuple(p for p in POOLED_PRIORS if p.name in LEAVING)
    return fit_pooled(Observations(ledger.records + tuple(train)), priors, base=base, uncertainty=False,
                      states=False).fit.parameters()
