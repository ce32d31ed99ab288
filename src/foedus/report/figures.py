"""The report's figures, drawn with matplotlib (Agg backend: no display needed).

Each function takes results folders (and the scenario where it helps) and returns a Figure. The
palette gives each standing one colour everywhere: active green, frozen amber, notice purple,
suspended red, withdrawn grey.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from foedus.compare.folder import ResultsFolder  # noqa: E402

STANDING_COLOURS = {"p_active": ("active", "#2e8b57"), "p_frozen": ("frozen", "#e0a526"),
                    "p_notice": ("notice given", "#8e44ad"), "p_suspended": ("suspended", "#c0392b"),
                    "p_withdrawn": ("withdrawn", "#9e9e9e")}
ARM_COLOURS = ["#1f3b73", "#d35400", "#16a085", "#8e44ad", "#c0392b", "#7f8c8d", "#2c3e50", "#b7950b"]
STATE_COLOURS = plt.get_cmap("tab10").colors

plt.rcParams.update({"font.size": 10, "axes.titlesize": 11, "axes.spines.top": False,
                     "axes.spines.right": False, "figure.dpi": 100})


def _grid(n: int, ncols: int | None = None, w: float = 4.0, h: float = 2.6):
    if ncols is None:  # an alliance of 30 members gets smaller panels, not a page ten screens long
        ncols = 3 if n <= 9 else 4 if n <= 16 else 6
        if ncols > 3:
            w, h = 12.0 / ncols * 1.1, 2.0
    ncols = min(ncols, max(n, 1))
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows + 0.6), sharex=True, sharey=True,
                             squeeze=False, layout="constrained")
    flat = axes.ravel()
    for ax in flat:
        _date_axis(ax)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _date_axis(ax, maxticks: int = 8) -> None:
    loc = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _names(names: dict[str, str] | None, s: str) -> str:
    return f"{names[s]} ({s})" if names and s in names else s


def standing_bands(res: ResultsFolder, names: dict[str, str] | None = None) -> Figure:
    """Each member's standing over time: the share of runs in each standing, stacked."""
    m = res.monthly
    members = res.members
    fig, axes = _grid(len(members))
    for ax, s in zip(axes, members):
        d = m[m["state"] == s].sort_values("month")
        cols = [c for c in STANDING_COLOURS if c in d]
        ax.stackplot(d["month"], *(d[c].to_numpy() for c in cols), colors=[STANDING_COLOURS[c][1] for c in cols],
                     labels=[STANDING_COLOURS[c][0] for c in cols], alpha=0.9, linewidth=0)
        ax.set_title(_names(names, s))
        ax.set_ylim(0, 1)
        ax.margins(x=0)
        ax.set_yticks([0, 0.5, 1], ["0", "50%", "100%"])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    fig.suptitle("Standing over time: share of runs in each standing", fontweight="bold")
    return fig


def active_members(arms: list[ResultsFolder]) -> Figure:
    """Expected number of active members each month (the sum over members of P(active)), one
    line per arm; the baseline's expected members (frozen ones included) dashed."""
    fig, ax = plt.subplots(figsize=(11, 3.8), layout="constrained")
    for i, res in enumerate(arms):
        m = res.monthly
        d = m[m["state"].isin(res.members)].groupby("month")[["p_active", "p_member"]].sum()
        ax.plot(d.index, d["p_active"], color=ARM_COLOURS[i % len(ARM_COLOURS)], lw=2,
                label=f"{res.variant}: active")
        if i == 0:
            ax.plot(d.index, d["p_member"], color=ARM_COLOURS[0], lw=1, ls="--", label=f"{res.variant}: members (incl. frozen)")
    ax.set_ylabel("expected members")
    ax.margins(x=0)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", frameon=False, fontsize=9)
    ax.set_title("Active members of the alliance, expected number per month", fontweight="bold")
    return fig


def survival(res: ResultsFolder, names: dict[str, str] | None = None) -> Figure:
    """Survival curves of time to exit: share of runs in which the member has not yet taken a step
    out (froze, gave notice, was suspended, left), month by month (``first_exit_month``)."""
    f = res.final
    months = int(res.manifest.get("months") or (f["first_exit_month"].max() + 1))
    start = pd.Timestamp(res.monthly["month"].min())
    t = np.arange(months + 1)
    dates = [start + pd.DateOffset(months=int(k)) for k in t]
    fig, ax = plt.subplots(figsize=(10, 4.2), layout="constrained")
    for i, s in enumerate(res.members):
        e = f.loc[f["state"] == s, "first_exit_month"].to_numpy()
        n = max(len(e), 1)
        exited = np.where(e >= 0, e, months + 10)
        surv = 1.0 - np.searchsorted(np.sort(exited), t, side="right") / n
        ax.step(dates, surv, where="post", color=STATE_COLOURS[i % 10], lw=2, label=_names(names, s))
    ax.set_ylim(-0.02, 1.02)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1], ["0", "25%", "50%", "75%", "100%"])
    ax.set_ylabel("runs with no exit step yet")
    ax.margins(x=0)
    ax.legend(frameon=False, fontsize=9, ncols=2, loc="lower left")
    ax.set_title("Time to exit: share of runs in which the member has not yet taken a step out", fontweight="bold")
    return fig


def credibility_fans(res: ResultsFolder, names: dict[str, str] | None = None) -> Figure:
    """Each member's belief that the alliance helps a member that asks: median, 50% and 90% bands."""
    m = res.monthly
    members = res.members
    fig, axes = _grid(len(members))
    for ax, s in zip(axes, members):
        d = m[m["state"] == s].sort_values("month")
        ax.fill_between(d["month"], d["cred_q05"], d["cred_q95"], color="#1f3b73", alpha=0.18, lw=0, label="90% of runs")
        ax.fill_between(d["month"], d["cred_q25"], d["cred_q75"], color="#1f3b73", alpha=0.38, lw=0, label="50% of runs")
        ax.plot(d["month"], d["cred_q50"], color="#1f3b73", lw=1.8, label="median")
        ax.plot(d["month"], d["cred_mean"], color="#d35400", lw=1, ls="--", label="mean")
        ax.set_title(_names(names, s))
        ax.set_ylim(0, 1)
        ax.margins(x=0)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    fig.suptitle("Credibility: each member's belief that the alliance helps a member that asks", fontweight="bold")
    return fig


def requests_outcomes(res: ResultsFolder, names: dict[str, str] | None = None) -> Figure:
    """Requests for help and how the alliance answered: per year (mean per run), and per member."""
    m = res.monthly.copy()
    m["year"] = m["month"].dt.year
    by_year = m.groupby("year")[["requests", "honoured_full", "honoured_part", "refused"]].sum()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained", width_ratios=[3, 2])
    x = by_year.index.to_numpy()
    bottom = np.zeros(len(x))
    for col, label, colour in (("honoured_full", "help deployed", "#2e8b57"),
                               ("honoured_part", "limited help", "#e0a526"), ("refused", "refused", "#c0392b")):
        ax1.bar(x, by_year[col], bottom=bottom, color=colour, label=label, width=0.8)
        bottom += by_year[col].to_numpy()
    ax1.plot(x, by_year["requests"], "k_", markersize=18, mew=2, label="requests")
    ax1.set_ylabel("per run, per year")
    ax1.set_title("Requests for help and their outcomes", fontweight="bold")
    ax1.legend(frameon=False, fontsize=9)
    by_state = m[m["state"].isin(res.members)].groupby("state")[["honoured_full", "honoured_part", "refused"]].sum()
    by_state = by_state.reindex([s for s in res.members])
    left = np.zeros(len(by_state))
    ylabels = [_names(names, s) for s in by_state.index]
    for col, colour in (("honoured_full", "#2e8b57"), ("honoured_part", "#e0a526"), ("refused", "#c0392b")):
        ax2.barh(ylabels, by_state[col], left=left, color=colour)
        left += by_state[col].to_numpy()
    ax2.invert_yaxis()
    ax2.set_xlabel("answered requests over the horizon, per run")
    ax2.set_title("... by the member that asked", fontweight="bold")
    return fig


def alliance_network(res: ResultsFolder, scenario=None, names: dict[str, str] | None = None) -> Figure:
    """The alliance as a network: the patron at the centre, members around it. A member's colour
    is its chance of still being active at the horizon; a spoke's width its chance of still being a
    member. Red dashed lines join a member to a state that attacked or clashed with it on the record
    or in the scenario's timeline."""
    m = res.monthly
    last = m[m["month"] == m["month"].max()].set_index("state")
    members = res.members
    patron = None
    adversaries: set[tuple[str, str]] = set()
    if scenario is not None:
        focus = scenario.focus
        patron = focus.patron if focus.patron in members else None
        for e in scenario.events:
            if e.alliance == focus.id and e.type.value in ("request", "consultation", "clash"):
                if e.target:
                    adversaries.update((a, e.target) for a in e.actors)
                elif e.type.value == "clash" and len(e.actors) == 2:
                    adversaries.add((e.actors[0], e.actors[1]))
        for c in scenario.data.timeline:
            if c.field == "crisis" and c.aggressor:
                adversaries.add((c.state, c.aggressor))
    ring = [s for s in members if s != patron]
    pos: dict[str, tuple[float, float]] = {}
    if patron:
        pos[patron] = (0.0, 0.0)
    for k, s in enumerate(ring):
        a = math.pi / 2 - 2 * math.pi * k / max(len(ring), 1)
        pos[s] = (math.cos(a), math.sin(a))
    outsiders = sorted({b for a, b in adversaries if b not in members} | {a for a, b in adversaries if a not in members})
    for k, s in enumerate(outsiders):
        # outside the ring, beside the member it threatens
        partner = next((a for a, b in adversaries if b == s and a in pos), None) or \
            next((b for a, b in adversaries if a == s and b in pos), None)
        if partner and partner in pos and pos[partner] != (0.0, 0.0):
            x, y = pos[partner]
            ang = math.atan2(y, x) + 0.45 * (1 + k % 2)
            pos[s] = (1.75 * math.cos(ang), 1.75 * math.sin(ang))
        else:
            pos[s] = (1.75, -1.4 + 0.5 * k)
    fig, ax = plt.subplots(figsize=(8.5, 6), layout="constrained")
    cmap = plt.get_cmap("RdYlGn")
    if patron:
        for s in ring:
            w = float(last.at[s, "p_member"]) if s in last.index else 0.0
            ax.plot(*zip(pos[patron], pos[s]), color="#1f3b73", lw=0.5 + 7 * w, alpha=0.35 + 0.4 * w, zorder=1,
                    solid_capstyle="round")
            mx, my = (pos[patron][0] + pos[s][0]) / 2, (pos[patron][1] + pos[s][1]) / 2
            ax.text(mx, my, f"{w:.0%}", fontsize=8, color="#1f3b73", ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}, zorder=2)
    for a, b in sorted(adversaries):
        if a in pos and b in pos:
            ax.plot(*zip(pos[a], pos[b]), color="#c0392b", lw=1.6, ls="--", zorder=1)
    crowded = len(ring) > 12  # many members: smaller nodes, the colour alone tells P(active)
    for s, (x, y) in pos.items():
        if s in members:
            p = float(last.at[s, "p_active"]) if s in last.index else 0.0
            colour = cmap(p)
            size = 2600 if s == patron else (min(1700, 24000 / len(ring)) if crowded else 1700)
            ax.scatter([x], [y], s=size, color=colour, edgecolors="#1f3b73", linewidths=2, zorder=3)
            ax.text(x, y + 0.02, s, ha="center", va="center", fontsize=8 if crowded else 11, fontweight="bold",
                    zorder=4, color="white" if crowded and p > 0.8 else "black")
            if not crowded:
                ax.text(x, y - 0.2, f"active {p:.0%}", ha="center", va="top", fontsize=8.5, zorder=4,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85})
        else:
            ax.scatter([x], [y], s=1100, color="#eeeeee", edgecolors="#c0392b", linewidths=1.5, zorder=3)
            ax.text(x, y, s, ha="center", va="center", fontsize=10, color="#c0392b", zorder=4)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1))
    cb = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.01)
    cb.set_label(f"P(active) at {res.horizon}")
    title = f"The alliance at {res.horizon}"
    if patron:
        title += f": {patron} and its allies (spoke: P(still a member))"
    ax.set_title(title, fontweight="bold")
    return fig


def variant_differences(table: pd.DataFrame, names: dict[str, str] | None = None,
                        metrics: tuple[str, ...] = ("p_exit", "p_out", "credibility")) -> Figure:
    """Forest plots: each variant's paired difference from the baseline, per member, with its 95%
    interval; one panel per figure (exit by the horizon, out at the horizon, credibility)."""
    from foedus.compare.paired import METRICS

    titles = {"p_exit": "P(exit step by the horizon)", "p_out": "P(out at the horizon)",
              "credibility": "credibility at the horizon"}
    variants = list(dict.fromkeys(table["variant"]))
    states = list(dict.fromkeys(table.loc[table["metric"] == metrics[0], "state"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 0.42 * len(states) * max(1, len(variants)) ** 0.5 + 1.9),
                             sharey=True, layout="constrained", squeeze=False)
    height = 0.7 / max(len(variants), 1)
    for ax, metric in zip(axes[0], metrics):
        t = table[table["metric"] == metric]
        scale = 100.0 if metric in ("p_exit", "p_out") else 1.0  # probabilities in percentage points
        for j, v in enumerate(variants):
            tv = t[t["variant"] == v].set_index("state").reindex(states)
            y = np.arange(len(states)) + (j - (len(variants) - 1) / 2) * height
            err = scale * np.vstack([tv["difference"] - tv["ci_low"], tv["ci_high"] - tv["difference"]])
            ax.errorbar(scale * tv["difference"], y, xerr=np.nan_to_num(err), fmt="o", ms=5,
                        color=ARM_COLOURS[(j + 1) % len(ARM_COLOURS)], capsize=3, label=v)
        ax.axvline(0, color="black", lw=1)
        ax.set_title(titles.get(metric, metric))
        ax.set_xlabel("variant minus baseline" + (", percentage points" if scale != 1.0 else ""))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        ax.grid(axis="x", color="#eeeeee")
    axes[0][0].set_yticks(np.arange(len(states)), [_names(names, s) for s in states])
    axes[0][0].invert_yaxis()
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), frameon=False)
    fig.suptitle("What-if: change from the baseline, paired run by run (95% intervals)", fontweight="bold")
    return fig
