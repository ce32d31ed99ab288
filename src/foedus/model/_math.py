"""Small numeric helpers shared by the mechanisms."""

from __future__ import annotations

import numpy as np
from scipy.special import expit


def sigmoid(x):
    """Logistic function, stable for large |x|; scalars or arrays (``scipy.special.expit``: one pass
    over the array, where ``1 / (1 + exp(-x))`` takes four)."""
    return expit(np.asarray(x, dtype=np.float64))


def along_rows(value):
    """A parameter's value to broadcast along a trailing axis: a per-row array (``RunParameters``,
    one value per request, say) as (rows, 1) against arrays (rows, states); a scalar unchanged."""
    return value[..., None] if np.ndim(value) else value


def scalar_pow(base: float, x):
    """``base ** x`` as the scalar ``**`` computes it, elementwise where ``x`` is an array of per-row
    parameters: numpy's vectorised ``power`` may round differently in the last place, and each row
    must get what its own draw's scalar gives (few distinct values: one per draw)."""
    if np.ndim(x) == 0:
        return base ** x
    values, where = np.unique(x, return_inverse=True)
    return np.array([base ** float(v) for v in values])[where].reshape(np.shape(x))


def regime_score(regime: str) -> float:
    """Autocracy 1, hybrid 0.5, democracy 0: how much a regime's security depends on outside support."""
    return {"autocracy": 1.0, "hybrid": 0.5, "democracy": 0.0}[str(regime)]
