"""Runs split across parameter draws.

With ``K`` parameter draws the ``runs`` runs are split into ``K`` contiguous blocks of run numbers:
run ``r`` carries draw ``r * K // runs``. The block depends on the run number, the run count and
``K`` alone, so a chunk (a range of run numbers) simulates each of its runs with the same draw
whatever the chunk size, the order chunks finish in or the executor; and two arms of a comparison
with the same seed and run count pair each run with the same draw (common random numbers).
Contiguous blocks keep a chunk to one or two draws, so the engine stays vectorised over runs."""

from __future__ import annotations

import numpy as np

from foedus.engine.compile import Model, with_parameters
from foedus.errors import ArgumentError
from foedus.model import posterior
from foedus.seeds import check_seed


def draw_of(run: np.ndarray | int, runs: int, k: int) -> np.ndarray | int:
    """The draw index of global run number(s) ``run`` (0 when ``k`` <= 1)."""
    if k <= 1:
        return np.zeros_like(run) if isinstance(run, np.ndarray) else 0
    return (np.asarray(run, dtype=np.int64) * k) // runs if isinstance(run, np.ndarray) else (run * k) // runs


def interval_across_draws(values: np.ndarray, run: np.ndarray, runs: int, k: int,
                          q: tuple[float, float] = (0.05, 0.95)) -> tuple[float, float]:
    """The ``q`` quantiles, across the ``k`` parameter draws, of the mean of ``values`` within each
    draw (``values[i]`` belongs to global run ``run[i]`` of ``runs``): the spread that the posterior's
    uncertainty gives a figure, apart from the runs' own randomness. With one draw: the mean, twice."""
    import pandas as pd

    by_draw = pd.Series(np.asarray(values, dtype=float)).groupby(draw_of(np.asarray(run), runs, k)).mean()
    lo, hi = np.quantile(by_draw.to_numpy(), q)
    return float(lo), float(hi)


def pieces(run_start: int, run_stop: int, runs: int, k: int) -> list[tuple[int, int, int]]:
    """The chunk's run range cut at draw boundaries: ``(draw, start, stop)`` in run order."""
    if k <= 1:
        return [(0, run_start, run_stop)]
    out = []
    r = run_start
    while r < run_stop:
        d = draw_of(r, runs, k)
        nxt = -(-(d + 1) * runs // k)   # the first run of draw d + 1
        stop = min(run_stop, nxt)
        out.append((d, r, stop))
        r = stop
    return out


def draw_models(model: Model, k: int, seed: int, prior_draws: bool, fixed, runs: int | None = None,
                post: posterior.Posterior | None = None) -> tuple:
    """The posterior's draws (``foedus.model.posterior.draws``) and one compiled model per draw
    (none when ``k`` <= 1: every run uses ``model``)."""
    check_seed(seed)
    k = posterior.check_draws(k)
    if isinstance(runs, int) and not isinstance(runs, bool) and k > max(runs, 1):
        raise ArgumentError("--param-draws", f"at most the number of runs ({runs})", k)
    drawn = posterior.draws(k, seed, model.params, fixed, prior_draws, post)
    return drawn, with_parameters(model, [model.params.replace(**v) for v in drawn.values])
