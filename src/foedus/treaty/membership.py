"""Membership standings and their transitions, as an explicit state machine.

The machine is a table ``TRANSITIONS[standing, action] -> new standing`` (``-1``: not allowed),
so that the replay (one state, real events) and the ensemble engine (arrays of standings over
thousands of runs) apply exactly the same rules: the replay looks up one cell, the engine indexes
the table with arrays. Guards that depend on dates (a notice runs its full period, a lapse only at
a renewal window, admission only once every member ratified) are the functions below, written so
that they accept scalars or NumPy arrays.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Standing(IntEnum):
    outside = 0      # not a party
    signatory = 1    # signed; the treaty is not yet in force for it
    applicant = 2    # applied for membership
    invited = 3      # invited by the council; ratifications pending
    active = 4       # a member in good standing
    frozen = 5       # a member that froze its own participation (Armenia, 2024)
    notice = 6       # a member that gave formal notice; still bound until the notice period ends
    withdrawn = 7    # left: by notice, or by not renewing at a renewal window
    suspended = 8    # suspended by council decision (Uzbekistan, 2012)
    expelled = 9     # expelled by council decision


class Action(IntEnum):
    sign = 0
    in_force = 1
    accede = 2
    apply = 3
    invite = 4
    admit = 5
    lapse = 6
    freeze = 7
    unfreeze = 8
    notice = 9
    revoke_notice = 10
    withdraw = 11
    suspend = 12
    reinstate = 13
    expel = 14
    rejoin = 15
    exit = 16        # leaves for a stated cause, the steps not recorded (a data set's exits; docs/catalogue.md)
    denounce = 17    # a denunciation outside the treaty's procedure that took effect in fact
    cease = 18       # the state ceased to exist (merger, annexation)
    end = 19         # the treaty ended for every party


S, A = Standing, Action

#: Standings in which a state is a member of the alliance (it has a vote and owes obligations,
#: unless its participation is frozen). A suspended member keeps the title but not the rights.
MEMBER_STANDINGS = frozenset({S.active, S.frozen, S.notice})
#: Standings whose holder is bound by the collective-defence article and covered by it.
BOUND_STANDINGS = frozenset({S.active, S.notice})
#: Standings that hold a vote in the council (frozen members stay away, as Armenia did, but may
#: still block: Armenia "does not veto" by choice, so frozen members keep the right to vote).
VOTING_STANDINGS = frozenset({S.active, S.frozen, S.notice})

_RULES: dict[tuple[Standing, Action], Standing] = {
    (S.outside, A.sign): S.signatory,
    (S.signatory, A.in_force): S.active,
    (S.outside, A.accede): S.active,          # accession to a treaty in force (before: signatory)
    (S.outside, A.apply): S.applicant,
    (S.withdrawn, A.apply): S.applicant,
    (S.applicant, A.invite): S.invited,
    (S.invited, A.admit): S.active,
    (S.invited, A.accede): S.active,          # an accession whose ratifications are not dated one by one
    (S.active, A.lapse): S.withdrawn,
    (S.frozen, A.lapse): S.withdrawn,
    (S.active, A.freeze): S.frozen,
    (S.frozen, A.unfreeze): S.active,
    (S.active, A.notice): S.notice,
    (S.frozen, A.notice): S.notice,
    (S.notice, A.revoke_notice): S.active,
    (S.notice, A.withdraw): S.withdrawn,
    (S.active, A.suspend): S.suspended,
    (S.frozen, A.suspend): S.suspended,
    (S.notice, A.suspend): S.suspended,
    (S.suspended, A.reinstate): S.active,
    (S.active, A.expel): S.expelled,
    (S.frozen, A.expel): S.expelled,
    (S.notice, A.expel): S.expelled,
    (S.suspended, A.expel): S.expelled,
    (S.withdrawn, A.rejoin): S.active,
    (S.outside, A.rejoin): S.active,
    (S.active, A.exit): S.withdrawn,
    (S.frozen, A.exit): S.withdrawn,
    (S.notice, A.exit): S.withdrawn,
    (S.suspended, A.exit): S.withdrawn,
}
# Ways out that do not depend on the standing a member holds: a denunciation in fact, the state's
# end, the treaty's end. The treaty's end also ends a signature, an application or an invitation.
for _s in (S.active, S.frozen, S.notice, S.suspended):
    for _a in (A.denounce, A.cease, A.end):
        _RULES[(_s, _a)] = S.withdrawn
for _s in (S.signatory, S.applicant, S.invited):
    _RULES[(_s, A.cease)] = S.outside
    _RULES[(_s, A.end)] = S.outside

TRANSITIONS = np.full((len(Standing), len(Action)), -1, dtype=np.int8)
for (_s, _a), _t in _RULES.items():
    TRANSITIONS[_s, _a] = _t
TRANSITIONS.setflags(write=False)

#: Which rule each action is checked against, for error messages.
RULE_NAMES: dict[Action, str] = {
    A.sign: "signature before entry into force",
    A.in_force: "entry into force applies to signatories",
    A.accede: "accession by an outside state",
    A.apply: "application by a non-member",
    A.invite: "invitation of an applicant by consensus",
    A.admit: "admission after ratification by every member",
    A.lapse: "leaving by not renewing, only at a renewal window",
    A.freeze: "a member may freeze its own participation",
    A.unfreeze: "only a frozen member returns to active participation",
    A.notice: "notice of withdrawal by a member",
    A.revoke_notice: "only a pending notice can be revoked",
    A.withdraw: "withdrawal takes effect after the full notice period",
    A.suspend: "suspension of a member by the council",
    A.reinstate: "only a suspended member can be reinstated",
    A.expel: "expulsion of a member by the council",
    A.rejoin: "a former member may restore its membership",
    A.exit: "a member leaves for a stated cause",
    A.denounce: "only a party can denounce the treaty",
    A.cease: "only a party, signatory or candidate ceases to be one when the state ends",
    A.end: "the treaty ends for its parties",
}


def step(standing: Standing | int, action: Action | int) -> int:
    """The new standing, or -1 when the action is not allowed from ``standing``."""
    return int(TRANSITIONS[int(standing), int(action)])


def step_array(standings: np.ndarray, action: int, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised transition: apply ``action`` where ``where`` is true and the move is legal.

    Returns (new standings, mask of the moves actually made). Illegal moves are left undone: the
    engine only proposes an action where the standing allows it, and this guarantees it."""
    target = TRANSITIONS[standings, action]
    ok = where & (target >= 0)
    out = np.where(ok, target, standings).astype(standings.dtype, copy=False)
    return out, ok


def notice_due(notice_month, notice_months, earliest_month=None):
    """Month (index) in which a notice given in ``notice_month`` takes effect. Works on arrays."""
    due = np.asarray(notice_month) + notice_months
    if earliest_month is not None:
        due = np.maximum(due, earliest_month)
    return due if isinstance(due, np.ndarray) and due.ndim else int(due)


def is_member(standing) -> np.ndarray | bool:
    codes = np.array(sorted(MEMBER_STANDINGS))
    res = np.isin(np.asarray(standing), codes)
    return res if res.ndim else bool(res)


def awaited_ratifications(invited_by, ratified_by, standings):
    """The members whose ratification an invited applicant still waits on: those that invited it,
    are still in a voting standing, and have not ratified. A member that has left since the
    invitation (withdrawn, lapsed, suspended, expelled) no longer has a say. The replay's admission
    rule and the engine's, on one rule.

    Sets (the replay): ``invited_by`` and ``ratified_by`` sets of states, ``standings`` a mapping
    state -> standing; returns a set. Arrays (the engine): boolean ``invited_by`` and ``ratified_by``
    (..., N) and the members' standings (..., N); returns a boolean array (..., N)."""
    if isinstance(invited_by, (set, frozenset)):
        return {s for s in invited_by - set(ratified_by) if standings.get(s, Standing.outside) in VOTING_STANDINGS}
    voting = np.zeros(len(Standing), bool)
    voting[sorted(VOTING_STANDINGS)] = True
    return np.asarray(invited_by) & ~np.asarray(ratified_by) & voting[np.asarray(standings)]
