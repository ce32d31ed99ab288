"""Scoring a real count against a simulated distribution of counts.

The predictive percentile (PIT) of a count ``y`` under draws ``x`` is randomised for ties,
``P(X < y) + V * P(X = y)`` with ``V`` uniform (Czado, Gneiting & Held 2009, "Predictive model
assessment for count data", *Biometrics* 65: 1254-1261): a calibrated model gives PIT values
uniform on [0, 1]. The 90% interval is [5%, 95%] of the draws, ends included, taken as values the
draws hold (``numpy.quantile(method="inverted_cdf")``), so an integer interval of integer counts."""

from __future__ import annotations

import zlib

import numpy as np

INTERVAL = (0.05, 0.95)
PIT_BINS = 10


def interval(draws: np.ndarray, probs: tuple[float, float] = INTERVAL) -> tuple[float, float]:
    """The central interval of the draws, as two values the draws take."""
    lo, hi = np.quantile(np.asarray(draws), probs, method="inverted_cdf")
    return float(lo), float(hi)


def pit(draws: np.ndarray, real: float, u: float) -> float:
    """The randomised predictive percentile of ``real``; ``u`` in [0, 1) breaks ties."""
    x = np.asarray(draws)
    below = float(np.mean(x < real))
    tied = float(np.mean(x == real))
    return below + u * tied


def tie_breaker(seed: int, *names: object) -> float:
    """A uniform in [0, 1) that depends only on the seed and the cell's names (not on the order
    in which cells are scored), so the same retrodiction gives the same PIT values."""
    key = zlib.crc32("|".join(map(str, names)).encode())
    return float(np.random.default_rng([int(seed), key]).random())


def coverage(real: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """The share of cells whose real count lies inside its interval (ends included)."""
    real, lo, hi = map(np.asarray, (real, lo, hi))
    if not len(real):
        return float("nan")
    return float(np.mean((lo <= real) & (real <= hi)))


def pit_histogram(pits: np.ndarray, bins: int = PIT_BINS) -> list[int]:
    """Counts of PIT values in ``bins`` equal bins of [0, 1] (1.0 in the last)."""
    h, _ = np.histogram(np.asarray(pits, dtype=float), bins=bins, range=(0.0, 1.0))
    return [int(v) for v in h]
