"""Mechanism 6, membership: each month each member weighs staying against leaving.

The margin of staying over leaving, for member i,

    z_i = member_credibility * (c_i - 0.5)                  belief that help comes (Beta mean)
        + member_threat * (threat_i - 1) * c_i               an alliance is worth more under threat, if it helps
        + member_patron * spare_patron                       the patron's (or leading member's) spare power
        + member_regime * regime_i                           regime security (autocracy 1, hybrid 0.5)
        + ties_i - autonomy_cost_i                           economic ties; blocked arms purchases, entrapment
        - (outside_i + member_momentum * momentum * momentum_members / members - exit_cost_i)
                                                             outside option, rising with recent defections

(ties, autonomy cost, outside option and exit cost from ``behaviour.toml``; the outside option
shifted by the timeline; ``momentum``: the alliance's defections — freezes, notices, exits,
suspensions — decayed with half-life ``momentum_half_life``: one defection makes the next likelier;
``members``: the alliance's members that month (active, frozen or under notice, the patron
included), so that momentum is a share of the alliance: a defection among ``momentum_members``
members weighs ``member_momentum``, among 34 members 6/34 of it. Counted per defection, momentum
grew with the number of members, so a large alliance's steady trickle of simulated freezes raised
every member's outside option until some runs emptied it (the Organization of American States:
27.79 members leaving in its eight decades where ATOP records one), where the ATOP alliances of
20 or more members lost 0.8 members per thousand member-years by their own choice against 6.2 in
those of three to five (docs/model.md, "Momentum as a share of the alliance")).
Stochastic choice turns the margin into monthly hazards (logit, competing risks):

    active:  p_freeze = sigmoid(hazard_freeze - z),  p_notice = sigmoid(hazard_notice - z)
    frozen:  p_notice = sigmoid(hazard_notice + hazard_notice_frozen - z),  p_return = sigmoid(hazard_return + z)
    notice:  p_revoke = sigmoid(hazard_revoke + z)

Where the treaty gives no way out (no withdrawal clause, no tacit renewal) an active member leaves
by denouncing it, p_denounce = sigmoid(hazard_denounce - z), in the place of the notice it cannot
give (ATOP records such exits). A notice takes effect after the treaty's notice period (``foedus.treaty.membership.notice_due``);
at a renewal window a member leaves by not renewing with p = sigmoid(hazard_lapse - z) (1999:
Azerbaijan, Georgia, Uzbekistan). The council suspends a frozen member with a monthly hazard of
the months it has been frozen alone,

    p_suspend = sigmoid(hazard_suspend + suspend_rise * months_frozen / 12)

It does not rise as the member's margin of staying falls: on the record the council suspended the
member whose margin was the higher (Uzbekistan, December 2012, at its own request: "we've agreed to
their request and suspended Uzbekistan's CSTO membership", Lukashenko at the council, ITAR-TASS 19
Dec 2012, tass.com/russia/687141) and left the drifting one in (Armenia, frozen since February 2024;
"we will not expel", Russia's deputy foreign minister, March 2025). Both ``hazard_suspend`` and
``suspend_rise`` are fitted on those two frozen members alone. It reinstates a suspended member
with sigmoid(hazard_reinstate). The patron never leaves its own alliance.

Anchors: NATO has lost no member in 75 years; the CSTO lost members in 1999 and 2012 and Armenia
froze in 2024 (Jamestown Foundation, Monitor 5(79), Apr 1999; TASS, 19 Dec 2012, tass.com/russia/687141;
OC Media, 23 Feb 2024, oc-media.org/pashinyan-armenia-has-frozen-its-participation-in-the-csto/); Leeds & Savun 2007: abrogation follows changes in power and outside options.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from foedus.model._math import scalar_pow, sigmoid
from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import JUDGEMENT, Param

PARAMS = (
    Param("member_credibility", "utility per unit belief", 4.0, 0, 20, JUDGEMENT, "membership",
          "value of the belief that the alliance helps (above 0.5)"),
    Param("member_threat", "utility per unit threat", 1.0, 0, 10, JUDGEMENT, "membership",
          "value of the alliance under threat above baseline, scaled by belief"),
    Param("member_patron", "utility per unit spare capacity", 1.0, 0, 10, JUDGEMENT + "; Morrow 1991: capability change predicts break-up", "membership",
          "value of the patron's spare power"),
    Param("member_regime", "utility", 1.0, 0, 10, JUDGEMENT, "membership",
          "regime security the alliance offers an autocracy (hybrid: half)"),
    Param("member_momentum", "utility per defection", 0.5, 0, 10, JUDGEMENT + "; 'momentum matters' (seed articles)", "membership",
          "rise of the outside option per recent defection in an alliance of momentum_members members"),
    Param("momentum_half_life", "months", 24.0, 1, 600, JUDGEMENT, "membership",
          "half-life of the memory of defections"),
    Param("momentum_members", "members", 6.0, 1, 100,
          "judgement on a single alliance: the CSTO of six members (Russia, Belarus, Kazakhstan, Kyrgyzstan, "
          "Tajikistan, Armenia since Uzbekistan's suspension, TASS, 19 Dec 2012, tass.com/russia/687141) "
          "of the seed articles' 'momentum matters', where member_momentum's judgement was made", "membership",
          "the alliance size at which one defection raises the outside option by member_momentum; in an alliance "
          "of n members it raises it by member_momentum * momentum_members / n (momentum as a share of the members)"),
    Param("hazard_freeze", "logit", -6.0, -20, 5, JUDGEMENT + "; one freeze (Armenia 2024) and one suspension-freeze (Uzbekistan 2012) in ~250 CSTO member-years", "membership",
          "monthly log-odds that an active member freezes its participation at margin 0"),
    Param("hazard_notice", "logit", -8.0, -20, 5, JUDGEMENT + "; NATO: no notice in 75 years (NATO, 'NATO member countries', nato.int/cps/en/natohq/topics_52044.htm: every member since 1949 still a member)", "membership",
          "monthly log-odds of formal notice of withdrawal at margin 0"),
    Param("hazard_notice_frozen", "logit", 2.5, 0, 10, JUDGEMENT, "membership",
          "added to the notice log-odds of a frozen member (a freeze is a step out)"),
    Param("hazard_denounce", "logit", -9.0, -20, 5,
          JUDGEMENT + "; ATOP codes members leaving treaties that provide no way out (docs/calibration.md, 'Pooled fit')",
          "membership",
          "monthly log-odds that an active member of a treaty with no way out (no withdrawal clause, no tacit "
          "renewal) denounces it, at margin 0"),
    Param("hazard_return", "logit", -5.0, -20, 5, JUDGEMENT, "membership",
          "monthly log-odds that a frozen member returns, at margin 0"),
    Param("hazard_revoke", "logit", -7.0, -20, 5,
          "judgement on a single event: no notice on the scenarios' records was revoked -- China's of 3 Apr 1979 "
          "took effect on 11 Apr 1980 (Washington Post, 4 Apr 1979) -- though a notice may be revoked before it takes "
          "effect (Vienna Convention on the Law of Treaties, 1969, Art 68)", "membership",
          "monthly log-odds that a member under notice revokes it, at margin 0"),
    Param("hazard_lapse", "logit", -1.0, -20, 5, JUDGEMENT + "; 3 of 9 did not renew in 1999 (Jamestown Foundation, Monitor 5(79), 'Collective Security Treaty shrinks, GUAM set to grow', Apr 1999, jamestown.org/program/collective-security-treaty-shrinks-guam-set-to-grow)", "membership",
          "log-odds of leaving by not renewing at a renewal window, at margin 0"),
    Param("hazard_suspend", "logit", -5.0, -20, 5, JUDGEMENT + "; Uzbekistan suspended 6 months after its note (TASS, 28 Jun 2012, tass.com/archive/678014; TASS, 19 Dec 2012, tass.com/russia/687141)", "membership",
          "monthly log-odds that the council suspends a frozen member, in the month it froze"),
    Param("suspend_rise", "logit per year frozen", 1.0, -10, 10,
          "judgement: two years of unpaid contributions can suspend rights (Collective Security Council procedure of 18 Jun 2004: en.trend.az; caliber.az; tass.com/russia/687141), so the council's "
          "patience may run out with time; no threshold, since Uzbekistan was suspended 6 months after its note (TASS, 28 Jun 2012, tass.com/archive/678014; TASS, 19 Dec 2012, tass.com/russia/687141); "
          "negative: a freeze that lasts becomes the status quo",
          "membership", "change of the suspension log-odds per year a member has been frozen"),
    Param("hazard_reinstate", "logit", -8.0, -20, 5, JUDGEMENT + "; Uzbekistan suspended since 2012 (TASS, 19 Dec 2012, tass.com/russia/687141)", "membership",
          "monthly log-odds that a suspended member is reinstated"),
)


@dataclass(frozen=True)
class MemberFeatures:
    """Features of member-months, arrays broadcasting together. From the record: credibility from
    ``credibility.from_record``; threat, outside shift, the patron's spare capacity from the timeline on
    the date; regime, ties, autonomy, outside option, exit cost from the scenario; momentum from the
    replayed defections (``momentum_from_record``); frozen from the replayed standings; members
    from the replayed standings (the likelihood) or the run's (the engine)."""

    credibility: np.ndarray
    threat: np.ndarray
    patron_spare: np.ndarray
    regime: np.ndarray
    ties: np.ndarray
    autonomy: np.ndarray
    outside: np.ndarray
    exit_cost: np.ndarray
    momentum: np.ndarray
    frozen: np.ndarray
    #: the alliance's members in the month (active, frozen, under notice; the patron included), by
    #: which the momentum is shared out; None: an alliance of ``momentum_members`` members
    members: np.ndarray | None = None


class Hazards(NamedTuple):
    p_freeze: np.ndarray   # active -> frozen
    p_notice: np.ndarray   # active or frozen -> notice
    p_return: np.ndarray   # frozen -> active
    p_revoke: np.ndarray   # notice -> active


def margin(params, f: MemberFeatures) -> np.ndarray:
    """z: the utility of staying minus that of leaving. On arrays the terms are summed into two
    buffers rather than a new array per term (the engine evaluates it on every member-month);
    the order of the operations is the formula's, so every caller gets the same value, bit for bit."""
    c = f.credibility
    s = np.subtract(c, 0.5)
    s *= params["member_credibility"]
    t = np.multiply(params["member_threat"] * (f.threat - 1.0), c)
    s += t
    s += params["member_patron"] * f.patron_spare
    s += params["member_regime"] * f.regime
    s += f.ties
    s -= f.autonomy
    mom = params["member_momentum"] * f.momentum
    if f.members is not None:   # momentum as a share of the alliance's members
        mom = mom * (params["momentum_members"] / np.maximum(f.members, 1))
    fits = isinstance(t, np.ndarray) and t.ndim and np.broadcast_shapes(np.shape(f.outside), np.shape(mom)) == t.shape
    t = np.add(f.outside, mom, out=t if fits else None)
    t -= f.exit_cost
    s -= t
    return s


#: The hazards of leaving that a random intercept of an alliance or of a state shifts (the pooled
#: fit, ``calibration.pooled``; the engine, ``Model.leave_shift``).
LEAVING = ("hazard_notice", "hazard_lapse", "hazard_denounce")


class Shifted(Mapping):
    """The values ``p`` with ``u`` added to each hazard of leaving (:data:`LEAVING`) as it is read:
    no copy of the other values (the engine wraps the parameters of its cells every month)."""

    __slots__ = ("p", "u")

    def __init__(self, p: Mapping, u):
        self.p, self.u = p, u

    def __getitem__(self, key: str):
        return self.p[key] + self.u if key in LEAVING else self.p[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.p)

    def __len__(self) -> int:
        return len(self.p)


def with_intercept(p: Mapping, u) -> Mapping:
    """The values ``p`` (``Parameters``, a dict or a ``RunParameters`` view) with an intercept ``u``
    added to the hazards of leaving: an alliance's (a number) or, row by row, its members' state
    effects (an array broadcasting with the rows ``p`` is aligned to). ``u`` None or 0: ``p`` itself."""
    if u is None or (np.ndim(u) == 0 and not u):
        return p
    return Shifted(p, u)


def _sigmoid_of(a, z, out):
    """``sigmoid(a - z)`` written into ``out``: the same operations as :func:`sigmoid`, bit for bit."""
    np.subtract(z, a, out=out)   # -(a - z), exactly: IEEE subtraction is symmetric under negation
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    np.divide(1.0, out, out=out)
    return out


def choose_active(params, z, u, inactive, can_notice):
    """For active members: ``np.where(inactive, -1, choose(u, p_freeze, p_notice))`` as int8, with
    p_freeze = sigmoid(hazard_freeze - z) and p_notice = sigmoid(hazard_notice - z) (zero where
    notice is not possible); the same choices, in fewer passes."""
    p0 = _sigmoid_of(params["hazard_freeze"], z, np.empty(z.shape))
    if not can_notice:   # 1: the member denounces the treaty (:func:`p_denounce`)
        return np.where(inactive, np.int8(-1), choose(u, p0, p_denounce(params, z, False))).astype(np.int8)
    total = _sigmoid_of(params["hazard_notice"], z, np.empty(z.shape))
    total += p0                      # sum((p0, p1)) = (0 + p0) + p1 = p1 + p0, bit for bit
    if np.any(total > 1.0):          # rare: the general rule scales the probabilities
        p1 = _sigmoid_of(params["hazard_notice"], z, np.empty(z.shape))
        return np.where(inactive, np.int8(-1), choose(u, p0, p1)).astype(np.int8)
    out = (u >= p0).view(np.int8)    # 0 freeze, 1 notice (u < total), -1 none or not active
    none = u >= total
    none |= inactive
    np.putmask(out, none, np.int8(-1))
    return out


def hazards(params, f: MemberFeatures, can_notice=True) -> Hazards:
    """Monthly hazards (see the module docstring). ``can_notice``: the treaty has a withdrawal
    clause; where it has none, a member cannot give notice (the hazard of notice is zero)."""
    return hazards_from_margin(params, margin(params, f), f.frozen, can_notice)


def hazards_from_margin(params, z, frozen, can_notice=True) -> Hazards:
    """The hazards given the margin ``z`` (the engine evaluates them on the cells that need each:
    :func:`frozen_hazards`, :func:`p_revoke`)."""
    notice_logit = params["hazard_notice"] + np.where(frozen, params["hazard_notice_frozen"], 0.0) - z
    return Hazards(sigmoid(params["hazard_freeze"] - z), sigmoid(notice_logit) * can_notice,
                   sigmoid(params["hazard_return"] + z), p_revoke(params, z))


def frozen_hazards(params, z, can_notice=True):
    """(p_notice, p_return) of frozen members with margin ``z``: those of :func:`hazards_from_margin`
    with ``frozen`` true, bit for bit."""
    return (sigmoid(params["hazard_notice"] + params["hazard_notice_frozen"] - z) * can_notice,
            sigmoid(params["hazard_return"] + z))


def p_denounce(params, z, can_notice=True):
    """Monthly probability that an active member leaves a treaty that gives it no way out by
    denouncing it, at margin ``z`` (zero where the treaty has a way out: there a member gives
    notice). ATOP records such exits (``catalogue.exits``: a denunciation outside the procedure)."""
    if can_notice:
        return np.zeros(np.shape(z))
    return sigmoid(params["hazard_denounce"] - np.asarray(z, dtype=float))


def p_revoke(params, z):
    """Monthly probability that a member under notice revokes it, at margin ``z``."""
    return sigmoid(params["hazard_revoke"] + z)


def p_lapse(params, f: MemberFeatures):
    """Probability of not renewing at a renewal window."""
    return sigmoid(params["hazard_lapse"] - margin(params, f))


def p_suspend(params, months_frozen):
    """Monthly probability that the council suspends a member frozen for ``months_frozen`` months."""
    return sigmoid(params["hazard_suspend"] + params["suspend_rise"] * np.asarray(months_frozen, dtype=float) / 12.0)


def p_reinstate(params, shape=()):
    return np.broadcast_to(sigmoid(params["hazard_reinstate"]), shape)


def momentum_decay(params) -> float:
    return scalar_pow(0.5, 1.0 / params["momentum_half_life"])


def momentum_from_record(params, events, alliance: str, until_month: int) -> float:
    """Decayed count of the alliance's recorded defections (freeze, notice, lapse, withdraw, suspend, expel)
    before month ``until_month``."""
    from foedus.chronology import month_index

    d = momentum_decay(params)
    kinds = {"freeze", "notice", "lapse", "suspend", "expel"}
    total = 0.0
    for e in events:
        m = month_index(e.date)
        if e.alliance == alliance and e.type.value in kinds and m < until_month:
            total += len(e.actors) * d ** (until_month - 1 - m)
    return total


def competing(*probs) -> tuple:
    """Competing risks' probabilities as one uniform draws them (:func:`choose`): scaled down where
    they sum above 1."""
    total = sum(probs)
    scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-300), 1.0)
    return tuple(p * scale for p in probs)


def category_probs(*probs) -> np.ndarray:
    """(n, 1 + k): the probability of none of the competing events, then of each, as :func:`choose`
    draws them (the likelihood of a member's month)."""
    cols = competing(*probs)
    return np.stack([1.0 - sum(cols)] + list(cols), axis=1)


def choose(u, *probs):
    """Competing risks from one uniform: event k happens if cum[k-1] <= u < cum[k] (cumulative
    probabilities, :func:`competing`); returns its index (0-based) or -1 for none."""
    total = sum(probs)
    if np.any(total > 1.0):
        probs = competing(*probs)
        total = None
    # the engine calls this on every member-month: as few passes over the arrays as will do
    passed = np.asarray(u >= probs[0], dtype=np.int8)
    cum = probs[0]
    for k in range(1, len(probs)):
        # the last cumulative sum is the total already computed (the same additions, in the same order)
        cum = total if (k == len(probs) - 1 and total is not None) else cum + probs[k]
        passed += u >= cum
    return np.where(passed == len(probs), np.int8(-1), passed)


MECHANISM = Mechanism(
    6, "membership",
    features=(
        Feature("credibility", "belief in [0, 1]", "the member's belief after the month's recorded outcomes",
                "the Beta mean after the month's updates and decay"),
        Feature("threat", "multiplier", "the timeline on the date", "Model.tl.threat"),
        Feature("patron_spare", "share of capability", "the leading member's capability x (1 - committed)", "the same"),
        Feature("regime", "regime score", "the state's regime", "Model.regime"),
        Feature("ties", "utility", "behaviour.toml", "Model.ties"),
        Feature("autonomy", "utility", "behaviour.toml", "Model.autonomy"),
        Feature("outside", "utility", "behaviour.toml + the timeline's shift", "Model.outside + tl.outside"),
        Feature("exit_cost", "utility", "behaviour.toml", "Model.exit_cost"),
        Feature("momentum", "decayed defections", "the recorded defections before the month", "ChunkState.momentum"),
        Feature("members", "members", "the replayed members in the month (patron included)",
                "the run's members in the month (active, frozen, notice)"),
        Feature("frozen", "bool", "the replayed standing", "the chunk's standing"),
        Feature("can_notice", "bool", "the treaty has a withdrawal clause", "Model.notice_months >= 0"),
        Feature("months_frozen", "months", "months since the member froze", "month - ChunkState.since"),
    ),
    params=PARAMS, functions=(margin, hazards, p_denounce, choose, category_probs, p_lapse, p_suspend, p_reinstate, momentum_decay))
