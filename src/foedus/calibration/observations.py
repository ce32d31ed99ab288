"""The decision table: every decision the behavioural model represents, taken from the replayed
record, with the real state at the time of the decision.

DESIGN, "Calibration without simulation noise": replay the real ledger; at each decision the
model represents compute its probability of what actually happened, given the real state then.
This module extracts the decisions and their features once; :mod:`foedus.calibration.likelihood`
turns them into probabilities for any parameter values (cheaply: everything that depends on the
parameters — beliefs, momentum, votes — is recomputed there from arrays built here).

Decisions, by kind (each a categorical outcome):

- ``member:active`` / ``member:frozen`` / ``member:notice`` — a member-month of a member other than
  the patron, in the standing it holds at the membership step of the month (``engine.step`` step
  6: after the treaty calendar — entry into force, notices falling due — and before accession):
  stay / freeze / notice; stay / notice / return; stay / revoke. A month in which the council
  suspends a frozen member, or in which a member leaves at a renewal window, is a month in which
  the member itself chose to stay.
- ``council:frozen`` / ``council:suspended`` — where the treaty lets the council suspend (CSTO from
  June 2004), each month a member that was frozen at the start of the month and chose to stay is
  suspended by the council, or not (Uzbekistan, December 2012, six months after its note; Armenia,
  frozen since February 2024, not); a suspended member is reinstated, or not. The hazard changes with
  the months frozen (``membership.p_suspend``), so the record's
  suspension has a probability.
- ``renewal`` — at a renewal window, each active or frozen member other than the patron renews or
  lapses (1999: Azerbaijan, Georgia, Uzbekistan did not renew).
- ``crisis`` — each month, each member and each kind of crisis the scenario's sources give it
  (victim and type, the rates of its sources summed): a crisis of that type on the record
  (a request, a consultation, the first actor of a clash, a ``crisis`` without a request), or
  none (category 0, as a month in which nothing moves). Crises on the record that no source can produce (the United States, 11 September 2001)
  are left out: the engine cannot draw them either. A crisis the record names as part of a shared
  crisis is the shared source's, not the member's own.
- ``crisis:shared`` — each month and each shared crisis source of the scenario (``behaviour.toml``
  ``[[shared_crisis]]``), while one of its exposed states is a member: the record's events of that
  shared crisis in the month, or none.
- ``request`` — a member in a standing that may invoke the alliance suffers a crisis the record
  names (a request, a consultation, an armed clash between members, a ``crisis`` in which the
  member did not ask: Armenia in the Karabakh war of 2020, Britain after Salisbury): it asks, or not. Severity is
  not recorded: the likelihood integrates over the model's severity law. The rows of one shared
  crisis (its events in one month: one row per exposed member) form a group, ``rq_group``: one
  severity for all of them, so the likelihood scores their joint arrival.
- ``outcome:request`` / ``outcome:consultation`` — the council's answer: deployed / limited / refused
  (a consultation held counts as limited help, as ``credibility`` counts it).
- ``application`` — from January 1992 (:data:`APPLICATIONS_SINCE`), each month a state of the
  scenario outside the alliance (or a former member), the patron apart, applies, or not; an
  accession or a return recorded without an application counts as one in its month (Czechia,
  Hungary and Poland 1999; Uzbekistan's return to the CSTO, 2006).
- ``invitation`` — each month a state is an applicant (the month of its application included, as
  the engine's accession phase has it), the council invites it, or not (NATO: the Membership Action
  Plan's aspirants of 1999 and 2002, Montenegro 2009-15, North Macedonia 1999-2018, Finland and
  Sweden 2022).
- ``ratification`` — each month an invited applicant waits on a member that has not ratified: the
  member ratifies, or not (Finland 2022-23, Sweden 2022-24; accessions recorded without their
  ratifications, as the earlier enlargements are, give no rows).

What the model does not represent is left out: the crises that nobody reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np

from foedus.chronology import month_index, month_start
from foedus.features import (
    Terms,
    TreatyFlags,
    abstention_on,
    council_may_suspend,
    decision_features,
    terms,
    treaty_flags,
)
from foedus.errors import ScenarioError
from foedus.model import crises
from foedus.model.accession import council_affinity
from foedus.model.dissolution import alliance_features, organised_in
from foedus.model.timeline import CRISIS_CODES, Series, series
from foedus.scenario.known import CRISIS_EVENTS as _CRISIS_EVENTS, current
from foedus.scenario.schema import CrisisType, EventType, ScenarioFiles, ends_alliance
from foedus.treaty.membership import BOUND_STANDINGS, MEMBER_STANDINGS, VOTING_STANDINGS, Standing

S = Standing
_NAMES = {s.name: s for s in Standing}
#: Category labels of each decision kind; ``y`` indexes into them.
LABELS: dict[str, tuple[str, ...]] = {
    "member:active": ("stay", "freeze", "notice"),
    "member:frozen": ("stay", "notice", "return"),
    "member:notice": ("stay", "revoke"),
    # an ATOP member-month: ATOP records exits, not freezes, so a freeze counts as staying a member
    "member:exit": ("stay", "notice"),
    "council:frozen": ("stay", "suspend"),
    "council:suspended": ("stay", "reinstate"),
    "renewal": ("renew", "lapse"),
    "crisis": ("none", "crisis"),
    "crisis:shared": ("none", "crisis"),
    "request": ("ask", "no request"),
    "outcome:request": ("deployed", "limited", "refused"),
    "outcome:consultation": ("deployed", "limited", "refused"),
    "application": ("stay out", "apply"),
    "invitation": ("wait", "invite"),
    "ratification": ("wait", "ratify"),
    "dissolution": ("continues", "ends"),
}
KINDS = tuple(LABELS)
_OUTCOME_CODE = {"deployed": 0, "limited": 1, "consulted": 1, "refused": 2}
#: The first month of the ``application`` rows: the scenarios' affinities and threats describe the
#: states after the Cold War (before it, most of NATO's later members were in the Warsaw Pact).
APPLICATIONS_SINCE = dt.date(1992, 1, 1)
#: Recorded event types that count as defections for momentum (``membership.momentum_from_record``).
DEFECTIONS = ("freeze", "notice", "lapse", "suspend", "expel")


@dataclass(frozen=True)
class Rows:
    """Descriptions of a block of decisions, for the backtest's table: parallel arrays (n,)."""

    kind: str
    y: np.ndarray          # observed category, index into LABELS[kind]
    known: np.ndarray      # datetime64[D]: the decision is known once this date is reached (fit: known <= until)
    alliance: np.ndarray   # str
    actor: np.ndarray      # str
    what: np.ndarray       # str: a short description of the decision


@dataclass(frozen=True)
class AllianceRecord:
    """Decisions of one alliance of one scenario and their parameter-free features."""

    scenario: str
    alliance: str
    codes: tuple[str, ...]
    months: np.ndarray            # (M,) month indexes covered (in force .. end)
    # credibility: recorded requests and consultations (E,)
    ev_month: np.ndarray          # (E,)
    ev_outcome: np.ndarray        # (E,) 0 deployed, 1 limited, 2 refused
    ev_victim: np.ndarray         # (E,) state index, -1 outside the scenario
    ev_consultation: np.ndarray   # (E,) bool: consultations asked for (held = all that was asked)
    # momentum: recorded defections (D,)
    def_month: np.ndarray
    def_count: np.ndarray
    # the scenario's arrays (features.terms, treaty_flags; the timeline series from ``months[0]``)
    terms: Terms
    flags: TreatyFlags
    tl: Series
    # member-months (n,), all standings together
    mm_state: np.ndarray
    mm_month: np.ndarray
    mm_standing: np.ndarray       # int: S.active / S.frozen / S.notice
    mm_members: np.ndarray        # the alliance's members in the row's month, the patron included (momentum's share)
    # renewal windows (w,)
    rw_row: np.ndarray            # index into the member-month rows of the same member and month
    # council months (c,) of ``council:frozen``: months frozen, and the member-month row (its margin)
    cf_months: np.ndarray
    cf_row: np.ndarray
    # crisis member-months (n,): the crisis type and the sources' rate times the threat
    cr_type: np.ndarray
    cr_rate: np.ndarray
    # requests (asked or not): (q,)
    rq_state: np.ndarray
    rq_month: np.ndarray
    rq_type: np.ndarray
    rq_severity: np.ndarray       # recorded severity (timeline), NaN: integrate over the severity law
    rq_group: np.ndarray          # (q,) the shared crisis the row belongs to (one severity), -1 none
    # outcomes (K,), (K, N)
    oc_rq: np.ndarray             # (K,) index of the matching request row (its severity and belief)
    oc_covered: np.ndarray
    oc_type: np.ndarray
    oc_salience: np.ndarray
    oc_aff_victim: np.ndarray
    oc_aff_aggressor: np.ndarray
    oc_regime_victim: np.ndarray
    oc_spare: np.ndarray
    oc_eligible: np.ndarray
    oc_frozen: np.ndarray
    oc_patron: np.ndarray
    oc_abstention: np.ndarray
    oc_consultation: np.ndarray   # (K,) bool: a consultation (else a request for help)
    # application months (p,) and invitation months (v,)
    ap_alignment: np.ndarray
    ap_threat: np.ndarray
    ap_outside: np.ndarray
    iv_affinity: np.ndarray
    iv_threat: np.ndarray
    # ratification months (r,)
    rt_affinity: np.ndarray
    rt_grievance: np.ndarray
    rows: dict[str, Rows] = field(default_factory=dict)
    #: the group whose random intercept the pooled fit gives this record (the ATOP alliance of a cell)
    group: str = ""
    #: shared crisis months (s,): the source's rate times its exposed states' mean threat
    sc_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cache: dict = field(default_factory=dict, compare=False, repr=False)   # features by the parameters they need
    # alliance-months (a,) in force, outside a term's end: the parties' ending of the alliance (``dissolution``)
    am_month: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    am_age: np.ndarray = field(default_factory=lambda: np.zeros(0))
    am_members: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    am_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    am_organised: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: each state's Correlates of War code, in the order of ``codes``: one state across records
    #: (the pooled fit's state effects; the scenarios' ISO codes and ATOP's COW abbreviations differ)
    cow: tuple[int, ...] = ()

    @property
    def regime(self) -> np.ndarray:
        return self.terms.regime

    @property
    def can_notice(self) -> bool:
        """The treaty has a withdrawal clause (else no member can give notice)."""
        return self.flags.can_notice

    def with_outcomes(self, y: dict[str, np.ndarray]) -> "AllianceRecord":
        """The same decisions with other outcomes (a record simulated from the model; tests)."""
        rows = {k: replace(r, y=np.asarray(y[k], dtype=np.int64)) if k in y else r for k, r in self.rows.items()}
        return replace(self, rows=rows)


@dataclass(frozen=True)
class Observations:
    """The decision table of one or more scenarios (CSTO and NATO share the mechanisms)."""

    records: tuple[AllianceRecord, ...]

    def count(self, until: dt.date | None = None, since: dt.date | None = None) -> dict[str, int]:
        out: dict[str, int] = {}
        for rec in self.records:
            for k, r in rec.rows.items():
                m = window(r.known, until, since)
                out[k] = out.get(k, 0) + int(m.sum())
        return out

    def span(self) -> tuple[dt.date, dt.date]:
        firsts = [month_start(int(r.months[0])) for r in self.records if len(r.months)]
        lasts = [month_start(int(r.months[-1])) for r in self.records if len(r.months)]
        return min(firsts), max(lasts)


def window(known: np.ndarray, until: dt.date | None, since: dt.date | None = None) -> np.ndarray:
    """Rows decided before ``until`` (known on or before it) and after ``since`` (known after it)."""
    m = np.ones(len(known), bool)
    if until is not None:
        m &= known <= np.datetime64(until, "D")
    if since is not None:
        m &= known > np.datetime64(since, "D")
    return m


def _history(mship) -> list[tuple[dt.date, Standing]]:
    return [(d, _NAMES[s]) for d, s in mship.history]


def _standing_on(hist, d: dt.date) -> Standing:
    cur = S.outside
    for when, s in hist:
        if when <= d:
            cur = s
    return cur


def _member_choice(before: Standing, after: Standing) -> int | None:
    """Category of the member's own choice in a transition, None if the transition is not one."""
    table = {
        (S.active, S.frozen): 1, (S.active, S.notice): 2,
        (S.frozen, S.notice): 1, (S.frozen, S.active): 2,
        (S.notice, S.active): 1,
    }
    return table.get((before, after))


def _d(x: dt.date) -> np.datetime64:
    return np.datetime64(x, "D")


@dataclass
class _Replayed:
    """The replayed record of one alliance and the scenario's arrays, as the extraction reads them;
    ``rows`` collects the decisions' descriptions by kind."""

    data: ScenarioFiles
    al: object
    rp: object
    codes: tuple[str, ...]
    idx: dict[str, int]
    hist: dict[str, list]
    applied: list
    months: np.ndarray
    tl: object
    terms: Terms
    flags: TreatyFlags
    rows: dict[str, dict[str, list]]

    @property
    def m_first(self) -> int:
        return int(self.months[0])

    @property
    def m_last(self) -> int:
        return int(self.months[-1])

    def add(self, kind, y, known, actor, what) -> None:
        r = self.rows[kind]
        r["y"].append(y), r["known"].append(known), r["actor"].append(actor), r["what"].append(what)

    def affinity_on(self, d: dt.date) -> np.ndarray:
        """Affinities with the alliance's members on ``d`` (``features.Terms.affinity``)."""
        return self.terms.affinity(np.array([_standing_on(self.hist.get(c, []), d) in MEMBER_STANDINGS for c in self.codes]))


def _replayed(data: ScenarioFiles, alliance_id: str, replayed) -> _Replayed:
    from foedus.ledger.replay import replay

    rp = replayed if replayed is not None else replay(data)
    data = current(data)   # of a value given in versions, the latest known (scenario.known)
    al = next(a for a in data.alliances if a.id == alliance_id)
    codes = tuple(s.iso3 for s in data.states)
    months = np.arange(month_index(al.in_force), month_index(rp.as_of) + 1)
    tm = terms(data)
    return _Replayed(
        data=data, al=al, rp=rp, codes=codes, idx={c: i for i, c in enumerate(codes)},
        hist={s: _history(m) for s, m in rp.alliance(alliance_id).memberships.items()},
        applied=[a.event for a in rp.events if a.event.alliance == alliance_id], months=months,
        tl=series(data.timeline, codes, int(months[0]), max(len(months), 1), tm.committed), terms=tm,
        flags=treaty_flags(al, data, on=rp.as_of, horizon=rp.as_of), rows={k: {"y": [], "known": [], "actor": [], "what": []} for k in KINDS})


def _month_of_member(x: _Replayed, s: str, h: list, m: int, mm: dict, council: dict) -> None:
    """The decisions of member ``s`` in month ``m``: its own choice, the council's, a renewal's."""
    start, nxt = month_start(m), month_start(m + 1)
    cur = _standing_on(h, start - dt.timedelta(days=1))
    inside = [w for when, w in h if start <= when < nxt]
    # the treaty calendar first: entry into force, a notice falling due, and at the end of a term
    # that expires or renews tacitly (``TreatyFlags.term_end_months``) the treaty's end: no choice
    calendar = ((S.signatory, S.active), (S.notice, S.withdrawn))
    if m in x.flags.term_end_months:
        calendar += ((S.active, S.withdrawn), (S.frozen, S.withdrawn), (S.suspended, S.withdrawn))
    while inside and (cur, inside[0]) in calendar:
        cur = inside.pop(0)
    may_suspend = council_may_suspend(x.al, start)
    if cur == S.suspended and may_suspend:
        back = bool(inside) and inside[0] == S.active
        x.add("council:suspended", int(back), _d(nxt), s, f"{start:%Y-%m} {s} suspended: {'reinstated' if back else 'stays suspended'}")
        return
    if cur not in MEMBER_STANDINGS:
        return
    choice, prev = 0, cur
    for w in inside:
        c = _member_choice(prev, w)
        if c is not None:
            choice = c
            break
        prev = w
    kind = {S.active: "member:active", S.frozen: "member:frozen", S.notice: "member:notice"}[cur]
    row = len(mm["state"])
    mm["state"].append(x.idx[s]), mm["month"].append(m), mm["standing"].append(int(cur))
    x.add(kind, choice, _d(nxt), s, f"{start:%Y-%m} {s} {cur.name}: {LABELS[kind][choice]}")
    after = cur if choice == 0 else {1: {S.active: S.frozen, S.frozen: S.notice}, 2: {S.active: S.notice, S.frozen: S.active}}.get(choice, {}).get(cur, cur)
    if cur == S.frozen and choice == 0 and may_suspend:
        # the council's step (engine: the membership phase): a member frozen at the start of the month that stayed
        suspended = bool(inside) and inside[0] == S.suspended
        frozen_since = [when for when, w in h if when < start][-1]
        council["months"].append(m - month_index(frozen_since))
        council["row"].append(row)
        x.add("council:frozen", int(suspended), _d(nxt), s,
              f"{start:%Y-%m} {s} frozen {council['months'][-1]} months: {'suspended' if suspended else 'not suspended'}")
        if suspended:
            after = S.suspended
    if m in x.flags.renewal_months and after in (S.active, S.frozen):
        lapsed = any(w == S.withdrawn for w in inside)
        council["renewal"].append(row)
        x.add("renewal", int(lapsed), _d(nxt), s, f"{start:%Y-%m} {s} renewal window: {'lapse' if lapsed else 'renew'}")


def _member_months(x: _Replayed) -> dict[str, np.ndarray]:
    """Member-months (all standings together), council months and renewal windows."""
    mm = {k: [] for k in ("state", "month", "standing")}
    council = {"months": [], "row": [], "renewal": []}
    for s, h in sorted(x.hist.items()):
        if s not in x.idx or x.idx[s] == x.flags.patron:
            continue
        for m in x.months:
            _month_of_member(x, s, h, int(m), mm, council)
    month = np.array(mm["month"], dtype=np.int64)
    # the patron is a member every month and has no row (it never leaves its own alliance)
    _, at, per_month = np.unique(month, return_inverse=True, return_counts=True)
    return dict(mm_state=np.array(mm["state"], dtype=np.int64), mm_month=month,
                mm_standing=np.array(mm["standing"], dtype=np.int64), rw_row=_arr(council["renewal"], np.int64),
                mm_members=(per_month[at.reshape(-1)] + int(x.flags.patron >= 0)).astype(np.int64),
                cf_months=_arr(council["months"]), cf_row=_arr(council["row"], np.int64))


_PARTIES = frozenset({S.active, S.frozen, S.notice, S.suspended})


def _alliance_months(x: _Replayed) -> dict[str, np.ndarray]:
    """The ``dissolution`` rows: each month the alliance is in force with a party on the eve of the
    month, after the month of entry into force and outside the months in which a term ends or a
    renewal window falls (the engine's ``_dissolve``): it ends in the month of a recorded end that
    neither the calendar nor the members' lapses make. A treaty superseded by a new text did not end
    the alliance (``ends_alliance``): its last month counts as the alliance continuing."""
    treaty_ends = sorted((month_index(e.date), ends_alliance(e.end_cause)) for e in x.applied if e.type == EventType.end)
    ends = [m for m, ended in treaty_ends if ended]
    last = treaty_ends[0][0] if treaty_ends else x.m_last
    codes = [c for c in x.codes if c in x.hist]
    spend = x.terms.milex if x.terms.milex is not None else np.zeros(len(x.codes))
    out = {k: [] for k in ("month", "age", "members", "share", "organised")}
    for m in range(max(x.flags.in_force_month + 1, x.m_first), last + 1):
        if m in x.flags.term_end_months or m in x.flags.renewal_months:
            continue
        eve = month_start(m) - dt.timedelta(days=1)
        parties = np.zeros(len(x.codes), bool)
        parties[[x.idx[c] for c in codes if _standing_on(x.hist[c], eve) in _PARTIES]] = True
        f = alliance_features(parties, spend * x.tl.capability[m - x.m_first], m - x.flags.in_force_month,
                              organised_in(m, x.flags.organisation_month))
        if f.members == 0:
            continue
        ended = m in ends
        for k, v in (("month", m), ("age", f.age), ("members", f.members), ("share", f.leader_share),
                     ("organised", f.organised)):
            out[k].append(v)
        x.add("dissolution", int(ended), _d(month_start(m + 1)), x.al.id,
              f"{month_start(m):%Y-%m} {x.al.id}: {'ends' if ended else 'continues'}")
    return dict(am_month=_arr(out["month"], np.int64), am_age=_arr(out["age"]),
                am_members=_arr(out["members"], np.int64), am_share=_arr(out["share"]),
                am_organised=_arr(out["organised"]))


def _arr(x, dtype=float, shape=(0,)):
    return np.array(x, dtype=dtype) if len(x) else np.zeros(shape, dtype=dtype)


def _beliefs_and_defections(x: _Replayed) -> dict[str, np.ndarray]:
    """The recorded outcomes that move beliefs, and the recorded defections that make momentum."""
    obs_ev = [e for e in x.applied if e.outcome is not None and e.type.value in ("request", "consultation")]
    defs = [e for e in x.applied if e.type.value in DEFECTIONS]
    return dict(
        ev_month=np.array([month_index(e.date) for e in obs_ev], dtype=np.int64),
        ev_outcome=np.array([_OUTCOME_CODE[e.outcome.value] for e in obs_ev], dtype=np.int64),
        ev_victim=np.array([x.idx.get(e.actors[0], -1) for e in obs_ev], dtype=np.int64),
        # as credibility.from_record: a consultation, or a request about a mere threat
        ev_consultation=np.array([e.type == EventType.consultation or (e.crisis is not None and e.crisis.value == "threat")
                                  for e in obs_ev], dtype=bool),
        def_month=np.array([month_index(e.date) for e in defs], dtype=np.int64),
        def_count=np.array([len(e.actors) for e in defs], dtype=float))


def _asked(x: _Replayed, e, code: int, tt: int, rq: dict) -> int | None:
    """The request rows of a recorded crisis (one per bound victim); the first row, or None."""
    first_row = None
    for v in e.actors:
        if v not in x.idx:
            continue
        if _standing_on(x.hist.get(v, []), e.date) not in BOUND_STANDINGS:   # engine: only active members or members under notice ask
            continue
        i = x.idx[v]
        sev = x.tl.crisis_severity[tt, i] if x.tl.crisis_type[tt, i] == code else np.nan
        asked = e.type not in (EventType.clash, EventType.crisis)
        row = len(rq["state"])
        first_row = row if first_row is None else first_row
        rq["state"].append(i), rq["month"].append(month_index(e.date)), rq["type"].append(code), rq["severity"].append(sev)
        ctype = list(CRISIS_CODES)[code]
        x.add("request", 0 if asked else 1, _d(e.date + dt.timedelta(days=1)), v,
              f"{e.date} {v} {ctype.value}" + (f" by {e.target}" if e.target else "") + f": {'asks' if asked else 'no request'}")
    return first_row


def _answer(x: _Replayed, e, code: int, tt: int, first_row: int, oc: dict) -> None:
    """The council's recorded answer to a request: the decision's features on its date
    (``features.decision_features``, as the engine builds them)."""
    v = e.actors[0]
    i = x.idx[v]
    standings = np.array([int(_standing_on(x.hist.get(c, []), e.date)) for c in x.codes])
    agg = x.idx.get(e.target, -1) if e.target else -1
    f = decision_features(
        x.al, e.date, x.affinity_on(e.date), x.terms.regime, x.tl.capability[tt] * (1.0 - x.tl.committed[tt]),
        x.flags.patron, x.flags.in_area, standings[None], np.arange(len(x.codes)), np.array([i]), np.array([agg]),
        np.array([code]), np.full(1, np.nan), np.array([x.tl.salience[tt, i]]), abstention_on(x.al, e.date))
    oc["cons"].append(e.type == EventType.consultation)
    oc["rq"].append(first_row), oc["covered"].append(bool(f.covered[0])), oc["type"].append(code)
    oc["salience"].append(f.salience[0]), oc["av"].append(f.aff_victim[0]), oc["ag"].append(f.aff_aggressor[0])
    oc["rv"].append(f.regime_victim[0]), oc["spare"].append(f.spare[0]), oc["elig"].append(f.eligible[0])
    oc["frozen"].append(f.frozen[0]), oc["patron"].append(f.patron[0]), oc["abst"].append(bool(f.abstention[0]))
    kind = "outcome:request" if e.type == EventType.request else "outcome:consultation"
    ctype = list(CRISIS_CODES)[code]
    x.add(kind, _OUTCOME_CODE[e.outcome.value], _d(e.date + dt.timedelta(days=1)), v,
          f"{e.date} {v} {e.type.value} ({ctype.value}" + (f" by {e.target}" if e.target else "") + f"): {e.outcome.value}")




def _crisis_type(e) -> CrisisType:
    return CrisisType(e.crisis) if e.crisis else (CrisisType.member_clash if e.type == EventType.clash else CrisisType.armed_attack)


def _crisis_months(x: _Replayed) -> dict[str, np.ndarray]:
    """Each member-month (from ``behaviour.crisis_rates_since``, the period the rates were counted
    over) and (victim, type) of the scenario's crisis sources: a crisis on the record, or none (the retrodiction's count: one per member asking, one per clash, one per member of a
    ``crisis``), with the sources' summed rate times the victim's threat in the month."""
    rate: dict[tuple[int, int], float] = {}
    for c in x.data.behaviour.crisis:
        if c.victim in x.idx:
            key = (x.idx[c.victim], CRISIS_CODES[c.type])
            rate[key] = rate.get(key, 0.0) + c.rate
    seen = set()
    for e in x.applied:
        if e.type in _CRISIS_EVENTS and _shared_of(x, e) is None:
            for v in e.actors[:1] if e.type == EventType.clash else e.actors:
                if v in x.idx:
                    seen.add((x.idx[v], CRISIS_CODES[_crisis_type(e)], month_index(e.date)))
    ctype, cx = [], []
    since = x.data.behaviour.crisis_rates_since
    first = month_index(since) if since else x.m_first
    for (i, code), r in sorted(rate.items()):
        h = x.hist.get(x.codes[i], [])
        for m in x.months[x.months >= first]:
            m = int(m)
            if _standing_on(h, month_start(m) - dt.timedelta(days=1)) not in MEMBER_STANDINGS:
                continue
            hit = (i, code, m) in seen
            ctype.append(code), cx.append(r * x.tl.threat[m - x.m_first, i])
            x.add("crisis", int(hit), _d(month_start(m + 1)), x.codes[i],
                  f"{month_start(m):%Y-%m} {x.codes[i]} {list(CRISIS_CODES)[code].value}: {'crisis' if hit else 'none'}")
    return dict(cr_type=_arr(ctype, np.int64), cr_rate=_arr(cx))


def _shared_of(x: _Replayed, e):
    """The shared crisis source (``behaviour.toml``, as known) that a record event is part of, or None."""
    if e.shared_crisis is None:
        return None
    return next((c for c in x.data.behaviour.shared_crisis if c.name == e.shared_crisis), None)


def _shared_months(x: _Replayed) -> dict[str, np.ndarray]:
    """Each month (from ``behaviour.crisis_rates_since``) and shared crisis source while one of its
    exposed states is a member: the source's events on the record in the month, or none."""
    since = x.data.behaviour.crisis_rates_since
    first = month_index(since) if since else x.m_first
    rate = []
    for c in x.data.behaviour.shared_crisis:
        hits = {month_index(e.date) for e in x.applied if e.shared_crisis == c.name}
        exposed = np.isin(np.array(x.codes), c.exposed)
        for m in x.months[x.months >= first]:
            m = int(m)
            on = month_start(m) - dt.timedelta(days=1)
            if not any(_standing_on(x.hist.get(v, []), on) in MEMBER_STANDINGS for v in c.exposed):
                continue
            rate.append(c.rate * float(crises.exposed_threat(x.tl.threat[m - x.m_first], exposed[None])[0]))
            x.add("crisis:shared", int(m in hits), _d(month_start(m + 1)), c.name,
                  f"{month_start(m):%Y-%m} {c.name}: {'crisis' if m in hits else 'none'}")
    return dict(sc_rate=_arr(rate))


def _check_group(x: _Replayed, c, events: list, named: set) -> None:
    """The record's events of one shared crisis in a month name every exposed member that may
    invoke the alliance (asking or not): the engine gives each of them the crisis."""
    d = events[0].date
    missing = [v for v in c.exposed if v in x.idx and v not in named
               and _standing_on(x.hist.get(v, []), d) in BOUND_STANDINGS]
    if missing:
        raise ScenarioError("record.toml", f"event {d} shared_crisis = '{c.name}'",
                            f"a crisis, request or consultation of the shared crisis for each exposed member "
                            f"(behaviour.toml exposed); missing: {', '.join(missing)}")


def _requests(x: _Replayed) -> dict[str, np.ndarray]:
    """Requests (asked or not) and the council's answers."""
    n = len(x.codes)
    rq = {k: [] for k in ("state", "month", "type", "severity", "group")}
    groups: dict[tuple[str, int], int] = {}
    members: dict[int, tuple] = {}
    oc = {k: [] for k in ("cons", "rq", "covered", "type", "salience", "av", "ag", "rv", "spare", "elig", "frozen", "patron", "abst")}
    for e in x.applied:
        if e.type not in _CRISIS_EVENTS:
            continue
        tt = min(max(month_index(e.date) - x.m_first, 0), len(x.months) - 1)
        ctype = _crisis_type(e)
        first_row = _asked(x, e, CRISIS_CODES[ctype], tt, rq)
        c = _shared_of(x, e)
        g = groups.setdefault((c.name, month_index(e.date)), len(groups)) if c is not None else -1
        rq["group"] += [g] * (len(rq["state"]) - len(rq["group"]))
        if c is not None:
            src, evs, named = members.setdefault(g, (c, [], set()))
            evs.append(e), named.update(e.actors)
        if e.type in (EventType.request, EventType.consultation) and e.outcome is not None and first_row is not None:
            _answer(x, e, CRISIS_CODES[ctype], tt, first_row, oc)
    for c, evs, named in members.values():
        _check_group(x, c, evs, named)
    return dict(
        rq_state=_arr(rq["state"], np.int64), rq_month=_arr(rq["month"], np.int64), rq_type=_arr(rq["type"], np.int64),
        rq_severity=_arr(rq["severity"]), rq_group=_arr(rq["group"], np.int64),
        oc_rq=_arr(oc["rq"], np.int64), oc_covered=_arr(oc["covered"], bool), oc_type=_arr(oc["type"], np.int64),
        oc_salience=_arr(oc["salience"]), oc_aff_victim=_arr(oc["av"], shape=(0, n)), oc_aff_aggressor=_arr(oc["ag"], shape=(0, n)),
        oc_regime_victim=_arr(oc["rv"]), oc_spare=_arr(oc["spare"], shape=(0, n)), oc_eligible=_arr(oc["elig"], bool, (0, n)),
        oc_frozen=_arr(oc["frozen"], bool, (0, n)), oc_patron=_arr(oc["patron"], bool, (0, n)), oc_abstention=_arr(oc["abst"], bool),
        oc_consultation=_arr(oc["cons"], bool))


def _applications(x: _Replayed) -> dict[str, np.ndarray]:
    """Each month a state outside the alliance applies, or not; each month an applicant waits on the
    council's invitation (``accession.p_apply``, ``accession.p_invite``)."""
    ap, iv = {"align": [], "threat": [], "outside": []}, {"aff": [], "threat": []}
    first = max(x.m_first, month_index(APPLICATIONS_SINCE))
    for s in x.codes if x.flags.admission else ():
        i, h = x.idx[s], x.hist.get(s, [])
        if i == x.flags.patron:
            continue
        for m in range(first, x.m_last + 1):
            start = month_start(m)
            cur = _standing_on(h, start - dt.timedelta(days=1))
            inside = [w for when, w in h if start <= when < month_start(m + 1)]
            if cur not in (S.outside, S.withdrawn, S.applicant):
                continue
            aff, tt = x.affinity_on(start), m - x.m_first
            if cur != S.applicant:
                applied = bool(inside) and inside[0] in (S.applicant, S.active)
                ap["align"].append(aff[i, x.flags.leader]), ap["threat"].append(x.tl.threat[tt, i])
                ap["outside"].append(x.terms.outside[i] + x.tl.outside[tt, i])
                x.add("application", int(applied), _d(month_start(m + 1)), s,
                      f"{start:%Y-%m} {s} {cur.name}: {'applies' if applied else 'stays out'}")
                if not (applied and inside[0] == S.applicant):
                    continue
            voters = np.array([_standing_on(x.hist.get(c, []), start) in VOTING_STANDINGS and c != s for c in x.codes])
            invited = S.invited in inside or S.active in inside
            iv["aff"].append(council_affinity(aff[i], voters)), iv["threat"].append(x.tl.threat[tt, i])
            x.add("invitation", int(invited), _d(month_start(m + 1)), s,
                  f"{start:%Y-%m} {s} applicant: {'invited' if invited else 'waits'}")
    return dict(ap_alignment=_arr(ap["align"]), ap_threat=_arr(ap["threat"]), ap_outside=_arr(ap["outside"]),
                iv_affinity=_arr(iv["aff"]),
                iv_threat=_arr(iv["threat"]))


def _ratifications(x: _Replayed) -> dict[str, np.ndarray]:
    """Each month an invited applicant waits on a member that has not ratified."""
    rt_aff, rt_grv = [], []
    for s, h in sorted(x.hist.items()):
        mship = x.rp.alliance(x.al.id).memberships[s]
        invited_on = [when for when, w in h if w == S.invited]
        if not invited_on or s not in x.idx:
            continue
        inv = invited_on[-1]
        if any(e.type == EventType.accede and s in e.actors and e.date >= inv for e in x.applied):
            continue   # an accession recorded without its ratifications: nothing to score
        ratified_on = {}
        for e in x.applied:
            if e.type == EventType.ratify and e.target == s and e.date >= inv:
                for j in e.actors:
                    ratified_on.setdefault(j, e.date)
        admitted = next((when for when, w in h if when >= inv and w == S.active), None)
        affinity = x.affinity_on(inv)
        end = month_index(admitted) if admitted else x.m_last
        for j in sorted(mship.invited_by):
            if j not in x.idx:
                continue
            jm = month_index(ratified_on[j]) if j in ratified_on else None
            jh = x.hist.get(j, [])
            for m in range(month_index(inv), (jm if jm is not None else end) + 1):
                if m > x.m_last:
                    break
                if _standing_on(jh, month_start(m + 1) - dt.timedelta(days=1)) not in VOTING_STANDINGS:
                    break   # a member that leaves in the month has no say (the replay's admission rule)
                done = jm is not None and m == jm
                rt_aff.append(affinity[x.idx[j], x.idx[s]]), rt_grv.append(x.terms.grievance[x.idx[j], x.idx[s]])
                x.add("ratification", int(done), _d(month_start(m + 1)), j,
                      f"{month_start(m):%Y-%m} {j} on {s}'s accession: {'ratifies' if done else 'waits'}")
    return dict(rt_affinity=_arr(rt_aff), rt_grievance=_arr(rt_grv))


def build_alliance(data: ScenarioFiles, alliance_id: str, replayed=None, scenario: str | None = None) -> AllianceRecord:
    """Extract the decisions of ``alliance_id`` from the full replay of ``data``."""
    x = _replayed(data, alliance_id, replayed)
    parts = {**_member_months(x), **_beliefs_and_defections(x), **_crisis_months(x), **_shared_months(x),
             **_requests(x), **_applications(x), **_ratifications(x), **_alliance_months(x)}
    return AllianceRecord(
        scenario=scenario or data.scenario.name, alliance=alliance_id, codes=x.codes, months=x.months,
        cow=tuple(s.cow for s in x.data.states), terms=x.terms, flags=x.flags, tl=x.tl, **parts,
        rows={k: Rows(k, np.array(r["y"], dtype=np.int64), np.array(r["known"], dtype="datetime64[D]"),
                      np.array([alliance_id] * len(r["y"]), dtype=object), np.array(r["actor"], dtype=object),
                      np.array(r["what"], dtype=object)) for k, r in x.rows.items()},
    )


def build(scenarios=("csto", "nato")) -> Observations:
    """The decision table of the named scenarios (built-in names or folders), every alliance of each."""
    from foedus.api import load_scenario

    recs = []
    for name in scenarios:
        sc = load_scenario(name) if not hasattr(name, "data") else name
        for al in sc.alliances:
            recs.append(build_alliance(sc.data, al.id, sc.full_replay, sc.name))
    return Observations(tuple(recs))
