"""foedus calibrate, backtest and sensitivity end to end on small settings; bad input is exit 2, one line."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest


def foedus(*args, cwd=None):
    """``foedus ARGS`` as a separate process: the real exit code and streams."""
    code = "import sys; from foedus.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_calibrate_writes_a_parameter_file_with_provenance(tmp_path):
    out = tmp_path / "fit.toml"
    r = foedus("calibrate", "--until", "2005-01-01", "--scenarios", "csto", "-o", str(out))
    assert r.returncode == 0, r.stderr
    doc = tomllib.loads(out.read_text())
    assert doc["provenance"]["data_until"] == "2005-01-01"
    assert doc["provenance"]["decisions"]["renewal"] == 8
    assert "hazard_lapse" in doc["parameters"] and "written:" in r.stdout
    from foedus.registry import list_runs        # the run is in the experiment registry (FOEDUS_HOME: tests/conftest.py)

    runs = list_runs("calibrate")
    assert runs and runs[0]["command"].startswith("foedus calibrate --until 2005-01-01")


def test_backtest_end_to_end_on_the_csto_record(tmp_path):
    r = foedus("backtest", "--split", "2020-01-01", "--scenarios", "csto", "--rows", "none", "--json",
               "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    groups = {g["group"]: g for g in out["summary"]}
    assert groups["csto membership"]["model_log"] > groups["csto membership"]["base_rate_log"]
    assert (tmp_path / "decisions.csv").read_text().count("\n") == groups["csto all"]["decisions"] + 1


def test_backtest_at_rolling_splits_gives_one_table_one_step_and_multi_year():
    r = foedus("backtest", "--splits", "2024", "--scenarios", "csto", "--runs", "20", "--folds", "0", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    scored = {(row["split"], row["scored"]) for row in out["rows"]}
    assert {("2024-01-01", "one-step"), ("2024-01-01", "one-step members"), ("2024-01-01", "counts 1 y"),
            ("pooled", "counts 1 y")} <= scored
    assert ("2024-01-01", "counts 3 y") not in scored          # 2027 is past the end of the record
    freezes = next(c for c in out["cells"] if c["event"] == "freezes")
    assert freezes["real"] == 1 and set(freezes["crps"]) == {"model", "base_rate", "exit_logit", "nobody_moves"}
    assert [c["covariate"] for c in out["exit_logit"]["2024-01-01"]] == ["constant", "power_change", "outside_alliance", "regime_change"]
    # the multi-year runs split across 20 parameter draws from the fit before 2024, as foedus forecast splits its runs
    assert out["param_draws"] == 20 and out["drawn"]["2024-01-01"]["param_draws"] == 20
    assert "hazard_freeze" in out["drawn"]["2024-01-01"]["drawn"]


def test_a_scenario_value_without_its_date_is_refused_naming_the_file_and_field(scenario_copy):
    folder = scenario_copy("csto")
    text = (folder / "behaviour.toml").read_text()
    (folder / "behaviour.toml").write_text(text.replace("known = 2014-12-31\n", "", 1))
    r = foedus("backtest", "--scenarios", str(folder))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "behaviour.toml" in r.stderr and "known" in r.stderr
    (folder / "behaviour.toml").write_text(text.replace("known = 2014-12-31", "known = \"last year\"", 1))
    r = foedus("backtest", "--scenarios", str(folder))
    assert r.returncode == 2 and "known" in r.stderr and "Traceback" not in r.stderr


def test_sensitivity_end_to_end_with_a_table_and_a_plot(tmp_path):
    png = tmp_path / "s.png"
    r = foedus("sensitivity", "csto", "--method", "morris", "--samples", "2", "--runs", "20", "--months", "24",
               "--param", "hazard_notice", "--param", "hazard_freeze", "--param", "member_credibility",
               "--plot", str(png), "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "p_leave[ARM]" in r.stdout and "active_members" in r.stdout and "mu_star" in r.stdout
    assert png.read_bytes()[:4] == b"\x89PNG"
    rows = (tmp_path / "indices.csv").read_text().splitlines()
    assert len(rows) == 1 + 2 * 3


@pytest.mark.parametrize("args, says", [
    (("calibrate", "--until", "yesterday"), "--until"),
    (("backtest", "--split", "1900-01-01"), "--split"),
    (("backtest", "--rows", "some"), "--rows"),
    (("backtest", "--splits", "1900"), "--splits"),
    (("backtest", "--splits", "2010,2005"), "--splits"),
    (("backtest", "--splits", "2010,soon"), "--splits"),
    (("backtest", "--splits", "2010", "-o", "somewhere"), "-o"),
    (("backtest", "--splits", "2010", "--runs", "0"), "--runs"),
    (("backtest", "--splits", "2010", "--folds", "1"), "--folds"),
    (("backtest", "--splits", "2010", "--fold-runs", "0"), "--fold-runs"),
    (("backtest", "--splits", "2010", "--param-draws", "-1"), "--param-draws"),
    (("backtest", "--splits", "2010", "--runs", "5", "--param-draws", "6"), "--param-draws"),
    (("sensitivity", "csto", "--method", "fast"), "--method"),
    (("sensitivity", "csto", "--method", "sobol", "--samples", "10"), "power of 2"),
    (("sensitivity", "csto", "--param", "no_such_thing", "--param", "hazard_freeze"), "--param"),
    (("calibrate", "--scenarios", "atlantis"), "atlantis"),
])
def test_bad_input_is_one_line_and_exit_2(cli, tmp_path, monkeypatch, args, says):
    monkeypatch.chdir(tmp_path)        # in this process, as the console script runs (tests/conftest.py)
    code, _, err = cli(*args)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err and says in err
    assert not any(tmp_path.iterdir())     # nothing written
