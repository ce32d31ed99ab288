"""Small numeric helpers shared by the mechanisms."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """Logistic function, stable for large |x|; scalars or arrays."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def regime_score(regime: str) -> float:
    """Autocracy 1, hybrid 0.5, democracy 0: how much a regime's security depends on outside support."""
    return {"autocracy": 1.0, "hybrid": 0.5, "democracy": 0.0}[str(regime)]
