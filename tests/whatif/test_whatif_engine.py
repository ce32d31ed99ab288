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
    assert len(d) == 1000 * (3 * len(base.members) + 3)
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
    # never before the lever's month (how soon after it shows depends on the mechanisms)
    assert b.loc[changed, "month"].min() >= pd.Timestamp(first)


@pytest.mark.parametrize("name", ["war-ends-2026", "capacity-recovers", "info-ops", "aze-attacks-2026",
                                  "kaz-unrest-2027", "eu-offer-armenia"])
def test_the_engine_reads_each_lever_from_its_month_exactly(name):
    """The monthly series the engine compiles from the timeline differ from the baseline's in the
    lever's field and states, from the lever's month on, and nowhere else."""
    import numpy as np

    import foedus
    from foedus.chronology import month_index
    from foedus.model.timeline import series
    from foedus.variants import load_variant

    data = foedus.load_scenario("csto").data
    v = load_variant(name)
    lever = v.levers[0]
    codes = [s.iso3 for s in data.states]
    m0, months = month_index(pd.Timestamp("2024-03-01").date()), 60
    a, b = series(data.timeline, codes, m0, months), series(v.apply(data).timeline, codes, m0, months)
    t0 = month_index(lever.date) - m0
    fields = {"committed_share": "committed", "capability_factor": "capability", "outside_option": "outside",
              "threat": "threat", "salience": "salience", "crisis": "crisis_type"}
    for f in ("committed", "capability", "outside", "threat", "salience", "crisis_type", "crisis_severity"):
        diff = getattr(a, f) != getattr(b, f)
        if f == fields[lever.field] or (lever.field == "crisis" and f == "crisis_severity"):
            rows, cols = np.nonzero(diff)
            assert rows.min() == t0
            assert {codes[c] for c in cols} == set(lever.target_states(data))
            if lever.field != "crisis":
                assert diff[t0:, cols].all()  # a level holds to the horizon
            else:
                assert set(rows) == {t0}       # a crisis is one month
        else:
            assert not diff.any(), f"{name} changed {f}"


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
    # how to get the same numbers again: the built-in variants in one command, the lever-made one in
    # its own (the variant without a lever is the baseline again), all with the same seed and settings
    settings = "--start 2024-03-01 --months 36 --runs 1000 --seed 11 --param-draws 1 -o comparison"
    assert (f"<pre>foedus compare csto --variant war-ends-2026 --variant aze-attacks-2026 --variant info-ops "
            f"--variant capacity-recovers --variant kaz-unrest-2027 --variant eu-offer-armenia {settings}\n"
            f"foedus compare csto --lever war-ends:2030-01:value=0.2 --name late {settings}-late</pre>") in text


def test_a_real_single_run_report(simulated, tmp_path):
    rep = build_report(simulated.arms[0].path, tmp_path / "single.html")
    assert list(rep.figures) == FIGURES[:-1]
    assert open_results(simulated.arms[0].path).runs_count == 1000


def test_publicising_every_refusal_lowers_the_members_credibility(tmp_path):
    """``info-ops`` (every refusal to a member made known from 2025): with common random numbers,
    the members' mean credibility at the horizon is lower than the baseline's, as the seed articles
    argue -- what is made known are the refusals, not the help (docs/model.md §5)."""
    import foedus

    comp = foedus.compare(foedus.load_scenario("csto"), ["info-ops"], months=24, runs=200, seed=7, out=tmp_path / "c")
    row = comp.table[comp.table["metric"] == "credibility_mean"].iloc[0]
    assert row["ci_high"] < 0, row.to_dict()
