"""The commands: foedus variants, foedus compare, foedus demo, and the registry they feed."""

from __future__ import annotations

import json

import pytest

from foedus.cli import main


def _run(argv, capsys):
    assert main(argv) == 0
    return capsys.readouterr()


def test_foedus_variants_lists_the_built_ins(capsys):
    rows = json.loads(_run(["variants", "--json"], capsys).out)
    names = [r["name"] for r in rows]
    assert "war-ends-2026" in names and all(r["question"] and r["source"] and r["levers"] for r in rows)


def test_what_if_the_war_ends_in_2026_with_paired_intervals(tmp_path, capsys):
    out = tmp_path / "cmp"
    res = json.loads(_run(["compare", "csto", "--variant", "war-ends-2026", "--start", "2024-03", "--months", "36",
                           "--runs", "200", "--seed", "5", "--out", str(out), "--json"], capsys).out)
    assert [a["name"] for a in res["arms"]] == ["baseline", "war-ends-2026"]
    rows = {(r["metric"], r["state"]): r for r in res["differences"]}
    arm = rows[("p_exit", "ARM")]
    assert arm["ci_low"] <= arm["difference"] <= arm["ci_high"] and arm["n"] == 200
    assert {"p_exit", "p_out", "credibility", "active_members", "credibility_mean", "refused"} == {m for m, _ in rows}
    assert (out / "baseline" / "final.parquet").is_file() and (out / "comparison.json").is_file()
    # recorded in the registry, and listed
    listed = json.loads(_run(["runs", "list", "--json"], capsys).out)
    assert listed[0]["kind"] == "compare" and listed[0]["id"] == res["registry_id"]
    assert listed[0]["variant"] == "war-ends-2026"


def test_compare_with_levers_on_the_command_line_and_a_report(tmp_path, capsys):
    out = tmp_path / "cmp"
    text = _run(["compare", "csto", "--lever", "crisis:2025-06:state=ARM,aggressor=AZE,severity=0.9", "--name",
                 "attack", "--start", "2024-03", "--months", "24", "--runs", "100", "--out", str(out),
                 "--report", str(tmp_path / "r.html")], capsys).out
    assert "attack against the baseline" in text and "report written" in text
    assert (tmp_path / "r.html").is_file()


@pytest.mark.parametrize("argv, words", [
    (["compare", "csto", "--variant", "no-such-variant"], "war-ends-2026"),
    (["compare", "csto", "--lever", "war-ends:20x6"], "--lever"),
    (["compare", "csto"], "at least one variant"),
    (["compare", "csto", "--lever", "outside-option:2026-01:state=FRA"], "FRA"),
])
def test_bad_input_to_compare_is_one_line_and_exit_2(argv, words, capsys, tmp_path):
    with pytest.raises(SystemExit) as e:
        main([*argv, "--out", str(tmp_path / "x"), "--runs", "10", "--months", "2"])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("foedus: error:") and words in err and "\n" not in err


def test_foedus_demo_writes_the_report_and_says_where(tmp_path, capsys):
    out = tmp_path / "d" / "demo"
    text = _run(["demo", "--runs", "200", "--months", "24", "--out", str(out)], capsys).out
    assert (out / "report.html").is_file() and (out / "report_figures" / "network.png").is_file()
    assert str((out / "report.html").resolve()) in text.replace("\n", "")
    # run again: the old demo is replaced whole, nothing left beside it
    _run(["demo", "--runs", "100", "--months", "12", "--no-variants", "--out", str(out)], capsys)
    assert json.loads((out / "baseline" / "manifest.json").read_text())["runs"] == 100
    assert sorted(p.name for p in out.parent.iterdir()) == ["demo"]
    kinds = [r["kind"] for r in json.loads(_run(["runs", "list", "--json"], capsys).out)]
    assert kinds == ["simulate", "compare", "simulate"]


def test_a_lever_outside_the_simulated_months_is_pointed_out(tmp_path, capsys):
    res = _run(["compare", "csto", "--lever", "war-ends:2031-01", "--start", "2024-03", "--months", "12", "--runs", "20",
                "--out", str(tmp_path / "c")], capsys)
    assert "foedus: note: war-ends-2031-01: lever war-ends:2031-01:value=0.2 is dated after the horizon" in res.err
    assert "+0.0 pts [+0.0, +0.0]" in res.out


def test_lever_notes_name_what_cannot_act():
    import datetime as dt

    from foedus.compare.run import lever_notes
    from foedus.variants import variant_from_levers

    v = variant_from_levers(["war-ends:2031-01", "crisis:2020-01:state=ARM", "info-ops:2023-01", "threat:2024-06:state=ARM"],
                            "v")
    notes = lever_notes([v], dt.date(2024, 3, 1), 12)
    assert len(notes) == 3
    assert "after the horizon (2025-02): it changes nothing" in notes[0]
    assert "crisis before the start is not simulated" in notes[1]
    assert "in force from the start" in notes[2]
