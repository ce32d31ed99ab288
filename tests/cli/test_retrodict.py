"""``foedus retrodict``: the table, the JSON rows, the folder and its report, bad input."""

from __future__ import annotations

import json

from foedus.retrodiction import ROW_COLUMNS
from foedus.retrodiction.events import NAMES


def test_json_rows_have_the_documented_columns_one_per_class_and_alliance(cli):
    code, out, err = cli("retrodict", "csto", "nato", "--from", "2012-01-01", "--to", "2013-12", "--runs", "20", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert len(doc["rows"]) == 2 * len(NAMES)
    assert all(tuple(r) == ROW_COLUMNS for r in doc["rows"])
    csto = {r["event"]: r for r in doc["rows"] if r["alliance"] == "csto"}
    assert csto["suspensions"]["real"] == 1 and csto["freezes"]["real"] == 1   # Uzbekistan, 2012
    # no term end; the parties' own ending of the alliance is rare (docs/model.md §9)
    assert csto["alliance_ends"]["real"] == 0 and 0 <= csto["alliance_ends"]["mean"] < 0.2
    assert doc["summary"]["cells"] == 2 * len(NAMES)
    assert sum(doc["summary"]["pit_histogram"]) == doc["summary"]["cells"]


def test_the_same_seed_prints_the_same_rows(cli):
    args = ("retrodict", "csto", "--from", "2012-01-01", "--to", "2012-12", "--runs", "15", "--seed", "4", "--json")
    assert json.loads(cli(*args)[1])["rows"] == json.loads(cli(*args, "--chunk-size", "4")[1])["rows"]


def test_the_table_marks_a_real_count_outside_its_interval(cli):
    code, out, _ = cli("retrodict", "csto", "--from", "2012-01-01", "--to", "2012-12", "--runs", "20")
    assert code == 0
    assert "suspensions" in out and "alliance_ends" in out and "coverage" in out   # every class simulated


def test_a_folder_with_the_rows_the_figure_and_a_page_that_foedus_report_rebuilds(cli, tmp_path):
    out = tmp_path / "retro"
    code, _, err = cli("retrodict", "csto", "--from", "2012-01-01", "--to", "2012-12", "--runs", "10", "-o", str(out))
    assert code == 0, err
    doc = json.loads((out / "retrodiction.json").read_text())
    assert len(doc["rows"]) == len(NAMES)
    assert (out / "rows.csv").read_text().splitlines()[0] == ",".join(ROW_COLUMNS)
    assert (out / "report_figures" / "retrodiction.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "report.html").read_text()
    assert "Retrodiction" in page and "data:image/png;base64," in page
    code, _, err = cli("report", str(out), "-o", str(tmp_path / "again.html"))
    assert code == 0, err
    assert "suspensions" in (tmp_path / "again.html").read_text()


def test_bad_input_is_one_line_and_exit_code_2(cli):
    for args, word in ((("--from", "2004-07-01", "--to", "2003-12"), "--to"),
                       (("--from", "1950-01-01", "--to", "2003-12"), "--from"),
                       (("--from", "2004-07-01", "--to", "2025-12", "--runs", "0"), "--runs"),
                       (("--from", "2004-13-01", "--to", "2025-12"), "--from")):
        code, out, err = cli("retrodict", "csto", *args)
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and word in err and "Traceback" not in err


def test_a_folder_holding_the_users_files_is_refused_before_anything_runs(cli, tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "thesis.txt").write_text("notes")
    code, _, err = cli("retrodict", "csto", "--from", "2020-01-01", "--to", "2020-12", "--runs", "20", "-o", str(out))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "thesis.txt" in err
    assert (out / "thesis.txt").read_text() == "notes" and sorted(p.name for p in out.iterdir()) == ["thesis.txt"]


def test_a_parameter_file_replaces_the_shipped_fit_and_a_missing_one_is_one_line(cli, tmp_path):
    """``--parameters``: the values of a file foedus calibrate wrote, in the place of the shipped fit;
    a file without a posterior runs its values alone (--param-draws 1) and refuses draws in one line."""
    import tomli_w

    args = ("retrodict", "csto", "--from", "2012-01-01", "--to", "2012-12", "--runs", "40", "--seed", "2", "--json")
    shipped = json.loads(cli(*args, "--param-draws", "1")[1])["rows"]
    eager = tmp_path / "eager.toml"
    eager.write_text(tomli_w.dumps({"parameters": {"hazard_freeze": {"value": 0.0}}}))
    code, out, err = cli(*args, "--parameters", str(eager), "--param-draws", "1")
    assert code == 0, err
    freezes = {r["event"]: r["mean"] for r in json.loads(out)["rows"]}["freezes"]
    assert freezes > 1 + {r["event"]: r["mean"] for r in shipped}["freezes"]
    code, out, err = cli(*args, "--parameters", str(eager))   # the default: 20 draws, from no posterior
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "--param-draws" in err and "[posterior]" in err and "eager.toml" in err and "Traceback" not in err
    code, out, err = cli(*args, "--parameters", str(tmp_path / "absent.toml"))
    assert code == 2 and out == "" and "--parameters" in err and "Traceback" not in err


def test_a_state_effect_that_is_not_a_number_is_one_line_and_nothing_runs(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[parameters.hazard_freeze]\nvalue = -6.0\n\n[pooling.state_effects.371]\nstate = "ARM"\n'
                   'value = "high"\nse = 0.7\n')
    for args in (("retrodict", "csto", "--from", "2020-01-01", "--to", "2020-03", "--runs", "5"),
                 ("simulate", "csto", "--months", "2", "--runs", "5", "-o", str(tmp_path / "out")),
                 ("forecast", "csto", "--by", "2026", "--runs", "5", "--param-draws", "1", "--no-codings", "--no-whole-record")):
        code, out, err = cli(*args, "--parameters", str(bad))
        assert code == 2 and len(err.strip().splitlines()) == 1, (args, err)
        assert "[pooling.state_effects.371]" in err and "value" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    # left out, the file's values alone run
    code, _, err = cli("retrodict", "csto", "--from", "2020-01-01", "--to", "2020-03", "--runs", "5",
                       "--parameters", str(bad), "--no-state-effects", "--param-draws", "1")
    assert code == 0, err
