"""The CSTO record replayed through the treaty rules gives the dated facts of
shared/facts/csto-nato.md."""

from __future__ import annotations

import datetime as dt

import pytest

import foedus
from foedus.scenario.schema import EventType, Outcome
from foedus.treaty.membership import Standing


@pytest.fixture(scope="module")
def csto():
    return foedus.load_scenario("csto")


def standings(csto, date):
    return {s: m.standing for s, m in csto.replay(as_of=date).alliance("csto").memberships.items()}


def test_the_whole_record_replays_without_a_rule_violation(csto):
    rp = csto.full_replay
    assert rp.as_of == dt.date(2025, 12, 31)
    assert len([e for e in rp.events if not e.generated]) == len(csto.events)


def test_six_founders_are_signatories_before_entry_into_force(csto):
    st = standings(csto, "1993-01-01")
    assert sorted(st) == ["ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    assert set(st.values()) == {Standing.signatory}
    assert csto.replay(as_of="1993-01-01").members("csto") == []


def test_nine_members_on_1995_01_01(csto):
    assert csto.replay(as_of="1995-01-01").members("csto") == [
        "ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "TJK", "UZB"]


def test_azerbaijan_georgia_belarus_join_and_are_bound_from_entry_into_force(csto):
    before = standings(csto, "1994-04-19")
    after = standings(csto, "1994-04-20")
    for s in ("AZE", "GEO", "BLR"):
        assert before[s] == Standing.signatory
        assert after[s] == Standing.active


def test_six_members_on_2000_01_01_after_three_left_by_not_renewing(csto):
    rp = csto.replay(as_of="2000-01-01")
    assert rp.members("csto") == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    for s in ("AZE", "GEO", "UZB"):
        m = rp.alliance("csto").memberships[s]
        assert m.standing == Standing.withdrawn
        assert m.since == dt.date(1999, 4, 20)


def test_the_three_are_still_members_the_day_before_the_renewal_window(csto):
    assert len(csto.replay(as_of="1999-04-19").members("csto")) == 9


def test_uzbekistan_back_from_2006_and_ratified_2008(csto):
    assert standings(csto, "2006-08-15")["UZB"] == Standing.withdrawn
    assert standings(csto, "2006-08-16")["UZB"] == Standing.active
    assert standings(csto, "2008-03-28")["UZB"] == Standing.active
    rp = csto.replay(as_of="2008-12-31")
    assert any(e.event.date == dt.date(2008, 3, 28) and "UZB" in e.event.actors for e in rp.events)
    assert len(rp.members("csto")) == 7


def test_uzbekistan_suspended_by_the_council_in_2012(csto):
    assert standings(csto, "2012-07-01")["UZB"] == Standing.frozen  # its own note of June 2012
    rp = csto.replay(as_of="2012-12-19")
    assert rp.standing("csto", "UZB") == Standing.suspended
    assert "UZB" not in rp.members("csto")
    assert len(rp.members("csto")) == 6


def test_armenia_active_the_day_before_its_freeze(csto):
    assert standings(csto, "2024-02-21")["ARM"] == Standing.active


def test_armenia_frozen_on_2024_03_01_and_the_others_active(csto):
    st = standings(csto, "2024-03-01")
    assert st["ARM"] == Standing.frozen
    for s in ("RUS", "BLR", "KAZ", "KGZ", "TJK"):
        assert st[s] == Standing.active


def test_armenia_frozen_and_still_a_member_without_notice_on_2025_12_31(csto):
    rp = csto.replay(as_of="2025-12-31")
    m = rp.alliance("csto").memberships["ARM"]
    assert m.standing == Standing.frozen
    assert m.since == dt.date(2024, 2, 22)
    assert m.notice_due is None
    assert "ARM" in rp.members("csto")
    assert not any(e.event.type == EventType.notice for e in rp.events)


def test_kazakhstan_request_of_january_2022_answered_with_a_deployment(csto):
    reqs = [e for e in csto.full_replay.requests("csto") if e.actors == ("KAZ",)]
    assert len(reqs) == 1
    r = reqs[0]
    assert (r.date.year, r.date.month) == (2022, 1)
    assert r.outcome == Outcome.deployed
    assert set(r.contributors) == {"RUS", "BLR", "ARM", "TJK", "KGZ"}


def test_armenia_request_of_september_2022_for_military_help_declined(csto):
    reqs = [e for e in csto.full_replay.requests("csto") if e.actors == ("ARM",)]
    assert len(reqs) == 1
    r = reqs[0]
    assert r.date == dt.date(2022, 9, 13)
    assert r.target == "AZE" and r.article == "4"
    assert r.outcome == Outcome.refused      # a fact-finding visit, no help, no statement of support
    assert r.contributors == ()
    assert "declined" in r.summary


def test_the_kazakh_deployment_is_the_only_one_on_the_record(csto):
    deployed = [e for e in csto.full_replay.requests("csto") if e.outcome == Outcome.deployed]
    assert [e.actors for e in deployed] == [("KAZ",)]


def test_the_replay_is_the_same_every_time(csto):
    a = [e.to_dict() for e in csto.replay(as_of="2025-12-31").events]
    b = [e.to_dict() for e in csto.replay(as_of="2025-12-31").events]
    assert a == b


def test_events_so_far_stop_at_the_as_of_date(csto):
    rp = csto.replay(as_of="2022-09-13")
    assert max(e.event.date for e in rp.events) == dt.date(2022, 9, 13)
    assert rp.events[-1].event.type == EventType.request


def test_asking_the_replay_about_an_unknown_alliance_is_an_argument_error(csto):
    from foedus.errors import ArgumentError

    with pytest.raises(ArgumentError, match="found 'warsaw'"):
        csto.replay(as_of="2000-01-01").members("warsaw")
