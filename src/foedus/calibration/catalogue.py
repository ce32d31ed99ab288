"""The decisions of the ATOP catalogue, for the pooled fit (docs/calibration.md, "Pooled fit").

ATOP records who entered an alliance and when each member left, not requests, freezes or notices.
So an ATOP alliance adds two kinds of decision to the likelihood, scored by the same functions as
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
    # the decisions to leave are defections, as the engine's notices are (momentum)
    dm_all = np.array(sorted(dm for _, dm in notices) + sorted(m for _, m in lapses), dtype=np.int64)
    out = replace(rec, mm_state=rec.mm_state[keep], mm_month=rec.mm_month[keep], mm_standing=rec.mm_standing[keep],
                  rw_row=new_row[rec.rw_row[rw_keep]] if len(rec.rw_row) else rec.rw_row,
                  cf_months=np.zeros(0), cf_row=np.zeros(0, np.int64),
                  def_month=np.concatenate([rec.def_month, dm_all]),
                  def_count=np.concatenate([rec.def_count, np.ones(len(dm_all))]),
                  rows=rows, group=group, cache={},
                  # scored here: the exits and the renewals alone (ATOP records no crises, requests,
                  # applications or ratifications of the kinds the CSTO's and NATO's records hold)
                  cr_type=np.zeros(0, np.int64), rq_state=np.zeros(0, np.int64), ap_alignment=np.zeros(0),
                  iv_affinity=np.zeros(0), rt_affinity=np.zeros(0))
    scored = sum(1 for (_, dm) in notices if m0 <= dm <= m1) + sum(1 for (_, m) in lapses if m0 <= m <= m1)
    return out, scored, sum(1 for m in left_out if m0 <= m <= m1)


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
