"""Fixtures for the what-if, report and registry tests.

``write_results`` writes a small results folder that follows docs/results.md column for column,
from a toy process (a monthly exit hazard per member, a credibility random walk) driven by a seed,
so that two arms with the same seed share their draws as the engine's arms do. The tests that
matter also run on real ``foedus.simulate`` output (see ``simulated``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

STATES = ["RUS", "BLR", "ARM", "AZE", "KAZ", "KGZ", "TJK"]
MEMBERS = ["RUS", "BLR", "ARM", "KAZ", "KGZ", "TJK"]
BINS = np.linspace(0, 1, 201)


def write_results(path: Path, *, variant: str = "baseline", seed: int = 1, runs: int = 200, months: int = 24,
                  hazard: float = 0.01, arm_hazard: float | None = None, complete: bool = True,
                  per_run: bool = True, levers: list[str] | None = None) -> Path:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    S, R, M = len(STATES), runs, months
    u_exit = rng.random((M, R, S))          # exogenous draws: the same for every arm with this seed
    u_cred = rng.normal(0, 0.03, (M, R, S))
    u_req = rng.random((M, R, S))
    haz = np.full(S, hazard)
    if arm_hazard is not None:
        haz[STATES.index("ARM")] = arm_hazard
    member = np.array([s in MEMBERS for s in STATES])
    standing = np.where(member, 4, 0) * np.ones((R, 1), dtype=int)  # 4 active, 0 outside
    first_exit = np.full((R, S), -1)
    cred = np.full((R, S), 0.6)
    start = dt.date(2024, 3, 1)
    rows, counts = [], {k: np.zeros(R, int) for k in ("requests", "honoured_full", "honoured_part", "refused",
                                                      "exits", "freezes", "notices", "returns", "accessions")}
    for t in range(M):
        month = (pd.Timestamp(start) + pd.DateOffset(months=t)).date()
        leave = (standing == 4) & (u_exit[t] < haz)
        freeze = leave & (u_exit[t] < haz / 2)
        standing = np.where(freeze, 5, np.where(leave, 7, standing))
        first_exit = np.where(leave & (first_exit < 0), t, first_exit)
        counts["exits"] += (leave & ~freeze).sum(1)
        counts["freezes"] += freeze.sum(1)
        req = (u_req[t] < 0.01) & (standing == 4)
        full = req & (u_req[t] < 0.003)
        part = req & ~full & (u_req[t] < 0.006)
        refused = req & ~full & ~part
        for k, a in (("requests", req), ("honoured_full", full), ("honoured_part", part), ("refused", refused)):
            counts[k] += a.sum(1)
        cred = np.clip(cred + u_cred[t] - 0.2 * refused, 0.001, 0.999)
        for j, s in enumerate(STATES):
            st = standing[:, j]
            q = np.quantile(cred[:, j], [0.05, 0.25, 0.5, 0.75, 0.95])
            rows.append({"month": month, "state": s, "p_active": float((st == 4).mean()), "p_frozen": float((st == 5).mean()),
                         "p_notice": float((st == 6).mean()), "p_withdrawn": float((st == 7).mean()),
                         "p_suspended": float((st == 8).mean()), "p_member": float(np.isin(st, (4, 5, 6)).mean()),
                         "cred_mean": float(cred[:, j].mean()), "cred_q05": q[0], "cred_q25": q[1], "cred_q50": q[2],
                         "cred_q75": q[3], "cred_q95": q[4], "requests": float(req[:, j].mean()),
                         "honoured_full": float(full[:, j].mean()), "honoured_part": float(part[:, j].mean()),
                         "refused": float(refused[:, j].mean())})
    pd.DataFrame(rows).to_parquet(path / "monthly.parquet", index=False)
    names = {0: "outside", 4: "active", 5: "frozen", 6: "notice", 7: "withdrawn", 8: "suspended"}
    if per_run:
        final = pd.DataFrame({"run": np.repeat(np.arange(R), S), "state": STATES * R,
                              "standing": [names[x] for x in standing.ravel()],
                              "first_exit_month": first_exit.ravel(), "credibility": cred.ravel()})
        final.to_parquet(path / "final.parquet", index=False)
        runs_t = pd.DataFrame({"run": np.arange(R), **counts,
                               "active_members": (standing == 4).sum(1)})
        runs_t.to_parquet(path / "runs.parquet", index=False)
    manifest = {"foedus_version": "0.1.0", "command": "test fixture", "created": "2026-01-01T00:00:00Z",
                "scenario": "csto", "scenario_hash": "fixture", "scenario_path": None, "alliance": "csto",
                "variant": variant, "levers": levers or [], "start": start.isoformat(), "months": M, "runs": R,
                "seed": seed, "chunk_size": R, "executor": "serial", "parameters": {"decay_half_life": 24.0},
                "states": STATES, "complete": complete, "chunks_total": 1, "chunks_done": 1 if complete else 0}
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return path


@pytest.fixture
def results_factory(tmp_path):
    def make(name="baseline", **kw):
        return write_results(tmp_path / name, variant=name, **kw)
    return make


@pytest.fixture(autouse=True)
def foedus_home(tmp_path, monkeypatch):
    """Every test gets its own registry."""
    home = tmp_path / "foedus-home"
    monkeypatch.setenv("FOEDUS_HOME", str(home))
    return home


# (the `chromium` fixture, Debian's headless Chromium, lives in tests/conftest.py)


# --- real engine output -------------------------------------------------------------------------

SIM = {"start": "2024-03-01", "months": 36, "runs": 1000, "seed": 11}


@pytest.fixture(scope="session")
def simulated(tmp_path_factory):
    """A real comparison from ``foedus.simulate``: the CSTO from March 2024 for 36 months, 1000 runs
    per arm, the baseline and: the six built-in what-ifs, a variant with no lever ('same'), and a
    lever dated after the horizon ('late')."""
    import foedus
    from foedus.compare.run import run_comparison
    from foedus.variants import Variant, load_variant, variant_from_levers

    out = tmp_path_factory.mktemp("simulated") / "comparison"
    arms = [load_variant("war-ends-2026"), load_variant("aze-attacks-2026"), load_variant("info-ops"),
            Variant(name="same", title="The baseline again", question="Does nothing change?"),
            variant_from_levers(["war-ends:2030-01"], "late"), load_variant("capacity-recovers"),
            load_variant("kaz-unrest-2027"), load_variant("eu-offer-armenia")]
    return run_comparison(foedus.load_scenario("csto"), arms, out=out, **SIM)


@pytest.fixture(scope="session")
def simulated_report(simulated, tmp_path_factory):
    """The HTML report of ``simulated``, built once for the tests that read it."""
    from foedus.report import build_report

    return build_report(simulated.path, tmp_path_factory.mktemp("report") / "report.html")
