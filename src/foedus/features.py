"""The features layer: the scenario compiled to arrays once, and each mechanism's features built by
one code from either of its two sources — the replayed record on a date (the likelihood,
``calibration.observations``) or a chunk's state in a month (the engine, ``engine.compile`` and
``engine.step``).

- :func:`terms`: the scenario's per-state terms (``behaviour.toml``: ties, autonomy cost, outside
  option, exit cost, committed share; regimes; grievances; affinities) as arrays;
- :func:`treaty_flags`: what the treaty says that the mechanisms read — the patron, the leading
  member, the treaty area, who may give notice and when, the council's powers, the procedure in force;
- :func:`member_features`: the membership mechanism's features of any cells (a state index array
  ``i`` of any shape, a month ``t`` or one per cell) from the compiled arrays, given the beliefs,
  momentum and standing of the source. The engine passes its chunk's; the likelihood the record's;
- :func:`decision_features`: the decision mechanism's features of requests, given the standings
  where each is made (the engine's runs, the record's replay on the request's date).

The engine and the likelihood therefore read the same values: ``tests/engine/test_agreement.py``
checks them bit for bit on a date of the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from foedus.errors import RuleViolation
from foedus.model._math import regime_score
from foedus.model.decision import DecisionFeatures
from foedus.model.dissolution import NO_ORGANISATION
from foedus.model.membership import MemberFeatures
from foedus.model.timeline import Series
from foedus.scenario.schema import Alliance, ScenarioFiles
from foedus.treaty.membership import VOTING_STANDINGS, Standing
from foedus.treaty.obligations import casus_foederis_array
from foedus.treaty.procedure import procedure_on

_IS_VOTING = np.isin(np.arange(len(Standing)), sorted(VOTING_STANDINGS))   # by standing code: cheaper than np.isin


@dataclass(frozen=True, eq=False)
class Terms:
    """The scenario's terms per state, arrays (N,) in scenario order, and (N, N) for pairs."""

    codes: tuple[str, ...]
    regime: np.ndarray       # 1 autocracy, 0.5 hybrid, 0 democracy
    ties: np.ndarray
    autonomy: np.ndarray     # autonomy cost
    outside: np.ndarray      # outside option (before the timeline's shift)
    exit_cost: np.ndarray
    committed: np.ndarray    # share of capability committed elsewhere (before the timeline)
    grievance: np.ndarray    # (N, N) [holder, target]
    listed: np.ndarray       # (N, N) listed affinities, NaN where a pair is not listed
    member_affinity: float   # the affinity that members of an alliance share
    milex: np.ndarray | None = None   # military spending, billion US$ (0 where the scenario gives none)

    def affinity(self, *memberships: np.ndarray) -> np.ndarray:
        """(N, N) affinities where each of ``memberships`` (bool, N) are the members of an alliance:
        two members of one alliance share ``member_affinity``; listed pairs override; each state's
        affinity to itself is 1."""
        aff = np.zeros(self.listed.shape)
        for members in memberships if self.member_affinity else ():
            aff[np.ix_(members, members)] = self.member_affinity
        aff = np.where(np.isnan(self.listed), aff, self.listed)
        np.fill_diagonal(aff, 1.0)
        return aff


def terms(data: ScenarioFiles) -> Terms:
    """The scenario's terms as arrays."""
    codes = tuple(s.iso3 for s in data.states)
    idx = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    b = data.behaviour
    rows = {s.iso3: s for s in b.state}
    get = lambda attr: np.array([getattr(rows[c], attr) if c in rows else 0.0 for c in codes], dtype=float)  # noqa: E731
    grievance = np.zeros((n, n))
    for g in b.grievance:
        grievance[idx[g.holder], idx[g.target]] = g.value
    listed = np.full((n, n), np.nan)
    for f in b.affinity:
        listed[idx[f.a], idx[f.b]] = listed[idx[f.b], idx[f.a]] = f.value
    return Terms(codes=codes, regime=np.array([regime_score(s.regime) for s in data.states]), ties=get("ties"),
                 autonomy=get("autonomy_cost"), outside=get("outside_option"), exit_cost=get("exit_cost"),
                 committed=get("committed_share"), grievance=grievance, listed=listed,
                 member_affinity=float(b.member_affinity or 0.0),
                 milex=np.array([(s.capability.milex_usd_bn or 0.0) if s.capability else 0.0 for s in data.states]))


def leader(alliance: Alliance, data: ScenarioFiles) -> str:
    """The alliance's leading member: its patron, or else the founder with the largest military spending."""
    if alliance.patron:
        return alliance.patron
    spend = {s.iso3: (s.capability.milex_usd_bn or 0.0) if s.capability else 0.0 for s in data.states}
    return max(alliance.founders, key=lambda c: (spend.get(c, 0.0), c))


@dataclass(frozen=True)
class TreatyFlags:
    """What one alliance's treaty says that the mechanisms read (states by index)."""

    patron: int              # whose yes a deployment needs; -1 none
    leader: int              # the patron, or the leading founder (the membership mechanism's patron_spare)
    in_area: np.ndarray      # (N,) bool: in the treaty area (everywhere where the article names none)
    can_notice: bool         # a member may give notice: a withdrawal clause, or a term that renews tacitly
    notice_months: int       # its notice period; -1 without a clause
    earliest_month: int      # the earliest month a notice may take effect; -1 any
    admission: bool          # the treaty admits new members
    in_force_month: int
    renewal_months: frozenset[int]
    #: the months in which a term ends that expires (``expires``) or renews tacitly (``treaty.term``);
    #: an opt-in term's ends are renewal windows (``renewal_months``)
    term_end_months: frozenset[int] = frozenset()
    expires: bool = False    # the term does not renew: the treaty ends at its first term end
    #: the month in which the parties set up a standing organisation (``dissolution.organised_in``);
    #: ``dissolution.NO_ORGANISATION`` without one
    organisation_month: int = NO_ORGANISATION


def notice_due_month(alliance: Alliance, m: int) -> int:
    """The month in which a notice given in month ``m`` takes effect: after the withdrawal clause's
    period (``treaty.membership.notice_due``), or, under a term that renews tacitly and no clause, at
    the end of the first term it reaches in time (``treaty.term.tacit_notice_due``); -1: no notice."""
    from foedus.chronology import month_index, month_start
    from foedus.treaty.membership import notice_due
    from foedus.treaty.term import tacit_notice_due

    w, t = alliance.withdrawal, alliance.term
    if w is not None:
        return notice_due(m, w.notice_months, month_index(w.earliest) if w.earliest else None)
    if t is not None and t.renewal == "tacit":
        return month_index(tacit_notice_due(alliance, month_start(m)))
    return -1


def treaty_flags(alliance: Alliance, data: ScenarioFiles, on: dt.date, horizon: dt.date) -> TreatyFlags:
    """The treaty's flags: the area as it stands on ``on`` (the engine's start; the record's last
    day for the likelihood), renewal windows up to ``horizon``."""
    from foedus.chronology import month_index
    from foedus.treaty.obligations import in_treaty_area
    from foedus.treaty.term import renewal_windows, term_ends

    codes = [s.iso3 for s in data.states]
    idx = {c: i for i, c in enumerate(codes)}
    cd = alliance.collective_defence
    in_area = np.ones(len(codes), bool)
    if cd is not None and cd.territory == "treaty_area":
        in_area = np.array([in_treaty_area(cd, c, on) for c in codes], dtype=bool)
    w, t = alliance.withdrawal, alliance.term
    ends = term_ends(alliance, horizon) if t is not None and t.renewal != "opt_in" else []
    return TreatyFlags(
        patron=idx[alliance.patron] if alliance.patron else -1, leader=idx[leader(alliance, data)], in_area=in_area,
        can_notice=w is not None or (t is not None and t.renewal == "tacit"), notice_months=w.notice_months if w is not None else -1,
        earliest_month=month_index(w.earliest) if w is not None and w.earliest else -1,
        admission=alliance.admission is not None, in_force_month=month_index(alliance.in_force),
        renewal_months=frozenset(month_index(d) for d in renewal_windows(alliance, horizon)),
        term_end_months=frozenset(month_index(d) for d in ends), expires=t is not None and t.renewal == "none",
        organisation_month=month_index(alliance.organisation.since) if alliance.organisation else NO_ORGANISATION)


def abstention_on(alliance: Alliance, date: dt.date) -> bool:
    """Does the procedure in force on ``date`` let a member abstain without blocking? (No procedure in force yet: no.)"""
    try:
        return procedure_on(alliance, date).abstention
    except RuleViolation:
        return False


def council_may_suspend(alliance: Alliance, date: dt.date) -> bool:
    """May the council suspend a member on ``date`` (from the date its power to do so begins)?"""
    sus = alliance.suspension
    return sus is not None and (sus.since is None or sus.since <= date)


def member_features(terms: Terms, tl: Series, lead: int, t, i, credibility, momentum, frozen=None,
                    members=None) -> MemberFeatures:
    """The membership mechanism's features of the cells of states ``i`` (an index array of any
    shape) in months ``t`` of the series ``tl`` (one month, or one per cell), given the source's
    ``credibility`` (beliefs' means), ``momentum`` and ``frozen`` (arrays broadcasting with ``i``).
    ``lead``: the leading member whose spare capacity counts (``TreatyFlags.leader``); ``members``:
    the alliance's members in the month, by which the momentum is shared out (``membership.margin``)."""
    return MemberFeatures(
        credibility=credibility, threat=tl.threat[t, i], patron_spare=tl.capability[t, lead] * (1.0 - tl.committed[t, lead]),
        regime=terms.regime[i], ties=terms.ties[i], autonomy=terms.autonomy[i], outside=terms.outside[i] + tl.outside[t, i],
        exit_cost=terms.exit_cost[i], momentum=momentum, frozen=frozen, members=members)


def decision_features(alliance: Alliance, date: dt.date, affinity, regime, spare, patron: int, in_area, standings, V,
                      victims, aggressors, crisis_type, severity, salience, abstention) -> DecisionFeatures:
    """The decision mechanism's features of K requests of one alliance on ``date``: ``standings``
    (K, N) the alliance's standings where each request is made (a run of the engine, the record);
    ``V`` the columns (states) whose votes are considered (every state, or those that can vote in
    some run); ``victims``, ``aggressors`` (-1 none), ``crisis_type``, ``severity``, ``salience`` (K,);
    ``affinity`` (N, N), ``regime``, ``spare`` (the states' spare capacity), ``in_area`` (N,); the
    ``patron``'s index (-1 none); ``abstention``: the procedure in force lets a member abstain."""
    K, N = standings.shape
    rows = np.arange(K)
    agg_st = np.where(aggressors >= 0, standings[rows, np.maximum(aggressors, 0)], int(Standing.outside))
    covered = casus_foederis_array(alliance, date, standings[rows, victims], agg_st, crisis_type, in_area[victims])
    pos = np.full(N, -1, np.int64)
    pos[V] = np.arange(len(V))
    Sk = standings[:, V]                                                 # (K, V)
    eligible = _IS_VOTING[Sk]
    own = pos[victims] >= 0
    eligible[np.flatnonzero(own), pos[victims[own]]] = False
    seat = np.zeros_like(eligible)
    if patron >= 0 and pos[patron] >= 0:
        seat[:, pos[patron]] = True
    seat &= eligible
    return DecisionFeatures(
        covered=covered, crisis_type=crisis_type, severity=severity, salience=salience,
        aff_victim=affinity[victims[:, None], V[None, :]],
        aff_aggressor=np.where((aggressors >= 0)[:, None], affinity[np.maximum(aggressors, 0)[:, None], V[None, :]], 0.0),
        regime_member=np.broadcast_to(regime[V], Sk.shape), regime_victim=regime[victims],
        spare=np.broadcast_to(spare[V], Sk.shape), eligible=eligible, frozen=Sk == Standing.frozen, patron=seat,
        abstention=np.full(K, bool(abstention)))
