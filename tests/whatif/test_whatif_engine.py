"""What-if comparisons on real ``foedus.simulate`` output: levers act from their date, pairing
makes a do-nothing variant differ by exactly zero in every run."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from foedus.compare.folder import open_results
from foedus.compare.paired import per_run_differences
from foedus.report import build_report

FIGURES = ["standing", "active_members", "survival", "credibility", "requests", "network", "variants"]


def _arm(comp, name):
    return next(a for a in comp.arms if a.variant == name)


@pytest.mark.parametrize("name", ["same", "late"])
def test_a_variant_that_changes_nothing_differs_by_zero_in_every_run(simulated, name):
    base, arm = simulated.arms[0], _arm(simulated, name)
    d = per_run_differences(base, arm)
    assert len(d) == 300 * (3 * len(base.members) + 3)
    assert (d["difference"] == 0).all()
    t = simulated.table[simulated.table["variant"] == name]
    assert (t[["difference", "ci_low", "ci_high"]] == 0).all().all()
    pd.testing.assert_frame_equal(base.monthly, arm.monthly)


@pytest.mark.parametrize("name, first", [("war-ends-2026", "2026-06-01"), ("aze-attacks-2026", "2026-09-01"),
                                         ("info-ops", "2025-01-01"), ("capacity-recovers", "2026-01-01"),
                                         ("kaz-unrest-2027", "2027-01-01"), ("eu-offer-armenia", "2026-01-01")])
def test_a_lever_changes_the_forecast_from_its_date_and_not_before(simulated, name, first):
    b = simulated.arms[0].monthly
    v = _arm(simulated, name).monthly
    cols = [c for c in b.columns if c not in ("month", "state")]
    changed = (b[cols] - v[cols]).abs().sum(axis=1) > 0
    assert changed.any()
    # never before the lever's month; and from it (a mechanism may take a few months to show)
    assert pd.Timestamp(first) <= b.loc[changed, "month"].min() <= pd.Timestamp(first) + pd.DateOffset(months=3)


def test_the_war_ending_keeps_armenia_in_more_often(simulated):
    """The direction the premise expects: with Russia's forces free again, fewer Armenian exits."""
    t = simulated.table.set_index(["variant", "metric", "state"])
    row = t.loc[("war-ends-2026", "p_exit", "ARM")]
    assert row["ci_high"] < 0


def test_the_arms_record_their_variant_and_levers(simulated):
    arm = _arm(simulated, "war-ends-2026")
    assert arm.manifest["variant"] == "war-ends-2026"
    assert arm.manifest["levers"] == ["war-ends:2026-06:state=RUS,value=0.2"]
    assert arm.manifest["seed"] == simulated.arms[0].manifest["seed"] == 11
    comp = json.loads((simulated.path / "comparison.json").read_text())
    assert [a["name"] for a in comp["arms"]] == ["baseline", "war-ends-2026", "aze-attacks-2026", "info-ops", "same",
                                                 "late", "capacity-recovers", "kaz-unrest-2027", "eu-offer-armenia"]


def test_uzbekistan_suspended_since_2012_is_not_counted_a_member(simulated):
    assert simulated.arms[0].members == ["RUS", "BLR", "ARM", "KAZ", "KGZ", "TJK"]


def test_the_report_of_a_real_comparison_has_every_figure(simulated_report):
    rep = simulated_report
    assert list(rep.figures) == FIGURES
    text = rep.html.read_text()
    for v in ("war-ends-2026", "aze-attacks-2026", "info-ops"):
        assert v in text
    assert "cred_half_life" in text  # the engine's parameters, with their declared units and sources


def test_a_real_single_run_report(simulated, tmp_path):
    rep = build_report(simulated.arms[0].path, tmp_path / "single.html")
    assert list(rep.figures) == FIGURES[:-1]
    assert open_results(simulated.arms[0].path).runs_count == 300
