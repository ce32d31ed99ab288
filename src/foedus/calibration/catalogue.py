"""The decisions of the ATOP catalogue, for the pooled fit (docs/calibration.md, "Pooled fit").

ATOP records who entered an alliance and when each member left, not requests, freezes or notices.
So an ATOP alliance adds three kinds of decision to the likelihood, scored by the same functions as
the CSTO's and NATO's records (``membership.hazards``, ``membership.category_probs``,
``membership.p_lapse``):

- ``member:exit`` -- each month of an active member other than the leading one: stays a member, or
  gives notice. A freeze is not recorded, so its probability counts as staying (the competing
  risks of ``category_probs``, with the freeze column added to the stay column). A member that
  left by a deliberate act (ATOP's exit by the treaty's procedure, a denunciation outside it, an
  exit whose codes do not say how) decided in the month its notice would have to be given to take
  effect on the recorded date (``features.notice_due_month``); the months under notice after that
  are not member-months. A member of a treaty that gives no way out (no withdrawal clause, no
  tacit renewal) left by denouncing it, in the month of its exit (``membership.p_denounce``, the
  same column). An exit at a renewal window is a lapse (``renewal``, as the CSTO's of 1999); a
  member that ceased to be a state did not choose. An exit the engine cannot make -- the leading
  member's (the engine's patron never leaves its own alliance), or one no notice could have made
  on its date -- is left out, and counted in :attr:`CatalogueDecisions.left_out`.
- ``renewal`` -- at a renewal window, each member renews or lapses (``observations``, unchanged).
- ``dissolution`` -- each month of the cell the alliance is in force, it continues or its parties
  end it (``dissolution.p_dissolve``; ``observations._alliance_months``): ATOP's end of the
  alliance, where it is not the end of a term the converted treaty states.

Each alliance-decade is built from the scenario the retrodiction simulates for it
(``catalogue.convert.to_scenario`` for the decade's first year: the provisions in force, COW
capabilities, the leading member), so the fit sees the features the engine sees. Only the fitted
half of the catalogue is read: an alliance held out by ``retrodiction.catalogue.held_out`` never
reaches the fit (:func:`decisions` refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from foedus.calibration.observations import KINDS, AllianceRecord, Observations, Rows, build_alliance
from foedus.chronology import month_index
from foedus.errors import ArgumentError
from foedus.features import notice_due_month
from foedus.scenario.schema import EventType
from foedus.treaty.membership import Standing

#: The record events by which a member chose to leave (a ``cease`` is not a choice).
LEAVING = (EventType.exit, EventType.denounce)


@dataclass(frozen=True)
class CatalogueDecisions:
    observations: Observations
    alliances: tuple[int, ...]     # ATOP numbers read
    cells: int                     # alliance-decades
    exits: int                     # exits scored as a notice, a denunciation or a lapse
    left_out: int                  # exits no notice could have made on their date
    skipped: tuple[str, ...]       # cells the converter could not make, with why


def decision_month(alliance, exit_month: int) -> int | None:
    """The last month in which a notice takes effect by ``exit_month`` (None: the treaty has no
    way out then)."""
    for m in range(exit_month, exit_month - 601, -1):
        due = notice_due_month(alliance, m)
        if due < 0:
            return None
        if due <= exit_month:
            return m
    return None


def _leavers(files, aid: str, flags) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]], list[int]]:
    """{(state, month decided): month left} for the exits scored as a notice; the (state, month)
    of exits at a renewal window; the months of the exits left out."""
    al = next(a for a in files.alliances if a.id == aid)
    idx = {s.iso3: i for i, s in enumerate(files.states)}
    notices, lapses, left_out = {}, set(), []
    for e in files.events:
        if e.alliance != aid or e.type not in LEAVING or (e.type == EventType.denounce and not e.in_effect):
            continue
        em = month_index(e.date)
        for s in e.actors:
            if idx[s] == flags.patron:   # the engine's patron never leaves its own alliance
                left_out.append(em)
                continue
            if em in flags.renewal_months:
                lapses.add((idx[s], em))
                continue
            # no way out: the member denounced the treaty that month (``membership.p_denounce``)
            dm = decision_month(al, em) if flags.can_notice else em
            if dm is None:
                left_out.append(em)
            else:
                notices[(idx[s], dm)] = em
    return notices, lapses, left_out


def cell_record(files, start, stop, group: str) -> tuple[AllianceRecord, int, int]:
    """The ``member:exit`` and ``renewal`` decisions of one alliance-decade; with the number of
    exits scored and left out in it."""
    aid = files.scenario.focus
    rec = build_alliance(files, aid)
    notices, lapses, left_out = _leavers(files, aid, rec.flags)
    m0, m1 = month_index(start), month_index(stop)
    under_notice = np.zeros(len(rec.mm_state), bool)
    y = np.zeros(len(rec.mm_state), np.int64)
    for (i, dm), em in notices.items():
        of = rec.mm_state == i
        under_notice |= of & (rec.mm_month > dm) & (rec.mm_month <= em)
        y[of & (rec.mm_month == dm)] = 1
    keep = (rec.mm_standing == Standing.active) & (rec.mm_month >= m0) & (rec.mm_month <= m1) & ~under_notice
    new_row = np.cumsum(keep) - 1
    active_rows = rec.rows["member:active"]
    pos = np.flatnonzero(rec.mm_standing == Standing.active)       # member:active row k is mm row pos[k]
    sel = keep[pos]
    what = active_rows.what[sel].copy()
    left = y[pos][sel] == 1
    way = "notice" if rec.flags.can_notice else "denounces the treaty"
    what[left] = [w.rsplit(": ", 1)[0] + f": {way}" for w in what[left]]
    exit_rows = Rows("member:exit", y[pos][sel], active_rows.known[sel], active_rows.alliance[sel],
                     active_rows.actor[sel], what)
    rw_keep = keep[rec.rw_row] if len(rec.rw_row) else np.zeros(0, bool)
    rw = rec.rows["renewal"]
    rows = {k: Rows(k, np.zeros(0, np.int64), np.zeros(0, "datetime64[D]"), *(np.zeros(0, object),) * 3) for k in KINDS}
    rows["member:exit"] = exit_rows
    rows["renewal"] = Rows("renewal", rw.y[rw_keep], rw.known[rw_keep], rw.alliance[rw_keep], rw.actor[rw_keep],
                           rw.what[rw_keep])
    am = _alliance_month_rows(rec, m0, m1)
    rows["dissolution"] = _take(rec.rows["dissolution"], am)
    # the decisions to leave are defections, as the engine's notices are (momentum)
    dm_all = np.array(sorted(dm for _, dm in notices) + sorted(m for _, m in lapses), dtype=np.int64)
    out = replace(rec, mm_state=rec.mm_state[keep], mm_month=rec.mm_month[keep], mm_standing=rec.mm_standing[keep],
                  mm_members=rec.mm_members[keep],
                  rw_row=new_row[rec.rw_row[rw_keep]] if len(rec.rw_row) else rec.rw_row,
                  cf_months=np.zeros(0), cf_row=np.zeros(0, np.int64),
                  def_month=np.concatenate([rec.def_month, dm_all]),
                  def_count=np.concatenate([rec.def_count, np.ones(len(dm_all))]),
                  rows=rows, group=group, cache={}, am_month=rec.am_month[am], am_age=rec.am_age[am],
                  am_members=rec.am_members[am], am_share=rec.am_share[am],
                  am_organised=rec.am_organised[am],
                  # scored here: the exits and the renewals alone (ATOP records no crises, requests,
                  # applications or ratifications of the kinds the CSTO's and NATO's records hold)
                  cr_type=np.zeros(0, np.int64), rq_state=np.zeros(0, np.int64), ap_alignment=np.zeros(0),
                  iv_affinity=np.zeros(0), rt_affinity=np.zeros(0))
    scored = sum(1 for (_, dm) in notices if m0 <= dm <= m1) + sum(1 for (_, m) in lapses if m0 <= m <= m1)
    return out, scored, sum(1 for m in left_out if m0 <= m <= m1)


def _alliance_month_rows(rec: AllianceRecord, m0: int, m1: int) -> np.ndarray:
    """The cell's ``dissolution`` rows: its months, and the month of the alliance's end where the
    cell stops the day before it (an end on the first of a month falls in the month after the cell)."""
    y = rec.rows["dissolution"].y
    return ((rec.am_month >= m0) & (rec.am_month <= m1)) | ((y == 1) & (rec.am_month == m1 + 1))


def _take(r: Rows, sel: np.ndarray) -> Rows:
    return Rows(r.kind, r.y[sel], r.known[sel], r.alliance[sel], r.actor[sel], r.what[sel])


def fitted_alliances(since: int = 1945, min_members: int = 3, obligation: str | None = "defense",
                     atopids: tuple[int, ...] | None = None, recorded: frozenset[int] = frozenset()) -> list:
    """The ATOP alliances :func:`decisions` reads: never one of the held-out half."""
    from foedus.catalogue import catalogue
    from foedus.retrodiction.catalogue import held_out, pacts

    cat = catalogue()
    chosen = pacts(cat, since, min_members, obligation, "fitted") if atopids is None else [cat.alliance(a) for a in atopids]
    for al in chosen:
        if held_out(al.atopid):
            raise ArgumentError("atopids", "alliances of the fitted half (docs/retrodiction.md: held out if "
                                "crc32(b'atop-' + id) is odd)", al.atopid)
    return [al for al in chosen if al.atopid not in recorded]


def decisions(since: int = 1945, min_members: int = 3, obligation: str | None = "defense",
              atopids: tuple[int, ...] | None = None, recorded: frozenset[int] = frozenset()) -> CatalogueDecisions:
    """The decisions of the fitted half of the catalogue's alliances (the retrodiction's selection:
    ``retrodiction.catalogue.pacts``), or of the alliances ``atopids`` -- each of which must be in
    the fitted half. ``recorded``: ATOP numbers of alliances whose detailed record the fit reads
    already (the CSTO's ``atop_id`` 4220, NATO's 3180), left out so that no move counts twice."""
    from foedus.catalogue import DataQuirk, catalogue, to_scenario
    from foedus.retrodiction.catalogue import decades

    cat = catalogue()
    chosen = fitted_alliances(since, min_members, obligation, atopids, recorded)
    recs, skipped, exits, left_out, cells = [], [], 0, 0, 0
    for al in chosen:
        for start, stop, _ in decades(al):
            try:
                files = to_scenario(al.atopid, start.year, cat)
            except DataQuirk as exc:
                skipped.append(f"atop-{al.atopid} {start.year}: {exc}")
                continue
            rec, n, lo = cell_record(files, start, stop, f"atop-{al.atopid}")
            recs.append(rec)
            cells += 1
            exits += n
            left_out += lo
    return CatalogueDecisions(Observations(tuple(recs)), tuple(al.atopid for al in chosen), cells, exits, left_out,
                              tuple(skipped))


def opt_in(al) -> bool:
    """An ATOP treaty of a fixed term renewed by the parties' new agreement in some phase (the
    converter's ``Term(renewal="opt_in")``: ATOP ``speclgth`` 1, ``length`` > 0, ``proren`` 1)."""
    return any(r.codes.get("speclgth") == 1 and (r.codes.get("length") or 0) > 0 and r.codes.get("proren") == 1
               for r in al.rows)


def renewal_decisions(since: int = 1815, min_members: int = 2, exclude: frozenset[int] = frozenset()) -> Observations:
    """The ``renewal`` rows alone (each member renews or lapses at a window) of every alliance of the
    fitted half since ``since`` whose treaty renews by the parties' new agreement, whatever its
    obligation (none of the post-1945 defence pacts does): the renewal rule fitted across alliances,
    not on the CSTO's one window of 1999. ``exclude``: ATOP numbers read already."""
    from foedus.catalogue import DataQuirk, catalogue, to_scenario
    from foedus.retrodiction.catalogue import decades

    cat = catalogue()
    recs = []
    for al in fitted_alliances(since, min_members, None):
        if al.atopid in exclude or not opt_in(al):
            continue
        for start, stop, _ in decades(al):
            try:
                files = to_scenario(al.atopid, start.year, cat)
            except DataQuirk:
                continue
            rec, _, _ = cell_record(files, start, stop, f"atop-{al.atopid}")
            if not len(rec.rows["renewal"].y):
                continue
            rows = {k: _take(r, np.zeros(len(r.y), bool)) if k != "renewal" else r for k, r in rec.rows.items()}
            recs.append(replace(rec, rows=rows, am_month=rec.am_month[:0], am_age=rec.am_age[:0],
                                am_members=rec.am_members[:0], am_share=rec.am_share[:0],
                                am_organised=rec.am_organised[:0]))
    return Observations(tuple(recs))

