"""The likelihood of the record: the model's probability of every recorded decision, given the
real state then (DESIGN, "Calibration without simulation noise").

Every probability comes from the model's own functions — ``crises.p_arrival``, ``membership.hazards``,
``membership.p_lapse``, ``membership.p_suspend``, ``membership.p_reinstate``, ``requests.p_request``,
``decision.outcome_probs``, ``accession.p_ratify``, ``dissolution.p_dissolve`` — evaluated on the features of :mod:`foedus.calibration.observations`;
what depends on the parameters (each member's belief, the alliance's momentum) is recomputed here
in closed form: a belief is the prior plus every recorded outcome's increment decayed by
``d**(months since)`` (the same recursion as ``credibility.from_record``), momentum the recorded
defections decayed likewise (``membership.momentum_from_record``). The engine's competing-risks
draw (``membership.choose``) scales hazards that sum above one; so does the likelihood
(``membership.category_probs``, the same rule).

Crisis severity is not on the record. A request's probability is integrated over the model's
severity law (Kumaraswamy, ``crises.severity_density``) by Gauss-Legendre quadrature, and the
outcome of a request that was made over the severity given that it was made (density
proportional to ``f(s) * p_request(s)``): ``P(ask, outcome) = P(ask) * P(outcome | ask)``.
The exposed members of one shared crisis (``crises.shared_cells``) face one severity: their rows
are scored in turn, each over the severity given the answers of the rows before it, so that the
product of the rows' probabilities is the group's joint probability
``∫ f(s) Π_i p_i(s)^ask_i (1 - p_i(s))^(1 - ask_i) ds``; the outcome of a request of the group is
averaged over the severity given the whole group's answers.

The pooled fit's random intercepts (``calibration.pooled``) enter here: an alliance's on every
row of its records, a state's on the rows of that state in every record (``membership.with_intercept``,
:func:`state_shift`), on the hazards of leaving (``membership.LEAVING``) only; the engine shifts the
same hazards by the states' effects with the same function (``engine.compile.Model.leave_shift``).

One evaluation on the CSTO and NATO records (~25,000 decisions) takes a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from foedus import features
from foedus.calibration.observations import LABELS, AllianceRecord, Observations, window
from foedus.model import accession, credibility, crises, decision, dissolution, membership, requests
from foedus.treaty.membership import Standing

S = Standing
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(32)
NODES = 0.5 * (_NODES + 1.0)       # severity quadrature on (0, 1)
QWEIGHTS = 0.5 * _WEIGHTS
TINY = 1e-300


@dataclass(frozen=True)
class Scored:
    """Probabilities of every category (n, K) of one kind of decision of one alliance, and the outcome."""

    kind: str
    record: AllianceRecord
    probs: np.ndarray
    y: np.ndarray

    @property
    def p_observed(self) -> np.ndarray:
        return self.probs[np.arange(len(self.y)), self.y]


def with_defaults(params) -> Mapping[str, float]:
    """Every parameter's value for ``params``. One rule, the fit's: a mapping's unnamed parameters
    take their *declared* defaults (``Param.default``), never the shipped calibration, because
    ``fit.fit`` holds what it does not fit there (a fit must not depend on the last one); so the
    likelihood of a mapping, a record drawn at it (:func:`draw`) and a fit that recovers it all
    speak of the same model. ``Parameters`` (what the engine simulates: the declared defaults,
    then ``calibrated.toml``, then the overrides) is taken whole, so ``score(Parameters({}), ...)``
    scores the shipped calibration."""
    from foedus.model.parameters import Parameters, registry

    if isinstance(params, Parameters):
        return params.values
    reg = registry()
    given = params if isinstance(params, Mapping) else {}
    if reg.keys() <= given.keys():     # every value given (the fit's): nothing to fill in
        return given
    return {n: p.default for n, p in reg.items()} | dict(given)


def beliefs(p, rec: AllianceRecord, until: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Mean belief of ``states`` at the start of months ``until`` (from the recorded outcomes before)."""
    a0, b0 = credibility.prior(p)
    a = np.full(len(until), a0)
    b = np.full(len(until), b0)
    if len(rec.ev_month) and len(until):
        d = credibility.decay_factor(p)
        lag = until[:, None] - rec.ev_month[None, :]                    # (q, E)
        dec = np.where(lag > 0, d ** np.maximum(lag, 0), 0.0)
        w = credibility.weights(p, states[:, None] == rec.ev_victim[None, :], 1.0)
        da, db = credibility.increments(p, rec.ev_outcome[None, :], w, rec.ev_consultation[None, :])
        a = a + (dec * da).sum(1)
        b = b + (dec * db).sum(1)
    return a / (a + b)


def momentum(p, rec: AllianceRecord, until: np.ndarray) -> np.ndarray:
    """The alliance's momentum at the start of months ``until`` (recorded defections before)."""
    if not len(rec.def_month) or not len(until):
        return np.zeros(len(until))
    d = membership.momentum_decay(p)
    lag = until[:, None] - 1 - rec.def_month[None, :]
    return (np.where(lag >= 0, d ** np.maximum(lag, 0), 0.0) * rec.def_count[None, :]).sum(1)


_CRED = ("cred_prior_mean", "cred_prior_strength", "cred_victim_weight", "cred_observer_weight", "cred_betrayal",
         "cred_limited_value", "cred_half_life")


def _cached(rec: AllianceRecord, key: tuple, compute):
    """What depends on a few parameters only (beliefs, momentum, the council's answers) is computed
    once per values of those parameters and kept, the least recently used dropped past 64 entries."""
    hit = rec.cache.pop(key, None)
    if hit is None:
        hit = compute()
        if len(rec.cache) >= 64:
            rec.cache.pop(next(iter(rec.cache)))
    rec.cache[key] = hit
    return hit


def _member_features(p, rec: AllianceRecord) -> membership.MemberFeatures:
    i = rec.mm_state
    # the membership step of month m sees the beliefs after month m's outcomes and the month's decay
    cred = _cached(rec, ("mm",) + tuple(p[k] for k in _CRED), lambda: beliefs(p, rec, rec.mm_month + 1, i))
    mom = _cached(rec, ("momentum", p["momentum_half_life"]), lambda: momentum(p, rec, rec.mm_month))
    return features.member_features(rec.terms, rec.tl, rec.flags.leader, rec.mm_month - rec.months[0], i, cred, mom,
                                    rec.mm_standing == S.frozen, rec.mm_members)


def _severity_weights(p, rec: AllianceRecord):
    """Per request row: severity nodes (q, Q) and quadrature weights of the severity law (q, Q)."""
    sev, known, first = _cached(rec, ("severity nodes",), lambda: _severity_nodes(rec))
    w = np.where(known[:, None], first, QWEIGHTS[None, :] * crises.severity_density(p, NODES)[None, :])
    w = w / w.sum(1, keepdims=True)
    return sev, w


def _severity_nodes(rec: AllianceRecord):
    """The record's part of :func:`_severity_weights`: a recorded severity is one node of weight one."""
    known = ~np.isnan(rec.rq_severity)
    sev = np.where(known[:, None], np.nan_to_num(rec.rq_severity)[:, None], NODES[None, :])
    return sev, known, np.eye(1, len(NODES), 0).repeat(len(known), 0)


def reads(*mechanisms) -> tuple[str, ...]:
    """The parameters that the probabilities of ``mechanisms`` read: those they declare
    (``Mechanism.params``), the one home of that dependence. A result memoised by their values is
    reused while the fit moves any other parameter, so that a finite-difference step in a request's
    parameter does not recompute the council's answers (a test perturbs each parameter to check it)."""
    return tuple(prm.name for m in mechanisms for prm in m.params)


def _decision_features(rec: AllianceRecord, sev: np.ndarray) -> decision.DecisionFeatures:
    """The features of every recorded answer at every severity node, (K * Q, ...): the record's alone."""
    K, Q = len(rec.oc_rq), sev.shape[1]
    rep = lambda x: np.repeat(x, Q, axis=0)  # noqa: E731
    return decision.DecisionFeatures(
        covered=rep(rec.oc_covered), crisis_type=rep(rec.oc_type), severity=sev[rec.oc_rq].reshape(-1),
        salience=rep(rec.oc_salience), aff_victim=rep(rec.oc_aff_victim), aff_aggressor=rep(rec.oc_aff_aggressor),
        regime_member=np.broadcast_to(rec.regime, (K * Q, len(rec.regime))), regime_victim=rep(rec.oc_regime_victim),
        spare=rep(rec.oc_spare), eligible=rep(rec.oc_eligible), frozen=rep(rec.oc_frozen),
        patron=rep(rec.oc_patron), abstention=rep(rec.oc_abstention))


def _answers_by_severity(p, rec: AllianceRecord, sev: np.ndarray) -> np.ndarray:
    """The council's answer to each recorded request at each severity node, (K, Q, 3): the costliest
    term of the likelihood, computed once per values of the decision's own parameters (the request
    and severity parameters move only the weights of the nodes)."""
    f = _cached(rec, ("decision features",), lambda: _decision_features(rec, sev))
    key = ("answers",) + tuple(p[k] for k in reads(decision.MECHANISM))
    return _cached(rec, key, lambda: decision.outcome_probs(p, f).reshape(len(rec.oc_rq), sev.shape[1], 3))


def _membership_probs(p, rec: AllianceRecord, shift: np.ndarray | None = None) -> list[tuple[str, np.ndarray]]:
    """The probabilities of the members' and the council's membership decisions, by kind: they read
    the membership's and the credibility's parameters alone (:func:`reads`). ``shift``: each
    member-month row's state effect on the hazards of leaving (:func:`state_shift`)."""
    rows = rec.rows
    out: list[tuple[str, np.ndarray]] = []
    f = _member_features(p, rec)
    z = membership.margin(p, f)
    ph = p if shift is None else with_intercept(p, shift)
    hz = membership.hazards_from_margin(ph, z, f.frozen, rec.can_notice)
    # the member's own way out: notice, or a denunciation where the treaty has no way out
    leave = hz.p_notice + membership.p_denounce(ph, z, rec.can_notice)
    if len(rows["member:exit"].y):
        # ATOP records exits, not freezes: a freeze counts as staying a member
        P = membership.category_probs(hz.p_freeze, leave)
        out.append(("member:exit", np.stack([P[:, 0] + P[:, 1], P[:, 2]], 1)))
    for kind, standing, cols in (
        ("member:active", S.active, (hz.p_freeze, leave)),
        ("member:frozen", S.frozen, (hz.p_notice, hz.p_return)),
        ("member:notice", S.notice, (hz.p_revoke,)),
    ):
        sel = rec.mm_standing == standing
        if sel.any() and len(rows[kind].y):
            P = membership.category_probs(*(c[sel] for c in cols))
            if P.shape[1] < 3:
                P = np.pad(P, ((0, 0), (0, 3 - P.shape[1])))
            out.append((kind, P[:, :len(LABELS[kind])]))
    if len(rec.cf_row):
        ps = membership.p_suspend(p, rec.cf_months)
        out.append(("council:frozen", np.stack([1 - ps, ps], 1)))
    if len(rec.rw_row):
        sub = membership.MemberFeatures(**{k: np.asarray(getattr(f, k))[rec.rw_row] for k in f.__dataclass_fields__})
        pl = membership.p_lapse(p if shift is None else with_intercept(p, shift[rec.rw_row]), sub)
        out.append(("renewal", np.stack([1 - pl, pl], 1)))
    return out


def shared_severity(w, pr, y, group):
    """Severity weights of each request row given the answers of the earlier rows of its shared
    crisis (``group`` >= 0: one severity for the group), and each group's weights given all its
    answers. ``w``: the rows' weights of the severity law (q, Q); ``pr``: P(ask) at the nodes (q, Q);
    ``y``: 0 asked, 1 no request."""
    w = np.array(w, dtype=float)
    after = {}
    for g in np.unique(group[group >= 0]):
        acc = w[np.flatnonzero(group == g)[0]].copy()
        for k in np.flatnonzero(group == g):
            w[k] = acc / max(acc.sum(), TINY)
            acc = acc * (pr[k] if y[k] == 0 else 1.0 - pr[k])
        after[int(g)] = acc
    return w, after


#: one home: ``model.membership`` (the engine shifts the same hazards); importable from here too
LEAVING = membership.LEAVING
with_intercept = membership.with_intercept


def state_effects_of(rec: AllianceRecord, state_effects: Mapping[int, float] | None) -> tuple[float, ...]:
    """The state effect of each state of ``rec`` (by its COW code; 0: none), () where none is given."""
    if not state_effects:
        return ()
    return tuple(float(state_effects.get(c, 0.0)) for c in rec.cow)


def state_shift(rec: AllianceRecord, effects: tuple[float, ...]) -> np.ndarray | None:
    """Each member-month row's state effect: the pooled fit's intercept of the state whose row it is,
    whatever the alliance (None where every effect is 0: the rows at the population's level)."""
    if not any(effects):
        return None
    return np.asarray(effects)[rec.mm_state]


def score(params, obs: Observations, intercepts: Mapping[str, float] | None = None,
          state_effects: Mapping[int, float] | None = None) -> list[Scored]:
    """The probability of every category of every decision on the record. ``intercepts``: the
    random intercepts of the pooled fit by a record's group; ``state_effects``: its random
    intercepts by state (COW code), on the rows of that state in every record, the CSTO's and
    NATO's included (none: every record at the population's values)."""
    p0 = with_defaults(params)
    out: list[Scored] = []
    for rec in obs.records:
        p = with_intercept(p0, (intercepts or {}).get(rec.group, 0.0))
        rows = rec.rows
        if len(rec.mm_state):
            effects = state_effects_of(rec, state_effects)
            key = ("membership",) + tuple(p[k] for k in reads(membership.MECHANISM, credibility.MECHANISM)) + effects
            out.extend(Scored(kind, rec, P, rows[kind].y) for kind, P in
                       _cached(rec, key, lambda: _membership_probs(p, rec, state_shift(rec, effects))))
        if len(rec.cr_type):
            pc = crises.p_arrival(p, rec.cr_rate, 1.0, rec.cr_type)
            out.append(Scored("crisis", rec, np.stack([1 - pc, pc], 1), rows["crisis"].y))
        if len(rec.sc_rate):
            ps = crises.p_shared(p, rec.sc_rate, 1.0)
            out.append(Scored("crisis:shared", rec, np.stack([1 - ps, ps], 1), rows["crisis:shared"].y))
        if len(rows["council:suspended"].y):
            pr = membership.p_reinstate(p, rows["council:suspended"].y.shape)
            out.append(Scored("council:suspended", rec, np.stack([1 - pr, pr], 1), rows["council:suspended"].y))
        if len(rec.rq_state):
            cred = _cached(rec, ("rq",) + tuple(p[k] for k in _CRED), lambda: beliefs(p, rec, rec.rq_month, rec.rq_state))
            sev, w = _severity_weights(p, rec)
            power = requests.power_share(rec.terms.milex, rec.rq_state, rec.flags.leader)
            pr = requests.p_request(p, rec.rq_type[:, None], sev, cred[:, None], power[:, None],
                                    rec.rq_group[:, None] >= 0)                                   # (q, Q)
            w, after = shared_severity(w, pr, rows["request"].y, rec.rq_group)
            p_ask = (w * pr).sum(1)
            out.append(Scored("request", rec, np.stack([p_ask, 1 - p_ask], 1), rows["request"].y))
            if len(rec.oc_rq):
                post = w[rec.oc_rq] * pr[rec.oc_rq]
                for j, g in enumerate(rec.rq_group[rec.oc_rq]):   # a shared crisis: given every member's answer
                    if g >= 0:
                        post[j] = after[int(g)]
                post = post / np.maximum(post.sum(1, keepdims=True), TINY)              # severity | asked
                P = (_answers_by_severity(p, rec, sev) * post[:, :, None]).sum(1)
                for kind, sel in (("outcome:request", ~rec.oc_consultation), ("outcome:consultation", rec.oc_consultation)):
                    if sel.any():
                        out.append(Scored(kind, rec, P[sel], rows[kind].y))
        if len(rec.ap_alignment):
            pa = accession.p_apply(p, rec.ap_alignment, rec.ap_threat, rec.ap_outside)
            out.append(Scored("application", rec, np.stack([1 - pa, pa], 1), rows["application"].y))
        if len(rec.iv_affinity):
            pv = accession.p_invite(p, rec.iv_affinity, rec.iv_threat)
            out.append(Scored("invitation", rec, np.stack([1 - pv, pv], 1), rows["invitation"].y))
        if len(rec.rt_affinity):
            pr = accession.p_ratify(p, rec.rt_affinity, rec.rt_grievance)
            out.append(Scored("ratification", rec, np.stack([1 - pr, pr], 1), rows["ratification"].y))
        if len(rec.am_month):
            pd_ = dissolution.p_dissolve(p, dissolution.AllianceFeatures(rec.am_age, rec.am_members, rec.am_share,
                                                                         rec.am_organised))
            out.append(Scored("dissolution", rec, np.stack([1 - pd_, pd_], 1), rows["dissolution"].y))
    return out


def loglik(params, obs: Observations, until: dt.date | None = None, since: dt.date | None = None,
           scored: list[Scored] | None = None, intercepts: Mapping[str, float] | None = None,
           state_effects: Mapping[int, float] | None = None) -> float:
    """Sum of log probabilities of what happened, over the decisions known by ``until`` (and after ``since``)."""
    total = 0.0
    for s in scored if scored is not None else score(params, obs, intercepts, state_effects):
        m = window(s.record.rows[s.kind].known, until, since)
        total += float(np.log(np.maximum(s.p_observed[m], TINY)).sum())
    return total


def by_kind(params, obs: Observations, until=None, since=None) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in score(params, obs):
        m = window(s.record.rows[s.kind].known, until, since)
        out[s.kind] = out.get(s.kind, 0.0) + float(np.log(np.maximum(s.p_observed[m], TINY)).sum())
    return out


def draw(params, obs: Observations, rng: np.random.Generator, intercepts: Mapping[str, float] | None = None,
         state_effects: Mapping[int, float] | None = None) -> Observations:
    """A record of decisions drawn from the model itself: every decision of ``obs`` gets an outcome
    drawn from the model's probabilities at ``params`` (completed by :func:`with_defaults`, as the
    fit completes them), given the recorded state at that decision (the state, the beliefs and the
    momentum stay those of the real record). For recovery tests."""
    out = []
    for rec in obs.records:   # one at a time: a record may appear more than once (independent copies)
        ys = {}
        for s in score(params, Observations((rec,)), intercepts, state_effects):
            u = rng.random(len(s.y))
            cum = np.cumsum(s.probs, axis=1)
            ys[s.kind] = np.minimum((u[:, None] >= cum).sum(1), s.probs.shape[1] - 1)
        out.append(rec.with_outcomes(ys))
    return Observations(tuple(out))
