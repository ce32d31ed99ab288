"""The per-agent Mesa reference (benchmarks/mesa_reference.py) and the vectorised engine simulate
the same model: on the CSTO from 2021-01-01 over 36 months (the Kyrgyz-Tajik clash, the
consultations Armenia asked for, Kazakhstan's unrest and the attack on Armenia of Sep 2022 are
injected by the timeline) their outcome distributions agree within sampling error.

Each statistic is a per-run quantity (requests and their outcomes, freezes, notices, Armenia out of
active standing at the horizon, credibility); the two samples are compared with a two-sample
z-statistic on the pooled variance (the null: one distribution). 14 statistics at |z| < 4: the
chance of a false alarm is below 0.1% in all (Bonferroni). The test can fail: raising one
parameter by 1 in the Mesa reference only fails it (hazard_freeze: |z| 6-8 on freezes, Armenia out,
any exit, active members; decision_base_deploy: |z| 5-9 on deployments, limited help and
credibility)."""

import numpy as np
import pytest

import foedus
from foedus.engine import compile_model
from foedus.engine.step import COUNTERS
from foedus.ensemble import run_ensemble
from foedus.treaty.membership import Standing

mesa_reference = pytest.importorskip("mesa_reference")

START, MONTHS, MESA_RUNS, ENGINE_RUNS = "2021-01-01", 36, 400, 4000
#: The counters both models keep: the reference model has no treaty term ends (nor has the CSTO), so
#: the engine's ``alliance_ends`` is not compared.
KEYS = mesa_reference.COUNTERS


def _stats(counts, final_standing, first_exit, final_cred, arm) -> dict[str, np.ndarray]:
    d = {k: counts[:, i].astype(float) for i, k in enumerate(KEYS)}
    d["armenia_out"] = (final_standing[:, arm] != Standing.active).astype(float)
    d["armenia_credibility"] = final_cred[:, arm]
    d["mean_credibility"] = final_cred.mean(1)
    d["any_exit"] = (first_exit >= 0).any(1).astype(float)
    d["active_members"] = (final_standing == Standing.active).sum(1).astype(float)
    return d


@pytest.fixture(scope="module")
def samples():
    sc = foedus.load_scenario("csto")
    model = compile_model(sc.data, START, MONTHS)
    arm = model.codes.index("ARM")
    rows = mesa_reference.simulate_runs(model, MESA_RUNS, seed=3)
    mesa = _stats(np.array([[r[k] for k in KEYS] for r in rows]), np.array([r["final_standing"] for r in rows]),
                  np.array([r["first_exit"] for r in rows]), np.array([r["final_cred"] for r in rows]), arm)
    e = run_ensemble(model, ENGINE_RUNS, 5, chunk_size=2000).arrays
    engine = _stats(e["run_counts"][:, [COUNTERS.index(k) for k in KEYS]], e["final_standing"], e["first_exit"],
                    e["final_cred"], arm)
    return mesa, engine


def z_pooled(x: np.ndarray, y: np.ndarray) -> float:
    """Two-sample z on the pooled variance (equal distributions under the null)."""
    v = np.concatenate([x, y]).var(ddof=1)
    se = np.sqrt(v * (1 / len(x) + 1 / len(y)))
    return 0.0 if se == 0 else float((x.mean() - y.mean()) / se)


def test_the_small_case_is_not_trivial(samples):
    mesa, engine = samples
    for s in (mesa, engine):
        assert s["requests"].mean() > 2          # the injected crises bring requests
        assert 0 < s["armenia_out"].mean() < 0.5
        assert s["freezes"].sum() > 0 and s["honoured_part"].sum() > 0


def test_mesa_and_engine_agree_within_sampling_error(samples):
    mesa, engine = samples
    zs = {k: z_pooled(mesa[k], engine[k]) for k in mesa}
    bad = {k: (round(z, 2), round(mesa[k].mean(), 4), round(engine[k].mean(), 4)) for k, z in zs.items() if abs(z) >= 4}
    assert not bad, f"statistics that disagree (z, mesa mean, engine mean): {bad}"


def test_the_z_statistic_sees_a_shift():
    rng = np.random.default_rng(0)
    a = rng.binomial(1, 0.07, 400).astype(float)
    b = rng.binomial(1, 0.20, 4000).astype(float)
    assert abs(z_pooled(a, b)) > 4 and abs(z_pooled(b[:400], b[400:])) < 4
