"""The report file: self-contained, every figure inlined as SVG and written as PNG beside it, written
atomically; what it says in words and how to reproduce it."""

from __future__ import annotations

import json
import re

import pytest

from foedus.cli import main
from foedus.errors import ResultsError
from foedus.report import build_report

PNG = b"\x89PNG\r\n\x1a\n"
SINGLE = ["standing", "active_members", "survival", "credibility", "requests", "network"]


def _comparison(results_factory, tmp_path):
    results_factory("baseline", seed=2, runs=120, months=36)
    results_factory("armenia-leaves", seed=2, runs=120, months=36, arm_hazard=0.04)
    (tmp_path / "comparison.json").write_text(json.dumps(
        {"arms": [{"name": "baseline", "path": "baseline"}, {"name": "armenia-leaves", "path": "armenia-leaves"}]}))
    return tmp_path


def test_a_single_run_report_is_self_contained_with_every_figure(results_factory, tmp_path):
    folder = results_factory("baseline", runs=100, months=24)
    rep = build_report(folder, tmp_path / "out" / "report.html")
    text = rep.html.read_text()
    assert list(rep.figures) == SINGLE
    svgs = re.findall(r'<figure><svg role="img" aria-label="([^"]+)"', text)
    assert len(svgs) == len(SINGLE) and "<img" not in text
    # the figures scale with the page: no fixed size on the inlined SVG, only its viewBox
    assert all(" viewBox=" in tag and " width=" not in tag for tag in re.findall(r"<svg [^>]*>", text))
    # ids are the figure's own: two figures never share one
    ids = re.findall(r' id="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    for path in rep.figures.values():
        assert path.read_bytes()[:8] == PNG
    # nothing fetched from anywhere: no external script, style, font or image
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<link" not in text and "@import" not in text
    # the scenario and the data cited are in it
    assert "Correlates of War" in text and "SIPRI" in text
    assert "Scenario and parameters" in text and "decay_half_life" in text


def test_a_comparison_report_shows_the_variant_against_the_baseline(results_factory, tmp_path):
    folder = _comparison(results_factory, tmp_path)
    rep = build_report(folder, tmp_path / "report.html")
    assert list(rep.figures) == SINGLE + ["variants"]
    assert rep.arms == ["baseline", "armenia-leaves"]
    text = rep.html.read_text()
    assert "What-if: variants against the baseline" in text and "armenia-leaves" in text


def test_a_failed_report_leaves_the_old_one_whole(results_factory, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("the previous report")
    bad = results_factory("unfinished", complete=False)
    with pytest.raises(ResultsError):
        build_report(bad, out)
    assert out.read_text() == "the previous report"
    assert not list(tmp_path.glob(".report.html.*"))


def test_foedus_report_cli_writes_the_file_and_refuses_bad_input(results_factory, tmp_path, capsys):
    folder = results_factory("baseline", runs=60, months=12)
    assert main(["report", str(folder), "-o", str(tmp_path / "r.html"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["html"].endswith("r.html") and (tmp_path / "r.html").is_file()
    with pytest.raises(SystemExit) as e:
        main(["report", str(tmp_path / "nothing-here")])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("foedus: error:") and "Traceback" not in err


def test_a_folder_without_per_run_tables_gets_a_report_without_survival_curves(results_factory, tmp_path):
    folder = results_factory("baseline", runs=50, months=12, per_run=False)
    rep = build_report(folder, tmp_path / "r.html")
    assert "survival" not in rep.figures and "standing" in rep.figures
    assert "no per-run tables" in rep.html.read_text()
