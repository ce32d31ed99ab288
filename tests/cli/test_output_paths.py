"""No output command deletes or overwrites what it did not write; every output path problem is one
line on stderr and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL = ("--runs", "4", "--months", "2")


def one_line_error(code: int, err: str) -> str:
    assert code == 2, err
    lines = [ln for ln in err.splitlines() if ln.startswith("foedus: error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A small simulate results folder, made once."""
    from foedus.simulation import simulate

    out = tmp_path_factory.mktemp("res") / "run"
    simulate("csto", months=2, runs=4, out=out)
    return out


def test_demo_refuses_a_folder_holding_a_thesis_and_the_thesis_survives(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "thesis.txt").write_text("notes")
    line = one_line_error(*cli("demo", *SMALL, "--no-variants", "-o", "d")[::2])
    assert "thesis.txt" in line and "not part of" in line
    assert (tmp_path / "d" / "thesis.txt").read_text() == "notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]  # nothing half-built left beside it


def test_demo_refuses_the_current_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    one_line_error(*cli("demo", *SMALL, "--no-variants", "-o", ".")[::2])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_demo_replaces_its_own_folder_whole(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("demo", *SMALL, "--no-variants", "-o", "d")[0] == 0
    first = (tmp_path / "d" / "baseline" / "manifest.json").stat().st_mtime_ns
    assert cli("demo", *SMALL, "--no-variants", "--seed", "3", "-o", "d")[0] == 0
    assert (tmp_path / "d" / "baseline" / "manifest.json").stat().st_mtime_ns != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]  # the old one went, nothing else stays
    (tmp_path / "d" / "thesis.txt").write_text("notes")
    one_line_error(*cli("demo", *SMALL, "--no-variants", "-o", "d")[::2])
    assert (tmp_path / "d" / "thesis.txt").read_text() == "notes"


def test_report_refuses_to_overwrite_an_essay(cli, results, tmp_path):
    essay = tmp_path / "essay.txt"
    essay.write_text("my essay")
    line = one_line_error(*cli("report", str(results), "-o", str(essay))[::2])
    assert "essay.txt" in line
    assert essay.read_text() == "my essay"


def test_report_replaces_a_report_it_wrote(cli, results, tmp_path):
    out = tmp_path / "r.html"
    assert cli("report", str(results), "-o", str(out))[0] == 0
    assert cli("report", str(results), "-o", str(out))[0] == 0


def test_report_refuses_a_folder_as_its_file(cli, results, tmp_path):
    (tmp_path / "essay").mkdir()
    one_line_error(*cli("report", str(results), "-o", str(tmp_path / "essay"))[::2])


@pytest.mark.parametrize("command", [("simulate", "csto", *SMALL), ("compare", "csto", "-v", "info-ops", *SMALL),
                                     ("catalogue", "scenario", "4220", "--year", "2000")])
def test_folder_commands_refuse_a_file_or_a_full_folder(cli, tmp_path, command):
    essay = tmp_path / "essay.txt"
    essay.write_text("my essay")
    one_line_error(*cli(*command, "-o", str(essay))[::2])
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "thesis.txt").write_text("notes")
    one_line_error(*cli(*command, "-o", str(tmp_path / "d"))[::2])
    assert essay.read_text() == "my essay" and (tmp_path / "d" / "thesis.txt").read_text() == "notes"
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["thesis.txt"]


def test_calibrate_refuses_a_file_it_did_not_write_before_fitting(cli, tmp_path):
    essay = tmp_path / "essay.txt"
    essay.write_text("my essay")
    one_line_error(*cli("calibrate", "-o", str(essay))[::2])
    assert essay.read_text() == "my essay"


def test_sensitivity_refuses_to_overwrite_a_picture_before_running(cli, tmp_path):
    picture = tmp_path / "holiday.png"
    picture.write_bytes(b"\x89PNG my holiday")
    one_line_error(*cli("sensitivity", "csto", "--plot", str(picture))[::2])
    assert picture.read_bytes() == b"\x89PNG my holiday"


def _unwritable() -> list[str]:
    """Paths no one, root included, can write: /proc refuses new files; /sys is read-only in a
    container. Those that turn out writable here are left out."""
    out = []
    for base in ("/proc", "/sys"):
        try:
            Path(base, "foedus-probe").mkdir()
        except OSError:
            out.append(base)
        else:  # pragma: no cover - a writable /sys (a privileged host)
            Path(base, "foedus-probe").rmdir()
    return out


@pytest.mark.parametrize("base", _unwritable() or [pytest.param("/proc", marks=pytest.mark.skip(
    reason="no path here refuses writing, even for root"))])
@pytest.mark.parametrize("command", [("simulate", "csto", *SMALL), ("report", "RESULTS"), ("calibrate",),
                                     ("catalogue", "scenario", "4220", "--year", "2000")])
def test_an_unwritable_place_is_one_line(cli, results, base, command):
    command = tuple(str(results) if a == "RESULTS" else a for a in command)
    name = "r.html" if command[0] == "report" else "out"
    line = one_line_error(*cli(*command, "-o", f"{base}/foedus/{name}")[::2])
    assert base in line


def test_a_name_too_long_is_one_line(cli, results, tmp_path):
    line = one_line_error(*cli("simulate", "csto", *SMALL, "-o", str(tmp_path / ("x" * 300)))[::2])
    assert "255" in line
    one_line_error(*cli("report", str(results), "-o", str(tmp_path / ("y" * 300 + ".html")))[::2])


def test_a_pooled_fit_takes_no_date_and_says_so_in_one_line(cli, tmp_path):
    one_line_error(*cli("calibrate", "--pooled", "--until", "2020-01-01", "-o", str(tmp_path / "p.toml"))[::2])
    assert not (tmp_path / "p.toml").exists()
