"""Small numeric helpers shared by the mechanisms."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """Logistic function, stable for large |x|; scalars or arrays."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def regime_score(regime: str) -> float:
    """Autocracy 1, hybrid 0.5, democracy 0: how much a regime's security depends on outside support."""
    return {"autocracy": 1.0, "hybrid": 0.5, "democracy": 0.0}[str(regime)]
