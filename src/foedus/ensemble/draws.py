"""Runs split across parameter draws.

With ``K`` parameter draws the ``runs`` runs are split into ``K`` contiguous blocks of run numbers:
run ``r`` carries draw ``r * K // runs`` (:func:`draw_of`). The draw depends on the run number, the
run count and ``K`` alone, so a chunk (a range of run numbers) simulates each of its runs with the
same draw whatever the chunk size, the order chunks finish in or the executor; and two arms of a
comparison with the same seed and run count pair each run with the same draw (common random
numbers). The engine simulates a chunk's runs in one pass whatever their draws: each parameter a
month reads is, per run, its draw's value (``engine.compile.Model.draws``,
``model.parameters.RunParameters``)."""

from __future__ import annotations

import numpy as np

from foedus.engine.compile import Model, draw_of, with_draws, with_leave_shift
from foedus.errors import ArgumentError
from foedus.model import posterior
from foedus.seeds import check_seed

__all__ = ["draw_models", "draw_of", "interval_across_draws"]


def interval_across_draws(values: np.ndarray, run: np.ndarray, runs: int, k: int,
                          q: tuple[float, float] = (0.05, 0.95)) -> tuple[float, float]:
    """The ``q`` quantiles, across the ``k`` parameter draws, of the mean of ``values`` within each
    draw (``values[i]`` belongs to global run ``run[i]`` of ``runs``): the spread that the posterior's
    uncertainty gives a figure, apart from the runs' own randomness. With one draw: the mean, twice."""
    import pandas as pd

    by_draw = pd.Series(np.asarray(values, dtype=float)).groupby(draw_of(np.asarray(run), runs, k)).mean()
    lo, hi = np.quantile(by_draw.to_numpy(), q)
    return float(lo), float(hi)


def draw_models(model: Model, k: int, seed: int, prior_draws: bool, fixed, runs: int,
                post: posterior.Posterior | None = None, effects: posterior.StateEffects | None = None) -> tuple:
    """The posterior's draws (``foedus.model.posterior.draws``) and ``model`` with its ``runs`` runs
    split across them (``Model.draws``; ``model`` itself when ``k`` <= 1: every run uses its parameters).
    ``effects``: the states' effects on the hazards of leaving, each draw's own (``Model.leave_shift``)."""
    check_seed(seed)
    k = posterior.check_draws(k)
    if isinstance(runs, int) and not isinstance(runs, bool) and k > max(runs, 1):
        raise ArgumentError("--param-draws", f"at most the number of runs ({runs})", k)
    drawn = posterior.draws(k, seed, model.params, fixed, prior_draws, post, effects)
    if drawn.values:
        model = with_draws(model, [model.params.replace(**v) for v in drawn.values], runs)
    return drawn, with_leave_shift(model, effects.cow if effects is not None else (), drawn.effects)
