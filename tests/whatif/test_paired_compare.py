"""Paired differences: common random numbers make a do-nothing variant differ by exactly zero."""

from __future__ import annotations

import json

import numpy as np
import pytest

from foedus.compare.folder import open_results
from foedus.compare.paired import paired_table, per_run_differences
from foedus.errors import ResultsError


def test_a_variant_identical_to_the_baseline_differs_by_zero_in_every_run(results_factory):
    base = open_results(results_factory("baseline", seed=3))
    same = open_results(results_factory("same", seed=3))
    d = per_run_differences(base, same)
    assert len(d) > 0
    assert (d["difference"] == 0).all()
    t = paired_table(base, same)
    assert (t[["difference", "ci_low", "ci_high"]] == 0).all().all()


def test_a_lever_on_one_member_moves_that_member_and_leaves_the_others_exactly(results_factory):
    base = open_results(results_factory("baseline", seed=5, runs=300))
    var = open_results(results_factory("armenia-leaves", seed=5, runs=300, arm_hazard=0.05))
    t = paired_table(base, var).set_index(["metric", "state"])
    assert t.loc[("p_exit", "ARM"), "ci_low"] > 0
    for s in ("RUS", "BLR", "KAZ", "KGZ", "TJK"):
        assert t.loc[("p_exit", s), "difference"] == 0
    # pairing narrows the interval on the alliance's figure
    am = t.loc[("active_members", "")]
    assert am["se"] < am["se_unpaired"]
    assert am["ci_high"] < 0


def test_the_interval_is_mean_plus_minus_1_96_standard_errors_of_the_per_run_differences(results_factory):
    base = open_results(results_factory("baseline", seed=9, runs=150))
    var = open_results(results_factory("v", seed=9, runs=150, hazard=0.02))
    d = per_run_differences(base, var)
    g = d[d["metric"] == "active_members"]["difference"].to_numpy()
    row = paired_table(base, var).query("metric == 'active_members'").iloc[0]
    se = g.std(ddof=1) / np.sqrt(len(g))
    assert row["difference"] == pytest.approx(g.mean())
    assert row["ci_low"] == pytest.approx(g.mean() - 1.959964 * se, rel=1e-6)
    assert row["n"] == 150


def test_arms_with_different_seeds_are_not_paired(results_factory):
    base = open_results(results_factory("baseline", seed=1))
    other = open_results(results_factory("other", seed=2))
    with pytest.raises(ResultsError, match="seed"):
        paired_table(base, other)


def test_an_incomplete_folder_is_refused(results_factory):
    p = results_factory("unfinished", complete=False)
    with pytest.raises(ResultsError, match="not complete"):
        open_results(p)


def test_a_folder_without_per_run_tables_cannot_be_paired(results_factory):
    base = open_results(results_factory("baseline"))
    var = open_results(results_factory("summary-only", per_run=False))
    with pytest.raises(ResultsError, match="final.parquet"):
        paired_table(base, var)


def test_a_table_missing_a_contract_column_is_named(results_factory, tmp_path):
    import pandas as pd

    p = results_factory("baseline")
    m = pd.read_parquet(p / "monthly.parquet").drop(columns=["cred_q95"])
    m.to_parquet(p / "monthly.parquet")
    with pytest.raises(ResultsError, match="cred_q95"):
        open_results(p).monthly


def test_not_a_results_folder(tmp_path):
    with pytest.raises(ResultsError, match="manifest.json"):
        open_results(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ResultsError, match="JSON"):
        open_results(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"complete": True}))
    with pytest.raises(ResultsError, match="monthly.parquet"):
        open_results(tmp_path).monthly


# --- a difference in words: only a clear difference large enough to matter is "higher" or "lower" --
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from foedus.compare.paired import MATTERS, verdict  # noqa: E402

finite = st.floats(-5, 5, allow_nan=False)


@given(metric=st.sampled_from(sorted(MATTERS)), d=finite, half=st.floats(0, 2, allow_nan=False))
def test_a_difference_is_called_higher_or_lower_only_when_clear_and_large(metric, d, half):
    word = verdict(metric, d, d - half, d + half)
    clear = d - half > 0 or d + half < 0
    if word in ("higher", "lower"):
        assert clear and abs(d) >= MATTERS[metric]
        assert (word == "higher") == (d > 0)
    if not clear:
        assert word in ("no change", "no clear change")
    if clear and abs(d) < MATTERS[metric]:
        assert word == "a small change"


def test_a_credibility_change_of_six_thousandths_is_small_not_red():
    assert verdict("credibility_mean", 0.006, 0.004, 0.008) == "a small change"
    assert verdict("p_exit", 0.05, 0.03, 0.07) == "higher"
    assert verdict("active_members", -0.4, -0.6, -0.2) == "lower"
    assert verdict("p_exit", 0.0, 0.0, 0.0) == "no change"
    assert verdict("p_exit", 0.03, -0.01, 0.07) == "no clear change"
