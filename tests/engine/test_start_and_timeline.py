"""A simulation starts in the state the replay gives for its date and follows the timeline after it."""

import datetime as dt

import numpy as np

import foedus
from foedus.engine import compile_model, run_months
from foedus.scenario.schema import TimelineChange
from foedus.treaty.membership import Standing


def _standing(model, code):
    return Standing(int(model.standing0[model.focus, model.codes.index(code)]))


def test_start_state_is_the_replay():
    sc = foedus.load_scenario("csto")
    m = compile_model(sc.data, "2024-03-01", 12)
    assert _standing(m, "ARM") == Standing.frozen
    assert _standing(m, "UZB") == Standing.suspended
    assert _standing(m, "AZE") == Standing.withdrawn
    m21 = compile_model(sc.data, "2021-01-01", 12)
    assert _standing(m21, "ARM") == Standing.active


def test_timeline_is_in_force_from_its_date():
    sc = foedus.load_scenario("csto")
    m = compile_model(sc.data, "2021-01-01", 36)
    rus = m.codes.index("RUS")
    committed = m.tl.committed[:, rus]
    assert committed[12] == 0 and committed[13] == 0.7 and committed[-1] == 0.7   # Feb 2022 is month 13
    m24 = compile_model(sc.data, "2024-03-01", 12)
    assert (m24.tl.committed[:, rus] == 0.7).all()   # changes before the start are in force


def test_an_edited_timeline_is_honoured():
    sc = foedus.load_scenario("csto")
    peace = TimelineChange(date=dt.date(2026, 1, 1), state="RUS", field="committed_share", value=0.1,
                           note="the war in Ukraine ends", source="lever", known=dt.date(2026, 1, 1))
    data = sc.data.model_copy(update={"timeline": sc.data.timeline + (peace,)})
    m = compile_model(data, "2024-03-01", 36)
    rus = m.codes.index("RUS")
    assert m.tl.committed[21, rus] == 0.7 and m.tl.committed[22, rus] == 0.1
    res = foedus.simulate(data, start="2024-03-01", months=6, runs=20, seed=1)
    assert res.manifest["scenario"] == "csto" and len(res.monthly) == 6 * len(m.codes)


def test_a_notice_takes_effect_after_the_treaty_notice_period():
    sc = foedus.load_scenario("csto")
    m = compile_model(sc.data, "2024-03-01", 12, foedus.model.Parameters().replace(hazard_notice=5.0, hazard_notice_frozen=10.0, hazard_return=-20.0, hazard_revoke=-20.0))
    arm = m.codes.index("ARM")
    trace = []
    run_months(m, np.arange(50), 3, lambda t, rec, st: trace.append(rec.standing[:, arm].copy()))
    trace = np.array(trace)                      # (months, runs)
    noticed = np.argmax(trace == Standing.notice, axis=0)
    assert (trace[0] == Standing.notice).all()   # nearly certain notice in month 0
    withdrawn = np.argmax(trace == Standing.withdrawn, axis=0)
    assert (withdrawn - noticed == 6).all()      # CSTO Charter Art 19: six months


def test_a_scenario_without_behaviour_file_runs_on_its_timeline_alone():
    from foedus.scenario.schema import Behaviour

    sc = foedus.load_scenario("csto")
    data = sc.data.model_copy(update={"behaviour": Behaviour()})
    res = foedus.simulate(data, start="2021-01-01", months=24, runs=200, seed=2)
    kaz = res.monthly.query("state == 'KAZ'")
    assert kaz["requests"].sum() > 0                        # the injected January 2022 crisis only
    assert res.monthly.query("state == 'TJK'")["requests"].sum() == 0
