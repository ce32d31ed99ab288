"""Small numeric helpers shared by the mechanisms."""

from __future__ import annotations

import numpy as np
from scipy.special import expit


def sigmoid(x):
    """Logistic function, stable for large |x|; scalars or arrays (``scipy.special.expit``: one pass
    over the array, where ``1 / (1 + exp(-x))`` takes four)."""
    return expit(np.asarray(x, dtype=np.float64))


def regime_score(regime: str) -> float:
    """Autocracy 1, hybrid 0.5, democracy 0: how much a regime's security depends on outside support."""
    return {"autocracy": 1.0, "hybrid": 0.5, "democracy": 0.0}[str(regime)]
