"""One month of the model over all runs of a chunk: the ordered phases of :data:`PHASES`, each a
short function ``(model, chunk state, month)`` over arrays (month ``t`` after the start, calendar
month ``m``):

0. ``treaty_calendar``: the parties may end the alliance (``dissolution.p_dissolve``); entry into force; notices that fall due take effect (``Action.withdraw``);
   at the end of a term that does not renew the treaty ends in every run (``Action.end``); at the
   end of one that renews tacitly it ends where fewer than two parties remain;
1-2. ``draw_crises``: arrivals per source, severity, the most severe per victim; injected crises
   override (the timeline's monthly series are compiled in advance); ``contagion.spread_unrest``;
3. ``make_requests``: members in a standing that may invoke the alliance ask (``requests.p_request``);
4-5. ``decide``: votes at the deploy and limited levels, the council's answer by the treaty's
   procedure (``treaty.procedure.council_answer``); the victim and the observers update their
   beliefs; ``decay_beliefs``: all beliefs decay towards the prior;
6. ``weigh_membership``: hazards (``membership``), competing risks from one uniform per member,
   standings moved by ``treaty.membership.step_array``, notice due dates by ``Model.notice_due_at``;
   council suspension and reinstatement; renewal windows; momentum;
7. ``accede``: applications (none to a treaty that has ended), the council's invitations
   (``accession.p_invite``), ratifications, admission.

No Python loop runs over runs or states; the only loop is over the scenario's alliances (one or
two). Every random number comes from a named counter-based stream at a named slot
(``Month.draw``, ``engine.streams``), so a run's draws do not depend on its chunk, and variants
share exogenous draws.

Most cells change little in a month, so the step keeps books that spare it passes over the whole
chunk, without changing a result: a tally of the runs in which each state has each standing
(``ChunkState.tally``, kept by every move) says which states to look at for frozen members,
notices, applicants and the like, and gives the monthly standing counts; crises and requests are
lists of cells; the margin of staying is computed only where a hazard needs it, state-major
(``_column_features``); votes are cast only in the columns of states that can vote in some run.
Every quantity is elementwise, so each cell gets the same value it would
on the whole chunk (``tests/engine/test_sparse_bookkeeping.py``, the pinned baseline).

Parameters per run. Where the runs carry parameter draws (``Model.draws``), a chunk is still one
pass: ``ChunkState.params`` holds each run's draw's values, and each phase hands a mechanism
``st.params.rows(cells' runs, trailing axes)`` -- the values aligned to the rows it computes on (a
cell, a request, a run; ``runs_last()`` for state-major columns). Without draws it is
``Model.params`` itself, plain scalars, and ``rows`` returns it unchanged
(``tests/engine/test_run_parameters.py``: one pass equals each draw's runs simulated alone).

States' own effects. Where a pooled calibration gives each state an effect on the hazards of
leaving (``Model.leave_shift``, per draw and state), ``ChunkState.leave_shift`` holds each run's
row (R, N), and the membership phase hands the hazards of notice, of denouncing and of not renewing
``membership.with_intercept(values, the cells' effects)``: the likelihood's shift, the same
function. Without effects it is None and nothing is added (the pinned baseline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from foedus import features
from foedus.chronology import month_start
from foedus.engine.compile import NO_MONTH, Model
from foedus.engine.streams import run_states, stream_key, uniforms
from foedus.model import accession, contagion, credibility, crises, decision, dissolution, membership, requests
from foedus.model.parameters import Parameters, RunParameters
from foedus.model.timeline import NO_CRISIS
from foedus.treaty.membership import (MEMBER_STANDINGS, VOTING_STANDINGS, Action, Standing, awaited_ratifications,
                                      step_array)
from foedus.treaty.procedure import council_answer

S = Standing
#: The named random streams of a month, one per kind of draw (``Month.draw``; ``engine.streams``).
STREAMS = ("dissolution", "crises", "requests", "decision", "membership", "council", "renewal", "accession",
           "ratification")
_VOTING = tuple(sorted(VOTING_STANDINGS))
_IS_VOTING = np.isin(np.arange(len(S)), _VOTING)   # lookup by standing code: cheaper than np.isin each month
_IS_MEMBER = np.isin(np.arange(len(S)), sorted(MEMBER_STANDINGS))
_EXITS = np.array([S.frozen, S.notice, S.withdrawn, S.suspended, S.expelled], dtype=np.int8)

# per-run counters (focus alliance)
COUNTERS = ("requests", "honoured_full", "honoured_part", "refused", "exits", "freezes", "notices", "returns",
            "accessions", "alliance_ends")
C = {k: i for i, k in enumerate(COUNTERS)}


@dataclass
class ChunkState:
    runs: np.ndarray          # (R,) global run numbers
    standing: np.ndarray      # (R, A, N) int8
    since: np.ndarray         # (R, A, N) int32: month index of the last change of standing
    notice_due: np.ndarray    # (R, A, N) int32
    cred_a: np.ndarray        # (R, A, N)
    cred_b: np.ndarray
    momentum: np.ndarray      # (R, A)
    invited_by: np.ndarray    # (R, A, N, N) bool
    ratified: np.ndarray      # (R, A, N, N) bool
    first_exit: np.ndarray    # (R, N) int16: focus alliance, months after start, -1 none
    counts: np.ndarray        # (R, len(COUNTERS)) int32
    ended: np.ndarray         # (R, A) int16: the month (after the start) the treaty ended in the run, -1 not
    tally: np.ndarray         # (A, N, len(Standing)) int64: runs in which each state has each standing
    draw: np.ndarray          # (R,) each run's parameter draw (``Model.draws``; 0: the model's parameters)
    #: the runs' parameters: ``Model.params`` (scalars) or, with draws, each run's draw's values;
    #: ``params.rows(...)`` aligns them to the rows a mechanism computes on
    params: Parameters | RunParameters
    #: (R, N) each run's states' effects on the hazards of leaving (``Model.leave_shift`` of the run's
    #: draw); None: none
    leave_shift: np.ndarray | None = None


@dataclass
class MonthRecord:
    """What the summaries need from a month, for the focus alliance: arrays (R, N)."""

    standing: np.ndarray
    credibility: np.ndarray
    outcome: np.ndarray       # int8: -1 no request, else decision.DEPLOYED/LIMITED/REFUSED
    crisis: np.ndarray        # int8 crisis code, -1 none (any alliance)
    standing_counts: np.ndarray   # (N, len(Standing)): runs per state and standing (the tally)
    crisis_states: np.ndarray     # the state of each of the month's crises (the cells of ``crisis``)
    request_states: np.ndarray    # the state and outcome of each request (the cells of ``outcome``)
    request_outcomes: np.ndarray


def initial_state(model: Model, runs: np.ndarray) -> ChunkState:
    runs = np.asarray(runs, dtype=np.int64)
    R = len(runs)
    rep = lambda x: np.repeat(x[None], R, axis=0)  # noqa: E731
    A, N = model.standing0.shape
    tally = np.zeros((A, N, len(S)), np.int64)
    tally[np.arange(A)[:, None], np.arange(N)[None, :], model.standing0] = R
    dr = model.draws
    if dr is None:
        draw, params = np.zeros(R, np.int64), model.params
        cred_a, cred_b, momentum = rep(model.cred_a0), rep(model.cred_b0), rep(model.momentum0)
    else:   # each run starts from its draw's beliefs and momentum
        draw = dr.of(runs)
        params = RunParameters(dr.params, draw)
        cred_a, cred_b, momentum = dr.cred_a0[draw], dr.cred_b0[draw], dr.momentum0[draw]
    return ChunkState(
        runs=runs, standing=rep(model.standing0), since=rep(model.since0),
        notice_due=rep(model.notice_due0), cred_a=cred_a.astype(float), cred_b=cred_b.astype(float),
        momentum=momentum.astype(float), invited_by=rep(model.invited_by0), ratified=rep(model.ratified0),
        first_exit=np.full((R, model.n_states), -1, np.int16), counts=np.zeros((R, len(COUNTERS)), np.int32),
        ended=np.full((R, A), -1, np.int16), tally=tally, draw=draw, params=params,
        leave_shift=None if model.leave_shift is None else model.leave_shift[draw],
    )


_NONE = (np.zeros(0, np.int64), np.zeros(0, np.int64))


def _cells(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a (runs, states) mask, in the same order, through ``flatnonzero`` (several
    times faster on 2-D masks)."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


def _cells_cols(mask: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_cells` of a mask over the columns ``cols`` (sorted) of a (runs, states) array: the
    cells in the same row-major order, with their state numbers. (Columns are gathered with
    ``take(cols, axis=1)``, which gives a C-ordered array; ``x[:, cols]`` gives a Fortran-ordered
    one, which every later row-major pass copies.)"""
    r, j = np.divmod(np.flatnonzero(mask), len(cols))
    return r, cols[j]


def _has(st: ChunkState, a: int, *standings: Standing) -> np.ndarray:
    """(states,) bool: which states have one of ``standings`` in alliance ``a`` in some run of the chunk."""
    tal = st.tally[a]
    has = tal[:, int(standings[0])] > 0
    for s in standings[1:]:
        has |= tal[:, int(s)] > 0
    return has


def _cols(st: ChunkState, a: int, *standings: Standing) -> np.ndarray:
    """The states (sorted) that have one of ``standings`` in alliance ``a`` in some run of the chunk."""
    return np.flatnonzero(_has(st, a, *standings))


def _cells_of(st: ChunkState, a: int, standing: Standing, among: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The (run, state) cells of alliance ``a`` in ``standing``, in row-major order: found in the
    columns where the chunk's tally has that standing (``among``, a boolean mask over the states,
    narrows them further), not by a pass over the whole chunk."""
    has = _has(st, a, standing)
    if among is not None:
        has &= among
    c = np.flatnonzero(has)
    if not len(c):
        return _NONE
    S_a = st.standing[:, a, :]
    if 2 * len(c) > len(has):   # a gather of many columns costs more than a pass over all
        mask = S_a == standing
        if among is not None and len(c) < len(has):
            mask &= has
        return _cells(mask)
    return _cells_cols(S_a.take(c, axis=1) == standing, c)


def _move_cells(st: ChunkState, a: int, action: Action, r: np.ndarray, i: np.ndarray, m: int):
    """Apply a treaty action through ``step_array`` to the proposed (run, state) cells of alliance
    ``a`` (distinct cells); returns the cells moved. The tally follows every move."""
    if not len(r):
        return r, i
    S_a = st.standing[:, a, :]
    old = S_a[r, i]
    new, ok = step_array(old, int(action), np.ones(len(r), bool))
    if not ok.all():
        r, i, old, new = r[ok], i[ok], old[ok], new[ok]
    if len(r):
        S_a[r, i] = new
        st.since[:, a, :][r, i] = m
        np.subtract.at(st.tally[a], (i, old), 1)
        np.add.at(st.tally[a], (i, new), 1)
    return r, i


def _move(st: ChunkState, a: int, action: Action, where: np.ndarray, m: int) -> np.ndarray:
    """:func:`_move_cells` on the cells of a (runs, states) mask; returns the moves made as a mask."""
    if not where.any():
        return where
    r, i = _move_cells(st, a, action, *_cells(where), m)
    moved = np.zeros(where.shape, bool)
    moved[r, i] = True
    return moved


def _add_rows(x: np.ndarray, rows: np.ndarray, d: np.ndarray) -> None:
    """``np.add.at(x, rows, d)`` for sorted ``rows``, bit for bit, many times faster: the rows are
    added in rounds -- each row's first request, then its second, ... -- so each round's rows are
    distinct (a plain indexed ``+=``) and each row gets its additions in the same order."""
    if not len(rows):
        return
    again = rows[1:] == rows[:-1]
    if not again.any():   # one request per row, the usual case: one indexed ``+=``
        x[rows] += d
        return
    first = np.flatnonzero(np.concatenate(([True], ~again)))
    k = np.arange(len(rows)) - np.repeat(first, np.diff(first, append=len(rows)))   # which request of its row
    for j in range(int(k.max()) + 1):
        sel = k == j
        x[rows[sel]] += d[sel]


def _count(st: ChunkState, name: str, r: np.ndarray) -> None:
    """Add one to the per-run counter ``name`` for each of the runs ``r`` (repeats count again)."""
    if len(r):   # a count per run (integers: the order of the additions does not matter)
        st.counts[:, C[name]] += np.bincount(r, minlength=len(st.counts)).astype(st.counts.dtype)


def _cat(*cells) -> tuple[np.ndarray, np.ndarray]:
    cells = [c for c in cells if len(c[0])]
    if not cells:
        return _NONE
    if len(cells) == 1:
        return cells[0]
    return np.concatenate([c[0] for c in cells]), np.concatenate([c[1] for c in cells])


def member_features(model: Model, st: ChunkState, t: int, a: int, cred=None) -> membership.MemberFeatures:
    """The membership mechanism's features for every run and state of alliance ``a`` in month ``t``
    (after the month's credibility updates, as the step uses them): ``features.member_features``
    on the chunk's state."""
    if cred is None:
        cred = credibility.mean(st.cred_a[:, a, :], st.cred_b[:, a, :])
    return features.member_features(model.terms, model.tl, model.leader[a], t, np.arange(model.n_states), cred,
                                    st.momentum[:, a][:, None], st.standing[:, a, :] == S.frozen, _members(st, a)[:, None])


def _members(st: ChunkState, a: int) -> np.ndarray:
    """(R,) each run's members of alliance ``a`` (active, frozen, under notice): momentum's share."""
    return _IS_MEMBER[st.standing[:, a, :]].sum(1)


def _column_features(model: Model, st: ChunkState, t: int, a: int, cred, cols, members) -> membership.MemberFeatures:
    """:func:`member_features` of the states ``cols``, state-major: arrays (states, runs), the
    per-state terms as (states, 1), momentum as (1, runs), without ``frozen``; ``cred`` None: the
    beliefs' means computed on those columns only. The same values cell by cell; the layout keeps
    the long axis (runs) innermost, where numpy broadcasts a per-state term many times faster than
    along a short last axis of states. ``members``: each run's members (:func:`_members`)."""
    c = cred.T[cols] if cred is not None else credibility.mean(st.cred_a[:, a, :].T[cols], st.cred_b[:, a, :].T[cols])
    return features.member_features(model.terms, model.tl, model.leader[a], t, cols[:, None], c,
                                    st.momentum[:, a][None, :], members=members[None, :])


def _cell_features(model: Model, st: ChunkState, t: int, a: int, cred, r, i, members) -> membership.MemberFeatures:
    """:func:`member_features` of the (run, state) cells ``r``, ``i`` alone, as 1-D arrays (without
    ``frozen``; ``cred`` None: the beliefs' means of those cells only): the same values cell by cell.
    ``members``: each run's members (:func:`_members`), read at the cells' runs."""
    c = cred[r, i] if cred is not None else credibility.mean(st.cred_a[r, a, i], st.cred_b[r, a, i])
    return features.member_features(model.terms, model.tl, model.leader[a], t, i, c, st.momentum[r, a],
                                    members=members[r])


def _crises(model: Model, st: ChunkState, mo: Month) -> tuple[np.ndarray, ...]:
    """The month's crises as cells: (runs, victims, types, aggressors, severities, shared), in row-major
    order; drawn from the sources (the most severe per victim), then the timeline's injected
    crises, which replace any drawn crisis of their victim in every run."""
    p, tl, R, N, t = st.params.rows(None, 1), model.tl, len(st.runs), model.n_states, mo.t
    K, J = len(model.src_rate), len(model.sh_rate)
    fr_, fk_, us = _NONE[0], _NONE[1], np.zeros(0)
    if K:
        u = mo.draw("crises", model.crisis_slots)   # (R, 2K): one call
        rate = model.src_rate if model.src_rate_per_run is None else model.src_rate_per_run[st.runs]
        fired = u[:, :K] < crises.p_arrival(p, rate, tl.threat[t][model.src_victim], model.src_type)   # (R, K)
        fr_, fk_ = np.divmod(np.flatnonzero(fired), K)   # the sources that fired, in the order of fired's cells
        us = u[fr_, K + fk_]
    if J:   # shared sources: one event exposes several states with one severity (crises.shared_cells)
        u = mo.draw("crises", model.sh_slots)   # (R, 2J)
        fired = u[:, :J] < crises.p_shared(p, model.sh_rate, crises.exposed_threat(tl.threat[t], model.sh_exposed))
        sr, sj = np.divmod(np.flatnonzero(fired), J)
        sr, sk, su = crises.shared_cells(sr, sj, u[sr, J + sj], model.sh_pairs)
        fr_, fk_, us = np.concatenate([fr_, sr]), np.concatenate([fk_, K + sk]), np.concatenate([us, su])
    sev = crises.severity(st.params.rows(fr_), us)   # the severity of each fired source's crisis, in its run
    cr, ci, ck, sev = crises.select_sparse(fr_, fk_, sev, model.origin_victim, N)
    ctype, caggr, shared = model.origin_type[ck], model.origin_aggressor[ck], ck >= K
    inj = tl.crisis_type[t] >= 0
    if inj.any():
        keep = ~inj[ci]
        jc = np.flatnonzero(inj)
        jr, jv = np.repeat(np.arange(R), len(jc)), np.tile(jc, R)
        cr, ci = np.concatenate([cr[keep], jr]), np.concatenate([ci[keep], jv])
        ctype = np.concatenate([ctype[keep], tl.crisis_type[t][jv].astype(np.int8)])
        caggr = np.concatenate([caggr[keep], tl.crisis_aggressor[t][jv].astype(np.int64)])
        sev = np.concatenate([sev[keep], tl.crisis_severity[t][jv]])
        shared = np.concatenate([shared[keep], np.zeros(len(jv), bool)])
        o = np.argsort(cr * N + ci, kind="stable")
        cr, ci, ctype, caggr, sev, shared = cr[o], ci[o], ctype[o], caggr[o], sev[o], shared[o]
    return cr, ci, ctype, caggr, sev, shared


@dataclass
class Month:
    """One month in the making: where it is (month ``t`` after the start, calendar month ``m``), its
    random streams, and what a phase leaves for the next ones and for the month's record."""

    t: int
    m: int
    date: dt.date
    keys: "Streams"
    runs: np.ndarray
    exits: list = field(default_factory=list)   # cells of the focus alliance that left (withdrew, froze, ...)
    crises: tuple = ()                           # (runs, victims, types, aggressors, severities, shared) as cells
    crisis: np.ndarray | None = None             # (R, N) crisis codes, -1 none
    requests: dict = field(default_factory=dict)   # alliance -> (runs, victims, types, aggressors, severities) that asked
    outcome: np.ndarray | None = None            # (R, N) the focus alliance's answers, -1 no request
    request_states: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    request_outcomes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    credibility: np.ndarray | None = None        # (R, N) the focus alliance's beliefs' means at the membership phase

    def draw(self, stream: str, slots: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Uniforms of the named ``stream`` at the named ``slots`` (``engine.streams``) for the runs
        ``rows`` (positions in the chunk; all runs if None): (runs, slots), or one slot per row where
        ``slots`` has one row per run."""
        runs = self.runs if rows is None else self.runs[rows]
        return uniforms(run_states(self.keys[stream], self.m, runs), slots)


class Streams(dict):
    """The keys of the named random streams of a seed (``engine.streams.stream_key``), made on first use."""

    def __init__(self, seed: int):
        super().__init__()
        self.seed = seed

    def __missing__(self, name: str) -> np.uint64:
        key = self[name] = stream_key(self.seed, name)
        return key


def keys_for(seed: int) -> Streams:
    return Streams(seed)


# -- 0. treaty calendar ----------------------------------------------------------------------------
def _end_treaty(model: Model, st: ChunkState, mo: Month, a: int, runs: np.ndarray) -> None:
    """The treaty ends in the ``runs`` (a boolean mask): every party, signatory and candidate leaves
    by the treaty's end (``Action.end``: not a defection, no momentum), nothing is owed after it."""
    runs &= st.ended[:, a] < 0
    if not runs.any():
        return
    S_a = st.standing[:, a, :]
    endable = np.isin(S_a, (S.active, S.frozen, S.notice, S.suspended, S.signatory, S.applicant, S.invited))
    r, i = _move_cells(st, a, Action.end, *_cells(endable & runs[:, None]), mo.m)
    st.notice_due[:, a, :][r, i] = NO_MONTH
    st.ended[runs, a] = mo.t
    if a == model.focus:
        _count(st, "alliance_ends", np.flatnonzero(runs))


def _term_end(model: Model, st: ChunkState, mo: Month, a: int) -> None:
    """The end of a term (``Model.term_end``): a term that does not renew ends the treaty in every
    run; one that renews tacitly runs on for the parties that did not denounce it in time (their
    notices fell due this month), and ends the treaty where fewer than two parties remain."""
    if not model.term_end[a, mo.t]:
        return
    if model.expires[a]:
        _end_treaty(model, st, mo, a, np.ones(len(st.runs), bool))
        return
    parties = np.isin(st.standing[:, a, :], (S.active, S.frozen, S.notice, S.suspended)).sum(1)
    _end_treaty(model, st, mo, a, parties < 2)


_PARTIES = np.isin(np.arange(len(S)), [S.active, S.frozen, S.notice, S.suspended])


def _dissolve(model: Model, st: ChunkState, mo: Month, a: int) -> None:
    """The parties end the alliance (``dissolution.p_dissolve``) in the runs where it is in force
    and was in force the month before, outside a month in which a term ends or a renewal window
    falls (the calendar's and the members' own decisions: ``_term_end``, ``_renewal``)."""
    if mo.m <= model.in_force_month[a] or model.term_end[a, mo.t] or model.renewal[a, mo.t]:
        return
    alive = st.ended[:, a] < 0
    if not alive.any():
        return
    parties = _PARTIES[st.standing[:, a, :]]
    spending = (model.terms.milex if model.terms.milex is not None else np.zeros(model.n_states)) * model.tl.capability[mo.t]
    f = dissolution.alliance_features(parties, spending, mo.m - model.in_force_month[a],
                                      dissolution.organised_in(mo.m, model.organisation_month[a]))
    u = mo.draw("dissolution", model.end_slots[a:a + 1])[:, 0]
    _end_treaty(model, st, mo, a, alive & (u < dissolution.p_dissolve(st.params, f)))


def treaty_calendar(model: Model, st: ChunkState, mo: Month) -> None:
    """The parties' ending of the alliance (:func:`_dissolve`); entry into force; notices that fall
    due take effect (``Action.withdraw``); the end of a term that expires or renews tacitly
    (:func:`_term_end`)."""
    for a in range(len(model.alliances)):
        _dissolve(model, st, mo, a)
        if mo.m == model.in_force_month[a]:
            _move(st, a, Action.in_force, st.standing[:, a, :] == S.signatory, mo.m)
        r, i = _cells_of(st, a, S.notice)
        if len(r):
            d = st.notice_due[:, a, :][r, i]
            due = (d != NO_MONTH) & (d <= mo.m)
            if due.any():
                r, i = _move_cells(st, a, Action.withdraw, r[due], i[due], mo.m)
                st.notice_due[:, a, :][r, i] = NO_MONTH
                if a == model.focus:
                    mo.exits.append((r, i))
                    _count(st, "exits", r)
        _term_end(model, st, mo, a)


# -- 2. crises -------------------------------------------------------------------------------------
def draw_crises(model: Model, st: ChunkState, mo: Month) -> None:
    """The month's crises (:func:`_crises`; the timeline of step 1 is compiled in advance)."""
    mo.crises = _crises(model, st, mo)
    cr, ci, c_type = mo.crises[:3]
    mo.crisis = np.full((len(st.runs), model.n_states), NO_CRISIS, np.int8)
    mo.crisis[cr, ci] = c_type
    mo.outcome = np.full((len(st.runs), model.n_states), -1, np.int8)


# -- 3. requests -----------------------------------------------------------------------------------
def make_requests(model: Model, st: ChunkState, mo: Month) -> None:
    """Members in a standing that may invoke the alliance ask with ``requests.p_request``, on their
    beliefs before the month's outcomes."""
    cr, ci, c_type, c_aggr, c_sev, c_shared = mo.crises
    for a in range(len(model.alliances)):
        sv = st.standing[:, a, :][cr, ci]
        ok = (sv == S.active) | (sv == S.notice)
        ri, vi, kt, ka, ks, sh = cr[ok], ci[ok], c_type[ok], c_aggr[ok], c_sev[ok], c_shared[ok]
        if len(ri):
            u = mo.draw("requests", model.state_slots[a][vi][:, None], ri)[:, 0]
            # the victims' credibility only (the same division, cell by cell)
            cred_v = credibility.mean(st.cred_a[:, a, :][ri, vi], st.cred_b[:, a, :][ri, vi])
            power = requests.power_share(model.terms.milex, vi, int(model.leader[a]))
            asked = u < requests.p_request(st.params.rows(ri), kt, ks, cred_v, power, sh)
            ri, vi, kt, ka, ks = ri[asked], vi[asked], kt[asked], ka[asked], ks[asked]
        mo.requests[a] = (ri, vi, kt, ka, ks)


# -- 4. decision -----------------------------------------------------------------------------------
def _decision_features(model: Model, st: ChunkState, mo: Month, a: int, V: np.ndarray) -> decision.DecisionFeatures:
    """The decision mechanism's features of alliance ``a``'s requests (``features.decision_features``
    on the requests' runs), over the voters' columns ``V``."""
    ri, vi, kt, ka, ks = mo.requests[a]
    tl = model.tl
    spare = tl.capability[mo.t] * (1.0 - tl.committed[mo.t])
    return features.decision_features(
        model.alliances[a], mo.date, model.affinity, model.regime, spare, int(model.patron[a]), model.in_area[a],
        st.standing[:, a, :][ri], V, vi, ka, kt, ks, tl.salience[mo.t][vi], model.abstention[a, mo.t])


def decide(model: Model, st: ChunkState, mo: Month) -> None:
    """The request's shared shock, votes at the deploy and limited levels given it; the council's answer by the treaty's procedure
    (``treaty.procedure.council_answer``); the victim and the observers update their beliefs."""
    N = model.n_states
    for a in range(len(model.alliances)):
        ri, vi, kt, ka, ks = mo.requests[a]
        if not len(ri):
            continue
        p = st.params.rows(ri)   # each request's run's values: (K,) ...
        pc = st.params.rows(ri, 1)   # ... and (K, 1) against the members' columns
        # votes only in the columns of the states that can vote in some run of the chunk (the
        # tally's voting standings): elsewhere nobody is eligible, and a vote that is not
        # eligible counts for nothing; elementwise, so the same votes where they count
        V = _cols(st, a, *_VOTING)
        if 4 * len(V) > 3 * N:
            V = np.arange(N)
        feats = _decision_features(model, st, mo, a, V)
        u = mo.draw("decision", model.vote_slots[a][vi], ri)   # (K, 2N)
        z = decision.shock(p, mo.draw("decision", model.shock_slots[a][vi][:, None], ri)[:, 0])   # one per request
        py, _, pn = decision.vote_probs(p, "deploy", feats, z)
        v_d = decision.votes_from_uniforms(py, pn, u.take(V, axis=1))
        py, _, pn = decision.vote_probs(p, "limited", feats, z)
        v_l = decision.votes_from_uniforms(py, pn, u.take(N + V, axis=1))
        out = council_answer(v_d, v_l, feats.eligible, feats.patron, feats.abstention, kt == decision.THREAT)
        # 5. credibility: updates
        is_v = np.zeros((len(ri), N), bool)
        is_v[np.arange(len(ri)), vi] = True
        da, db = credibility.increments(pc, out[:, None], credibility.weights(pc, is_v, feats.salience[:, None]),
                                         (kt == decision.THREAT)[:, None])
        _add_rows(st.cred_a[:, a, :], ri, da)
        _add_rows(st.cred_b[:, a, :], ri, db)
        if a == model.focus:
            mo.outcome[ri, vi] = out
            mo.request_states, mo.request_outcomes = vi, out
            _count(st, "requests", ri)
            _count(st, "honoured_full", ri[out == decision.DEPLOYED])
            _count(st, "honoured_part", ri[out == decision.LIMITED])
            _count(st, "refused", ri[out == decision.REFUSED])


# -- 5. credibility: decay -------------------------------------------------------------------------
def decay_beliefs(model: Model, st: ChunkState, mo: Month) -> None:
    """All beliefs decay towards the prior."""
    credibility.decay_inplace(st.params.rows(None, 2), st.cred_a, st.cred_b)   # (R, A, N)


# -- 6. membership ---------------------------------------------------------------------------------
def _choices(model: Model, st: ChunkState, mo: Month, a: int, cred, u) -> dict:
    """Each member's choice from its hazards (``membership``, competing risks from one uniform ``u``):
    the cells that freeze or give notice, and the frozen members and those under notice with theirs."""
    P, (R, N) = st.params, u.shape   # P.rows(...): the runs' values aligned to the cells at hand
    S_a = st.standing[:, a, :]
    pat = int(model.patron[a])
    can_notice = bool(model.can_notice[a])
    # the margin z where a hazard needs it, and nowhere else; it is elementwise, so the same
    # values whichever cells it is computed on. Active members (the patron apart): on the whole
    # chunk when most states have them, else on the columns of the states active in at least half
    # of the runs and cell by cell elsewhere; frozen members and those under notice cell by cell.
    n_act = st.tally[a][:, S.active] * (np.arange(N) != pat)
    dense = np.flatnonzero(2 * n_act >= R)
    whole = 3 * len(dense) > 2 * N
    cols = np.arange(N) if whole else dense
    froze_c = notice_c = act_c = _NONE
    members = _members(st, a)   # (R,) momentum's share, counted once for the columns and the cells
    if len(cols):   # state-major (states, runs) arrays: see _column_features
        pr = P.runs_last()   # (1, R)
        z = membership.margin(pr, _column_features(model, st, mo.t, a, cred, cols, members))
        inactive = S_a.T[cols] != S.active
        if pat >= 0 and whole:
            inactive[pat] = True
        shift = None if st.leave_shift is None else st.leave_shift.T[cols]   # (cols, R)
        ch = membership.choose_active(membership.with_intercept(pr, shift), z, u.T[cols], inactive, can_notice)
        j, r = np.divmod(np.flatnonzero(ch == 0), R)
        froze_c = r, cols[j]
        j, r = np.divmod(np.flatnonzero(ch == 1), R)
        notice_c = r, cols[j]
    if not whole:
        act_c = _cells_of(st, a, S.active, (n_act > 0) & (2 * n_act < R))
    fr, fn = _cells_of(st, a, S.frozen)
    nr, nn = _cells_of(st, a, S.notice)
    zr, zi = _cat(act_c, (fr, fn), (nr, nn))
    zc = membership.margin(P.rows(zr), _cell_features(model, st, mo.t, a, cred, zr, zi, members)) if len(zr) else np.zeros(0)
    k1, k2 = len(act_c[0]), len(act_c[0]) + len(fr)
    if k1:   # active members outside those columns
        ch = membership.choose_active(_leaving(st, P.rows(act_c[0]), act_c), zc[:k1], u[act_c], np.zeros(k1, bool),
                                      can_notice)
        froze_c = _cat(froze_c, (act_c[0][ch == 0], act_c[1][ch == 0]))
        notice_c = _cat(notice_c, (act_c[0][ch == 1], act_c[1][ch == 1]))
    # frozen (the patron never leaves: it stays frozen), under notice
    zf, zn = zc[k1:k2], zc[k2:]
    fpat = fn == pat
    ch_f = np.full(len(fr), -1, np.int8)
    if (~fpat).any():
        cells = fr[~fpat], fn[~fpat]
        p_notice, p_return = membership.frozen_hazards(_leaving(st, P.rows(cells[0]), cells), zf[~fpat], can_notice)
        ch_f[~fpat] = membership.choose(u[fr[~fpat], fn[~fpat]], p_notice, p_return)
    ch_n = np.full(len(nr), -1, np.int8)
    if len(nr):
        ch_n[:] = membership.choose(u[nr, nn], membership.p_revoke(P.rows(nr), zn))
    return dict(froze=froze_c, notice=notice_c, frozen=(fr, fn), ch_f=ch_f, under_notice=(nr, nn), ch_n=ch_n)


def _leaving(st: ChunkState, p, cells: tuple[np.ndarray, np.ndarray]):
    """The parameters ``p`` of the (run, state) ``cells`` with each cell's state effect on the hazards
    of leaving (``membership.with_intercept``; ``p`` itself without effects)."""
    return p if st.leave_shift is None else membership.with_intercept(p, st.leave_shift[cells])


def _council(model: Model, st: ChunkState, mo: Month, a: int, ch: dict) -> tuple:
    """Where the council may suspend: it suspends frozen members that stayed (``membership.p_suspend``)
    and reinstates suspended ones; the cells of each."""
    if not model.suspension[a, mo.t]:
        return _NONE, _NONE
    fr, fn = ch["frozen"]
    stay = ch["ch_f"] < 0
    sfr, sfn = fr[stay], fn[stay]
    sr, sn = _cells_of(st, a, S.suspended)
    cr_, cn_ = _cat((sfr, sfn), (sr, sn))
    if not len(cr_):
        return _NONE, _NONE
    uc = mo.draw("council", model.state_slots[a][cn_][:, None], cr_)[:, 0]
    k = len(sfr)
    hit_f = uc[:k] < membership.p_suspend(st.params.rows(sfr), mo.m - st.since[:, a, :][sfr, sfn])
    hit_s = uc[k:] < membership.p_reinstate(st.params.rows(sr), (len(sr),))
    return (sfr[hit_f], sfn[hit_f]), (sr[hit_s], sn[hit_s])


def _renewal(model: Model, st: ChunkState, mo: Month, a: int, cred) -> tuple:
    """At a renewal window, active and frozen members (the patron apart) leave with ``membership.p_lapse``."""
    if not model.renewal[a, mo.t]:
        return _NONE
    S_a = st.standing[:, a, :]
    ua = mo.draw("renewal", model.state_slots[a])
    may = ((S_a == S.active) | (S_a == S.frozen)) & (np.arange(model.n_states) != model.patron[a])
    p = membership.with_intercept(st.params.rows(None, 1), st.leave_shift)   # (R, N) with the states' effects
    lapse = may & (ua < membership.p_lapse(p, member_features(model, st, mo.t, a, cred)))
    return _move_cells(st, a, Action.lapse, *_cells(lapse), mo.m)


def weigh_membership(model: Model, st: ChunkState, mo: Month) -> None:
    """Hazards, competing risks from one uniform per member, standings moved by the treaty's
    transitions, notice due dates by ``Model.notice_due_at``; the council's suspensions; renewal windows;
    momentum."""
    R, N, f = len(st.runs), model.n_states, model.focus
    dm = membership.momentum_decay(st.params)   # (R,) with draws
    for a in range(len(model.alliances)):
        # beliefs' means: on the whole chunk for the focus alliance (its record), elsewhere only where
        # a margin needs them (_column_features, _cell_features: the same division, cell by cell)
        cred = credibility.mean(st.cred_a[:, a, :], st.cred_b[:, a, :]) if a == f else None
        if a == f:
            mo.credibility = cred
        ch = _choices(model, st, mo, a, cred, mo.draw("membership", model.state_slots[a]))
        suspend_c, reinstate_c = _council(model, st, mo, a, ch)
        (fr, fn), ch_f, (nr, nn), ch_n = ch["frozen"], ch["ch_f"], ch["under_notice"], ch["ch_n"]
        froze = _move_cells(st, a, Action.freeze, *ch["froze"], mo.m)
        # where the treaty has no way out, an active member's way out is a denunciation (membership.p_denounce)
        denounced = _NONE if model.can_notice[a] else _move_cells(st, a, Action.denounce, *ch["notice"], mo.m)
        leaving = ch["notice"] if model.can_notice[a] else _NONE
        noticed = _move_cells(st, a, Action.notice, *_cat(leaving, (fr[ch_f == 0], fn[ch_f == 0])), mo.m)
        returned = _move_cells(st, a, Action.unfreeze, fr[ch_f == 1], fn[ch_f == 1], mo.m)
        revoked = _move_cells(st, a, Action.revoke_notice, nr[ch_n == 0], nn[ch_n == 0], mo.m)
        suspended = _move_cells(st, a, Action.suspend, *suspend_c, mo.m)
        _move_cells(st, a, Action.reinstate, *reinstate_c, mo.m)
        nd = st.notice_due[:, a, :]
        if len(noticed[0]):
            nd[noticed] = model.notice_due_at[a, mo.t]
        nd[_cat(revoked, suspended)] = NO_MONTH
        lapsed = _renewal(model, st, mo, a, cred)
        defections = _cat(froze, noticed, suspended, lapsed, denounced)
        if len(lapsed[0]) and len(defections[0]):   # a member that froze this month may also have lapsed
            defections = np.divmod(np.unique(defections[0] * N + defections[1]), N)
        st.momentum[:, a] = st.momentum[:, a] * dm + np.bincount(defections[0], minlength=R)
        if a == f:
            mo.exits.append(defections)
            _count(st, "freezes", froze[0])
            _count(st, "notices", noticed[0])
            _count(st, "returns", returned[0])
            _count(st, "exits", lapsed[0])
            _count(st, "exits", denounced[0])


# -- 7. accession ----------------------------------------------------------------------------------
def _invitations(model: Model, st: ChunkState, mo: Month, a: int) -> None:
    """Applications, and the council's invitations (``accession.p_invite``)."""
    S_a = st.standing[:, a, :]
    cols = _cols(st, a, S.outside, S.withdrawn)
    cols = cols[cols != model.patron[a]]
    if len(cols):   # only the states that are outside in some run: the same draws, fewer of them
        ua = mo.draw("accession", model.state_slots[a][cols])
        align = model.affinity[cols, model.leader[a]]
        sub = S_a.take(cols, axis=1)
        applies = ((sub == S.outside) | (sub == S.withdrawn)) & (ua < accession.p_apply(
            st.params.rows(None, 1), align, model.tl.threat[mo.t][cols], model.terms.outside[cols] + model.tl.outside[mo.t][cols]))
        applies &= (st.ended[:, a] < 0)[:, None]   # nobody joins a treaty that has ended
        applies &= ~((sub == S.withdrawn) & (st.since[:, a, :].take(cols, axis=1) == mo.m))   # nor in the month it left
        _move_cells(st, a, Action.apply, *_cells_cols(applies, cols), mo.m)
    ri, ii = _cells_of(st, a, S.applicant)
    if len(ri):
        voters = _IS_VOTING[st.standing[:, a, :][ri]]
        voters[np.arange(len(ri)), ii] = False
        # the council decides as one body (``accession.p_invite``): one uniform per applicant, at
        # its own slot of the invitation stream (not the application's)
        u = mo.draw("accession", model.invite_slots[a][ii, ii][:, None], ri)[:, 0]
        aff = accession.council_affinity(model.affinity[ii], voters)
        ok = voters.any(1) & (u < accession.p_invite(st.params.rows(ri), aff, model.tl.threat[mo.t][ii]))
        _move_cells(st, a, Action.invite, ri[ok], ii[ok], mo.m)
        st.invited_by[ri[ok], a, ii[ok], :] = voters[ok]
        st.ratified[ri[ok], a, ii[ok], :] = False


def accede(model: Model, st: ChunkState, mo: Month) -> None:
    """Applications, the council's invitations, ratifications, admission."""
    for a in range(len(model.alliances)):
        if not model.admission[a] or mo.m < model.in_force_month[a]:
            continue
        _invitations(model, st, mo, a)
        ri, ii = _cells_of(st, a, S.invited)
        if len(ri):
            # only the members that invited it and are still in have a say (the replay's rule)
            members_now = st.standing[ri, a, :]
            pending = awaited_ratifications(st.invited_by[ri, a, ii, :], st.ratified[ri, a, ii, :], members_now)
            u = mo.draw("ratification", model.ratify_slots[a][ii], ri)
            pr = accession.p_ratify(st.params.rows(ri, 1), model.affinity[ii], model.grievance[:, ii].T)
            st.ratified[ri, a, ii, :] |= pending & (u < pr)
            done = ~awaited_ratifications(st.invited_by[ri, a, ii, :], st.ratified[ri, a, ii, :], members_now).any(1)
            admitted = _move_cells(st, a, Action.admit, ri[done], ii[done], mo.m)
            if a == model.focus:
                _count(st, "accessions", admitted[0])


#: The month, in order: each phase a function ``(model, chunk state, month)`` (DESIGN, "one month per step").
PHASES = (treaty_calendar, draw_crises, contagion.spread_unrest, make_requests, decide, decay_beliefs, weigh_membership,
          accede)


def step(model: Model, st: ChunkState, t: int, keys: Streams) -> MonthRecord:
    """One month of every run of the chunk: the :data:`PHASES` in order."""
    m = model.start_month + t
    mo = Month(t=t, m=m, date=month_start(m), keys=keys, runs=st.runs)
    for phase in PHASES:
        phase(model, st, mo)
    r, i = _cat(*mo.exits)
    first = st.first_exit[r, i] < 0
    st.first_exit[r[first], i[first]] = t
    f = model.focus
    return MonthRecord(standing=st.standing[:, f, :].copy(), credibility=mo.credibility,
                       outcome=mo.outcome, crisis=mo.crisis, standing_counts=st.tally[f].copy(),
                       crisis_states=mo.crises[1], request_states=mo.request_states, request_outcomes=mo.request_outcomes)


def run_months(model: Model, runs: np.ndarray, seed: int, observer=None) -> ChunkState:
    """Simulate ``model.months`` months for the given global run numbers. ``observer(t, record, state)``
    is called after each month (summaries, tests, traces)."""
    st = initial_state(model, runs)
    keys = keys_for(seed)
    for t in range(model.months):
        rec = step(model, st, t, keys)
        if observer is not None:
            observer(t, rec, st)
    return st
