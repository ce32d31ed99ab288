"""Out-of-sample backtest: fit on what was known before a split date, score every later decision.

Information discipline. A backtest split at ``D`` sees only what was known before ``D``: the
decisions made before it (``observations.window``), the scenario values known before it
(``scenario.known.as_known``: a value known later falls back to an earlier version or to the
population's default), the priors whose sources were published before it (``fit.priors_known``)
and the dated judgements known before it (``parameters.judgements_unknown``: a default resting on a
later event is held at its neutral value). The decisions after ``D`` are scored with the same
information.

Scores (per decision, then summed and averaged over a group of decisions):

- log score: ``log p(what happened)`` (higher is better; 0 is a certain, correct forecast);
- Brier score: ``sum_k (p_k - y_k)**2`` over the decision's categories (lower is better; 0 perfect).

Baselines:

- **base rate**: for each alliance, each kind of decision (``observations.LABELS``) and each type
  of crisis (requests and answers), the frequency of each category among that alliance's decisions
  of that kind and type before the split, with half a pseudo-count per category (Jeffreys) so that
  a category never seen before the split is not impossible;
- **exit logit** (members' own decisions: ``member:active`` and ``renewal``): a member's yearly
  chance of leaving from a logistic model fitted on the ATOP memberships before the split
  (:mod:`foedus.calibration.exit_logit`, after Leeds & Savun 2007), spread evenly over the months
  and shared between freezing and notice as the base rate shares them; the base rate elsewhere;
- **nobody moves** (membership and council decisions only): every member stays, every member
  renews, the council suspends and reinstates no one, with certainty. Its log score is ``-inf`` as
  soon as one member moves; its Brier score is finite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from foedus.calibration import likelihood
from foedus.calibration.fit import PRIORS, Fit, fit, priors_known
from foedus.calibration.observations import LABELS, Observations, build_alliance, window
from foedus.model.parameters import judgements_unknown
from foedus.model.timeline import CRISIS_CODES
from foedus.scenario.known import as_known

#: The members' own decisions: the "membership" group of the summary.
MEMBERSHIP = ("member:active", "member:frozen", "member:notice", "renewal")
#: The council's decisions on a frozen or suspended member: scored against "nobody moves" (the council
#: never acts) in their own groups, not in the members' "membership" group.
COUNCIL = ("council:frozen", "council:suspended")
#: The kinds the exit logit forecasts (a member's own way out); elsewhere it is the base rate.
EXIT_KINDS = ("member:active", "renewal")
#: The forecasters scored, the model first.
FORECASTERS = ("model", "base_rate", "exit_logit", "nobody_moves")
JEFFREYS = 0.5
_TYPES = [c.value for c in CRISIS_CODES]


@dataclass(frozen=True)
class Decision:
    alliance: str
    kind: str
    crisis: str             # the crisis type of a request or an answer, else ""
    actor: str
    what: str
    happened: str
    model: np.ndarray       # probabilities of every category
    base: np.ndarray
    logit: np.ndarray
    still: np.ndarray | None   # "nobody moves", membership and council only
    y: int

    def p(self, forecaster: str) -> np.ndarray | None:
        return {"model": self.model, "base_rate": self.base, "exit_logit": self.logit, "nobody_moves": self.still}[forecaster]


@dataclass(frozen=True)
class Backtest:
    split: dt.date
    fit: Fit
    decisions: list[Decision]
    neutralised: dict[str, float]     # dated judgements held at their neutral values
    withheld: list[str]               # scenario values known on or after the split

    def groups(self) -> dict[str, list[Decision]]:
        """Decision groups scored in the summary: each alliance by kind, each alliance in all, and each
        alliance's membership decisions together."""
        out: dict[str, list[Decision]] = {}
        for d in self.decisions:
            out.setdefault(f"{d.alliance} {d.kind}", []).append(d)
            out.setdefault(f"{d.alliance} all", []).append(d)
            if d.kind in MEMBERSHIP:
                out.setdefault(f"{d.alliance} membership", []).append(d)
        return dict(sorted(out.items()))

    def summary(self) -> list[dict]:
        return [{"group": name, **scores(ds)} for name, ds in self.groups().items()]

    def beats(self, group: str) -> dict[str, bool]:
        """Does the model beat each baseline on ``group`` (log score higher and Brier lower)?"""
        row = next(r for r in self.summary() if r["group"] == group)
        return {b: row["model_log"] > row[f"{b}_log"] and row["model_brier"] < row[f"{b}_brier"]
                for b in FORECASTERS[1:] if row[f"{b}_log"] is not None}


def scores(ds: Sequence[Decision]) -> dict:
    """Summed log score and mean Brier score of each forecaster over ``ds`` (None where it has no say)."""
    row: dict = {"decisions": len(ds)}
    for f in FORECASTERS:
        if not ds or any(d.p(f) is None for d in ds):
            row[f"{f}_log"] = row[f"{f}_brier"] = None
            continue
        logs = np.array([np.log(d.p(f)[d.y]) if d.p(f)[d.y] > 0 else -np.inf for d in ds])
        row[f"{f}_log"] = float(logs.sum())
        row[f"{f}_brier"] = float(np.mean([brier(d.p(f), d.y) for d in ds]))
    return row


def brier(p: np.ndarray, y: int) -> float:
    t = np.zeros(len(p))
    t[y] = 1.0
    return float(((p - t) ** 2).sum())


def crisis_types(rec, kind: str) -> np.ndarray:
    """The crisis type of each row of ``kind`` (crisis member-months, requests and answers), else ""."""
    n = len(rec.rows[kind].y)
    if kind == "crisis":
        codes = rec.cr_type
    elif kind == "request":
        codes = rec.rq_type
    elif kind.startswith("outcome:"):
        codes = rec.oc_type[rec.oc_consultation == (kind == "outcome:consultation")]
    else:
        return np.full(n, "", dtype=object)
    assert len(codes) == n, f"{kind}: {len(codes)} types for {n} rows"
    return np.array([_TYPES[c] for c in codes], dtype=object)


def base_rates(obs: Observations, split: dt.date) -> Callable[[str, str, str], np.ndarray]:
    """The per-alliance, per-kind, per-crisis-type base rates before ``split``: a function of
    (alliance, kind, crisis type) giving the category probabilities. A crisis type with no row
    before the split gets the alliance's rate of that kind over every type (as a crisis source
    known only later falls back to the rates known then, ``scenario.known``)."""
    counts: dict[tuple[str, str, str], np.ndarray] = {}
    for rec in obs.records:
        for k, r in rec.rows.items():
            m = window(r.known, split)
            types = crisis_types(rec, k)
            for t in np.unique(types):
                sel = m & (types == t)
                seen = np.bincount(r.y[sel], minlength=len(LABELS[k]))[:len(LABELS[k])]
                for key in {(rec.alliance, k, t), (rec.alliance, k, "*")}:
                    counts.setdefault(key, np.zeros(len(LABELS[k])))
                    counts[key] += seen

    def rate(alliance: str, kind: str, crisis: str) -> np.ndarray:
        c = counts.get((alliance, kind, crisis))
        if c is None or not c.sum():
            c = counts.get((alliance, kind, "*"), np.zeros(len(LABELS[kind])))
        c = c + JEFFREYS
        if kind == "outcome:consultation":
            c[0] = 0.0   # the council does not deploy on a consultation (decision.outcome_probs)
        return c / c.sum()

    return rate


def known_observations(scenarios, before: dt.date) -> tuple[Observations, list[str]]:
    """The decision table of loaded ``scenarios`` with only the scenario values known before ``before``,
    and the labels of the values withheld."""
    from foedus.scenario.known import known_after

    recs, withheld = [], []
    for sc in scenarios:
        data = as_known(sc.data, before)
        withheld += [f"{sc.name}: {w}" for w in known_after(sc.data, before)]
        recs += [build_alliance(data, al.id, sc.full_replay, sc.name) for al in sc.alliances]
    return Observations(tuple(recs)), withheld


def exit_probs(kind: str, base: np.ndarray, p_year: float | None) -> np.ndarray:
    """The exit logit's categories for a member's own decision: a yearly chance of leaving ``p_year``
    spread over the months (member:active: freeze or notice, shared as the base rate shares them)
    or taken at the renewal window; the base rate where the logit has no say."""
    if p_year is None or kind not in EXIT_KINDS:
        return base
    if kind == "renewal":
        return np.array([1.0 - p_year, p_year])
    q = 1.0 - (1.0 - p_year) ** (1.0 / 12.0)
    share = base[1:] / base[1:].sum()
    return np.concatenate([[1.0 - q], q * share])


def backtest(scenarios, split: dt.date, priors=PRIORS, exit_year: Callable[[str, str], float | None] | None = None,
             uncertainty: bool = False) -> Backtest:
    """Fit on what was known before ``split`` (loaded ``scenarios``), then score every later decision
    against the baselines. ``exit_year(alliance, state)``: the exit logit's yearly chance of leaving
    (``exit_logit.forecaster``), None: the base rate in its place. ``uncertainty``: the fit's Laplace
    approximation too (``Fit.posterior``, on the same decisions before ``split``), for the multi-year
    runs drawn from it; the mode, and so every one-step score, is the same either way."""
    obs, withheld = known_observations(scenarios, split)
    neutral = judgements_unknown(split)
    f = fit(obs, split, priors_known(split, priors), base=neutral, uncertainty=uncertainty)   # the mode scores
    values = dict(likelihood.with_defaults(neutral | f.parameters()))
    rate = base_rates(obs, split)
    decisions: list[Decision] = []
    for s in likelihood.score(values, obs):
        rows = s.record.rows[s.kind]
        types = crisis_types(s.record, s.kind)
        for i in np.nonzero(window(rows.known, None, split))[0]:
            still = None
            if s.kind in MEMBERSHIP + COUNCIL:
                still = np.zeros(len(LABELS[s.kind]))
                still[0] = 1.0
            y, base = int(rows.y[i]), rate(rows.alliance[i], s.kind, types[i])
            p_year = exit_year(rows.alliance[i], rows.actor[i]) if exit_year and s.kind in EXIT_KINDS else None
            decisions.append(Decision(rows.alliance[i], s.kind, types[i], rows.actor[i], rows.what[i], LABELS[s.kind][y],
                                      s.probs[i], base, exit_probs(s.kind, base, p_year), still, y))
    decisions.sort(key=lambda d: (d.alliance, d.what[:10], d.kind, d.actor))
    return Backtest(split, f, decisions, neutral, withheld)
