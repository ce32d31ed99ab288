"""Per-run simulated counts: reproducible whatever the chunking, consistent with the engine."""

from __future__ import annotations

import numpy as np

import foedus
from foedus.engine.compile import compile_model
from foedus.retrodiction import retrodict
from foedus.retrodiction.simulated import SIMULATED, simulated_counts


def _model(start="1998-06-01", months=19):
    data = foedus.load_scenario("csto").data
    return compile_model(data, start, months, scenario="csto")


def test_the_same_seed_gives_the_same_counts_whatever_the_chunk_size():
    m = _model()
    a = simulated_counts(m, 60, seed=5, chunk_size=60)
    b = simulated_counts(m, 60, seed=5, chunk_size=7)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, simulated_counts(m, 60, seed=6, chunk_size=60))


def test_the_same_counts_with_worker_processes():
    m = _model()
    assert np.array_equal(simulated_counts(m, 40, seed=2, chunk_size=20),
                          simulated_counts(m, 40, seed=2, chunk_size=20, executor="processes", workers=2))


def test_exits_split_by_cause_add_up_and_the_1999_window_makes_members_lapse():
    d = simulated_counts(_model(), 200, seed=0, chunk_size=100)
    col = {k: d[:, i] for i, k in enumerate(SIMULATED)}
    assert np.array_equal(col["exits_notice"] + col["exits_renewal"], col["exits"])
    assert col["exits_renewal"].sum() > 0                       # the 1999 renewal window falls in the period
    assert (d >= 0).all()


def test_requests_are_answered_once_each():
    d = simulated_counts(_model("2004-07-01", 120), 100, seed=1, chunk_size=100)
    col = {k: d[:, i] for i, k in enumerate(SIMULATED)}
    assert np.array_equal(col["deployments"] + col["limited"] + col["refusals"], col["requests"])
    assert (col["requests"] <= col["crises"]).all()             # a member asks only in a crisis


def test_a_retrodiction_row_per_class_with_the_real_count_beside_the_runs():
    r = retrodict("csto", "2010-01-01", "2012-12", runs=50, seed=3)
    rows = r.rows.set_index("event")
    assert rows.loc["freezes", "real"] == 1 and rows.loc["suspensions", "real"] == 1   # Uzbekistan, 2012
    assert rows.loc["requests", "mean"] == r.draws["requests"].mean()
    # no term ends in 2010-12; the parties' own ending is rare (``model.dissolution``)
    assert rows.loc["alliance_ends", "simulated"] and rows.loc["alliance_ends", "real"] == 0
    assert rows.loc["alliance_ends", "mean"] < 0.1
    assert r.summary()["cells"] == len(SIMULATED)


def test_the_sino_soviet_treaty_ends_in_the_record_and_in_the_runs_where_chinas_notice_stands():
    r = retrodict("sino-soviet", "1979-06-01", "1981-05", runs=50, seed=3)
    rows = r.rows.set_index("event")
    assert rows.loc["alliance_ends", "real"] == 1 and rows.loc["alliance_ends", "simulated"]
    ends = r.draws["alliance_ends"]
    assert set(ends) <= {0, 1} and ends.sum() > 0
    # the treaty's end is not an exit: China's notice falling due is the only exit of a run that ends
    # (none in a run whose parties ended the treaty before the term's end)
    assert (r.draws["exits"][ends == 1] <= 1).all() and (r.draws["exits"][ends == 1] == 1).any()
