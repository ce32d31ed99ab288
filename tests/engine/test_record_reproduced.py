"""The record, reproduced, not scripted (issue item 5).

Simulated from 2021-01-01 with the real timeline — Russia's capacity committed to the war from
February 2022, Azerbaijan's attack of September 2022 and the Kazakh unrest of January 2022 as
dated crises — the model decides requests, outcomes and memberships itself. These are statistical
properties of seeded runs, each with its tolerance stated; the model's values at the time of
writing are in the comments."""

import datetime as dt

import numpy as np
import pytest

import foedus
from foedus.chronology import month_index
from foedus.engine import compile_model, run_months
from foedus.engine.step import member_features
from foedus.model import decision, membership
from foedus.treaty.membership import Standing

RUNS = 2000
SEED = 2021


@pytest.fixture(scope="module")
def record_runs():
    sc = foedus.load_scenario("csto")
    m = compile_model(sc.data, "2021-01-01", 60)
    arm, kaz = m.codes.index("ARM"), m.codes.index("KAZ")
    t_kaz = month_index(dt.date(2022, 1, 1)) - m.start_month
    t_arm = month_index(dt.date(2022, 9, 1)) - m.start_month
    out = {"cred": [], "p_freeze": [], "standing": []}

    def observe(t, rec, st):
        if t == t_kaz:
            out["kaz_outcome"] = rec.outcome[:, kaz].copy()
        if t == t_arm:
            out["arm_outcome"] = rec.outcome[:, arm].copy()
        out["cred"].append(rec.credibility[:, arm].copy())
        out["p_freeze"].append(membership.hazards(m.params, member_features(m, st, t, m.focus)).p_freeze[:, arm])
        out["standing"].append(rec.standing[:, arm].copy())

    run_months(m, np.arange(RUNS), SEED, observe)
    out.update(t_arm=t_arm, cred=np.array(out["cred"]), p_freeze=np.array(out["p_freeze"]),
               standing=np.array(out["standing"]))
    return out


def test_armenia_asks_and_is_refused_or_given_a_monitoring_mission_in_most_runs(record_runs):
    o = record_runs["arm_outcome"]
    asked = o >= 0
    assert asked.mean() > 0.6                                        # model: 0.84
    not_deployed = (o[asked] == decision.LIMITED) | (o[asked] == decision.REFUSED)
    assert not_deployed.mean() > 0.8                                 # model: 0.96
    assert (o[asked] == decision.LIMITED).mean() > 0.5               # a monitoring mission, mostly: 0.88


def test_a_kazakh_request_against_unrest_is_honoured_in_most_runs(record_runs):
    o = record_runs["kaz_outcome"]
    asked = o >= 0
    assert asked.mean() > 0.5                                        # model: 0.76
    assert (o[asked] == decision.DEPLOYED).mean() > 0.6              # model: 0.81


def test_armenias_credibility_falls_after_a_refusal_and_its_hazard_of_freezing_rises(record_runs):
    t = record_runs["t_arm"]
    o = record_runs["arm_outcome"]
    let_down = (o == decision.LIMITED) | (o == decision.REFUSED)
    active = record_runs["standing"][t] == Standing.active
    sel = let_down & active
    assert sel.sum() > 500
    cred, haz = record_runs["cred"], record_runs["p_freeze"]
    assert (cred[t, sel] < cred[t - 1, sel]).mean() > 0.99           # every let-down lowers the belief
    assert haz[t, sel].mean() > 1.3 * haz[t - 1, sel].mean()         # model: 1.8x
    # ... and more than in the runs where Armenia did not ask (no news is not bad news)
    quiet = (o < 0) & active
    assert haz[t, sel].mean() > 1.2 * haz[t, quiet].mean()           # model: 1.5x
    # the higher hazard shows in what happens: Armenia froze (or worse) more often within 3 years
    later = record_runs["standing"][t + 36]
    gone = later != Standing.active
    assert gone[sel].mean() > gone[quiet].mean() - 0.02 and gone[sel].mean() > 0.07   # model: 0.108 vs 0.076


def test_nato_from_2024_loses_no_member_in_the_large_majority_of_runs():
    res = foedus.simulate("nato", start="2024-03-01", months=120, runs=RUNS, seed=SEED, chunk_size=1000)
    lost = (res.final["first_exit_month"] >= 0).groupby(res.final["run"]).any()
    assert (~lost).mean() > 0.85                                     # model: 0.92
    assert (res.final.query("state == 'SWE'")["standing"] != "invited").all()   # Sweden admitted (Mar 2024)


def test_the_csto_loses_members_far_more_often_than_nato():
    csto = foedus.simulate("csto", start="2024-03-01", months=120, runs=RUNS, seed=SEED, chunk_size=1000)
    members = csto.final[~csto.final["state"].isin(["ARM", "UZB", "AZE", "GEO", "UKR"])]
    lost = (members["first_exit_month"] >= 0).groupby(members["run"]).any()
    # KAZ, KGZ, TJK, BLR: a few per cent of runs; Armenia, already frozen, leaves in many
    arm = csto.final.query("state == 'ARM'")["standing"]
    assert (arm == "withdrawn").mean() > 0.2 and lost.mean() < 0.25   # model: 0.43 and 0.05
