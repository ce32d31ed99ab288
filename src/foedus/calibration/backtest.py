"""Out-of-sample backtest: fit on the record before a split date, score every later decision.

Scores (per decision, then summed and averaged over a group of decisions):

- log score: ``log p(what happened)`` (higher is better; 0 is a certain, correct forecast);
- Brier score: ``sum_k (p_k - y_k)**2`` over the decision's categories (lower is better; 0 perfect).

Baselines:

- **base rate**: for each kind of decision (``observations.LABELS``), the frequency of each category
  among the decisions of that kind before the split, with half a pseudo-count per category
  (Jeffreys) so that a category never seen before the split is not impossible;
- **nobody moves** (membership and council decisions only): every member stays, every member
  renews, the council suspends and reinstates no one, with certainty. Its log score is ``-inf`` as
  soon as one member moves; its Brier score is finite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from foedus.calibration import likelihood
from foedus.calibration.fit import PRIORS, Fit, fit
from foedus.calibration.observations import LABELS, Observations, window

#: The members' own decisions: the "membership" group of the summary.
MEMBERSHIP = ("member:active", "member:frozen", "member:notice", "renewal")
#: The council's decisions on a frozen or suspended member: scored against "nobody moves" (the council
#: never acts) in their own groups, not in the members' "membership" group.
COUNCIL = ("council:frozen", "council:suspended")
JEFFREYS = 0.5


@dataclass(frozen=True)
class Decision:
    alliance: str
    kind: str
    actor: str
    what: str
    happened: str
    model: np.ndarray      # probabilities of every category
    base: np.ndarray
    still: np.ndarray | None   # "nobody moves", membership only
    y: int


@dataclass(frozen=True)
class Backtest:
    split: dt.date
    fit: Fit
    decisions: list[Decision]

    def groups(self) -> dict[str, list[Decision]]:
        """Decision groups scored in the summary: each alliance by kind, each alliance in all, and the
        CSTO's membership decisions together."""
        out: dict[str, list[Decision]] = {}
        for d in self.decisions:
            out.setdefault(f"{d.alliance} {d.kind}", []).append(d)
            out.setdefault(f"{d.alliance} all", []).append(d)
            if d.kind in MEMBERSHIP:
                out.setdefault(f"{d.alliance} membership", []).append(d)
        return dict(sorted(out.items()))

    def summary(self) -> list[dict]:
        rows = []
        for name, ds in self.groups().items():
            row = {"group": name, "decisions": len(ds)}
            for label, get in (("model", lambda d: d.model), ("base_rate", lambda d: d.base),
                               ("nobody_moves", lambda d: d.still)):
                if any(get(d) is None for d in ds):
                    row[f"{label}_log"] = row[f"{label}_brier"] = None
                    continue
                logs = np.array([np.log(get(d)[d.y]) if get(d)[d.y] > 0 else -np.inf for d in ds])
                briers = np.array([brier(get(d), d.y) for d in ds])
                row[f"{label}_log"] = float(logs.sum())
                row[f"{label}_brier"] = float(briers.mean())
            rows.append(row)
        return rows

    def beats(self, group: str) -> dict[str, bool]:
        """Does the model beat each baseline on ``group`` (log score higher and Brier lower)?"""
        row = next(r for r in self.summary() if r["group"] == group)
        out = {}
        for b in ("base_rate", "nobody_moves"):
            if row[f"{b}_log"] is None:
                continue
            out[b] = row["model_log"] > row[f"{b}_log"] and row["model_brier"] < row[f"{b}_brier"]
        return out


def brier(p: np.ndarray, y: int) -> float:
    t = np.zeros(len(p))
    t[y] = 1.0
    return float(((p - t) ** 2).sum())


def base_rates(obs: Observations, split: dt.date) -> dict[str, np.ndarray]:
    counts = {k: np.zeros(len(v)) for k, v in LABELS.items()}
    for rec in obs.records:
        for k, r in rec.rows.items():
            m = window(r.known, split)
            counts[k] += np.bincount(r.y[m], minlength=len(LABELS[k]))[:len(LABELS[k])]
    out = {}
    for k, c in counts.items():
        c = c + JEFFREYS
        if k == "outcome:consultation":
            c[0] = 0.0   # the council does not deploy on a consultation (decision.outcome_probs)
        out[k] = c / c.sum()
    return out


def backtest(obs: Observations, split: dt.date, priors=PRIORS) -> Backtest:
    f = fit(obs, split, priors)
    values = f.parameters()
    rates = base_rates(obs, split)
    decisions: list[Decision] = []
    for s in likelihood.score(values, obs):
        rows = s.record.rows[s.kind]
        later = window(rows.known, None, split)
        for i in np.nonzero(later)[0]:
            still = None
            if s.kind in MEMBERSHIP + COUNCIL:
                still = np.zeros(len(LABELS[s.kind]))
                still[0] = 1.0
            y = int(rows.y[i])
            decisions.append(Decision(rows.alliance[i], s.kind, rows.actor[i], rows.what[i], LABELS[s.kind][y],
                                      s.probs[i], rates[s.kind], still, y))
    decisions.sort(key=lambda d: (d.alliance, d.what[:10], d.kind, d.actor))
    return Backtest(split, f, decisions)
