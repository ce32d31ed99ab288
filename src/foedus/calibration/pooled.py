"""The pooled fit: the CSTO's and NATO's records together with the fitted half of the ATOP
catalogue, with partial pooling of the alliances (docs/calibration.md, "Pooled fit").

Every alliance of the catalogue has its own intercept ``u_g`` on its hazards of leaving (notice
and not renewing, ``likelihood.LEAVING``), drawn from a population ``N(0, sd^2)``: an alliance
whose members left often is allowed its own level, and the population's level is what an alliance
the fit has not seen gets (the held-out half, a new alliance). The CSTO's and NATO's records sit
at the population's level: they are the alliances the shipped parameters simulate.

The treatment is empirical Bayes with a Laplace approximation, in rounds:

1. the population parameters ``theta`` by maximum a posteriori (``fit.fit``, the same likelihood,
   priors and optimiser as ``foedus calibrate``), the intercepts held at their current values
   (zero at first);
2. at that ``theta``, each alliance's log-likelihood as a function of its intercept, ``l_g(u)``,
   evaluated on a grid and interpolated (a cubic spline); the intercepts integrated out by
   Laplace's method, ``log m_g(sd) = max_u [l_g(u) - u^2 / (2 sd^2)] - log(sd) - log(c_g) / 2``
   with ``c_g = -l_g''(u*) + 1/sd^2``; ``sd`` maximises the sum over alliances plus a half-normal
   log prior (scale 1); each intercept is then its posterior mode at that ``sd``;
3. repeat until ``theta`` moves by less than 1e-3 (at most :data:`ROUNDS` rounds).

The standard errors of ``theta`` are those of the last round's fit (conditional on the
intercepts). Partial pooling of states (a state's own level across its alliances) is not done.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from foedus.calibration import likelihood
from foedus.calibration.fit import PRIORS, TREATY_KNOWN, Fit, Prior, fit
from foedus.calibration.observations import Observations

#: The pooled fit's parameters: those of ``foedus calibrate``, the hazard of denouncing a treaty that
#: gives no way out, which only the catalogue informs (the CSTO's and NATO's treaties have a withdrawal
#: clause), and the parties' ending of a whole alliance, which only the catalogue's ends inform.
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
)
#: The intercepts' grid (logit units) on which each alliance's log-likelihood is interpolated.
GRID = np.linspace(-6.0, 6.0, 25)
ROUNDS = 4
SD_PRIOR_SCALE = 1.0   # half-normal prior on the population sd, logit units: judgement, weak


@dataclass(frozen=True)
class PooledFit:
    fit: Fit                        # the population parameters (last round), with standard errors
    sd: float                       # the population sd of the alliances' intercepts
    intercepts: dict[str, float]    # each alliance's posterior mode
    intercept_se: dict[str, float]  # its Laplace standard error
    rounds: int
    seconds: float


def groups_of(obs: Observations) -> dict[str, Observations]:
    """The records of each alliance that has a random intercept (the ledger's have none)."""
    out: dict[str, list] = {}
    for r in obs.records:
        if r.group:
            out.setdefault(r.group, []).append(r)
    return {g: Observations(tuple(rs)) for g, rs in sorted(out.items())}


def profiles(values: dict[str, float], groups: dict[str, Observations]):
    """Each alliance's log-likelihood as a function of its intercept (a cubic spline over :data:`GRID`)."""
    from scipy.interpolate import CubicSpline

    return {g: CubicSpline(GRID, [likelihood.loglik(values, sub, intercepts={g: float(u)}) for u in GRID])
            for g, sub in groups.items()}


def _mode(spline, sd: float) -> tuple[float, float]:
    """The posterior mode of an intercept under N(0, sd^2) and its curvature ``c``."""
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(lambda u: -(spline(u) - u * u / (2 * sd * sd)), bounds=(GRID[0], GRID[-1]), method="bounded",
                          options={"xatol": 1e-6})
    u = float(res.x)
    return u, max(-float(spline(u, 2)), 0.0) + 1.0 / (sd * sd)


def log_marginal(splines, sd: float) -> float:
    """Laplace's approximation to the log-likelihood of the alliances with their intercepts
    integrated out, plus the sd's half-normal log prior."""
    total = -0.5 * (sd / SD_PRIOR_SCALE) ** 2
    for spline in splines.values():
        u, c = _mode(spline, sd)
        total += float(spline(u)) - u * u / (2 * sd * sd) - math.log(sd) - 0.5 * math.log(c)
    return total


def intercepts(values: dict[str, float], groups: dict[str, Observations]):
    """The population sd (empirical Bayes) and each alliance's intercept with its standard error."""
    from scipy.optimize import minimize_scalar

    splines = profiles(values, groups)
    res = minimize_scalar(lambda ls: -log_marginal(splines, math.exp(ls)), bounds=(math.log(0.02), math.log(5.0)),
                          method="bounded", options={"xatol": 1e-4})
    sd = math.exp(float(res.x))
    modes = {g: _mode(s, sd) for g, s in splines.items()}
    return sd, {g: u for g, (u, _) in modes.items()}, {g: 1.0 / math.sqrt(c) for g, (_, c) in modes.items()}


def fit_pooled(obs: Observations, priors: tuple[Prior, ...] = POOLED_PRIORS, rounds: int = ROUNDS,
               base: dict[str, float] | None = None, uncertainty: bool = True) -> PooledFit:
    """The population parameters and the alliances' intercepts (module docstring). ``base``: values
    of the parameters held fixed (``fit.fit``); ``uncertainty=False``: the mode alone (no Hessian)."""
    t0 = time.perf_counter()
    groups = groups_of(obs)
    u: dict[str, float] = {}
    f = fit(obs, priors=priors, base=base, uncertainty=uncertainty)
    sd, se, done = float("nan"), {}, 1
    for done in range(1, rounds + 1):
        if not groups:
            break
        full = {**values_held(f), **(base or {}), **f.parameters()}
        sd, u, se = intercepts(full, groups)
        g = fit(obs, priors=priors, intercepts=u, start=f.parameters(), base=base, uncertainty=uncertainty)
        moved = float(np.max(np.abs(g.values - f.values)))
        f = g
        if moved < 1e-3:
            break
    return PooledFit(f, sd, u, se, done, time.perf_counter() - t0)


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
                  + ", N(0, sd^2), integrated out by Laplace's method; sd by maximum marginal likelihood with a "
                    "half-normal prior (scale 1); the CSTO's and NATO's records at the population's level",
        "sd": round(pf.sd, 6), "rounds": pf.rounds, "seconds": round(pf.seconds, 1),
        "catalogue": {"alliances": len(cat.alliances), "atopids": list(cat.alliances), "cells": cat.cells,
                      "exits_scored": cat.exits, "exits_left_out": cat.left_out,
                      "held_out_rule": "crc32(b'atop-' + id) odd: never read (docs/retrodiction.md)"},
        "intercepts": {g: {"value": round(u, 6), "se": round(pf.intercept_se[g], 6)} for g, u in pf.intercepts.items()},
    }
    return doc
