"""A toy treaty for rule tests: five states, three founders, six months' notice, a council that
can suspend and expel, admission by invitation and ratification. Built in code, not read from
files, so that each test states exactly the record it replays."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.scenario.schema import Alliance, Event, ScenarioFiles, ScenarioMeta, State

CODES = ("AAA", "BBB", "CCC", "DDD", "EEE")
FOUNDERS = ("AAA", "BBB", "CCC")
SIGNED = dt.date(2000, 1, 1)
IN_FORCE = dt.date(2000, 7, 1)


def toy_alliance(**over) -> Alliance:
    spec = dict(
        id="pact", name="Toy Pact", treaty="Toy Treaty", signed=SIGNED, in_force=IN_FORCE,
        patron="AAA", founders=FOUNDERS,
        collective_defence=dict(article="4", source="toy"),
        consultations=[dict(article="2", source="toy")],
        procedure=[dict(since=IN_FORCE, source="toy")],
        withdrawal=dict(article="9", notice_months=6, source="toy"),
        suspension=dict(source="toy"),
        admission=dict(article="8", source="toy"),
    )
    spec.update(over)
    return Alliance.model_validate(spec)


def ev(date: str, type: str, *actors: str, **kw) -> Event:
    return Event.model_validate(dict(date=date, type=type, alliance="pact", actors=actors, source="toy", **kw))


def toy(events=(), **alliance_over) -> ScenarioFiles:
    states = tuple(State(iso3=c, cow=900 + i, name=c, regime="democracy") for i, c in enumerate(CODES))
    meta = ScenarioMeta(name="toy", title="Toy", start=SIGNED, end=dt.date(2030, 12, 31), focus="pact")
    return ScenarioFiles(scenario=meta, states=states, alliances=(toy_alliance(**alliance_over),),
                         events=tuple(sorted(events, key=lambda e: e.date)))


@pytest.fixture(scope="session")
def make_toy():
    return toy


@pytest.fixture(scope="session")
def make_event():
    return ev
