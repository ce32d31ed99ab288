"""The catalogue retrodiction's fast paths give what the straightforward ones give: a cell's rows,
the engine's per-run counters, the month's random states, the crises a run counts; and the
catalogue is the same whatever the executor and the worker count."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.catalogue.convert import alliance_id
from foedus.catalogue.crises import MID_LAST
from foedus.retrodiction import rows_for
from foedus.retrodiction.catalogue import (ATOP_CLASSES, CellJob, cell_from_draws, cost, jobs,
                                           longest_first, prepare_cell, retrodict_catalogue, run_cell)
from foedus.retrodiction.simulated import SIMULATED, simulated_counts


@pytest.fixture(scope="module")
def cat():
    from foedus.catalogue.loader import catalogue

    return catalogue()


def straightforward_rows(prep, draws) -> pd.DataFrame:
    """Every class's row, then the ones ATOP cannot compare blanked in the table and the rest dropped."""
    rows = rows_for(prep.alliance, prep.start, prep.stop, draws, prep.real, prep.seed)
    blank = [] if prep.model.admission[prep.model.focus] else ["accessions"]
    rows = rows.astype({"inside": object})
    rows.loc[rows["event"].isin(blank), ["mean", "q05", "q95", "pit", "inside", "simulated"]] = \
        [np.nan, np.nan, np.nan, np.nan, None, False]
    if prep.stop.year > MID_LAST:
        rows = rows[rows["event"] != "crises"]
    return rows[rows["event"].isin(ATOP_CLASSES)].reset_index(drop=True)


@pytest.mark.parametrize("atopid, start, stop, decade_end", [
    (3180, dt.date(1950, 1, 1), dt.date(1959, 12, 31), dt.date(1959, 12, 31)),   # NATO in the 1950s
    (3590, dt.date(1968, 4, 2), dt.date(1968, 12, 8), dt.date(1969, 12, 31)),    # ends within its decade
    (4220, dt.date(2010, 1, 1), dt.date(2016, 12, 31), dt.date(2019, 12, 31)),   # the CSTO after MID's end
])
def test_a_cells_rows_are_those_of_the_straightforward_path(cat, atopid, start, stop, decade_end):
    prep = prepare_cell(cat, cat.alliance(atopid), start, stop, decade_end, seed=0)
    draws = simulated_counts(prep.model, 30, prep.seed)
    cell = run_cell(cat, cat.alliance(atopid), start, stop, decade_end, 30, 0)
    want = straightforward_rows(prep, draws)
    assert cell.rows.equals(want) and list(cell.rows.dtypes) == list(want.dtypes)
    assert np.array_equal(cell.exits, draws[:, SIMULATED.index("exits")])
    assert cell_from_draws(prep, draws).rows.equals(want)


def test_the_catalogue_is_the_same_whatever_the_executor_and_worker_count():
    kw = dict(since=2007, min_members=2, obligation=None, half="all", runs=12, seed=3)
    serial = retrodict_catalogue(**kw)
    assert serial["cells"] >= 8
    # handed out most costly first, the cells come back in ATOP order
    cells = serial["rows"][["alliance", "start"]].drop_duplicates()
    want = [(alliance_id(j.atopid), j.start.isoformat()) for j in jobs(**kw)]
    assert list(cells.itertuples(index=False, name=None)) == want
    for workers in (1, 2):
        par = retrodict_catalogue(**kw, executor="processes", workers=workers)
        assert par["rows"].equals(serial["rows"])
        assert par["exits_total"] == serial["exits_total"] and par["skipped"] == serial["skipped"]


def test_cells_are_handed_out_most_costly_first(cat):
    nato = CellJob(3180, dt.date(1950, 1, 1), dt.date(1959, 12, 31), dt.date(1959, 12, 31), 10, 0)
    short = CellJob(3590, dt.date(1968, 4, 2), dt.date(1968, 12, 8), dt.date(1969, 12, 31), 10, 0)
    todo = [short, nato, short]
    order = longest_first(todo)
    assert order == [1, 0, 2]                       # a permutation; equals keep their order
    assert cost(nato, cat) > cost(short, cat)


# -- the engine's bookkeeping ---------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(runs=st.lists(st.integers(0, 19), max_size=60), start=st.lists(st.integers(0, 50), min_size=20, max_size=20))
def test_per_run_counters_add_one_per_event_as_add_at_does(runs, start):
    from foedus.engine.step import C, _count

    counts = np.zeros((20, len(C)), np.int32)
    counts[:, C["exits"]] = start
    state = SimpleNamespace(counts=counts)
    want = counts[:, C["exits"]].copy()
    np.add.at(want, np.array(runs, np.int64), 1)
    _count(state, "exits", np.array(runs, np.int64))  # type: ignore[arg-type]
    assert np.array_equal(counts[:, C["exits"]], want) and counts.dtype == np.int32


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63), month=st.integers(0, 40_000),
       runs=st.lists(st.integers(0, 2**40), min_size=1, max_size=30))
def test_a_months_random_states_are_the_splitmix_formula(seed, month, runs):
    from foedus.engine import streams

    key = streams.stream_key(seed, "membership")
    r = np.array(runs, np.uint64)
    with np.errstate(over="ignore"):   # the formula of the module docstring, in numpy's own arithmetic
        h = streams._mix(np.asarray(key + np.uint64(month) * streams._G, dtype=np.uint64))
        want = streams._mix(h + r * streams._G)
    assert np.array_equal(streams.run_states(key, month, r), want)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_run_counts_the_crises_befalling_its_members_when_the_month_began(data):
    from foedus.engine.step import MonthRecord
    from foedus.retrodiction.simulated import _IS_MEMBER, RunCounts
    from foedus.treaty.membership import Standing

    R, N = data.draw(st.integers(1, 12)), data.draw(st.integers(1, 6))
    grid = st.lists(st.integers(0, len(Standing) - 1), min_size=R * N, max_size=R * N)
    before = np.array(data.draw(grid), np.int8).reshape(R, N)
    after = np.array(data.draw(grid), np.int8).reshape(R, N)
    crisis = np.array(data.draw(st.lists(st.integers(-1, 3), min_size=R * N, max_size=R * N)), np.int8).reshape(R, N)
    model = SimpleNamespace(standing0=before[None, 0], focus=0, renewal=np.zeros((1, 1), bool))
    obs = RunCounts(model, R)      # type: ignore[arg-type]
    obs.prev = before.copy()
    tally = np.stack([(after == s).sum(0) for s in range(len(Standing))], axis=1)
    rec = MonthRecord(standing=after, credibility=None, outcome=None, crisis=crisis, standing_counts=tally,  # type: ignore[arg-type]
                      crisis_states=np.zeros(0), request_states=np.zeros(0), request_outcomes=np.zeros(0))
    obs.observe(0, rec, None)      # type: ignore[arg-type]
    col = SIMULATED.index
    assert np.array_equal(obs.counts[:, col("crises")], ((crisis >= 0) & _IS_MEMBER[before]).sum(1))
    assert np.array_equal(obs.counts[:, col("suspensions")],
                          ((after == Standing.suspended) & (before != Standing.suspended)).sum(1))
