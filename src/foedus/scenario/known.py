"""A scenario as it was known on a date: information discipline for the backtest.

Every scenario value of the behavioural model — a timeline change, a crisis rate, an affinity, a
state's terms, a grievance — carries ``known``, the date from which it was known (its source's
date; ``schema._Dated``). :func:`as_known` keeps, for each value, the latest version known before
the date; a value known only later falls back to the population's default, which is the schema's
default for an absent entry: no crisis from that source, the members' common affinity (or 0), a
state's terms at 0, no grievance, no timeline change. A backtest split at ``D`` fits and forecasts
on ``as_known(data, D)``: nothing dated on or after ``D`` reaches it.

Versions: the same value may be given more than once with different ``known`` dates (what was
believed in 2015, what was learnt in 2023); the key of a value is what it is about — a timeline
change's date, state and field; a crisis source's victim, type and aggressor; a shared crisis's name; an affinity's
(unordered) pair; a state's code; a grievance's holder and target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

from foedus.scenario.schema import ScenarioFiles

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


def as_known(data: ScenarioFiles, before: dt.date) -> ScenarioFiles:
    """``data`` with only the scenario values known before ``before`` (the latest version of each)."""
    b = data.behaviour
    behaviour = b.model_copy(update={
        "crisis": latest_known(b.crisis, KEYS["crisis"], before),
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
    """Labels of the values known on or after ``on`` (what :func:`as_known` withholds)."""
    b = data.behaviour
    out = [f"timeline {c.date} {c.state} {c.field} (known {c.known})" for c in data.timeline if c.known >= on]
    for name, items in (("crisis", b.crisis), ("shared_crisis", b.shared_crisis), ("affinity", b.affinity), ("state", b.state), ("grievance", b.grievance)):
        out += [f"{name} {KEYS[name](x) if name != 'affinity' else '-'.join(sorted(KEYS[name](x)))} (known {x.known})"
                for x in items if x.known >= on]
    return out
