"""Mechanism 8, contagion of unrest: a member's unrest spreads to the other members in its month."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import foedus
from foedus.engine import compile_model
from foedus.engine.step import run_months
from foedus.model import contagion
from foedus.model.parameters import Parameters
from foedus.treaty.membership import MEMBER_STANDINGS


def _january_2022(value: float):
    """The CSTO's month of the Kazakh unrest (injected by the timeline), the month's crises per run."""
    sc = foedus.load_scenario("csto")
    model = compile_model(sc.data, "2022-01-01", 1, Parameters({"unrest_contagion": value, "crisis_rate_scale": 0.0}))
    seen = []
    st = run_months(model, np.arange(40), seed=3, observer=lambda t, rec, state: seen.append(rec.crisis.copy()))
    return model, st, seen[0]


def test_with_certain_contagion_every_other_member_catches_the_kazakh_unrest():
    model, st, crisis = _january_2022(1.0)
    kaz = model.codes.index("KAZ")
    members = [i for i in range(model.n_states) if st.standing[0, model.focus, i] in MEMBER_STANDINGS]
    assert (crisis[:, kaz] == contagion.UNREST).all()
    assert (crisis[:, members] == contagion.UNREST).all()


def test_without_contagion_the_unrest_stays_in_kazakhstan():
    model, _, crisis = _january_2022(0.0)
    assert set(np.flatnonzero((crisis == contagion.UNREST).any(0))) == {model.codes.index("KAZ")}


@given(c=st.floats(0.0, 1.0), k=st.integers(0, 8))
def test_spread_is_a_probability_rising_with_the_members_in_unrest(c, k):
    p = Parameters({"unrest_contagion": c})
    now, more = contagion.p_spread(p, k), contagion.p_spread(p, k + 1)
    assert 0.0 <= now <= more <= 1.0
    assert contagion.p_spread(p, 0) == 0.0
