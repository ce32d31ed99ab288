"""Decision procedures: how the council turns members' votes into a decision.

The CSTO decides by consensus; since December 2010 a member may abstain without blocking
(CSTO Charter as amended; Protocol of 10 Dec 2010 on the CSTO's decision-making, mgimo.ru). NATO's North Atlantic Council decides by consensus.
Votes are coded ``YES = 1``, ``ABSTAIN = 0``, ``NO = -1``; the same functions serve one decision
(the replay, the per-agent reference) and arrays of decisions over runs (the engine).

The council's answer to a request for help is a procedure of two ballots (:func:`council_answer`):
it first considers a deployment of forces — never for a mere threat, which calls for consultations
only — which passes by the procedure in force and needs the patron's yes; if that fails, limited
help (a monitoring mission, advisers, a statement) by the procedure; else the request is refused.
:func:`answer_probs` gives the same answer's probabilities in closed form (the likelihood): votes
independent given the request, integrated over a request-level shock they share by Gauss-Hermite
quadrature (:func:`shock_nodes`); the engine and the per-agent reference draw the shock, sample the
votes and call :func:`council_answer`."""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from foedus.errors import RuleViolation
from foedus.scenario.schema import Alliance, ProcedureSpell

YES, ABSTAIN, NO = 1, 0, -1
#: The council's answer to a request: forces deployed, limited help, refused.
DEPLOYED, LIMITED, REFUSED = 0, 1, 2
ANSWERS = ("deployed", "limited", "refused")


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


def council_answer(deploy_votes, limited_votes, eligible, patron, abstention, threat) -> np.ndarray:
    """The council's answer (``DEPLOYED``/``LIMITED``/``REFUSED``) to requests: ``deploy_votes``,
    ``limited_votes``, ``eligible`` and ``patron`` (the patron's seat) are (..., members); ``abstention``
    (the procedure in force lets a member abstain without blocking) and ``threat`` (a mere threat: no
    deployment) are (...) or scalars. One request: 1-D arrays; many: 2-D.

    A deployment passes by consensus (:func:`passes`) and needs the patron's yes where the patron
    is eligible; limited help by consensus; else refused."""
    eligible = np.asarray(eligible, dtype=bool)
    abst = np.asarray(abstention, dtype=bool)[..., None]
    patron = np.asarray(patron, dtype=bool) & eligible
    deploy_votes = np.asarray(deploy_votes)
    consent = np.where(patron.any(-1), (np.where(patron, deploy_votes, NO) == YES).any(-1), True)
    deployed = ~np.asarray(threat, dtype=bool) & passes(deploy_votes, eligible, abst) & consent
    limited = ~deployed & passes(limited_votes, eligible, abst)
    return np.where(deployed, DEPLOYED, np.where(limited, LIMITED, REFUSED)).astype(np.int8)


def _p_passes(p_yes, p_abs, p_no, eligible, abstention, patron=None) -> np.ndarray:
    """Probability that a ballot of independent votes passes (and, with ``patron``, that the patron says yes)."""
    p_block = p_no + np.where(abstention[:, None], 0.0, p_abs)
    ok = np.where(eligible, 1.0 - p_block, 1.0)
    if patron is not None:
        ok = np.where(patron & eligible, p_yes, ok)
    return np.prod(ok, axis=-1) * eligible.any(axis=1)


def shock_nodes(sd: float, n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of Gauss-Hermite quadrature (probabilists', ``numpy.polynomial.hermite_e``)
    for a normal shock of standard deviation ``sd``: ``sum(w * g(z))`` is ``E[g(Z)]``, ``Z ~ N(0, sd)``.
    With ``sd`` 0, one node at 0 of weight 1."""
    if sd <= 0:
        return np.zeros(1), np.ones(1)
    x, w = _hermite_e(n)
    return sd * x, w / w.sum()


@functools.cache
def _hermite_e(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``hermegauss(n)``, computed once per ``n`` (an eigenvalue problem; the likelihood asks for it at every evaluation)."""
    x, w = np.polynomial.hermite_e.hermegauss(n)
    x.flags.writeable = w.flags.writeable = False
    return x, w


def answer_probs(deploy, limited, eligible, patron, abstention, threat, weights=None) -> np.ndarray:
    """Probabilities of (deployed, limited, refused), shape (K, 3), of :func:`council_answer`:
    ``deploy`` and ``limited`` are each (p_yes, p_abstain, p_no) of (K, members) arrays, the rest as
    in :func:`council_answer` over K requests. The votes are independent given the request; where
    they share a request-level shock (every member's utility moves together: the council's mood on
    the day), the vote arrays carry a leading axis of quadrature nodes of the shock (Q, K, members)
    and ``weights`` (Q,) are the nodes' weights (:func:`shock_nodes`): the answer's probabilities
    are integrated over the shock."""
    eligible = np.asarray(eligible, dtype=bool)
    abstention = np.broadcast_to(np.asarray(abstention, dtype=bool), eligible.shape[:1])
    patron = np.asarray(patron, dtype=bool)
    threat = np.asarray(threat, dtype=bool)
    if weights is None:
        return _answer_given_votes(deploy, limited, eligible, patron, abstention, threat)
    per_node = _answer_given_votes(deploy, limited, eligible, patron, abstention, threat)   # (Q, K, 3)
    return np.tensordot(np.asarray(weights), per_node, axes=1)


def _answer_given_votes(deploy, limited, eligible, patron, abstention, threat) -> np.ndarray:
    """:func:`answer_probs` for votes independent given the request (vote arrays (K, members), or
    (Q, K, members) with a leading axis of the shock's nodes)."""
    p_d = _p_passes(*deploy, eligible, abstention, patron) * ~threat
    p_l = (1.0 - p_d) * _p_passes(*limited, eligible, abstention)
    return np.stack([p_d, p_l, 1.0 - p_d - p_l], axis=-1)
