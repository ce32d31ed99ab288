"""Property tests over generated treaties: terms of any length renewing tacitly or not, notices
and denunciations at random dates, a recorded end or none. Whatever the treaty and its record:
no standing changes without an event or a rule that says so; after the treaty's end nothing is
owed; a tacit renewal keeps every party that did not denounce in time."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus.chronology import add_months
from foedus.errors import RuleViolation
from foedus.ledger.replay import replay
from foedus.treaty.membership import MEMBER_STANDINGS
from foedus.treaty.obligations import obligations
from foedus.treaty.term import term_ends

from .conftest import CODES, IN_FORCE, ev, toy

END = dt.date(2030, 12, 31)
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

terms = st.fixed_dictionaries({
    "months": st.integers(12, 120), "renewal": st.sampled_from(["none", "tacit"]),
    "renewal_months": st.integers(12, 60), "denounce_months": st.integers(0, 24),
})
acts = st.lists(st.tuples(st.integers(0, (END - IN_FORCE).days), st.sampled_from(["notice", "denounce", "freeze"]),
                          st.sampled_from(CODES[:3])), max_size=6)
ending = st.none() | st.integers(0, (END - IN_FORCE).days)


def _treaty(term, draws, end_day):
    spec = dict(withdrawal=None, term=dict(article="9", source="gen", **term))
    kept = []
    events = [ev((IN_FORCE + dt.timedelta(days=d)).isoformat(), a, s) for d, a, s in sorted(draws)]
    if end_day is not None:
        events.append(ev((IN_FORCE + dt.timedelta(days=end_day)).isoformat(), "end", end_cause="termination"))
    for e in sorted(events, key=lambda e: e.date):
        try:
            replay(toy(kept + [e], **spec), END)
        except RuleViolation:
            continue
        kept.append(e)
    return toy(kept, **spec)


@SETTINGS
@given(terms, acts, ending)
def test_no_standing_changes_without_an_event_or_a_rule(term, draws, end_day):
    rp = replay(_treaty(term, draws, end_day), END)
    moves = {(a.event.date, s) for a in rp.events for s in a.event.actors}
    ends = {a.event.date for a in rp.events if a.event.type.value in ("end", "in_force")}
    for state, m in rp.alliance("pact").memberships.items():
        for when, _ in m.history:
            assert (when, state) in moves or when in ends, (state, when, m.history)


@SETTINGS
@given(terms, acts, ending, st.integers(0, 3000))
def test_after_a_treatys_end_nothing_is_owed(term, draws, end_day, later):
    rp = replay(_treaty(term, draws, end_day), END)
    state = rp.alliance("pact")
    if state.ended is None:
        return
    d = min(state.ended + dt.timedelta(days=later), END)
    after = replay(_treaty(term, draws, end_day), d).alliance("pact")
    assert after.members() == []
    for victim in CODES:
        ob = obligations(after.alliance, after.standings(), d, victim, "EEE" if victim != "EEE" else "DDD",
                         status=after.status())
        assert not ob.casus_foederis and ob.bound == []


@SETTINGS
@given(terms.filter(lambda t: t["renewal"] == "tacit"), acts)
def test_a_tacit_renewal_keeps_every_party_that_did_not_denounce_in_time(term, draws):
    data = _treaty(term, draws, None)
    a = data.alliances[0]
    for t_end in term_ends(a, END):
        before = replay(data, t_end - dt.timedelta(days=1)).alliance("pact")
        after = replay(data, t_end).alliance("pact")
        if after.ended:
            assert len([s for s in before.members()
                        if before.memberships[s].notice_due != t_end]) < 2
            break
        for s in before.members():
            m = before.memberships[s]
            leaves = m.notice_due == t_end
            assert (after.standing(s) in MEMBER_STANDINGS) != leaves, (s, t_end, m.notice_due)
            if leaves:  # it denounced in time: at least denounce_months before the term's end
                given_on = [e.date for e in data.events if e.type.value == "notice" and s in e.actors][-1]
                assert add_months(given_on, term["denounce_months"]) <= t_end
