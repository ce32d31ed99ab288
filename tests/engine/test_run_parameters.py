"""Runs that carry different parameter draws are simulated in one pass, each run with its draw's
values (``Model.draws``, ``RunParameters``): every run comes out exactly as it does when its draw's
block of runs is simulated alone with that draw's own compiled model (plain scalars)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import foedus
from foedus.engine.compile import compile_model, draw_of, with_parameters
from foedus.engine.step import run_months
from foedus.ensemble.draws import draw_models
from foedus.model import credibility, crises, membership, requests
from foedus.model.parameters import Parameters, RunParameters, registry
from tests.ledger.conftest import IN_FORCE, toy

STATE = ("standing", "since", "notice_due", "cred_a", "cred_b", "momentum", "first_exit", "counts", "ended", "draw")
RECORD = ("standing", "credibility", "outcome", "crisis")


def _simulate(model, runs: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Every run's final state and month-by-month record, rows in run order."""
    months = []
    st = run_months(model, runs, seed, lambda t, rec, s: months.append([getattr(rec, k).copy() for k in RECORD]))
    out = {k: getattr(st, k) for k in STATE}
    out.update({k: np.stack([m[j] for m in months], 1) for j, k in enumerate(RECORD)})
    return out


def _concat(parts: list[dict]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def one_pass(model, runs: int, seed: int, chunk: int) -> dict[str, np.ndarray]:
    """The engine's path: chunks of ``chunk`` runs, every run of a chunk in one pass."""
    return _concat([_simulate(model, np.arange(s, min(s + chunk, runs)), seed) for s in range(0, runs, chunk)])


def per_draw_blocks(model, runs: int, seed: int) -> dict[str, np.ndarray]:
    """The reference: each draw's block of runs simulated alone with that draw's compiled model."""
    k = len(model.draws.params)
    each = with_parameters(replace(model, draws=None), model.draws.params)
    draw = draw_of(np.arange(runs), runs, k)
    parts = []
    for d in range(k):
        part = _simulate(each[d], np.flatnonzero(draw == d), seed)
        part["draw"][:] = d
        parts.append(part)
    return _concat(parts)


def _drawn(model, k: int, runs: int, seed: int = 0):
    # prior draws: every parameter differs across the draws, the judgements included
    return draw_models(model, k, seed, True, (), runs)[1]


def assert_same(a: dict, b: dict) -> None:
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


@pytest.fixture(scope="module")
def csto_model():
    return compile_model(foedus.load_scenario("csto").data, "2021-01-01", 24)


@pytest.fixture(scope="module")
def nato_model():
    return compile_model(foedus.load_scenario("nato").data, "2021-01-01", 24)


@pytest.mark.parametrize("k", [2, 20])
def test_csto_runs_with_their_draws_in_one_pass_equal_each_draw_simulated_alone(csto_model, k):
    model = _drawn(csto_model, k, 120)
    want = per_draw_blocks(model, 120, 7)
    for chunk in (37,) if k == 2 else (120, 37):   # chunks of 37 runs; with 20 draws also one chunk of all
        assert_same(one_pass(model, 120, 7, chunk), want)


def test_nato_runs_with_their_draws_in_one_pass_equal_each_draw_simulated_alone(nato_model):
    model = _drawn(nato_model, 20, 40)
    assert_same(one_pass(model, 40, 4, 13), per_draw_blocks(model, 40, 4))


def test_a_toy_alliance_with_its_draws_in_one_pass_equals_each_draw_alone():
    model = _drawn(compile_model(toy(), IN_FORCE, 48), 3, 90, seed=2)
    assert_same(one_pass(model, 90, 1, 90), per_draw_blocks(model, 90, 1))
    assert_same(one_pass(model, 90, 1, 25), per_draw_blocks(model, 90, 1))


def test_one_draw_is_the_model_itself_with_its_scalars(csto_model):
    _, model = draw_models(csto_model, 1, 0, True, (), 50)
    assert model is csto_model and model.draws is None
    p = model.params
    assert p.rows(np.arange(3), 1) is p and p.runs_last() is p


# -- the mechanisms' functions: per-row values give each row what its own scalars give ------------
_NAMES = ("cred_half_life", "momentum_half_life", "crisis_rate_scale", "crisis_scale_unrest", "request_base_unrest",
          "severity_a", "severity_b")


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(*(st.floats(0.3, 1.0) for _ in _NAMES)), min_size=1, max_size=4),
       st.lists(st.integers(0, 3), min_size=1, max_size=30), st.floats(0.01, 0.99))
def test_per_row_parameters_give_each_row_its_draws_scalar_result(shares, rows, u):
    reg = registry()
    draws = [Parameters({n: reg[n].lower + s * (reg[n].upper - reg[n].lower) for n, s in zip(_NAMES, v)})
             for v in shares]
    run_draw = np.array(rows) % len(draws)
    per_row = RunParameters(draws, run_draw)
    types = np.arange(len(rows)) % 4   # a request's type per row; the crisis sources' types (rows, 4)
    got = dict(decay=credibility.decay_factor(per_row), momentum=membership.momentum_decay(per_row),
               arrival=crises.p_arrival(per_row.rows(None, 1), 0.05, 1.2, np.arange(4)),
               severity=crises.severity(per_row, np.full(len(rows), u)), request=requests.p_request(per_row, types, 0.6, 0.4))
    # scalars where the draws agree: every row the same value
    got = {k: np.broadcast_to(v, (len(rows), 4) if k == "arrival" else (len(rows),)) for k, v in got.items()}
    for i, d in enumerate(run_draw):
        p = draws[d]
        want = dict(decay=credibility.decay_factor(p), momentum=membership.momentum_decay(p),
                    arrival=crises.p_arrival(p, 0.05, 1.2, np.arange(4)), severity=crises.severity(p, np.array([u]))[0],
                    request=requests.p_request(p, types[i], 0.6, 0.4))
        for k in want:
            np.testing.assert_array_equal(np.broadcast_to(got[k][i], np.shape(want[k])), want[k], err_msg=k)
