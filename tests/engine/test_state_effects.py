"""Each state's own effect on the hazards of leaving (the pooled fit's ``[pooling.state_effects]``)
read by the engine: a state with a large positive effect gives notice in nearly every run, one with
a large negative effect never does, the others are left as they were; zero effects change nothing;
drawn effects come out the same whatever the chunking, and as each draw simulated alone."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.calibration import likelihood
from foedus.engine.compile import compile_model, draw_of, with_leave_shift, with_parameters
from foedus.engine.step import S
from foedus.ensemble.draws import draw_models
from foedus.model import membership, posterior
from foedus.model.parameters import Parameters, RunParameters
from tests.engine.test_run_parameters import _simulate, assert_same, one_pass
from tests.ledger.conftest import IN_FORCE, toy

COW = {"AAA": 900, "BBB": 901, "CCC": 902, "DDD": 903, "EEE": 904}
RUNS = 200


@pytest.fixture(scope="module")
def quiet_toy():
    """The toy pact for four years, without momentum: one member's defection does not move another's."""
    data = toy()
    params = Parameters.for_scenario({}, extra={"member_momentum": 0.0})
    return compile_model(data, IN_FORCE, 48, params)


def _stepped_out(sim: dict, i: int) -> np.ndarray:
    """Per run: the state left its active standing in some month."""
    return (sim["standing"][:, :, i] != S.active).any(axis=1)


def test_a_state_with_a_large_effect_leaves_in_nearly_every_run_and_one_with_a_large_negative_never(quiet_toy):
    base = _simulate(quiet_toy, np.arange(RUNS), 3)
    shifted = _simulate(with_leave_shift(quiet_toy, (COW["BBB"], COW["CCC"]), np.array([[12.0, -12.0]])),
                        np.arange(RUNS), 3)
    b, c = quiet_toy.codes.index("BBB"), quiet_toy.codes.index("CCC")
    assert _stepped_out(shifted, b).mean() > 0.95 > _stepped_out(base, b).mean()
    # a notice given, the member leaves: never by the CSTO's freeze
    assert (shifted["standing"][:, -1, b] == S.withdrawn).mean() > 0.9
    # never gives notice (it may still freeze: the freeze is not a hazard of leaving); out only where
    # the treaty itself ended in the run
    assert not (shifted["standing"][:, :, c] == S.notice).any()
    out = (shifted["standing"][:, :, c] == S.withdrawn).any(axis=1)
    assert (shifted["ended"][out, 0] >= 0).all()


def test_the_other_states_keep_their_runs(quiet_toy):
    """The patron and the state the effects do not name run as they did, month by month, in every run
    where the treaty lasts (the same random numbers, and no momentum to carry one state's defection
    to another; the parties' ending of a smaller alliance is likelier, ``model.dissolution``)."""
    base = _simulate(quiet_toy, np.arange(RUNS), 5)
    shifted = _simulate(with_leave_shift(quiet_toy, (COW["BBB"],), np.array([[12.0]])), np.arange(RUNS), 5)
    lasts = (base["ended"][:, 0] < 0) & (shifted["ended"][:, 0] < 0)
    assert lasts.mean() > 0.8
    for s in ("AAA", "CCC"):
        i = quiet_toy.codes.index(s)
        np.testing.assert_array_equal(shifted["standing"][lasts, :, i], base["standing"][lasts, :, i], err_msg=s)


def test_zero_effects_give_the_same_runs_bit_for_bit(quiet_toy):
    zero = with_leave_shift(quiet_toy, tuple(COW.values()), np.zeros((1, len(COW))))
    assert zero.leave_shift is not None
    assert_same(_simulate(zero, np.arange(60), 1), _simulate(quiet_toy, np.arange(60), 1))


def test_a_state_the_fit_did_not_meet_is_at_the_population_s_level(quiet_toy):
    m = with_leave_shift(quiet_toy, (COW["BBB"], 2), np.array([[1.5, -3.0]]))   # 2: the USA, not in the toy
    assert m.leave_shift.tolist() == [[0.0, 1.5, 0.0, 0.0, 0.0]]


def test_a_file_without_state_effects_gives_no_shift(quiet_toy, tmp_path):
    f = tmp_path / "plain.toml"
    f.write_text('[parameters.hazard_freeze]\nvalue = -6.0\n')
    effects = posterior.state_effects(f)
    assert effects is None
    assert draw_models(quiet_toy, 1, 0, False, (), 10, None, effects)[1] is quiet_toy


def test_a_state_effect_that_is_not_a_number_is_one_line(tmp_path):
    from foedus.errors import ArgumentError

    f = tmp_path / "bad.toml"
    f.write_text('[parameters.hazard_freeze]\nvalue = -6.0\n\n[pooling.state_effects.371]\nvalue = "high"\nse = 0.5\n')
    with pytest.raises(ArgumentError) as e:
        posterior.state_effects(f)
    assert "[pooling.state_effects.371]" in str(e.value) and "value" in str(e.value) and "\n" not in str(e.value)


def _effects() -> posterior.StateEffects:
    return posterior.StateEffects((COW["BBB"], COW["CCC"]), np.array([1.0, -1.0]), np.array([2.0, 0.5]), "toy")


def test_drawn_effects_leave_the_other_drawn_values_as_they_were(quiet_toy):
    plain = posterior.draws(4, 9, quiet_toy.params, (), True, None)
    with_effects = posterior.draws(4, 9, quiet_toy.params, (), True, None, _effects())
    assert plain.values == with_effects.values
    assert with_effects.effects.shape == (4, 2) and len({tuple(r) for r in with_effects.effects}) == 4
    one = posterior.draws(1, 9, quiet_toy.params, (), True, None, _effects())
    assert one.effects.tolist() == [[1.0, -1.0]]   # one draw: the values


@pytest.mark.parametrize("chunk", [90, 25])
def test_drawn_effects_in_one_pass_equal_each_draw_simulated_alone(quiet_toy, chunk):
    _, model = draw_models(quiet_toy, 3, 2, True, (), 90, None, _effects())
    k = len(model.draws.params)
    assert model.leave_shift.shape == (k, 5)
    each = with_parameters(replace(model, draws=None, leave_shift=None), model.draws.params)
    draw = draw_of(np.arange(90), 90, k)
    parts = []
    for d in range(k):
        alone = replace(each[d], leave_shift=model.leave_shift[d][None, :])
        part = _simulate(alone, np.flatnonzero(draw == d), 1)
        part["draw"][:] = d
        parts.append(part)
    want = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    assert_same(one_pass(model, 90, 1, chunk), want)


# -- one home: the shift is membership's, whoever reads the values ----------------------------------
@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=6), st.floats(-3, 3), st.booleans())
def test_the_shift_adds_to_the_hazards_of_leaving_alone(effects, z, frozen):
    p = Parameters.for_scenario({})
    u = np.array(effects)
    views = (p, p.to_dict(), RunParameters([p, p.replace(hazard_notice=-7.0)], np.arange(len(u)) % 2).rows())
    for v in views:
        q = membership.with_intercept(v, u)
        for k in p:
            want = np.asarray(v[k]) + u if k in membership.LEAVING else v[k]
            np.testing.assert_array_equal(q[k], want, err_msg=k)
        # the engine's frozen members' hazards are the likelihood's, bit for bit
        zz = np.full(len(u), z)
        hz = membership.hazards_from_margin(q, zz, np.full(len(u), True))
        pn, pr = membership.frozen_hazards(q, zz)
        np.testing.assert_array_equal(pn, hz.p_notice)
        np.testing.assert_array_equal(pr, hz.p_return)
    assert membership.with_intercept(p, 0.0) is p and membership.with_intercept(p, None) is p
    assert likelihood.with_intercept is membership.with_intercept and likelihood.LEAVING is membership.LEAVING


def test_at_a_renewal_window_the_effect_moves_the_chance_of_not_renewing():
    """July 2002, the toy's renewal window: a member with a large negative effect always renews
    where, without it, it lapses in some runs; one with a large positive effect is out or under
    notice (given before the window, it is no longer a member that renews)."""
    model = compile_model(toy(renewal=dict(article="10", windows=["2002-07-01"], source="toy")), "2002-06-01", 2)
    b, c = model.codes.index("BBB"), model.codes.index("CCC")
    final = lambda m: _simulate(m, np.arange(RUNS), 4)["standing"][:, -1]  # noqa: E731
    base = final(model)
    shifted = final(with_leave_shift(model, (COW["BBB"], COW["CCC"]), np.array([[12.0, -12.0]])))
    assert 0.05 < (base[:, c] == S.withdrawn).mean() < 0.95 and not (shifted[:, c] == S.withdrawn).any()
    assert np.isin(shifted[:, b], (S.notice, S.withdrawn)).mean() > 0.95
