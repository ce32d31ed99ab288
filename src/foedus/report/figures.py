"""The report's figures, drawn with matplotlib (Agg backend: no display needed).

Each function takes results folders (and the scenario where it helps) and returns a Figure. The
palette gives each standing one colour everywhere: active green, frozen amber, notice purple,
suspended red, withdrawn grey.

Figures are drawn narrow (``WIDTH`` inches) with 11-point text and shown as SVG at the page's width:
on a 400-pixel phone their text stays about 11 pixels high, on a desktop they grow to at most 1.4
times their size. Legends sit below the axes, never on the data; count axes start at zero.
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
from foedus.ensemble.draws import draw_of  # noqa: E402

STANDING_COLOURS = {"p_active": ("active", "#2e8b57"), "p_frozen": ("frozen", "#e0a526"),
                    "p_notice": ("notice given", "#8e44ad"), "p_suspended": ("suspended", "#c0392b"),
                    "p_withdrawn": ("withdrawn", "#9e9e9e")}
ARM_COLOURS = ["#1f3b73", "#d35400", "#16a085", "#8e44ad", "#c0392b", "#7f8c8d", "#2c3e50", "#b7950b"]
STATE_COLOURS = plt.get_cmap("tab10").colors

WIDTH = 4.8  # inches: 460 px of SVG, shown from 360 px (a phone) to 640 px (a desktop)
plt.rcParams.update({"font.size": 11, "axes.titlesize": 11, "axes.labelsize": 11, "xtick.labelsize": 11,
                     "ytick.labelsize": 11, "legend.fontsize": 11, "figure.titlesize": 12,
                     "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
                     "svg.fonttype": "none"})
#: a member whose chance of any standing but active stays under this all along "does not move"
MOVES = 0.02


def moving_members(res: ResultsFolder) -> list[str]:
    """The members whose standing moves: at some month, in at least ``MOVES`` of the runs, they are
    not active (32 panels of NATO members that all stay active say nothing)."""
    m = res.monthly
    low = m[m["state"].isin(res.members)].groupby("state")["p_active"].min()
    return [s for s in res.members if low.get(s, 1.0) <= 1.0 - MOVES]


def _legend_below(fig, handles, labels, ncols: int = 2) -> None:
    fig.legend(handles, labels, loc="outside lower center", ncols=min(ncols, max(len(labels), 1)), frameon=False)


def _grid(n: int, ncols: int = 2, h: float = 1.9):
    ncols = min(ncols, max(n, 1))
    w = WIDTH / ncols
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows + 0.6), sharex=True, sharey=True,
                             squeeze=False, layout="constrained")
    flat = axes.ravel()
    for ax in flat:
        _date_axis(ax)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _date_axis(ax, maxticks: int = 5) -> None:
    loc = mdates.AutoDateLocator(minticks=2, maxticks=maxticks)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _names(names: dict[str, str] | None, s: str) -> str:
    return f"{names[s]} ({s})" if names and s in names else s


def standing_bands(res: ResultsFolder, names: dict[str, str] | None = None) -> Figure:
    """Each moving member's standing over time (``moving_members``): the share of runs in each
    standing, stacked."""
    m = res.monthly
    members = moving_members(res)
    fig, axes = _grid(len(members))
    for ax, s in zip(axes, members):
        d = m[m["state"] == s].sort_values("month")
        cols = [c for c in STANDING_COLOURS if c in d]
        ax.stackplot(d["month"], *(d[c].to_numpy() for c in cols), colors=[STANDING_COLOURS[c][1] for c in cols],
                     labels=[STANDING_COLOURS[c][0] for c in cols], alpha=0.9, linewidth=0)
        ax.set_title(s if len(members) > 1 else _names(names, s))
        ax.set_ylim(0, 1)
        ax.margins(x=0)
        ax.set_yticks([0, 0.5, 1], ["0", "50%", "100%"])
    handles, labels = axes[0].get_legend_handles_labels()
    _legend_below(fig, handles, labels, ncols=3)
    fig.suptitle("Share of runs in each standing", fontweight="bold")
    return fig


def active_members(arms: list[ResultsFolder]) -> Figure:
    """Expected number of active members each month (the sum over members of P(active)), one
    line per arm; the baseline's expected members (frozen ones included) dashed."""
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4 + 0.25 * len(arms)), layout="constrained")
    for i, res in enumerate(arms):
        m = res.monthly
        d = m[m["state"].isin(res.members)].groupby("month")[["p_active", "p_member"]].sum()
        ax.plot(d.index, d["p_active"], color=ARM_COLOURS[i % len(ARM_COLOURS)], lw=2,
                label=f"{res.variant}: active")
        if i == 0:
            ax.plot(d.index, d["p_member"], color=ARM_COLOURS[0], lw=1, ls="--", label=f"{res.variant}: members (incl. frozen)")
    ax.set_ylabel("expected members")
    ax.set_ylim(bottom=0)  # a count: from zero, so that a fall of one member looks like one
    ax.margins(x=0)
    _date_axis(ax)
    _legend_below(fig, *ax.get_legend_handles_labels(), ncols=1)
    ax.set_title("Expected active members per month", fontweight="bold")
    return fig


def survival(res: ResultsFolder, names: dict[str, str] | None = None) -> Figure:
    """Survival curves of time to exit: share of runs in which the member has not yet taken a step
    out (froze, gave notice, was suspended, left), month by month (``first_exit_month``)."""
    f = res.final
    months = int(res.manifest.get("months") or (f["first_exit_month"].max() + 1))
    start = pd.Timestamp(res.monthly["month"].min())
    t = np.arange(months + 1)
    dates = [start + pd.DateOffset(months=int(k)) for k in t]
    members = moving_members(res) or res.members
    fig, ax = plt.subplots(figsize=(WIDTH, 3.6 + 0.22 * math.ceil(len(members) / 2)), layout="constrained")
    k = int(res.manifest.get("param_draws") or 1)
    for i, s in enumerate(members):
        rows = f[f["state"] == s]
        e = rows["first_exit_month"].to_numpy()
        colour = STATE_COLOURS[i % 10]
        ax.step(dates, _surviving(e, t, months), where="post", color=colour, lw=2, label=s)
        if k > 1:   # the band: 5-95% across parameter draws of the survival curve within each draw
            draw = draw_of(rows["run"].to_numpy(), int(res.manifest["runs"]), k)
            per = np.array([_surviving(e[draw == d], t, months) for d in np.unique(draw)])
            lo, hi = np.quantile(per, (0.05, 0.95), axis=0)
            ax.fill_between(dates, lo, hi, step="post", color=colour, alpha=0.15, linewidth=0)
    ax.set_ylim(-0.02, 1.02)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1], ["0", "25%", "50%", "75%", "100%"])
    ax.set_ylabel("runs with no step out yet")
    ax.margins(x=0)
    _date_axis(ax)
    _legend_below(fig, *ax.get_legend_handles_labels(), ncols=2)
    ax.set_title("Members with no step out yet", fontweight="bold")
    return fig


def _surviving(first_exit: np.ndarray, t: np.ndarray, months: int) -> np.ndarray:
    """The share of runs with no step out yet at each month of ``t``."""
    n = max(len(first_exit), 1)
    exited = np.where(first_exit >= 0, first_exit, months + 10)
    return 1.0 - np.searchsorted(np.sort(exited), t, side="right") / n


def credibility_fans(res: ResultsFolder, names: dict[str, str] | None = None) -> Figure:
    """Each member's belief that the alliance helps a member that asks: median, 50% and 90% bands
    over time; for more than eight members, the same bands at the horizon, one line per member."""
    m = res.monthly
    members = res.members
    if len(members) > 8:
        return _credibility_at_horizon(res)
    fig, axes = _grid(len(members))
    for ax, s in zip(axes, members):
        d = m[m["state"] == s].sort_values("month")
        ax.fill_between(d["month"], d["cred_q05"], d["cred_q95"], color="#1f3b73", alpha=0.18, lw=0, label="90% of runs")
        ax.fill_between(d["month"], d["cred_q25"], d["cred_q75"], color="#1f3b73", alpha=0.38, lw=0, label="50% of runs")
        ax.plot(d["month"], d["cred_q50"], color="#1f3b73", lw=1.8, label="median")
        ax.plot(d["month"], d["cred_mean"], color="#d35400", lw=1, ls="--", label="mean")
        ax.set_title(s)
        ax.set_ylim(0, 1)
        ax.margins(x=0)
    handles, labels = axes[0].get_legend_handles_labels()
    _legend_below(fig, handles, labels, ncols=2)
    fig.suptitle("Credibility: belief that the alliance helps", fontweight="bold")
    return fig


def _credibility_at_horizon(res: ResultsFolder) -> Figure:
    m = res.monthly
    last = m[(m["month"] == m["month"].max()) & m["state"].isin(res.members)].set_index("state").reindex(res.members)
    fig, ax = plt.subplots(figsize=(WIDTH, 1.6 + 0.24 * len(res.members)), layout="constrained")
    y = np.arange(len(res.members))
    ax.hlines(y, last["cred_q05"], last["cred_q95"], color="#1f3b73", alpha=0.35, lw=6, label="90% of runs")
    ax.hlines(y, last["cred_q25"], last["cred_q75"], color="#1f3b73", alpha=0.7, lw=6, label="50% of runs")
    ax.plot(last["cred_q50"], y, "|", color="white", ms=8, mew=2, label="median")
    ax.set_yticks(y, res.members)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"credibility at {res.horizon[:7]}")
    _legend_below(fig, *ax.get_legend_handles_labels(), ncols=2)
    ax.set_title("Credibility at the horizon", fontweight="bold")
    return fig


def complete_years(res: ResultsFolder) -> tuple[list[int], list[str]]:
    """The calendar years the run covers whole, and the partial ones as 'YYYY (n months)': a
    year of 10 simulated months is not shown beside years of 12."""
    months = pd.Series(pd.to_datetime(res.monthly["month"].unique()))
    counts = months.dt.year.value_counts().sort_index()
    whole = [int(y) for y, n in counts.items() if n == 12]
    partial = [f"{y} ({n} month{'s' if n > 1 else ''})" for y, n in counts.items() if n < 12]
    return whole, partial


def requests_outcomes(res: ResultsFolder, names: dict[str, str] | None = None) -> Figure:
    """Requests for help and how the alliance answered: per whole calendar year (mean per run),
    then per member over the horizon."""
    m = res.monthly.copy()
    m["year"] = m["month"].dt.year
    whole, _ = complete_years(res)
    by_year = m[m["year"].isin(whole)].groupby("year")[["requests", "honoured_full", "honoured_part", "refused"]].sum()
    n = len(res.members)
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(WIDTH, 5.4 + 0.22 * n), layout="constrained",
                                   height_ratios=[3, 1 + 0.22 * n])
    x = by_year.index.to_numpy()
    bottom = np.zeros(len(x))
    for col, label, colour in (("honoured_full", "help deployed", "#2e8b57"),
                               ("honoured_part", "limited help", "#e0a526"), ("refused", "refused", "#c0392b")):
        ax1.bar(x, by_year[col], bottom=bottom, color=colour, label=label, width=0.8)
        bottom += by_year[col].to_numpy()
    ax1.set_ylim(bottom=0)
    ax1.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5, integer=True))
    ax1.set_ylabel("per run, per year")
    ax1.set_title("Answered requests per whole year", fontweight="bold")
    by_state = m[m["state"].isin(res.members)].groupby("state")[["honoured_full", "honoured_part", "refused"]].sum()
    by_state = by_state.reindex([s for s in res.members])
    left = np.zeros(len(by_state))
    for col, colour in (("honoured_full", "#2e8b57"), ("honoured_part", "#e0a526"), ("refused", "#c0392b")):
        ax2.barh(list(by_state.index), by_state[col], left=left, color=colour)
        left += by_state[col].to_numpy()
    ax2.invert_yaxis()
    ax2.set_xlabel("per run, over the horizon")
    ax2.set_title("... by the member that asked", fontweight="bold")
    _legend_below(fig, *ax1.get_legend_handles_labels(), ncols=3)
    return fig


def alliance_network(res: ResultsFolder, scenario=None, names: dict[str, str] | None = None) -> Figure | None:
    """The alliance as a network: the patron at the centre, members around it. A member's colour
    is its chance of still being active at the horizon; a spoke's width its chance of still being a
    member. Red dashed lines join a member to a state that attacked or clashed with it on the record
    or in the scenario's timeline. None for an alliance with no patron among its members (NATO's
    ring of nodes without spokes said nothing the table does not)."""
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
    if patron is None:
        return None
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
    fig, ax = plt.subplots(figsize=(WIDTH, WIDTH * 0.95), layout="constrained")
    cmap = plt.get_cmap("RdYlGn")
    if patron:
        for s in ring:
            w = float(last.at[s, "p_member"]) if s in last.index else 0.0
            ax.plot(*zip(pos[patron], pos[s]), color="#1f3b73", lw=0.5 + 7 * w, alpha=0.35 + 0.4 * w, zorder=1,
                    solid_capstyle="round")
            mx, my = (pos[patron][0] + pos[s][0]) / 2, (pos[patron][1] + pos[s][1]) / 2
            ax.text(mx, my, f"{w:.0%}", fontsize=11, color="#1f3b73", ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}, zorder=2)
    for a, b in sorted(adversaries):
        if a in pos and b in pos:
            ax.plot(*zip(pos[a], pos[b]), color="#c0392b", lw=1.6, ls="--", zorder=1)
    crowded = len(ring) > 12  # many members: smaller nodes, the colour alone tells P(active)
    for s, (x, y) in pos.items():
        if s in members:
            p = float(last.at[s, "p_active"]) if s in last.index else 0.0
            colour = cmap(p)
            size = 1500 if s == patron else (min(900, 14000 / len(ring)) if crowded else 900)
            ax.scatter([x], [y], s=size, color=colour, edgecolors="#1f3b73", linewidths=2, zorder=3)
            ax.text(x, y + 0.02, s, ha="center", va="center", fontsize=11, fontweight="bold",
                    zorder=4, color="white" if crowded and p > 0.8 else "black")
            if not crowded:
                ax.text(x, y - 0.2, f"{p:.0%}", ha="center", va="top", fontsize=11, zorder=4,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85})
        else:
            ax.scatter([x], [y], s=700, color="#eeeeee", edgecolors="#c0392b", linewidths=1.5, zorder=3)
            ax.text(x, y, s, ha="center", va="center", fontsize=11, color="#c0392b", zorder=4)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1))
    cb = fig.colorbar(sm, ax=ax, shrink=0.7, pad=0.01, location="bottom")
    cb.set_label(f"colour, and % under a member: chance active at {res.horizon[:7]}")
    ax.set_title(f"{patron} and its allies at {res.horizon[:7]}", fontweight="bold")
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
    panel = 0.3 * len(states) * max(1, len(variants)) ** 0.5 + 1.1
    fig, axes = plt.subplots(len(metrics), 1, figsize=(WIDTH, panel * len(metrics) + 0.4 * len(variants) + 0.6),
                             layout="constrained", squeeze=False)
    axes = axes.T
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
        ax.set_xlabel("minus the baseline" + (", percentage points" if scale != 1.0 else ""))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        ax.grid(axis="x", color="#eeeeee")
        ax.set_yticks(np.arange(len(states)), states)
        ax.invert_yaxis()
    handles, labels = axes[0][0].get_legend_handles_labels()
    _legend_below(fig, handles, labels, ncols=2)
    fig.suptitle("Change from the baseline (95% intervals)", fontweight="bold")
    return fig


def sensitivity(indices: pd.DataFrame, method: str) -> Figure:
    """The SALib indices of ``foedus sensitivity`` (``indices.csv``): per output, one bar per
    parameter, longest on top (Morris: mu* with its confidence; Sobol: total index ST with S1)."""
    key, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    outputs = list(dict.fromkeys(indices["output"]))
    n = indices["parameter"].nunique()
    fig, axes = plt.subplots(len(outputs), 1, figsize=(WIDTH, (0.24 * n + 1.0) * len(outputs) + 0.4),
                             layout="constrained", squeeze=False)
    for ax, o in zip(axes[:, 0], outputs):
        d = indices[indices["output"] == o].sort_values(key)
        y = np.arange(len(d))
        ax.barh(y, d[key], xerr=d[conf] if conf in d else None, color="#3b6ea5", height=0.7,
                error_kw={"lw": 1, "ecolor": "#555"})
        if method == "sobol" and "S1" in d:
            ax.barh(y, d["S1"], color="#e0a526", height=0.35)
        ax.set_yticks(y, d["parameter"])
        ax.set_xlim(left=0)
        ax.set_title(o, loc="left")
        ax.set_xlabel("mu*" if method == "morris" else "ST (S1 inside)")
    fig.suptitle("What moves the forecast", fontweight="bold")
    return fig
