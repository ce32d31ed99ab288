"""A crisis shared by several members: one event (Russia's use of force against a neighbour)
exposes every ally of the eastern flank at once, with one severity; each then decides whether to
ask (NATO's consultations of 24 Feb 2022, asked by eight allies together)."""

import numpy as np
import pytest

import foedus
from foedus.engine import compile_model
from foedus.engine.step import Month, _crises, initial_state, keys_for
from foedus.chronology import month_start
from foedus.model.parameters import Parameters

EXPOSED = ("BGR", "CZE", "EST", "HUN", "LVA", "LTU", "POL", "ROU", "SVK")


@pytest.fixture(scope="module")
def nato():
    return foedus.load_scenario("nato")


def _month_crises(data, params, runs=400, start="2010-01-01"):
    model = compile_model(data, start, 1, Parameters.for_scenario(data.parameters).replace(**params))
    st = initial_state(model, np.arange(runs))
    m = model.start_month
    mo = Month(t=0, m=m, date=month_start(m), keys=keys_for(3), runs=st.runs)
    return model, _crises(model, st, mo)


def test_the_eastern_flank_is_one_shared_crisis_of_nine_allies(nato):
    (sc,) = [c for c in nato.data.behaviour.shared_crisis if c.known.year == 2025]
    assert sc.name == "russia-neighbour" and sorted(sc.exposed) == sorted(EXPOSED)


def test_a_shared_crisis_befalls_every_exposed_ally_in_the_same_run_with_one_severity(nato):
    # individual sources silenced: every crisis of the month is the shared one
    off = {f"crisis_scale_{t}": 0.05 for t in ("armed_attack", "member_clash", "unrest", "threat")}
    model, (cr, ci, ctype, caggr, sev, shared_cell) = _month_crises(nato.data, {**off, "crisis_scale_shared": 10.0, "crisis_rate_scale": 10.0})
    exposed = {model.codes.index(c) for c in EXPOSED}
    by_run = {}
    for r, i, s in zip(cr, ci, sev):
        by_run.setdefault(int(r), []).append((int(i), float(s)))
    shared = [cells for cells in by_run.values() if {i for i, _ in cells} >= exposed]
    assert len(shared) > 50                      # p = 1 - exp(-0.0074 * 100) ~ 0.52 of 400 runs
    for cells in shared:
        sevs = {s for i, s in cells if i in exposed}
        assert len(sevs) == 1                    # one event, one severity
    assert shared_cell[np.isin(ci, list(exposed))].mean() > 0.9   # marked shared: the request's odds know it
    # the individual sources, nearly silent, hit a few allies only, never the nine together
    assert all(len(cells) < 9 for cells in by_run.values() if cells not in shared)
    assert set(caggr[np.isin(ci, list(exposed))]) <= {model.codes.index("RUS"), -1}


def test_without_shared_sources_the_month_draws_the_same_individual_crises(nato):
    data = nato.data.model_copy(update={"behaviour": nato.data.behaviour.model_copy(update={"shared_crisis": ()})})
    low = {"crisis_scale_shared": 0.05}
    _, with_shared = _month_crises(nato.data, low)
    model, without = _month_crises(data, low)
    # where no shared event fired, a run's crises are the individual sources' draws, unchanged
    fired = set(with_shared[0][np.isin(with_shared[1], [model.codes.index(c) for c in EXPOSED])].tolist())
    a = [(r, i, s) for r, i, s in zip(*with_shared[:2], with_shared[4]) if r not in fired]
    b = [(r, i, s) for r, i, s in zip(*without[:2], without[4]) if r not in fired]
    assert a == b and len(a) > 0


def test_shared_crises_are_the_same_whatever_the_chunks(nato):
    kw = dict(start="2021-01-01", months=24, runs=300, seed=5, parameters={"crisis_scale_shared": 5.0})
    one = foedus.simulate(nato, chunk_size=300, **kw)
    many = foedus.simulate(nato, chunk_size=70, **kw)
    assert one.runs["requests"].sum() > 0
    np.testing.assert_array_equal(one.runs.to_numpy(), many.runs.to_numpy())
