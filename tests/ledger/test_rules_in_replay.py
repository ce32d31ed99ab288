"""The treaty rules as the replay applies them, on a toy treaty (see conftest.py): a notice runs its
full period, a renewal window, the council's suspension, admission, and the RuleViolation raised by
an event that breaks a rule."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.errors import BadInput, RuleViolation
from foedus.ledger.replay import replay
from foedus.scenario.schema import EventType
from foedus.treaty.membership import Standing


def standing(data, state, as_of):
    return replay(data, dt.date.fromisoformat(as_of)).standing("pact", state)


def test_founders_are_signatories_until_entry_into_force_then_active(make_toy):
    data = make_toy()
    assert standing(data, "AAA", "2000-06-30") == Standing.signatory
    assert standing(data, "AAA", "2000-07-01") == Standing.active
    assert standing(data, "DDD", "2000-07-01") == Standing.outside


def test_a_notice_given_in_june_takes_effect_in_december(make_toy, make_event):
    data = make_toy([make_event("2010-06-15", "notice", "BBB")])
    rp = replay(data, dt.date(2010, 12, 14))
    m = rp.alliance("pact").memberships["BBB"]
    assert m.standing == Standing.notice
    assert m.notice_due == dt.date(2010, 12, 15)
    assert standing(data, "BBB", "2010-12-15") == Standing.withdrawn


def test_the_withdrawal_is_added_by_the_rules_and_marked_generated(make_toy, make_event):
    rp = replay(make_toy([make_event("2010-06-15", "notice", "BBB")]), dt.date(2011, 1, 1))
    w = [e for e in rp.events if e.event.type == EventType.withdraw]
    assert len(w) == 1 and w[0].generated and w[0].event.date == dt.date(2010, 12, 15)


def test_a_notice_given_on_31_august_takes_effect_at_the_end_of_february(make_toy, make_event):
    data = make_toy([make_event("2011-08-31", "notice", "BBB")])
    assert standing(data, "BBB", "2012-02-28") == Standing.notice
    assert standing(data, "BBB", "2012-02-29") == Standing.withdrawn


def test_a_member_under_notice_is_still_a_member(make_toy, make_event):
    rp = replay(make_toy([make_event("2010-06-15", "notice", "BBB")]), dt.date(2010, 9, 1))
    assert "BBB" in rp.members("pact")


def test_a_recorded_withdrawal_before_the_notice_ran_breaks_a_rule(make_toy, make_event):
    data = make_toy([make_event("2010-06-15", "notice", "BBB"), make_event("2010-11-01", "withdraw", "BBB")])
    with pytest.raises(RuleViolation) as info:
        replay(data)
    assert info.value.rule == "withdrawal takes effect after the full notice period"
    assert "2010-11-01 withdraw BBB" in str(info.value)
    assert "2010-12-15" in str(info.value)


def test_a_recorded_withdrawal_on_the_due_date_agrees_with_the_rules(make_toy, make_event):
    data = make_toy([make_event("2010-06-15", "notice", "BBB"), make_event("2010-12-15", "withdraw", "BBB")])
    assert standing(data, "BBB", "2011-01-01") == Standing.withdrawn


def test_a_revoked_notice_does_not_take_effect(make_toy, make_event):
    data = make_toy([make_event("2010-06-15", "notice", "BBB"), make_event("2010-09-01", "revoke_notice", "BBB")])
    assert standing(data, "BBB", "2010-09-01") == Standing.active
    assert standing(data, "BBB", "2011-06-01") == Standing.active


def test_a_second_notice_runs_its_own_full_period(make_toy, make_event):
    data = make_toy([make_event("2010-06-15", "notice", "BBB"), make_event("2010-09-01", "revoke_notice", "BBB"),
                     make_event("2010-10-01", "notice", "BBB")])
    assert standing(data, "BBB", "2010-12-15") == Standing.notice  # the first notice's date passes
    assert standing(data, "BBB", "2011-03-31") == Standing.notice
    assert standing(data, "BBB", "2011-04-01") == Standing.withdrawn


def test_a_member_suspended_while_under_notice_stays_suspended(make_toy, make_event):
    data = make_toy([make_event("2010-06-15", "notice", "BBB"), make_event("2010-07-01", "suspend", "BBB")])
    assert standing(data, "BBB", "2011-06-01") == Standing.suspended


def test_no_withdrawal_before_the_earliest_date(make_toy, make_event):
    data = make_toy([make_event("2001-01-10", "notice", "BBB")],
                    withdrawal=dict(article="13", notice_months=12, earliest="2005-01-01", source="toy"))
    assert standing(data, "BBB", "2004-12-31") == Standing.notice
    assert standing(data, "BBB", "2005-01-01") == Standing.withdrawn


def test_notice_without_a_withdrawal_clause_breaks_a_rule(make_toy, make_event):
    data = make_toy([make_event("2010-06-15", "notice", "BBB")], withdrawal=None)
    with pytest.raises(RuleViolation, match="withdrawal by notice"):
        replay(data)


def test_freeze_and_back(make_toy, make_event):
    data = make_toy([make_event("2010-02-22", "freeze", "CCC"), make_event("2012-01-01", "unfreeze", "CCC")])
    assert standing(data, "CCC", "2010-02-22") == Standing.frozen
    assert standing(data, "CCC", "2012-01-01") == Standing.active


def test_unfreezing_an_active_member_breaks_a_rule_naming_rule_and_event(make_toy, make_event):
    data = make_toy([make_event("2010-02-22", "unfreeze", "CCC")])
    with pytest.raises(RuleViolation) as info:
        replay(data)
    err = info.value
    assert isinstance(err, BadInput) and err.exit_code == 2
    assert err.rule == "only a frozen member returns to active participation"
    assert err.event == "2010-02-22 unfreeze CCC [pact]"
    assert str(err) == ("rule violated: only a frozen member returns to active participation: "
                        "2010-02-22 unfreeze CCC [pact] (CCC is 'active')")


def test_a_frozen_member_can_give_notice(make_toy, make_event):
    data = make_toy([make_event("2010-02-22", "freeze", "CCC"), make_event("2010-03-01", "notice", "CCC")])
    assert standing(data, "CCC", "2010-09-01") == Standing.withdrawn


def test_the_council_suspends_reinstates_and_expels(make_toy, make_event):
    data = make_toy([make_event("2010-01-01", "suspend", "CCC"), make_event("2011-01-01", "reinstate", "CCC"),
                     make_event("2012-01-01", "expel", "CCC")])
    assert standing(data, "CCC", "2010-06-01") == Standing.suspended
    assert standing(data, "CCC", "2011-06-01") == Standing.active
    assert standing(data, "CCC", "2012-06-01") == Standing.expelled


def test_suspension_before_the_procedure_existed_breaks_a_rule(make_toy, make_event):
    data = make_toy([make_event("2003-01-01", "suspend", "CCC")], suspension=dict(since="2004-06-18", source="toy"))
    with pytest.raises(RuleViolation, match="the procedure exists from 2004-06-18"):
        replay(data)


def test_a_suspended_member_is_not_counted_as_a_member(make_toy, make_event):
    rp = replay(make_toy([make_event("2010-01-01", "suspend", "CCC")]), dt.date(2010, 6, 1))
    assert rp.members("pact") == ["AAA", "BBB"]


def test_a_member_that_does_not_renew_leaves_at_the_renewal_window(make_toy, make_event):
    data = make_toy([make_event("2005-06-01", "renew", "AAA", "BBB")],
                    renewal=dict(article="11", windows=["2005-07-01"], source="toy"))
    assert standing(data, "CCC", "2005-06-30") == Standing.active
    rp = replay(data, dt.date(2005, 7, 1))
    assert rp.standing("pact", "CCC") == Standing.withdrawn
    assert rp.members("pact") == ["AAA", "BBB"]
    lapse = [e for e in rp.events if e.event.type == EventType.lapse]
    assert len(lapse) == 1 and lapse[0].generated and lapse[0].event.actors == ("CCC",)


def test_the_renewal_window_leaves_a_member_under_notice_to_its_notice(make_toy, make_event):
    data = make_toy([make_event("2005-05-01", "notice", "CCC"), make_event("2005-06-01", "renew", "AAA", "BBB")],
                    renewal=dict(article="11", windows=["2005-07-01"], source="toy"))
    assert standing(data, "CCC", "2005-07-01") == Standing.notice
    assert standing(data, "CCC", "2005-11-01") == Standing.withdrawn


def test_lapsing_outside_a_renewal_window_breaks_a_rule(make_toy, make_event):
    data = make_toy([make_event("2005-06-01", "lapse", "CCC")],
                    renewal=dict(article="11", windows=["2005-07-01"], source="toy"))
    with pytest.raises(RuleViolation, match="only at a renewal window"):
        replay(data)


def test_a_member_that_renewed_cannot_lapse(make_toy, make_event):
    data = make_toy([make_event("2005-06-01", "renew", "CCC"), make_event("2005-07-01", "lapse", "CCC")],
                    renewal=dict(article="11", windows=["2005-07-01"], source="toy"))
    with pytest.raises(RuleViolation, match="CCC renewed the treaty"):
        replay(data)


def test_a_former_member_can_rejoin(make_toy, make_event):
    data = make_toy([make_event("2005-06-01", "notice", "CCC"), make_event("2008-01-01", "rejoin", "CCC")])
    assert standing(data, "CCC", "2006-01-01") == Standing.withdrawn
    assert standing(data, "CCC", "2008-01-01") == Standing.active


ACCESSION = [("2010-01-01", "apply", ("DDD",), {}), ("2010-03-01", "invite", ("DDD",), {}),
             ("2010-05-01", "ratify", ("AAA", "BBB"), {"target": "DDD"})]


def accession(make_event, *extra):
    return [make_event(d, t, *a, **kw) for d, t, a, kw in ACCESSION] + list(extra)


def test_applicant_invited_ratified_by_every_member_then_member(make_toy, make_event):
    data = make_toy(accession(make_event, make_event("2010-06-01", "ratify", "CCC", target="DDD"),
                              make_event("2010-07-01", "admit", "DDD")))
    assert standing(data, "DDD", "2010-01-01") == Standing.applicant
    assert standing(data, "DDD", "2010-03-01") == Standing.invited
    assert standing(data, "DDD", "2010-06-30") == Standing.invited
    assert standing(data, "DDD", "2010-07-01") == Standing.active


def test_admission_before_every_member_ratified_breaks_a_rule(make_toy, make_event):
    data = make_toy(accession(make_event, make_event("2010-07-01", "admit", "DDD")))
    with pytest.raises(RuleViolation, match="not yet ratified by CCC"):
        replay(data)


def test_a_member_that_left_after_the_invitation_need_not_ratify(make_toy, make_event):
    data = make_toy(accession(make_event, make_event("2010-03-15", "notice", "CCC"),
                              make_event("2010-10-01", "admit", "DDD")))
    assert standing(data, "DDD", "2010-10-01") == Standing.active


def test_a_non_member_cannot_ratify(make_toy, make_event):
    data = make_toy(accession(make_event, make_event("2010-06-01", "ratify", "EEE", target="DDD")))
    with pytest.raises(RuleViolation, match="only members ratify an accession"):
        replay(data)


def test_inviting_a_state_that_did_not_apply_breaks_a_rule(make_toy, make_event):
    with pytest.raises(RuleViolation, match="invitation of an applicant"):
        replay(make_toy([make_event("2010-03-01", "invite", "EEE")]))


def test_only_a_member_can_invoke_the_alliance(make_toy, make_event):
    data = make_toy([make_event("2010-03-01", "request", "EEE", crisis="armed_attack", outcome="refused")])
    with pytest.raises(RuleViolation, match="only a member can invoke the alliance"):
        replay(data)


def test_no_treaty_act_before_the_treaty_is_signed(make_toy, make_event):
    with pytest.raises(RuleViolation, match="before the treaty is signed"):
        replay(make_toy([make_event("1999-01-01", "freeze", "AAA")]))


def test_signing_after_entry_into_force_breaks_a_rule(make_toy, make_event):
    with pytest.raises(RuleViolation, match="use 'accede'"):
        replay(make_toy([make_event("2001-01-01", "sign", "DDD")]))


def test_accession_after_entry_into_force_makes_an_active_member(make_toy, make_event):
    data = make_toy([make_event("2000-03-01", "accede", "DDD"), make_event("2001-01-01", "accede", "EEE")])
    assert standing(data, "DDD", "2000-06-30") == Standing.signatory
    assert standing(data, "DDD", "2000-07-01") == Standing.active
    assert standing(data, "EEE", "2001-01-01") == Standing.active
