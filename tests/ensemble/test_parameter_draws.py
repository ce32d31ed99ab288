"""Forecasts that carry the calibration's uncertainty: runs split across parameter vectors drawn
from the posterior, the same whatever the chunking or the workers, with intervals across draws."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import foedus
from foedus.ensemble.draws import draw_of, interval_across_draws
from foedus.model import posterior
from foedus.model.parameters import Parameters, registry

RUN = dict(start="2024-03-01", months=24, runs=240, seed=5)


@pytest.fixture(scope="module")
def csto():
    return foedus.load_scenario("csto")


@pytest.fixture(scope="module")
def drawn(csto):
    return foedus.simulate(csto, **RUN, param_draws=12, chunk_size=240)


def test_the_calibration_ships_its_posterior_covariance():
    post = posterior.read()
    assert post is not None and len(post.names) >= 2
    assert post.covariance.shape == (len(post.names), len(post.names))
    assert np.allclose(post.covariance, post.covariance.T)
    assert np.all(np.linalg.eigvalsh(post.covariance) > 0)
    reg = registry()
    assert all(reg[n].fitted is not None for n in post.names)   # read from the file, each a fitted parameter


def test_draws_depend_only_on_the_seed_and_the_draw_index():
    base = Parameters()
    a = posterior.draws(8, 3, base)
    b = posterior.draws(5, 3, base)        # fewer draws: the first five are the same vectors
    assert a.values[:5] == b.values
    assert posterior.draws(8, 4, base).values != a.values


def test_draws_respect_the_bounds_and_scatter_around_the_fit():
    post = posterior.read()
    d = posterior.draws(400, 0, Parameters(), post=post)
    reg = registry()
    x = np.array([[v[n] for n in post.names] for v in d.values])
    assert all(reg[n].lower <= x[:, j].min() and x[:, j].max() <= reg[n].upper for j, n in enumerate(post.names))
    se = np.sqrt(np.diag(post.covariance))
    lo, hi = np.array([reg[n].lower for n in post.names]), np.array([reg[n].upper for n in post.names])
    far = (post.mode - 3 * se > lo) & (post.mode + 3 * se < hi)   # a bound within 3 s.e. shifts the truncated mean
    assert far.sum() >= 5
    assert np.all(np.abs(x.mean(0) - post.mode)[far] < 4 * se[far] / np.sqrt(400))
    assert np.all(x.std(0)[far] > 0.8 * se[far])
    # truncation pushes away from a near bound; where the bound is within 1.5 s.e. the push beats the
    # noise of 400 correlated draws (rejecting a vector for another parameter's bound moves the rest)
    near_low = (post.mode - lo < 1.5 * se) & (post.mode - lo < hi - post.mode)
    assert near_low.any()
    assert np.all(x.mean(0)[near_low] >= post.mode[near_low])


def test_judgements_stay_at_their_values_unless_prior_draws_asks():
    post = posterior.read()
    plain = posterior.draws(4, 0, Parameters())
    assert set(plain.values[0]) == set(post.names) and not plain.judged
    judged = posterior.draws(4, 0, Parameters(), prior_draws=True)
    assert set(judged.judged) == set(registry()) - set(post.names)
    assert "judgement priors" in judged.describe() and "judgements at their values" in plain.describe()


def test_a_parameter_the_caller_fixes_is_never_drawn():
    name = posterior.read().names[0]
    d = posterior.draws(6, 0, Parameters(), fixed={name})
    assert all(name not in v for v in d.values)


@settings(max_examples=60, deadline=None)
@given(runs=st.integers(1, 500), k=st.integers(1, 40), size=st.integers(1, 120))
def test_every_run_has_one_draw_whatever_the_chunks(runs, k, size):
    k = min(k, runs)
    whole = draw_of(np.arange(runs), runs, k)
    cut = np.concatenate([draw_of(np.arange(s, min(s + size, runs)), runs, k) for s in range(0, runs, size)])
    assert np.array_equal(cut, whole)
    assert np.all(np.diff(whole) >= 0) and set(whole) == set(range(k))   # contiguous blocks, every draw used
    counts = np.bincount(draw_of(np.arange(runs), runs, k), minlength=k)
    assert counts.max() - counts.min() <= 1   # the runs are split evenly


@settings(max_examples=60, deadline=None)
@given(runs=st.integers(1, 300), k=st.integers(1, 30), seed=st.integers(0, 2**32 - 1))
def test_the_interval_across_draws_spans_the_draws_means_whatever_the_order_of_the_runs(runs, k, seed):
    """The web view's expected members at the horizon and the paired comparison's difference share
    this interval: the 5-95% quantiles of the figure's mean within each draw; one draw, one point."""
    k = min(k, runs)
    rng = np.random.default_rng(seed)
    values, run = rng.normal(size=runs), np.arange(runs)
    means = np.array([values[draw_of(run, runs, k) == d].mean() for d in range(k)])
    order = rng.permutation(runs)
    lo, hi = interval_across_draws(values[order], run[order], runs, k)
    assert (lo, hi) == pytest.approx(tuple(np.quantile(means, (0.05, 0.95))), abs=1e-12)
    assert means.min() - 1e-12 <= lo <= hi <= means.max() + 1e-12
    if k == 1:
        assert lo == hi == pytest.approx(values.mean())


@pytest.mark.parametrize("how", [dict(chunk_size=37), dict(chunk_size=100, executor="processes", workers=2)])
def test_drawn_forecast_is_the_same_whatever_the_chunking_and_workers(csto, drawn, how):
    other = foedus.simulate(csto, **RUN, param_draws=12, **how)
    pd.testing.assert_frame_equal(drawn.final, other.final)
    pd.testing.assert_frame_equal(drawn.monthly, other.monthly)
    pd.testing.assert_frame_equal(drawn.summary(), other.summary())


def test_intervals_across_draws_widen_with_draws(csto, drawn):
    mode = foedus.simulate(csto, **RUN).summary().set_index("state")
    with_draws = drawn.summary().set_index("state")
    width = lambda s, c: s[f"{c}_draws_q95"] - s[f"{c}_draws_q05"]  # noqa: E731
    assert (width(mode, "p_exit") == 0).all()                       # one parameter vector: no spread across draws
    assert (width(with_draws, "p_exit") > 0).any()
    assert width(with_draws, "p_exit").sum() > width(mode, "p_exit").sum()
    assert drawn.manifest["param_draws"] == 12 and "12 draws from the posterior" in drawn.manifest["draws"]
    for c in ("p_left", "p_exit", "p_frozen"):   # every probability has both intervals, around it
        s = with_draws
        assert ((s[f"{c}_runs_q05"] <= s[c] + 1e-12) & (s[c] <= s[f"{c}_runs_q95"] + 1e-12)).all()


def test_a_retrodiction_carries_the_draws():
    from foedus.retrodiction import retrodict

    a = retrodict("csto", "2020-01-01", "2021-12", runs=60, seed=1, param_draws=6, chunk_size=60)
    b = retrodict("csto", "2020-01-01", "2021-12", runs=60, seed=1, param_draws=6, chunk_size=7)
    pd.testing.assert_frame_equal(a.draws, b.draws)


@pytest.mark.parametrize("args, words", [
    (["--param-draws", "-3"], "--param-draws"),
    (["--param-draws", "50", "--runs", "20"], "at most the number of runs"),
    (["--param-draws", "many"], "--param-draws"),
])
@pytest.mark.parametrize("command", ["simulate", "retrodict", "compare"])
def test_bad_param_draws_is_one_line_and_exit_2(cli, tmp_path, command, args, words):
    extra = {"simulate": ["csto", "--months", "3", "-o", str(tmp_path / "r")],
             "retrodict": ["csto", "--from", "2020-01-01", "--to", "2020-06"],
             "compare": ["csto", "--variant", "war-ends-2026", "--months", "3", "-o", str(tmp_path / "c")]}[command]
    code, out, err = cli(command, *extra, *args)
    assert code == 2, out + err
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in err
    assert not (tmp_path / "r").exists() and not (tmp_path / "c").exists()   # nothing written


def test_a_comparison_pairs_each_run_with_the_same_draw_and_gives_the_spread_across_draws(tmp_path):
    comp = foedus.compare("csto", ["war-ends-2026"], out=tmp_path / "c", start="2024-03-01", months=60, runs=80,
                          seed=4, param_draws=8)
    assert all(a.manifest["param_draws"] == 8 for a in comp.arms)
    t = comp.table
    assert {"difference_draws_q05", "difference_draws_q95"} <= set(t.columns)
    assert (t["difference_draws_q05"] <= t["difference_draws_q95"]).all()
    assert ((t["difference_draws_q95"] - t["difference_draws_q05"]) > 0).any()
