"""Tables from a merged :class:`~foedus.ensemble.summary.Summary` (columns as in docs/results.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.engine.compile import Model
from foedus.engine.step import COUNTERS
from foedus.ensemble.summary import FIXED, Summary
from foedus.treaty.membership import MEMBER_STANDINGS, Standing

QS = (0.05, 0.25, 0.5, 0.75, 0.95)
STANDING_COLS = ("active", "frozen", "notice", "withdrawn", "suspended")
_MEMBER = sorted(int(s) for s in MEMBER_STANDINGS)


def monthly(model: Model, s: Summary) -> pd.DataFrame:
    a = s.arrays
    R = int(a["runs"])
    M, N = model.months, model.n_states
    sc = a["standing_counts"] / R
    q = s.quantiles(a["cred_hist"], QS)
    oc = a["outcome_counts"] / R
    cols = {
        "month": np.repeat(np.array(model.month_dates(), dtype="datetime64[D]"), N),
        "state": np.tile(np.array(model.codes, dtype=object), M),
    }
    for name in STANDING_COLS:
        cols[f"p_{name}"] = sc[:, :, int(Standing[name])].ravel()
    cols["p_member"] = sc[:, :, _MEMBER].sum(-1).ravel()
    cols["cred_mean"] = (a["cred_sum"] / FIXED / R).ravel()
    for i, qq in enumerate(QS):
        cols[f"cred_q{int(round(qq * 100)):02d}"] = q[:, :, i].ravel()
    cols["requests"] = oc.sum(-1).ravel()
    cols["honoured_full"] = oc[:, :, 0].ravel()
    cols["honoured_part"] = oc[:, :, 1].ravel()
    cols["refused"] = oc[:, :, 2].ravel()
    return pd.DataFrame(cols)


def final(model: Model, s: Summary) -> pd.DataFrame | None:
    a = s.arrays
    if "run" not in a:
        return None
    R, N = a["final_standing"].shape
    names = np.array([st.name for st in Standing], dtype=object)
    return pd.DataFrame({
        "run": np.repeat(a["run"], N).astype(np.int64),
        "state": np.tile(np.array(model.codes, dtype=object), R),
        "standing": names[a["final_standing"].ravel()],
        "first_exit_month": a["first_exit"].ravel().astype(np.int64),
        "credibility": a["final_cred"].ravel(),
    })


def runs(model: Model, s: Summary) -> pd.DataFrame | None:
    a = s.arrays
    if "run" not in a:
        return None
    out = {"run": a["run"].astype(np.int64)}
    for i, k in enumerate(COUNTERS):
        out[k] = a["run_counts"][:, i].astype(np.int64)
    out["active_members"] = a["active_members"].astype(np.int64)
    return pd.DataFrame(out)


def members(model: Model) -> list[int]:
    """States that are members (or suspended, invited, applicants) of the focus alliance at the start, the patron included."""
    st = model.standing0[model.focus]
    keep = set(_MEMBER) | {int(Standing.suspended), int(Standing.invited), int(Standing.applicant)}
    return [i for i in range(model.n_states) if int(st[i]) in keep] or list(range(model.n_states))


#: the probabilities of the summary that carry intervals (docs/results.md)
PROBABILITIES = (*(f"p_{n}" for n in STANDING_COLS), "p_left", "p_exit")
_LEFT = [int(Standing.withdrawn), int(Standing.expelled)]


def _per_draw(s: Summary, i: int) -> dict[str, np.ndarray]:
    """State ``i``'s probabilities in each parameter draw (draws with no runs left out)."""
    a = s.arrays
    n = a["draw_runs"]
    keep = n > 0
    st = a["draw_standing"][keep, i, :] / n[keep, None]
    out = {f"p_{name}": st[:, int(Standing[name])] for name in STANDING_COLS}
    out["p_left"] = st[:, _LEFT].sum(-1)
    out["p_exit"] = a["draw_exit"][keep, i] / n[keep]
    return out


def intervals(s: Summary, i: int, pooled: dict[str, float]) -> dict[str, float]:
    """Each probability's 5-95% interval across parameter draws (the quantiles of the per-draw
    probabilities; a point without draws) and its run-to-run 90% interval (Wilson's binomial
    interval on the pooled runs, ``scipy.stats.binomtest``)."""
    from scipy.stats import binomtest

    R = int(s.arrays["runs"])
    out = {}
    for col, per in _per_draw(s, i).items():
        lo, hi = np.quantile(per, (0.05, 0.95))
        ci = binomtest(int(round(pooled[col] * R)), R).proportion_ci(confidence_level=0.9, method="wilson")
        out.update({f"{col}_draws_q05": float(lo), f"{col}_draws_q95": float(hi),
                    f"{col}_runs_q05": float(ci.low), f"{col}_runs_q95": float(ci.high)})
    return out


def summary(model: Model, s: Summary) -> pd.DataFrame:
    """Per member: standing probabilities at the horizon (each with its interval across parameter
    draws and its run-to-run interval), months to first exit, requests, credibility."""
    a = s.arrays
    R = int(a["runs"])
    M = model.months
    last = a["standing_counts"][-1] / R
    q = s.quantiles(a["cred_hist"][-1], (0.05, 0.5, 0.95))
    rows = []
    for i in members(model):
        fe = a["first_exit_hist"][i]
        exited = fe[:M].sum()
        if exited:
            cum = np.cumsum(fe[:M])
            median = float(np.searchsorted(cum, (R + 1) / 2.0)) if cum[-1] >= (R + 1) / 2.0 else None
        else:
            median = None
        oc = a["outcome_counts"][:, i, :].sum(0)
        req = int(oc.sum())
        probs = {f"p_{n}": float(last[i, int(Standing[n])]) for n in STANDING_COLS}
        probs["p_left"] = float(last[i, _LEFT].sum())
        probs["p_exit"] = float(exited / R)
        rows.append({
            "state": model.codes[i],
            **probs,
            "exit_median_months": median,
            "share_no_exit": float(fe[M] / R),
            "requests_per_run": req / R,
            "share_honoured_full": float(oc[0] / req) if req else None,
            "share_honoured_part": float(oc[1] / req) if req else None,
            "cred_q05": float(q[i, 0]), "cred_q50": float(q[i, 1]), "cred_q95": float(q[i, 2]),
            **intervals(s, i, probs),
        })
    return pd.DataFrame(rows)
