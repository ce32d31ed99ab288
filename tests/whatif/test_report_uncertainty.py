"""The report carries the forecast's uncertainty: intervals across parameter draws, survival bands,
and the sensitivity figure of `foedus sensitivity` with the command that reproduces it."""

import re

import pytest

import foedus
from foedus.report import build_report


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    out = tmp_path_factory.mktemp("drawn") / "run"
    foedus.simulate("csto", start="2024-03-01", months=24, runs=80, seed=3, param_draws=8, out=out)
    return out


@pytest.fixture(scope="module")
def sensitivity(tmp_path_factory):
    from foedus.cli import main

    out = tmp_path_factory.mktemp("sens") / "sens"
    try:
        code = main(["sensitivity", "csto", "--method", "morris", "--samples", "2", "--runs", "6", "--months", "6",
                     "--param", "hazard_notice", "--param", "hazard_suspend", "-o", str(out)])
    except SystemExit as exc:
        code = exc.code
    assert code in (0, None)
    return out


def test_the_report_gives_intervals_across_parameter_draws(drawn, tmp_path):
    rep = build_report(drawn, tmp_path / "r.html")
    page = rep.html.read_text()
    assert "8 parameter vectors drawn from the calibration" in page
    assert re.search(r"\d+% \[\d+%-\d+%\] \(\d+%-\d+%\)", page)          # P [draws] (runs)
    assert "--param-draws 8" in page                                       # the command reproduces the draws
    assert "band holding 90% of the curves of the 8 parameter draws" in page


def test_the_sensitivity_figure_and_its_command_are_in_the_report(drawn, sensitivity, tmp_path):
    rep = build_report(drawn, tmp_path / "r.html", sensitivity=sensitivity)
    page = rep.html.read_text()
    assert "sensitivity" in rep.figures and rep.figures["sensitivity"].is_file()
    assert "What moves the forecast" in page and "hazard_notice" in page
    assert "foedus sensitivity csto --method morris --samples 2" in page     # provenance: the exact command
    svg = page[page.index('aria-label="What moves the forecast'):]
    svg = svg[:svg.index("</svg>")]
    sizes = [float(x) for x in re.findall(r"font-size:\s*([\d.]+)px", svg)] + \
            [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 11   # drawn like the other figures: 11-point text, legible at 400 px


def test_a_folder_that_is_not_a_sensitivity_is_refused(drawn, tmp_path, cli):
    code, _, err = cli("report", str(drawn), "-o", str(tmp_path / "r.html"), "--sensitivity", str(tmp_path))
    assert code != 0 and "not a sensitivity folder" in err and len(err.strip().splitlines()) == 1
