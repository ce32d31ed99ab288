"""Three more alliances replayed through the same rules: the Rio Treaty (two-year denunciations),
the Sino-Soviet treaty of 1950 (a thirty-year term renewing tacitly, ended by China's notice) and
ANZUS (obligations suspended towards one party that stays a party)."""

from __future__ import annotations

import pytest

import foedus
from foedus.errors import ArgumentError
from foedus.treaty.membership import Standing


@pytest.fixture(scope="module")
def sino():
    return foedus.load_scenario("sino-soviet")


def test_the_sino_soviet_treaty_has_ended_by_june_1980_and_nobody_is_a_party(sino):
    st = sino.replay(as_of="1980-06-01").alliance("sino-soviet")
    assert st.members() == [] and str(st.ended) == "1980-04-11" and st.end_cause.value == "expiry"
    ob = sino.obligations(date="1980-06-01", victim="CHN", aggressor="JPN")
    assert not ob.casus_foederis and "ended on 1980-04-11" in ob.reason


def test_in_december_1979_both_are_parties_and_chinas_notice_is_pending(sino):
    st = sino.replay(as_of="1979-12-01").alliance("sino-soviet")
    assert st.members() == ["CHN", "RUS"]
    assert st.standing("CHN") == Standing.notice and str(st.memberships["CHN"].notice_due) == "1980-04-11"
    assert sino.obligations(date="1979-12-01", victim="CHN", aggressor="JPN").bound == ["RUS"]


def test_a_simulation_of_the_sino_soviet_treaty_refuses_to_start_after_its_end_and_crosses_its_term(sino):
    with pytest.raises(ArgumentError, match="before the end of the Treaty of Friendship.*1980-04-11"):
        foedus.simulate(sino, start="1980-06-01", months=6, runs=5)
    runs = foedus.simulate(sino, start="1979-06-01", months=24, runs=50, seed=1).runs
    assert set(runs["alliance_ends"]) <= {0, 1} and runs["alliance_ends"].sum() > 0   # ended where China's notice stood


def test_anzus_1990_australia_is_bound_to_new_zealand_the_united_states_not():
    anzus = foedus.load_scenario("anzus")
    ob = anzus.obligations(date="1990-01-01", victim="NZL")
    duties = {d.state: d for d in ob.duties}
    assert ob.casus_foederis and duties["AUS"].bound and not duties["USA"].bound
    assert "suspended its obligations towards NZL on 1986-08-11" in duties["USA"].reason
    assert anzus.replay(as_of="1990-01-01").members("anzus") == ["AUS", "NZL", "USA"]
    assert anzus.obligations(date="1990-01-01", victim="AUS").bound == ["NZL", "USA"]
    assert anzus.obligations(date="1985-01-01", victim="NZL").bound == ["AUS", "USA"]


def test_rio_2003_mexico_is_still_a_party_its_notice_of_2002_taking_effect_in_2004():
    rio = foedus.load_scenario("rio")
    st = rio.replay(as_of="2003-06-01").alliance("rio")
    assert "MEX" in st.members() and st.standing("MEX") == Standing.notice
    assert str(st.memberships["MEX"].notice_due) == "2004-09-06"
    assert "MEX" not in rio.replay(as_of="2004-09-06").members("rio")


@pytest.mark.parametrize("state, out", [("NIC", "2014-09-06"), ("BOL", "2014-10-17"), ("VEN", "2015-07-14"),
                                        ("ECU", "2016-02-19")])
def test_rio_the_alba_denunciations_take_effect_two_years_later(state, out):
    rio = foedus.load_scenario("rio")
    m = rio.replay(as_of="2020-01-01").alliance("rio").memberships[state]
    assert m.standing == Standing.withdrawn and str(m.since) == out


def test_rio_cuba_excluded_from_the_organ_of_consultation_stays_a_party():
    rio = foedus.load_scenario("rio")
    st = rio.replay(as_of="2020-01-01").alliance("rio")
    assert "CUB" in st.members() and "Organ of Consultation" in st.memberships["CUB"].bodies_left
    assert len(st.members()) == 18


def test_the_sino_soviet_treaty_covers_an_attack_only_where_japan_takes_part(sino):
    alone = sino.obligations(date="1960-01-01", victim="CHN", aggressor="USA")
    assert not alone.casus_foederis and "only an attack in which JPN takes part" in alone.reason
    assert sino.obligations(date="1960-01-01", victim="CHN", aggressor=["USA", "JPN"]).bound == ["RUS"]
    assert sino.obligations(date="1960-01-01", victim="RUS", aggressor="JPN").bound == ["CHN"]
