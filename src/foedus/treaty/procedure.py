"""Decision procedures: how the council turns members' votes into a decision.

The CSTO decides by consensus; since December 2010 a member may abstain without blocking
(facts: CSTO Charter as amended, mgimo.ru). NATO's North Atlantic Council decides by consensus.
Votes are coded ``YES = 1``, ``ABSTAIN = 0``, ``NO = -1``; the same functions serve one decision
(the replay) and arrays of decisions over runs (the engine)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from foedus.errors import RuleViolation
from foedus.scenario.schema import Alliance, ProcedureSpell

YES, ABSTAIN, NO = 1, 0, -1


def procedure_on(alliance: Alliance, date: dt.date) -> ProcedureSpell:
    """The decision procedure in force on ``date`` (the latest spell that began on or before it)."""
    current = None
    for spell in alliance.procedure:
        if spell.since <= date:
            current = spell
    if current is None:
        raise RuleViolation("decision procedure in force", f"{alliance.id} on {date.isoformat()}",
                            f"the first procedure starts {alliance.procedure[0].since.isoformat()}")
    return current


def passes(votes: np.ndarray, eligible: np.ndarray, abstention: bool) -> np.ndarray:
    """Does a decision pass? ``votes`` and ``eligible`` are (..., members).

    Consensus: no eligible member votes no. Without an abstention rule an abstention is a failure to
    consent and blocks as a no does. A decision with no eligible voter does not pass."""
    votes = np.asarray(votes)
    eligible = np.asarray(eligible, dtype=bool)
    blocking = (votes == NO) | (~abstention & (votes == ABSTAIN))
    blocked = np.any(blocking & eligible, axis=-1)
    someone = np.any(eligible, axis=-1)
    return ~blocked & someone


def blockers(votes: dict[str, int], abstention: bool) -> list[str]:
    """Members whose vote blocks a consensus decision (for one decision, as in the replay)."""
    return sorted(m for m, v in votes.items() if v == NO or (not abstention and v == ABSTAIN))
