"""Mechanism 5, credibility: each member's Beta(a, b) belief that "the alliance helps a member
that asks".

After an outcome the victim updates with full weight ``cred_victim_weight``; every other state
with ``cred_observer_weight``, and a failure with ``cred_observer_weight * salience_v``:
information operations that publicise refusals (the ``info-ops`` variant) raise the victim's
salience, so that others weigh each refusal more, while help is weighed as before (the seed
articles: made known, every refusal tells the other members they may be next). A deployment counts as one success; limited help as ``cred_limited_value``
of a success and the rest of a failure; a failure (refusal, or the failed part of limited help)
weighs ``cred_betrayal`` times a success — betrayal weighs more than help. Each month beliefs decay
towards the prior with half-life ``cred_half_life``:

    a <- a0 + (a - a0) * 2^(-1/h),   b likewise,   a0 = m0 * n0,  b0 = (1 - m0) * n0.

The prior mean ``m0`` sits between Berkemeier & Fuhrmann's 50% (all alliances 1816-2003) and
Leeds's ~75% (1816-1944). :func:`from_record` runs the same updates over the recorded requests and
consultations before a date: the beliefs a simulation starts from, and the credibility feature of
the likelihood.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from foedus.chronology import month_index
from foedus.model._math import scalar_pow
from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import JUDGEMENT, Param

PARAMS = (
    Param("cred_prior_mean", "probability", 0.6, 0.01, 0.99,
          "judgement between Berkemeier & Fuhrmann 2018 (50% honoured, 1816-2003) and Leeds 2003 (~75%)", "credibility",
          "prior mean belief that the alliance helps a member that asks"),
    Param("cred_prior_strength", "pseudo-observations", 6.0, 0.5, 100, JUDGEMENT, "credibility",
          "weight of the prior (a0 + b0)"),
    Param("cred_victim_weight", "observations", 4.0, 0, 50, JUDGEMENT, "credibility",
          "weight of its own request's outcome in the victim's belief"),
    Param("cred_observer_weight", "observations", 1.0, 0, 50, JUDGEMENT, "credibility",
          "weight of another member's outcome in a state's belief, at salience 1"),
    Param("cred_betrayal", "ratio", 1.5, 1, 10, JUDGEMENT + " (betrayal weighs more than help: DESIGN)", "credibility",
          "weight of a failure relative to a success"),
    Param("cred_limited_value", "fraction of a success", 0.3, 0, 1, JUDGEMENT, "credibility",
          "how much limited help (a monitoring mission) counts as help"),
    Param("cred_half_life", "months", 60.0, 1, 1200, JUDGEMENT, "credibility",
          "half-life of the decay of beliefs towards the prior"),
)

_OUTCOME = {"deployed": 0, "limited": 1, "consulted": 1, "refused": 2}


def prior(params) -> tuple[float, float]:
    m, n = params["cred_prior_mean"], params["cred_prior_strength"]
    return m * n, (1.0 - m) * n


def mean(a, b):
    return a / (a + b)


def decay_factor(params) -> float:
    return scalar_pow(0.5, 1.0 / params["cred_half_life"])


def decay(params, a, b):
    a0, b0 = prior(params)
    d = decay_factor(params)
    return a0 + (a - a0) * d, b0 + (b - b0) * d


def decay_inplace(params, a: np.ndarray, b: np.ndarray) -> None:
    """:func:`decay` written into the arrays ``a`` and ``b`` (the engine's beliefs): the same
    arithmetic, bit for bit, without new arrays each month."""
    a0, b0 = prior(params)
    d = decay_factor(params)
    for x, x0 in ((a, a0), (b, b0)):
        x -= x0
        x *= d
        x += x0


def increments(params, outcome, weight, consultation=False):
    """(da, db) for an outcome code (decision.DEPLOYED/LIMITED/REFUSED, -1 none) at ``weight``: one
    weight, or the pair (help, failure) of :func:`weights`. For a request for consultations
    (``consultation``: a threat short of attack) consultations held are all that was asked: a
    limited answer counts as a full success."""
    o = np.asarray(outcome)
    o = np.where(np.asarray(consultation) & (o == 1), 0, o)
    lv, bt = params["cred_limited_value"], params["cred_betrayal"]
    succ = np.where(o == 0, 1.0, np.where(o == 1, lv, 0.0))
    fail = np.where(o == 2, 1.0, np.where(o == 1, 1.0 - lv, 0.0))
    w_help, w_fail = weight if isinstance(weight, tuple) else (weight, weight)
    return np.asarray(w_help) * succ, np.asarray(w_fail) * fail * bt


def weights(params, is_victim, salience):
    """Observation weights (help, failure) for each observer: the victim's own for both; an
    observer's ``cred_observer_weight`` for help and that times the victim's ``salience`` for a
    failure: what information operations make known are the refusals (help is news anyway)."""
    own, other = params["cred_victim_weight"], params["cred_observer_weight"]
    return (np.where(is_victim, own, other),
            np.where(is_victim, own, other * np.asarray(salience)))


def from_record(params, events: Sequence, codes: Sequence[str], alliance: str, until_month: int,
                salience=None) -> tuple[np.ndarray, np.ndarray]:
    """Beliefs (a, b) per state at the start of month ``until_month``, from the recorded requests and
    consultations of ``alliance`` (monthly decay from the first; all states observe)."""
    index = {c: i for i, c in enumerate(codes)}
    a0, b0 = prior(params)
    a = np.full(len(codes), a0)
    b = np.full(len(codes), b0)
    obs = [e for e in events if e.alliance == alliance and e.outcome is not None
           and e.type.value in ("request", "consultation") and month_index(e.date) < until_month]
    if not obs:
        return a, b
    d = decay_factor(params)
    m = month_index(obs[0].date)
    for e in obs:
        em = month_index(e.date)
        if em > m:
            a, b = a0 + (a - a0) * d ** (em - m), b0 + (b - b0) * d ** (em - m)
            m = em
        victim = index.get(e.actors[0])
        is_v = np.zeros(len(codes), bool)
        if victim is not None:
            is_v[victim] = True
        sal = 1.0 if salience is None else salience
        consult = e.type.value == "consultation" or (e.crisis is not None and e.crisis.value == "threat")
        da, db = increments(params, _OUTCOME[e.outcome.value], weights(params, is_v, sal), consult)
        a, b = a + da, b + db
    k = until_month - m
    return a0 + (a - a0) * d ** k, b0 + (b - b0) * d ** k


MECHANISM = Mechanism(
    5, "credibility",
    features=(
        Feature("outcome", "DEPLOYED / LIMITED / REFUSED", "the recorded outcome", "the council's answer"),
        Feature("is_victim", "bool", "the recorded victim", "the requesting member"),
        Feature("salience", "multiplier", "1 (the record's salience is not replayed)", "the victim's timeline salience"),
        Feature("consultation", "bool", "a consultation, or a request about a mere threat", "a threat crisis"),
    ),
    params=PARAMS, functions=(prior, mean, decay, increments, weights, from_record))
