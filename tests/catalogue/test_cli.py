"""The catalogue on the command line: the done-criteria of the issue, JSON output, and bad input
as one line with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def one_line_error(code: int, err: str, expected_code: int = 2) -> None:
    assert code == expected_code
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("foedus: error: ") and "Traceback" not in err, err


def test_search_member_arm_year_2010(cli):
    code, out, _ = cli("catalogue", "search", "--member", "ARM", "--year", "2010", "--json")
    assert code == 0
    res = json.loads(out)
    assert res["count"] == 13 and 4220 in [a["atopid"] for a in res["alliances"]]
    assert "Leeds" in res["citation"]
    code, out, _ = cli("catalogue", "search", "--member", "ARM", "--year", "2010")
    assert code == 0 and "4220" in out and "ATOP v4.01" in out


def test_show_4220(cli):
    code, out, _ = cli("catalogue", "show", "4220")
    assert code == 0 and "UZB" in out and "Leeds" in out and "2012-06-28" in out
    code, out, _ = cli("catalogue", "show", "4220", "--json")
    d = json.loads(out)
    assert d["atopid"] == 4220 and d["phases"][0]["duration"]["renounce_means"] == "renunciation with notice"


def test_scenario_4220_2010_writes_a_folder_that_validates_and_replays(cli, tmp_path):
    folder = tmp_path / "out" / "csto-2010"
    code, out, err = cli("catalogue", "scenario", "4220", "--year", "2010", "-o", str(folder), "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["members_at_end"] == ["ARM", "BLR", "KYR", "KZK", "RUS", "TAJ"]
    assert sorted(p.name for p in folder.iterdir()) == ["alliances.toml", "behaviour.toml", "record.toml",
                                                        "scenario.toml", "states.toml"]
    assert "Leeds" in (folder / "scenario.toml").read_text()
    code, out, _ = cli("validate", str(folder), "--json")
    assert code == 0 and json.loads(out)["valid"] is True
    code, out, _ = cli("replay", str(folder), "--as-of", "2010-06-30", "--json")
    assert json.loads(out)["members"] == ["ARM", "BLR", "KYR", "KZK", "RUS", "TAJ", "UZB"]
    # and the scenario-based obligations query works on it
    code, out, _ = cli("obligations", str(folder), "--date", "2010-06-30", "--victim", "ARM", "--json")
    assert code == 0 and sorted(json.loads(out)["bound"]) == ["BLR", "KYR", "KZK", "RUS", "TAJ", "UZB"]


def test_obligations_across_the_catalogue(cli):
    code, out, _ = cli("obligations", "--year", "2012", "--victim", "TUR", "--json")
    assert code == 0
    res = json.loads(out)
    nato = next(a for a in res["alliances"] if a["atopid"] == 3180)
    assert len(next(o for o in nato["obligations"] if o["type"] == "defence")["bound"]) == 27
    code, out, _ = cli("obligations", "--year", "2010", "--victim", "ARM", "--aggressor", "AZE")
    assert code == 0 and "4220" in out and "4400" in out and "Leeds" in out
    code, out, _ = cli("obligations", "--year", "2010", "--victim", "ARM", "--aggressor", "AZE", "--json")
    cis = next(a for a in json.loads(out)["alliances"] if a["atopid"] == 4400)
    assert "itself a member" in cis["obligations"][0]["reason"]


def test_check_csto(cli):
    code, out, _ = cli("catalogue", "check-csto", "--json")
    assert code == 0 and len(json.loads(out)["differences"]) == 11


@pytest.mark.parametrize("args", [
    ("catalogue", "show", "99999"),
    ("catalogue", "show", "csto"),
    ("catalogue", "scenario", "4220", "--year", "1980", "-o", "unused"),
    ("catalogue", "scenario", "4220", "--year", "2030", "-o", "unused"),
    ("catalogue", "search", "--member", "XXX"),
    ("catalogue", "search", "--obligation", "friendship"),
    ("catalogue", "search", "--year", "1700"),
    ("obligations", "--year", "2010", "--victim", "AUS"),
    ("obligations", "--year", "2020", "--victim", "ARM"),
    ("obligations", "--victim", "ARM"),
])
def test_bad_input_is_one_line_exit_2(cli, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(*args)
    one_line_error(code, err)
    assert not (tmp_path / "unused").exists()


def test_a_data_quirk_is_one_line_exit_1(cli, tmp_path):
    code, _, err = cli("catalogue", "scenario", "1320", "--year", "1880", "-o", str(tmp_path / "q"))
    one_line_error(code, err, expected_code=1)
    assert "docs/catalogue.md" in err


def test_the_console_script_in_a_process(tmp_path):
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    code = "import sys; from foedus.cli import main; sys.exit(main())"
    p = subprocess.run([sys.executable, "-c", code, "catalogue", "scenario", "4220", "--year", "2010", "-o",
                        str(Path(tmp_path) / "csto-2010")], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "without a rule violation" in p.stdout


def test_the_generated_csto_2010_simulates_with_default_parameters(cli, tmp_path):
    folder = tmp_path / "out" / "csto-2010"
    assert cli("catalogue", "scenario", "4220", "--year", "2010", "-o", str(folder))[0] == 0
    code, out, err = cli("simulate", str(folder), "--from", "2010-01-01", "--months", "24", "--runs", "200",
                         "-o", str(tmp_path / "results"), "--json")
    assert code == 0, err
    res = json.loads(out)
    states = {r["state"] for r in res["summary"]}
    assert {"ARM", "BLR", "KZK", "KYR", "TAJ", "UZB"} <= states
    assert (tmp_path / "results" / "manifest.json").is_file()
