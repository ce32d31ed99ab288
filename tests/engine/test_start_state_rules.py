"""The engine follows the replay's rules where the two meet: who an accession waits on, and the
momentum of defections at the start (a small ledger built in code, tests/calibration/conftest.py)."""

import datetime as dt

import numpy as np

from foedus.calibration import likelihood
from foedus.calibration.observations import Observations, build_alliance
from foedus.chronology import month_index
from foedus.engine import compile_model, run_months
from foedus.ledger.replay import replay
from foedus.model import membership
from foedus.model.parameters import Parameters
from foedus.treaty.membership import Standing

from tests.calibration.conftest import small_ledger


def test_an_accession_does_not_wait_on_a_member_that_has_left():
    """EEE was invited in April 2004 by AAA, BBB and DDD; DDD left in August 2004 without ratifying.
    From September 2004, as in the replay, EEE waits only on BBB: admitted once BBB ratifies."""
    data = small_ledger()
    rp = replay(data, dt.date(2004, 9, 1)).alliance("pact")
    assert rp.standing("EEE") == Standing.invited and rp.standing("DDD") == Standing.withdrawn
    assert "DDD" in rp.memberships["EEE"].invited_by and "DDD" not in rp.memberships["EEE"].ratified_by
    m = compile_model(data, "2004-09-01", 24, Parameters({"hazard_ratify": 5.0}))
    st = run_months(m, np.arange(200), 3)
    eee = m.codes.index("EEE")
    admitted = st.standing[:, m.focus, eee] != Standing.invited   # admitted (and, in a few runs, gone since)
    assert admitted.mean() > 0.95                                  # waiting on DDD too, it would be 0
    assert st.ratified[:, m.focus, eee, m.codes.index("BBB")][admitted].all()
    assert not st.ratified[:, m.focus, eee, m.codes.index("DDD")].any()


def test_momentum_at_the_start_counts_the_lapse_the_replay_generates():
    """CCC did not renew at the window of July 2002 and no lapse is recorded: the replay generates it.
    The start state's momentum counts it, as the likelihood does."""
    data = small_ledger()
    assert not any(e.type.value == "lapse" for e in data.events)
    p = Parameters({})
    m = compile_model(data, "2002-09-01", 1, p)
    rec = build_alliance(data, "pact")
    want = likelihood.momentum(p.values, rec, np.array([month_index(dt.date(2002, 9, 1))]))[0]
    recorded_only = membership.momentum_from_record(p, data.events, "pact", month_index(dt.date(2002, 9, 1)))
    assert m.momentum0[m.focus] == want
    assert want > recorded_only   # the generated lapse is in it
    assert Observations((rec,)).count()["renewal"] == 3
