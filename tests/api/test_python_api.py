"""The Python API a notebook user would guess: foedus.compare, foedus.report, Scenario.simulate; short
reprs; errors that name the Python arguments; unknown states raise; tables as DataFrames; every
public function documented with an example that runs."""

from __future__ import annotations

import doctest
import inspect
from pathlib import Path

import pandas as pd
import pytest

import foedus
from foedus.ledger.replay import AllianceState, Replay
import foedus.results.folder


@pytest.fixture(scope="module")
def csto():
    return foedus.load_scenario("csto")


def test_the_api_a_notebook_user_guesses_is_there():
    for name in ("load_scenario", "simulate", "compare", "report"):
        assert callable(getattr(foedus, name)), name
    assert callable(foedus.Scenario.simulate)
    import importlib

    importlib.import_module("foedus.compare.paired")  # the subpackages stay importable by their full names
    importlib.import_module("foedus.report.figures")

    assert callable(foedus.compare) and callable(foedus.report)
    assert (Path(foedus.__file__).parent / "py.typed").is_file()


def test_reprs_are_short_and_html_is_there(csto):
    rp = csto.replay(as_of="2024-03-01")
    res = csto.simulate(runs=20, months=3, seed=1)
    for obj in (csto, rp, res):
        assert len(repr(obj)) < 200, repr(obj)
        assert obj._repr_html_().startswith("<")


def test_every_public_function_has_a_docstring_with_an_example():
    public = [foedus.load_scenario, foedus.simulate, foedus.compare, foedus.report, foedus.Scenario.simulate,
              foedus.Scenario.replay, foedus.Scenario.obligations, foedus.Scenario.state, foedus.Scenario.alliance,
              foedus.results.folder.Results.to_csv]
    for f in public:
        doc = inspect.getdoc(f) or ""
        assert ">>>" in doc, f"{f.__qualname__} has no example"


def _public_members(cls) -> list:
    out = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        f = member.fget if isinstance(member, property) else getattr(member, "func", member)  # cached_property: .func
        if inspect.isfunction(f):
            out.append((f"{cls.__name__}.{name}", f))
    return out


@pytest.mark.parametrize("cls", [foedus.Scenario, Replay, AllianceState, foedus.results.folder.Results],
                         ids=lambda c: c.__name__)
def test_every_property_and_accessor_has_an_example(cls):
    members = _public_members(cls)
    assert len(members) >= 4  # the check sees them: a class whose members it missed would pass unseen
    missing = [name for name, f in members if ">>>" not in (inspect.getdoc(f) or "")]
    assert not missing, f"no example in the docstring of {missing}"


@pytest.mark.parametrize("name", ["foedus.api", "foedus.simulation", "foedus.results.folder", "foedus.ledger.replay"])
def test_the_docstring_examples_run(name, tmp_path, monkeypatch):
    import importlib

    module = importlib.import_module(name)
    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(module, extraglobs={"foedus": foedus}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_errors_raised_from_python_name_the_python_arguments(csto):
    with pytest.raises(foedus.ArgumentError, match="argument runs"):
        foedus.simulate(csto, runs=0)
    with pytest.raises(foedus.ArgumentError, match="argument chunk_size"):
        foedus.simulate(csto, runs=10, chunk_size=0)
    with pytest.raises(foedus.ArgumentError, match="argument start"):
        foedus.simulate(csto, start="2024-02-30")
    with pytest.raises(foedus.ArgumentError, match="argument seed"):
        foedus.simulate(csto, seed=2**64)
    with pytest.raises(foedus.ArgumentError, match="argument aggressor"):
        csto.obligations(date="2022-09-13", victim="ARM", aggressor="ARM")


def test_the_cli_names_the_flags(cli):
    code, _, err = cli("simulate", "csto", "--from", "2024-02-30")
    assert code == 2 and "argument --from" in err
    code, _, err = cli("simulate", "csto", "--chunk-size", "0")
    assert code == 2 and "argument --chunk-size" in err
    code, _, err = cli("obligations", "csto", "--date", "2022-09-13", "--victim", "ARM", "--aggressor", "ARM")
    assert code == 2 and "argument --aggressor" in err


def test_an_unknown_state_raises(csto):
    rp = csto.replay(as_of="2024-03-01")
    assert rp.standing("csto", "GEO").name == "withdrawn"
    assert rp.standing("csto", "UKR").name == "outside"  # a state of the scenario that never joined
    with pytest.raises(foedus.ArgumentError, match="XXX"):
        rp.standing("csto", "XXX")
    with pytest.raises(foedus.ArgumentError, match="victim"):
        csto.obligations(date="2022-09-13", victim="XXX")


def test_members_and_events_are_dataframes(csto):
    rp = csto.replay(as_of="2024-03-01")
    members = rp.table("csto")
    assert isinstance(members, pd.DataFrame)
    assert members.set_index("state").at["ARM", "standing"] == "frozen"
    assert sorted(members.loc[members["member"], "state"]) == rp.members("csto")
    events = rp.events_table()
    assert isinstance(events, pd.DataFrame) and len(events) == len(rp.events)
    assert events.iloc[-1]["date"].isoformat() == "2024-02-22"


def test_results_and_comparisons_export_csv(tmp_path, csto):
    res = csto.simulate(runs=20, months=3, seed=1)
    res.to_csv(tmp_path / "t")
    assert pd.read_csv(tmp_path / "t" / "monthly.csv").shape[0] == len(res.monthly)
    res.to_csv(tmp_path / "t")  # again: it replaces what it wrote
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    with pytest.raises(foedus.OutputError):
        res.to_csv(tmp_path / "mine")
    with pytest.raises(foedus.OutputError):
        res.save(tmp_path / "mine")
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]
    assert (tmp_path / "mine" / "notes.txt").read_text() == "mine"
    res.save(tmp_path / "saved")
    assert foedus.results.load(tmp_path / "saved").complete


def test_a_comparison_from_python_records_the_call_that_reproduces_it(tmp_path, csto):
    comp = foedus.compare(csto, ["info-ops"], start="2024-03-01", months=6, runs=20, seed=2, out=tmp_path / "c")
    assert comp.command == ("foedus.compare('csto', ['info-ops'], start='2024-03-01', months=6, runs=20, seed=2)")
    assert all(a.manifest["command"] == comp.command for a in comp.arms)
    again = foedus.compare(csto, ["info-ops"], start="2024-03-01", months=6, runs=20, seed=2, out=tmp_path / "d")
    pd.testing.assert_frame_equal(comp.table, again.table)
    rep = foedus.report(comp)
    assert rep.html == tmp_path / "c" / "report.html"
