"""The pooled fit's state effects: a random intercept per state on the hazards of leaving, on the
rows of that state in every alliance (docs/calibration.md, "Pooled fit"). On the toy ledger of
``conftest.py``, copied, with exits drawn from the model: no real fit."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.calibration import likelihood
from foedus.calibration.observations import Observations, build_alliance
from foedus.calibration.pooled import SD_MIN, empirical_bayes, state_profiles, states_of
from foedus.model.parameters import Parameters

BBB, CCC, DDD = 901, 902, 903     # the toy ledger's members (COW codes), the patron AAA apart


@pytest.fixture(scope="module")
def toy_record(ledger):
    return build_alliance(ledger, "pact")


@pytest.fixture(scope="module")
def values(toy_params):
    return dict(Parameters(toy_params).values)


def copies(rec, n: int) -> Observations:
    """``n`` copies of the toy alliance's membership decisions (those a state effect moves), one
    state in all of them, as a state is a member of several alliances."""
    none, nothing = np.zeros(0, np.int64), np.zeros(0)
    rec = replace(rec, cr_type=none, sc_rate=nothing, rq_state=none, ap_alignment=nothing, iv_affinity=nothing,
                  rt_affinity=nothing, am_month=none)
    return Observations(tuple(replace(rec, alliance=f"pact-{k}", cache={}) for k in range(n)))


def fitted_effects(values, obs):
    states, _ = states_of(obs)
    return empirical_bayes(state_profiles(values, states, {}, {}))


def test_the_state_that_leaves_more_often_gets_the_larger_effect(toy_record, values):
    """BBB's odds of leaving e^1.5 times the population's, DDD's e^-1.5 times: the fit puts BBB
    above DDD and finds the states differ (an sd well above its bound)."""
    truth = {BBB: 1.5, DDD: -1.5}
    obs = likelihood.draw(values, copies(toy_record, 15), np.random.default_rng(7), state_effects=truth)
    sd, effects, se = fitted_effects(values, obs)
    assert effects[BBB] > effects[CCC] > effects[DDD]
    assert effects[BBB] - effects[DDD] > 2 * (se[BBB] + se[DDD])
    assert sd > 0.5


def test_alike_states_are_pooled_completely(toy_record, values):
    """Every state at the population's level: the sd falls toward its bound (under a quarter of
    the sd above, about 1, where the states differ), each effect within two standard errors of 0."""
    obs = likelihood.draw(values, copies(toy_record, 15), np.random.default_rng(7))
    sd, effects, se = fitted_effects(values, obs)
    assert SD_MIN <= sd < 0.25
    assert all(abs(v) < 2 * se[s] for s, v in effects.items())


def test_the_csto_and_nato_records_carry_their_members_state_effects(real_obs):
    """Armenia's and Uzbekistan's CSTO member-months are rows of their states (COW 371, 704), as a
    catalogue alliance's would be; Russia, the CSTO's patron, has none (NATO names no patron: the
    United States' member-months are rows of its state)."""
    states, codes = states_of(real_obs)
    assert {r.alliance for r in states[371].records} == {"csto"} and codes[371] == "ARM"
    assert {r.alliance for r in states[704].records} == {"csto"}
    assert 365 not in states and {r.alliance for r in states[2].records} == {"nato"}
    assert {r.alliance for r in states[200].records} == {"nato"}


def test_without_state_effects_the_likelihood_is_the_main_fits(toy_record, values):
    """No state effects, or all of them 0: the same log-likelihood, bit for bit (``foedus calibrate`` unchanged)."""
    obs = Observations((toy_record,))
    plain = likelihood.loglik(values, obs)
    assert likelihood.loglik(values, obs, state_effects={}) == plain
    assert likelihood.loglik(values, obs, state_effects={BBB: 0.0, 999: 3.0}) == plain


@settings(max_examples=25, deadline=None)
@given(v=st.floats(-3.0, 3.0, allow_nan=False).filter(lambda x: abs(x) > 1e-6))
def test_a_state_effect_moves_that_states_hazards_of_leaving_alone(toy_record, values, v):
    """A state's effect adds to the log-odds of its own notices and lapses, in the direction of its
    sign; every other state's rows, and its own other decisions, are as before."""
    obs = Observations((toy_record,))
    base = {s.kind: s.probs for s in likelihood.score(values, obs)}
    moved = {s.kind: s.probs for s in likelihood.score(values, obs, state_effects={BBB: v})}
    rec = toy_record
    active = rec.mm_state[rec.mm_standing == likelihood.S.active]
    own = active == rec.codes.index("BBB")
    P0, P1 = base["member:active"], moved["member:active"]
    assert np.array_equal(P0[~own], P1[~own])
    assert np.all(np.sign(P1[own, 2] - P0[own, 2]) == np.sign(v))     # notice
    assert np.allclose(P1[own, 1], P0[own, 1], rtol=0.05)             # a freeze is not a way out
    for kind in base:
        if not kind.startswith("member:") and kind != "renewal":
            assert np.array_equal(base[kind], moved[kind]), kind


def test_the_summary_names_the_states_sd_and_the_largest_effects():
    """``foedus calibrate --pooled`` prints sd_state with what it means in odds, and the states
    whose effects are largest in size, first."""
    from rich.console import Console

    from foedus.cli.calibrate import _print_state_effects

    pool = {"sd_state": 0.5, "state_effects": {
        "371": {"state": "ARM", "value": 0.8, "se": 0.4}, "704": {"state": "UZB", "value": -1.2, "se": 0.5},
        "2": {"state": "USA", "value": 0.01, "se": 0.1}}}
    out = Console(width=200, record=True)
    _print_state_effects(out, pool, largest=2)
    text = out.export_text()
    assert "3 states, sd 0.500" in text and "odds of leaving by 1.65" in text
    assert text.index("UZB (COW 704) -1.200") < text.index("ARM (COW 371) +0.800") and "USA" not in text
