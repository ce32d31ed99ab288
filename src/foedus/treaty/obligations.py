"""Obligations: on a date, for a victim, an aggressor and a crisis type, which members are bound,
under which article, and — for those who are not — why.

The answer is a treaty-rule question and depends only on the treaty and on the standings of the
states on that date; ``foedus.ledger`` supplies the standings from the replayed record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from foedus.scenario.schema import Alliance, CrisisType
from foedus.treaty.membership import BOUND_STANDINGS, MEMBER_STANDINGS, Standing


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
    conditions: tuple[str, ...] = ()
    consultations: tuple[str, ...] = ()
    duties: tuple[Duty, ...] = field(default_factory=tuple)

    @property
    def bound(self) -> list[str]:
        return [d.state for d in self.duties if d.bound]

    def to_dict(self) -> dict:
        return {
            "alliance": self.alliance, "date": self.date.isoformat(), "victim": self.victim,
            "aggressor": self.aggressor, "crisis": self.crisis, "territory": self.territory,
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
                   own_territory=True, victim_in_area=True, requested=True):
    """The rules of the casus foederis, in the order they are checked: ``(rule, holds, article)``
    with ``holds`` a boolean array over the cases (any shape, 0-d for one case). Standings are
    ``Standing`` codes (``Standing.outside`` for a state outside, or where there is no aggressor),
    crisis codes index ``CrisisType``. The casus foederis holds where every rule holds; the first
    rule that fails is the reason it does not. One list of rules for :func:`obligations` (the
    record, ``foedus obligations``) and :func:`casus_foederis_array` (the engine, the likelihood)."""
    cd = alliance.collective_defence
    v = np.asarray(victim_standing)
    yield "in_force", np.asarray(date >= alliance.in_force), None
    yield "victim_member", _among(v, MEMBER_STANDINGS), None
    if cd is None:
        yield "no_article", np.asarray(False), None
        return
    art = f"Art {cd.article}"
    yield "victim_frozen", v != int(Standing.frozen), art
    yield "crisis_type", _among(np.asarray(crisis_code), [_KINDS.index(c) for c in cd.crisis_types]), art
    if not cd.member_aggressor_covered:
        yield "aggressor_member", ~_among(np.asarray(aggressor_standing), MEMBER_STANDINGS | {Standing.suspended}), art
    yield "territory", np.asarray(own_territory, dtype=bool), art
    if cd.territory == "treaty_area":
        yield "treaty_area", np.asarray(victim_in_area, dtype=bool), art
    if cd.request_required_since and date >= cd.request_required_since:
        yield "request", np.asarray(requested, dtype=bool), art


def obligations(
    alliance: Alliance,
    standings: Mapping[str, Standing],
    date: dt.date,
    victim: str,
    aggressor: str | None = None,
    crisis: CrisisType | str = CrisisType.armed_attack,
    territory: str = "own",
    requested: bool = True,
) -> Obligations:
    """Who is bound to help ``victim`` against ``aggressor`` on ``date``.

    ``territory`` is ``own`` (the attack falls on the victim's own territory) or ``outside``
    (e.g. Nagorno-Karabakh, which is not Armenian territory). ``requested``: whether the victim
    asked for help (the CSTO's Art 4 as amended by the 2010 Protocol, in force 19 Dec 2012, owes
    help "at the request" of the victim)."""
    crisis = CrisisType(crisis)
    cd = alliance.collective_defence
    consult = tuple(f"Art {c.article}" for c in alliance.consultations)
    v_st = standings.get(victim)
    a_st = standings.get(aggressor) if aggressor else None
    base = dict(alliance=alliance.id, date=date, victim=victim, aggressor=aggressor, crisis=crisis.value,
                territory=territory, requested=requested, consultations=consult)
    members = sorted(s for s, st in standings.items() if st in MEMBER_STANDINGS or st == Standing.suspended)

    def nobody(reason: str, article: str | None = None) -> Obligations:
        duties = tuple(
            Duty(m, _standing_name(standings[m]), False, article, reason)
            for m in members if m != victim and m != aggressor
        )
        return Obligations(casus_foederis=False, article=article, reason=reason, duties=duties, **base)

    code = lambda st: int(Standing.outside if st is None else st)  # noqa: E731
    conditions: list[str] = []
    for rule, holds, article in coverage_rules(
            alliance, date, code(v_st), code(a_st), _KINDS.index(crisis), territory == "own",
            cd is not None and victim in cd.area, requested):
        if rule == "request":
            conditions.append(f"help is owed at the victim's request ({article} as in force since "
                              f"{cd.request_required_since.isoformat()})")
        if not bool(holds):
            return nobody(_why_not(rule, alliance, date, victim, v_st, aggressor, crisis, consult, article), article)
    art = f"Art {cd.article}"
    duties = []
    for m in members:
        if m in (victim, aggressor):
            continue
        st = standings[m]
        if st in BOUND_STANDINGS:
            why = f"a member in standing '{st.name}'"
            if st == Standing.notice:
                why += " (bound until its notice takes effect)"
            duties.append(Duty(m, st.name, True, art, why))
        elif st == Standing.frozen:
            duties.append(Duty(m, st.name, False, art, f"{m}'s participation is frozen"))
        elif st == Standing.suspended:
            duties.append(Duty(m, st.name, False, art, f"{m}'s membership is suspended by the council"))
    reason = f"armed attack on a member: {art} applies"
    if cd.note:
        reason += f" ({cd.note})"
    return Obligations(casus_foederis=True, article=art, reason=reason, conditions=tuple(conditions),
                       duties=tuple(duties), **base)


def _why_not(rule: str, alliance: Alliance, date: dt.date, victim: str, v_st, aggressor, crisis: CrisisType,
             consult: tuple[str, ...], art: str | None) -> str:
    """The reason, in words, that the casus foederis fails at ``rule`` (of :func:`coverage_rules`)."""
    cd = alliance.collective_defence
    if rule == "in_force":
        return f"the treaty is not in force until {alliance.in_force.isoformat()}"
    if rule == "victim_member":
        return f"{victim} is not a member on {date.isoformat()} (standing: {_standing_name(v_st)})"
    if rule == "no_article":
        return "the treaty has no collective-defence article"
    if rule == "victim_frozen":
        return f"{victim}'s participation is frozen by its own choice; it is not covered while frozen"
    if rule == "crisis_type":
        kinds = ", ".join(c.value for c in cd.crisis_types)
        return (f"a crisis of type '{crisis.value}' is not covered by {art} (covers: {kinds}); "
                f"consultations apply ({', '.join(consult) or 'none'})")
    if rule == "aggressor_member":
        return f"the aggressor {aggressor} is itself a member; {art} does not bind members against a fellow member"
    if rule == "territory":
        return f"the attack is outside {victim}'s territory; {art} covers attacks on members' territory"
    if rule == "treaty_area":
        return f"{victim}'s territory is outside the treaty area"
    if rule == "request":
        return f"{victim} has not requested help; {art} binds only at the victim's request"
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
