"""A scenario as it was known on a date: information discipline for the backtest.

Every scenario value of the behavioural model — a timeline change, a crisis rate, an affinity, a
state's terms, a grievance — carries ``known``, the date from which it was known (its source's
date; ``schema._Dated``). :func:`as_known` keeps, for each value, the latest version known before
the date; a value known only later falls back to the population's default, which is the schema's
default for an absent entry: the members' common affinity (or 0), a state's terms at 0, no
grievance, no timeline change. A backtest split at ``D`` fits and forecasts on ``as_known(data, D)``:
nothing dated on or after ``D`` reaches it.

A crisis source known only later does not fall back to no crisis (the member's crises of that type
would go unscored, and never arise in a forecast): where a member has no source of a crisis type
known before ``D`` but the scenario gives it one later, :func:`fallback_crises` gives it one at the
rate of that type known at ``D``, the mean rate of the scenario's sources of the type known then
(with none of the type known, the mean of all its sources known then). The sources' rates weigh the
members against one another and the level of each type is fitted on the record
(``crisis_scale_<type>``, docs/calibration.md), so the fallback makes the member an average one of
its type, as far as was known. It keeps the later source's aggressor only where the pair was known
as adversaries at ``D`` (a source known then, a record event before ``D`` or a timeline crisis known
then names both: a war that had begun); else it names none, the population's default.

Versions: the same value may be given more than once with different ``known`` dates (what was
believed in 2015, what was learnt in 2023); the key of a value is what it is about — a timeline
change's date, state and field; a crisis source's victim, type and aggressor; a shared crisis's name; an affinity's
(unordered) pair; a state's code; a grievance's holder and target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

from foedus.scenario.schema import CrisisSource, EventType, ScenarioFiles

#: The record's events that are crises (the likelihood's ``observations._CRISIS_EVENTS``).
CRISIS_EVENTS = (EventType.request, EventType.consultation, EventType.clash, EventType.crisis)

T = TypeVar("T")

KEYS: dict[str, Callable] = {
    "timeline": lambda c: (c.date, c.state, c.field, c.crisis, c.aggressor),
    "crisis": lambda c: (c.victim, c.type, c.aggressor),
    "shared_crisis": lambda c: c.name,
    "affinity": lambda a: frozenset((a.a, a.b)),
    "state": lambda s: s.iso3,
    "grievance": lambda g: (g.holder, g.target),
}


def latest_known(items: Iterable[T], key: Callable[[T], object], before: dt.date) -> tuple[T, ...]:
    """Of each key's versions known before ``before``, the latest known (ties: the later listed),
    in the order the kept versions are listed."""
    best: dict[object, tuple[dt.date, int]] = {}
    listed = list(items)
    for i, item in enumerate(listed):
        if item.known < before and (key(item) not in best or item.known >= best[key(item)][0]):
            best[key(item)] = (item.known, i)
    keep = {i for _, i in best.values()}
    return tuple(item for i, item in enumerate(listed) if i in keep)


def adversaries(data: ScenarioFiles, before: dt.date) -> set[frozenset[str]]:
    """The pairs of states known as adversaries before ``before``: a crisis source known then names
    them (victim and aggressor), a crisis of the record before it does (a clash's two actors; a
    request's, consultation's or crisis's actor and its aggressor, ``target``), or a timeline crisis
    known then does (state and aggressor)."""
    pairs = {frozenset((c.victim, c.aggressor)) for c in data.behaviour.crisis if c.aggressor and c.known < before}
    pairs |= {frozenset((c.state, c.aggressor)) for c in data.timeline
              if c.field == "crisis" and c.aggressor and c.known < before}
    for e in data.events:
        if e.date >= before or e.type not in CRISIS_EVENTS:
            continue
        if e.type == EventType.clash:
            pairs |= {frozenset((a, b)) for a in e.actors for b in e.actors if a < b}
        pairs |= {frozenset((a, e.target)) for a in e.actors if e.target}
    return pairs


def type_rate(known: Iterable[CrisisSource], crisis_type) -> tuple[float, int, dt.date] | None:
    """The rate of ``crisis_type`` known from the sources ``known``: the mean of their rates of that
    type, with none of the type the mean of all; with the number averaged and the latest date they
    were known from. None when no source is known."""
    known = list(known)
    of_type = [c for c in known if c.type == crisis_type] or known
    if not of_type:
        return None
    return sum(c.rate for c in of_type) / len(of_type), len(of_type), max(c.known for c in of_type)


def fallback_crises(data: ScenarioFiles, before: dt.date) -> tuple[CrisisSource, ...]:
    """One source for each (victim, type) whose sources are all known only on or after ``before``,
    at the type's rate known before it (:func:`type_rate`) and with the later source's aggressor only
    where the pair was known as adversaries (:func:`adversaries`); dated by the sources it was
    averaged from, so that it carries only values known before ``before``."""
    kept = latest_known(data.behaviour.crisis, KEYS["crisis"], before)
    have = {(c.victim, c.type) for c in kept}
    later: dict[tuple, list[CrisisSource]] = {}
    for c in data.behaviour.crisis:
        if (c.victim, c.type) not in have:
            later.setdefault((c.victim, c.type), []).append(c)
    pairs = adversaries(data, before) if later else set()
    out = []
    for (victim, ctype), sources in later.items():
        rate = type_rate(kept, ctype)
        if rate is None:
            continue
        aggressor = next((c.aggressor for c in sources if c.aggressor and frozenset((victim, c.aggressor)) in pairs), None)
        what = ctype.value.replace("_", " ") if any(c.type == ctype for c in kept) else "crisis"
        out.append(CrisisSource(victim=victim, type=ctype, aggressor=aggressor, rate=rate[0], known=rate[2],
                                source=f"the population's: the mean rate of the scenario's {rate[1]} {what} "
                                       f"source(s) known before {before.isoformat()}",
                                note=f"stands in for a source known only from {min(c.known for c in sources).isoformat()}"))
    return tuple(out)


def as_known(data: ScenarioFiles, before: dt.date) -> ScenarioFiles:
    """``data`` with only the scenario values known before ``before`` (the latest version of each),
    a crisis source known only later replaced by its type's rate known then (:func:`fallback_crises`)."""
    b = data.behaviour
    behaviour = b.model_copy(update={
        "crisis": latest_known(b.crisis, KEYS["crisis"], before) + fallback_crises(data, before),
        "shared_crisis": latest_known(b.shared_crisis, KEYS["shared_crisis"], before),
        "affinity": latest_known(b.affinity, KEYS["affinity"], before),
        "state": latest_known(b.state, KEYS["state"], before),
        "grievance": latest_known(b.grievance, KEYS["grievance"], before),
        **({"member_affinity": 0.0, "member_affinity_known": None}
           if b.member_affinity_known is not None and b.member_affinity_known >= before else {}),
    })
    return data.model_copy(update={"timeline": latest_known(data.timeline, KEYS["timeline"], before),
                                   "behaviour": behaviour})


def current(data: ScenarioFiles) -> ScenarioFiles:
    """One version of each value: the latest known (what a simulation and the likelihood read)."""
    return as_known(data, dt.date.max)


def known_after(data: ScenarioFiles, on: dt.date) -> list[str]:
    """Labels of the values known on or after ``on`` (what :func:`as_known` withholds; a crisis source
    says where its type's rate known then stands in, :func:`fallback_crises`)."""
    b = data.behaviour
    out = [f"timeline {c.date} {c.state} {c.field} (known {c.known})" for c in data.timeline if c.known >= on]
    standing_in = {(c.victim, c.type) for c in fallback_crises(data, on)}
    for name, items in (("crisis", b.crisis), ("shared_crisis", b.shared_crisis), ("affinity", b.affinity), ("state", b.state), ("grievance", b.grievance)):
        out += [f"{name} {KEYS[name](x) if name != 'affinity' else '-'.join(sorted(KEYS[name](x)))} (known {x.known})"
                + ("; its type's rate known then stands in" if name == "crisis" and (x.victim, x.type) in standing_in else "")
                for x in items if x.known >= on]
    return out
