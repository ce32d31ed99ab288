"""The parties' ending of a whole alliance (``model.dissolution``): drawn by the engine in the
month's treaty calendar, scored by the likelihood on the record's alliance-months, counted by the
retrodiction. After the end nobody is a party, nobody asks, nobody joins."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import foedus
from foedus.calibration import likelihood
from foedus.calibration.observations import build_alliance
from foedus.chronology import month_index
from foedus.engine.compile import compile_model
from foedus.engine.step import COUNTERS, run_months
from foedus.model import dissolution
from foedus.model.parameters import Parameters
from foedus.retrodiction.simulated import SIMULATED, simulated_counts
from foedus.scenario.schema import EndCause, ends_alliance
from foedus.treaty.membership import Standing as S

PARTY = np.isin(np.arange(len(S)), [S.active, S.frozen, S.notice, S.suspended])
ENDS = COUNTERS.index("alliance_ends")


def _csto(months=36, **params):
    data = foedus.load_scenario("csto").data
    return compile_model(data, "2010-01-01", months, Parameters.for_scenario(data.parameters, extra=params))


def test_a_near_certain_dissolution_ends_the_csto_in_its_first_month_and_nothing_is_owed_after():
    model = _csto(hazard_dissolve=5.0, dissolve_age=0.0, dissolve_members=0.0, dissolve_leader_share=0.0,
                  dissolve_organisation=0.0)
    seen = []
    state = run_months(model, np.arange(200), 0, lambda t, rec, s: seen.append((rec.standing.copy(), rec.outcome.copy())))
    ended = state.ended[:, model.focus]
    assert (state.counts[:, ENDS] == (ended >= 0)).all()
    assert (ended == 0).mean() > 0.95                       # p = sigmoid(5) = 0.993 in the first month
    for t, (standing, outcome) in enumerate(seen):
        gone = ended <= t
        gone &= ended >= 0
        assert not PARTY[standing[gone]].any() and (outcome[gone] < 0).all()
        assert not np.isin(standing[gone], [S.applicant, S.invited]).any()   # nobody joins an ended treaty


def test_without_the_hazard_the_csto_never_ends_between_its_term_ends():
    state = run_months(_csto(hazard_dissolve=-20.0), np.arange(100), 0)
    assert (state.counts[:, ENDS] == 0).all()


def test_the_month_a_run_ends_does_not_depend_on_the_chunk_or_the_other_runs():
    model = _csto(months=60, hazard_dissolve=-3.5)
    whole = run_months(model, np.arange(120), 7).ended[:, model.focus]
    parts = np.concatenate([run_months(model, np.arange(a, min(a + 25, 120)), 7).ended[:, model.focus]
                            for a in range(0, 120, 25)])
    assert (whole == parts).all() and 0 < (whole >= 0).sum() < 120
    col = SIMULATED.index("alliance_ends")
    assert (simulated_counts(model, 120, 7, chunk_size=13)[:, col] == (whole >= 0)).all()


def test_the_csto_and_nato_records_carry_their_alliance_months_and_no_end():
    sc = foedus.load_scenario("nato")
    rec = build_alliance(sc.data, "nato", sc.full_replay, "nato")
    rows = rec.rows["dissolution"]
    assert len(rows.y) == len(rec.am_month) > 800 and rows.y.sum() == 0
    assert rec.am_month[0] == month_index(dt.date(1949, 8, 24)) + 1   # from the month after entry into force
    assert (rec.am_members[rec.am_month >= month_index(dt.date(2024, 3, 7)) + 1] == 32).all()   # Sweden in
    p = Parameters({}).values
    ll = likelihood.by_kind(p, foedus.calibration.observations.Observations((rec,)))["dissolution"]
    f = dissolution.AllianceFeatures(rec.am_age, rec.am_members, rec.am_share, rec.am_organised)
    assert np.isclose(ll, np.log1p(-dissolution.p_dissolve(p, f)).sum())


def test_an_atop_alliance_that_its_parties_ended_scores_one_end_in_its_last_cell():
    from foedus.calibration.catalogue import decisions

    d = decisions(atopids=(3230,))
    ends = [(w, r.am_month[k]) for r in d.observations.records
            for k, (w, y) in enumerate(zip(r.rows["dissolution"].what, r.rows["dissolution"].y)) if y]
    assert len(ends) == 1 and ends[0][0].startswith("1964-04")
    last = d.observations.records[-1]
    assert last.am_month.max() == month_index(dt.date(1964, 4, 1))   # nothing scored after the end


shares = st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(shares, st.integers(0, 2**12 - 1), st.integers(0, 900))
def test_the_leaders_share_is_between_an_equal_share_and_one(spend, mask, age):
    parties = np.array([(mask >> k) & 1 for k in range(len(spend))], bool)
    f = dissolution.alliance_features(parties, np.array(spend), age)
    n = parties.sum()
    assert f.members == n and np.isclose(f.age, age / 120)
    if n:
        assert 1.0 / n - 1e-12 <= f.leader_share <= 1.0 + 1e-12
    else:   # no party: nothing to end
        assert dissolution.p_dissolve(Parameters({}).values, f) == 0.0


@settings(max_examples=60, deadline=None)
@given(st.floats(-10, 2), st.floats(-2, 2), st.floats(0, 5), st.integers(1, 40), st.floats(0.01, 1))
def test_the_hazard_is_a_probability_that_rises_with_each_coefficients_term(base, slope, age, members, share):
    p = dict(Parameters({}).values, hazard_dissolve=base, dissolve_age=slope, dissolve_members=slope,
             dissolve_leader_share=slope)
    f = dissolution.AllianceFeatures(np.array(age), np.array(members), np.array(share), np.array(0.0))
    q = dissolution.p_dissolve(p, f)
    assert 0.0 < q < 1.0
    older = dissolution.AllianceFeatures(np.array(age + 1.0), np.array(members), np.array(share), np.array(0.0))
    assert (dissolution.p_dissolve(p, older) >= q) == (slope >= 0) or np.isclose(dissolution.p_dissolve(p, older), q)


@settings(max_examples=60, deadline=None)
@given(st.floats(-10, 2), st.floats(-3, 3), st.integers(1, 40), st.integers(-600, 600), st.integers(-600, 600))
def test_an_organisation_multiplies_the_odds_of_ending_by_exp_of_its_coefficient_from_the_month_after(
        base, coef, members, month, since):
    p = dict(Parameters({}).values, hazard_dissolve=base, dissolve_organisation=coef)
    organised = dissolution.organised_in(month, since)
    assert bool(organised) == (month > since)
    f = dissolution.alliance_features(np.ones(members, bool), np.ones(members), 120, organised)
    bare = dissolution.alliance_features(np.ones(members, bool), np.ones(members), 120, False)
    q, q0 = float(dissolution.p_dissolve(p, f)), float(dissolution.p_dissolve(p, bare))
    odds_ratio = (q / (1 - q)) / (q0 / (1 - q0))
    assert np.isclose(odds_ratio, np.exp(coef) if month > since else 1.0, rtol=1e-6)
    assert dissolution.organised_in(month, dissolution.NO_ORGANISATION) == False   # noqa: E712 - never organised


@given(st.sampled_from(list(EndCause)))
def test_only_a_supersession_leaves_the_alliance_standing(cause):
    assert ends_alliance(cause) == (cause != EndCause.superseded)
