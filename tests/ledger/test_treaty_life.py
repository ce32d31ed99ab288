"""A treaty's life, exits with a cause, participation and coverage, on the toy treaty of
conftest.py (in force 1 Jul 2000; AAA, BBB, CCC founders; six months' notice)."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.errors import RuleViolation
from foedus.ledger.replay import replay
from foedus.treaty.membership import Standing
from foedus.treaty.obligations import Place, obligations

from .conftest import ev, toy

D = dt.date
TACIT = dict(withdrawal=None, term=dict(article="7", months=120, renewal="tacit", renewal_months=60,
                                         denounce_months=12, source="toy"))


def _ob(data, date, victim="AAA", **kw):
    st = replay(data, date).alliance("pact")
    return obligations(st.alliance, st.standings(), date, victim, status=st.status(), **kw)


def test_a_fixed_term_without_renewal_ends_the_treaty_and_nothing_is_owed_after():
    data = toy(withdrawal=None, term=dict(article="7", months=24, source="toy"))
    assert replay(data, D(2002, 6, 30)).members("pact") == ["AAA", "BBB", "CCC"]
    st = replay(data, D(2002, 7, 1)).alliance("pact")
    assert st.members() == [] and st.ended == D(2002, 7, 1) and st.end_cause.value == "expiry"
    ob = _ob(data, D(2003, 1, 1))
    assert not ob.casus_foederis and "ended on 2002-07-01" in ob.reason and ob.bound == []


def test_a_tacit_renewal_keeps_the_parties_that_did_not_denounce_in_time():
    # BBB gives notice 13 months before the first term ends (1 Jul 2010): it leaves then; CCC's
    # notice comes 11 months before, too late: it stays until the end of the next term (2015).
    data = toy([ev("2009-06-01", "notice", "BBB"), ev("2009-08-01", "notice", "CCC")], **TACIT)
    rp = replay(data, D(2010, 7, 1))
    assert rp.members("pact") == ["AAA", "CCC"]
    assert rp.alliance("pact").memberships["CCC"].notice_due == D(2015, 7, 1)
    assert replay(data, D(2015, 7, 1)).members("pact") == []  # AAA alone: the treaty expires
    assert replay(data, D(2015, 7, 1)).alliance("pact").ended == D(2015, 7, 1)


def test_a_notice_needs_a_way_out_the_treaty_provides():
    with pytest.raises(RuleViolation, match="no withdrawal clause"):
        replay(toy([ev("2003-01-01", "notice", "BBB")], withdrawal=None))


def test_a_denunciation_outside_the_treaty_is_recorded_with_no_legal_basis_and_whether_it_took_effect():
    data = toy([ev("2003-01-01", "denounce", "BBB"), ev("2003-02-01", "denounce", "CCC", in_effect=False)],
               withdrawal=None)
    rp = replay(data, D(2004, 1, 1))
    st = rp.alliance("pact")
    assert st.standing("BBB") == Standing.withdrawn and "no legal basis" in st.memberships["BBB"].exit_cause
    assert st.standing("CCC") == Standing.active and "without effect" in st.memberships["CCC"].claims[0]
    rulings = [a.ruling for a in rp.events if a.event.type.value == "denounce"]
    assert "took effect in fact" in rulings[0] and "did not take effect" in rulings[1]


def test_a_state_that_ceases_to_exist_leaves_with_its_successor_named():
    rp = replay(toy([ev("2005-05-05", "cease", "CCC", successors=("DDD",))]), D(2006, 1, 1))
    m = rp.alliance("pact").memberships["CCC"]
    assert m.standing == Standing.withdrawn and "successor: DDD" in m.exit_cause
    assert rp.standing("pact", "DDD") == Standing.outside  # a successor is a party only if it accedes


def test_an_exit_by_procedure_is_checked_and_an_exit_without_cause_is_recorded_as_unexplained():
    with pytest.raises(RuleViolation, match="way out"):
        replay(toy([ev("2003-01-01", "exit", "BBB", cause="procedure")], withdrawal=None))
    rp = replay(toy([ev("2003-01-01", "exit", "BBB", cause="unknown")]), D(2004, 1, 1))
    assert [e.actors for e in rp.alliance("pact").unexplained] == [("BBB",)]


def test_nothing_happens_in_a_treaty_after_its_end():
    data = toy([ev("2004-01-01", "end", end_cause="dissolution", summary="dissolved"),
                ev("2005-01-01", "freeze", "AAA")])
    with pytest.raises(RuleViolation, match="after the treaty ended"):
        replay(data)


def test_a_party_outside_a_body_of_the_organisation_stays_bound():
    data = toy([ev("2003-01-01", "leave_body", "BBB", body="command")], bodies=("command",))
    ob = _ob(data, D(2004, 1, 1), aggressor="EEE")
    duty = {d.state: d for d in ob.duties}["BBB"]
    assert duty.bound and "outside the command since 2003-01-01" in duty.reason
    with pytest.raises(RuleViolation, match="bodies"):
        replay(toy([ev("2003-01-01", "leave_body", "BBB", body="council")]))


def test_obligations_suspended_towards_one_party_leave_the_others_bound():
    data = toy([ev("2003-01-01", "suspend_obligation", "AAA", target="CCC", summary="port visits refused")])
    ob = _ob(data, D(2004, 1, 1), victim="CCC", aggressor="EEE")
    duties = {d.state: d for d in ob.duties}
    assert ob.casus_foederis and duties["BBB"].bound and not duties["AAA"].bound
    assert "suspended its obligations towards CCC on 2003-01-01: port visits refused" in duties["AAA"].reason
    assert _ob(data, D(2004, 1, 1), victim="AAA", aggressor="EEE").bound == ["BBB", "CCC"]  # CCC still owes AAA


def test_associates_and_observers_carry_no_obligation_and_no_vote():
    rp = replay(toy([ev("2003-01-01", "associate", "DDD"), ev("2003-01-01", "observe", "EEE")]), D(2004, 1, 1))
    st = rp.alliance("pact")
    assert st.roles["DDD"][0] == "associate" and st.roles["EEE"][0] == "observer"
    assert st.members() == ["AAA", "BBB", "CCC"]
    assert "DDD" not in [d.state for d in _ob(toy([ev("2003-01-01", "associate", "DDD")]), D(2004, 1, 1),
                                              aggressor="EEE").duties]


def test_a_treaty_area_of_places_several_aggressors_protected_states_and_reservations():
    cd = dict(article="4", territory="treaty_area", area=("AAA", "BBB", "CCC", "DDD"), source="toy",
              protected=[dict(state="DDD", source="toy protocol")],
              reservations=[dict(party="BBB", aggressors=("EEE",), text="not against EEE", source="toy")])
    data = toy(collective_defence=cd)
    d = D(2004, 1, 1)
    overseas = Place("AAA-X", "Overseas", "AAA", "far away")
    assert not _ob(data, d, aggressor="EEE", place=overseas).casus_foederis
    ob = _ob(data, d, aggressor=("EEE", "DDD"))
    assert ob.casus_foederis and ob.aggressors == ("EEE", "DDD")
    assert {x.state: x.bound for x in ob.duties} == {"BBB": False, "CCC": True}
    assert _ob(data, d, victim="DDD", aggressor="EEE").casus_foederis           # protected, and it asks
    assert not _ob(data, d, victim="DDD", aggressor="EEE", requested=False).casus_foederis
    assert not _ob(data, d, aggressor=("EEE", "CCC")).casus_foederis            # a member among the aggressors


def test_no_notice_may_be_given_before_the_date_the_treaty_allows():
    clause = dict(article="9", notice_months=6, notice_from=D(2005, 1, 1), source="toy")
    with pytest.raises(RuleViolation, match="no notice may be given before 2005-01-01"):
        replay(toy([ev("2004-06-01", "notice", "BBB")], withdrawal=clause))
    assert replay(toy([ev("2005-01-01", "notice", "BBB")], withdrawal=clause), D(2005, 7, 1)).members("pact") == ["AAA", "CCC"]
