"""The scoring of a real count against simulated counts: known answers and properties."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.retrodiction import scores


def test_a_count_below_every_run_has_pit_zero_and_above_every_run_one():
    draws = np.array([3, 4, 5, 6])
    assert scores.pit(draws, 1, 0.7) == 0.0
    assert scores.pit(draws, 9, 0.7) == 1.0


def test_a_count_every_run_matches_gets_the_tie_breaker_itself():
    assert scores.pit(np.zeros(50, int), 0, 0.3) == 0.3


def test_ties_are_randomised_between_the_share_below_and_the_share_at_or_below():
    draws = np.array([0, 1, 1, 2])          # P(X < 1) = 0.25, P(X = 1) = 0.5
    assert scores.pit(draws, 1, 0.0) == 0.25
    assert scores.pit(draws, 1, 0.5) == 0.5
    assert scores.pit(draws, 1, 1.0) == 0.75


def test_the_90_percent_interval_of_0_to_99_is_4_to_94():
    assert scores.interval(np.arange(100)) == (4.0, 94.0)


def test_the_interval_holds_values_the_runs_take():
    lo, hi = scores.interval(np.array([0] * 90 + [7] * 10))
    assert (lo, hi) == (0.0, 7.0)


def test_coverage_counts_the_ends_of_the_interval_as_inside():
    assert scores.coverage([0, 5, 10], [0, 0, 0], [5, 5, 5]) == 2 / 3


def test_the_pit_histogram_has_ten_bins_and_puts_one_in_the_last():
    h = scores.pit_histogram([0.0, 0.05, 0.5, 0.99, 1.0])
    assert len(h) == 10 and sum(h) == 5 and h[0] == 2 and h[9] == 2


def test_the_tie_breaker_depends_on_the_seed_and_the_cell_alone():
    a = scores.tie_breaker(3, "csto", "2004-07-01", "requests")
    assert a == scores.tie_breaker(3, "csto", "2004-07-01", "requests")
    assert a != scores.tie_breaker(4, "csto", "2004-07-01", "requests")
    assert 0.0 <= a < 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=200), st.integers(-2, 25), st.floats(0, 1))
def test_pit_is_a_probability_and_rises_with_the_real_count(draws, real, u):
    x = np.array(draws)
    p = scores.pit(x, real, u)
    assert 0.0 <= p <= 1.0
    assert scores.pit(x, real + 1, 0.0) >= scores.pit(x, real, 1.0) - 1e-12


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=200))
def test_the_interval_lies_within_the_runs_and_holds_at_least_90_percent_of_them(draws):
    x = np.array(draws)
    lo, hi = scores.interval(x)
    assert x.min() <= lo <= hi <= x.max()
    assert np.mean((x >= lo) & (x <= hi)) >= 0.9 - 1e-12


def test_counts_drawn_from_the_model_itself_give_a_flat_pit_histogram():
    # the property that makes the PIT a check: a real count from the predictive distribution has a
    # uniform PIT (ties randomised); 2,000 counts in 10 bins of 200 each, 5 standard deviations
    rng = np.random.default_rng(11)
    draws = rng.poisson(2.0, 4000)
    pits = [scores.pit(draws, y, u) for y, u in zip(rng.poisson(2.0, 2000), rng.random(2000))]
    h = np.array(scores.pit_histogram(pits))
    assert np.all(np.abs(h - 200) < 5 * np.sqrt(200 * 0.9))
