"""Property tests: random records replayed through the treaty rules.

Each drawn event is offered to the replay; one that breaks a rule is rejected with a
RuleViolation naming it and left out, the rest form a valid record. Whatever the record, no state
reaches a standing the machine cannot reach, a notice always runs its full period, and a frozen
member is never counted as bound."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus.chronology import add_months
from foedus.errors import RuleViolation
from foedus.ledger.replay import replay
from foedus.treaty.membership import BOUND_STANDINGS, TRANSITIONS, Standing
from foedus.treaty.obligations import obligations

CODES = ("AAA", "BBB", "CCC", "DDD", "EEE")  # the toy treaty of conftest.py
IN_FORCE = dt.date(2000, 7, 1)

ACTIONS = ["freeze", "unfreeze", "notice", "revoke_notice", "withdraw", "suspend", "reinstate", "expel",
           "rejoin", "apply", "invite", "admit", "accede"]
END = dt.date(2006, 12, 31)

drawn_event = st.tuples(
    st.integers(min_value=0, max_value=(END - IN_FORCE).days),
    st.sampled_from(ACTIONS),
    st.sampled_from(CODES),
)

#: (standing before, standing after) pairs that some action allows.
REACHABLE = {(int(s), int(TRANSITIONS[s, a])) for s in range(TRANSITIONS.shape[0])
             for a in range(TRANSITIONS.shape[1]) if TRANSITIONS[s, a] >= 0}


def build(draws, toy, ev):
    """Offer the drawn events in date order; keep those the rules accept."""
    kept = []
    for days, action, state in sorted(draws, key=lambda d: d[0]):
        e = ev((IN_FORCE + dt.timedelta(days=days)).isoformat(), action, state)
        try:
            replay(toy(kept + [e]), END)
        except RuleViolation as exc:
            assert str(exc).startswith("rule violated: ")
            assert e.label() in str(exc)
            assert "\n" not in str(exc)
            continue
        kept.append(e)
    return kept


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(drawn_event, max_size=12))
def test_no_sequence_of_events_reaches_an_illegal_standing(make_toy, make_event, draws):
    toy = make_toy
    kept = build(draws, make_toy, make_event)
    rp = replay(toy(kept), END)
    for state, m in rp.alliance("pact").memberships.items():
        assert m.standing in Standing
        assert (m.notice_due is not None) == (m.standing == Standing.notice)
        prev = Standing.outside
        for _, name in m.history:
            new = Standing[name]
            assert (int(prev), int(new)) in REACHABLE, (state, m.history)
            prev = new
        assert prev == m.standing


@SETTINGS
@given(st.lists(drawn_event, max_size=12))
def test_a_notice_always_runs_its_full_period(make_toy, make_event, draws):
    rp = replay(make_toy(build(draws, make_toy, make_event)), END)
    for m in rp.alliance("pact").memberships.values():
        hist = m.history
        for (d0, s0), (d1, s1) in zip(hist, hist[1:]):
            if s0 == "notice" and s1 == "withdrawn":
                assert d1 >= add_months(d0, 6)
                assert d1 == add_months(d0, 6)  # and not a day longer: the rules add it when due


@SETTINGS
@given(st.lists(drawn_event, max_size=12), st.integers(min_value=0, max_value=(END - IN_FORCE).days),
       st.sampled_from(CODES), st.sampled_from(CODES))
def test_a_frozen_member_is_never_counted_as_bound(make_toy, make_event, draws, days, victim, aggressor):
    data = make_toy(build(draws, make_toy, make_event))
    date = IN_FORCE + dt.timedelta(days=days)
    rp = replay(data, date)
    standings = rp.alliance("pact").standings()
    ob = obligations(data.alliances[0], standings, date, victim, aggressor if aggressor != victim else None)
    for d in ob.duties:
        if d.bound:
            assert standings[d.state] in BOUND_STANDINGS
        if standings.get(d.state) == Standing.frozen:
            assert not d.bound
    if standings.get(victim) == Standing.frozen:
        assert not ob.casus_foederis and ob.bound == []


@SETTINGS
@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_a_recorded_withdrawal_is_accepted_exactly_when_the_notice_has_run(make_toy, make_event, notice_day, gap):
    toy, ev = make_toy, make_event
    notice = IN_FORCE + dt.timedelta(days=notice_day)
    out = notice + dt.timedelta(days=gap)
    due = add_months(notice, 6)
    data = toy([ev(notice.isoformat(), "notice", "BBB"), ev(out.isoformat(), "withdraw", "BBB")])
    if out < due:
        try:
            replay(data, END)
        except RuleViolation as exc:
            assert exc.rule == "withdrawal takes effect after the full notice period"
        else:
            raise AssertionError("a withdrawal before the notice ran was accepted")
    elif out == due:
        assert replay(data, END).standing("pact", "BBB") == Standing.withdrawn
    else:
        # the rules withdrew it on the due date; a later withdrawal finds it gone
        try:
            replay(data, END)
        except RuleViolation as exc:
            assert "not under notice" in str(exc)
        else:
            raise AssertionError("a second withdrawal was accepted")


def test_transition_table_has_no_cell_pointing_outside_the_standings():
    cells = TRANSITIONS[TRANSITIONS >= 0]
    assert set(np.unique(cells)) <= {int(s) for s in Standing}
