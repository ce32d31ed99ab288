"""The engine simulates the model the calibration fits: on a month of the record, the features the
engine computes for the membership mechanism equal the likelihood's, and each member's choice is
drawn by the engine as often as the likelihood says it is made.

The states are the record's (reachable by construction: the replay through the treaty rules),
on dates and at parameter values that hypothesis draws."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import foedus
from foedus.calibration import likelihood
from foedus.calibration.observations import build_alliance
from foedus.chronology import month_index, month_start
from foedus.engine import compile_model
from foedus.engine.step import initial_state, member_features, run_months
from foedus.model import credibility
from foedus.model.parameters import Parameters
from foedus.treaty.membership import Standing

S = Standing
RUNS = 3000


def agrees(freq: float, prob: float, runs: int = RUNS) -> bool:
    """The engine's frequency over ``runs`` runs is the likelihood's probability within sampling
    error: an exact two-sided binomial test at level 1e-6 (a normal approximation misjudges the rare
    moves, e.g. 2 notices in 3,000 runs at a probability of 3.5e-5, which has a chance of 0.005)."""
    from scipy.stats import binomtest

    return binomtest(int(round(freq * runs)), runs, float(min(max(prob, 0.0), 1.0))).pvalue > 1e-6


@pytest.fixture(scope="module")
def csto():
    sc = foedus.load_scenario("csto")
    return sc, build_alliance(sc.data, "csto", sc.full_replay, sc.name)


def _months_with_outcomes(sc) -> set[int]:
    """Months in which something on the record moves beliefs (a request's outcome) or in which the
    timeline injects a crisis: there the engine's beliefs follow its own draws, not the record's."""
    out = {month_index(e.date) for e in sc.events if e.alliance == "csto" and e.outcome is not None}
    out |= {month_index(c.date) for c in sc.data.timeline if c.field == "crisis"}
    return out


_MONTHS = st.integers(month_index(dt.date(1995, 1, 1)), month_index(dt.date(2025, 6, 1)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(m=_MONTHS)
def test_the_engine_and_the_likelihood_read_the_same_member_features_on_a_date_of_the_record(csto, m):
    sc, rec = csto
    p = Parameters()
    model = compile_model(sc.data, month_start(m), 1, p)
    a = model.alliance_ids.index("csto")
    chunk = initial_state(model, np.arange(1))
    engine = member_features(model, chunk, 0, a, credibility.mean(chunk.cred_a[:, a, :], chunk.cred_b[:, a, :]))
    rows = np.flatnonzero(rec.mm_month == m)
    assume(len(rows))
    record = likelihood._member_features(p, rec)
    i = rec.mm_state[rows]
    for name in ("threat", "patron_spare", "regime", "ties", "autonomy", "outside", "exit_cost", "frozen", "members"):
        got = np.broadcast_to(np.asarray(getattr(engine, name)), (1, model.n_states))[0, i]
        want = np.broadcast_to(np.asarray(getattr(record, name)), rec.mm_month.shape)[rows]
        np.testing.assert_array_equal(got, want, err_msg=name)
    # beliefs and momentum come from the same record by two recursions (the likelihood's in closed
    # form): equal to rounding; the likelihood's are those at the start of the month here
    np.testing.assert_allclose(engine.credibility[0, i], likelihood.beliefs(p, rec, np.full(len(rows), m), i), rtol=1e-12)
    np.testing.assert_allclose(engine.momentum[0, 0], likelihood.momentum(p, rec, np.array([m]))[0], rtol=1e-12, atol=1e-15)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(m=_MONTHS, freeze=st.floats(-3.0, -1.0), notice=st.floats(-4.0, -2.0), back=st.floats(-2.0, 0.0),
       seed=st.integers(0, 2**31))
def test_each_members_choice_is_drawn_as_often_as_the_likelihood_gives_it(csto, m, freeze, notice, back, seed):
    """One month simulated from a date of the record, without drawn crises (the record's month has
    none that moves a belief): each member's frequency of staying, freezing, giving notice,
    returning or revoking over the runs is the likelihood's probability within sampling error."""
    sc, rec = csto
    assume(m not in _months_with_outcomes(sc))
    # in a renewal window (April 1999) a member that froze may also leave by not renewing, in the
    # same month: its standing at the end of the month is not the choice alone
    assume(m not in rec.flags.renewal_months)
    rows = np.flatnonzero(rec.mm_month == m)
    assume(len(rows))
    values = {"hazard_freeze": freeze, "hazard_notice": notice, "hazard_return": back, "hazard_revoke": back,
              "crisis_rate_scale": 0.0}
    p = Parameters(values)
    scored = {s.kind: s for s in likelihood.score(p, likelihood.Observations((rec,)))}
    model = compile_model(sc.data, month_start(m), 1, p)
    a = model.alliance_ids.index("csto")
    before = initial_state(model, np.arange(1)).standing[0, a]
    after = run_months(model, np.arange(RUNS), seed).standing[:, a, :]
    moves = {"member:active": (S.frozen, S.notice), "member:frozen": (S.notice, S.active), "member:notice": (S.active,)}
    checked = 0
    for kind, targets in moves.items():
        if kind not in scored:
            continue
        s = scored[kind]
        mine = np.flatnonzero(rec.rows[kind].known == np.datetime64(month_start(m + 1), "D"))
        for k in mine:
            i = rec.mm_state[np.flatnonzero(rec.mm_standing == {"member:active": S.active, "member:frozen": S.frozen,
                                                                "member:notice": S.notice}[kind])[k]]
            assert before[i] == {"member:active": S.active, "member:frozen": S.frozen, "member:notice": S.notice}[kind]
            for c, target in enumerate(targets, start=1):
                prob = s.probs[k, c]
                freq = (after[:, i] == target).mean()
                assert agrees(freq, prob), (kind, rec.codes[i], target, freq, prob)
                checked += 1
    assert checked


def test_a_victim_asks_as_often_in_the_engine_as_the_likelihood_says(csto):
    """Each crisis of the record that the timeline injects (its severity known): from the start of
    its month, the share of runs in which the victim asks is the likelihood's probability of asking."""
    sc, rec = csto
    p = Parameters({"crisis_rate_scale": 0.0})
    request = next(s for s in likelihood.score(p, likelihood.Observations((rec,))) if s.kind == "request")
    known = np.flatnonzero(~np.isnan(rec.rq_severity))
    assert len(known) >= 3
    for k in known:
        m, i = int(rec.rq_month[k]), int(rec.rq_state[k])
        model = compile_model(sc.data, month_start(m), 1, p)
        seen = []
        run_months(model, np.arange(RUNS), 11, observer=lambda t, record, state: seen.append(record.outcome[:, i] >= 0))
        prob, freq = request.probs[k, 0], seen[0].mean()
        assert agrees(freq, prob), (rec.codes[i], month_start(m), freq, prob)


@pytest.mark.parametrize("start", ["2022-08-01", "2022-10-01", "2023-05-01"])
def test_a_member_ratifies_an_accession_as_often_in_the_engine_as_the_likelihood_says(start):
    """NATO, Finland's and Sweden's accessions: from the start of a month of the record, the share of
    runs in which a member that has not ratified does so is the likelihood's probability."""
    sc = foedus.load_scenario("nato")
    rec = build_alliance(sc.data, "nato", sc.full_replay, sc.name)
    p = Parameters()
    ratify = next(s for s in likelihood.score(p, likelihood.Observations((rec,))) if s.kind == "ratification")
    rows = rec.rows["ratification"]
    model = compile_model(sc.data, start, 1, p)
    a = model.alliance_ids.index("nato")
    chunk = run_months(model, np.arange(RUNS), 5)
    before = initial_state(model, np.arange(1))
    m, checked = month_index(dt.date.fromisoformat(start)), 0
    for k in np.flatnonzero(rows.known == np.datetime64(month_start(m + 1), "D")):
        j, s = rec.codes.index(rows.actor[k]), rec.codes.index(rows.what[k].split(" on ")[1][:3])
        if not before.invited_by[0, a, s, j] or before.ratified[0, a, s, j]:
            continue   # the engine's start state (the replay to the first of the month) has no such wait
        prob, freq = ratify.probs[k, 1], chunk.ratified[:, a, s, j].mean()
        assert agrees(freq, prob), (rows.what[k], freq, prob)
        checked += 1
    assert checked


@pytest.mark.parametrize("scenario, start, kind", [("nato", "2022-05-01", "application"), ("nato", "2022-06-01", "invitation"),
                                                   ("csto", "2006-08-01", "application")])
def test_a_state_applies_and_the_council_invites_as_often_in_the_engine_as_the_likelihood_says(scenario, start, kind):
    """Finland and Sweden in May 2022 (they applied) and June 2022 (they waited on the council);
    Azerbaijan, Georgia, Uzbekistan and Ukraine outside the CSTO in August 2006 (Uzbekistan came
    back): from the start of the month, the share of runs in which a state applies (and may be
    invited the same month) or the council invites an applicant is the likelihood's probability."""
    sc = foedus.load_scenario(scenario)
    rec = build_alliance(sc.data, scenario, sc.full_replay, sc.name)
    p = Parameters({"crisis_rate_scale": 0.0})
    scored = next(s for s in likelihood.score(p, likelihood.Observations((rec,))) if s.kind == kind)
    rows = rec.rows[kind]
    model = compile_model(sc.data, start, 1, p)
    a = model.alliance_ids.index(scenario)
    after = run_months(model, np.arange(RUNS), 9).standing[:, a, :]
    moved = (S.applicant, S.invited) if kind == "application" else (S.invited,)
    m, checked = month_index(dt.date.fromisoformat(start)), 0
    for k in np.flatnonzero(rows.known == np.datetime64(month_start(m + 1), "D")):
        i = rec.codes.index(rows.actor[k])
        prob, freq = scored.probs[k, 1], np.isin(after[:, i], moved).mean()
        assert agrees(freq, prob), (rows.what[k], freq, prob)
        checked += 1
    assert checked >= 2


@pytest.fixture(scope="module")
def no_way_out():
    """ATOP 1020 (1815-1866): a treaty with no withdrawal clause and no tacit renewal."""
    from foedus.catalogue import to_scenario

    files = to_scenario(1020, 1816)
    return files, build_alliance(files, files.scenario.focus)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(denounce=st.floats(-4.0, -1.5), freeze=st.floats(-4.0, -2.0), seed=st.integers(0, 2**31))
def test_a_member_denounces_a_treaty_without_a_way_out_as_often_in_the_engine_as_the_likelihood_says(
        no_way_out, denounce, freeze, seed):
    """A month simulated from the treaty's second year: each member's frequency of denouncing it
    (and of freezing) over the runs is the likelihood's probability within sampling error."""
    files, rec = no_way_out
    assert not rec.can_notice
    m = int(rec.mm_month.min()) + 12
    # the parties' ending of the whole alliance (its own decision, scored by its own rows) held off:
    # in the engine it would withdraw every member, which the member's own decision does not say
    p = Parameters({"hazard_denounce": denounce, "hazard_freeze": freeze, "crisis_rate_scale": 0.0,
                    "hazard_dissolve": -20.0})
    s = next(x for x in likelihood.score(p, likelihood.Observations((rec,))) if x.kind == "member:active")
    model = compile_model(files, month_start(m), 1, p, files.scenario.name)
    a = model.alliance_ids.index(files.scenario.focus)
    after = run_months(model, np.arange(RUNS), seed).standing[:, a, :]
    mine = np.flatnonzero(rec.rows["member:active"].known == np.datetime64(month_start(m + 1), "D"))
    assert len(mine)
    for k in mine:
        i = rec.mm_state[np.flatnonzero(rec.mm_standing == S.active)[k]]
        for c, target in ((1, S.frozen), (2, S.withdrawn)):
            prob, freq = s.probs[k, c], (after[:, i] == target).mean()
            assert agrees(freq, prob), (rec.codes[i], target, freq, prob)


@pytest.mark.parametrize("sd", [0.0, 2.5])
def test_the_council_answers_as_often_in_the_engine_as_the_likelihood_says_with_its_shared_shock(csto, sd):
    """Armenia's request of 13 September 2022 (the timeline injects the attack, its severity known):
    from the start of the month, with every run asking, the shares of runs in which the council
    deploys, gives limited help or refuses are the likelihood's probabilities -- the engine draws
    the request's shared shock and then the votes, the likelihood integrates over the shock by
    quadrature -- with votes independent (sd 0) and strongly correlated (sd 2.5)."""
    sc, rec = csto
    p = Parameters({"crisis_rate_scale": 0.0, "request_base_armed_attack": 10.0, "request_base_member_clash": -10.0,
                    "decision_shock_sd": sd, "decision_base_deploy": 0.5})
    answer = next(s for s in likelihood.score(p, likelihood.Observations((rec,))) if s.kind == "outcome:request")
    requests = np.flatnonzero(~rec.oc_consultation)   # the rows of ``outcome:request``
    k = next(j for j, r in enumerate(rec.oc_rq[requests]) if month_start(int(rec.rq_month[r])) == dt.date(2022, 9, 1))
    i = int(rec.rq_state[rec.oc_rq[requests[k]]])
    model = compile_model(sc.data, "2022-09-01", 1, p)
    seen = []
    run_months(model, np.arange(RUNS), 3, observer=lambda t, record, state: seen.append(record.outcome[:, i]))
    assert (seen[0] >= 0).mean() > 0.99
    freq = np.bincount(seen[0][seen[0] >= 0], minlength=3) / (seen[0] >= 0).sum()
    for c in range(3):
        prob = answer.probs[k, c]
        assert abs(freq[c] - prob) <= 5 * np.sqrt(prob * (1 - prob) / RUNS) + 1e-3, (c, freq, answer.probs[k])
