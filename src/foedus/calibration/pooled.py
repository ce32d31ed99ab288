"""The pooled fit: the CSTO's and NATO's records together with the fitted half of the ATOP
catalogue, with partial pooling of the alliances and of the states (docs/calibration.md, "Pooled fit").

Every alliance of the catalogue has its own intercept ``u_g`` on its hazards of leaving (notice,
not renewing, denouncing: ``likelihood.LEAVING``), drawn from a population ``N(0, sd^2)``: an
alliance whose members left often is allowed its own level, and the population's level is what an
alliance the fit has not seen gets (the held-out half, a new alliance). The CSTO's and NATO's
records sit at the alliances' population level: they are the alliances the shipped parameters simulate.

Crossed with it, every state (by its Correlates of War code) has its own effect ``v_s`` on the same
hazards, drawn from ``N(0, sd_state^2)``, on the rows of that state in every alliance it belongs
to -- the CSTO's and NATO's records included: Armenia's or Uzbekistan's own level is informed by
their moves in the CSTO and by the catalogue's other alliances of theirs, and a state the fit has
not seen gets the population's. A member-month's log-odds of leaving is ``hazard + u_g + v_s - z``.

The treatment is empirical Bayes with a Laplace approximation, in rounds:

1. the population parameters ``theta`` by maximum a posteriori (``fit.fit``, the same likelihood,
   priors and optimiser as ``foedus calibrate``), the intercepts and effects held at their current
   values (zero at first);
2. at that ``theta``, the states' effects held, each alliance's log-likelihood as a function of its
   intercept, ``l_g(u)``, evaluated on a grid and interpolated (a cubic spline, over the part of
   the grid where it lies within :data:`PROFILE_DROP` of its value at 0); the intercepts integrated
   out by Laplace's method, ``log m_g(sd) = max_u [l_g(u) - u^2 / (2 sd^2)] - log(sd) - log(c_g) / 2``
   with ``c_g = -l_g''(u*) + 1/sd^2``; ``sd`` maximises the sum over alliances plus a half-normal
   log prior (scale 1); each intercept is then its posterior mode at that ``sd``;
3. the same for the states, the alliances' new intercepts held: each state's profile ``l_s(v)``
   over its rows in every alliance, ``sd_state`` by the same marginal likelihood and prior;
4. repeat until ``theta`` moves by less than 1e-3 (at most :data:`ROUNDS` rounds); the rounds fit
   modes only, and the Hessian of ``theta`` is computed once, after the last round.

This is a backfitting of two crossed random effects, each step conditional on the other family's
modes (as the crisis rates' crossed fit, ``crisis_rates``, does jointly with Newton's method on a
Poisson model; here the likelihood is the model's own, with no closed form). The standard errors of
``theta`` are those of the last round's fit (conditional on the intercepts and effects); a state's
standard error is its Laplace one, conditional on the rest.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from foedus.calibration import likelihood
from foedus.calibration.fit import PRIORS, TREATY_KNOWN, Fit, Prior, fit
from foedus.calibration.observations import Observations

#: The pooled fit's parameters: those of ``foedus calibrate``, the hazard of denouncing a treaty that
#: gives no way out, which only the catalogue informs (the CSTO's and NATO's treaties have a withdrawal
#: clause), the parties' ending of a whole alliance, which only the catalogue's ends inform, and the
#: regime term of the membership margin, which the catalogue's members inform through their Polity5
#: regimes (the CSTO's and NATO's few regimes, constant over their record, do not set it apart from the
#: hazards' bases).
POOLED_PRIORS: tuple[Prior, ...] = PRIORS + (
    Prior("hazard_denounce", -9.0, 2.5,
          "judgement: a denunciation outside the treaty is rarer than a notice under it (hazard_notice's prior "
          "-8.5); sd 2.5 as the other hazards of leaving; weak", known=TREATY_KNOWN),
    # the parties' ending of an alliance (``model.dissolution``): the CSTO and NATO never ended, ATOP's ends inform it
    Prior("hazard_dissolve", -7.0, 2.5, "judgement: about one alliance in a hundred ended by its parties a year; "
          "sd 2.5 as the hazards of leaving; weak", known=TREATY_KNOWN),
    Prior("dissolve_age", 0.0, 1.0, "judgement: no direction assumed; weak", known=TREATY_KNOWN),
    Prior("dissolve_members", 0.0, 1.0, "judgement: no direction assumed; weak", known=TREATY_KNOWN),
    Prior("dissolve_leader_share", 0.0, 2.0, "judgement: no direction assumed; weak (a share spans less than 1)",
          known=TREATY_KNOWN),
    Prior("dissolve_organisation", 0.0, 1.0, "judgement: no direction assumed; weak (a switch from 0 to 1)",
          known=TREATY_KNOWN),
    Prior("member_regime", 1.0, 1.5, "judgement: the model's default, the regime security an alliance offers an "
          "autocracy; sd 1.5 spans no such security to a margin of 4 (an autocracy's odds of leaving about 1/55 of a "
          "democracy's); weak", known=TREATY_KNOWN),
)
#: The intercepts' grid (logit units) on which each alliance's log-likelihood is interpolated.
GRID = np.linspace(-6.0, 6.0, 25)
ROUNDS = 6
SD_PRIOR_SCALE = 1.0   # half-normal prior on the population sds, logit units: judgement, weak
PROFILE_DROP = 50.0    # log-likelihood units below the value at 0 over which a profile is interpolated
SD_MIN = 0.02          # the population sds' lower bound, logit units (at it: complete pooling)


@dataclass(frozen=True)
class PooledFit:
    fit: Fit                        # the population parameters (last round), with standard errors
    sd: float                       # the population sd of the alliances' intercepts
    intercepts: dict[str, float]    # each alliance's posterior mode
    intercept_se: dict[str, float]  # its Laplace standard error
    rounds: int
    seconds: float
    sd_state: float = float("nan")                                        # the population sd of the states' effects
    state_effects: dict[int, float] = field(default_factory=dict)         # each state's posterior mode (COW code)
    state_effect_se: dict[int, float] = field(default_factory=dict)       # its Laplace standard error
    state_codes: dict[int, str] = field(default_factory=dict)             # each state's code on the record


def groups_of(obs: Observations) -> dict[str, Observations]:
    """The records of each alliance that has a random intercept (the ledger's have none)."""
    out: dict[str, list] = {}
    for r in obs.records:
        if r.group:
            out.setdefault(r.group, []).append(r)
    return {g: Observations(tuple(rs)) for g, rs in sorted(out.items())}


def states_of(obs: Observations) -> tuple[dict[int, Observations], dict[int, str]]:
    """The records in which each state (COW code) has member-months -- the rows its effect shifts,
    in the CSTO's and NATO's records as in the catalogue's -- and the state's code on the record."""
    out: dict[int, list] = {}
    codes: dict[int, str] = {}
    for r in obs.records:
        for i in np.unique(r.mm_state):
            out.setdefault(r.cow[i], []).append(r)
            codes.setdefault(r.cow[i], r.codes[i])
    return {s: Observations(tuple(rs)) for s, rs in sorted(out.items())}, codes


def _spline(loglik_at):
    """A log-likelihood as a function of one intercept: a cubic spline over the points of :data:`GRID`
    where it lies less than :data:`PROFILE_DROP` below its value at 0 (with 0's neighbours). The
    mode under any sd lies there (where the log-likelihood is at least its value at 0); beyond, the
    probabilities of staying reach their floor and the log-likelihood falls by thousands between two
    points, which would make a spline through them ring where the mode is sought."""
    from scipy.interpolate import CubicSpline

    ll = np.array([loglik_at(float(u)) for u in GRID])
    zero = int(np.argmin(np.abs(GRID)))
    near = ll >= ll[zero] - PROFILE_DROP
    lo = hi = zero
    while lo > 0 and near[lo - 1]:
        lo -= 1
    while hi < len(GRID) - 1 and near[hi + 1]:
        hi += 1
    lo, hi = max(min(lo, zero - 1), 0), min(max(hi, zero + 1), len(GRID) - 1)
    return CubicSpline(GRID[lo:hi + 1], ll[lo:hi + 1])


def profiles(values: dict[str, float], groups: dict[str, Observations], state_effects: dict[int, float] | None = None):
    """Each alliance's log-likelihood as a function of its intercept, the states' effects held."""
    return {g: _spline(lambda u, g=g, sub=sub: likelihood.loglik(values, sub, intercepts={g: u}, state_effects=state_effects))
            for g, sub in groups.items()}


def state_profiles(values: dict[str, float], states: dict[int, Observations], intercepts: dict[str, float],
                   state_effects: dict[int, float]):
    """Each state's log-likelihood (its rows in every alliance) as a function of its effect, the
    alliances' intercepts and the other states' effects held."""
    return {s: _spline(lambda v, s=s, sub=sub: likelihood.loglik(values, sub, intercepts=intercepts,
                                                                  state_effects={**state_effects, s: v}))
            for s, sub in states.items()}


def _mode(spline, sd: float) -> tuple[float, float]:
    """The posterior mode of an intercept under N(0, sd^2) and its curvature ``c``."""
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(lambda u: -(spline(u) - u * u / (2 * sd * sd)), bounds=(spline.x[0], spline.x[-1]), method="bounded",
                          options={"xatol": 1e-6})
    u = float(res.x)
    return u, max(-float(spline(u, 2)), 0.0) + 1.0 / (sd * sd)


def log_marginal(splines, sd: float) -> float:
    """Laplace's approximation to the log-likelihood of the groups with their intercepts
    integrated out, plus the sd's half-normal log prior."""
    total = -0.5 * (sd / SD_PRIOR_SCALE) ** 2
    for spline in splines.values():
        u, c = _mode(spline, sd)
        total += float(spline(u)) - u * u / (2 * sd * sd) - math.log(sd) - 0.5 * math.log(c)
    return total


def empirical_bayes(splines: dict) -> tuple[float, dict, dict]:
    """The population sd (maximum marginal likelihood with its prior, over [:data:`SD_MIN`, 5]) and
    each group's intercept (its posterior mode) with its standard error."""
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(lambda ls: -log_marginal(splines, math.exp(ls)), bounds=(math.log(SD_MIN), math.log(5.0)),
                          method="bounded", options={"xatol": 1e-4})
    sd = math.exp(float(res.x))
    modes = {g: _mode(s, sd) for g, s in splines.items()}
    return sd, {g: u for g, (u, _) in modes.items()}, {g: 1.0 / math.sqrt(c) for g, (_, c) in modes.items()}


def intercepts(values: dict[str, float], groups: dict[str, Observations], state_effects: dict[int, float] | None = None):
    """The population sd (empirical Bayes) and each alliance's intercept with its standard error."""
    return empirical_bayes(profiles(values, groups, state_effects))


def fit_pooled(obs: Observations, priors: tuple[Prior, ...] = POOLED_PRIORS, rounds: int = ROUNDS,
               base: dict[str, float] | None = None, uncertainty: bool = True, states: bool = True) -> PooledFit:
    """The population parameters, the alliances' intercepts and (``states``) the states' effects
    (module docstring). ``base``: values of the parameters held fixed (``fit.fit``);
    ``uncertainty=False``: the mode alone (no Hessian)."""
    t0 = time.perf_counter()
    groups = groups_of(obs)
    by_state, codes = states_of(obs) if states else ({}, {})
    u: dict[str, float] = {}
    v: dict[int, float] = {}
    f = fit(obs, priors=priors, base=base, uncertainty=False)
    sd, se, sd_state, v_se, done = float("nan"), {}, float("nan"), {}, 1
    for done in range(1, rounds + 1):
        if not groups and not by_state:
            break
        full = {**values_held(f), **(base or {}), **f.parameters()}
        if groups:
            sd, u, se = intercepts(full, groups, v)
        if by_state:
            sd_state, v, v_se = empirical_bayes(state_profiles(full, by_state, u, v))
        g = fit(obs, priors=priors, intercepts=u, start=f.parameters(), base=base, uncertainty=False,
                state_effects=v)
        moved = float(np.max(np.abs(g.values - f.values)))
        f = g
        if moved < 1e-3:
            break
    if uncertainty:  # the standard errors once, at the last round's intercepts and effects (the rounds need only modes)
        f = fit(obs, priors=priors, intercepts=u, start=f.parameters(), base=base, uncertainty=True, state_effects=v)
    return PooledFit(f, sd, u, se, done, time.perf_counter() - t0, sd_state, v, v_se, codes)


def values_held(f: Fit) -> dict[str, float]:
    """Every parameter's value in the fit: the fitted ones, the others at their declared defaults."""
    from foedus.model.parameters import registry

    return {n: p.default for n, p in registry().items()} | f.parameters()


def pooled_provenance(pf: PooledFit, cat, obs: Observations, command: str, scenarios: dict[str, str]) -> dict:
    """The pooled fit's parameter file: ``fit.provenance`` with the catalogue it read and the
    alliances' intercepts."""
    from foedus.calibration.fit import provenance

    doc = provenance(pf.fit, obs, command, scenarios)
    doc["provenance"]["what"] = ("behavioural parameters fitted by maximum a posteriori on the replayed CSTO and NATO "
                                 "records with the fitted half of the ATOP catalogue, partially pooled "
                                 "(docs/calibration.md, 'Pooled fit')")
    doc["pooling"] = {
        "method": "empirical Bayes: a random intercept per ATOP alliance on " + " and ".join(likelihood.LEAVING)
                  + ", N(0, sd^2), crossed with one per state (COW code), N(0, sd_state^2), on the same hazards "
                    "of its rows in every alliance, the CSTO's and NATO's included; each family integrated out by "
                    "Laplace's method in turn, its sd by maximum marginal likelihood with a half-normal prior "
                    "(scale 1); the CSTO's and NATO's records at the alliances' population level",
        "sd": round(pf.sd, 6), "sd_state": round(pf.sd_state, 6), "rounds": pf.rounds, "seconds": round(pf.seconds, 1),
        "catalogue": {"alliances": len(cat.alliances), "atopids": list(cat.alliances), "cells": cat.cells,
                      "exits_scored": cat.exits, "exits_left_out": cat.left_out,
                      "held_out_rule": "crc32(b'atop-' + id) odd: never read (docs/retrodiction.md)"},
        "intercepts": {g: {"value": round(u, 6), "se": round(pf.intercept_se[g], 6)} for g, u in pf.intercepts.items()},
        "state_effects": {str(c): {"state": pf.state_codes.get(c, str(c)), "value": round(v, 6),
                                   "se": round(pf.state_effect_se[c], 6)} for c, v in pf.state_effects.items()},
    }
    return doc
