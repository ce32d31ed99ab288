"""The multi-year forecast scored: counts 1, 3 and 5 years on, their log score and CRPS, and the
exit logit on the ATOP memberships."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import foedus
from foedus.calibration import exit_logit, horizons
from foedus.retrodiction.simulated import SIMULATED
from foedus.scenario.known import as_known


def test_crps_of_a_certain_forecast_is_the_distance_to_the_real_count():
    assert horizons.crps(np.array([1.0]), 0) == 0.0
    assert horizons.crps(np.array([1.0]), 3) == 3.0          # "nobody moves" against three events
    assert horizons.crps(np.array([0.0, 0.0, 1.0]), 0) == 2.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 8), min_size=1, max_size=60), st.integers(0, 10))
def test_crps_of_a_sample_is_the_energy_form(draws, real):
    """CRPS = E|X - y| - E|X - X'|/2 for the runs' empirical distribution (Gneiting & Raftery 2007)."""
    x = np.array(draws)
    energy = np.abs(x - real).mean() - 0.5 * np.abs(x[:, None] - x[None, :]).mean()
    assert horizons.crps(horizons.sample_pmf(x), real) == pytest.approx(energy)


def test_a_count_no_run_reached_is_unlikely_not_impossible():
    x = np.zeros(100, dtype=int)
    assert horizons.smoothed_log(x, 0) > np.log(0.98)
    assert np.isfinite(horizons.smoothed_log(x, 1)) and horizons.smoothed_log(x, 1) < np.log(0.01)
    pmf = horizons.leaving_pmf([0.5, 0.5])
    assert list(pmf) == [0.25, 0.5, 0.25]
    assert horizons.poisson_pmf(2.0, 3)[1] == pytest.approx(stats.poisson.pmf(1, 2.0))


def test_the_forecast_from_a_split_counts_cumulatively_and_is_reproducible():
    csto = foedus.load_scenario("csto")
    data = as_known(csto.data, dt.date(2020, 1, 1))
    params = {"hazard_freeze": -4.0}
    a = horizons.simulate_horizons(data, dt.date(2020, 1, 1), params, 40, 3, (1, 3))
    b = horizons.simulate_horizons(data, dt.date(2020, 1, 1), params, 40, 3, (1, 3))
    assert np.array_equal(a[3], b[3]) and set(a) == {1, 3}
    assert (a[3] >= a[1])[:, [SIMULATED.index(c) for c in ("requests", "freezes", "exits")]].all()
    cells = horizons.score_cells(csto.data, "csto", dt.date(2020, 1, 1), dt.date(1992, 5, 15), a, None)
    real = {(c.years, c.event): c.real for c in cells}
    assert real[(3, "requests")] == 3           # Kazakhstan Jan 2022, Armenia's consultations May 2021 and request Sep 2022
    assert real[(1, "freezes")] == 0 and len(cells) == 2 * len(horizons.CLASSES)
    assert all(c.log["nobody_moves"] == (0.0 if c.real == 0 else -np.inf) for c in cells)


def test_the_exit_logit_is_fitted_on_member_years_before_the_split_only():
    early = exit_logit.fit(1950)
    X, y = exit_logit.member_years(1950)
    assert early.member_years == len(y) > 1000 and early.exits == int(y.sum()) > 5
    assert X.shape[1] == len(exit_logit.COVARIATES) and np.all(np.isfinite(early.coef))
    later = exit_logit.member_years(1980)[1]
    assert len(later) > len(y)
    csto = foedus.load_scenario("csto")
    p = exit_logit.forecaster(early, [csto], dt.date(2005, 1, 1))
    assert 0.0 < p("csto", "ARM") < 0.2 and 0.0 < p("csto", "XXX") < 0.2
