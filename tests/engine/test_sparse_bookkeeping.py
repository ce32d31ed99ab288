"""The engine's bookkeeping that lets a month skip passes over the whole chunk: the tally of
standings per state, the month's crises and requests as lists, and the crisis selection on the
cells that fired. Each must say exactly what a pass over the whole chunk would."""

import numpy as np
import pytest

import foedus
from foedus.engine import compile_model, run_months
from foedus.ensemble.summary import Summary
from foedus.model import crises
from foedus.treaty.membership import Standing


@pytest.mark.parametrize("start", ["1995-01-01", "2010-06-01", "2024-03-01"])
def test_tally_and_lists_match_the_whole_chunk(start):
    # 1995: the 1999 renewal window; 2010: the council's suspension of Uzbekistan; 2024: Armenia frozen
    model = compile_model(foedus.load_scenario("csto").data, start, 72)
    n = model.n_states
    lists = Summary.empty(72, n, False)
    # the same counts by passes over the whole chunk
    full = {k: np.zeros_like(lists.arrays[k]) for k in ("standing_counts", "outcome_counts", "crisis_counts")}
    moved = []

    def observe(t, rec, st):
        for a in range(st.standing.shape[1]):
            want = np.stack([np.bincount(st.standing[:, a, j], minlength=len(Standing))
                             for j in range(st.standing.shape[2])])
            assert np.array_equal(st.tally[a], want), (start, t, a)
        assert np.array_equal(np.sort(rec.crisis_states), np.sort(np.nonzero(rec.crisis >= 0)[1]))
        assert np.array_equal(np.sort(rec.request_states), np.sort(np.nonzero(rec.outcome >= 0)[1]))
        lists.observe(t, rec, st)
        full["standing_counts"][t] = np.stack([np.bincount(rec.standing[:, j], minlength=len(Standing))
                                               for j in range(n)])
        r, j = np.nonzero(rec.outcome >= 0)
        np.add.at(full["outcome_counts"][t], (j, rec.outcome[r, j]), 1)
        full["crisis_counts"][t] = np.bincount(np.nonzero(rec.crisis >= 0)[1], minlength=n)
        moved.append(int((rec.standing != model.standing0[model.focus]).sum()))

    run_months(model, np.arange(400), 5, observer=observe)
    assert max(moved) > 0   # standings did move, so the tally was exercised
    for k in full:
        assert np.array_equal(lists.arrays[k], full[k]), k


def test_sparse_selection_is_the_dense_rule():
    rng = np.random.default_rng(11)
    R, K, N = 300, 7, 5
    victim = rng.integers(0, N, K)
    victim_of = np.zeros((K, N), bool)
    victim_of[np.arange(K), victim] = True
    fired = rng.random((R, K)) < 0.3
    sev = np.round(rng.random((R, K)), 1)          # rounded: ties between sources happen
    src, best = crises.select(fired, sev, victim_of)
    # brute force: per run and victim, the most severe source that fired, ties to the later source
    for r in range(R):
        for v in range(N):
            ks = [k for k in range(K) if fired[r, k] and victim[k] == v]
            if not ks:
                assert src[r, v] == -1 and best[r, v] == 0.0
            else:
                top = max(sev[r, k] for k in ks)
                assert best[r, v] == top and src[r, v] == max(k for k in ks if sev[r, k] == top)
    r, k = np.nonzero(fired)
    o = rng.permutation(len(r))                    # the cells' order does not matter
    cr, ci, ck, cs = crises.select_sparse(r[o], k[o], sev[r[o], k[o]], victim, N)
    assert np.array_equal(cr * N + ci, np.sort(cr * N + ci))   # row-major
    assert np.array_equal(ck, src[cr, ci]) and np.array_equal(cs, best[cr, ci])
    assert len(cr) == (src >= 0).sum()


def test_row_additions_in_rounds_equal_add_at_bit_for_bit():
    from foedus.engine.step import _add_rows

    rng = np.random.default_rng(3)
    base = rng.random((50, 4)) * 1e3
    rows = np.sort(rng.integers(0, 50, 200))        # most rows several times: the order of additions matters
    d = rng.random((200, 4)) * 1e-3 + rng.random((200, 4)) * 1e3
    want, got = base.copy(), base.copy()
    np.add.at(want, rows, d)
    _add_rows(got, rows, d)
    assert np.array_equal(got, want)
    view_want, view_got = np.repeat(base[:, None], 2, 1), np.repeat(base[:, None], 2, 1)
    np.add.at(view_want[:, 1, :], rows[:3], d[:3])
    _add_rows(view_got[:, 1, :], rows[:3], d[:3])    # a view of the engine's (runs, alliances, states)
    assert np.array_equal(view_got, view_want)


def _synthetic():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "synthetic", Path(__file__).resolve().parents[2] / "benchmarks" / "synthetic.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.synthetic_scenario(30, 3)


@pytest.mark.parametrize("case", ["synthetic", "csto-1995"])
def test_every_cell_gets_the_same_values_whatever_else_is_in_its_chunk(case):
    # which states the step looks at (whole chunk, columns, cells) depends on the chunk's tally; the
    # values may not: a run simulated with 299 others, with 36 others, or alone is the same run
    if case == "synthetic":
        model = compile_model(_synthetic(), "2024-01-01", 24)
    else:
        model = compile_model(foedus.load_scenario("csto").data, "1995-01-01", 72)
    runs = np.arange(300)

    def simulate(chunk, n=len(runs)):
        records, finals = [], []
        for lo in range(0, n, chunk):
            recs = []
            st = run_months(model, runs[lo:lo + chunk], 9,
                            observer=lambda t, rec, st: recs.append((rec.standing, rec.credibility, rec.outcome)))
            records.append(recs)
            finals.append((st.standing, st.cred_a, st.cred_b, st.momentum, st.counts, st.first_exit))
        per_month = [tuple(np.concatenate([r[t][k] for r in records]) for k in range(3)) for t in range(model.months)]
        final = tuple(np.concatenate([f[k] for f in finals]) for k in range(6))
        return per_month, final

    whole, small = simulate(300), simulate(37)
    for a, b in zip(whole[0], small[0], strict=True):
        for x, y in zip(a, b, strict=True):
            assert np.array_equal(x, y)
    for x, y in zip(whole[1], small[1], strict=True):
        assert np.array_equal(x, y)
    single = simulate(1, 25)[1]   # the first 25 runs, each alone in its chunk
    for x, y in zip(whole[1], single, strict=True):
        assert np.array_equal(x[:25], y)
