"""The backtest of the README: fit before 2020, score the CSTO's decisions of 2020-2025."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from foedus.calibration.backtest import backtest, base_rates, brier


@pytest.fixture(scope="module")
def bt(real_obs):
    return backtest(real_obs, dt.date(2020, 1, 1))


def test_every_later_csto_decision_is_scored(bt):
    csto = [d for d in bt.decisions if d.alliance == "csto"]
    what = [d.what for d in csto]
    assert "2024-02 ARM active: freeze" in what
    assert "2022-09-13 ARM request (armed_attack by AZE): refused" in what
    assert "2022-01-05 KAZ request (unrest): deployed" in what
    assert "2021-05-13 ARM consultation (threat by AZE): refused" in what
    assert sum(1 for d in csto if d.kind == "member:frozen") == 22       # Armenia frozen, Mar 2024 - Dec 2025
    assert {d.actor for d in csto if d.kind == "member:active"} == {"ARM", "BLR", "KAZ", "KGZ", "TJK"}
    assert all(d.what[:4] >= "2020" for d in bt.decisions)


def test_the_model_beats_both_baselines_on_the_csto_members_decisions_2020_2025(bt):
    # (on all the CSTO's decisions together it no longer does: README, "Out of sample")
    assert bt.beats("csto membership") == {"base_rate": True, "nobody_moves": True}
    freeze = next(d for d in bt.decisions if d.what == "2024-02 ARM active: freeze")
    assert freeze.model[1] > 10 * freeze.base[1]
    assert freeze.still[1] == 0.0


def test_scores_and_base_rates_are_what_they_say(real_obs, bt):
    rates = base_rates(real_obs, dt.date(2020, 1, 1))
    # three of the eight members at the 1999 window did not renew: (3 + 0.5) / (8 + 1)
    assert rates["renewal"][1] == pytest.approx(3.5 / 9)
    assert rates["outcome:consultation"][0] == 0.0
    assert brier([0.25, 0.75], 1) == pytest.approx(0.125)
    row = next(r for r in bt.summary() if r["group"] == "csto membership")
    assert row["nobody_moves_log"] == float("-inf") and row["decisions"] > 300
    json.dumps(bt.summary())  # plain numbers, for --json and summary.json
