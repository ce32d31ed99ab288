"""The static report on a phone: a real comparison's report, and a report with parameter bands and
the sensitivity figure, opened in Chromium at 400 px, every figure's text legible (at least 11 px on
screen), nothing wider than the screen; and NATO's report shows only what says something."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def nato_report(tmp_path_factory):
    import foedus
    from foedus.compare.run import run_comparison
    from foedus.report import build_report
    from foedus.variants import variant_from_levers

    out = tmp_path_factory.mktemp("nato")
    comp = run_comparison(foedus.load_scenario("nato"), [variant_from_levers(["info-ops:2026-01"], "info-ops")],
                          out=out / "comparison", months=24, runs=200, seed=5)
    return build_report(comp.path, out / "report.html")


@pytest.fixture(scope="module")
def drawn_report(tmp_path_factory):
    """The CSTO split across parameter draws (survival bands, intervals across draws) with the
    sensitivity figure of a small Morris screening."""
    import foedus
    from foedus.cli import main
    from foedus.report import build_report

    out = tmp_path_factory.mktemp("drawn")
    foedus.simulate("csto", months=24, runs=100, seed=3, param_draws=5, out=out / "run")
    try:
        code = main(["sensitivity", "csto", "--method", "morris", "--samples", "2", "--runs", "6", "--months", "6",
                     "--param", "hazard_notice", "--param", "hazard_suspend", "-o", str(out / "sens")])
    except SystemExit as exc:
        code = exc.code
    assert code in (0, None)
    return build_report(out / "run", out / "report.html", sensitivity=out / "sens")


@pytest.mark.parametrize("which", ["nato_report", "drawn_report"])
def test_every_figure_of_the_report_is_legible_at_400_px(browser, which, request, shots):
    report = request.getfixturevalue(which)
    if which == "drawn_report":
        assert {"survival", "sensitivity"} <= set(report.figures), "the bands and the sensitivity are drawn"
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(report.html.resolve().as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    sizes = page.eval_on_selector_all("figure svg text", """ts => ts.map(t => {
        const svg = t.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]; })""")
    assert len(sizes) > (100 if which == "nato_report" else 60)
    small = [(text, round(size, 1)) for text, size in sizes if text.strip() and size < 11]
    assert not small, f"labels under 11 px at 400 px: {small[:10]}"
    assert page.get_attribute("body", "data-figures") == page.get_attribute("body", "data-figures-loaded")
    page.screenshot(path=shots / f"{which}-phone.png", full_page=True)
    page.close()


def test_natos_report_drops_the_panels_and_the_network_that_said_nothing(nato_report):
    text = nato_report.html.read_text()
    assert "network" not in nato_report.figures
    assert "standing" not in nato_report.figures and "survival" not in nato_report.figures
    assert "no figure of standings or of time to exit would show anything" in text and "Belgium" in text
    # 32 members: credibility at the horizon in one figure, not 32 panels
    assert "Credibility at the horizon" in text
