"""Mechanism 4, the collective decision: members' willingness, turned into an outcome by the
treaty's procedure.

For a request by victim ``v`` against aggressor ``g`` (none for unrest), member ``j``'s utility of
agreeing to an answer at level L (``deploy`` forces, or ``limited`` help: a monitoring mission,
advisers, a statement) is

    u_jL = base_L
         + covered * (decision_obligation + decision_reputation * (salience_v - 1))   treaty obligation, reputation stake
         + decision_affinity * (aff[j, v] - aff[j, g])                                 Russia and Azerbaijan vs Armenia
         + decision_regime * [unrest] * regime_j * regime_v                            autocrats prop up incumbents
         - decision_cost * k_L * typecost * s / max(spare_j, spare_floor)              cost against *spare* capacity

with ``spare_j = capability_factor_j * (1 - committed_j)`` (Russia from Feb 2022: 0.3), severity
``s``, ``k_deploy = 1``, ``k_limited = decision_cost_limited``, ``typecost`` 1 for attacks and
clashes, ``decision_typecost_unrest`` for a small, brief regime-support operation (Kazakhstan
2022: ~2,000 troops, ten days). Every member's utility also carries ``z``, one shock per request shared by all members (normal,
sd ``decision_shock_sd``): the council's mood on the day. Given ``z``, votes follow an ordered
logit with a band for abstention:

    P(yes) = sigmoid(u + z),  P(no) = sigmoid(-(u + z) - decision_abstain_band),  P(abstain) = the rest.

A frozen member stays away (abstains). Where the procedure in force lets no member abstain without
blocking (NATO; the CSTO before Dec 2010), a member inclined to abstain consents instead with
probability ``decision_silence`` (consensus as the absence of objection) and otherwise blocks. The procedure (``foedus.treaty.procedure.passes``):
consensus among eligible members (voting standings, not the victim), abstention blocking only
where the treaty in force says so (CSTO before Dec 2010); a deployment also needs the patron's
yes. The council first considers a deployment (not for a mere threat: consultations only); if
that fails, limited help; else the request is refused. Votes independent given ``z`` would make
consensus a product of many probabilities, so that a 32-member council almost never agrees and a
3-member one almost always does; the shared shock makes the votes of one request move together
(a council agrees or balks as a body). The outcome probabilities are :func:`outcome_probs`: the
closed form given ``z``, integrated over ``z`` by Gauss-Hermite quadrature, which the engine's
sampling (draw ``z``, then the votes) reproduces: the procedure itself is the treaty layer's
(``foedus.treaty.procedure.council_answer`` for sampled votes, ``answer_probs`` in closed form).

Anchors: Berkemeier & Fuhrmann 2018 (22% of commitments honoured 1945-2003), Leeds 2003 (~75%
1816-1944); the CSTO record: Kazakhstan 2022 deployed; Armenia 2021, 2022 and Kyrgyzstan 2010
limited or refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foedus.model._math import along_rows, sigmoid
from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import JUDGEMENT, Param
from foedus.treaty.procedure import ANSWERS as OUTCOMES  # noqa: F401  (the answers, by their codes)
from foedus.treaty.procedure import DEPLOYED, LIMITED, REFUSED, answer_probs, shock_nodes  # noqa: F401
LEVELS = ("deploy", "limited")

PARAMS = (
    Param("decision_base_deploy", "utility", -1.0, -10, 10, JUDGEMENT + "; B&F 2018: 22% honoured 1945-2003", "decision",
          "base utility of agreeing to deploy forces"),
    Param("decision_base_limited", "utility", 0.5, -10, 10, JUDGEMENT + "; monitoring missions offered to Armenia 2022 (record)", "decision",
          "base utility of agreeing to limited help (mission, advisers, statement)"),
    Param("decision_obligation", "utility", 1.0, 0, 10, JUDGEMENT + "; Leeds 2003: obligations are honoured more often than not", "decision",
          "utility of honouring a treaty obligation (casus foederis)"),
    Param("decision_reputation", "utility per unit salience", 0.5, 0, 10, JUDGEMENT, "decision",
          "reputation stake of a covered request, per unit of the victim's salience above 1"),
    Param("decision_affinity", "utility per unit affinity", 2.0, 0, 10, JUDGEMENT + "; Russia's ties to Azerbaijan (New York Post, 'Russia failed to weaken NATO — but its own security alliance is now falling apart', 22 Sep 2023: Russia did not intervene even when Azerbaijani strikes killed Russian peacekeepers)", "decision",
          "weight of affinity to the victim minus affinity to the aggressor"),
    Param("decision_regime", "utility", 2.0, 0, 10, JUDGEMENT + "; Kazakhstan 2022 (record)", "decision",
          "regime interest: an autocratic member props up an autocratic incumbent against unrest"),
    Param("decision_cost", "utility per unit cost", 1.0, 0, 10, JUDGEMENT + "; Russia's capacity drained by Ukraine (DESIGN)", "decision",
          "weight of the cost of deploying, relative to spare capacity"),
    Param("decision_cost_limited", "fraction", 0.1, 0, 1, JUDGEMENT, "decision",
          "cost of limited help as a fraction of a deployment's"),
    Param("decision_typecost_unrest", "fraction", 0.3, 0, 2, JUDGEMENT + "; Kazakhstan 2022: ~2,000 troops, 10 days (CSTO Collective Security Council statement of 6 Jan 2022, en.trend.az/casia/kazakhstan/3536912.html; Public Radio of Armenia, 13 Jan 2022, en.armradio.am/2022/01/13/withdrawal-of-csto-peacekeepers-from-kazakhstan-to-be-completed-on-january-19/)", "decision",
          "cost of a regime-support operation relative to defence against an armed attack"),
    Param("decision_abstain_band", "utility", 3.0, 0, 10, "CSTO Charter since Dec 2010: abstention without blocking (Protocol of 10 Dec 2010 on the CSTO's decision-making, mgimo.ru); width a judgement", "decision",
          "width of the utility band in which a member abstains rather than votes no"),
    Param("decision_silence", "probability", 0.95, 0, 1, JUDGEMENT + "; NATO's silence procedure: consensus is the absence of objection", "decision",
          "where the procedure lets no member abstain without blocking, the chance that a member inclined to abstain consents instead of blocking"),
    Param("decision_shock_sd", "utility (standard deviation)", 1.5, 0, 10,
          JUDGEMENT + " prior; fitted on the record's answers (docs/calibration.md)", "decision",
          "standard deviation of the request-level shock shared by every member's vote utility (the council's mood "
          "on the day: the patron's lead, the politics of the moment), so that members' votes are correlated"),
    Param("spare_floor", "fraction of capability", 0.05, 0.001, 1, "numerical floor (no capacity is ever quite zero)", "decision",
          "smallest spare capacity used in the cost term"),
)


@dataclass(frozen=True)
class DecisionFeatures:
    """Features of K requests, arrays (K,) or (K, members). All can be computed from the record:
    treaty coverage from the treaty layer, affinities and regimes from the scenario, spare capacity
    and salience from the timeline on the request's date, frozen/eligible from the replayed standings."""

    covered: np.ndarray         # (K,) bool: casus foederis (treaty layer)
    crisis_type: np.ndarray     # (K,) int: timeline.CRISIS_CODES
    severity: np.ndarray        # (K,) float in (0, 1)
    salience: np.ndarray        # (K,) the victim's salience multiplier
    aff_victim: np.ndarray      # (K, N) affinity of each member to the victim
    aff_aggressor: np.ndarray   # (K, N) ... to the aggressor (0 if none)
    regime_member: np.ndarray   # (K, N) 1 autocracy, 0.5 hybrid, 0 democracy
    regime_victim: np.ndarray   # (K,)
    spare: np.ndarray           # (K, N) capability_factor * (1 - committed)
    eligible: np.ndarray        # (K, N) bool: may vote (voting standing, not the victim)
    frozen: np.ndarray          # (K, N) bool: frozen members abstain
    patron: np.ndarray          # (K, N) bool: the patron, where it is eligible (its yes is needed to deploy)
    abstention: np.ndarray      # (K,) bool: procedure in force lets a member abstain without blocking


UNREST = 2
THREAT = 3


def utility(params, level: str, f: DecisionFeatures) -> np.ndarray:
    """u_jL, shape (K, N). ``params``: scalars, or per-request arrays (K,) (``RunParameters``)."""
    t = np.asarray(f.crisis_type)
    base = params["decision_base_deploy"] if level == "deploy" else params["decision_base_limited"]
    k = 1.0 if level == "deploy" else params["decision_cost_limited"]
    typecost = np.where(t == UNREST, params["decision_typecost_unrest"], 1.0)
    oblig = f.covered * (params["decision_obligation"] + params["decision_reputation"] * (f.salience - 1.0))
    cost = (k * typecost * f.severity)[:, None] / np.maximum(f.spare, along_rows(params["spare_floor"]))
    return (along_rows(base) + oblig[:, None]
            + along_rows(params["decision_affinity"]) * (f.aff_victim - f.aff_aggressor)
            + along_rows(params["decision_regime"]) * (t == UNREST)[:, None] * f.regime_member * f.regime_victim[:, None]
            - along_rows(params["decision_cost"]) * cost)


def vote_probs(params, level: str, f: DecisionFeatures, shock=None):
    """(p_yes, p_abstain, p_no), each (K, N), given the request-level ``shock`` (K,) added to every
    member's utility (None: 0). Frozen members abstain with certainty."""
    u = utility(params, level, f)
    if shock is not None:
        u = u + np.asarray(shock)[..., None]
    return _vote_probs_of_utility(params, u, f)


def _vote_probs_of_utility(params, u, f: DecisionFeatures):
    present = ~np.asarray(f.frozen, dtype=bool)        # a frozen member's yes and no are 0 (a product, not a where: faster)
    p_yes = sigmoid(u) * present
    p_no = sigmoid(-u - along_rows(params["decision_abstain_band"])) * present
    p_abs = 1.0 - p_yes - p_no
    # Where abstention would block, a member inclined to abstain chooses: consent (silence) or veto.
    silence = along_rows(params["decision_silence"])
    silent = ~np.asarray(f.abstention, dtype=bool)[:, None] * silence * p_abs
    vetoing = ~np.asarray(f.abstention, dtype=bool)[:, None] * (1.0 - silence) * p_abs
    return p_yes + silent, p_abs - silent - vetoing, p_no + vetoing


def shock(params, u):
    """The request-level shock from a uniform ``u``: ``decision_shock_sd * Phi^-1(u)``."""
    from scipy.special import ndtri

    return params["decision_shock_sd"] * ndtri(np.asarray(u))


def outcome_probs(params, f: DecisionFeatures) -> np.ndarray:
    """Probabilities of (deployed, limited, refused), shape (K, 3): the votes' probabilities at
    both levels through the council's procedure, integrated over the request-level shock by
    Gauss-Hermite quadrature (``treaty.procedure.answer_probs``, ``shock_nodes``)."""
    z, w = shock_nodes(params["decision_shock_sd"])
    threat = np.asarray(f.crisis_type) == THREAT
    limited = _votes_at_nodes(params, "limited", f, z)
    if threat.any():
        # a mere threat is never answered by a deployment: its deployment votes are not computed (zeros, unread)
        deploy = tuple(np.zeros_like(x) for x in limited)
        if not threat.all():
            for whole, part in zip(deploy, _votes_at_nodes(params, "deploy", _requests(f, ~threat), z)):
                whole[:, ~threat] = part
    else:
        deploy = _votes_at_nodes(params, "deploy", f, z)
    return answer_probs(deploy, limited, f.eligible, f.patron, f.abstention, threat, weights=w)


def _votes_at_nodes(params, level: str, f: DecisionFeatures, z: np.ndarray):
    """The vote probabilities at every node ``z`` of the shock at once: (Q, K, N) each."""
    return _vote_probs_of_utility(params, utility(params, level, f)[None] + z[:, None, None], f)


def _requests(f: DecisionFeatures, rows: np.ndarray) -> DecisionFeatures:
    """The features of the requests ``rows`` (a boolean mask over K)."""
    return DecisionFeatures(**{k: np.asarray(getattr(f, k))[rows] for k in f.__dataclass_fields__})


def votes_from_uniforms(p_yes, p_no, u):
    """Votes YES=1 / ABSTAIN=0 / NO=-1 from uniforms: yes if u < p_yes, no if u >= 1 - p_no."""
    return np.where(u < p_yes, 1, np.where(u >= 1.0 - p_no, -1, 0)).astype(np.int8)


MECHANISM = Mechanism(
    4, "decision",
    features=tuple(Feature(name, unit, "the replayed record on the request's date (observations.build_alliance)",
                           "the chunk's standings and the compiled scenario in the month")
                   for name, unit in (("covered", "bool"), ("crisis_type", "code"), ("severity", "in (0, 1)"),
                                      ("salience", "multiplier"), ("aff_victim", "affinity"),
                                      ("aff_aggressor", "affinity"), ("regime_member", "regime score"),
                                      ("regime_victim", "regime score"), ("spare", "share of capability"),
                                      ("eligible", "bool"), ("frozen", "bool"), ("patron", "bool"),
                                      ("abstention", "bool"))),
    params=PARAMS, functions=(utility, vote_probs, shock, outcome_probs, votes_from_uniforms))
