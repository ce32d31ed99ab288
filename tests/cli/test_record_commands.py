"""The CLI's record commands: scenarios, validate, schema, replay, obligations — their output and
exit codes (0 success, 2 bad input, with one line on stderr and never a traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``foedus ARGS`` as a separate process: the real exit code and streams."""
    code = "import sys; from foedus.cli import main; sys.exit(main())"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env=env)


def assert_one_line_error(code: int, err: str) -> None:
    assert code == 2
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("foedus: error: ")
    assert "Traceback" not in err


@pytest.fixture
def csto_copy(scenario_copy) -> Path:
    return scenario_copy("csto")


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()} | {
           "__entries__": sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))}


# -- the done-criteria of the foundation issue, through a real process ---------------------------

def test_replay_csto_2024_03_01_json_shows_armenia_frozen_and_five_active():
    p = run_process("replay", "csto", "--as-of", "2024-03-01", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    st = {s: v["standing"] for s, v in d["standings"].items()}
    assert st["ARM"] == "frozen"
    assert all(st[s] == "active" for s in ("RUS", "BLR", "KAZ", "KGZ", "TJK"))
    assert d["as_of"] == "2024-03-01" and d["count"] == 6


def test_obligations_armenia_2022_09_13_json_lists_the_members_bound_under_article_4():
    p = run_process("obligations", "csto", "--date", "2022-09-13", "--victim", "ARM", "--aggressor", "AZE", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["casus_foederis"] is True and d["article"] == "Art 4" and d["requested"] is True
    assert sorted(d["bound"]) == ["BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert any("request" in c for c in d["conditions"])
    uzb = next(x for x in d["duties"] if x["state"] == "UZB")
    assert uzb["bound"] is False and "suspended" in uzb["reason"]


def test_validate_a_broken_file_exits_2_with_one_line(csto_copy):
    with open(csto_copy / "record.toml", "a") as fh:
        fh.write("\n[[event]\n")
    p = run_process("validate", str(csto_copy))
    assert_one_line_error(p.returncode, p.stderr)
    assert "record.toml" in p.stderr and "valid TOML" in p.stderr
    assert p.stdout == ""


# -- scenarios, schema ---------------------------------------------------------------------------

def test_scenarios_lists_csto_and_nato(cli):
    code, out, _ = cli("scenarios")
    assert code == 0 and "csto" in out and "nato" in out


def test_scenarios_json(cli):
    code, out, _ = cli("scenarios", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert code == 0 and rows["csto"]["start"] == "1992-05-15" and rows["nato"]["end"] == "2025-12-31"


def test_schema_is_json_schema_of_the_scenario_files(cli):
    code, out, _ = cli("schema")
    s = json.loads(out)
    assert code == 0
    assert {"scenario", "states", "alliances", "events"} <= set(s["properties"])
    assert "Event" in s["$defs"] and "Alliance" in s["$defs"]


# -- validate ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["csto", "nato"])
def test_validate_builtin(cli, name):
    code, out, err = cli("validate", name)
    assert code == 0 and "valid" in out and err == ""


def test_validate_json(cli, csto_copy):
    code, out, _ = cli("validate", str(csto_copy), "--json")
    d = json.loads(out)
    assert code == 0 and d["valid"] is True and d["scenario"] == "csto" and d["replayed_to"] == "2025-12-31"


def test_validate_reports_an_event_that_breaks_a_rule(cli, csto_copy):
    with open(csto_copy / "record.toml", "a") as fh:
        fh.write('\n[[event]]\ndate = 2025-12-01\ntype = "unfreeze"\nalliance = "csto"\nactors = ["RUS"]\n'
                 'source = "test"\n')
    code, _, err = cli("validate", str(csto_copy))
    assert_one_line_error(code, err)
    assert "rule violated: only a frozen member returns to active participation: 2025-12-01 unfreeze RUS" in err


@pytest.mark.parametrize("breakage", [
    ("record.toml", 'actors = ["AZE"]', 'actors = ["XYZ"]'),                   # unknown state code
    ("states.toml", 'cow = 365', 'cow = "x"'),                                  # wrong type
    ("scenario.toml", 'title = ', 'titel = '),                                  # unknown + missing key
    ("alliances.toml", 'notice_months = 6', 'notice_months = -6'),              # out of range
    ("record.toml", 'date = 1993-12-31', 'date = 1993-01-01'),                  # out of order
])
def test_validate_bad_input_is_one_line_and_leaves_the_files_alone(cli, csto_copy, breakage):
    name, old, new = breakage
    f = csto_copy / name
    f.write_text(f.read_text().replace(old, new, 1))
    before = snapshot(csto_copy)
    code, out, err = cli("validate", str(csto_copy))
    assert_one_line_error(code, err)
    assert name in err
    assert out == ""
    assert snapshot(csto_copy) == before


def test_validate_a_good_folder_writes_nothing(cli, csto_copy):
    before = snapshot(csto_copy)
    assert cli("validate", str(csto_copy))[0] == 0
    assert cli("replay", str(csto_copy), "--json")[0] == 0
    assert snapshot(csto_copy) == before


def test_validate_a_missing_folder(cli, tmp_path):
    code, _, err = cli("validate", str(tmp_path / "nowhere"))
    assert_one_line_error(code, err)


# -- replay --------------------------------------------------------------------------------------

def test_replay_table_shows_members_standings_and_events(cli):
    code, out, _ = cli("replay", "csto", "--as-of", "2024-03-01")
    assert code == 0
    assert "6 members" in out
    assert "Armenia" in out and "frozen" in out and "suspended" in out
    assert "Events to 2024-03-01" in out and "2024-02-22" in out


def test_replay_json_events_stop_at_the_date(cli):
    code, out, _ = cli("replay", "csto", "--as-of", "2000-01-01", "--json")
    d = json.loads(out)
    assert code == 0 and d["members"] == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert max(e["date"] for e in d["events"]) <= "2000-01-01"
    assert any(e["type"] == "in_force" and e["generated"] for e in d["events"])


def test_replay_nato_on_2024_03_07_has_32_members(cli):
    code, out, _ = cli("replay", "nato", "--as-of", "2024-03-07", "--json")
    assert code == 0 and json.loads(out)["count"] == 32


def test_replay_default_date_is_the_scenario_end(cli):
    code, out, _ = cli("replay", "csto", "--json")
    assert code == 0 and json.loads(out)["as_of"] == "2025-12-31"


@pytest.mark.parametrize("args", [
    ("replay", "csto", "--as-of", "2024-13-01"),
    ("replay", "csto", "--as-of", "yesterday"),
    ("replay", "atlantis"),
    ("replay", "csto", "--alliance", "warsaw"),
    ("replay",),
    ("replay", "csto", "--as-of"),
])
def test_replay_bad_input(cli, args):
    code, out, err = cli(*args)
    assert_one_line_error(code, err)


# -- obligations ---------------------------------------------------------------------------------

def test_obligations_table(cli):
    code, out, _ = cli("obligations", "csto", "--date", "2022-09-13", "--victim", "arm", "--aggressor", "aze")
    assert code == 0
    assert "casus foederis" in out and "Art 4" in out and "suspended" in out


def test_obligations_for_frozen_armenia_in_2024(cli):
    code, out, _ = cli("obligations", "csto", "--date", "2024-03-01", "--victim", "ARM",
                       "--aggressor", "AZE", "--json")
    d = json.loads(out)
    assert code == 0 and d["casus_foederis"] is False and d["bound"] == [] and "frozen" in d["reason"]


def test_obligations_without_request(cli):
    code, out, _ = cli("obligations", "csto", "--date", "2022-09-13", "--victim", "ARM",
                       "--aggressor", "AZE", "--no-request", "--json")
    assert code == 0 and json.loads(out)["bound"] == []


def test_obligations_without_a_scenario_is_bad_input(cli):
    code, _, err = cli("obligations", "--date", "2022-09-13", "--victim", "ARM")
    assert_one_line_error(code, err)
    assert "SCENARIO" in err


@pytest.mark.parametrize("args", [
    ("obligations", "csto", "--victim", "ARM"),                                   # no date
    ("obligations", "csto", "--date", "2022-09-13", "--victim", "ATL"),           # unknown state
    ("obligations", "csto", "--date", "2022-09-13", "--victim", "ARM", "--crisis", "invasion"),
    ("obligations", "csto", "--date", "2022-09-13", "--victim", "ARM", "--territory", "abroad"),
])
def test_obligations_bad_input(cli, args):
    code, _, err = cli(*args)
    assert_one_line_error(code, err)


# -- the command line itself ---------------------------------------------------------------------

def test_no_arguments_shows_the_help(cli):
    code, out, err = cli()
    assert code == 0 and "replay" in out and "obligations" in out and "Traceback" not in err


def test_help_everywhere(cli):
    for cmd in ("scenarios", "validate", "schema", "replay", "obligations"):
        code, out, _ = cli(cmd, "--help")
        assert code == 0 and "Usage" in out


def test_an_unknown_command_is_bad_input(cli):
    code, _, err = cli("conquer")
    assert_one_line_error(code, err)
    assert "conquer" in err


def test_an_unknown_option_is_bad_input(cli):
    code, _, err = cli("scenarios", "--yaml")
    assert_one_line_error(code, err)


def test_scenario_text_with_brackets_is_printed_as_written(cli, csto_copy):
    """Summaries and notes are data, not terminal markup: '[/b]' must neither vanish nor crash."""
    f = csto_copy / "record.toml"
    f.write_text(f.read_text().replace('summary = "Armenia freezes its participation; no formal notice"',
                                       'summary = "Armenia [sic] freezes [/b]"'))
    f = csto_copy / "alliances.toml"
    f.write_text(f.read_text().replace('note = "aggression against one', 'note = "[red]aggression[/x] against one'))
    code, out, err = cli("replay", str(csto_copy), "--as-of", "2024-03-01")
    assert code == 0, err
    assert "[sic]" in out and "[/b]" in out
    code, out, err = cli("obligations", str(csto_copy), "--date", "2022-09-13", "--victim", "ARM")
    assert code == 0, err
    assert "[red]aggression[/x]" in " ".join(out.split())


def test_validate_refuses_an_event_dated_after_the_scenario_end(cli, csto_copy):
    with open(csto_copy / "record.toml", "a") as fh:
        fh.write('\n[[event]]\ndate = 2027-01-01\ntype = "unfreeze"\nalliance = "csto"\nactors = ["RUS"]\n'
                 'source = "test"\n')
    code, _, err = cli("validate", str(csto_copy))
    assert_one_line_error(code, err)
    assert "record.toml" in err and "2027-01-01" in err and "end = 2025-12-31" in err


def test_version_prints_the_package_version(cli):
    import foedus

    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"foedus {foedus.__version__}"
