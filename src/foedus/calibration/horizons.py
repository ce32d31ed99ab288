"""The multi-year forecast scored: event counts 1, 3 and 5 years after a backtest split.

From the split ``D`` the engine simulates the alliance with the parameters fitted before ``D`` on
the scenario as known before ``D`` (``scenario.known.as_known``: no timeline change, crisis rate or
judgement learnt later; a crisis source judged later replaced by its type's rate known then), every
decision free, the runs split across parameter vectors drawn from the fit's own posterior as
``foedus forecast`` splits its runs (``param_draws``: the forecast scored as it is made, with its
parameter uncertainty; one draw: the point fit); each run's count of each class of event
(``retrodiction.events``) is read at 12, 36 and 60 months. The real count of the record over the
same span is scored under the simulated count distribution and under each baseline's:

- log score: ``log p(real count)``; the simulated distribution is the runs' frequencies with half a
  pseudo-count on every count from 0 to one above the largest seen, so that a count no run reached
  is unlikely, not impossible;
- CRPS (continuous ranked probability score, lower is better; Gneiting & Raftery 2007):
  ``sum_k (F(k) - 1[k >= real])**2`` over the counts ``k``, for any distribution on the counts,
  from the runs' plain frequencies for the model.

Baselines: the **base rate** is a Poisson count at the alliance's own rate of that class of event
per month before the split (half an event added: Jeffreys); the **exit logit** forecasts members
leaving as the sum of each member's chance of leaving within the horizon
(:mod:`foedus.calibration.exit_logit`), the base rate elsewhere; **nobody moves** forecasts no event
of any class. Horizons past the end of the record are not scored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from foedus.chronology import add_months
from foedus.errors import ArgumentError
from foedus.model.posterior import Posterior
from foedus.retrodiction.events import real_counts
from foedus.retrodiction.simulated import SIMULATED, RunCounts

HORIZONS = (1, 3, 5)
#: The classes of event scored (retrodiction.events): the moves the baselines can also forecast.
CLASSES = ("requests", "refusals", "freezes", "notices", "exits", "suspensions", "returns", "accessions")
PSEUDO = 0.5


@dataclass(frozen=True)
class Cell:
    """One alliance, split, horizon and class: the real count and each forecaster's scores."""

    alliance: str
    split: dt.date
    years: int
    event: str
    real: int
    mean: float                      # the model's mean count
    log: dict[str, float]            # forecaster -> log score
    crps: dict[str, float]           # forecaster -> CRPS


def simulate_horizons(data, alliance_start: dt.date, params: Mapping[str, float], runs: int, seed: int,
                      years: Sequence[int], param_draws: int = 1, post: Posterior | None = None,
                      fixed: Collection[str] = ()) -> dict[int, np.ndarray]:
    """{years: (runs, len(SIMULATED)) counts} of the focus alliance from ``alliance_start`` (one run of
    ``max(years)`` years, read at each horizon). ``param_draws`` > 1: the runs split across that many
    parameter vectors drawn from ``post`` (the split's own fit, ``Fit.posterior``) in one pass
    (``ensemble.draws.draw_models``), as ``foedus forecast`` splits its runs; ``fixed``: names never
    drawn. With 0 or 1 every run has ``params``, the point fit."""
    from foedus.engine.compile import compile_model
    from foedus.engine.step import run_months
    from foedus.ensemble.draws import draw_models
    from foedus.model.parameters import Parameters

    months = 12 * max(years)
    model = compile_model(data, alliance_start, months, Parameters(dict(params)), data.scenario.name)
    if param_draws > 1:
        if post is None:
            raise ArgumentError("--param-draws", "a fit with a positive definite Hessian at the split "
                                "(or --param-draws 1: the point fit)", param_draws)
        _, model = draw_models(model, param_draws, seed, False, fixed, runs, post)
    counts = RunCounts(model, runs)
    out: dict[int, np.ndarray] = {}

    def observe(t, rec, st):
        counts.observe(t, rec, st)
        if (t + 1) % 12 == 0 and (t + 1) // 12 in years:
            out[(t + 1) // 12] = counts.finish(st).copy()

    run_months(model, np.arange(runs), seed, observe)
    return out


def crps(pmf: np.ndarray, real: int) -> float:
    """CRPS of an integer count ``real`` under ``pmf`` on 0, 1, ... (mass beyond its end: none)."""
    n = max(len(pmf), real + 1)
    cdf = np.cumsum(np.pad(pmf, (0, n - len(pmf))))
    step = (np.arange(n) >= real).astype(float)
    return float(((cdf - step) ** 2).sum())


def sample_pmf(draws: np.ndarray) -> np.ndarray:
    return np.bincount(draws.astype(np.int64)) / len(draws)


def smoothed_log(draws: np.ndarray, real: int) -> float:
    """Log frequency of ``real`` among ``draws``, with PSEUDO on each count 0 .. max seen + 1."""
    k = max(int(draws.max()), real) + 2
    c = np.bincount(draws.astype(np.int64), minlength=k)[:k] + PSEUDO
    return float(np.log(c[real] / c.sum()))


def poisson_pmf(mean: float, upto: int) -> np.ndarray:
    return stats.poisson.pmf(np.arange(upto + 1), mean)


def leaving_pmf(p: Sequence[float]) -> np.ndarray:
    """The distribution of how many members leave, each with its own chance (Poisson-binomial)."""
    pmf = np.array([1.0])
    for q in p:
        pmf = np.convolve(pmf, [1.0 - q, q])
    return pmf


def base_rate_means(data, alliance: str, since: dt.date, split: dt.date) -> dict[str, float]:
    """Each class's count per month in ``alliance``'s record from ``since`` to ``split`` (+ PSEUDO)."""
    counts = real_counts(data, alliance, since, split - dt.timedelta(days=1))
    months = max((split.year - since.year) * 12 + split.month - since.month, 1)
    return {c: (counts[c] + PSEUDO) / months for c in CLASSES}


def count_scores(x: np.ndarray, y: int, pmfs: Mapping[str, np.ndarray]) -> tuple[dict[str, float], dict[str, float]]:
    """Log score and CRPS of a real count ``y``: the model's from its simulated counts ``x``, each
    baseline's from its probability mass function in ``pmfs``."""
    log = {"model": smoothed_log(x, y)} | {k: float(np.log(v[y])) if y < len(v) and v[y] > 0 else -np.inf
                                           for k, v in pmfs.items()}
    return log, {"model": crps(sample_pmf(x), y)} | {k: crps(v, y) for k, v in pmfs.items()}


def score_cells(data_full, alliance: str, split: dt.date, since: dt.date, draws: Mapping[int, np.ndarray],
                leaving: Callable[[int], Sequence[float]] | None) -> list[Cell]:
    """The cells of one alliance and split: ``draws`` from :func:`simulate_horizons`, ``leaving(years)``
    the exit logit's chances of each member leaving within that many years (None: the base rate)."""
    rate = base_rate_means(data_full, alliance, since, split)
    out = []
    for years, sim in sorted(draws.items()):
        end = add_months(split, 12 * years) - dt.timedelta(days=1)
        real = real_counts(data_full, alliance, split - dt.timedelta(days=1), end)
        for c in CLASSES:
            x, y = sim[:, SIMULATED.index(c)], int(real[c])
            upto = max(y, int(x.max())) + 60
            base = poisson_pmf(rate[c] * 12 * years, upto)
            logit = leaving_pmf(leaving(years)) if (leaving is not None and c == "exits") else base
            pmfs = {"base_rate": base, "exit_logit": logit, "nobody_moves": np.array([1.0])}
            log, score = count_scores(x, y, pmfs)
            out.append(Cell(alliance, split, years, c, y, float(x.mean()), log, score))
    return out
