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


def test_partial_years_are_left_out_of_the_yearly_requests_and_named(results_factory, tmp_path):
    from foedus.compare.folder import open_results
    from foedus.report import figures as F

    folder = results_factory("baseline", runs=60, months=24)  # March 2024 to February 2026
    assert F.complete_years(open_results(folder)) == ([2025], ["2024 (10 months)", "2026 (2 months)"])
    text = build_report(folder, tmp_path / "r.html").html.read_text()
    assert "left out of the yearly bars: 2024 (10 months), 2026 (2 months)" in text


def test_counts_start_from_zero_and_legends_sit_off_the_data(results_factory, tmp_path):
    from foedus.compare.folder import open_results
    from foedus.report import figures as F

    res = open_results(results_factory("baseline", runs=60, months=24))
    figs = [F.standing_bands(res), F.active_members([res]), F.survival(res), F.credibility_fans(res),
            F.requests_outcomes(res)]
    assert figs[1].axes[0].get_ylim()[0] == 0
    assert figs[4].axes[0].get_ylim()[0] == 0
    for fig in figs:
        assert fig.legends and all(ax.get_legend() is None for ax in fig.axes)


def test_differences_are_said_in_words_and_only_those_that_matter_in_red(results_factory, tmp_path):
    folder = _comparison(results_factory, tmp_path)
    text = build_report(folder, tmp_path / "report.html").html.read_text()
    red = re.findall(r'<span class="matters">([^<]+)</span>', text)
    plain = re.findall(r'<span class="words">([^<]+)</span>', text)
    assert red and set(red) <= {"higher", "lower"}
    assert plain and set(plain) <= {"no change", "no clear change", "a small change"}
    assert 'class="sig"' not in text


def test_the_provenance_is_a_command_that_reproduces_it_and_no_working_notes(results_factory, tmp_path):
    folder = results_factory("baseline", runs=60, months=12)
    text = build_report(folder, tmp_path / "r.html").html.read_text()
    assert "<pre>foedus simulate csto --from 2024-03-01 --months 12 --runs 60 --seed 1 --param-draws 1 -o baseline</pre>" in text
    assert str(tmp_path) not in text and "/tmp/" not in text
    assert "to be calibrated" not in text
