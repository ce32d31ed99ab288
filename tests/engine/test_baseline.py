"""A seeded baseline pinned in a committed file (Covasim's test_baselines): any change in the
model's behaviour shows here and must be explained. To accept a deliberate change:
``FOEDUS_UPDATE_BASELINE=1 .venv/bin/python -m pytest tests/engine/test_baseline.py``."""

import json
import math
import os
from pathlib import Path

import foedus

BASELINE = Path(__file__).with_name("baseline_csto.json")


def _summary() -> dict:
    res = foedus.simulate("csto", start="2024-03-01", months=60, runs=1000, seed=7, chunk_size=500)
    rows = res.summary().to_dict(orient="records")
    clean = [{k: (None if isinstance(v, float) and math.isnan(v) else (round(v, 10) if isinstance(v, float) else v))
              for k, v in r.items()} for r in rows]
    totals = {k: int(v) for k, v in res.runs.drop(columns="run").sum().items()}
    return {"call": "simulate('csto', start='2024-03-01', months=60, runs=1000, seed=7)", "members": clean,
            "totals": totals}


def test_baseline_is_unchanged():
    got = _summary()
    if os.environ.get("FOEDUS_UPDATE_BASELINE") or not BASELINE.exists():
        BASELINE.write_text(json.dumps(got, indent=1) + "\n")
    want = json.loads(BASELINE.read_text())
    assert got["totals"] == want["totals"]
    for g, w in zip(got["members"], want["members"], strict=True):
        for k in w:
            if isinstance(w[k], float):
                assert math.isclose(g[k], w[k], rel_tol=1e-9, abs_tol=1e-12), (g["state"], k, g[k], w[k])
            else:
                assert g[k] == w[k], (g["state"], k)
