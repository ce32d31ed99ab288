"""Maximum a posteriori fit of the behavioural parameters on the record, with written-down priors.

Which parameters. The record is small — about 20,000 member-months with five moves among them
(three members not renewing in 1999, Uzbekistan's note of 2012, Armenia's freeze of 2024), one
suspension by the council (Uzbekistan, December 2012), fourteen answers to requests and
consultations, twenty-seven recorded crises, two accessions that waited on ratifications. It can inform a handful of parameters that each have recorded decisions of their own:
the base rates of the membership hazards (freeze, notice, return, not renewing) and of the council's
suspension of a frozen member (Uzbekistan 2012; Armenia, frozen since 2024, not), the weight of
credibility in the membership margin (Armenia's freeze after two answers it judged failures),
the two bases, the treaty-obligation term, the shared shock, the abstention band and the silence
of the council's decision, the request bases of the crisis types on the record and the weight of a
victim's own power, the level of each crisis type's rates (every member-month and the record's
crises), and the ratification hazard and the weight of a grievance. The rest —
the shapes of the severity law, the decay half-lives, the credibility update weights, the cost and
affinity terms that only matter jointly with scenario data — are held at their defaults: on this
record they are not identified apart from the fitted ones (a change in one is absorbed by another),
and their defaults carry their own sources (docs/model.md).

Priors. Independent normals on each fitted parameter's own scale, truncated to its declared
bounds; each names its source (:data:`PRIORS`). They are weak — standard deviations of 1 to 3 on a
logit scale — except where the literature gives an anchor: the honouring of a defence commitment
(Berkemeier & Fuhrmann 2018, Research & Politics: 41% of defence pacts honoured; Leeds 2003,
International Organization 57(4): ~75%).

Optimiser. ``scipy.optimize.minimize`` (L-BFGS-B, bounds from the registry) on the negative log
posterior, from the prior means. Uncertainty: the inverse of the numerical Hessian of the negative
log posterior at the mode (central differences), a Laplace approximation; a parameter at a bound
gets no standard error.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from foedus.calibration import likelihood
from foedus.calibration.observations import Observations, window
from foedus.errors import ArgumentError
from foedus.model.parameters import registry
from foedus.model.posterior import Posterior


#: A judgement that names no event reads the treaties themselves (the North Atlantic Treaty, 4 April 1949).
TREATY_KNOWN = dt.date(1949, 4, 4)


@dataclass(frozen=True)
class Prior:
    """A fitted parameter's prior: a normal on the parameter's scale, its source, and ``known``, the
    date from which it could have been written (its source's publication — a year alone: its last
    day — or, for a judgement, the latest event it rests on). A backtest split before ``known`` uses
    ``earlier`` (the prior of an earlier source, itself dated) where there is one, else a vague prior."""

    name: str
    mean: float
    sd: float
    source: str
    known: dt.date
    earlier: Prior | None = None

    def __post_init__(self):
        if not isinstance(self.known, dt.date):
            raise ArgumentError(f"prior {self.name}", "the date from which it was known (known=datetime.date)",
                                self.known)
        if self.earlier is not None and not (self.earlier.name == self.name and self.earlier.known < self.known):
            raise ArgumentError(f"prior {self.name}", "an earlier prior of the same parameter, known before it",
                                self.earlier.name)

    def logpdf(self, x: float) -> float:
        z = (x - self.mean) / self.sd
        return -0.5 * z * z - math.log(self.sd * math.sqrt(2 * math.pi))

    def describe(self) -> str:
        p = registry()[self.name]
        return f"normal(mean={self.mean:g}, sd={self.sd:g}) truncated to [{p.lower:g}, {p.upper:g}]"

    def as_known(self, before: dt.date) -> Prior:
        """This prior as it could have been written before ``before``."""
        if self.known < before:
            return self
        if self.earlier is not None:
            return self.earlier.as_known(before)
        return Prior(self.name, self.mean, max(self.sd, 3.0),
                     f"vague: the source of the prior ({self.known}) is not known before {before}", known=TREATY_KNOWN)


_LOGIT_41 = math.log(0.41 / 0.59)
#: The fitted parameters and their priors, with sources.
PRIORS: tuple[Prior, ...] = (
    *(Prior(f"crisis_scale_{t}", 1.0, 1.0,
            "judgement: the scenario's rates as written (COW MID disputes, judgements from the record); the record's "
            "crises of the type, pooled over members and alliances, move it; weak",
            known=TREATY_KNOWN)
      for t in ("armed_attack", "member_clash", "unrest", "threat")),
    Prior("crisis_scale_shared", 1.0, 1.0,
          "judgement: the shared sources' rates as written (Russia's uses of force against a neighbour); the "
          "record's shared crises (NATO, 2014 and 2022) move it; weak", known=TREATY_KNOWN),
    Prior("decision_base_deploy", round(_LOGIT_41 - 1.0, 3), 1.5,
          "Berkemeier & Fuhrmann 2018 (Research & Politics) — 41% of defence-pact commitments honoured; centred so "
          "that a covered "
          "member at no cost says yes with probability 0.41 (base + obligation prior mean = logit 0.41); sd 1.5 spans "
          "their 22% (1945-2003) to Leeds 2003's ~75%",
          known=dt.date(2018, 12, 31),   # Berkemeier & Fuhrmann 2018
          earlier=Prior("decision_base_deploy", round(math.log(0.75 / 0.25) - 1.0, 3), 1.5,
                        "Leeds 2003: ~75% of defence commitments honoured 1816-1944 (the prior known before "
                        "Berkemeier & Fuhrmann 2018); centred as the later prior is", known=dt.date(2003, 12, 31))),
    Prior("decision_obligation", 1.0, 1.0,
          "Leeds, Long & Mitchell 2000 (Journal of Conflict Resolution 44(5); 74.5% once obligations are coded "
          "precisely) against Sabrosky 1980 (27%): "
          "a treaty obligation raises the odds of help; mean 1 (odds x2.7), judgement",
          known=dt.date(2000, 12, 31)),   # Leeds, Long & Mitchell 2000
    Prior("decision_base_limited", 0.5, 1.5,
          "judgement: limited help (a monitoring mission, a statement, consultations) is cheap and usual — "
          "consultations were held every time NATO allies asked (NATO, 'The consultation process and Article 4', "
          "nato.int/cps/en/natohq/topics_49187.htm)",
          known=dt.date(2022, 2, 24)),   # NATO's Art 4 consultations of 24 Feb 2022
    Prior("decision_shock_sd", 1.5, 1.0,
          "judgement: a council's members move together (the patron leads, the moment's politics weigh on all); an "
          "sd of 1.5 on the utility scale lets one request's answer range from near-certain consent to near-certain "
          "refusal at the same features; weak",
          known=TREATY_KNOWN),
    Prior("decision_abstain_band", 3.0, 1.5,
          "judgement (the model default): the band of utility in which a member abstains rather than blocks; the "
          "CSTO's answers since its abstention rule of Dec 2010 (refusals of Armenia 2021 and 2022, help to Kazakhstan "
          "2022) inform it; weak",
          known=dt.date(2022, 9, 13)),   # the CSTO's answers to Armenia and Kazakhstan
    Prior("decision_silence", 0.95, 0.1,
          "judgement: NATO's silence procedure — a decision passes unless an ally breaks the silence (NATO, 'Consensus "
          "decision-making at NATO', nato.int/cps/en/natohq/topics_49178.htm: the North Atlantic Council decides by "
          "consensus); NATO held consultations every time an ally asked; weak",
          known=dt.date(2025, 9, 30)),   # NATO's consultations, every one it was asked for
    Prior("request_base_armed_attack", 1.0, 2.0, "judgement: a member under armed attack usually asks (model default)",
          known=TREATY_KNOWN),
    Prior("request_base_member_clash", -3.0, 2.0,
          "judgement: members rarely ask their alliance against a fellow member (model default)",
          known=TREATY_KNOWN),
    Prior("request_base_unrest", 0.0, 2.0, "judgement: even odds for a regime facing unrest (model default)",
          known=TREATY_KNOWN),
    Prior("request_base_threat", -1.0, 2.0, "judgement (model default); weak",
          known=TREATY_KNOWN),
    Prior("request_power", 4.0, 2.0,
          "judgement: Morrow 1991 — in an asymmetric alliance the major power gives security and the minor ones ask "
          "for it; at 4 the leader itself asks with odds e^-4 of a small member's in the same crisis; weak",
          known=dt.date(1991, 12, 31)),   # Morrow 1991
    Prior("request_shared", 0.0, 1.5,
          "judgement: an ally exposed by an act against its neighbour may ask more or less readily than one "
          "threatened itself; no direction known beforehand; weak", known=TREATY_KNOWN),
    Prior("hazard_freeze", -7.0, 2.5,
          "judgement: opportunistic abrogation is rare (Leeds & Savun 2007); -7 is about one freeze per 90 member-years "
          "at margin 0; sd 2.5 spans one per 8 to one per 1,000 member-years",
          known=dt.date(2007, 12, 31)),   # Leeds & Savun 2007
    Prior("hazard_notice", -8.5, 2.5, "judgement: formal notice is rarer than a freeze (model default); weak",
          known=TREATY_KNOWN),
    Prior("hazard_return", -4.0, 2.0, "judgement: a frozen member returns within a few years at margin 0; weak",
          known=TREATY_KNOWN),
    Prior("hazard_lapse", -1.0, 2.0,
          "judgement: at a renewal window leaving costs nothing but the decision; centred near one in four; weak",
          known=dt.date(1999, 4, 20)),   # the CSTO's renewal window of 1999
    Prior("member_credibility", 4.0, 3.0,
          "judgement: Morrow 1991 — members trade autonomy for security, so the alliance's value rests on the belief "
          "that it helps (model default 4); weak",
          known=dt.date(1991, 12, 31)),   # Morrow 1991
    Prior("hazard_suspend", -5.0, 2.0,
          "judgement: the council suspends a frozen member rarely and slowly (two years of unpaid contributions can "
          "suspend rights: the Collective Security Council's procedure of 18 Jun 2004, en.trend.az; "
          "tass.com/russia/687141); -5 is about one chance in 150 a month in the month after a freeze, rising with "
          "suspend_rise; weak",
          known=dt.date(2012, 12, 19)),   # Uzbekistan suspended, Dec 2012
    Prior("hazard_apply", -6.0, 2.0,
          "judgement: about one application per 400 state-months outside an alliance at alignment 0 (sixteen NATO "
          "applications, 1992-2025, among about 3,000 such state-months, is about one per 200); weak",
          known=dt.date(2025, 12, 31)),   # NATO's applications counted through 2025
    Prior("apply_alignment", 3.0, 2.0, "judgement: a state aligned with the patron applies sooner (model default); weak",
          known=TREATY_KNOWN),
    Prior("apply_threat", 1.0, 2.0,
          "judgement: threat drives applications (Finland and Sweden applied after the invasion of February 2022); weak",
          known=dt.date(2022, 5, 18)),   # Finland's and Sweden's applications
    Prior("apply_outside", 1.0, 2.0,
          "judgement: a state with an outside option (another alliance, another orientation) applies less; weak",
          known=TREATY_KNOWN),
    Prior("invite_base", -4.0, 2.0,
          "judgement: NATO invited 13 aspirants after about 800 applicant-months, 1999-2022 (record); weak",
          known=dt.date(2022, 6, 29)),   # NATO's invitations counted through 2022
    Prior("invite_threat", 1.0, 2.0,
          "judgement: a threatened applicant is invited sooner (Finland and Sweden: seven weeks); weak",
          known=dt.date(2022, 6, 29)),   # Finland and Sweden invited after seven weeks
    Prior("suspend_rise", 0.0, 1.0,
          "judgement: no direction known beforehand — the CSTO's suspension procedure (18 Jun 2004) lets the council "
          "suspend at any time and two years of unpaid dues can suspend rights (a rising hazard), while a long freeze "
          "may become the status quo (a falling one); sd 1: a year frozen changes the odds by a factor of e at most, about",
          known=dt.date(2004, 6, 18)),   # the CSTO's suspension procedure of 18 Jun 2004: the rule it reads
    Prior("hazard_ratify", -0.5, 2.0, "judgement: most NATO allies ratified Finland's accession within months (NATO "
          "Parliamentary Assembly, 'Ratification of Finland and Sweden's accession to NATO', "
          "nato-pa.int/content/finland-sweden-accession); weak",
          known=dt.date(2023, 4, 4)),   # Finland's accession
    Prior("ratify_grievance", 1.0, 1.0,
          "judgement: a grievance slows ratification (Sweden: 22 months, Turkey and Hungary last: "
          "Turkish Official Gazette no. 32440, 25 Jan 2024; Budapest Times, 26 Feb 2024, "
          "budapesttimes.hu/world/mps-ratify-swedens-accession-to-nato/)",
          known=dt.date(2024, 3, 7)),   # Sweden's accession
)
FITTED = tuple(p.name for p in PRIORS)

def priors_known(before: dt.date, priors: tuple[Prior, ...] = PRIORS) -> tuple[Prior, ...]:
    """The priors as they could have been written before ``before``: each prior whose source was known
    by then, else its ``earlier`` stand-in where one was known by then, else a vague prior (sd 3)
    about the same centre."""
    return tuple(p.as_known(before) for p in priors)


@dataclass(frozen=True)
class Fit:
    names: tuple[str, ...]
    values: np.ndarray
    se: np.ndarray                 # NaN where not available (at a bound, or the Hessian is not positive definite)
    at_bound: np.ndarray
    log_likelihood: float
    log_prior: float
    converged: bool
    message: str
    iterations: int
    evaluations: int
    seconds: float
    until: dt.date | None
    counts: dict[str, int]
    priors: tuple[Prior, ...]
    hessian_ok: bool
    covariance: np.ndarray | None = None   # Laplace covariance of the free parameters (``not at_bound``), if positive definite

    @property
    def log_posterior(self) -> float:
        return self.log_likelihood + self.log_prior

    def parameters(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.values)}

    def free(self) -> tuple[str, ...]:
        """The fitted parameters not at a bound: those the Laplace covariance covers."""
        return tuple(n for n, b in zip(self.names, self.at_bound) if not b)

    def posterior(self, source: str) -> Posterior | None:
        """The Laplace approximation as ``foedus.model.posterior`` draws from it (a multivariate normal
        centred on the mode of the free parameters, the inverse Hessian as covariance; the parameters at
        a bound stay at the mode), named ``source``; None without a positive definite Hessian."""
        if self.covariance is None:
            return None
        return Posterior(self.free(), self.values[~self.at_bound].copy(), self.covariance, source)

    def table(self) -> list[dict]:
        reg = registry()
        return [{"name": n, "value": float(v), "se": None if np.isnan(s) else float(s), "at_bound": bool(b),
                 "default": reg[n].default, "prior": p.describe(), "prior_source": p.source}
                for n, v, s, b, p in zip(self.names, self.values, self.se, self.at_bound, self.priors)]


def log_prior(values: dict[str, float], priors=PRIORS) -> float:
    return float(sum(p.logpdf(values[p.name]) for p in priors))


def hessian(f, x: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``x``."""
    k = len(x)
    H = np.zeros((k, k))
    f0 = f(x)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = steps[i]
        H[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / steps[i] ** 2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = steps[j]
            H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * steps[i] * steps[j])
    return H


def fit(obs: Observations, until: dt.date | None = None, priors: tuple[Prior, ...] = PRIORS,
        base: dict[str, float] | None = None, maxiter: int = 500, intercepts: dict[str, float] | None = None,
        start: dict[str, float] | None = None, uncertainty: bool = True,
        state_effects: dict[int, float] | None = None) -> Fit:
    """MAP estimate of the ``priors``' parameters on the decisions known by ``until`` (all if None).
    ``uncertainty``: also the Laplace approximation (the numerical Hessian at the mode: standard
    errors and covariance); without it, the mode alone (a backtest scores the mode).
    ``base``: values of the parameters held fixed (default: the registry's declared defaults);
    ``intercepts``, ``state_effects``: the alliances' and the states' random intercepts, held fixed
    (``calibration.pooled``);
    ``start``: where the optimiser starts (default: the prior means)."""
    from scipy.optimize import minimize

    reg = registry()
    names = tuple(p.name for p in priors)
    for n in names:
        if n not in reg:
            raise ArgumentError("prior", "a known parameter name", n)
    for k in dict(base or {}):
        if k not in reg:
            raise ArgumentError("base", "a known parameter name", k)
    # held fixed: ``base``, then the declared defaults (likelihood.with_defaults: not the shipped fit)
    fixed = dict(likelihood.with_defaults({k: reg[k].check(v) for k, v in dict(base or {}).items()}))
    lo = np.array([reg[n].lower for n in names])
    hi = np.array([reg[n].upper for n in names])
    masks = None
    counts = obs.count(until)
    if sum(counts.values()) == 0:
        raise ArgumentError("--until", "a date after the first recorded decision", until.isoformat() if until else until)
    evals = [0]

    def values_of(x):
        v = dict(fixed)
        v.update(zip(names, (float(a) for a in x)))
        return v

    def neg_post(x):
        nonlocal masks
        evals[0] += 1
        v = values_of(np.clip(x, lo, hi))
        sc = likelihood.score(v, obs, intercepts, state_effects)
        if masks is None:
            masks = [window(s.record.rows[s.kind].known, until) for s in sc]
        ll = sum(float(np.log(np.maximum(s.p_observed[m], likelihood.TINY)).sum()) for s, m in zip(sc, masks))
        return -(ll + log_prior(v, priors))

    x0 = np.clip(np.array([(start or {}).get(p.name, p.mean) for p in priors]), lo, hi)
    t0 = time.perf_counter()
    res = minimize(neg_post, x0, method="L-BFGS-B", bounds=list(zip(lo, hi)),
                   options={"maxiter": maxiter, "ftol": 1e-12, "gtol": 1e-7})
    x = np.clip(res.x, lo, hi)
    span = hi - lo
    at_bound = (x - lo < 1e-4 * span) | (hi - x < 1e-4 * span)
    se = np.full(len(x), np.nan)
    hessian_ok = False
    covariance = None
    free = ~at_bound
    if uncertainty and free.any():
        steps = np.maximum(1e-3 * np.maximum(np.abs(x), 1.0), 1e-5)

        def f_free(z):
            full = x.copy()
            full[free] = z
            return neg_post(full)

        H = hessian(f_free, x[free], steps[free])
        try:
            cov = np.linalg.inv(H)
            d = np.diag(cov)
            if np.all(d > 0) and np.all(np.linalg.eigvalsh((H + H.T) / 2) > 0):
                se[free] = np.sqrt(d)
                hessian_ok = True
                covariance = (cov + cov.T) / 2
        except np.linalg.LinAlgError:
            pass
    seconds = time.perf_counter() - t0
    v = values_of(x)
    ll = likelihood.loglik(v, obs, until, intercepts=intercepts, state_effects=state_effects)
    return Fit(names=names, values=x, se=se, at_bound=at_bound, log_likelihood=ll, log_prior=log_prior(v, priors),
               converged=bool(res.success), message=str(res.message), iterations=int(res.nit), evaluations=evals[0],
               seconds=seconds, until=until, counts=counts, priors=priors, hessian_ok=hessian_ok,
               covariance=covariance)


def provenance(f: Fit, obs: Observations, command: str, scenarios: dict[str, str]) -> dict:
    """The parameter file: values with their provenance (TOML-ready)."""
    import foedus

    first, last = obs.span()
    until = f.until or last
    return {
        "provenance": {
            "what": "behavioural parameters fitted by maximum a posteriori on the replayed record (docs/calibration.md)",
            "command": command,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "foedus_version": foedus.__version__,
            "scenarios": scenarios,
            "data_from": first.isoformat(),
            "data_until": (f.until.isoformat() if f.until else f"{last:%Y-%m} (the end of the record)"),
            "decisions": {k.replace(":", "_"): v for k, v in f.counts.items()},
            "held_at_defaults": "every other parameter of the registry (foedus.model.parameters)",
            "priors": "independent normals on each parameter's scale, truncated to its bounds; per parameter below",
            "optimiser": "scipy.optimize.minimize, L-BFGS-B with the registry's bounds, from the prior means; "
                         "numerical gradient",
            "converged": f.converged,
            "optimiser_message": f.message,
            "iterations": f.iterations,
            "evaluations": f.evaluations,
            "seconds": round(f.seconds, 2),
            "log_likelihood": round(f.log_likelihood, 6),
            "log_prior": round(f.log_prior, 6),
            "log_posterior": round(f.log_posterior, 6),
            "uncertainty": "standard errors from the inverse numerical Hessian of the negative log posterior at the mode "
                           "(central differences; Laplace approximation); none for a parameter at a bound; the full covariance in "
                           "[posterior], from which forecasts draw parameter vectors (docs/calibration.md)"
                           + ("" if f.hessian_ok else " — the Hessian was not positive definite: no standard errors"),
        },
        "parameters": {row["name"]: {k: v for k, v in row.items() if k != "name" and v is not None} for row in f.table()},
        "identification": identification_summary(f),
        **({"posterior": posterior_table(f)} if f.covariance is not None else {}),
    }


def posterior_table(f: Fit) -> dict:
    """The Laplace approximation in full: a multivariate normal centred on the mode (``[parameters]``'
    values) with the inverse Hessian as covariance, over the parameters not at a bound (those stay at
    the mode). ``foedus.model.posterior`` reads it to draw parameter vectors into an ensemble."""
    names = list(f.free())
    return {
        "method": "laplace",
        "what": "multivariate normal: mean = the values in [parameters], covariance below (rows and columns in the "
                "order of names); parameters at a bound are not in it and stay at their fitted value",
        "names": names,
        "covariance": [[float(c) for c in row] for row in f.covariance],
    }


def identification_summary(f: Fit) -> dict:
    """The identification table in the parameter file: how many parameters the data identify and
    each fitted parameter's data share of its posterior precision (:func:`identification`)."""
    rows = identification(f)
    return {"rule": "data share = 1 - prior precision / posterior precision (Laplace); identified: above one half; "
                    "0 for every parameter held at its default",
            "identified": sum(r["identified"] for r in rows), "parameters": len(rows),
            "data_share": {r["name"]: round(r["data_share"], 4) for r in rows if r["fitted"] and r["data_share"] is not None}}


# marks a parameter file foedus wrote: `calibrate -o` replaces such a file, and no other
MARK = "Written by foedus.calibration.fit"


def write(path: str | Path, doc: dict) -> Path:
    import tomli_w

    from foedus.output import new_file, write_file

    path = new_file(path, MARK, "a parameter file")
    header = ("# Behavioural parameters fitted on the record by `foedus calibrate`; provenance below.\n"
              f"# {MARK} — regenerate with the command in [provenance], do not edit by hand.\n\n")
    return write_file(path, (header + tomli_w.dumps(doc)).encode("utf-8"))


def read(path: str | Path) -> dict:
    """A parameter file written by :func:`write` (``posterior.calibration_file``: a bad one is one line)."""
    from foedus.model.posterior import calibration_file

    return calibration_file(path)


def values_of(doc: dict) -> dict[str, float]:
    """The values of a parameter file read by :func:`read` (``posterior.values_of``)."""
    from foedus.model.posterior import values_of

    return values_of(doc)


def identification(f: Fit) -> list[dict]:
    """Per parameter of the registry, the data's share of its posterior precision,
    ``1 - prior precision / posterior precision = 1 - se**2 / prior_sd**2`` (the Laplace posterior's
    marginal variance against the prior's): 0 for a parameter the fit holds at its default (its
    posterior is its prior) or without a standard error (at a bound); near 1 where the data alone
    determine it. ``identified``: a share above one half."""
    fitted = {p.name: (p, v, s) for p, v, s in zip(f.priors, f.values, f.se)}
    rows = []
    for name in registry():
        if name not in fitted:
            rows.append({"name": name, "fitted": False, "prior_sd": None, "se": None, "data_share": 0.0,
                         "identified": False})
            continue
        p, v, s = fitted[name]
        # a parameter the data leave alone has se = prior sd up to the numerical Hessian's error: no share below 0
        share = None if np.isnan(s) else max(0.0, float(1.0 - (s / p.sd) ** 2))
        rows.append({"name": name, "fitted": True, "prior_sd": p.sd, "se": None if np.isnan(s) else float(s),
                     "data_share": share, "identified": share is not None and share > 0.5})
    return rows
