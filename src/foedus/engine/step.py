"""One month of the model over all runs of a chunk: a fixed sequence of array operations.

Order within a month (month ``t`` after the start, calendar month ``m``):

0. treaty calendar: entry into force; notices that fall due take effect (``Action.withdraw``);
1. timeline: the month's committed shares, capability factors, outside-option shifts, threat and
   salience multipliers (compiled in advance);
2. crises: arrivals per source, severity, the most severe per victim; injected crises override;
3. requests: members in a standing that may invoke the alliance ask with ``requests.p_request``;
4. decision: votes at the deploy and limited levels, ``treaty.procedure.passes`` with the
   procedure in force, the patron's consent for a deployment;
5. credibility: the victim and the observers update; all beliefs decay towards the prior;
6. membership: hazards (``membership.hazards``), competing risks from one uniform per member,
   standings moved by ``treaty.membership.step_array``, notice due dates by ``notice_due``;
   council suspension and reinstatement; renewal windows; momentum;
7. accession: applications, invitations by consensus, ratifications, admission.

No Python loop runs over runs or states; the only loop is over the scenario's alliances (one or
two). Random numbers come from named counter-based streams (``engine.streams``), so a run's
draws do not depend on its chunk, and variants share exogenous draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foedus.chronology import month_start
from foedus.engine.compile import NO_MONTH, Model
from foedus.engine.streams import run_states, stream_key, uniforms
from foedus.model import accession, credibility, crises, decision, membership, requests
from foedus.model.timeline import NO_CRISIS
from foedus.treaty.membership import VOTING_STANDINGS, Action, Standing, awaited_ratifications, notice_due, step_array
from foedus.treaty.obligations import casus_foederis_array
from foedus.treaty.procedure import NO, YES, passes

S = Standing
STREAMS = ("crises", "requests", "decision", "membership", "council", "accession")
_VOTING = np.array(sorted(VOTING_STANDINGS), dtype=np.int8)
_IS_VOTING = np.isin(np.arange(len(S)), _VOTING)   # lookup by standing code: cheaper than np.isin each month
_EXITS = np.array([S.frozen, S.notice, S.withdrawn, S.suspended, S.expelled], dtype=np.int8)

# per-run counters (focus alliance)
COUNTERS = ("requests", "honoured_full", "honoured_part", "refused", "exits", "freezes", "notices", "returns",
            "accessions")
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


@dataclass
class MonthRecord:
    """What the summaries need from a month, for the focus alliance: arrays (R, N)."""

    standing: np.ndarray
    credibility: np.ndarray
    outcome: np.ndarray       # int8: -1 no request, else decision.DEPLOYED/LIMITED/REFUSED
    crisis: np.ndarray        # int8 crisis code, -1 none (any alliance)


def initial_state(model: Model, runs: np.ndarray) -> ChunkState:
    R = len(runs)
    rep = lambda x: np.repeat(x[None], R, axis=0)  # noqa: E731
    return ChunkState(
        runs=np.asarray(runs, dtype=np.int64), standing=rep(model.standing0), since=rep(model.since0),
        notice_due=rep(model.notice_due0), cred_a=rep(model.cred_a0).astype(float), cred_b=rep(model.cred_b0).astype(float),
        momentum=rep(model.momentum0).astype(float), invited_by=rep(model.invited_by0), ratified=rep(model.ratified0),
        first_exit=np.full((R, model.n_states), -1, np.int16), counts=np.zeros((R, len(COUNTERS)), np.int32),
    )


def keys_for(seed: int) -> dict[str, np.uint64]:
    return {name: stream_key(seed, name) for name in STREAMS}


def _cells(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a (runs, states) mask, in the same order, through ``flatnonzero`` (several
    times faster on 2-D masks)."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


def _row_counts(mask: np.ndarray) -> np.ndarray:
    """``mask.sum(1)`` for a sparse (runs, states) mask, through its few true cells (a row sum over
    the whole chunk costs more than the moves themselves)."""
    return np.bincount(np.flatnonzero(mask) // mask.shape[1], minlength=mask.shape[0])


def _move(st: ChunkState, a: int, action: Action, where: np.ndarray, m: int) -> np.ndarray:
    """Apply a treaty action through ``step_array`` for alliance ``a``; returns the moves made.
    The rules are looked up on the proposed cells only (a few a month), not on the whole chunk."""
    if not where.any():
        return where
    r, i = _cells(where)
    S_a = st.standing[:, a, :]
    new, ok = step_array(S_a[r, i], int(action), np.ones(len(r), bool))
    r, i = r[ok], i[ok]
    S_a[r, i] = new[ok]
    st.since[:, a, :][r, i] = m
    moved = np.zeros(where.shape, bool)
    moved[r, i] = True
    return moved


def member_features(model: Model, st: ChunkState, t: int, a: int, cred=None) -> membership.MemberFeatures:
    """The membership mechanism's features for every run and state of alliance ``a`` in month ``t``
    (after the month's credibility updates, as the step uses them)."""
    tl = model.tl
    spare = tl.capability[t] * (1.0 - tl.committed[t])
    if cred is None:
        cred = credibility.mean(st.cred_a[:, a, :], st.cred_b[:, a, :])
    return membership.MemberFeatures(
        credibility=cred, threat=tl.threat[t],
        patron_spare=spare[model.leader[a]], regime=model.regime, ties=model.ties, autonomy=model.autonomy,
        outside=model.outside + tl.outside[t], exit_cost=model.exit_cost, momentum=st.momentum[:, a][:, None],
        frozen=st.standing[:, a, :] == S.frozen)


def step(model: Model, st: ChunkState, t: int, keys: dict[str, np.uint64]) -> MonthRecord:
    p = model.params
    m = model.start_month + t
    date = month_start(m)
    R, A, N = st.standing.shape
    runs = st.runs
    f = model.focus
    exits_now = np.zeros((R, N), bool)

    # 0. treaty calendar ------------------------------------------------------------------
    for a in range(A):
        if m == model.in_force_month[a]:
            _move(st, a, Action.in_force, st.standing[:, a, :] == S.signatory, m)
        due = (st.standing[:, a, :] == S.notice) & (st.notice_due[:, a, :] != NO_MONTH) & (st.notice_due[:, a, :] <= m)
        if due.any():
            moved = _move(st, a, Action.withdraw, due, m)
            st.notice_due[:, a, :][moved] = NO_MONTH
            if a == f:
                exits_now |= moved
                st.counts[:, C["exits"]] += _row_counts(moved).astype(np.int32)

    # 1. timeline -------------------------------------------------------------------------
    tl = model.tl
    threat, salience = tl.threat[t], tl.salience[t]
    spare = tl.capability[t] * (1.0 - tl.committed[t])                  # (N,)
    outside = model.outside + tl.outside[t]

    # 2. crises ---------------------------------------------------------------------------
    K = len(model.src_rate)
    if K:
        u = uniforms(run_states(keys["crises"], m, runs), model.crisis_slots)   # (R, 2K): one call
        fired = u[:, :K] < crises.p_arrival(p, model.src_rate, threat[model.src_victim])
        fr_, fk_ = np.divmod(np.flatnonzero(fired), K)   # the sources that fired, in the order of fired's cells
        src, sev = crises.select_cells(fr_, fk_, crises.severity(p, u[fr_, K + fk_]), model.victim_of, R)
        # the month's crises, cell by cell where a source fired (a few cells in a hundred)
        cr_, ci_ = _cells(src >= 0)
        ctype = np.full((R, N), NO_CRISIS, np.int8)
        ctype[cr_, ci_] = model.src_type[src[cr_, ci_]]
        caggr = np.full((R, N), -1, np.int64)
        caggr[cr_, ci_] = model.src_aggressor[src[cr_, ci_]]
    else:
        ctype = np.full((R, N), NO_CRISIS, np.int8)
        caggr = np.full((R, N), -1, np.int64)
        sev = np.zeros((R, N))
    inj = tl.crisis_type[t] >= 0
    if inj.any():
        ctype = np.where(inj, tl.crisis_type[t], ctype).astype(np.int8)
        caggr = np.where(inj, tl.crisis_aggressor[t], caggr)
        sev = np.where(inj, tl.crisis_severity[t], sev)

    crisis_cells = _cells(ctype >= 0)
    outcome_f = np.full((R, N), -1, np.int8)
    for a in range(A):
        S_a = st.standing[:, a, :]

        # 3. requests -----------------------------------------------------------------------
        ri, vi = crisis_cells
        ok = (S_a[ri, vi] == S.active) | (S_a[ri, vi] == S.notice)
        ri, vi = ri[ok], vi[ok]
        if len(ri):
            u = uniforms(run_states(keys["requests"], m, runs[ri]), model.state_slots[a][vi][:, None])[:, 0]
            # the victims' credibility only (the same division, cell by cell)
            cred_v = credibility.mean(st.cred_a[:, a, :][ri, vi], st.cred_b[:, a, :][ri, vi])
            asked = u < requests.p_request(p, ctype[ri, vi], sev[ri, vi], cred_v)
            ri, vi = ri[asked], vi[asked]
        if len(ri):
            # 4. decision -------------------------------------------------------------------
            kt, ka, ks = ctype[ri, vi], caggr[ri, vi], sev[ri, vi]
            Sk = S_a[ri]                                                    # (K, N)
            agg_st = np.where(ka >= 0, Sk[np.arange(len(ri)), np.maximum(ka, 0)], int(S.outside))
            covered = casus_foederis_array(model.alliances[a], date, S_a[ri, vi], agg_st, kt, model.in_area[a][vi])
            eligible = _IS_VOTING[Sk]
            eligible[np.arange(len(ri)), vi] = False
            patron = np.zeros_like(eligible)
            if model.patron[a] >= 0:
                patron[:, model.patron[a]] = True
            patron &= eligible
            abst = bool(model.abstention[a, t])
            feats = decision.DecisionFeatures(
                covered=covered, crisis_type=kt, severity=ks, salience=salience[vi],
                aff_victim=model.affinity[vi], aff_aggressor=np.where((ka >= 0)[:, None], model.affinity[np.maximum(ka, 0)], 0.0),
                regime_member=np.broadcast_to(model.regime, Sk.shape), regime_victim=model.regime[vi],
                spare=np.broadcast_to(spare, Sk.shape), eligible=eligible, frozen=Sk == S.frozen, patron=patron,
                abstention=np.full(len(ri), abst))
            u = uniforms(run_states(keys["decision"], m, runs[ri]), model.vote_slots[a][vi])   # (K, 2N)
            py, _, pn = decision.vote_probs(p, "deploy", feats)
            v_d = decision.votes_from_uniforms(py, pn, u[:, :N])
            py, _, pn = decision.vote_probs(p, "limited", feats)
            v_l = decision.votes_from_uniforms(py, pn, u[:, N:])
            consent = np.where(patron.any(1), (np.where(patron, v_d, NO) == YES).any(1), True)
            deployed = (kt != decision.THREAT) & passes(v_d, eligible, abst) & consent
            limited = ~deployed & passes(v_l, eligible, abst)
            out = np.where(deployed, decision.DEPLOYED, np.where(limited, decision.LIMITED, decision.REFUSED))

            # 5. credibility: updates -------------------------------------------------------
            is_v = np.zeros((len(ri), N), bool)
            is_v[np.arange(len(ri)), vi] = True
            da, db = credibility.increments(p, out[:, None], credibility.weights(p, is_v, salience[vi][:, None]),
                                             (kt == decision.THREAT)[:, None])
            np.add.at(st.cred_a[:, a, :], ri, da)
            np.add.at(st.cred_b[:, a, :], ri, db)
            if a == f:
                outcome_f[ri, vi] = out
                for name, mask in (("requests", None), ("honoured_full", out == decision.DEPLOYED),
                                   ("honoured_part", out == decision.LIMITED), ("refused", out == decision.REFUSED)):
                    np.add.at(st.counts[:, C[name]], ri if mask is None else ri[mask], 1)
    # 5. credibility: decay
    credibility.decay_inplace(p, st.cred_a, st.cred_b)

    # 6. membership -----------------------------------------------------------------------
    dm = membership.momentum_decay(p)
    for a in range(A):
        S_a = st.standing[:, a, :]
        cred = credibility.mean(st.cred_a[:, a, :], st.cred_b[:, a, :])
        if a == f:
            cred_f = cred
        not_patron = np.ones(N, bool)
        if model.patron[a] >= 0:
            not_patron[model.patron[a]] = False
        frozen = S_a == S.frozen
        feats = member_features(model, st, t, a, cred)
        z = membership.margin_engine(p, feats)
        u = uniforms(run_states(keys["membership"], m, runs), model.state_slots[a])          # (R, N)
        can_notice = model.notice_months[a] >= 0
        inactive = S_a != S.active
        if model.patron[a] >= 0:
            inactive[:, model.patron[a]] = True
        # active members' hazards on the whole chunk: a cell not active (states outside in every run
        # included) gets -1 whatever its hazards, and the hazards are per cell, so the choices are those
        # of the active cells alone
        ch_active = membership.choose_active(p, z, u, inactive, can_notice)
        # frozen, under notice, suspended: few cells; handled sparsely (same uniforms, cell by cell)
        ch_frozen = np.full((R, N), -1, np.int8)
        ch_notice = np.full((R, N), -1, np.int8)
        suspend = np.zeros((R, N), bool)
        reinstate = np.zeros((R, N), bool)
        fr, fn = _cells(frozen & not_patron)
        if len(fr):   # the same hazards, evaluated on the frozen cells only
            hz = membership.hazards_from_margin(p, z[fr, fn], True)
            ch_frozen[fr, fn] = membership.choose(u[fr, fn], hz.p_notice * can_notice, hz.p_return)
        nr, nn = _cells(S_a == S.notice)
        if len(nr):
            hz = membership.hazards_from_margin(p, z[nr, nn], False)
            ch_notice[nr, nn] = membership.choose(u[nr, nn], hz.p_revoke)
        if model.suspension[a, t]:
            cr, cn = _cells((frozen & (ch_frozen < 0)) | (S_a == S.suspended))
            if len(cr):
                uc = uniforms(run_states(keys["council"], m, runs[cr]), model.state_slots[a][cn][:, None])[:, 0]
                is_frozen = S_a[cr, cn] == S.frozen
                p_council = np.where(is_frozen, membership.p_suspend(p, m - st.since[:, a, :][cr, cn], z[cr, cn]),
                                     membership.p_reinstate(p, cr.shape))
                hit = uc < p_council
                suspend[cr[hit & is_frozen], cn[hit & is_frozen]] = True
                reinstate[cr[hit & ~is_frozen], cn[hit & ~is_frozen]] = True

        froze = _move(st, a, Action.freeze, ch_active == 0, m)
        noticed = _move(st, a, Action.notice, (ch_active == 1) | (ch_frozen == 0), m)
        returned = _move(st, a, Action.unfreeze, ch_frozen == 1, m)
        revoked = _move(st, a, Action.revoke_notice, ch_notice == 0, m)
        suspended = _move(st, a, Action.suspend, suspend, m)
        _move(st, a, Action.reinstate, reinstate, m)
        nd = st.notice_due[:, a, :]
        nd[noticed] = notice_due(m, int(model.notice_months[a]), int(model.earliest_month[a]) if model.earliest_month[a] >= 0 else None)
        nd[revoked | suspended] = NO_MONTH
        lapsed = np.zeros((R, N), bool)
        if model.renewal[a, t]:
            S_a = st.standing[:, a, :]
            ua = uniforms(run_states(keys["council"], m, runs), model.state_slots[a] ^ np.uint64(0x5A5A))
            lapsed = _move(st, a, Action.lapse, ((S_a == S.active) | (S_a == S.frozen)) & not_patron
                           & (ua < membership.p_lapse(p, feats)), m)
        defections = froze | noticed | suspended | lapsed
        st.momentum[:, a] = st.momentum[:, a] * dm + _row_counts(defections)
        if a == f:
            exits_now |= defections
            for name, moved in (("freezes", froze), ("notices", noticed), ("returns", returned), ("exits", lapsed)):
                st.counts[:, C[name]] += _row_counts(moved).astype(np.int32)

        # 7. accession ----------------------------------------------------------------------
        if not model.admission[a] or m < model.in_force_month[a]:
            continue
        S_a = st.standing[:, a, :]
        out_ = ((S_a == S.outside) | (S_a == S.withdrawn)) & not_patron
        cols = np.nonzero(out_.any(0))[0]
        if len(cols):   # only the states that are outside in some run: the same draws, fewer of them
            ua = uniforms(run_states(keys["accession"], m, runs), model.state_slots[a][cols])
            align = model.affinity[cols, model.leader[a]]
            applies = np.zeros((R, N), bool)
            applies[:, cols] = out_[:, cols] & (ua < accession.p_apply(p, align, threat[cols]))
            _move(st, a, Action.apply, applies, m)
        ri, ii = _cells(st.standing[:, a, :] == S.applicant)
        if len(ri):
            voters = _IS_VOTING[st.standing[:, a, :][ri]]
            voters[np.arange(len(ri)), ii] = False
            u = uniforms(run_states(keys["accession"], m, runs[ri]), model.invite_slots[a][ii])
            votes = np.where(u < accession.p_invite_vote(p, model.affinity[ii]), YES, NO)
            ok = passes(votes, voters, bool(model.abstention[a, t]))
            inv = np.zeros((R, N), bool)
            inv[ri[ok], ii[ok]] = True
            _move(st, a, Action.invite, inv, m)
            st.invited_by[ri[ok], a, ii[ok], :] = voters[ok]
            st.ratified[ri[ok], a, ii[ok], :] = False
        ri, ii = _cells(st.standing[:, a, :] == S.invited)
        if len(ri):
            # only the members that invited it and are still in have a say (the replay's rule)
            members_now = st.standing[ri, a, :]
            pending = awaited_ratifications(st.invited_by[ri, a, ii, :], st.ratified[ri, a, ii, :], members_now)
            u = uniforms(run_states(keys["accession"], m + 100_000, runs[ri]), model.ratify_slots[a][ii])
            pr = accession.p_ratify(p, model.affinity[ii], model.grievance[:, ii].T)
            st.ratified[ri, a, ii, :] |= pending & (u < pr)
            done = ~awaited_ratifications(st.invited_by[ri, a, ii, :], st.ratified[ri, a, ii, :], members_now).any(1)
            adm = np.zeros((R, N), bool)
            adm[ri[done], ii[done]] = True
            admitted = _move(st, a, Action.admit, adm, m)
            if a == f:
                st.counts[:, C["accessions"]] += _row_counts(admitted).astype(np.int32)

    first = exits_now & (st.first_exit < 0)
    st.first_exit[first] = t
    return MonthRecord(standing=st.standing[:, f, :].copy(), credibility=cred_f,
                       outcome=outcome_f, crisis=ctype)


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
