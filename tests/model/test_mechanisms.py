"""The mechanisms' probability functions: shapes, directions, and agreement with the sampling the
engine does (the likelihood and the simulation must mean the same thing)."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    """The closed form integrated over the shared shock (Gauss-Hermite) is what drawing the shock
    and then the votes gives."""
    f = _features(abstention=abstention)
    probs = decision.outcome_probs(P, f)
    assert np.allclose(probs.sum(1), 1) and (probs >= -1e-12).all()
    n = 40000
    rng = np.random.default_rng(1)
    for k in range(len(f.covered)):
        fk = decision.DecisionFeatures(**{name: np.repeat(getattr(f, name)[k:k + 1], n, axis=0)
                                          for name in f.__dataclass_fields__})
        z = decision.shock(P, rng.random(n))   # one shared shock per request, as the engine draws it
        py, _, pn = decision.vote_probs(P, "deploy", fk, z)
        vd = decision.votes_from_uniforms(py, pn, rng.random(py.shape))
        py, _, pn = decision.vote_probs(P, "limited", fk, z)
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


@settings(max_examples=40, deadline=None)
@given(defections=st.floats(0.1, 10.0), members=st.integers(1, 60), reference=st.floats(1.0, 100.0))
def test_momentum_is_a_share_of_the_alliance(defections, members, reference):
    """The same recent defections lower a member's margin of staying momentum_members / n times as
    much in an alliance of n members as in one of momentum_members: a freeze among the 34 members
    of the Organization of American States weighs 6/34 of one among the CSTO's six."""
    p = P.replace(momentum_members=reference)
    drop = membership.margin(p, _mf(members=members)) - membership.margin(p, _mf(momentum=defections, members=members))
    at_reference = membership.margin(p, _mf(members=reference)) - membership.margin(p, _mf(momentum=defections, members=reference))
    assert drop == pytest.approx(at_reference * reference / members, rel=1e-9)
    assert membership.margin(p, _mf(momentum=defections)) == membership.margin(p, _mf(momentum=defections,
                                                                                      members=reference))


def test_a_freeze_among_many_members_raises_the_hazard_of_notice_less_than_among_few():
    few = membership.hazards(P, _mf(momentum=1.0, members=6)).p_notice
    many = membership.hazards(P, _mf(momentum=1.0, members=34)).p_notice
    assert many < few
    assert many > membership.hazards(P, _mf(members=34)).p_notice   # but it still raises it


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


def _council(N, covered=True):
    """One covered armed-attack request in a council of ``N`` voters, no patron, middling features."""
    z = np.zeros((1, N))
    return decision.DecisionFeatures(
        covered=np.array([covered]), crisis_type=np.array([0]), severity=np.array([0.5]), salience=np.ones(1),
        aff_victim=z, aff_aggressor=z, regime_member=z, regime_victim=np.zeros(1), spare=np.ones((1, N)),
        eligible=np.ones((1, N), bool), frozen=np.zeros((1, N), bool), patron=np.zeros((1, N), bool),
        abstention=np.array([True]))


def test_a_shared_shock_keeps_a_large_council_from_collapsing_and_a_small_one_from_waving_everything_through():
    """With votes independent, the chance that 30 members all agree to deploy is about the 10th power
    of a 3-member council's; with the council's shared shock the large council keeps a far larger
    share of the small one's chance, and the small one agrees less as a matter of course."""
    independent = {**P.values, "decision_shock_sd": 0.0}
    shared = {**P.values, "decision_shock_sd": 2.0}
    small_i, large_i = (decision.outcome_probs(independent, _council(n))[0, decision.DEPLOYED] for n in (3, 30))
    small_s, large_s = (decision.outcome_probs(shared, _council(n))[0, decision.DEPLOYED] for n in (3, 30))
    assert large_s / small_s > 2.5 * (large_i / small_i)
    assert small_s < small_i    # the small council no longer agrees as a matter of course


@given(sd=st.floats(0.0, 4.0), n=st.integers(1, 12))
@settings(max_examples=40, deadline=None)
def test_answer_probabilities_are_a_distribution_for_any_shock(sd, n):
    probs = decision.outcome_probs({**P.values, "decision_shock_sd": sd}, _council(n))
    assert np.all(probs >= -1e-12) and np.isclose(probs.sum(), 1.0)


@given(outcome=st.sampled_from([decision.DEPLOYED, decision.LIMITED, decision.REFUSED]),
       salience=st.floats(1.0, 5.0), a=st.floats(0.5, 20.0), b=st.floats(0.5, 20.0))
@settings(max_examples=60, deadline=None)
def test_publicising_refusals_never_raises_an_observers_belief(outcome, salience, a, b):
    """Information operations (the ``info-ops`` variant: a higher salience of the victim) make
    refusals weigh more with the other members and leave help weighed as before: whatever the
    outcome, an observer's belief after it is no higher than without them."""
    plain = credibility.increments(P, outcome, credibility.weights(P, False, 1.0))
    made_known = credibility.increments(P, outcome, credibility.weights(P, False, salience))
    assert made_known[0] == plain[0]
    assert credibility.mean(a + made_known[0], b + made_known[1]) <= credibility.mean(a + plain[0], b + plain[1]) + 1e-12


def test_a_refusal_made_known_lowers_the_observers_belief_and_help_does_not_gain_from_it():
    a0, b0 = credibility.prior(P)
    for salience in (1.0, 2.0):
        da, db = credibility.increments(P, decision.REFUSED, credibility.weights(P, False, salience))
        after_refusal = credibility.mean(a0 + da, b0 + db)
        da, db = credibility.increments(P, decision.DEPLOYED, credibility.weights(P, False, salience))
        after_help = credibility.mean(a0 + da, b0 + db)
        if salience == 1.0:
            plain_refusal, plain_help = after_refusal, after_help
    assert after_refusal < plain_refusal < credibility.mean(a0, b0)
    assert after_help == plain_help
    # the victim's own update is its own, publicised or not
    assert credibility.weights(P, True, 2.0)[1] == credibility.weights(P, True, 1.0)[1] == P["cred_victim_weight"]
