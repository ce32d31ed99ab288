"""Obligations: on a date, for a victim, an aggressor and a crisis type, which members are bound
under which article, and for those who are not, why."""

from __future__ import annotations

import datetime as dt

import pytest

import foedus
from foedus.errors import ArgumentError
from foedus.treaty.membership import Standing
from foedus.treaty.obligations import obligations


@pytest.fixture(scope="module")
def csto():
    return foedus.load_scenario("csto")


@pytest.fixture(scope="module")
def nato():
    return foedus.load_scenario("nato")


def by_state(ob):
    return {d.state: d for d in ob.duties}


def test_armenia_2022_09_13_five_members_bound_under_article_4_at_its_request(csto):
    ob = csto.obligations(date="2022-09-13", victim="ARM", aggressor="AZE")
    assert ob.casus_foederis
    assert ob.article == "Art 4"
    assert sorted(ob.bound) == ["BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert all(d.article == "Art 4" for d in ob.duties if d.bound)
    assert any("at the victim's request" in c for c in ob.conditions)
    assert ob.consultations == ("Art 2",)


def test_armenia_2022_09_13_uzbekistan_not_bound_because_suspended(csto):
    uzb = by_state(csto.obligations(date="2022-09-13", victim="ARM", aggressor="AZE"))["UZB"]
    assert not uzb.bound
    assert uzb.standing == "suspended"
    assert "suspended" in uzb.reason


def test_the_victim_and_the_aggressor_are_not_listed_as_helpers(csto):
    states = by_state(csto.obligations(date="2022-09-13", victim="ARM", aggressor="AZE"))
    assert "ARM" not in states and "AZE" not in states


def test_without_armenias_request_nobody_is_bound_after_2012(csto):
    ob = csto.obligations(date="2022-09-13", victim="ARM", aggressor="AZE", requested=False)
    assert not ob.casus_foederis and ob.bound == []
    assert "has not requested help" in ob.reason


def test_before_the_2010_protocol_took_effect_help_was_owed_without_a_request(csto):
    ob = csto.obligations(date="2010-01-01", victim="ARM", aggressor="AZE", requested=False)
    assert ob.casus_foederis
    assert ob.conditions == ()


def test_armenia_frozen_in_2024_is_not_covered(csto):
    ob = csto.obligations(date="2024-03-01", victim="ARM", aggressor="AZE")
    assert not ob.casus_foederis and ob.bound == []
    assert "frozen" in ob.reason


def test_armenia_frozen_is_not_bound_to_help_kazakhstan(csto):
    arm = by_state(csto.obligations(date="2024-03-01", victim="KAZ"))["ARM"]
    assert not arm.bound and "frozen" in arm.reason


def test_a_clash_between_members_does_not_bind_the_others(csto):
    ob = csto.obligations(date="2022-09-14", victim="KGZ", aggressor="TJK")
    assert not ob.casus_foederis
    assert "itself a member" in ob.reason
    assert all(not d.bound and d.reason == ob.reason for d in ob.duties)


def test_unrest_is_not_an_armed_attack_under_article_4(csto):
    ob = csto.obligations(date="2022-01-05", victim="KAZ", crisis="unrest")
    assert not ob.casus_foederis
    assert "'unrest' is not covered by Art 4" in ob.reason
    assert "Art 2" in ob.reason


def test_an_attack_outside_the_victims_territory_is_not_covered(csto):
    ob = csto.obligations(date="2020-10-01", victim="ARM", aggressor="AZE", territory="outside")
    assert not ob.casus_foederis and "outside ARM's territory" in ob.reason


def test_before_entry_into_force_nobody_is_bound(csto):
    ob = csto.obligations(date="1993-01-01", victim="ARM")
    assert not ob.casus_foederis and "not in force until 1994-04-20" in ob.reason


def test_a_state_that_left_is_not_covered(csto):
    ob = csto.obligations(date="2008-08-08", victim="GEO", aggressor="RUS")
    assert not ob.casus_foederis
    assert "GEO is not a member" in ob.reason and "withdrawn" in ob.reason


def test_bad_arguments_raise_argument_errors(csto):
    with pytest.raises(ArgumentError, match="found 'XXX'"):
        csto.obligations(date="2022-09-13", victim="XXX")
    with pytest.raises(ArgumentError, match="crisis"):
        csto.obligations(date="2022-09-13", victim="ARM", crisis="invasion")
    with pytest.raises(ArgumentError, match="territory"):
        csto.obligations(date="2022-09-13", victim="ARM", territory="abroad")
    with pytest.raises(ArgumentError, match="date"):
        csto.obligations(date="13/09/2022", victim="ARM")


def test_nato_article_5_after_11_september(nato):
    ob = nato.obligations(date="2001-09-12", victim="USA")
    assert ob.casus_foederis and ob.article == "Art 5"
    assert len(ob.bound) == 18  # nineteen allies in 2001, less the victim


def test_nato_sweden_not_bound_before_it_joined(nato):
    ob = nato.obligations(date="2024-03-01", victim="POL", aggressor="RUS")
    assert len(ob.bound) == 30
    assert "SWE" not in by_state(ob)


def test_nato_article_5_covers_only_the_treaty_area(nato):
    ob = obligations(nato.alliance("nato"), {"USA": Standing.active, "GBR": Standing.active, "XXX": Standing.active},
                     dt.date(2024, 1, 1), "XXX")
    assert not ob.casus_foederis and "outside the treaty area" in ob.reason


def test_a_member_under_notice_is_still_bound(csto):
    a = csto.alliance("csto")
    ob = obligations(a, {"ARM": Standing.active, "RUS": Standing.notice, "KAZ": Standing.active},
                     dt.date(2023, 1, 1), "ARM", "AZE")
    assert ob.bound == ["KAZ", "RUS"]
    assert "notice" in by_state(ob)["RUS"].reason


def test_the_answer_as_a_dict_for_json(csto):
    d = csto.obligations(date="2022-09-13", victim="ARM", aggressor="AZE").to_dict()
    assert d["date"] == "2022-09-13" and d["article"] == "Art 4" and d["casus_foederis"] is True
    assert sorted(d["bound"]) == ["BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert {x["state"] for x in d["duties"]} == {"BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
