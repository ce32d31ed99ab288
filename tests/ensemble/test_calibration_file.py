"""A calibration file given with ``--parameters`` (or ``calibration=``) is a calibration: its values
are the fit and, with parameter draws, its own posterior is drawn -- never the shipped fit's with
every fitted parameter held fixed."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

import foedus
from foedus.errors import ArgumentError
from foedus.model import posterior
from foedus.model.parameters import CALIBRATED_POOLED as POOLED
from foedus.retrodiction import retrodict


@pytest.fixture(scope="module")
def no_posterior(tmp_path_factory):
    """A calibration file with values and no ``[posterior]`` (a hand-written what-if)."""
    path = tmp_path_factory.mktemp("calibration") / "hand-written.toml"
    path.write_text(tomli_w.dumps({"parameters": {"hazard_freeze": {"value": -5.0}}}))
    return path


def _pooled_fitted() -> int:
    return len(posterior.read(POOLED).names)


def test_the_draws_come_from_the_files_posterior(cli, tmp_path):
    assert _pooled_fitted() > 0
    said = f"3 draws from the posterior of {_pooled_fitted()} fitted parameters ({POOLED.name}"
    code, out, err = cli("simulate", "csto", "--months", "3", "--runs", "6", "--param-draws", "3", "--seed", "1",
                         "--parameters", str(POOLED), "-o", str(tmp_path / "sim"), "--json")
    assert code == 0, err
    manifest = json.loads(out)["manifest"]
    assert said in manifest["draws"] and manifest["calibration"] == POOLED.name
    code, out, err = cli("retrodict", "csto", "--from", "2024-01-01", "--to", "2024-03", "--runs", "6",
                         "--param-draws", "3", "--parameters", str(POOLED), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert said in doc["parameters"] and doc["calibration"] == str(POOLED)


def test_one_draw_runs_the_files_values(cli, tmp_path):
    values = posterior.fitted_values(POOLED)
    a = retrodict("csto", "2020-01-01", "2021-12", runs=30, seed=3, param_draws=1, calibration=POOLED)
    b = retrodict("csto", "2020-01-01", "2021-12", runs=30, seed=3, param_draws=1, parameters=values)
    pd.testing.assert_frame_equal(a.draws, b.draws)
    assert a.parameters == "parameters: the fitted values (no parameter draws)"
    code, out, err = cli("simulate", "csto", "--months", "2", "--runs", "4", "--param-draws", "1",
                         "--parameters", str(POOLED), "-o", str(tmp_path / "sim"), "--json")
    assert code == 0, err
    ran = json.loads(out)["manifest"]["parameters"]
    assert all(ran[n] == pytest.approx(v) for n, v in values.items() if n in ran)


def test_a_forecast_with_the_pooled_file_is_the_whole_records(cli):
    """``foedus forecast --parameters calibrated-pooled.toml``: the same calibration, seed and draws as
    the forecast's own 'whole record' column, so the same figures."""
    code, out, err = cli("forecast", "csto", "--by", "2026", "--runs", "12", "--param-draws", "3", "--seed", "2",
                         "--no-codings", "--parameters", str(POOLED), "--json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    strip = lambda label: [{k: v for k, v in r.items() if k != "coding"} for r in rows if r["coding"] == label]  # noqa: E731
    assert strip(POOLED.name) == strip("whole record") != []


def test_a_file_without_a_posterior_runs_its_values_and_refuses_draws_in_one_line(no_posterior, cli):
    res = foedus.simulate("csto", months=2, runs=4, seed=0, param_draws=1, calibration=no_posterior)
    assert res.manifest["parameters"]["hazard_freeze"] == -5.0
    with pytest.raises(ArgumentError, match=r"param.draws.*\[posterior\].*hand-written.toml"):
        foedus.simulate("csto", months=2, runs=4, seed=0, param_draws=2, calibration=no_posterior)
    code, out, err = cli("forecast", "csto", "--by", "2026", "--runs", "4", "--param-draws", "2", "--no-codings",
                         "--no-whole-record", "--parameters", str(no_posterior))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "[posterior]" in err


@settings(max_examples=40, deadline=None)
@given(k=st.integers(0, 10_000))
def test_draws_from_a_file_need_its_posterior_and_its_values_are_the_fit(no_posterior, k):
    post, values = posterior.calibrated(POOLED, k)
    assert post.names and values == posterior.fitted_values(POOLED)
    if k <= 1:
        assert posterior.calibrated(no_posterior, k) == (None, {"hazard_freeze": -5.0})
    else:
        with pytest.raises(ArgumentError, match="param.draws"):
            posterior.calibrated(no_posterior, k)
