"""Counting the replayed record per class of event: the CSTO's and NATO's known history."""

from __future__ import annotations

import datetime as dt

import pytest

import foedus
from foedus.retrodiction.events import CLASSES, NAMES, classes_of, real_counts
from foedus.scenario.schema import Event

D = dt.date


@pytest.fixture(scope="module")
def csto():
    return foedus.load_scenario("csto").data


@pytest.fixture(scope="module")
def nato():
    return foedus.load_scenario("nato").data


def test_the_csto_2004_to_2025_record(csto):
    c = real_counts(csto, "csto", D(2004, 7, 1), D(2025, 12, 31))
    # Kyrgyzstan 2010, Armenia 2021 (Art 2), Kazakhstan 2022, Armenia 2022
    assert c["requests"] == 4
    assert c["deployments"] == 1                               # Kazakhstan, January 2022
    assert c["limited"] + c["refusals"] == 3
    assert c["freezes"] == 2                                   # Uzbekistan 2012, Armenia 2024
    assert c["suspensions"] == 1                               # Uzbekistan, December 2012
    assert c["accessions"] == 1                                # Uzbekistan returns, 2006
    assert c["crises"] == 8                                    # the four requests, two Kyrgyz-Tajik clashes, Kyrgyzstan April 2010 and Armenia 2020 (no request)
    assert c["exits"] == c["notices"] == c["returns"] == c["alliance_ends"] == 0


def test_the_csto_renewal_of_1999_counts_three_exits_by_not_renewing(csto):
    c = real_counts(csto, "csto", D(1998, 6, 1), D(1999, 12, 31))
    assert c["exits"] == c["exits_renewal"] == 3               # Azerbaijan, Georgia, Uzbekistan
    assert c["exits_notice"] == 0


def test_eight_allies_asking_for_consultations_on_24_february_2022_are_eight_requests(nato):
    c = real_counts(nato, "nato", D(2022, 2, 1), D(2022, 2, 28))
    assert c["requests"] == c["limited"] == 8                  # consultations held: limited help
    assert c["crises"] == 9                                    # the ninth exposed ally, Hungary, did not ask
    assert c["refusals"] == c["deployments"] == 0


def test_the_nato_2004_to_2025_record(nato):
    c = real_counts(nato, "nato", D(2004, 7, 1), D(2025, 12, 31))
    assert c["requests"] == 17
    assert c["accessions"] == 6                                # ALB HRV 2009, MNE, MKD, FIN, SWE
    assert c["exits"] == c["freezes"] == 0


def test_an_event_on_the_start_date_is_already_in_the_start_state_and_not_counted(csto):
    assert real_counts(csto, "csto", D(2024, 2, 22), D(2024, 12, 31))["freezes"] == 0
    assert real_counts(csto, "csto", D(2024, 2, 21), D(2024, 12, 31))["freezes"] == 1


def test_an_alliance_end_counts_only_inside_the_period(csto):
    assert real_counts(csto, "csto", D(2000, 1, 1), D(2009, 12, 31), alliance_end=D(2005, 3, 1))["alliance_ends"] == 1
    assert real_counts(csto, "csto", D(2000, 1, 1), D(2004, 12, 31), alliance_end=D(2005, 3, 1))["alliance_ends"] == 0


def test_a_lapse_of_three_members_is_three_exits_and_a_clash_is_one_crisis():
    lapse = Event(date=D(1999, 4, 20), type="lapse", alliance="x", actors=("AZE", "GEO", "UZB"), source="t")
    assert classes_of(lapse).count("exits") == 3 and classes_of(lapse).count("exits_renewal") == 3
    clash = Event(date=D(2021, 4, 28), type="clash", alliance="x", actors=("KGZ", "TJK"), source="t")
    assert classes_of(clash) == ["crises"]
    statement = Event(date=D(2021, 4, 28), type="statement", alliance="x", actors=("KGZ",), source="t")
    assert classes_of(statement) == []


def test_a_crisis_without_a_request_is_a_crisis_and_nothing_else():
    crisis = Event(date=D(2020, 9, 27), type="crisis", alliance="x", actors=("ARM",), target="AZE",
                   crisis="armed_attack", source="t")
    assert classes_of(crisis) == ["crises"]
    with pytest.raises(ValueError, match="crisis type"):
        Event(date=D(2020, 9, 27), type="crisis", alliance="x", actors=("ARM",), source="t")


def test_every_class_has_a_name_and_the_engine_simulates_every_one():
    assert len(set(NAMES)) == len(CLASSES)
    assert [c.name for c in CLASSES if not c.simulated] == []   # an alliance's end too: at a term end
