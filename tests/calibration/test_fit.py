"""The MAP fit recovers the parameters of a record the model itself generated, and writes its provenance."""

from __future__ import annotations

import datetime as dt
import tomllib

import numpy as np
import pytest

from foedus.calibration import fit as fitmod
from foedus.calibration import likelihood
from foedus.calibration.observations import Observations, build

TRUE = {"hazard_freeze": -4.0, "hazard_return": -2.0, "member_credibility": 6.0, "decision_base_limited": 1.0,
        "decision_base_deploy": -0.5, "request_base_unrest": 0.5}


def test_fit_recovers_known_parameters_from_a_record_simulated_by_the_model():
    """Twelve copies of the CSTO record's decisions, each outcome drawn from the model at TRUE given the
    recorded state at that decision; a fit under wide priors (sd 10) finds every parameter within three
    of its standard errors, and the standard errors are small enough for that to mean something."""
    csto = build(("csto",))
    # every other parameter is where the fit holds it, at its declared default (likelihood.with_defaults)
    sim = likelihood.draw(TRUE, Observations(csto.records * 12), np.random.default_rng(7))
    moves = sum(int((r.rows["member:active"].y != 0).sum()) for r in sim.records)
    assert moves > 20                                  # the simulated record is not the real one
    priors = tuple(fitmod.Prior(n, -3.0 if n.startswith("hazard") else 0.0, 10.0, "wide", known=fitmod.TREATY_KNOWN) for n in TRUE)
    f = fitmod.fit(sim, None, priors)
    assert f.converged and f.hessian_ok
    for name, value, se in zip(f.names, f.values, f.se):
        assert abs(value - TRUE[name]) < 3 * se, (name, value, se)
    se = dict(zip(f.names, f.se))
    assert se["hazard_freeze"] < 0.3 and se["member_credibility"] < 2.0


def test_fit_on_the_record_before_2020_and_its_parameter_file(real_obs, tmp_path):
    f = fitmod.fit(real_obs, dt.date(2020, 1, 1))
    assert f.converged
    assert f.counts["member:active"] > 15_000 and f.counts["renewal"] == 8
    # the mode is a mode: nudging any free parameter lowers the log posterior
    base = f.parameters()
    post = f.log_posterior
    for name in ("hazard_freeze", "decision_base_limited", "member_credibility"):
        for step in (-0.05, 0.05):
            v = dict(base, **{name: base[name] + step})
            assert likelihood.loglik(v, real_obs, dt.date(2020, 1, 1)) + fitmod.log_prior(v) < post
    doc = fitmod.provenance(f, real_obs, "foedus calibrate --until 2020-01-01", {"csto": "x", "nato": "y"})
    path = fitmod.write(tmp_path / "p.toml", doc)
    back = tomllib.loads(path.read_text())
    prov = back["provenance"]
    assert prov["data_until"] == "2020-01-01" and prov["converged"] is True
    assert {"optimiser", "log_likelihood", "log_prior", "uncertainty", "priors", "scenarios"} <= set(prov)
    row = back["parameters"]["decision_base_deploy"]
    assert {"value", "se", "prior", "prior_source"} <= set(row)
    assert "Berkemeier" in row["prior_source"]
    assert fitmod.values_of(back)["hazard_freeze"] == pytest.approx(base["hazard_freeze"])
