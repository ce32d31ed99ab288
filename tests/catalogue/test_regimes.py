"""A converted ATOP scenario's regimes come from Polity5 as known on the scenario's date: polity2
banded (autocracy at -6 or below, democracy at +6 or above, hybrid between), the value of a year
known from the next, the last known score where a year has none, else hybrid."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.catalogue import polity, to_scenario
from foedus.scenario.schema import Regime


def regimes(atopid: int, year: int) -> dict[str, Regime]:
    return {s.iso3: s.regime for s in to_scenario(atopid, year, crises=False).states}


def test_in_the_anglo_soviet_alliance_of_1950_britain_is_a_democracy_and_the_ussr_an_autocracy():
    r = regimes(2535, 1950)
    assert r["UKG"] == Regime.democracy      # polity2 +10 in 1949
    assert r["RUS"] == Regime.autocracy      # the USSR, polity2 -9 in 1949
    notes = {s.iso3: s.note for s in to_scenario(2535, 1950, crises=False).states}
    assert "Polity5 polity2 +10 for 1949, known from 1950-01-01" in notes["UKG"]
    assert "Polity5 polity2 -9 for 1949" in notes["RUS"]


def test_turkeys_coup_of_september_1980_is_known_only_from_1981():
    assert regimes(3180, 1980)["TUR"] == Regime.democracy   # 1979: +9, the last year known on 1 January 1980
    assert regimes(3180, 1981)["TUR"] == Regime.hybrid      # 1980: -5
    assert polity.regime_on(640, dt.date(1980, 12, 31)).year == 1979


def test_a_year_polity_codes_without_a_score_is_passed_over_for_the_last_score_known():
    # the Netherlands under German occupation, 1940-1944 (regtrans -66, no polity2): its 1939 score
    nl = polity.regime_on(210, dt.date(1945, 1, 1))
    assert (nl.year, nl.polity2, nl.regime) == (1939, 10, Regime.democracy)


def test_after_2018_the_last_year_polity_codes_stands():
    ru = polity.regime_on(365, dt.date(2025, 1, 1))
    assert (ru.year, ru.polity2, ru.regime) == (2018, 4, Regime.hybrid)


def test_a_state_polity_does_not_code_or_not_yet_is_hybrid():
    assert polity.regime_on(395, dt.date(1950, 1, 1)).regime == Regime.hybrid          # Iceland: too small
    pakistan = polity.regime_on(770, dt.date(1947, 8, 14))                             # its first year is 1947
    assert (pakistan.regime, pakistan.year) == (Regime.hybrid, None)
    assert "foedus default 'hybrid'" in pakistan.note()
    # united Germany (255) in 1990 does not take the score of the German Reich of 1944
    assert polity.regime_on(255, dt.date(1990, 10, 3)).year is None
    assert regimes(3180, 1990)["GMY"] == Regime.hybrid


def test_the_bands_are_politys_conventional_ones():
    assert [polity.band(p) for p in (-10, -6, -5, 0, 5, 6, 10)] == [
        Regime.autocracy, Regime.autocracy, Regime.hybrid, Regime.hybrid, Regime.hybrid, Regime.democracy,
        Regime.democracy]


@settings(max_examples=60, deadline=None)
@given(st.integers(-10, 10), st.integers(-10, 10))
def test_a_higher_score_is_never_a_more_autocratic_band(a, b):
    order = {Regime.autocracy: 0, Regime.hybrid: 1, Regime.democracy: 2}
    if a <= b:
        assert order[polity.band(a)] <= order[polity.band(b)]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([2, 200, 210, 220, 255, 260, 290, 365, 640, 710, 770]),
       st.dates(dt.date(1800, 1, 1), dt.date(2030, 12, 31)))
def test_nothing_known_only_after_the_date_is_read(ccode, on):
    r = polity.regime_on(ccode, on)
    if r.year is None:
        assert r.regime == polity.UNKNOWN_REGIME and r.polity2 is None
    else:
        assert polity.known_from(r.year) <= on and r.year <= polity.LAST_YEAR
        assert r.polity2 == polity.bundled()[(ccode, r.year)].polity2 and r.regime == polity.band(r.polity2)
