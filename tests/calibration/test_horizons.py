"""The multi-year forecast scored: counts 1, 3 and 5 years on, their log score and CRPS, and the
exit logit on the ATOP memberships."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import foedus
from foedus.api import Scenario
from foedus.calibration import exit_logit, horizons
from foedus.calibration.backtest import backtest
from foedus.calibration.fit import PRIORS
from foedus.engine.compile import draw_of
from foedus.errors import ArgumentError
from foedus.model import posterior
from foedus.retrodiction.simulated import SIMULATED
from foedus.scenario.known import as_known
from foedus.scenario.schema import Event


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


# The forecast scored as it is made: the runs split across parameter draws from the split's own fit.

SPLIT_2020 = dt.date(2020, 1, 1)
#: A posterior wide enough in the members' hazards that the drawn runs differ from the point fit's.
WIDE = posterior.Posterior(("hazard_freeze", "hazard_notice"), np.array([-4.0, -6.0]),
                           np.array([[1.0, 0.3], [0.3, 1.0]]), "a wide posterior")
POINT = {"hazard_freeze": -4.0, "hazard_notice": -6.0}


@pytest.fixture(scope="module")
def csto_2020():
    return as_known(foedus.load_scenario("csto").data, SPLIT_2020)


@pytest.fixture(scope="module")
def point_forecast(csto_2020):
    return horizons.simulate_horizons(csto_2020, SPLIT_2020, POINT, 40, 3, (1, 3))


def test_one_parameter_draw_is_the_point_forecast_bit_for_bit(csto_2020, point_forecast):
    for k in (0, 1):
        same = horizons.simulate_horizons(csto_2020, SPLIT_2020, POINT, 40, 3, (1, 3), param_draws=k, post=WIDE)
        assert all(np.array_equal(same[y], point_forecast[y]) for y in (1, 3))


def test_drawn_runs_are_each_draws_own_forecast_and_reproducible(csto_2020, point_forecast):
    k, runs = 4, 40
    mixed = horizons.simulate_horizons(csto_2020, SPLIT_2020, POINT, runs, 3, (1, 3), param_draws=k, post=WIDE)
    again = horizons.simulate_horizons(csto_2020, SPLIT_2020, POINT, runs, 3, (1, 3), param_draws=k, post=WIDE)
    assert all(np.array_equal(mixed[y], again[y]) for y in (1, 3))          # same seed, same counts
    assert not np.array_equal(mixed[3], point_forecast[3])                  # the draws reach the runs
    drawn = posterior.draws(k, 3, POINT, post=WIDE)
    of = draw_of(np.arange(runs), runs, k)
    for d in (0, k - 1):   # the block of runs carrying draw d is the forecast made with draw d alone
        alone = horizons.simulate_horizons(csto_2020, SPLIT_2020, POINT | drawn.values[d], runs, 3, (1, 3))
        assert np.array_equal(mixed[3][of == d], alone[3][of == d])


def test_a_draw_without_a_posterior_is_refused_in_one_line(csto_2020):
    with pytest.raises(ArgumentError, match="--param-draws"):
        horizons.simulate_horizons(csto_2020, SPLIT_2020, POINT, 10, 3, (1,), param_draws=5, post=None)


def _event(date, type, *actors, **kw):
    return Event.model_validate(dict(date=date, type=type, alliance="pact", actors=actors, source="toy", **kw))


#: Few fitted parameters, so that the toy fit's Hessian takes a moment.
FEW = tuple(p for p in PRIORS if p.name in ("hazard_freeze", "hazard_return", "hazard_lapse", "decision_base_limited"))


def _split_posterior(ledger, *events, split=dt.date(2003, 1, 1)):
    from foedus.calibration.rolling import split_posterior

    data = ledger.model_copy(update={"events": tuple(sorted(ledger.events + events, key=lambda e: e.date))})
    bt = backtest([Scenario(data=data, path=Path("."), hash="toy")], split, priors=FEW, uncertainty=True)
    return bt, split_posterior(bt, 5)


def test_the_posterior_at_a_split_reads_no_record_row_after_it(ledger):
    bt, (post, drawn) = _split_posterior(ledger)
    assert post is not None and drawn["param_draws"] == 5 and "2003-01-01" in drawn["source"]
    assert dict(zip(post.names, post.mode)) == {n: bt.fit.parameters()[n] for n in post.names}
    # a consultation refused and a freeze after the split: the posterior is the same, bit for bit
    _, (after, _) = _split_posterior(ledger, _event("2005-03-10", "consultation", "BBB", crisis="threat",
                                                    outcome="refused"), _event("2005-04-01", "freeze", "BBB"))
    assert np.array_equal(after.mode, post.mode) and np.array_equal(after.covariance, post.covariance)
    # the same kind of decision before the split moves it: the test can fail
    _, (before, _) = _split_posterior(ledger, _event("2001-06-10", "consultation", "BBB", crisis="threat",
                                                     outcome="refused"))
    assert not np.array_equal(before.covariance, post.covariance)


def test_the_point_fit_needs_no_posterior(ledger):
    from foedus.calibration.rolling import split_posterior

    bt = backtest([Scenario(data=ledger, path=Path("."), hash="toy")], dt.date(2003, 1, 1), priors=FEW)
    assert bt.fit.covariance is None
    assert split_posterior(bt, 1) == (None, {"param_draws": 1, "drawn": [], "source": "the point fit"})
    post, drawn = split_posterior(bt, 5)      # no Laplace approximation to draw from: the point fit, said so
    assert post is None and drawn["param_draws"] == 1 and "no positive definite Hessian" in drawn["source"]
