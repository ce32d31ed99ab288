"""Validation as documented (ranges, names, dates within the record), and the shell a user expects:
`foedus show`, CSV export, shell completion, progress lines, and the command that reproduces a run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from foedus.scenario.loader import resolve

SMALL = ("--runs", "6", "--months", "3")


@pytest.fixture
def csto_copy(tmp_path) -> Path:
    dst = tmp_path / "csto"
    shutil.copytree(resolve("csto"), dst)
    return dst


def one_line(code: int, err: str) -> str:
    assert code == 2 and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_committed_share_of_seven_is_refused(cli, csto_copy):
    f = csto_copy / "timeline.toml"
    f.write_text(f.read_text().replace("value = 0.7", "value = 7.0", 1))
    line = one_line(*cli("validate", str(csto_copy))[::2])
    assert "timeline.toml" in line and "committed_share" in line and "[0, 1]" in line


def test_a_misspelt_parameter_is_refused(cli, csto_copy):
    (csto_copy / "parameters.toml").write_text("[parameters]\nmomentum_wieght = 0.5\n")
    line = one_line(*cli("validate", str(csto_copy))[::2])
    assert "parameters.toml" in line and "momentum_wieght" in line


def test_a_date_after_the_record_is_refused_unless_assumed(cli, tmp_path):
    line = one_line(*cli("replay", "csto", "--as-of", "2999-01-01")[::2])
    assert "--as-of" in line and "2025-12-31" in line and "--assume-nothing-after-record" in line
    code, out, err = cli("replay", "csto", "--as-of", "2030-01-01", "--assume-nothing-after-record", "--json")
    assert code == 0 and "assumed that nothing happened" in err
    assert json.loads(out)["assumption"].startswith("assumed that nothing happened")
    line = one_line(*cli("simulate", "csto", "--from", "2030-01-01", *SMALL, "-o", str(tmp_path / "r"))[::2])
    assert "--from" in line and not (tmp_path / "r").exists()
    code, _, err = cli("simulate", "csto", "--from", "2030-01-01", *SMALL, "-o", str(tmp_path / "r"),
                       "--assume-nothing-after-record")
    assert code == 0 and "assumed that nothing happened" in err
    assert "2030-01-01" in json.loads((tmp_path / "r" / "manifest.json").read_text())["assumption"]


def test_the_victim_cannot_be_its_own_aggressor(cli):
    line = one_line(*cli("obligations", "csto", "--date", "2022-09-13", "--victim", "ARM", "--aggressor", "ARM")[::2])
    assert "--aggressor" in line


@pytest.mark.parametrize("command", [("simulate", "csto"), ("compare", "csto", "-v", "info-ops")])
def test_a_seed_above_64_bits_is_refused(cli, command, tmp_path):
    line = one_line(*cli(*command, *SMALL, "--seed", str(2**64), "-o", str(tmp_path / "r"))[::2])
    assert "--seed" in line and not (tmp_path / "r").exists()


def test_show_prints_a_simulation_again_and_exports_csv(cli, tmp_path):
    out = tmp_path / "r"
    code, first, _ = cli("simulate", "csto", *SMALL, "-o", str(out))
    assert code == 0
    code, again, _ = cli("show", str(out), "--csv", str(tmp_path / "csv"))
    assert code == 0
    table = lambda text: [ln for ln in text.splitlines() if ln.split()[:1] in (["RUS"], ["ARM"])]  # noqa: E731
    assert table(again) == table(first) and len(table(first)) == 4   # the standings, then the intervals
    assert "made by: foedus simulate csto" in again
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["final.csv", "monthly.csv", "runs.csv",
                                                                     "summary.csv"]


def test_show_prints_a_comparison_again_and_its_command_reproduces_it(cli, tmp_path):
    out = tmp_path / "c"
    code, first, _ = cli("compare", "csto", "-v", "info-ops", *SMALL, "-o", str(out), "--json")
    assert code == 0
    rid = json.loads(first)["registry_id"]
    code, again, _ = cli("show", str(out), "--json")
    assert code == 0 and json.loads(again)["differences"] == json.loads(first)["differences"]
    code, shown, _ = cli("runs", "show", str(rid), "--json")
    command = json.loads(shown)["command"]
    assert command == f"foedus compare csto -v info-ops {' '.join(SMALL)} -o {out} --json"
    args = command.split()[1:]
    args[args.index("-o") + 1] = str(tmp_path / "again")
    code, rerun, _ = cli(*args)
    assert code == 0 and json.loads(rerun)["differences"] == json.loads(first)["differences"]


def test_shell_completion_is_offered(cli, monkeypatch, capsys):
    code, out, _ = cli("--help")
    assert "--install-completion" in out
    monkeypatch.setenv("_FOEDUS_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "foedus simulate csto --ru")
    monkeypatch.setenv("COMP_CWORD", "3")
    from foedus.cli import app

    with pytest.raises(SystemExit):
        app(prog_name="foedus")
    assert "--runs" in capsys.readouterr().out


def test_progress_where_stderr_is_not_a_terminal_is_plain_lines_with_the_time_left(cli, monkeypatch, tmp_path):
    import foedus.cli.progress as progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    code, _, err = cli("simulate", "csto", "--runs", "20", "--chunk-size", "5", "--months", "2",
                       "-o", str(tmp_path / "r"))
    assert code == 0
    lines = [ln for ln in err.splitlines() if ln.startswith("simulating csto:")]
    assert lines[0].startswith("simulating csto: 5 of 20 runs") and "left" in lines[0]
    assert lines[-1].startswith("simulating csto: 20 of 20 runs")
    assert "\x1b[" not in err  # no terminal control codes


def test_obligations_after_the_record_are_refused(cli):
    line = one_line(*cli("obligations", "csto", "--date", "2030-01-01", "--victim", "ARM")[::2])
    assert "--date" in line and "2025-12-31" in line and "assume" not in line  # no flag to offer here


def test_sensitivity_from_after_the_record_needs_the_assumption(cli):
    line = one_line(*cli("sensitivity", "csto", "--from", "2030-01-01")[::2])
    assert "--from" in line and "--assume-nothing-after-record" in line
