"""The headline figures of one results folder: what the registry records and the CLI prints."""

from __future__ import annotations

from foedus.compare.folder import ResultsFolder
from foedus.compare.paired import OUT_STANDINGS


def summarise(res: ResultsFolder) -> dict:
    """Per member: probability of exit by the horizon and credibility at the horizon; for the
    alliance: active members at the horizon. From the per-run tables where the folder has them,
    otherwise from the monthly summary (which has no exit-by-horizon figure)."""
    m = res.monthly
    last = m[m["month"] == m["month"].max()].set_index("state")
    members = res.members
    out: dict = {"horizon": res.horizon, "runs": res.runs_count, "members": members,
                 "p_active_at_horizon": {s: round(float(last.at[s, "p_active"]), 6) for s in members},
                 "credibility_at_horizon": {s: round(float(last.at[s, "cred_mean"]), 6) for s in members},
                 "expected_active_members": round(float(last["p_active"].sum()), 6)}
    if res.has_per_run:
        f = res.final[res.final["state"].isin(members)]
        p_exit = (f["first_exit_month"] >= 0).groupby(f["state"]).mean()
        out["p_exit_by_horizon"] = {s: round(float(p_exit.get(s, 0.0)), 6) for s in members}
        p_out = f["standing"].isin(OUT_STANDINGS).groupby(f["state"]).mean()
        out["p_out_at_horizon"] = {s: round(float(p_out.get(s, 0.0)), 6) for s in members}
        r = res.runs
        out["active_members_mean"] = round(float(r["active_members"].mean()), 6)
        out["p_any_exit"] = round(float((f.groupby("run")["first_exit_month"].max() >= 0).mean()), 6)
        out["requests_mean"] = round(float(r["requests"].mean()), 6)
        out["refused_mean"] = round(float(r["refused"].mean()), 6)
    return out
