"""Obligations: on a date, for a victim, its aggressors, the place of the attack and a crisis
type, which members are bound, under which article, and — for those who are not — why.

The answer is a treaty-rule question and depends only on the treaty, the standings of the states
on that date and the treaty's status then (:class:`TreatyStatus`: its end, who stays away from
which of the organisation's bodies, obligations suspended towards one party); ``foedus.ledger``
supplies both from the replayed record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from foedus.scenario.schema import Alliance, CollectiveDefence, CrisisType
from foedus.treaty.membership import MEMBER_STANDINGS, Standing


@dataclass(frozen=True)
class TreatyStatus:
    """The treaty's status on a date beyond the standings (from the replay)."""

    ended: dt.date | None = None
    end_cause: str | None = None
    end_reason: str = ""
    bodies_left: Mapping[str, Mapping[str, dt.date]] = field(default_factory=dict)
    suspended_towards: Mapping[tuple[str, str], tuple[dt.date, str]] = field(default_factory=dict)
    roles: Mapping[str, tuple[str, dt.date]] = field(default_factory=dict)


@dataclass(frozen=True)
class Place:
    """Where an attack fell: a state's home territory (``code`` = the state's ISO3) or one of its
    declared territories."""

    code: str
    name: str
    state: str
    region: str = ""

    @property
    def home(self) -> bool:
        return self.code == self.state


def in_treaty_area(cd: CollectiveDefence, place: str, date: dt.date) -> bool:
    """Is ``place`` (a state's ISO3 for its home territory, or a territory code) inside the treaty
    area on ``date``? One rule for ``foedus obligations`` and the engine."""
    if place in cd.area:
        return True
    return any(p.place == place and (p.since is None or p.since <= date) and (p.until is None or date < p.until)
               for p in cd.places)


def protected_on(cd: CollectiveDefence | None, state: str, date: dt.date):
    """The ``Protected`` entry that covers non-member ``state`` on ``date``, or None."""
    if cd is None:
        return None
    for p in cd.protected:
        if p.state == state and (p.since is None or p.since <= date) and (p.until is None or date < p.until):
            return p
    return None


@dataclass(frozen=True)
class Duty:
    state: str
    standing: str
    bound: bool
    article: str | None
    reason: str


@dataclass(frozen=True)
class Obligations:
    alliance: str
    date: dt.date
    victim: str
    aggressor: str | None
    crisis: str
    territory: str
    requested: bool
    casus_foederis: bool
    article: str | None
    reason: str
    aggressors: tuple[str, ...] = ()
    place: str | None = None
    conditions: tuple[str, ...] = ()
    consultations: tuple[str, ...] = ()
    duties: tuple[Duty, ...] = field(default_factory=tuple)

    @property
    def bound(self) -> list[str]:
        return [d.state for d in self.duties if d.bound]

    def to_dict(self) -> dict:
        return {
            "alliance": self.alliance, "date": self.date.isoformat(), "victim": self.victim,
            "aggressor": self.aggressor, "aggressors": list(self.aggressors), "place": self.place,
            "crisis": self.crisis, "territory": self.territory,
            "requested": self.requested, "casus_foederis": self.casus_foederis,
            "article": self.article, "reason": self.reason, "conditions": list(self.conditions),
            "consultations": list(self.consultations), "bound": self.bound,
            "duties": [d.__dict__ for d in self.duties],
        }


def _standing_name(s: Standing | None) -> str:
    return "outside" if s is None else Standing(s).name


def _among(x: np.ndarray, codes) -> np.ndarray:
    """``np.isin(x, codes)`` as ORs of equalities (the engine asks on a few cells a month, where
    ``np.isin``'s overhead would dominate)."""
    out = np.zeros(x.shape, dtype=bool)
    for c in codes:
        out |= x == int(c)
    return out


_KINDS = list(CrisisType)


def coverage_rules(alliance: Alliance, date: dt.date, victim_standing, aggressor_standing, crisis_code,
                   own_territory=True, victim_in_area=True, requested=True, victim_protected=False,
                   adversary_among=True):
    """The rules of the casus foederis, in the order they are checked: ``(rule, holds, article)``
    with ``holds`` a boolean array over the cases (any shape, 0-d for one case). Standings are
    ``Standing`` codes (``Standing.outside`` for a state outside, or where there is no aggressor;
    with several aggressors, the standing of one that is a member, if any), crisis codes index
    ``CrisisType``. ``victim_protected``: the victim is a non-member the article covers;
    ``adversary_among``: one of the article's named adversaries is among the aggressors. The
    casus foederis holds where every rule holds; the first rule that fails is the reason it does
    not. One list of rules for :func:`obligations` (the record, ``foedus obligations``) and
    :func:`casus_foederis_array` (the engine, the likelihood)."""
    cd = alliance.collective_defence
    v = np.asarray(victim_standing)
    yield "in_force", np.asarray(date >= alliance.in_force), None
    yield "victim_member", _among(v, MEMBER_STANDINGS) | np.asarray(victim_protected, dtype=bool), None
    if cd is None:
        yield "no_article", np.asarray(False), None
        return
    art = f"Art {cd.article}"
    yield "victim_frozen", v != int(Standing.frozen), art
    yield "crisis_type", _among(np.asarray(crisis_code), [_KINDS.index(c) for c in cd.crisis_types]), art
    if cd.adversaries:
        yield "adversary", np.asarray(adversary_among, dtype=bool), art
    if not cd.member_aggressor_covered:
        yield "aggressor_member", ~_among(np.asarray(aggressor_standing), MEMBER_STANDINGS | {Standing.suspended}), art
    yield "territory", np.asarray(own_territory, dtype=bool), art
    if cd.territory == "treaty_area":
        yield "treaty_area", np.asarray(victim_in_area, dtype=bool), art
    if cd.request_required_since and date >= cd.request_required_since:
        yield "request", np.asarray(requested, dtype=bool), art
    if np.any(victim_protected):
        yield "consent", ~np.asarray(victim_protected, dtype=bool) | np.asarray(requested, dtype=bool), art


def _aggressors(aggressor) -> tuple[str, ...]:
    if aggressor is None:
        return ()
    return (aggressor,) if isinstance(aggressor, str) else tuple(aggressor)


def obligations(
    alliance: Alliance,
    standings: Mapping[str, Standing],
    date: dt.date,
    victim: str,
    aggressor: str | tuple[str, ...] | None = None,
    crisis: CrisisType | str = CrisisType.armed_attack,
    territory: str = "own",
    requested: bool = True,
    place: Place | None = None,
    status: TreatyStatus | None = None,
) -> Obligations:
    """Who is bound to help ``victim`` against ``aggressor`` (one state or several) on ``date``.

    ``territory`` is ``own`` (the attack falls on the victim's own territory) or ``outside``
    (e.g. Nagorno-Karabakh, which is not Armenian territory). ``place``: where the attack fell
    (default: the victim's home territory), checked against the treaty area. ``requested``:
    whether the victim asked for help (the CSTO's Art 4 as amended by the 2010 Protocol, in force
    19 Dec 2012, owes help "at the request" of the victim; a protected non-member is covered only
    with its consent). ``status``: the treaty's end, bodies left and suspensions, from the replay."""
    crisis = CrisisType(crisis)
    status = status or TreatyStatus()
    cd = alliance.collective_defence
    aggs = _aggressors(aggressor)
    consult = tuple(f"Art {c.article}" for c in alliance.consultations)
    v_st = standings.get(victim)
    base = dict(alliance=alliance.id, date=date, victim=victim, aggressor=", ".join(aggs) or None, aggressors=aggs,
                place=place.code if place else None, crisis=crisis.value, territory=territory, requested=requested,
                consultations=consult)
    members = sorted(s for s, st in standings.items() if st in MEMBER_STANDINGS or st == Standing.suspended)
    others = [m for m in members if m != victim and m not in aggs]

    def nobody(reason: str, article: str | None = None) -> Obligations:
        duties = tuple(Duty(m, _standing_name(standings[m]), False, article, reason) for m in others)
        return Obligations(casus_foederis=False, article=article, reason=reason, duties=duties, **base)

    if status.ended is not None and date >= status.ended:
        return nobody(f"the treaty ended on {status.ended.isoformat()} ({status.end_cause}"
                      + (f": {status.end_reason}" if status.end_reason else "") + "); nothing is owed after its end")
    code = lambda st: int(Standing.outside if st is None else st)  # noqa: E731
    member_aggs = [a for a in aggs if standings.get(a) in MEMBER_STANDINGS | {Standing.suspended}]
    prot = protected_on(cd, victim, date) if v_st not in MEMBER_STANDINGS else None
    where = place.code if place else victim
    conditions: list[str] = []
    for rule, holds, article in coverage_rules(
            alliance, date, code(v_st), code(standings.get(member_aggs[0])) if member_aggs else int(Standing.outside),
            _KINDS.index(crisis), territory == "own" and (place is None or place.state == victim),
            cd is not None and in_treaty_area(cd, where, date), requested, prot is not None,
            cd is not None and (not aggs or bool(set(aggs) & set(cd.adversaries)))):
        if rule == "request":
            conditions.append(f"help is owed at the victim's request ({article} as in force since "
                              f"{cd.request_required_since.isoformat()})")
        if rule == "treaty_area" and bool(holds):
            conditions.append(f"the attack fell on {_place_words(place, victim)}, inside the treaty area{_area_art(cd)}")
        if rule == "adversary":
            conditions.append(f"{article} covers only an attack in which {', '.join(cd.adversaries)} takes part"
                              + ("" if aggs else " (no aggressor named: the answer holds for such an attack)"))
        if rule == "consent":
            conditions.append(f"{victim} is not a party but a protected state; covered with its consent ({prot.source})")
        if not bool(holds):
            named = member_aggs if rule == "aggressor_member" else list(aggs)
            why = _why_not(rule, alliance, date, victim, v_st, named, crisis, consult, article, place)
            return nobody(why, article)
    art = f"Art {cd.article}"
    duties = tuple(_duty(alliance, m, standings[m], date, victim, aggs, where, status, art) for m in others)
    reason = f"armed attack on {'a member' if prot is None else 'a protected state'}: {art} applies"
    if len(aggs) > 1:
        reason += f" (aggressors: {', '.join(aggs)})"
    if cd.note:
        reason += f" ({cd.note})"
    return Obligations(casus_foederis=True, article=art, reason=reason, conditions=tuple(conditions),
                       duties=duties, **base)


def _duty(alliance: Alliance, m: str, st: Standing, date: dt.date, victim: str, aggs: tuple[str, ...], where: str,
          status: TreatyStatus, art: str) -> Duty:
    """One member's duty once the casus foederis holds: bound, unless its standing, a suspension
    of its obligations towards the victim, or its own reservation says otherwise."""
    if st == Standing.frozen:
        return Duty(m, st.name, False, art, f"{m}'s participation is frozen")
    if st == Standing.suspended:
        return Duty(m, st.name, False, art, f"{m}'s membership is suspended by the council")
    held = status.suspended_towards.get((m, victim))
    if held is not None:
        return Duty(m, st.name, False, art, f"{m} suspended its obligations towards {victim} on "
                                            f"{held[0].isoformat()}" + (f": {held[1]}" if held[1] else ""))
    for r in alliance.collective_defence.reservations:
        if r.party == m and (set(aggs) & set(r.aggressors) or where in r.places or victim in r.victims):
            return Duty(m, st.name, False, art, f"{m}'s reservation: {r.text} ({r.source})")
    why = f"a member in standing '{st.name}'"
    if st == Standing.notice:
        why += " (bound until its notice takes effect)"
    for body, since in sorted(status.bodies_left.get(m, {}).items()):
        why += f"; outside the {body} since {since.isoformat()}, still bound by the treaty"
    return Duty(m, st.name, True, art, why)


def _place_words(place: Place | None, victim: str) -> str:
    if place is None:
        return f"{victim}'s home territory"
    if place.home:
        return f"{place.name}'s home territory ({place.code})"
    return f"{place.name} ({place.code}{', ' + place.region if place.region else ''}; territory of {place.state})"


def _area_art(cd: CollectiveDefence) -> str:
    return f" ({cd.area_article})" if cd.area_article else ""


def _why_not(rule: str, alliance: Alliance, date: dt.date, victim: str, v_st, aggressors, crisis: CrisisType,
             consult: tuple[str, ...], art: str | None, place: Place | None = None) -> str:
    """The reason, in words, that the casus foederis fails at ``rule`` (of :func:`coverage_rules`)."""
    cd = alliance.collective_defence
    if rule == "in_force":
        return f"the treaty is not in force until {alliance.in_force.isoformat()}"
    if rule == "victim_member":
        why = f"{victim} is not a member on {date.isoformat()} (standing: {_standing_name(v_st)})"
        return why + (" nor a state the treaty protects" if cd is not None and cd.protected else "")
    if rule == "no_article":
        return "the treaty has no collective-defence article"
    if rule == "victim_frozen":
        return f"{victim}'s participation is frozen by its own choice; it is not covered while frozen"
    if rule == "crisis_type":
        kinds = ", ".join(c.value for c in cd.crisis_types)
        return (f"a crisis of type '{crisis.value}' is not covered by {art} (covers: {kinds}); "
                f"consultations apply ({', '.join(consult) or 'none'})")
    if rule == "adversary":
        return (f"{art} covers only an attack in which {', '.join(cd.adversaries)} takes part; the aggressor "
                f"{', '.join(aggressors)} is not among them")
    if rule == "aggressor_member":
        return (f"the aggressor {', '.join(aggressors)} is itself a member; {art} does not bind members against "
                "a fellow member")
    if rule == "territory":
        if place is not None and place.state != victim:
            return f"{place.name} ({place.code}) is territory of {place.state}, not of {victim}"
        return f"the attack is outside {victim}'s territory; {art} covers attacks on members' territory"
    if rule == "treaty_area":
        return f"the attack fell on {_place_words(place, victim)}, outside the treaty area{_area_art(cd)}"
    if rule == "request":
        return f"{victim} has not requested help; {art} binds only at the victim's request"
    if rule == "consent":
        return f"{victim} is a protected state, not a party; it is covered only when it asks for help"
    raise ValueError(f"unknown coverage rule {rule!r}")  # pragma: no cover - the rules are listed above


def casus_foederis_array(alliance: Alliance, date: dt.date, victim_standing, aggressor_standing, crisis_code,
                         victim_in_area, requested=True):
    """Vectorised :func:`obligations` ``.casus_foederis``, for the ensemble engine: where every rule
    of :func:`coverage_rules` holds, on arrays of standings (``aggressor_standing`` =
    ``Standing.outside`` where there is no aggressor), crisis codes (index in ``CrisisType``), and
    whether the victim's territory lies in the treaty area. The attack is taken to fall on the
    victim's own territory."""
    ok = np.ones(np.shape(victim_standing), dtype=bool)
    for _, holds, _ in coverage_rules(alliance, date, victim_standing, aggressor_standing, crisis_code,
                                      True, victim_in_area, requested):
        if holds.ndim == 0 and not holds:
            return np.zeros(ok.shape, dtype=bool)
        ok &= holds
    return ok
