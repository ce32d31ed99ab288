"""Compile a scenario and a start date into the arrays the month step works on.

The start state is the replay of the record to the start date (the same treaty rules as
``foedus replay``): standings, notices pending (with their due month), invitations and
ratifications. Beliefs start from the record (``model.credibility.from_record``), momentum from the
replayed defections (the recorded ones, and those the treaty rules generate: a member leaving at a
renewal window). The timeline is compiled into monthly series; the scenario's ``behaviour.toml``
into rate, affinity and terms arrays. The result is a frozen, picklable
:class:`Model` that a chunk of runs is simulated from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from foedus.chronology import month_index, month_start, parse_date
from foedus.errors import ArgumentError, RuleViolation
from foedus.ledger.replay import replay
from foedus.model import credibility, membership
from foedus.model._math import regime_score
from foedus.model.parameters import Parameters
from foedus.model.timeline import CRISIS_CODES, Series, series
from foedus.scenario.schema import Alliance, CrisisType, ScenarioFiles
from foedus.treaty.membership import Standing
from foedus.treaty.procedure import procedure_on
from foedus.engine.streams import code

NO_MONTH = -1


@dataclass(frozen=True, eq=False)
class Model:
    """Everything a chunk needs, as arrays. States are in scenario order (``codes``)."""

    scenario: str
    data: ScenarioFiles
    params: Parameters
    codes: tuple[str, ...]
    alliance_ids: tuple[str, ...]
    focus: int
    start: dt.date
    start_month: int
    months: int
    # start state (alliances, states)
    standing0: np.ndarray
    since0: np.ndarray
    notice_due0: np.ndarray
    invited_by0: np.ndarray   # (A, N, N): [a, applicant, member]
    ratified0: np.ndarray     # (A, N, N)
    cred_a0: np.ndarray
    cred_b0: np.ndarray
    momentum0: np.ndarray     # (A,)
    # timeline
    tl: Series
    # crisis sources (K,)
    src_victim: np.ndarray
    src_aggressor: np.ndarray
    src_type: np.ndarray
    src_rate: np.ndarray
    victim_of: np.ndarray     # (K, N) bool
    crisis_slots: np.ndarray  # (2K,) uint64: arrival slots then severity slots
    # scenario terms (N,) and (N, N)
    affinity: np.ndarray
    regime: np.ndarray
    ties: np.ndarray
    autonomy: np.ndarray
    outside: np.ndarray
    exit_cost: np.ndarray
    grievance: np.ndarray     # [holder, target]
    # treaty per alliance
    alliances: tuple[Alliance, ...]
    patron: np.ndarray        # (A,) index or -1: whose yes a deployment needs
    leader: np.ndarray        # (A,) the patron, or the founder with the largest military spending
    in_area: np.ndarray       # (A, N) bool
    in_force_month: np.ndarray  # (A,)
    abstention: np.ndarray    # (A, M) bool
    renewal: np.ndarray       # (A, M) bool: a renewal window falls in the month
    suspension: np.ndarray    # (A, M) bool: the council may suspend
    notice_months: np.ndarray  # (A,) -1: no withdrawal clause
    earliest_month: np.ndarray  # (A,)
    admission: np.ndarray     # (A,) bool
    state_slots: np.ndarray   # (A, N) uint64
    vote_slots: np.ndarray    # (A, N victims, 2N) uint64: deploy votes then limited votes
    invite_slots: np.ndarray  # (A, N applicants, N) uint64
    ratify_slots: np.ndarray  # (A, N applicants, N) uint64
    notes: tuple[str, ...] = field(default=())

    @property
    def n_states(self) -> int:
        return len(self.codes)

    def month_dates(self) -> list[dt.date]:
        return [month_start(self.start_month + t) for t in range(self.months)]


def _leader(a: Alliance, data: ScenarioFiles) -> str:
    if a.patron:
        return a.patron
    spend = {s.iso3: (s.capability.milex_usd_bn or 0.0) if s.capability else 0.0 for s in data.states}
    return max(a.founders, key=lambda c: (spend.get(c, 0.0), c))


def compile_model(data: ScenarioFiles, start: str | dt.date, months: int, params: Parameters | None = None,
                  scenario: str | None = None) -> Model:
    """Arrays for simulating ``months`` months of ``data`` from ``start`` (state: the replay on that date)."""
    start = parse_date(start, "start")
    sc = data.scenario
    if not (sc.start <= start <= sc.end + dt.timedelta(days=366 * 50)):
        raise ArgumentError("start", f"a date on or after the scenario's start ({sc.start.isoformat()})", start.isoformat())
    if not isinstance(months, int) or months < 1 or months > 1200:
        raise ArgumentError("--months", "a whole number of months from 1 to 1200", months)
    params = params or Parameters.for_scenario(data.parameters)
    codes = tuple(s.iso3 for s in data.states)
    idx = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    m0 = month_index(start)
    rp = replay(data, start)
    alliances = data.alliances
    A = len(alliances)

    standing0 = np.zeros((A, n), np.int8)
    since0 = np.full((A, n), m0, np.int32)
    notice_due0 = np.full((A, n), NO_MONTH, np.int32)
    invited_by0 = np.zeros((A, n, n), bool)
    ratified0 = np.zeros((A, n, n), bool)
    cred_a0 = np.zeros((A, n))
    cred_b0 = np.zeros((A, n))
    momentum0 = np.zeros(A)
    applied = [x.event for x in rp.events]
    for a, al in enumerate(alliances):
        st = rp.alliance(al.id)
        for s, mship in st.memberships.items():
            i = idx[s]
            standing0[a, i] = int(mship.standing)
            since0[a, i] = month_index(mship.since)
            if mship.notice_due:
                notice_due0[a, i] = month_index(mship.notice_due)
            for j in mship.invited_by:
                invited_by0[a, i, idx[j]] = True
            for j in mship.ratified_by:
                ratified0[a, i, idx[j]] = True
        cred_a0[a], cred_b0[a] = credibility.from_record(params, data.events, codes, al.id, m0)
        # momentum from the replayed defections: the recorded ones and those the treaty rules generate
        # (a member leaving at a renewal window without a recorded lapse), as the likelihood counts them
        momentum0[a] = membership.momentum_from_record(params, applied, al.id, m0)

    b = data.behaviour
    terms = {s.iso3: s for s in b.state}
    base_committed = np.array([terms[c].committed_share if c in terms else 0.0 for c in codes])
    tl = series(data.timeline, codes, m0, months, base_committed)

    affinity = np.zeros((n, n))
    if b.member_affinity:
        for a in range(A):
            mem = np.isin(standing0[a], [int(Standing.active), int(Standing.frozen), int(Standing.notice)])
            affinity[np.ix_(mem, mem)] = b.member_affinity
    for f in b.affinity:
        affinity[idx[f.a], idx[f.b]] = affinity[idx[f.b], idx[f.a]] = f.value
    np.fill_diagonal(affinity, 1.0)
    grievance = np.zeros((n, n))
    for g in b.grievance:
        grievance[idx[g.holder], idx[g.target]] = g.value
    regime = np.array([regime_score(s.regime) for s in data.states])
    get = lambda attr: np.array([getattr(terms[c], attr) if c in terms else 0.0 for c in codes])  # noqa: E731

    K = len(b.crisis)
    src_victim = np.array([idx[c.victim] for c in b.crisis], dtype=np.int64)
    src_aggressor = np.array([idx[c.aggressor] if c.aggressor else -1 for c in b.crisis], dtype=np.int64)
    src_type = np.array([CRISIS_CODES[CrisisType(c.type)] for c in b.crisis], dtype=np.int8)
    src_rate = np.array([c.rate for c in b.crisis], dtype=float)
    victim_of = np.zeros((K, n), bool)
    victim_of[np.arange(K), src_victim] = True
    names = [f"{c.victim}|{c.type}|{c.aggressor or ''}" for c in b.crisis]
    crisis_slots = np.array([code(x + "|arrive") for x in names] + [code(x + "|severity") for x in names], dtype=np.uint64)

    patron = np.array([idx[al.patron] if al.patron else -1 for al in alliances], dtype=np.int64)
    leader = np.array([idx[_leader(al, data)] for al in alliances], dtype=np.int64)
    in_area = np.ones((A, n), bool)
    abstention = np.zeros((A, months), bool)
    renewal = np.zeros((A, months), bool)
    suspension = np.zeros((A, months), bool)
    notice_months = np.full(A, -1, np.int64)
    earliest = np.full(A, NO_MONTH, np.int64)
    admission = np.zeros(A, bool)
    in_force_month = np.array([month_index(al.in_force) for al in alliances], dtype=np.int64)
    dates = [month_start(m0 + t) for t in range(months)]
    for a, al in enumerate(alliances):
        cd = al.collective_defence
        if cd is not None and cd.territory == "treaty_area":
            in_area[a] = [c in cd.area for c in codes]
        for t, d in enumerate(dates):
            try:
                abstention[a, t] = procedure_on(al, d).abstention
            except RuleViolation:
                abstention[a, t] = False
            if al.suspension is not None:
                suspension[a, t] = al.suspension.since is None or al.suspension.since <= d
        if al.renewal:
            for w in al.renewal.windows:
                t = month_index(w) - m0
                if 0 <= t < months:
                    renewal[a, t] = True
        if al.withdrawal:
            notice_months[a] = al.withdrawal.notice_months
            if al.withdrawal.earliest:
                earliest[a] = month_index(al.withdrawal.earliest)
        admission[a] = al.admission is not None

    state_slots = np.array([[code(f"{al.id}|{c}") for c in codes] for al in alliances], dtype=np.uint64).reshape(A, n)
    vote_slots = np.array([[[code(f"{al.id}|vote|{v}|{j}|{lvl}") for lvl in ("deploy", "limited") for j in codes]
                            for v in codes] for al in alliances], dtype=np.uint64).reshape(A, n, 2 * n)
    invite_slots = np.array([[[code(f"{al.id}|invite|{i}|{j}") for j in codes] for i in codes] for al in alliances],
                            dtype=np.uint64).reshape(A, n, n)
    ratify_slots = np.array([[[code(f"{al.id}|ratify|{i}|{j}") for j in codes] for i in codes] for al in alliances],
                            dtype=np.uint64).reshape(A, n, n)
    focus = [al.id for al in alliances].index(sc.focus)
    return Model(
        scenario=scenario or sc.name, data=data, params=params, codes=codes,
        alliance_ids=tuple(al.id for al in alliances), focus=focus, start=start, start_month=m0, months=months,
        standing0=standing0, since0=since0, notice_due0=notice_due0, invited_by0=invited_by0, ratified0=ratified0,
        cred_a0=cred_a0, cred_b0=cred_b0, momentum0=momentum0, tl=tl,
        src_victim=src_victim, src_aggressor=src_aggressor, src_type=src_type, src_rate=src_rate,
        victim_of=victim_of, crisis_slots=crisis_slots,
        affinity=affinity, regime=regime, ties=get("ties"), autonomy=get("autonomy_cost"), outside=get("outside_option"),
        exit_cost=get("exit_cost"), grievance=grievance, alliances=alliances, patron=patron, leader=leader,
        in_area=in_area, in_force_month=in_force_month, abstention=abstention, renewal=renewal, suspension=suspension,
        notice_months=notice_months, earliest_month=earliest, admission=admission, state_slots=state_slots,
        vote_slots=vote_slots, invite_slots=invite_slots, ratify_slots=ratify_slots,
    )
