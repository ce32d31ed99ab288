"""ATOP alliances left out of the pooled fit: each is forecast by a fit that never saw it, its exits
scored out of sample against the baselines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import foedus
from foedus.calibration import exit_logit, leave_out
from foedus.calibration.catalogue import decisions
from foedus.calibration.observations import build

# a few alliances of the fitted half: SEATO-era pacts with and without a member leaving
SOME = (3395, 3490, 3610, 4400)


@pytest.fixture(scope="module")
def folds():
    return leave_out.leave_out([foedus.load_scenario("csto")], folds=2, runs=20, seed=0, atopids=SOME)


@given(st.integers(1, 10_000), st.integers(2, 21))
def test_every_alliance_falls_in_one_group_by_its_number_alone(atopid, k):
    assert 0 <= leave_out.fold_of(atopid, k) < k
    assert leave_out.fold_of(atopid, k) == leave_out.fold_of(atopid, k)


def test_each_alliance_is_left_out_once_and_scored_only_where_it_is_left_out(folds):
    held = [a for f in folds for a in f.alliances]
    assert sorted(held) == sorted(SOME)
    for f in folds:
        assert f.decisions and {d.alliance for d in f.decisions} <= {f"atop-{a}" for a in f.alliances}
        assert {c.atopid for c in f.cells} <= set(f.alliances)
        assert set(f.fitted) == set(leave_out.LEAVING)


def test_the_fit_that_forecasts_a_group_is_the_fit_on_the_other_groups_alone(folds):
    ledger = build([foedus.load_scenario("csto")])
    from foedus.model.parameters import CALIBRATED
    from foedus.model.posterior import fitted_values

    base = {n: v for n, v in fitted_values(CALIBRATED).items() if n not in leave_out.LEAVING}
    f = folds[0]
    others = tuple(a for a in SOME if a not in f.alliances)
    train = decisions(atopids=others, recorded=frozenset({4220})).observations.records
    assert f.fitted == pytest.approx(leave_out.fold_fit(ledger, train, base))


def test_an_exit_is_scored_by_every_forecaster_and_nobody_moves_cannot_forecast_it(folds):
    ds = [d for f in folds for d in f.decisions]
    left = [d for d in ds if d.happened == "notice"]
    assert left, "a member of these alliances left"
    for d in left:
        assert 0.0 < d.model[1] < 1.0 and 0.0 < d.base[1] < 1.0 and 0.0 < d.logit[1] < 1.0 and d.still[1] == 0.0
    cells = [c for f in folds for c in f.cells]
    assert any(c.real > 0 for c in cells)
    assert all((c.log["nobody_moves"] == 0.0) == (c.real == 0) for c in cells)
    assert all(np.isfinite(c.log[k]) for c in cells for k in ("model", "base_rate", "exit_logit"))


def test_the_exit_logit_of_a_group_is_fitted_without_its_alliances():
    every = exit_logit.member_years(2017)[1]
    without = exit_logit.member_years(2017, frozenset(SOME))[1]
    assert 0 < len(without) < len(every)


def test_the_rolling_table_is_the_same_whatever_the_number_of_processes():
    from foedus.calibration.rolling import rolling

    csto = [foedus.load_scenario("csto")]
    one = rolling(csto, [dt.date(2024, 1, 1)], runs=10, seed=1, folds=0)
    two = rolling(csto, [dt.date(2024, 1, 1)], runs=10, seed=1, folds=0, workers=2)
    assert one.rows == two.rows and one.cells == two.cells
    # the multi-year runs carried parameter draws from the split's fit (10: the default, at most --runs)
    assert one.param_draws == 10 and one.drawn == two.drawn and one.drawn["2024-01-01"]["param_draws"] == 10


def test_each_left_out_alliance_has_its_own_row_and_the_rows_add_up_to_the_group(folds):
    from foedus.calibration.backtest import scores

    for f in folds:
        rows = leave_out.by_alliance(f)
        assert [r["atopid"] for r in rows] == list(f.alliances)
        assert sum(r["decisions"] for r in rows) == len(f.decisions)
        assert sum(r["left"] for r in rows) == sum(d.y for d in f.decisions)
        assert sum(r["real"] for r in rows) == sum(c.real for c in f.cells)
        assert sum(r["one_step_model"] for r in rows) == pytest.approx(scores(f.decisions)["model_log"])
        assert sum(r["decade_base_rate"] for r in rows) == pytest.approx(sum(c.log["base_rate"] for c in f.cells))
