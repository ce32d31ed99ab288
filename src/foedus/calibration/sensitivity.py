"""Global sensitivity analysis of a forecast to the behavioural parameters, with SALib.

The parameters vary over the ranges the calibration leaves them: the fitted value plus or minus two
standard errors (a parameter without a standard error — at a bound, or an unfitted run — spans plus
or minus two prior standard deviations), clipped to the registry's bounds. Each sample point is a
small seeded ensemble (``foedus.ensemble``) run through an executor; every point uses the same seed,
so the exogenous draws are common to all points (common random numbers) and differences between
points are the parameters', not noise.

Outputs, at the horizon (``start`` + ``months``), for the scenario's focus alliance:

- ``p_leave[XXX]`` — share of runs in which state XXX has left (withdrawn or expelled);
- ``active_members`` — expected number of members in active standing.

Methods: ``sobol`` (Saltelli sampling, ``SALib.sample.sobol``; first-order S1 and total ST indices,
``SALib.analyze.sobol``) and ``morris`` (elementary effects, ``SALib.sample.morris``; mu*, sigma,
``SALib.analyze.morris``). Morris costs ``trajectories * (D + 1)`` evaluations, Sobol ``N * (D + 2)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from foedus.errors import ArgumentError
from foedus.model.parameters import registry
from foedus.treaty.membership import Standing

METHODS = ("sobol", "morris")
LEFT = (int(Standing.withdrawn), int(Standing.expelled))


@dataclass(frozen=True)
class Point:
    """One sample point: everything a worker needs (picklable)."""

    index: int
    data: object              # ScenarioFiles
    params: dict
    start: dt.date
    months: int
    runs: int
    seed: int
    leaver: int               # index of the state whose leaving is an output


def evaluate(point: Point) -> tuple[int, np.ndarray]:
    """Top-level (for process executors): one seeded ensemble, serial inside, -> (index, outputs)."""
    from foedus.engine.compile import compile_model
    from foedus.ensemble.runner import run_ensemble
    from foedus.model.parameters import Parameters

    model = compile_model(point.data, point.start, point.months,
                          Parameters.for_scenario(point.data.parameters, extra=point.params))
    s = run_ensemble(model, point.runs, point.seed, chunk_size=point.runs, executor="serial")
    final = s.arrays["final_standing"]
    left = np.isin(final[:, point.leaver], LEFT).mean()
    return point.index, np.array([left, s.arrays["active_members"].mean()])


def ranges(calibrated: dict | None, names: tuple[str, ...], width: float = 2.0) -> list[tuple[float, float]]:
    """Per parameter: value +- ``width`` standard errors, clipped to its bounds."""
    from foedus.calibration.fit import PRIORS

    reg = registry()
    prior = {p.name: p for p in PRIORS}
    out = []
    for n in names:
        p = reg[n]
        row = (calibrated or {}).get(n, {})
        centre = float(row.get("value", prior[n].mean if n in prior else p.default))
        se = row.get("se")
        if se is None:
            se = prior[n].sd if n in prior else 0.25 * (p.upper - p.lower)
        lo, hi = max(p.lower, centre - width * se), min(p.upper, centre + width * se)
        if hi <= lo:
            raise ArgumentError("parameter range", f"a non-empty range for {n}", (lo, hi))
        out.append((lo, hi))
    return out


@dataclass(frozen=True)
class Sensitivity:
    method: str
    names: tuple[str, ...]
    bounds: list[tuple[float, float]]
    outputs: tuple[str, ...]
    X: np.ndarray
    Y: np.ndarray
    indices: dict[str, dict[str, np.ndarray]]

    def table(self) -> list[dict]:
        """Rows (output, rank, parameter, indices), ranked within each output."""
        rows = []
        key = "ST" if self.method == "sobol" else "mu_star"
        for o in self.outputs:
            ind = self.indices[o]
            order = np.argsort(-np.nan_to_num(ind[key], nan=-np.inf))
            for rank, i in enumerate(order, 1):
                row = {"output": o, "rank": rank, "parameter": self.names[i],
                       "low": self.bounds[i][0], "high": self.bounds[i][1]}
                for k, v in ind.items():
                    row[k] = float(v[i])
                rows.append(row)
        return rows


def run(data, names: tuple[str, ...], bounds, method: str = "morris", samples: int = 8, runs: int = 200,
        months: int = 60, start: dt.date | None = None, seed: int = 0, leaver: str = "ARM",
        executor: str = "serial", workers: int | None = None, progress=None,
        base: dict[str, float] | None = None) -> Sensitivity:
    """``base``: values of the parameters not varied (e.g. the calibrated ones); the registry's defaults else."""
    from foedus.ensemble.executors import make_executor

    if method not in METHODS:
        raise ArgumentError("--method", " or ".join(METHODS), method)
    if not isinstance(samples, int) or samples < 2:
        raise ArgumentError("--samples", "a whole number of at least 2", samples)
    if method == "sobol" and samples & (samples - 1):
        raise ArgumentError("--samples", "a power of 2 for Sobol sampling (2, 4, 8, 16, ...)", samples)
    if not isinstance(runs, int) or runs < 1:
        raise ArgumentError("--runs", "a whole number of at least 1", runs)
    codes = [s.iso3 for s in data.states]
    if leaver not in codes:
        raise ArgumentError("--leaver", f"a state of the scenario ({', '.join(codes)})", leaver)
    problem = {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}
    if method == "sobol":
        from SALib.sample import sobol as sampler

        X = sampler.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)
    else:
        from SALib.sample import morris as sampler

        X = sampler.sample(problem, samples, num_levels=4, seed=seed)
    start = start or data.scenario.end
    outputs = (f"p_leave[{leaver}]", "active_members")
    Y = np.full((len(X), len(outputs)), np.nan)
    points = [Point(i, data, {**(base or {}), **dict(zip(names, map(float, x)))}, start, months, runs, seed,
                    codes.index(leaver))
              for i, x in enumerate(X)]
    with make_executor(executor, workers) as ex:
        for k, (i, y) in enumerate(ex.map(evaluate, points), 1):
            Y[i] = y
            if progress is not None:
                progress(k, len(points))
    indices: dict[str, dict[str, np.ndarray]] = {}
    for j, o in enumerate(outputs):
        y = Y[:, j]
        if not np.ptp(y) > 0:   # the output never moved over the sample: every index is zero
            keys = ("ST", "ST_conf", "S1", "S1_conf") if method == "sobol" else ("mu_star", "mu_star_conf", "mu", "sigma")
            indices[o] = {k: np.zeros(len(names)) for k in keys}
            continue
        if method == "sobol":
            from SALib.analyze import sobol as analyzer

            r = analyzer.analyze(problem, y, calc_second_order=False, print_to_console=False, seed=seed)
            indices[o] = {k: np.asarray(r[k]) for k in ("ST", "ST_conf", "S1", "S1_conf")}
        else:
            from SALib.analyze import morris as analyzer

            r = analyzer.analyze(problem, X, y, num_levels=4, print_to_console=False, seed=seed)
            indices[o] = {k: np.asarray(r[k], dtype=float) for k in ("mu_star", "mu_star_conf", "mu", "sigma")}
    return Sensitivity(method, tuple(names), list(bounds), outputs, X, Y, indices)


PLOT_MARK = "foedus sensitivity"


def plot(sa: Sensitivity, path) -> None:
    """Horizontal bars of the main index per output (ST with S1 for Sobol; mu* with its confidence for Morris)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    key, conf = ("ST", "ST_conf") if sa.method == "sobol" else ("mu_star", "mu_star_conf")
    fig, axes = plt.subplots(1, len(sa.outputs), figsize=(5.5 * len(sa.outputs), 0.35 * len(sa.names) + 1.8))
    for ax, o in zip(np.atleast_1d(axes), sa.outputs):
        ind = sa.indices[o]
        order = np.argsort(np.nan_to_num(ind[key], nan=-np.inf))
        ypos = np.arange(len(order))
        ax.barh(ypos, ind[key][order], xerr=ind[conf][order], color="#3b6ea5", alpha=0.85, label=key)
        if sa.method == "sobol":
            ax.barh(ypos, ind["S1"][order], color="#e8a33d", alpha=0.9, height=0.45, label="S1")
            ax.legend(loc="lower right", fontsize=8)
        ax.set_yticks(ypos, [sa.names[i] for i in order], fontsize=8)
        ax.set_title(o, fontsize=10)
        ax.set_xlabel(key)
    fig.suptitle(f"Sensitivity ({sa.method})", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": PLOT_MARK})  # the mark: `--plot` replaces such a file only
    plt.close(fig)
