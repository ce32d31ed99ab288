"""The end of a treaty's term in the engine: a term that does not renew ends the treaty in every
run; a term that renews tacitly keeps every party that did not denounce it in time, lets those that
did leave at the term's end, and ends the treaty where fewer than two parties remain. After the
end nobody is a member, nobody asks for help, nobody joins."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import foedus
from foedus.chronology import add_months, month_index
from foedus.engine.compile import NO_MONTH, compile_model
from foedus.engine.step import COUNTERS, run_months
from foedus.errors import ArgumentError, RuleViolation
from foedus.ledger.replay import replay
from foedus.model.parameters import Parameters
from foedus.treaty.membership import Standing as S
from foedus.treaty.term import term_ends
from tests.ledger.conftest import FOUNDERS, IN_FORCE, ev, toy

PARTY = np.isin(np.arange(len(S)), [S.active, S.frozen, S.notice, S.suspended])
ENDS = COUNTERS.index("alliance_ends")


def _run(data, start, months, runs=100, seed=3, **params):
    params.setdefault("hazard_dissolve", -20.0)   # the calendar's ends alone (the parties' own: test_dissolution)
    model = compile_model(data, start, months, Parameters.for_scenario(data.parameters, extra=params))
    months_seen = []
    state = run_months(model, np.arange(runs), seed,
                       lambda t, rec, s: months_seen.append((rec.standing.copy(), rec.outcome.copy(),
                                                             s.notice_due[:, model.focus, :].copy())))
    return model, state, months_seen


def _sino_soviet(**params):
    return _run(foedus.load_scenario("sino-soviet").data, "1979-06-01", 24, runs=200, **params)


def test_chinas_notice_is_pending_at_the_start_and_falls_due_at_the_term_end():
    model, _, _ = _sino_soviet()
    chn = model.codes.index("CHN")
    assert model.standing0[model.focus, chn] == S.notice
    assert model.notice_due0[model.focus, chn] == month_index(dt.date(1980, 4, 1))


def test_the_sino_soviet_treaty_ends_at_its_term_end_in_every_run_where_chinas_notice_stands():
    # no revocation (the membership mechanism lets a member revoke its notice before it takes effect)
    model, state, seen = _sino_soviet(hazard_revoke=-20.0)
    t_end = month_index(dt.date(1980, 4, 1)) - model.start_month
    assert (state.ended[:, model.focus] == t_end).all() and (state.counts[:, ENDS] == 1).all()
    for standing, outcome, _ in seen[t_end:]:
        assert not PARTY[standing].any() and (outcome < 0).all()   # nobody a member, nothing asked or owed
    assert (seen[t_end - 1][0] == S.notice).any(1).all()           # China still under notice the month before


def test_with_the_models_revocations_a_run_either_ends_in_1980_04_or_keeps_both_parties():
    model, state, seen = _sino_soviet()
    t_end = month_index(dt.date(1980, 4, 1)) - model.start_month
    ended = state.counts[:, ENDS] == 1
    assert ended.any() and (~ended).any()
    assert (state.ended[ended, model.focus] == t_end).all()
    assert not PARTY[seen[-1][0][ended]].any()
    parties = [model.codes.index(c) for c in ("CHN", "RUS")]
    assert PARTY[seen[-1][0][~ended][:, parties]].all()            # China revoked its notice: both stay


def test_a_term_without_renewal_ends_the_treaty_in_every_run_and_nobody_joins_after():
    data = toy(term=dict(article="9", source="toy", months=60))   # expires 2005-07-01
    model, state, seen = _run(data, "2004-01-01", 36, hazard_apply=5.0)
    t_end = month_index(dt.date(2005, 7, 1)) - model.start_month
    assert (state.ended[:, model.focus] == t_end).all() and (state.counts[:, ENDS] == 1).all()
    before = seen[t_end - 1][0]
    assert PARTY[before].sum(1).min() >= 2
    for standing, outcome, _ in seen[t_end:]:
        assert not PARTY[standing].any() and (outcome < 0).all()
        assert not np.isin(standing, [S.applicant, S.invited]).any()


def test_a_start_after_the_treatys_end_is_refused_in_one_line():
    with pytest.raises(ArgumentError, match="before the end of the Treaty of Friendship"):
        foedus.simulate("sino-soviet", start="1980-06-01", months=12, runs=10)


tacit = st.fixed_dictionaries({
    "months": st.integers(12, 60), "renewal_months": st.integers(12, 36), "denounce_months": st.integers(0, 12),
})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tacit, st.lists(st.tuples(st.sampled_from(FOUNDERS), st.integers(0, 600)), max_size=3, unique_by=lambda x: x[0]),
       st.integers(0, 2**31 - 1))
def test_a_tacit_renewal_keeps_every_party_that_did_not_denounce_in_time(term, notices, seed):
    # notices in the record, before the start; more given by the engine (a high hazard of notice)
    spec = dict(withdrawal=None, term=dict(article="9", source="toy", renewal="tacit", **term))
    kept = []   # the notices the treaty law accepts (none after the treaty has ended)
    for s, d in sorted(notices, key=lambda x: x[1]):
        e = ev((IN_FORCE + dt.timedelta(days=d)).isoformat(), "notice", s)
        try:
            replay(toy(kept + [e], **spec), IN_FORCE + dt.timedelta(days=601))
        except RuleViolation:
            continue
        kept.append(e)
    data = toy(kept, **spec)
    start = IN_FORCE + dt.timedelta(days=601)
    model, state, seen = _run(data, start, 48, runs=40, seed=seed, hazard_notice=-2.0, hazard_revoke=-20.0)
    al = data.alliances[0]
    ends = {month_index(d) for d in term_ends(al, add_months(start, 240))}
    prev, prev_due = model.standing0[model.focus][None].repeat(40, 0), model.notice_due0[model.focus][None].repeat(40, 0)
    for t, (standing, _, due) in enumerate(seen):
        m = model.start_month + t
        notice_due = due[standing == S.notice]
        assert np.isin(notice_due, sorted(ends)).all()              # a notice falls due at a term end
        left = PARTY[prev] & ~PARTY[standing]
        ended_now = state.ended[:, model.focus] == t
        denounced = (prev == S.notice) & (prev_due != NO_MONTH) & (prev_due <= m)
        assert not (left & ~denounced & ~ended_now[:, None]).any()  # no party leaves without denouncing
        if m in ends:
            assert not (denounced & PARTY[standing]).any()         # denounced in time: gone at the term end
            e = state.ended[:, model.focus]
            assert (PARTY[standing].sum(1)[(e < 0) | (e > t)] >= 2).all()   # runs on with two or more
            assert ((PARTY[prev] & ~denounced).sum(1)[ended_now] < 2).all()   # ends with fewer than two
        else:
            assert not ended_now.any()
        prev, prev_due = standing, due
