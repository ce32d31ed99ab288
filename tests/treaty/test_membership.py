"""The membership state machine: the table of standings x actions, one cell at a time (``step``,
as the replay uses it) and over arrays of runs (``step_array``, as the engine uses it)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from foedus.treaty.membership import (
    BOUND_STANDINGS,
    MEMBER_STANDINGS,
    RULE_NAMES,
    TRANSITIONS,
    VOTING_STANDINGS,
    Action,
    Standing,
    awaited_ratifications,
    is_member,
    notice_due,
    step,
    step_array,
)

S, A = Standing, Action


@pytest.mark.parametrize("before, action, after", [
    (S.outside, A.sign, S.signatory),
    (S.signatory, A.in_force, S.active),
    (S.active, A.freeze, S.frozen),          # Armenia, 22 Feb 2024
    (S.frozen, A.unfreeze, S.active),
    (S.active, A.notice, S.notice),
    (S.frozen, A.notice, S.notice),
    (S.notice, A.revoke_notice, S.active),
    (S.notice, A.withdraw, S.withdrawn),
    (S.active, A.lapse, S.withdrawn),        # Azerbaijan, Georgia, Uzbekistan, 1999
    (S.frozen, A.suspend, S.suspended),      # Uzbekistan, 2012
    (S.suspended, A.reinstate, S.active),
    (S.suspended, A.expel, S.expelled),
    (S.withdrawn, A.rejoin, S.active),       # Uzbekistan, 2006
    (S.outside, A.apply, S.applicant),       # Finland, Sweden, 2022
    (S.applicant, A.invite, S.invited),
    (S.invited, A.admit, S.active),
])
def test_allowed_transitions(before, action, after):
    assert step(before, action) == after


@pytest.mark.parametrize("before, action", [
    (S.active, A.unfreeze),       # only a frozen member returns
    (S.active, A.withdraw),       # no withdrawal without notice
    (S.frozen, A.withdraw),
    (S.notice, A.notice),
    (S.notice, A.lapse),          # a notice runs its course
    (S.outside, A.freeze),
    (S.applicant, A.admit),       # no admission without invitation
    (S.expelled, A.rejoin),
    (S.withdrawn, A.unfreeze),
    (S.signatory, A.freeze),
])
def test_forbidden_transitions(before, action):
    assert step(before, action) == -1


def test_every_action_has_a_rule_name():
    assert set(RULE_NAMES) == set(Action)


def test_a_frozen_member_is_a_member_but_not_bound():
    assert S.frozen in MEMBER_STANDINGS
    assert S.frozen not in BOUND_STANDINGS


def test_a_member_under_notice_is_bound_until_it_leaves():
    assert S.notice in BOUND_STANDINGS


def test_suspended_and_withdrawn_are_not_members():
    assert not MEMBER_STANDINGS & {S.suspended, S.withdrawn, S.expelled, S.outside, S.invited}


def test_the_transition_table_cannot_be_edited():
    with pytest.raises(ValueError):
        TRANSITIONS[0, 0] = 4


def test_is_member_on_scalars_and_arrays():
    assert is_member(S.frozen) is True
    assert is_member(S.suspended) is False
    np.testing.assert_array_equal(is_member(np.array([S.active, S.withdrawn, S.notice])), [True, False, True])


def test_notice_due_in_months_with_an_earliest_date():
    assert notice_due(100, 6) == 106
    assert notice_due(100, 12, earliest_month=130) == 130
    np.testing.assert_array_equal(notice_due(np.array([100, 140]), 12, 130), [130, 152])


standings_arrays = hnp.arrays(np.int8, hnp.array_shapes(min_dims=1, max_dims=2, max_side=40),
                              elements=st.sampled_from([int(s) for s in Standing]))


@settings(max_examples=200, deadline=None)
@given(standings_arrays, st.sampled_from(list(Action)), st.data())
def test_step_array_makes_only_legal_moves_and_agrees_with_step(standings, action, data):
    where = data.draw(hnp.arrays(bool, standings.shape))
    out, moved = step_array(standings, int(action), where)
    assert out.dtype == standings.dtype and out.shape == standings.shape
    for idx in np.ndindex(standings.shape):
        s = int(standings[idx])
        legal = step(s, action)
        if where[idx] and legal >= 0:
            assert moved[idx] and out[idx] == legal
        else:
            assert not moved[idx] and out[idx] == s
    assert set(np.unique(out)) <= {int(s) for s in Standing}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(list(Action)), max_size=30), st.integers(1, 50))
def test_no_sequence_of_actions_reaches_an_illegal_standing(actions, runs):
    """Random actions proposed to every run: standings stay in the table, and a frozen member is
    never in a bound standing."""
    x = np.zeros(runs, dtype=np.int8)
    rng = np.random.default_rng(len(actions))
    for a in actions:
        x, _ = step_array(x, int(a), rng.random(runs) < 0.7)
        assert ((x >= 0) & (x < len(Standing))).all()
        bound = np.isin(x, [int(s) for s in BOUND_STANDINGS])
        assert not (bound & (x == S.frozen)).any()


def test_step_array_reaches_withdrawn_only_through_notice_or_lapse():
    x = np.array([S.active, S.frozen, S.notice], dtype=np.int8)
    out, moved = step_array(x, int(A.withdraw), np.ones(3, bool))
    np.testing.assert_array_equal(out, [S.active, S.frozen, S.withdrawn])
    np.testing.assert_array_equal(moved, [False, False, True])


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_awaited_ratifications_is_one_rule_on_sets_and_arrays(data):
    """Only members that invited the applicant, are still in and have not ratified are awaited; the
    replay (sets) and the engine (arrays) get the same answer."""
    n = 6
    invited = data.draw(hnp.arrays(bool, n))
    ratified = data.draw(hnp.arrays(bool, n))
    standings = data.draw(hnp.arrays(np.int8, n, elements=st.sampled_from([int(s) for s in Standing])))
    arr = awaited_ratifications(invited, ratified, standings)
    sets = awaited_ratifications({i for i in range(n) if invited[i]}, {i for i in range(n) if ratified[i]},
                                 {i: Standing(int(standings[i])) for i in range(n)})
    assert sets == set(np.nonzero(arr)[0].tolist())
    voting = np.isin(standings, [int(s) for s in VOTING_STANDINGS])
    assert (arr == (invited & ~ratified & voting)).all()


def test_a_member_that_left_is_not_awaited():
    invited_by = {"TUR", "HUN", "DDD"}
    now = {"TUR": Standing.active, "HUN": Standing.active, "DDD": Standing.withdrawn}
    assert awaited_ratifications(invited_by, {"TUR"}, now) == {"HUN"}
    assert awaited_ratifications(invited_by, {"TUR", "HUN"}, now) == set()
