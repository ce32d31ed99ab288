"""The calibration's fit, every evaluation from scratch against the likelihood's memory, side by side
in one run: ``make bench-fit`` (``.venv/bin/python benchmarks/fit.py``).

The likelihood remembers the council's answers and the membership probabilities by the values of
the parameters their mechanisms declare (``likelihood.reads``). "From scratch" forgets them before
every evaluation and computes the logistic function as ``1 / (1 + exp(-x))`` and the Gauss-Hermite
nodes at every call, as the likelihood did before; "remembering" is the likelihood as it is. Both
give the same numbers (checked here, and by ``tests/calibration/test_likelihood.py``). Measured,
on the CSTO and NATO records at the registry's defaults:

* one evaluation (``likelihood.loglik``);
* one forward-difference gradient over the fit's parameters (``fit.PRIORS``), as L-BFGS-B takes it:
  the evaluation at the point and one step in each parameter;
* one fit, the mode alone (``fit.fit(..., uncertainty=False)``) on the decisions known by
  ``--until``, and, with ``--hessian``, the Laplace approximation too (several minutes from scratch).

Seconds are CPU time of this process (single-threaded work)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import time

import numpy as np


def _cpu(fn):
    c = time.process_time()
    out = fn()
    return time.process_time() - c, out


@contextlib.contextmanager
def from_scratch(obs):
    """Every evaluation as before the likelihood remembered: nothing kept, the old logistic, the nodes recomputed."""
    from foedus.calibration import likelihood
    from foedus.model import decision
    from foedus.treaty import procedure

    score, sigmoid, hermite = likelihood.score, decision.sigmoid, procedure._hermite_e

    def forgetful(params, o, intercepts=None):
        for rec in o.records:
            rec.cache.clear()
        return score(params, o, intercepts)

    def logistic(x):
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))

    likelihood.score, decision.sigmoid = forgetful, logistic
    procedure._hermite_e = hermite.__wrapped__
    try:
        yield
    finally:
        likelihood.score, decision.sigmoid, procedure._hermite_e = score, sigmoid, hermite
        for rec in obs.records:
            rec.cache.clear()


def gradient(obs, values: dict, names: tuple[str, ...]) -> np.ndarray:
    from foedus.calibration import likelihood

    f0 = likelihood.loglik(values, obs)
    out = []
    for n in names:
        step = 1e-8 * max(abs(values[n]), 1.0)
        out.append((likelihood.loglik(dict(values, **{n: values[n] + step}), obs) - f0) / step)
    return np.array(out)


def measure(obs, until, hessian: bool) -> dict:
    from foedus.calibration import fit, likelihood
    from foedus.model.parameters import registry

    values = {n: p.default for n, p in registry().items()}
    names = tuple(p.name for p in fit.PRIORS)
    out = {}
    out["evaluation"] = _cpu(lambda: likelihood.loglik(values, obs))
    out["gradient"] = _cpu(lambda: gradient(obs, values, names))
    out["fit"] = _cpu(lambda: fit.fit(obs, until, uncertainty=hessian))
    return out


def main(argv=None) -> int:
    from foedus.calibration.observations import build

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--until", default="2005-01-01", help="the fit's decisions known by this date (default 2005-01-01; "
                                                           "'all': the whole record, minutes from scratch)")
    ap.add_argument("--hessian", action="store_true", help="the fit with its Laplace approximation")
    a = ap.parse_args(argv)
    until = None if a.until == "all" else dt.date.fromisoformat(a.until)
    obs = build(("csto", "nato"))
    with from_scratch(obs):
        old = measure(obs, until, a.hessian)
    new = measure(obs, until, a.hessian)
    fits = (old["fit"][1], new["fit"][1])
    print(f"foedus fit: CPU time of this process, CSTO and NATO records; fit on the decisions known by {a.until}"
          + (" with its Laplace approximation" if a.hessian else ", the mode alone"))
    print(f"  {'':34s} {'from scratch':>13s} {'remembering':>12s} {'ratio':>7s}")
    for what, unit, scale in (("evaluation", "ms", 1000), ("gradient", "ms", 1000), ("fit", "s", 1)):
        o, n = old[what][0] * scale, new[what][0] * scale
        label = {"evaluation": "one likelihood evaluation", "gradient": f"one gradient ({len(old['gradient'][1])} steps + 1)",
                 "fit": f"one fit ({fits[0].evaluations} evaluations)"}[what]
        print(f"  {label:34s} {o:10.1f} {unit:2s} {n:9.1f} {unit:2s} {o / max(n, 1e-9):6.1f}x")
    print(f"  largest difference: log-likelihood {abs(old['evaluation'][1] - new['evaluation'][1]):.1e}, "
          f"gradient {np.max(np.abs(old['gradient'][1] - new['gradient'][1])):.1e}, "
          f"fitted values {np.max(np.abs(fits[0].values - fits[1].values)):.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
