"""The browser view as a user sees it, in Chromium: each flow of the page, what it shows, at desktop
and phone width, and that no request leaves the machine (the ``visit`` fixture checks every page)."""

from __future__ import annotations

import io
import re

import pandas as pd

ACTIVE, FROZEN = "#2e7d32", "#f2a900"


def fills(page, figure: str) -> list[str]:
    """The fill colours of the shapes drawn in a figure (the map's countries)."""
    return page.eval_on_selector_all(f"#{figure} svg g.mark-shape path[fill]", "ps => ps.map(p => p.getAttribute('fill'))")


def test_csto_on_1_march_2024_armenia_is_frozen_on_the_map_and_the_timeline(visit, shots):
    page = visit("a=csto&d=2024-03-01")
    assert "on 2024-03-01: 6 members (Armenia frozen)" in page.inner_text("#map-caption")
    colours = fills(page, "fig-map")
    assert colours.count(FROZEN) == 1 and colours.count(ACTIVE) == 5
    # the timeline: Armenia active until its freeze of 22 February 2024, frozen since
    spells = page.eval_on_selector_all("#fig-timeline svg path[aria-label]", "ps => ps.map(p => p.getAttribute('aria-label'))")
    armenia = [s for s in spells if "name: Armenia;" in s and "standing:" in s]
    assert "name: Armenia; to: Feb 22, 2024; standing: active" in " | ".join(armenia)
    assert armenia[-1].endswith("standing: frozen")
    assert any("name: Uzbekistan;" in s and s.endswith("standing: suspended") for s in spells)
    # the events after the chosen date are shown as still to come
    future = page.eval_on_selector_all("#events tbody tr.future", "rs => rs.map(r => r.dataset.date)")
    assert future and min(future) > "2024-03-01"
    page.screenshot(path=shots / "csto-desktop.png", full_page=True)


def test_nato_gains_sweden_on_7_march_2024_when_the_slider_moves_a_day(visit):
    page = visit("a=nato&d=2024-03-06")
    assert "on 2024-03-06: 31 members" in page.inner_text("#map-caption")
    assert fills(page, "fig-map").count(ACTIVE) == 31
    page.focus("#date-slider")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('#map-caption').textContent.includes('2024-03-07')")
    assert "on 2024-03-07: 32 members" in page.inner_text("#map-caption")
    assert page.inner_text("#map-caption").endswith("On this day: Sweden active")
    spells = page.eval_on_selector_all("#fig-timeline svg path[aria-label]", "ps => ps.map(p => p.getAttribute('aria-label'))")
    sweden = [s for s in spells if "name: Sweden;" in s and "standing:" in s]
    assert "to: Mar 07, 2024" in sweden[-2] and sweden[-1].endswith("standing: active"), sweden
    page.wait_for_function(f"[...document.querySelectorAll('#fig-map svg g.mark-shape path[fill]')].filter(p => p.getAttribute('fill') == '{ACTIVE}').length == 32")
    assert page.input_value("#date") == "2024-03-07"
    assert "d=2024-03-07" in page.url


def test_who_is_bound_to_help_armenia_against_azerbaijan_in_september_2022(visit):
    page = visit("a=csto&d=2022-09-13")
    form = "#bound-form"
    page.fill(f"{form} [name=date]", "2022-09-13")
    page.select_option(f"{form} [name=victim]", "ARM")
    page.select_option(f"{form} [name=aggressor]", "AZE")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#bound-answer table")
    answer = page.inner_text("#bound-answer")
    assert answer.startswith("Casus foederis: armed attack on a member: Art 4 applies")
    rows = page.eval_on_selector_all("#bound-answer tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))")
    bound = {r[0]: r[2] for r in rows}
    assert bound["Russia"] == "yes" and bound["Uzbekistan"] == "no"
    # Azerbaijan as a fellow member in 1998: the article does not bind against a member
    page.fill(f"{form} [name=date]", "1998-06-01")
    page.click(f"{form} button[type=submit]")
    page.wait_for_function("document.querySelector('#bound-answer').textContent.startsWith('No casus foederis')")


def run_forecast(page, runs: int = 400, months: int = 36):
    page.fill("[name=runs]", str(runs))
    page.fill("[name=months]", str(months))
    page.click("#run")
    page.wait_for_function("document.querySelector('#progress-text').textContent.startsWith('done')", timeout=180_000)


def test_a_lever_moved_changes_the_forecast_and_the_comparison(visit):
    page = visit("a=csto")
    run_forecast(page)
    assert "baseline only" in page.inner_text("#forecast-caption")
    assert page.get_attribute("#fig-active", "data-rendered") and page.get_attribute("#fig-exits", "data-rendered")
    assert page.get_attribute("#fig-difference", "data-rendered") is None
    before = page.inner_text("#command")
    assert before == "foedus simulate csto --months 36 --runs 400 --seed 1 --param-draws 20"
    # the war ends in January 2025: the page runs the what-if against the same baseline by itself
    page.fill("[name=war_date]", "2025-01")
    page.check("[name=war_on]")
    page.wait_for_function("document.querySelector('#forecast-caption').textContent.includes('war-ends:2025-01')",
                           timeout=180_000)
    page.wait_for_function("document.querySelector('#progress-text').textContent.startsWith('done')", timeout=180_000)
    assert page.get_attribute("#fig-difference", "data-rendered")
    assert "--lever war-ends:2025-01:value=0.2 --name what-if --months 36 --runs 400 --seed 1 --param-draws 20" in page.inner_text("#command")
    table = page.inner_text("#paired")
    assert "active members" in table and "chance of a step out, ARM" in table
    verdicts = page.eval_on_selector_all("#paired tbody td:last-child", "ts => ts.map(t => t.textContent)")
    assert set(verdicts) <= {"no change", "no clear change", "a small change", "higher", "lower"}
    assert set(verdicts) - {"no change"}, "the lever changed nothing"
    # the patron does not step out of its own alliance in this model: that difference is exactly none
    rus = page.eval_on_selector_all("#paired tbody tr", "rs => rs.map(r => r.textContent).filter(t => t.includes('step out, RUS'))")
    assert len(rus) == 1 and rus[0].endswith("no change")


def test_the_forecast_shows_the_interval_across_parameter_draws_beside_the_runs(visit):
    page = visit("a=csto")
    page.check("[name=war_on]")
    run_forecast(page, runs=200, months=24)
    assert "20 parameter draws" in page.inner_text("#forecast-caption")
    assert page.inner_text("#draws-note").startswith("Parameters: 20 draws from the posterior of")
    assert page.get_attribute("#fig-horizon", "data-rendered")
    # Armenia's chance of a step out: probability [5-95% across draws] (90% run to run), both arms
    cells = page.eval_on_selector_all("#exits-table tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))")
    (arm,) = [c for c in cells if c[0] == "ARM"]
    p, d_lo, d_hi, r_lo, r_hi = map(int, re.fullmatch(r"(\d+)% \[(\d+)%-(\d+)%\] \((\d+)%-(\d+)%\)", arm[1]).groups())
    assert d_lo <= p <= d_hi and r_lo <= p <= r_hi and d_hi - d_lo > r_hi - r_lo, "the draws disagree more than runs"
    assert len(arm) == 3, "one column per arm"
    spans = page.eval_on_selector_all("#paired tbody td:nth-child(5)", "ts => ts.map(t => t.textContent)")
    assert spans and all(" to " in s for s in spans)
    # one draw: the fitted values alone, and the page says so
    page.fill("[name=draws]", "1")
    page.click("#run")
    page.wait_for_function("document.querySelector('#forecast-caption').textContent.includes('the fitted parameters')",
                           timeout=180_000)
    assert page.inner_text("#command").endswith("--param-draws 1")
    assert page.inner_text("#draws-note").startswith("Parameters: the fitted values only")
    assert "fk=1" in page.url


def test_a_bad_lever_is_one_line_in_the_page(visit):
    page = visit("a=csto")
    page.fill("[name=war_date]", "")
    page.check("[name=war_on]")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert page.inner_text("#error") == "argument --lever date: expected a date YYYY-MM-DD (or YYYY-MM, YYYY), found ''"
    assert page.get_attribute("#fig-active", "data-rendered") is None
    # the browser logs the server's answer, 400 Bad Request, as a failed load: expected here
    page.errors[:] = [e for e in page.errors if "status of 400" not in e]


def test_downloads_give_each_table_and_figure(visit):
    page = visit("a=csto&d=2024-03-01")
    with page.expect_download() as dl:
        page.click("#fig-map .figtools button[data-kind=svg]")
    assert dl.value.suggested_filename == "csto-map.svg"
    assert open(dl.value.path(), encoding="utf-8").read().lstrip().startswith("<svg")
    with page.expect_download() as dl:
        page.click("#fig-timeline .figtools button[data-kind=png]")
    assert open(dl.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as dl:
        page.click(".downloads[data-table=standings] a:text('CSV')")
    table = pd.read_csv(dl.value.path())
    assert table.set_index("state").at["ARM", "standing"] == "frozen"
    with page.expect_download() as dl:
        page.click(".downloads[data-table=events] a:text('PARQUET')")
    events = pd.read_parquet(io.BytesIO(open(dl.value.path(), "rb").read()))
    assert "2024-02-22" in set(events["date"]) or (events["type"] == "freeze").any()


def test_the_address_restores_the_view(visit):
    page = visit("a=csto&d=2022-09-13")
    page.select_option("#bound-form [name=victim]", "ARM")
    page.select_option("#bound-form [name=aggressor]", "AZE")
    page.click("#bound-form button[type=submit]")
    page.wait_for_selector("#bound-answer table")
    page.check("[name=crisis_on]")
    page.select_option("[name=crisis_victim]", "KGZ")
    run_forecast(page, runs=200, months=24)
    url = page.url
    assert "fl=crisis" in url
    again = visit(url.split("#", 1)[1])
    again.wait_for_function("document.querySelector('#progress-text').textContent.startsWith('done')", timeout=180_000)
    assert again.input_value("#date") == "2022-09-13"
    assert again.inner_text("#bound-answer") == page.inner_text("#bound-answer")
    assert again.is_checked("[name=crisis_on]") and again.input_value("[name=crisis_victim]") == "KGZ"
    assert again.inner_text("#paired") == page.inner_text("#paired")


def test_any_atop_alliance_by_a_members_name(visit):
    page = visit("a=csto")
    page.fill("#atop-query", "Brazil")
    page.click("#atop-search")
    page.wait_for_selector("#alliance option[value='atop-3075']", state="attached")
    page.select_option("#alliance", "atop-3075")
    page.wait_for_function("document.querySelector('#map-caption').textContent.startsWith('ATOP alliance 3075')")
    assert re.search(r"on 2016-12-31: \d+ members", page.inner_text("#map-caption"))
    assert "a=atop-3075" in page.url


def test_the_page_fits_a_phone(visit, shots):
    page = visit("a=nato&d=2024-03-07", width=400, height=800)
    page.select_option("#bound-form [name=victim]", "EST")
    page.select_option("#bound-form [name=aggressor]", "RUS")
    page.click("#bound-form button[type=submit]")
    page.wait_for_selector("#bound-answer table")
    run_forecast(page, runs=200, months=24)
    page.check("[name=crisis_on]")  # a lever: the paired difference is drawn too
    page.wait_for_function("document.querySelector('#fig-difference').dataset.rendered", timeout=180_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    # no figure's text spills out of the figure
    spilled = page.eval_on_selector_all("figure.fig svg text", """ts => ts.filter(t => {
        const b = t.getBoundingClientRect(), f = t.ownerSVGElement.getBoundingClientRect();
        return t.textContent.trim() && (b.left < f.left - 1 || b.right > f.right + 1); }).map(t => t.textContent)""")
    assert not spilled, spilled
    widths = page.eval_on_selector_all("figure.fig svg", "ss => ss.map(s => s.getBoundingClientRect().width)")
    assert widths and max(widths) <= 400
    # the figures' text is drawn at its own size, not shrunk with an image: at least 11 px on screen
    sizes = page.eval_on_selector_all("figure.fig svg text", """ts => ts.map(t => {
        const svg = t.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
        return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]; })""")
    assert len(sizes) > 50
    small = [(text, size) for text, size in sizes if text.strip() and size < 11]
    assert not small, f"labels under 11 px: {small[:10]}"
    page.screenshot(path=shots / "nato-phone.png", full_page=True)


def test_the_offline_check_catches_a_request_that_would_leave(visit):
    """The check must be able to fail: a request to an outside host is caught and stopped."""
    page = visit("a=csto")
    page.evaluate("fetch('https://example.org/x').catch(() => null)")
    page.wait_for_timeout(200)
    assert visit.outside.outside == ["https://example.org/x"]
    assert all(u.startswith(("http://127.0.0.1", "data:", "blob:")) for u in visit.outside.local)
    visit.outside.outside.clear()  # the fixture's own check would fail the test otherwise
    page.errors.clear()


def ask_bound(page, date: str, victim: str, aggressors: list[str], place: str) -> str:
    form = "#bound-form"
    page.fill(f"{form} [name=date]", date)
    page.select_option(f"{form} [name=victim]", victim)
    page.select_option(f"{form} [name=aggressor]", aggressors)
    page.select_option(f"{form} [name=place]", place)
    page.click(f"{form} button[type=submit]")
    page.wait_for_function(f"(document.querySelector('#bound-answer').dataset.answered || '').endsWith('{place}')")
    return page.inner_text("#bound-answer")


def test_the_falklands_are_outside_natos_area_and_gibraltar_inside_on_2_april_1982(visit):
    page = visit("a=nato&d=1982-04-02")
    answer = ask_bound(page, "1982-04-02", "GBR", ["ARG"], "FLK")
    assert answer.startswith("No casus foederis: the attack fell on Falkland Islands (FLK, South Atlantic; "
                             "territory of GBR), outside the treaty area (Art 6)")
    rows = page.eval_on_selector_all("#bound-answer tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))")
    assert {r[2] for r in rows} == {"no"} and {r[3] for r in rows} == {"Art 5"}
    assert all("outside the treaty area" in r[4] for r in rows)
    assert "ba=ARG" in page.url and "bt=FLK" in page.url
    again = visit(page.url.split("#", 1)[1])  # the address restores the aggressors and the place
    again.wait_for_selector("#bound-answer table")
    assert again.inner_text("#bound-answer") == answer
    assert again.input_value("#bound-form [name=place]") == "FLK"
    answer = ask_bound(page, "1982-04-02", "GBR", ["ARG"], "GIB")
    assert answer.startswith("Casus foederis: armed attack on a member: Art 5 applies")
    assert "Condition: the attack fell on Gibraltar (GIB, Europe; territory of GBR), inside the treaty area (Art 6)" in answer
    bound = {r[0]: r[2] for r in page.eval_on_selector_all("#bound-answer tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))")}
    assert bound["United States"] == "yes" and bound["France"] == "yes"


def test_several_aggressors_are_named_and_kept_in_the_address(visit):
    page = visit("a=csto&d=2022-09-13")
    answer = ask_bound(page, "2022-09-13", "ARM", ["AZE", "GEO"], "own")
    assert answer.startswith("Casus foederis")
    assert "ba=AZE%2CGEO" in page.url or "ba=AZE,GEO" in page.url
    again = visit(page.url.split("#", 1)[1])
    again.wait_for_selector("#bound-answer table")
    assert again.eval_on_selector_all("#bound-form [name=aggressor] option:checked", "os => os.map(o => o.value)") == ["AZE", "GEO"]
    assert again.inner_text("#bound-answer") == answer


def test_anzus_rio_and_the_sino_soviet_treaty_show_their_record_and_map(visit):
    page = visit("a=csto")
    for alliance in ("anzus", "rio", "sino-soviet"):
        drawn = page.get_attribute("#fig-map", "data-rendered")
        page.select_option("#alliance", alliance)
        page.wait_for_function(f"document.querySelector('#fig-map').dataset.rendered != '{drawn}' && location.hash.includes('a={alliance}')")
        assert page.is_hidden("#error"), page.inner_text("#error")
        assert page.eval_on_selector_all("#events tbody tr", "rs => rs.length") > 0
        assert fills(page, "fig-map")
    # the treaty ended in 1980: a forecast after its end is refused with one line in the page
    page.fill("[name=runs]", "50")
    page.fill("[name=months]", "12")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert page.inner_text("#error") == (
        "argument from: expected a date before the end of the Treaty of Friendship, Alliance and Mutual Assistance "
        "(Moscow, 1950) (1980-04-11, expiry): nothing is simulated after a treaty's end, found '1980-12-31'")
    assert page.get_attribute("#fig-active", "data-rendered") is None
