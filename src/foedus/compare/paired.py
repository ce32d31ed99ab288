"""Paired differences between a variant and its baseline, run by run.

Both arms are run with the same root seed, so run ``i`` of the variant sees the same exogenous
draws as run ``i`` of the baseline (common random numbers). The difference of a figure is taken
in every run, and its interval is ``mean ± 1.96 · sd / √n`` of those per-run differences: it is
narrow where the lever changes little, and exactly zero where it changes nothing. The interval an
unpaired comparison would give (``√(var_b/n + var_v/n)``) is reported beside it, to show what the
pairing buys.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from foedus.compare.folder import ResultsFolder
from foedus.ensemble.draws import interval_across_draws
from foedus.errors import ResultsError

Z95 = 1.959963984540054

# metric -> what it means, for tables and the report
METRICS = {
    "p_exit": "probability the member takes a step out by the horizon (freezes, gives notice, is suspended or leaves)",
    "p_out": "probability the member is out at the horizon (withdrawn, suspended or expelled)",
    "credibility": "the member's belief at the horizon that the alliance helps a member that asks",
    "active_members": "active members at the horizon",
    "credibility_mean": "mean credibility at the horizon over the members",
    "refused": "requests refused over the horizon (per run)",
}

OUT_STANDINGS = ("withdrawn", "suspended", "expelled")

PAIRING_KEYS = ("seed", "runs", "start", "months", "scenario")


def check_paired(base: ResultsFolder, var: ResultsFolder) -> None:
    """Two arms are paired only if they share the seed and the settings that shape the draws."""
    for key in PAIRING_KEYS:
        a, b = base.manifest.get(key), var.manifest.get(key)
        if a != b:
            raise ResultsError(f"{var.path}: not paired with {base.path}: {key} differs ({b!r} against {a!r})")


def _stats(b: np.ndarray, v: np.ndarray) -> dict:
    d = v - b
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    if n > 1:
        se = float(d.std(ddof=1)) / math.sqrt(n)
        se_unpaired = math.sqrt(float(b.var(ddof=1)) / n + float(v.var(ddof=1)) / n)
    else:
        se = se_unpaired = math.nan
    return {"baseline_mean": float(b.mean()) if n else math.nan, "variant_mean": float(v.mean()) if n else math.nan,
            "difference": mean, "ci_low": mean - Z95 * se, "ci_high": mean + Z95 * se,
            "se": se, "se_unpaired": se_unpaired, "n": n}


def per_run_differences(base: ResultsFolder, var: ResultsFolder) -> pd.DataFrame:
    """One row per run × figure: the baseline's value, the variant's, and their difference."""
    check_paired(base, var)
    members = base.members
    rows = []
    fb = base.final[base.final["state"].isin(members)]
    fv = var.final[var.final["state"].isin(members)]
    f = fb.merge(fv, on=["run", "state"], suffixes=("_b", "_v"), how="inner", validate="one_to_one")
    if len(f) != len(fb) or len(f) != len(fv):
        raise ResultsError(f"{var.path}: final.parquet runs do not match the baseline's run for run")
    f = f.sort_values(["state", "run"])
    for metric, col in (("p_exit", "first_exit_month"), ("p_out", "standing"), ("credibility", "credibility")):
        if metric == "p_exit":
            b, v = (f[col + "_b"] >= 0).astype(float), (f[col + "_v"] >= 0).astype(float)
        elif metric == "p_out":
            b, v = f[col + "_b"].isin(OUT_STANDINGS).astype(float), f[col + "_v"].isin(OUT_STANDINGS).astype(float)
        else:
            b, v = f[col + "_b"].astype(float), f[col + "_v"].astype(float)
        rows.append(pd.DataFrame({"metric": metric, "state": f["state"].values, "run": f["run"].values,
                                  "baseline": b.values, "variant": v.values}))
    cm = f.groupby("run")[["credibility_b", "credibility_v"]].mean().reset_index()
    rows.append(pd.DataFrame({"metric": "credibility_mean", "state": "", "run": cm["run"].values,
                              "baseline": cm["credibility_b"].values, "variant": cm["credibility_v"].values}))
    r = base.runs.merge(var.runs, on="run", suffixes=("_b", "_v"), how="inner", validate="one_to_one")
    if len(r) != len(base.runs) or len(r) != len(var.runs):
        raise ResultsError(f"{var.path}: runs.parquet runs do not match the baseline's run for run")
    r = r.sort_values("run")
    for metric in ("active_members", "refused"):
        rows.append(pd.DataFrame({"metric": metric, "state": "", "run": r["run"].values,
                                  "baseline": r[metric + "_b"].astype(float).values,
                                  "variant": r[metric + "_v"].astype(float).values}))
    out = pd.concat(rows, ignore_index=True)
    out["difference"] = out["variant"] - out["baseline"]
    return out


def paired_table(base: ResultsFolder, var: ResultsFolder) -> pd.DataFrame:
    """The comparison table: one row per figure (per member, then the alliance's), with the mean
    of each arm, the paired difference and its 95% interval."""
    per_run = per_run_differences(base, var)
    k = int(base.manifest.get("param_draws") or 1)
    runs = int(base.manifest.get("runs") or len(per_run))
    rows = []
    order = {m: i for i, m in enumerate(METRICS)}
    for (metric, state), g in per_run.groupby(["metric", "state"], sort=False):
        # the spread of the mean difference across parameter draws (a point without draws)
        lo, hi = interval_across_draws(g["difference"].to_numpy(), g["run"].to_numpy(), runs, k)
        rows.append({"variant": var.variant, "metric": metric, "state": state,
                     **_stats(g["baseline"].to_numpy(), g["variant"].to_numpy()),
                     "difference_draws_q05": float(lo), "difference_draws_q95": float(hi)})
    t = pd.DataFrame(rows)
    members = {s: i for i, s in enumerate(base.members)}
    t["_m"] = t["metric"].map(order)
    t["_s"] = t["state"].map(lambda s: members.get(s, -1))
    return t.sort_values(["_m", "_s"]).drop(columns=["_m", "_s"]).reset_index(drop=True)


# The smallest difference worth a reader's attention, per figure: two percentage points of a
# probability or of credibility, a tenth of a member, a tenth of a refused request per run. A
# judgement, stated once here for the report and the browser view alike.
MATTERS = {"p_exit": 0.02, "p_out": 0.02, "credibility": 0.02, "credibility_mean": 0.02,
           "active_members": 0.1, "refused": 0.1}


def verdict(metric: str, difference: float, ci_low: float, ci_high: float) -> str:
    """A paired difference in plain words: 'no change', 'no clear change' (its 95% interval holds
    zero), 'a small change' (clear, but under ``MATTERS``), or 'higher' / 'lower' (clear and large
    enough to matter)."""
    if difference == 0 and ci_low == 0 and ci_high == 0:
        return "no change"
    if not (ci_low > 0 or ci_high < 0):
        return "no clear change"
    if abs(difference) < MATTERS.get(metric, 0.0):
        return "a small change"
    return "higher" if difference > 0 else "lower"
