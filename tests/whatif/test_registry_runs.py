"""The experiment registry: every run recorded, listed, shown and compared."""

from __future__ import annotations

import json

import pytest

from foedus.cli import main
from foedus.compare.folder import open_results
from foedus.compare.summary import summarise
from foedus.errors import ArgumentError
from foedus.registry import compare_runs, get_run, list_runs, record_run, registry_path


def _record(folder):
    res = open_results(folder)
    return record_run("simulate", res.manifest, summarise(res), folder)


def test_the_registry_lives_in_foedus_home(foedus_home):
    assert registry_path() == foedus_home / "registry.duckdb"
    assert list_runs() == []


def test_a_recorded_run_is_listed_and_shown_with_its_manifest(results_factory):
    folder = results_factory("baseline", seed=4)
    rid = _record(folder)
    rows = list_runs()
    assert [r["id"] for r in rows] == [rid]
    assert rows[0]["kind"] == "simulate" and rows[0]["seed"] == 4 and rows[0]["scenario"] == "csto"
    r = get_run(rid)
    assert r["manifest"] == json.loads((folder / "manifest.json").read_text())
    assert r["parameters"] == {"decay_half_life": 24.0}
    assert set(r["summary"]["p_exit_by_horizon"]) == {"RUS", "BLR", "ARM", "KAZ", "KGZ", "TJK"}


def test_two_runs_compare_by_what_differs(results_factory):
    a = _record(results_factory("baseline", seed=4))
    b = _record(results_factory("risky", seed=4, hazard=0.03))
    c = compare_runs(a, b)
    differ = {r["key"] for r in c["settings"] if not r["same"]}
    assert differ == {"variant"}
    am = next(r for r in c["summary"] if r["key"] == "active_members_mean")
    assert am["b_minus_a"] < 0


def test_list_filters_by_kind_and_orders_latest_first(results_factory):
    folder = results_factory("baseline")
    m = open_results(folder).manifest
    first = record_run("simulate", m, {})
    second = record_run("compare", {**m, "variant": "war-ends-2026"}, {"variants": ["war-ends-2026"]})
    assert [r["id"] for r in list_runs()] == [second, first]
    assert [r["id"] for r in list_runs(kind="compare")] == [second]
    with pytest.raises(ArgumentError):
        list_runs(kind="nonsense")


def test_an_unknown_id_is_bad_input():
    with pytest.raises(ArgumentError):
        get_run(12345)


def test_foedus_runs_cli(results_factory, capsys):
    rid = _record(results_factory("baseline"))
    rid2 = _record(results_factory("other", hazard=0.02))
    assert main(["runs", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [rid2, rid]
    assert main(["runs", "show", str(rid), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == rid
    assert main(["runs", "compare", str(rid), str(rid2)]) == 0
    assert "active_members_mean" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        main(["runs", "show", "999"])
    assert e.value.code == 2
    assert "foedus: error:" in capsys.readouterr().err
