"""The mechanisms' probability functions: shapes, directions, and agreement with the sampling the
engine does (the likelihood and the simulation must mean the same thing)."""

import datetime as dt

import numpy as np
import pytest

import foedus
from foedus.chronology import month_index
from foedus.model import accession, credibility, crises, decision, membership, requests
from foedus.model.parameters import Parameters
from foedus.scenario.schema import CrisisType
from foedus.treaty.membership import Standing
from foedus.treaty.obligations import casus_foederis_array, obligations
from foedus.treaty.procedure import council_answer

P = Parameters()


def _features(K=4, N=5, abstention=True, seed=0):
    rng = np.random.default_rng(seed)
    eligible = rng.random((K, N)) < 0.85
    patron = np.zeros((K, N), bool)
    patron[:, 0] = True
    return decision.DecisionFeatures(
        covered=rng.random(K) < 0.5, crisis_type=np.array([0, 2, 3, 0])[:K], severity=rng.random(K),
        salience=np.ones(K), aff_victim=rng.uniform(-1, 1, (K, N)), aff_aggressor=rng.uniform(-1, 1, (K, N)),
        regime_member=rng.random((K, N)), regime_victim=rng.random(K), spare=rng.uniform(0.1, 1, (K, N)),
        eligible=eligible, frozen=(rng.random((K, N)) < 0.1) & eligible, patron=patron & eligible,
        abstention=np.full(K, abstention))


@pytest.mark.parametrize("abstention", [True, False])
def test_outcome_probs_match_sampled_votes_through_the_treaty_procedure(abstention):
    f = _features(abstention=abstention)
    probs = decision.outcome_probs(P, f)
    assert np.allclose(probs.sum(1), 1) and (probs >= -1e-12).all()
    n = 40000
    rng = np.random.default_rng(1)
    for k in range(len(f.covered)):
        fk = decision.DecisionFeatures(**{name: np.repeat(getattr(f, name)[k:k + 1], n, axis=0)
                                          for name in f.__dataclass_fields__})
        py, _, pn = decision.vote_probs(P, "deploy", fk)
        vd = decision.votes_from_uniforms(py, pn, rng.random(py.shape))
        py, _, pn = decision.vote_probs(P, "limited", fk)
        vl = decision.votes_from_uniforms(py, pn, rng.random(py.shape))
        answer = council_answer(vd, vl, fk.eligible, fk.patron, fk.abstention, fk.crisis_type == decision.THREAT)
        emp = np.bincount(answer, minlength=3) / n
        assert np.abs(emp - probs[k]).max() < 0.015, (k, emp, probs[k])


def test_a_war_elsewhere_makes_the_patron_less_willing_to_deploy():
    f = _features()
    drained = decision.DecisionFeatures(**{**f.__dict__, "spare": f.spare * 0.3})
    assert (decision.utility(P, "deploy", drained) < decision.utility(P, "deploy", f)).all()


def test_request_probability_rises_with_severity_and_belief():
    lo = requests.p_request(P, np.array([0, 2]), 0.2, 0.3)
    hi = requests.p_request(P, np.array([0, 2]), 0.9, 0.8)
    assert (hi > lo).all()
    assert requests.p_request(P, np.array([-1]), 0.9, 0.9)[0] == 0.0


def test_credibility_falls_after_refusal_and_decays_to_the_prior():
    a0, b0 = credibility.prior(P)
    da, db = credibility.increments(P, np.array([0, 1, 2]), 4.0)
    means = credibility.mean(a0 + da, b0 + db)
    assert means[0] > a0 / (a0 + b0) > means[1] > means[2]
    a, b = a0 + da[2], b0 + db[2]
    for _ in range(2000):
        a, b = credibility.decay(P, a, b)
    assert abs(credibility.mean(a, b) - P.cred_prior_mean) < 1e-6


def test_armenia_believes_less_after_the_record_of_2021_and_2022():
    sc = foedus.load_scenario("csto")
    codes = [s.iso3 for s in sc.states]
    i = codes.index("ARM")
    before = credibility.from_record(P, sc.events, codes, "csto", month_index(dt.date(2021, 1, 1)))
    after = credibility.from_record(P, sc.events, codes, "csto", month_index(dt.date(2023, 1, 1)))
    assert credibility.mean(*after)[i] < credibility.mean(*before)[i] - 0.1


def _mf(**kw):
    base = dict(credibility=np.array(0.6), threat=np.array(1.0), patron_spare=np.array(1.0), regime=np.array(1.0),
                ties=np.array(1.0), autonomy=np.array(0.0), outside=np.array(0.0), exit_cost=np.array(1.0),
                momentum=np.array(0.0), frozen=np.array(False))
    base.update({k: np.asarray(v) for k, v in kw.items()})
    return membership.MemberFeatures(**base)


def test_hazard_of_freezing_rises_as_credibility_falls_and_defections_mount():
    h = membership.hazards(P, _mf())
    assert membership.hazards(P, _mf(credibility=0.3)).p_freeze > h.p_freeze
    assert membership.hazards(P, _mf(momentum=2.0)).p_freeze > h.p_freeze
    assert membership.hazards(P, _mf(patron_spare=0.3)).p_freeze > h.p_freeze
    assert membership.hazards(P, _mf(frozen=True)).p_notice > h.p_notice


def test_competing_risks_choose_each_event_with_its_probability():
    u = np.random.default_rng(3).random(200000)
    c = membership.choose(u, np.full(u.shape, 0.1), np.full(u.shape, 0.3))
    assert abs((c == 0).mean() - 0.1) < 0.005 and abs((c == 1).mean() - 0.3) < 0.005


def test_grievance_slows_ratification():
    assert accession.p_ratify(P, 0.5, 2.5) < accession.p_ratify(P, 0.5, 0.0)
    assert accession.p_apply(P, 0.8, 2.0, 0.0) > accession.p_apply(P, 0.0, 1.0, 0.0) > accession.p_apply(P, 0.0, 1.0, 1.0)


def test_severity_is_drawn_by_its_inverse_cdf():
    u = np.random.default_rng(5).random(200000)
    s = crises.severity(P, u)
    grid = np.linspace(0.0005, 0.9995, 1000)
    mean = np.trapezoid(grid * crises.severity_density(P, grid), grid)
    assert abs(s.mean() - mean) < 0.005
    fired = np.array([[True, True, False]])
    sev = np.array([[0.2, 0.7, 0.9]])
    victim_of = np.array([[True, False], [True, False], [False, True]])
    src, best = crises.select(fired, sev, victim_of)
    assert src.tolist() == [[1, -1]] and best.tolist() == [[0.7, 0.0]]


def test_vectorised_casus_foederis_agrees_with_the_treaty_layer():
    sc = foedus.load_scenario("csto")
    al = sc.alliance("csto")

    kinds = list(CrisisType)
    for date in (dt.date(2010, 6, 1), dt.date(2022, 9, 13)):
        for vs in Standing:
            for ag in (None, Standing.outside, Standing.active, Standing.withdrawn):
                for ct in kinds:
                    standings = {"ARM": vs}
                    if ag is not None:
                        standings["AZE"] = ag
                    ref = obligations(al, standings, date, "ARM", "AZE" if ag is not None else None, ct).casus_foederis
                    got = casus_foederis_array(al, date, np.array([int(vs)]),
                                               np.array([int(ag) if ag is not None else int(Standing.outside)]),
                                               np.array([kinds.index(ct)]), np.array([True]))[0]
                    assert bool(got) == ref, (date, vs, ag, ct)
