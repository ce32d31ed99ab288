"""Obligations: on a date, for a victim, an aggressor and a crisis type, which members are bound,
under which article, and — for those who are not — why.

The answer is a treaty-rule question and depends only on the treaty and on the standings of the
states on that date; ``foedus.ledger`` supplies the standings from the replayed record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

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

    if date < alliance.in_force:
        return nobody(f"the treaty is not in force until {alliance.in_force.isoformat()}")
    if v_st not in MEMBER_STANDINGS:
        return nobody(f"{victim} is not a member on {date.isoformat()} (standing: {_standing_name(v_st)})")
    if cd is None:
        return nobody("the treaty has no collective-defence article")
    art = f"Art {cd.article}"
    if v_st == Standing.frozen:
        return nobody(f"{victim}'s participation is frozen by its own choice; it is not covered while frozen", art)
    if crisis not in cd.crisis_types:
        kinds = ", ".join(c.value for c in cd.crisis_types)
        return nobody(f"a crisis of type '{crisis.value}' is not covered by {art} (covers: {kinds}); "
                      f"consultations apply ({', '.join(consult) or 'none'})", art)
    if aggressor and a_st in MEMBER_STANDINGS | {Standing.suspended} and not cd.member_aggressor_covered:
        return nobody(f"the aggressor {aggressor} is itself a member; {art} does not bind members "
                      f"against a fellow member", art)
    if territory != "own":
        return nobody(f"the attack is outside {victim}'s territory; {art} covers attacks on members' territory", art)
    if cd.territory == "treaty_area" and victim not in cd.area:
        return nobody(f"{victim}'s territory is outside the treaty area", art)
    conditions: list[str] = []
    if cd.request_required_since and date >= cd.request_required_since:
        conditions.append(f"help is owed at the victim's request ({art} as in force since "
                          f"{cd.request_required_since.isoformat()})")
        if not requested:
            return nobody(f"{victim} has not requested help; {art} binds only at the victim's request", art)
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


def casus_foederis_array(alliance: Alliance, date: dt.date, victim_standing, aggressor_standing, crisis_code,
                         victim_in_area, requested=True):
    """Vectorised :func:`obligations` ``.casus_foederis``, for the ensemble engine: the same rules in the
    same order, on arrays of standings (``aggressor_standing`` = ``Standing.outside`` where there is
    no aggressor), crisis codes (index in ``CrisisType``), and whether the victim's territory lies
    in the treaty area. The attack is taken to fall on the victim's own territory. A test checks it
    against :func:`obligations` cell by cell."""
    import numpy as np

    cd = alliance.collective_defence
    v = np.asarray(victim_standing)
    if date < alliance.in_force or cd is None:
        return np.zeros(v.shape, dtype=bool)
    # set membership as ORs of equalities: the engine calls this every month on a few requests,
    # where np.isin's overhead would dominate
    bound = np.zeros(v.shape, dtype=bool)  # a member, and not frozen
    for s in BOUND_STANDINGS:
        bound |= v == s
    kinds = list(CrisisType)
    codes = np.asarray(crisis_code)
    covered_type = np.zeros(codes.shape, dtype=bool)
    for c in cd.crisis_types:
        covered_type |= codes == kinds.index(c)
    ok = bound & covered_type
    if not cd.member_aggressor_covered:
        agg = np.asarray(aggressor_standing)
        for s in MEMBER_STANDINGS | {Standing.suspended}:
            ok &= agg != s
    if cd.territory == "treaty_area":
        ok &= np.asarray(victim_in_area, dtype=bool)
    if cd.request_required_since and date >= cd.request_required_since:
        ok &= np.asarray(requested, dtype=bool)
    return ok
