"""A small ledger for the likelihood: a patron and three founders, an accession, a request and a
consultation, a freeze and a return, a member that does not renew, a clash between members, a
notice that runs its course, an applicant that waits on ratifications, a frozen member that the
council suspends and later reinstates. Built in code, so that each
test states exactly the record it scores."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.scenario.schema import (
    Alliance,
    Behaviour,
    Event,
    ScenarioFiles,
    ScenarioMeta,
    State,
    TimelineChange,
)

CODES = ("AAA", "BBB", "CCC", "DDD", "EEE")
REGIMES = ("autocracy", "hybrid", "democracy", "autocracy", "democracy")


def _ev(date, type, *actors, **kw):
    return Event.model_validate(dict(date=date, type=type, alliance="pact", actors=actors, source="toy", **kw))


def small_ledger() -> ScenarioFiles:
    alliance = Alliance.model_validate(dict(
        id="pact", name="Toy Pact", treaty="Toy Treaty", signed="2000-01-01", in_force="2000-07-01",
        patron="AAA", founders=("AAA", "BBB", "CCC"),
        collective_defence=dict(article="4", source="toy"),
        consultations=[dict(article="2", source="toy")],
        procedure=[dict(since="2000-07-01", source="toy")],
        withdrawal=dict(article="9", notice_months=6, source="toy"),
        renewal=dict(article="10", windows=["2002-07-01"], source="toy"),
        suspension=dict(source="toy"),
        admission=dict(article="8", source="toy"),
        organisation=dict(since="2002-03-15", source="toy"),   # an organisation from April 2002 (dissolution)
    ))
    events = (
        _ev("2000-09-01", "accede", "DDD"),
        _ev("2001-03-10", "request", "BBB", target="EEE", crisis="armed_attack", outcome="limited"),
        _ev("2001-11-05", "consultation", "CCC", crisis="threat", outcome="consulted"),
        _ev("2002-05-20", "freeze", "BBB"),
        _ev("2002-06-15", "renew", "AAA", "BBB", "DDD"),     # CCC does not renew: it leaves at the window
        _ev("2003-01-10", "unfreeze", "BBB"),
        _ev("2003-06-01", "clash", "BBB", "DDD", crisis="member_clash"),
        _ev("2003-07-01", "freeze", "DDD"),
        _ev("2003-11-15", "suspend", "DDD"),                 # the council suspends it, four months on
        _ev("2004-01-05", "reinstate", "DDD"),
        _ev("2004-02-10", "notice", "DDD"),                  # takes effect 2004-08-10
        _ev("2004-03-01", "apply", "EEE"),
        _ev("2004-04-01", "invite", "EEE"),
        _ev("2004-04-20", "ratify", "AAA", target="EEE"),
        _ev("2004-09-05", "ratify", "BBB", target="EEE"),
        _ev("2004-09-20", "admit", "EEE"),
    )
    behaviour = Behaviour.model_validate(dict(
        member_affinity=0.3, member_affinity_known="2000-01-01",
        affinity=[dict(a="AAA", b="BBB", value=0.5, source="toy", known="2000-01-01"), dict(a="AAA", b="EEE", value=0.3, source="toy", known="2000-01-01"),
                  dict(a="BBB", b="EEE", value=-0.4, source="toy", known="2000-01-01")],
        state=[dict(iso3="BBB", ties=0.5, autonomy_cost=0.2, outside_option=0.3, exit_cost=0.4, source="toy", known="2000-01-01"),
               dict(iso3="AAA", committed_share=0.2, source="toy", known="2000-01-01")],
        grievance=[dict(holder="BBB", target="EEE", value=2.0, source="toy", known="2000-01-01")],
    ))
    timeline = (
        TimelineChange(date=dt.date(2001, 1, 1), state="CCC", field="outside_option", value=0.5, known=dt.date(2000, 1, 1)),
        TimelineChange(date=dt.date(2001, 6, 1), state="BBB", field="threat", value=2.0, known=dt.date(2000, 1, 1)),
        TimelineChange(date=dt.date(2002, 1, 1), state="AAA", field="committed_share", value=0.6, known=dt.date(2000, 1, 1)),
    )
    states = tuple(State(iso3=c, cow=900 + i, name=c, regime=r) for i, (c, r) in enumerate(zip(CODES, REGIMES)))
    meta = ScenarioMeta(name="toy", title="Toy", start=dt.date(2000, 1, 1), end=dt.date(2005, 12, 31), focus="pact")
    return ScenarioFiles(scenario=meta, states=states, alliances=(alliance,), events=events, timeline=timeline,
                         behaviour=behaviour)


#: Parameter values away from the defaults, so that every term of the likelihood matters.
TOY_PARAMS = {"hazard_freeze": -3.0, "hazard_notice": -4.0, "hazard_return": -2.0, "hazard_lapse": 0.0,
              "hazard_revoke": -1.5, "member_momentum": 1.0, "momentum_members": 3.0, "momentum_half_life": 12.0,
              "cred_half_life": 24.0,
              "hazard_ratify": 0.5, "ratify_grievance": 1.5, "decision_base_limited": 1.0,
              "hazard_dissolve": -3.0, "dissolve_organisation": -1.5}


@pytest.fixture(scope="session")
def toy_params() -> dict:
    return dict(TOY_PARAMS)


@pytest.fixture(scope="session")
def ledger() -> ScenarioFiles:
    return small_ledger()


@pytest.fixture(scope="session")
def real_obs():
    from foedus.calibration.observations import build

    return build(("csto", "nato"))
