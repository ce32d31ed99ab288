"""The NATO record: twelve founders to thirty-two members, no member lost; Finland and Sweden
admitted only once every member had ratified."""

from __future__ import annotations

import datetime as dt

import pytest

import foedus
from foedus.errors import ArgumentError, RuleViolation
from foedus.ledger.replay import replay
from foedus.scenario.schema import EventType
from foedus.treaty.membership import Standing

FOUNDERS = ["BEL", "CAN", "DNK", "FRA", "GBR", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "USA"]


@pytest.fixture(scope="module")
def nato():
    return foedus.load_scenario("nato")


def test_twelve_founders_in_force_1949_08_24(nato):
    assert nato.replay(as_of="1949-08-23").members("nato") == []
    assert nato.replay(as_of="1949-08-24").members("nato") == FOUNDERS


@pytest.mark.parametrize("date, count", [
    ("1952-02-18", 14), ("1955-05-06", 15), ("1982-05-30", 16), ("1999-03-12", 19),
    ("2004-03-29", 26), ("2009-04-01", 28), ("2017-06-05", 29), ("2020-03-27", 30),
    ("2023-04-04", 31), ("2024-03-07", 32), ("2025-12-31", 32),
])
def test_membership_grows_by_the_dated_enlargements(nato, date, count):
    assert len(nato.replay(as_of=date).members("nato")) == count


def test_no_member_ever_lost(nato):
    rp = nato.full_replay
    assert all(m.standing in (Standing.active,) for s, m in rp.alliance("nato").memberships.items())
    assert not any(e.event.type in (EventType.notice, EventType.withdraw, EventType.lapse) for e in rp.events)


def test_finland_joins_on_2023_04_04(nato):
    assert nato.replay(as_of="2023-04-03").standing("nato", "FIN") == Standing.invited
    assert nato.replay(as_of="2023-04-04").standing("nato", "FIN") == Standing.active


def test_sweden_waits_on_turkey_and_hungary_and_joins_on_2024_03_07(nato):
    jan = nato.replay(as_of="2024-01-01").alliance("nato").memberships["SWE"]
    assert jan.standing == Standing.invited
    assert sorted(jan.invited_by - jan.ratified_by) == ["HUN", "TUR"]
    after_tur = nato.replay(as_of="2024-01-31").alliance("nato").memberships["SWE"]
    assert sorted(after_tur.invited_by - after_tur.ratified_by) == ["HUN"]
    after_hun = nato.replay(as_of="2024-02-26").alliance("nato").memberships["SWE"]
    assert after_hun.invited_by <= after_hun.ratified_by
    assert after_hun.standing == Standing.invited
    assert nato.replay(as_of="2024-03-06").standing("nato", "SWE") == Standing.invited
    assert nato.replay(as_of="2024-03-07").standing("nato", "SWE") == Standing.active


def test_sweden_could_not_be_admitted_before_hungary_ratified(nato):
    events = list(nato.data.events)
    admit = next(e for e in events if e.type == EventType.admit and e.actors == ("SWE",))
    early = admit.model_copy(update={"date": dt.date(2024, 2, 1)})
    rest = [e for e in events if e is not admit]
    rest.insert(next(i for i, e in enumerate(rest) if e.date > early.date), early)
    with pytest.raises(RuleViolation) as info:
        replay(nato.data.model_copy(update={"events": tuple(rest)}))
    assert "admission after ratification by every member" in str(info.value)
    assert "not yet ratified by HUN" in str(info.value)
    assert "2024-02-01 admit SWE" in str(info.value)


def test_finland_and_sweden_applied_on_2022_05_18(nato):
    rp = nato.replay(as_of="2022-05-18")
    assert rp.standing("nato", "FIN") == Standing.applicant
    assert rp.standing("nato", "SWE") == Standing.applicant


def test_article_5_invoked_once(nato):
    reqs = nato.full_replay.requests("nato")
    assert [(r.date, r.actors, r.article) for r in reqs] == [(dt.date(2001, 9, 12), ("USA",), "5")]


# -- Art 6's area, and parties apart from the integrated command --------------------------------
def test_the_falklands_1982_lie_outside_the_art_6_area_but_british_territory_in_europe_is_covered(nato):
    falklands = nato.obligations(date="1982-04-02", victim="GBR", aggressor="ARG", place="FLK")
    assert not falklands.casus_foederis and falklands.bound == []
    assert "Falkland Islands" in falklands.reason and "outside the treaty area (Art 6)" in falklands.reason
    for place in ("GBR", "GIB", None):
        europe = nato.obligations(date="1982-04-02", victim="GBR", aggressor="ARG", place=place)
        assert europe.casus_foederis and "USA" in europe.bound


def test_goa_1961_was_outside_the_area_and_algeria_inside_it_until_1962(nato):
    assert not nato.obligations(date="1961-12-18", victim="PRT", aggressor="IND", place="GOA").casus_foederis
    assert nato.obligations(date="1960-01-01", victim="FRA", aggressor="RUS", place="FR-DZ").casus_foederis
    with pytest.raises(ArgumentError, match="until 1962-07-03"):
        nato.obligations(date="1963-01-01", victim="FRA", aggressor="RUS", place="FR-DZ")


def test_an_attack_by_several_aggressors_is_one_casus_foederis(nato):
    ob = nato.obligations(date="1982-04-02", victim="NOR", aggressor=["RUS", "ARG"])
    assert ob.casus_foederis and ob.aggressors == ("RUS", "ARG") and "RUS" not in ob.bound


@pytest.mark.parametrize("state, date, outside", [
    ("FRA", "1970-01-01", True), ("FRA", "2010-01-01", False), ("GRC", "1975-01-01", True), ("GRC", "1981-01-01", False),
])
def test_france_and_greece_outside_the_integrated_command_stay_bound_by_art_5(nato, state, date, outside):
    duty = {d.state: d for d in nato.obligations(date=date, victim="NOR", aggressor="RUS").duties}[state]
    assert duty.bound and duty.article == "Art 5"
    assert ("outside the integrated military command" in duty.reason) == outside
    assert state in nato.replay(as_of=date).members("nato")
