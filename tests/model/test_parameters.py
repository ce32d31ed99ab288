"""The parameter registry: every parameter declared once, with unit, bounds and source; values validated."""

import re

import pytest

from foedus.calibration.fit import PRIORS
from foedus.calibration.pooled import POOLED_PRIORS
from foedus.errors import ArgumentError, ScenarioError
from foedus.model.parameters import Parameters, markdown_table, mechanism_names, registry


def test_every_parameter_is_declared_with_unit_source_and_bounds():
    reg = registry()
    assert len(reg) >= 30
    for p in reg.values():
        assert p.unit and p.source and p.doc, p.name
        assert p.mechanism in mechanism_names()
        assert p.lower <= p.default <= p.upper


def test_defaults_and_overrides():
    p = Parameters()
    assert p["decision_cost"] == registry()["decision_cost"].default
    q = p.replace(decision_cost=2.5)
    assert q.decision_cost == 2.5 and p.decision_cost != 2.5


def test_unknown_name_is_an_argument_error():
    with pytest.raises(ArgumentError, match="known parameter"):
        Parameters({"decision_kost": 1.0})


def test_out_of_range_value_names_the_bounds():
    with pytest.raises(ArgumentError, match=r"decision_cost.*\[0, 10\]"):
        Parameters({"decision_cost": -1})


def test_scenario_overrides_are_checked_against_the_file():
    with pytest.raises(ScenarioError, match="parameters.toml: parameters.nope"):
        Parameters.for_scenario({"nope": 1.0})
    with pytest.raises(ScenarioError, match="cred_prior_mean"):
        Parameters.for_scenario({"cred_prior_mean": 2.0})
    assert Parameters.for_scenario({"cred_prior_mean": 0.5}, extra={"cred_half_life": 12}).cred_half_life == 12


def test_parameters_file_of_a_scenario_overrides_defaults(tmp_path):
    import shutil

    import foedus
    from foedus.engine import compile_model

    folder = tmp_path / "csto"
    shutil.copytree(foedus.load_scenario("csto").path, folder)
    (folder / "parameters.toml").write_text("[parameters]\ndecision_cost = 3.0\n")
    sc = foedus.load_scenario(folder)
    res = foedus.simulate(sc, start="2024-03-01", months=2, runs=10, seed=1)
    assert res.manifest["parameters"]["decision_cost"] == 3.0
    (folder / "parameters.toml").write_text("[parameters]\ndecision_cost = 30.0\n")
    with pytest.raises(ScenarioError):
        compile_model(foedus.load_scenario(folder).data, "2024-03-01", 2)


def test_docs_model_lists_every_parameter():
    """docs/model.md's tables are ``markdown_table``'s rows: the shipped value, and for a fitted
    parameter that it is fitted, its declared default and that default's source."""
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "model.md").read_text()
    for mech in mechanism_names():
        for row in markdown_table(mech).splitlines()[2:]:
            assert row + "\n" in doc, f"docs/model.md is stale: {row[:60]}"
    for name, p in registry().items():
        assert f"| `{name}` | {p.unit} | " in doc, name


def test_the_fit_on_the_record_is_the_shipped_default():
    """Declared defaults, then calibrated.toml, then the scenario's parameters.toml, then the caller."""
    import tomllib

    from foedus.model.parameters import CALIBRATED, FITTED, calibrated

    fit = tomllib.loads(CALIBRATED.read_text())
    assert fit["provenance"]["data_until"].endswith("(the end of the record)")   # the fit on the full record
    assert set(calibrated()) == set(fit["parameters"]) and "hazard_notice" in calibrated()
    reg = registry()
    p = Parameters()
    for name, row in fit["parameters"].items():
        assert p[name] == row["value"] == reg[name].value
        assert reg[name].default == row["default"]                  # the declared default is kept beside it
        assert reg[name].source.startswith(FITTED)
    assert reg["decision_cost"].fitted is None and p.decision_cost == reg["decision_cost"].default
    assert not reg["decision_cost"].source.startswith(FITTED)
    # the scenario's parameters.toml overrides the fit, and a caller overrides both
    q = Parameters.for_scenario({"hazard_notice": -7.0}, extra={"hazard_freeze": -4.0})
    assert q.hazard_notice == -7.0 and q.hazard_freeze == -4.0 and q.hazard_return == calibrated()["hazard_return"]


WORKING_NOTES = re.compile(r"\bfacts\b|shared/facts", re.IGNORECASE)


def prior_chain(prior):
    """A prior and the earlier priors a backtest falls back on."""
    while prior is not None:
        yield prior
        prior = prior.earlier


def test_no_parameter_source_cites_the_working_notes():
    cited = [p.name for p in registry().values() if WORKING_NOTES.search(p.source)]
    assert cited == [], f"parameters citing the working notes instead of the original publication: {cited}"


@pytest.mark.parametrize("priors", [PRIORS, POOLED_PRIORS], ids=["fit", "pooled"])
def test_no_prior_source_cites_the_working_notes(priors):
    cited = [p.name for top in priors for p in prior_chain(top) if WORKING_NOTES.search(p.source)]
    assert cited == [], f"priors citing the working notes instead of the original publication: {cited}"


@pytest.mark.parametrize("text", ["Sweden: 22 months (facts)", "see shared/facts/csto-nato.md", "FACTS: ledger"])
def test_the_working_notes_pattern_catches_a_notes_citation(text):
    assert WORKING_NOTES.search(text)

