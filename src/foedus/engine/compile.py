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
from foedus.errors import ArgumentError
from foedus.features import Terms, abstention_on, council_may_suspend, notice_due_month, terms, treaty_flags
from foedus.ledger.replay import replay
from foedus.model import credibility, membership
from foedus.model.parameters import Parameters
from foedus.model.timeline import CRISIS_CODES, Series, series
from foedus.scenario.known import current
from foedus.scenario.schema import Alliance, CrisisType, ScenarioFiles
from foedus.treaty.membership import Standing
from foedus.engine.streams import code

NO_MONTH = -1


def draw_of(run: np.ndarray | int, runs: int, k: int) -> np.ndarray | int:
    """The parameter draw of global run number(s) ``run`` among ``runs`` runs split across ``k``
    draws in contiguous blocks: ``run * k // runs`` (0 when ``k`` <= 1; ``ensemble.draws``)."""
    if k <= 1:
        return np.zeros_like(run) if isinstance(run, np.ndarray) else 0
    return (np.asarray(run, dtype=np.int64) * k) // runs if isinstance(run, np.ndarray) else (run * k) // runs


@dataclass(frozen=True, eq=False)
class Draws:
    """The parameter draws a model's runs are split across (:func:`draw_of`): each draw's parameters
    and the start arrays that depend on them (beliefs, momentum), stacked along a first axis."""

    params: tuple[Parameters, ...]
    runs: int                 # the ensemble's run count (a run's draw depends on it)
    cred_a0: np.ndarray       # (K, A, N)
    cred_b0: np.ndarray       # (K, A, N)
    momentum0: np.ndarray     # (K, A)

    def of(self, runs: np.ndarray) -> np.ndarray:
        """The draw of each of the global run numbers ``runs``."""
        return draw_of(np.asarray(runs, dtype=np.int64), self.runs, len(self.params))


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
    # shared crisis sources (J,) and their (source, exposed state) pairs (P,)
    sh_rate: np.ndarray       # (J,)
    sh_exposed: np.ndarray    # (J, N) bool
    sh_pairs: tuple           # per source, its pairs' positions (int64 arrays)
    sh_slots: np.ndarray      # (2J,) uint64: arrival slots then severity slots
    # each origin of a crisis cell, the K sources then the P pairs: its victim, type, aggressor
    origin_victim: np.ndarray
    origin_type: np.ndarray
    origin_aggressor: np.ndarray
    # scenario terms (``features.terms``: regime, ties, autonomy, outside, exit_cost, grievance)
    terms: Terms
    affinity: np.ndarray      # (N, N) members of an alliance on the start date share ``member_affinity``
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
    can_notice: np.ndarray    # (A,) bool: a withdrawal clause, or a term that renews tacitly
    notice_due_at: np.ndarray  # (A, M) the month a notice given in the month takes effect (-1: none)
    term_end: np.ndarray      # (A, M) bool: a term that expires or renews tacitly ends in the month
    expires: np.ndarray       # (A,) bool: the term does not renew (the treaty ends at its term end)
    earliest_month: np.ndarray  # (A,)
    admission: np.ndarray     # (A,) bool
    state_slots: np.ndarray   # (A, N) uint64
    vote_slots: np.ndarray    # (A, N victims, 2N) uint64: deploy votes then limited votes
    shock_slots: np.ndarray   # (A, N victims) uint64: the request-level shock of the council's votes
    invite_slots: np.ndarray  # (A, N applicants, N) uint64
    ratify_slots: np.ndarray  # (A, N applicants, N) uint64
    end_slots: np.ndarray     # (A,) uint64: the parties' ending of the alliance (``model.dissolution``)
    organisation_month: np.ndarray  # (A,) the month the parties set up an organisation (``dissolution.organised_in``)
    notes: tuple[str, ...] = field(default=())
    #: (runs, sources) each run's own crisis rates, in the place of ``src_rate`` (the catalogue
    #: retrodiction's draws of pooled rates); row k is global run k
    src_rate_per_run: np.ndarray | None = None
    #: the parameter draws the runs carry (:func:`with_draws`); None: every run has ``params``
    draws: Draws | None = None
    #: (K, N) each state's effect on the hazards of leaving (``membership.LEAVING``) under each
    #: parameter draw (K = 1 without draws): the pooled fit's state effects (:func:`with_leave_shift`);
    #: None: every state at the population's level
    leave_shift: np.ndarray | None = None

    regime = property(lambda self: self.terms.regime)
    ties = property(lambda self: self.terms.ties)
    autonomy = property(lambda self: self.terms.autonomy)
    outside = property(lambda self: self.terms.outside)
    exit_cost = property(lambda self: self.terms.exit_cost)
    grievance = property(lambda self: self.terms.grievance)   # [holder, target]

    @property
    def n_states(self) -> int:
        return len(self.codes)

    def month_dates(self) -> list[dt.date]:
        return [month_start(self.start_month + t) for t in range(self.months)]


def _start_state(data: ScenarioFiles, params: Parameters, start: dt.date) -> dict[str, np.ndarray]:
    """The replay of the record to ``start`` as the start arrays: standings, notices, invitations,
    ratifications, beliefs and momentum per alliance."""
    codes = tuple(s.iso3 for s in data.states)
    idx = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    m0 = month_index(start)
    rp = replay(data, start)
    A = len(data.alliances)

    standing0 = np.zeros((A, n), np.int8)
    since0 = np.full((A, n), m0, np.int32)
    notice_due0 = np.full((A, n), NO_MONTH, np.int32)
    invited_by0 = np.zeros((A, n, n), bool)
    ratified0 = np.zeros((A, n, n), bool)
    for a, al in enumerate(data.alliances):
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
    return dict(standing0=standing0, since0=since0, notice_due0=notice_due0, invited_by0=invited_by0,
                ratified0=ratified0, **_beliefs(data, params, rp, m0))


def _beliefs(data: ScenarioFiles, params: Parameters, rp, m0: int) -> dict[str, np.ndarray]:
    """The start arrays that depend on the parameters: beliefs from the record and momentum, per alliance."""
    codes = tuple(s.iso3 for s in data.states)
    A, n = len(data.alliances), len(codes)
    cred_a0, cred_b0, momentum0 = np.zeros((A, n)), np.zeros((A, n)), np.zeros(A)
    applied = [x.event for x in rp.events]
    for a, al in enumerate(data.alliances):
        cred_a0[a], cred_b0[a] = credibility.from_record(params, data.events, codes, al.id, m0)
        # momentum from the replayed defections: the recorded ones and those the treaty rules generate
        # (a member leaving at a renewal window without a recorded lapse), as the likelihood counts them
        momentum0[a] = membership.momentum_from_record(params, applied, al.id, m0)
    return dict(cred_a0=cred_a0, cred_b0=cred_b0, momentum0=momentum0)


def with_parameters(model: Model, draws: list[Parameters] | tuple[Parameters, ...]) -> tuple[Model, ...]:
    """One model per parameter vector: ``model`` with its parameters and the start arrays that depend
    on them (beliefs, momentum) replaced; everything else (the timeline, the treaty arrays) shared."""
    from dataclasses import replace

    rp = replay(model.data, model.start)
    return tuple(replace(model, params=p, draws=None, **_beliefs(model.data, p, rp, model.start_month)) for p in draws)


def with_draws(model: Model, draws: list[Parameters] | tuple[Parameters, ...], runs: int) -> Model:
    """``model`` with its ``runs`` runs split across the parameter vectors ``draws`` (two or more;
    fewer: ``model`` itself, every run with its parameters): the engine simulates every run in one
    pass, each with its draw's values (``model.parameters.RunParameters``)."""
    from dataclasses import replace

    if len(draws) < 2:
        return model
    each = with_parameters(model, draws)
    return replace(model, draws=Draws(tuple(draws), runs, np.stack([m.cred_a0 for m in each]),
                                      np.stack([m.cred_b0 for m in each]), np.stack([m.momentum0 for m in each])))


def with_leave_shift(model: Model, cow: tuple[int, ...], effects: np.ndarray | None) -> Model:
    """``model`` whose states' hazards of leaving are shifted by their effects: ``effects`` (K, E), per
    parameter draw (K: one per draw of ``model.draws``, or 1), the effect of each state of COW code
    ``cow[e]``. A scenario state the effects do not name gets 0 (the population's level). ``effects``
    None: ``model`` itself, no shift."""
    from dataclasses import replace

    if effects is None:
        return model
    effects = np.atleast_2d(np.asarray(effects, dtype=float))
    k = len(model.draws.params) if model.draws is not None else 1
    if effects.shape != (k, len(cow)):
        raise ValueError(f"state effects of shape {effects.shape}, expected {(k, len(cow))}")
    at = {c: e for e, c in enumerate(cow)}
    shift = np.zeros((k, model.n_states))
    for i, s in enumerate(model.data.states):
        if s.cow in at:
            shift[:, i] = effects[:, at[s.cow]]
    return replace(model, leave_shift=shift)


def _treaty_arrays(data: ScenarioFiles, m0: int, months: int) -> dict[str, np.ndarray]:
    """Each alliance's treaty flags (``features.treaty_flags``) as arrays (A, ...), month by month
    where they change with the date, and the random streams' slot codes."""
    alliances = data.alliances
    codes = tuple(s.iso3 for s in data.states)
    A, n = len(alliances), len(codes)
    flags = [treaty_flags(al, data, on=month_start(m0), horizon=month_start(m0 + months)) for al in alliances]
    patron = np.array([f.patron for f in flags], dtype=np.int64)
    leader = np.array([f.leader for f in flags], dtype=np.int64)
    in_area = np.array([f.in_area for f in flags], dtype=bool).reshape(A, n)
    in_force_month = np.array([f.in_force_month for f in flags], dtype=np.int64)
    notice_months = np.array([f.notice_months for f in flags], dtype=np.int64)
    earliest = np.array([f.earliest_month for f in flags], dtype=np.int64)
    admission = np.array([f.admission for f in flags], dtype=bool)
    dates = [month_start(m0 + t) for t in range(months)]
    abstention = np.array([[abstention_on(al, d) for d in dates] for al in alliances], dtype=bool).reshape(A, months)
    suspension = np.array([[council_may_suspend(al, d) for d in dates] for al in alliances], dtype=bool).reshape(A, months)
    renewal = np.array([[m0 + t in f.renewal_months for t in range(months)] for f in flags], dtype=bool).reshape(A, months)
    term_end = np.array([[m0 + t in f.term_end_months for t in range(months)] for f in flags], dtype=bool).reshape(A, months)
    notice_due_at = np.array([[notice_due_month(al, m0 + t) for t in range(months)] for al in alliances],
                             dtype=np.int64).reshape(A, months)

    state_slots = np.array([[code(f"{al.id}|{c}") for c in codes] for al in alliances], dtype=np.uint64).reshape(A, n)
    vote_slots = np.array([[[code(f"{al.id}|vote|{v}|{j}|{lvl}") for lvl in ("deploy", "limited") for j in codes]
                            for v in codes] for al in alliances], dtype=np.uint64).reshape(A, n, 2 * n)
    shock_slots = np.array([[code(f"{al.id}|shock|{v}") for v in codes] for al in alliances], dtype=np.uint64).reshape(A, n)
    invite_slots = np.array([[[code(f"{al.id}|invite|{i}|{j}") for j in codes] for i in codes] for al in alliances],
                            dtype=np.uint64).reshape(A, n, n)
    ratify_slots = np.array([[[code(f"{al.id}|ratify|{i}|{j}") for j in codes] for i in codes] for al in alliances],
                            dtype=np.uint64).reshape(A, n, n)
    end_slots = np.array([code(f"{al.id}|end") for al in alliances], dtype=np.uint64)
    return dict(patron=patron, leader=leader, in_area=in_area, in_force_month=in_force_month, abstention=abstention,
                renewal=renewal, suspension=suspension, notice_months=notice_months, earliest_month=earliest,
                can_notice=np.array([f.can_notice for f in flags], dtype=bool), notice_due_at=notice_due_at,
                term_end=term_end, expires=np.array([f.expires for f in flags], dtype=bool),
                admission=admission, state_slots=state_slots, vote_slots=vote_slots, shock_slots=shock_slots, invite_slots=invite_slots,
                ratify_slots=ratify_slots, end_slots=end_slots,
                organisation_month=np.array([f.organisation_month for f in flags], dtype=np.int64))


def _shared_sources(sources, idx: dict[str, int]) -> dict:
    """The shared crisis sources' arrays (``crises.shared_cells``); the keys with ``_`` are the
    (source, exposed state) pairs' victims, types and aggressors, in the pairs' order."""
    n, J = len(idx), len(sources)
    exposed = np.zeros((J, n), bool)
    victim, ctype, aggr, pairs = [], [], [], []
    for j, c in enumerate(sources):
        pairs.append(np.arange(len(victim), len(victim) + len(c.exposed), dtype=np.int64))
        for v in c.exposed:
            exposed[j, idx[v]] = True
            victim.append(idx[v]), ctype.append(CRISIS_CODES[CrisisType(c.type)]), aggr.append(idx[c.aggressor] if c.aggressor else -1)
    names = [f"shared|{c.name}" for c in sources]
    return dict(sh_rate=np.array([c.rate for c in sources], dtype=float), sh_exposed=exposed, sh_pairs=tuple(pairs),
                sh_slots=np.array([code(x + "|arrive") for x in names] + [code(x + "|severity") for x in names], dtype=np.uint64),
                _victim=np.array(victim, np.int64), _type=np.array(ctype, np.int8), _aggressor=np.array(aggr, np.int64))


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
    alliances = data.alliances
    A = len(alliances)
    start_state = _start_state(data, params, start)
    standing0 = start_state["standing0"]

    data = current(data)   # of a value given in versions, the latest known (scenario.known)
    b = data.behaviour
    tm = terms(data)
    tl = series(data.timeline, codes, m0, months, tm.committed)
    member = [int(Standing.active), int(Standing.frozen), int(Standing.notice)]
    affinity = tm.affinity(*(np.isin(standing0[a], member) for a in range(A)))

    K = len(b.crisis)
    src_victim = np.array([idx[c.victim] for c in b.crisis], dtype=np.int64)
    src_aggressor = np.array([idx[c.aggressor] if c.aggressor else -1 for c in b.crisis], dtype=np.int64)
    src_type = np.array([CRISIS_CODES[CrisisType(c.type)] for c in b.crisis], dtype=np.int8)
    src_rate = np.array([c.rate for c in b.crisis], dtype=float)
    victim_of = np.zeros((K, n), bool)
    victim_of[np.arange(K), src_victim] = True
    names = [f"{c.victim}|{c.type}|{c.aggressor or ''}" for c in b.crisis]
    crisis_slots = np.array([code(x + "|arrive") for x in names] + [code(x + "|severity") for x in names], dtype=np.uint64)

    shared = _shared_sources(b.shared_crisis, idx)
    origins = dict(origin_victim=np.concatenate([src_victim, shared.pop("_victim")]),
                   origin_type=np.concatenate([src_type, shared.pop("_type")]),
                   origin_aggressor=np.concatenate([src_aggressor, shared.pop("_aggressor")]))
    treaty = _treaty_arrays(data, m0, months)
    focus = [al.id for al in alliances].index(sc.focus)
    return Model(
        scenario=scenario or sc.name, data=data, params=params, codes=codes,
        alliance_ids=tuple(al.id for al in alliances), focus=focus, start=start, start_month=m0, months=months,
        **start_state, tl=tl,
        src_victim=src_victim, src_aggressor=src_aggressor, src_type=src_type, src_rate=src_rate,
        victim_of=victim_of, crisis_slots=crisis_slots, **shared, **origins,
        terms=tm, affinity=affinity, alliances=alliances, **treaty,
    )
