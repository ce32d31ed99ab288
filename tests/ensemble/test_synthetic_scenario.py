"""The synthetic 60-state, 3-alliance scenario of benchmarks/scaling.py is a valid scenario that
simulates, and its folder form loads back as the same scenario."""

import importlib.util
from pathlib import Path

import foedus

_spec = importlib.util.spec_from_file_location(
    "synthetic", Path(__file__).resolve().parents[2] / "benchmarks" / "synthetic.py")
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)


def test_sixty_states_in_three_alliances_simulate(tmp_path):
    data = synthetic.synthetic_scenario(60, 3)
    assert len(data.states) == 60 and [a.id for a in data.alliances] == ["a0", "a1", "a2"]
    res = foedus.simulate(data, months=12, runs=100, seed=2)
    last = res.monthly[res.monthly["month"] == res.monthly["month"].max()]
    assert len(last) == 60
    # the focus alliance's 20 founders are members at the start, not lapsed by a renewal window
    assert (last.set_index("state").loc[[s.iso3 for s in data.states[:20]], "p_member"] > 0.5).all()
    back = foedus.load_scenario(synthetic.write_folder(data, tmp_path / "syn"))
    assert back.data == data
