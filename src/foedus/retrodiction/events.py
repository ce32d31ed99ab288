"""The classes of event a retrodiction compares, and their real counts in the replayed record.

One home for what counts as what: a class is named once here, with the record's event types that
make it and whether the engine can produce it. A class the engine cannot produce would be compared
as such -- its real count shown, no simulated distribution -- never faked. The engine produces an
alliance's end at the end of a term that does not renew, or that renews tacitly with fewer than two
parties left (``engine.step._term_end``), and by the parties' act: a dissolution or termination
(``model.dissolution``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from foedus.ledger.replay import replay
from foedus.scenario.schema import EventType, Outcome, ScenarioFiles, ends_alliance

E = EventType


@dataclass(frozen=True)
class EventClass:
    name: str
    label: str
    simulated: bool = True      # the engine produces it (else: the real count alone, "not simulated")


#: In the order of the tables. ``exits`` is every member that left; ``exits_notice`` and
#: ``exits_renewal`` split it by cause where the record knows the cause (ATOP does not: its exits
#: count in ``exits`` only).
CLASSES: tuple[EventClass, ...] = (
    EventClass("crises", "crises on the record (requests, consultations, clashes, crises without a request)"),
    EventClass("requests", "requests for help or consultations"),
    EventClass("deployments", "requests answered with a deployment"),
    EventClass("limited", "requests answered with limited help"),
    EventClass("refusals", "requests refused"),
    EventClass("freezes", "members freezing their participation"),
    EventClass("notices", "formal notices of withdrawal"),
    EventClass("exits", "members leaving (any cause)"),
    EventClass("exits_notice", "members leaving at the end of a notice"),
    EventClass("exits_renewal", "members leaving by not renewing"),
    EventClass("suspensions", "members suspended by the council"),
    EventClass("returns", "frozen members returning"),
    EventClass("accessions", "states joining (accession, admission, return of a former member)"),
    EventClass("alliance_ends", "the alliance ending (dissolution, expiry, termination; not a supersession)"),
)
NAMES = tuple(c.name for c in CLASSES)
BY_NAME = {c.name: c for c in CLASSES}

#: ``consulted`` is limited help, as the model codes it (``model.credibility``).
_OUTCOME = {Outcome.deployed: "deployments", Outcome.limited: "limited", Outcome.consulted: "limited",
            Outcome.refused: "refusals"}
#: Record event type -> the classes it adds one to, per actor.
_PER_ACTOR = {
    E.freeze: ("freezes",), E.notice: ("notices",), E.unfreeze: ("returns",), E.suspend: ("suspensions",),
    E.withdraw: ("exits", "exits_notice"), E.lapse: ("exits", "exits_renewal"), E.exit: ("exits",),
    E.expel: ("exits",), E.denounce: ("exits",), E.accede: ("accessions",), E.admit: ("accessions",), E.rejoin: ("accessions",),
}


def classes_of(ev) -> list[str]:
    """The classes one record event adds to (with repeats: one per actor where it is per actor)."""
    if ev.type in (E.request, E.consultation):   # one request per member asking (NATO, 24 Feb 2022: eight)
        per = ["crises", "requests"] + ([_OUTCOME[ev.outcome]] if ev.outcome in _OUTCOME else [])
        return per * len(ev.actors)
    if ev.type == E.clash:   # one crisis: the timeline injects it on its first actor
        return ["crises"]
    if ev.type == E.denounce and not ev.in_effect:   # a denunciation that did not take effect: nobody left
        return []
    if ev.type == E.crisis:   # a crisis in which the member did not ask, one per member
        return ["crises"] * len(ev.actors)
    return [c for _ in ev.actors for c in _PER_ACTOR.get(ev.type, ())]


def real_counts(data: ScenarioFiles, alliance: str, start: dt.date, end: dt.date,
                alliance_end: dt.date | None = None) -> dict[str, int]:
    """Each class's count in the record of ``alliance`` after ``start`` up to ``end`` (inclusive),
    the events the treaty rules generate included (a notice falling due, a lapse at a renewal
    window). ``alliance_end``: the date the alliance ended, where a data set records it."""
    counts = dict.fromkeys(NAMES, 0)
    events = replay(data, end).events
    for applied in events:
        ev = applied.event
        if ev.alliance != alliance or not (start < ev.date <= end):
            continue
        for c in classes_of(ev):
            counts[c] += 1
    ended = any(a.event.type == E.end and ends_alliance(a.event.end_cause) and a.event.alliance == alliance
                and start < a.event.date <= end for a in events)
    counts["alliance_ends"] = int(ended or (alliance_end is not None and start < alliance_end <= end))
    return counts
