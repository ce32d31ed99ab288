"""Seeds and chunks: the same seed gives identical tables whatever the chunk size or executor;
a variant with the same seed sees the same exogenous draws (common random numbers)."""

import numpy as np
import pandas as pd
import pytest

import foedus
from foedus.engine import compile_model
from foedus.engine.streams import run_states, stream_key, uniforms
from foedus.ensemble import ProcessExecutor, SerialExecutor, run_ensemble


def test_uniforms_are_uniform_and_depend_only_on_run_month_slot():
    key = stream_key(7, "crises")
    slots = np.arange(20, dtype=np.uint64)
    u = uniforms(run_states(key, 24000, np.arange(5000)), slots)
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    assert 0 <= u.min() and u.max() < 1
    sub = uniforms(run_states(key, 24000, np.array([17, 4999])), slots)
    assert np.array_equal(sub, u[[17, 4999]])
    other = uniforms(run_states(stream_key(7, "decision"), 24000, np.arange(5000)), slots)
    assert abs(np.corrcoef(u.ravel(), other.ravel())[0, 1]) < 0.01
    assert not np.array_equal(u, uniforms(run_states(stream_key(8, "crises"), 24000, np.arange(5000)), slots))


@pytest.fixture(scope="module")
def tables():
    sc = foedus.load_scenario("csto")
    out = {}
    for label, kw in (("serial-one-chunk", dict(chunk_size=600)), ("chunk-100", dict(chunk_size=100)),
                      ("chunk-250", dict(chunk_size=250)),
                      ("processes-2", dict(chunk_size=250, executor="processes", workers=2))):
        res = foedus.simulate(sc, start="2021-01-01", months=30, runs=600, seed=11, **kw)
        out[label] = res
    return out


@pytest.mark.parametrize("label", ["chunk-100", "chunk-250", "processes-2"])
def test_same_seed_same_tables_whatever_the_chunks_and_executor(tables, label):
    ref, res = tables["serial-one-chunk"], tables[label]
    pd.testing.assert_frame_equal(ref.monthly, res.monthly, check_exact=True)
    pd.testing.assert_frame_equal(ref.final, res.final, check_exact=True)
    pd.testing.assert_frame_equal(ref.runs, res.runs, check_exact=True)
    pd.testing.assert_frame_equal(ref.summary(), res.summary(), check_exact=True)


def test_results_are_not_trivially_equal(tables):
    res = tables["chunk-100"]
    assert res.runs["requests"].sum() > 0 and res.final["standing"].nunique() > 2


def test_executors_share_one_interface():
    for ex in (SerialExecutor(), ProcessExecutor(2)):
        with ex:
            assert sorted(ex.map(abs, [-3, 1, -2])) == [1, 2, 3]


def test_a_variant_sees_the_same_exogenous_draws():
    sc = foedus.load_scenario("csto")
    base = compile_model(sc.data, "2024-03-01", 36)
    variant = compile_model(sc.data, "2024-03-01", 36, base.params.replace(decision_cost=4.0, hazard_freeze=-4.0))
    a = run_ensemble(base, 400, 5, chunk_size=400)
    b = run_ensemble(variant, 400, 5, chunk_size=150)
    assert np.array_equal(a.arrays["crisis_counts"], b.arrays["crisis_counts"])      # the same crises
    assert not np.array_equal(a.arrays["outcome_counts"], b.arrays["outcome_counts"])  # the lever acts
    assert not np.array_equal(a.arrays["standing_counts"], b.arrays["standing_counts"])
