"""The likelihood of the record equals a brute-force computation, is fast, and reads the record right."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from foedus.calibration import likelihood
from foedus import features
from foedus.calibration.observations import APPLICATIONS_SINCE, build_alliance, Observations
from foedus.chronology import month_index, month_start
from foedus.ledger.replay import replay
from foedus.model import accession, credibility, crises, decision, dissolution, membership, requests
from foedus.treaty.term import term_ends
from foedus.model._math import regime_score
from foedus.model.parameters import Parameters, registry
from foedus.model.timeline import CRISIS_CODES, value_on
from foedus.scenario.schema import CrisisType
from foedus.treaty.membership import MEMBER_STANDINGS, VOTING_STANDINGS, Standing
from foedus.treaty.obligations import obligations
from foedus.treaty.procedure import procedure_on

S = Standing


def brute_force_loglik(data, params) -> float:
    """Month by month, one decision at a time, from the replay on each date and the model's scalar
    functions (``from_record``, ``momentum_from_record``, ``obligations``, ``quad`` over severity).
    The parameters ``params`` leaves unnamed are at their declared defaults, as the likelihood's."""
    p = Parameters({n: q.default for n, q in registry().items()} | dict(params))
    al = data.alliances[0]
    codes = [s.iso3 for s in data.states]
    idx = {c: i for i, c in enumerate(codes)}
    regime = {s.iso3: regime_score(s.regime) for s in data.states}
    terms = {s.iso3: s for s in data.behaviour.state}
    term = lambda c, k: getattr(terms[c], k) if c in terms else 0.0  # noqa: E731

    def affinity(d):
        out = np.zeros((len(codes), len(codes)))
        for x in codes:
            for y in codes:
                if standing(d, x) in MEMBER_STANDINGS and standing(d, y) in MEMBER_STANDINGS:
                    out[idx[x], idx[y]] = data.behaviour.member_affinity
        for f in data.behaviour.affinity:
            out[idx[f.a], idx[f.b]] = out[idx[f.b], idx[f.a]] = f.value
        np.fill_diagonal(out, 1.0)
        return out
    grv = {(g.holder, g.target): g.value for g in data.behaviour.grievance}
    full = replay(data)
    applied = [a.event for a in full.events]
    tl = data.timeline

    def spare(c, d):
        return 1.0 * (1.0 - value_on(tl, c, "committed_share", d, term(c, "committed_share")))

    def standing(d, c):
        return replay(data, d).standing("pact", c)

    ll = 0.0
    first, last = month_index(al.in_force), month_index(data.scenario.end)
    for m in range(first, last + 1):
        start, end = month_start(m), month_start(m + 1) - dt.timedelta(days=1)
        cred = credibility.mean(*credibility.from_record(p, applied, codes, "pact", m + 1))
        mom = membership.momentum_from_record(p, applied, "pact", m)
        members = 0   # the members deciding this month, the patron included: momentum's share
        for c in codes:
            s0, s1 = standing(start - dt.timedelta(days=1), c), standing(end, c)
            s0 = S.active if m == first and s0 == S.signatory else s0
            members += s0 in MEMBER_STANDINGS and not (s0 == S.notice and s1 == S.withdrawn)
        for c in codes:
            if c == al.patron:
                continue
            s0, s1 = standing(start - dt.timedelta(days=1), c), standing(end, c)
            if m == first and s0 == S.signatory:
                s0 = S.active
            if s0 == S.notice and s1 == S.withdrawn:
                continue                      # the notice falls due: no decision
            council = al.suspension is not None and (al.suspension.since is None or al.suspension.since <= start)
            if s0 == S.suspended and council:
                pr = float(membership.p_reinstate(p))
                ll += math.log(pr if s1 == S.active else 1.0 - pr)
                continue
            if s0 not in MEMBER_STANDINGS:
                continue
            f = membership.MemberFeatures(
                credibility=np.array(cred[idx[c]]), threat=np.array(value_on(tl, c, "threat", start, 1.0)),
                patron_spare=np.array(spare(al.patron, start)), regime=np.array(regime[c]),
                ties=np.array(term(c, "ties")), autonomy=np.array(term(c, "autonomy_cost")),
                outside=np.array(term(c, "outside_option") + value_on(tl, c, "outside_option", start, 0.0)),
                exit_cost=np.array(term(c, "exit_cost")), momentum=np.array(mom), frozen=np.array(s0 == S.frozen),
                members=np.array(members))
            hz = membership.hazards(p, f, can_notice=al.withdrawal is not None)
            options = {S.active: {S.frozen: hz.p_freeze, S.notice: hz.p_notice},
                       S.frozen: {S.notice: hz.p_notice, S.active: hz.p_return},
                       S.notice: {S.active: hz.p_revoke}}[s0]
            total = float(sum(options.values()))
            scale = 1.0 / total if total > 1 else 1.0
            ll += math.log(float(options[s1]) * scale if s1 in options else 1.0 - total * scale)
            if s0 == S.frozen and s1 in (S.frozen, S.suspended) and council:
                since = replay(data, start - dt.timedelta(days=1)).alliance("pact").memberships[c].since
                ps = float(membership.p_suspend(p, m - month_index(since)))
                ll += math.log(ps if s1 == S.suspended else 1.0 - ps)
            if al.renewal and start <= al.renewal.windows[0] <= end and s0 in (S.active, S.frozen):
                pl = float(membership.p_lapse(p, f))
                ll += math.log(pl if s1 == S.withdrawn else 1.0 - pl)
    # requests, their outcomes
    dens = lambda s: float(crises.severity_density(p, s))  # noqa: E731
    for e in applied:
        if e.type.value not in ("request", "consultation", "clash"):
            continue
        m = month_index(e.date)
        cred = credibility.mean(*credibility.from_record(p, applied, codes, "pact", m))
        code = CRISIS_CODES[CrisisType(e.crisis)]
        for k, v in enumerate(e.actors):
            if standing(e.date, v) not in (S.active, S.notice):
                continue
            pr = lambda s: float(requests.p_request(p, code, s, cred[idx[v]]))  # noqa: E731
            p_ask = quad(lambda s: dens(s) * pr(s), 0, 1, epsabs=1e-13, epsrel=1e-11)[0]
            ll += math.log(p_ask if e.type.value != "clash" else 1.0 - p_ask)
            if e.type.value == "clash" or k > 0:
                continue
            st = {c: standing(e.date, c) for c in codes}
            aff = affinity(e.date)
            covered = obligations(al, {c: s for c, s in st.items() if s != S.outside}, e.date, v, e.target,
                                  CrisisType(e.crisis)).casus_foederis
            elig = np.array([st[c] in VOTING_STANDINGS and c != v for c in codes])
            ag = idx[e.target] if e.target else None

            def p_out(s, y):
                f = decision.DecisionFeatures(
                    covered=np.array([covered]), crisis_type=np.array([code]), severity=np.array([s]),
                    salience=np.array([1.0]), aff_victim=aff[:, idx[v]][None],
                    aff_aggressor=(aff[:, ag] if ag is not None else np.zeros(len(codes)))[None],
                    regime_member=np.array([[regime[c] for c in codes]]), regime_victim=np.array([regime[v]]),
                    spare=np.array([[spare(c, e.date) for c in codes]]), eligible=elig[None],
                    frozen=np.array([[st[c] == S.frozen for c in codes]]),
                    patron=np.array([[c == al.patron and elig[i] for i, c in enumerate(codes)]]),
                    abstention=np.array([procedure_on(al, e.date).abstention]))
                return float(decision.outcome_probs(p, f)[0, y])

            y = {"deployed": 0, "limited": 1, "consulted": 1, "refused": 2}[e.outcome.value]
            joint = quad(lambda s: dens(s) * pr(s) * p_out(s, y), 0, 1, epsabs=1e-13, epsrel=1e-11)[0]
            ll += math.log(joint / p_ask)
    # applications and invitations (from January 1992, the patron apart)
    lead = features.leader(al, data)
    for m in range(max(first, month_index(APPLICATIONS_SINCE)), last + 1):
        start, end = month_start(m), month_start(m + 1) - dt.timedelta(days=1)
        for c in codes:
            s0, s1 = standing(start - dt.timedelta(days=1), c), standing(end, c)
            if c == al.patron or s0 not in (S.outside, S.withdrawn, S.applicant):
                continue
            threat = value_on(tl, c, "threat", start, 1.0)
            if s0 != S.applicant:
                outside = term(c, "outside_option") + value_on(tl, c, "outside_option", start, 0.0)
                pa = float(accession.p_apply(p, affinity(start)[idx[c], idx[lead]], threat, outside))
                ll += math.log(pa if s1 in (S.applicant, S.invited, S.active) else 1.0 - pa)
                if s1 not in (S.applicant, S.invited) or standing(start, c) == S.active:
                    continue
            voters = [j for j in codes if j != c and standing(start, j) in VOTING_STANDINGS]
            aff = float(np.mean([affinity(start)[idx[c], idx[j]] for j in voters])) if voters else 0.0
            pv = float(accession.p_invite(p, aff, threat))
            ll += math.log(pv if s1 in (S.invited, S.active) else 1.0 - pv)
    # ratifications
    for c in codes:
        inv = [d for d, s in full.alliance("pact").memberships.get(c).history if s == "invited"] \
            if c in full.alliance("pact").memberships else []
        if not inv:
            continue
        mship = full.alliance("pact").memberships[c]
        aff = affinity(inv[0])
        admitted = next(d for d, s in mship.history if s == "active")
        for j in sorted(mship.invited_by):
            ratified = next((e.date for e in applied if e.type.value == "ratify" and e.target == c and j in e.actors), None)
            stop = month_index(ratified) if ratified else month_index(admitted)
            for m in range(month_index(inv[0]), stop + 1):
                if standing(month_start(m + 1) - dt.timedelta(days=1), j) not in VOTING_STANDINGS:
                    break                     # a member that leaves in the month has no say in it
                pr = float(accession.p_ratify(p, aff[idx[j], idx[c]], grv.get((j, c), 0.0)))
                ll += math.log(pr if ratified and m == month_index(ratified) else 1.0 - pr)
    # the parties' ending of the alliance: each month after entry into force, outside term ends and
    # renewal windows, with a party on the eve of the month
    calendar = {month_index(d) for d in term_ends(al, data.scenario.end)} if al.term is not None else set()
    calendar |= {month_index(d) for d in (al.renewal.windows if al.renewal else ())}
    # a treaty superseded by a new text did not end the alliance: its month counts as continuing
    treaty_ends = {month_index(e.date): e.end_cause != "superseded" for e in applied if e.type.value == "end"}
    ended = {m for m, by_parties in treaty_ends.items() if by_parties}
    organised_after = month_index(al.organisation.since) if al.organisation else math.inf
    milex = {s.iso3: (s.capability.milex_usd_bn or 0.0) if s.capability else 0.0 for s in data.states}
    for m in range(first + 1, min(set(treaty_ends) | {last}) + 1):
        eve = month_start(m) - dt.timedelta(days=1)
        parties = [c for c in codes if standing(eve, c) in (S.active, S.frozen, S.notice, S.suspended)]
        if m in calendar or not parties:
            continue
        spend = [milex[c] * value_on(tl, c, "capability_factor", month_start(m), 1.0) for c in parties]
        share = max(spend) / sum(spend) if sum(spend) > 0 else 1.0 / len(parties)
        f = dissolution.AllianceFeatures(np.array((m - first) / 120), np.array(len(parties)), np.array(share),
                                         np.array(float(m > organised_after)))
        pd_ = float(dissolution.p_dissolve(p, f))
        ll += math.log(pd_ if m in ended else 1.0 - pd_)
    return ll


def test_likelihood_equals_brute_force_on_a_small_ledger(ledger, toy_params):
    obs = Observations((build_alliance(ledger, "pact"),))
    for params in (toy_params, {}):
        fast = likelihood.loglik(params, obs)
        slow = brute_force_loglik(ledger, params)
        assert fast == pytest.approx(slow, rel=1e-7, abs=1e-7)


def test_unnamed_parameters_are_at_their_declared_defaults_as_the_fit_holds_them(ledger, toy_params):
    """A mapping of values is completed with the declared defaults, never the shipped calibration:
    a fit's own parameters, scored alone, give the fit's log-likelihood, and a record drawn at a few
    named values is the record drawn at the whole vector. The shipped calibration is scored only
    when asked for, as ``Parameters``."""
    from foedus.calibration import fit as fitmod

    obs = Observations((build_alliance(ledger, "pact"),))
    declared = {n: p.default for n, p in registry().items()}
    assert likelihood.loglik(toy_params, obs) == likelihood.loglik(declared | toy_params, obs)
    assert likelihood.loglik({}, obs) == likelihood.loglik(declared, obs)
    shipped = Parameters(toy_params)
    assert dict(shipped.values) != declared | toy_params          # the calibration moves some value here
    assert likelihood.loglik(shipped, obs) == likelihood.loglik(dict(shipped.values), obs)
    assert likelihood.loglik(shipped, obs) != likelihood.loglik(toy_params, obs)
    f = fitmod.fit(obs, None, (fitmod.Prior("hazard_freeze", -3.0, 2.0, "test", known=fitmod.TREATY_KNOWN),),
                   uncertainty=False)
    assert likelihood.loglik(f.parameters(), obs) == pytest.approx(f.log_likelihood, rel=1e-12)
    drawn = [likelihood.draw(v, Observations(obs.records * 3), np.random.default_rng(5)) for v in (toy_params, declared | toy_params)]
    for a, b in zip(*(d.records for d in drawn)):
        assert all(np.array_equal(a.rows[k].y, b.rows[k].y) for k in a.rows)


def test_the_small_ledger_holds_every_kind_of_decision(ledger):
    obs = Observations((build_alliance(ledger, "pact"),))
    rows = obs.records[0].rows
    moves = {k: [w for w, y in zip(r.what, r.y) if y != 0] for k, r in rows.items()}
    assert moves["member:active"] == ["2002-05 BBB active: freeze", "2003-07 DDD active: freeze", "2004-02 DDD active: notice"]
    assert moves["member:frozen"] == ["2003-01 BBB frozen: return"]
    assert moves["council:frozen"] == ["2003-11 DDD frozen 4 months: suspended"]
    assert len(rows["council:frozen"].y) == 7 + 4          # BBB Jun-Dec 2002, DDD Aug-Nov 2003
    assert moves["council:suspended"] == ["2004-01 DDD suspended: reinstated"]
    assert len(rows["council:suspended"].y) == 2
    assert moves["renewal"] == ["2002-07 CCC renewal window: lapse"]
    assert [w for w in rows["request"].what] == ["2001-03-10 BBB armed_attack by EEE: asks", "2001-11-05 CCC threat: asks",
                                                 "2003-06-01 BBB member_clash: no request",
                                                 "2003-06-01 DDD member_clash: no request"]
    # DDD, under notice from Feb 2004, has no say once it has left (Aug 2004); BBB ratifies in Sep
    assert moves["ratification"] == ["2004-04 AAA on EEE's accession: ratifies", "2004-09 BBB on EEE's accession: ratifies"]
    assert not any("2004-08 DDD" in w or "2004-09 DDD" in w for w in rows["ratification"].what)


def test_one_evaluation_on_both_records_is_finite_and_repeatable(real_obs):
    # its speed is measured by benchmarks/pieces.py (make bench-pieces), not here
    first = likelihood.loglik({}, real_obs)
    assert np.isfinite(first) and first < 0
    assert likelihood.loglik({}, real_obs) == first


def _fresh(obs: Observations, params) -> list:
    """The score with nothing remembered from earlier evaluations."""
    for rec in obs.records:
        rec.cache.clear()
    return likelihood.score(params, obs)


def _moved(name: str, base: dict, step: float) -> dict:
    """``base`` with parameter ``name`` moved by ``step`` of its range, kept inside its bounds."""
    prm = registry()[name]
    value = base.get(name, prm.default) + step * (prm.upper - prm.lower)
    return dict(base, **{name: min(max(value, prm.lower), prm.upper)})


def _same_scores(a: list, b: list) -> bool:
    return [s.kind for s in a] == [s.kind for s in b] and all(np.array_equal(x.probs, y.probs) for x, y in zip(a, b))


def test_a_step_in_any_parameter_scores_as_a_fresh_evaluation_on_both_records(real_obs):
    """The likelihood remembers the council's answers and the membership hazards by the values of the
    parameters their mechanisms declare; moving any parameter of the registry, one at a time as a
    finite-difference gradient does, gives exactly what an evaluation from scratch gives."""
    base = {n: p.default for n, p in registry().items()}
    for name in registry():
        likelihood.score(base, real_obs)                 # the base values remembered
        moved = _moved(name, base, 0.01)
        assert _same_scores(likelihood.score(moved, real_obs), _fresh(real_obs, moved)), name


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(registry())), step=st.floats(-0.2, 0.2), then=st.sampled_from(sorted(registry())))
def test_any_two_steps_score_as_fresh_evaluations_on_the_small_ledger(ledger, toy_params, name, step, then):
    obs = Observations((build_alliance(ledger, "pact"),))
    first = _moved(name, toy_params, step)
    second = _moved(then, first, -step / 2)
    for params in (toy_params, first, second, first):
        remembered = likelihood.score(params, obs)
        assert _same_scores(remembered, _fresh(obs, params)), (name, then)
        likelihood.score(toy_params, obs)


def test_the_record_read_as_decisions(real_obs):
    csto = next(r for r in real_obs.records if r.alliance == "csto")
    nato = next(r for r in real_obs.records if r.alliance == "nato")
    moved = {k: [w for w, y in zip(r.what, r.y) if y != 0] for k, r in csto.rows.items()}
    assert sorted(moved["member:active"]) == ["2012-06 UZB active: freeze", "2024-02 ARM active: freeze"]
    assert moved["renewal"] == ["1999-04 AZE renewal window: lapse", "1999-04 GEO renewal window: lapse",
                                "1999-04 UZB renewal window: lapse"]
    assert len(csto.rows["renewal"].y) == 8            # nine parties less the patron
    # the council suspended Uzbekistan six months after its note; Armenia, frozen since Feb 2024, it has not
    assert moved["council:frozen"] == ["2012-12 UZB frozen 6 months: suspended"]
    assert sum(a == "ARM" for a in csto.rows["council:frozen"].actor) == 22
    assert moved["council:suspended"] == [] and len(csto.rows["council:suspended"].y) == 13 * 12
    assert "RUS" not in set(csto.rows["member:active"].actor)
    # NATO: no member ever moved; Finland waited on Hungary and Turkey until March 2023
    assert not any(nato.rows[k].y.any() for k in ("member:active", "member:frozen", "member:notice"))
    fin = [w for w, y in zip(nato.rows["ratification"].what, nato.rows["ratification"].y) if "FIN" in w and y]
    assert sorted(w for w in fin if not w.startswith("2022")) == ["2023-03 HUN on FIN's accession: ratifies", "2023-03 TUR on FIN's accession: ratifies"]
    assert sum("SWE" in w and "waits" in w and a == "TUR" for w, a in
               zip(nato.rows["ratification"].what, nato.rows["ratification"].actor)) == 18   # Jul 2022 - Dec 2023


def test_vectorised_beliefs_and_momentum_match_the_model(real_obs):
    from foedus.api import load_scenario

    sc = load_scenario("csto")
    rec = next(r for r in real_obs.records if r.alliance == "csto")
    p = Parameters({})
    events = [a.event for a in sc.full_replay.events]
    codes = list(rec.codes)
    for when in ("2012-01-01", "2022-10-01", "2024-02-01"):
        m = month_index(dt.date.fromisoformat(when))
        a, b = credibility.from_record(p, events, codes, "csto", m)
        mine = likelihood.beliefs(p.values, rec, np.full(len(codes), m), np.arange(len(codes)))
        np.testing.assert_allclose(mine, a / (a + b), rtol=1e-12)
        assert likelihood.momentum(p.values, rec, np.array([m]))[0] == pytest.approx(
            membership.momentum_from_record(p, events, "csto", m), rel=1e-12)


def test_where_the_treaty_has_no_withdrawal_clause_a_member_denounces_it_and_gives_no_notice(tmp_path):
    """ATOP 1020 (1815-1866) has no renunciation clause: no member can give notice, in the
    likelihood as in the engine (they read one treaty flag); a member's way out is a denunciation,
    whose hazard (``hazard_denounce``), not the notice's, is the likelihood's column and the
    engine's draw."""
    import foedus
    from foedus.catalogue.convert import to_scenario, write_scenario
    from foedus.calibration.observations import build
    from foedus.engine import compile_model
    from foedus.engine.step import C, run_months

    write_scenario(to_scenario(1020, 1816), tmp_path / "a1020")
    obs = build((str(tmp_path / "a1020"),))
    assert not obs.records[0].can_notice and len(obs.records[0].mm_state) > 5000
    never = {s.kind: s.probs for s in likelihood.score({"hazard_notice": 5.0, "hazard_denounce": -20.0}, obs)}
    assert never["member:active"][:, 2].max() < 1e-8 and never["member:active"][:, 1].max() > 0
    often = {s.kind: s.probs for s in likelihood.score({"hazard_notice": -20.0, "hazard_denounce": 0.0}, obs)}
    assert often["member:active"][:, 2].min() > 0.05
    sc = foedus.load_scenario(tmp_path / "a1020")
    model = compile_model(sc.data, "1816-01-01", 24, Parameters({"hazard_notice": 5.0, "hazard_freeze": 0.0,
                                                                 "hazard_denounce": -4.0}))
    counts = run_months(model, np.arange(50), seed=1).counts
    assert counts[:, C["notices"]].sum() == 0 and counts[:, C["freezes"]].sum() > 0
    assert counts[:, C["exits"]].sum() > 0
