"""The backtest of the README: fit on what was known before 2020, score the CSTO's and NATO's decisions
of 2020-2025 against per-alliance base rates, an exit logit and "nobody moves"; nothing known after
the split reaches the fit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import foedus
from foedus.api import Scenario
from foedus.calibration import crisis_rates, horizons
from foedus.calibration.backtest import backtest, base_rates, brier, known_observations
from foedus.model.parameters import judgements_unknown
from foedus.scenario.known import as_known, fallback_crises, latest_known
from foedus.scenario.schema import Affinity, CrisisSource, CrisisType, Grievance, StateBehaviour, TimelineChange

SPLIT = dt.date(2020, 1, 1)


@pytest.fixture(scope="module")
def scenarios():
    return [foedus.load_scenario("csto"), foedus.load_scenario("nato")]


@pytest.fixture(scope="module")
def bt(scenarios):
    return backtest(scenarios, SPLIT)


def test_every_later_csto_decision_is_scored(bt):
    csto = [d for d in bt.decisions if d.alliance == "csto"]
    what = [d.what for d in csto]
    assert "2024-02 ARM active: freeze" in what
    assert "2022-09-13 ARM request (armed_attack by AZE): refused" in what
    assert "2022-01-05 KAZ request (unrest): deployed" in what
    assert "2021-05-13 ARM consultation (threat by AZE): refused" in what
    assert sum(1 for d in csto if d.kind == "member:frozen") == 22       # Armenia frozen, Mar 2024 - Dec 2025
    assert {d.actor for d in csto if d.kind == "member:active"} == {"ARM", "BLR", "KAZ", "KGZ", "TJK"}
    assert all(d.what[:4] >= "2020" for d in bt.decisions)


def test_on_the_csto_members_decisions_the_model_beats_the_base_rate_but_not_nobody_moves_on_brier(bt):
    # with only what was known before 2020 (docs/backtest.md): a better log score than every baseline,
    # but "nobody moves" has the lower Brier score: one freeze in 360 member-months
    assert bt.beats("csto membership") == {"base_rate": True, "exit_logit": True, "nobody_moves": False}
    freeze = next(d for d in bt.decisions if d.what == "2024-02 ARM active: freeze")
    # without hindsight Armenia's freeze of February 2024 is barely likelier than the base rate says
    assert freeze.base[1] < freeze.model[1] < 2 * freeze.base[1]
    assert freeze.still[1] == 0.0


def test_the_judgements_resting_on_2022_are_neutral_before_it(bt):
    assert bt.neutralised == {"decision_regime": 0.0, "decision_typecost_unrest": 1.0, "decision_affinity": 0.0}
    assert judgements_unknown(dt.date(2023, 1, 1)) == {}
    assert any("affinity AZE-RUS" in w for w in bt.withheld) and any("state ARM" in w for w in bt.withheld)


def test_base_rates_are_per_alliance_and_per_crisis_type(scenarios, bt):
    obs, _ = known_observations(scenarios, SPLIT)
    rate = base_rates(obs, SPLIT)
    # three of the eight CSTO members at the 1999 window did not renew: (3 + 0.5) / (8 + 1)
    assert rate("csto", "renewal", "")[1] == pytest.approx(3.5 / 9)
    assert rate("nato", "renewal", "")[1] == pytest.approx(0.5)          # NATO never had a window
    assert rate("csto", "outcome:consultation", "threat")[0] == 0.0
    # NATO's allies asked after the attack of 2001 and at threats (Turkey 2003, 2012): two types, two rates
    assert list(rate("nato", "request", "threat")) != list(rate("nato", "request", "armed_attack"))
    # the crisis months too: NATO's months of threats and its months open to an armed attack have their own rates
    assert rate("nato", "crisis", "threat")[1] != rate("nato", "crisis", "armed_attack")[1]
    # a crisis type with no month before the split: the alliance's rate over every type
    assert list(rate("csto", "crisis", "no such type")) == list(rate("csto", "crisis", "*"))
    assert brier([0.25, 0.75], 1) == pytest.approx(0.125)
    row = next(r for r in bt.summary() if r["group"] == "csto membership")
    assert row["nobody_moves_log"] == float("-inf") and row["decisions"] > 300
    json.dumps(bt.summary())  # plain numbers, for --json and summary.json


def test_from_2005_every_csto_crisis_is_scored_with_what_was_known_in_2004(scenarios):
    obs, withheld = known_observations(scenarios, dt.date(2005, 1, 1))
    rows = next(r for r in obs.records if r.alliance == "csto").rows["crisis"]
    crises = [w for w, y in zip(rows.what, rows.y) if y == 1 and w >= "2005"]
    # Kyrgyzstan's unrest of 2010 and Kazakhstan's of 2022 were judged only later; the clashes too
    assert {"2010-04 KGZ unrest: crisis", "2022-01 KAZ unrest: crisis", "2021-04 KGZ member_clash: crisis",
            "2021-05 ARM threat: crisis"} <= set(crises) and len(crises) == 8
    assert any("KAZ" in w and "stands in" in w for w in withheld)
    kaz = as_known(scenarios[0].data, dt.date(2005, 1, 1)).behaviour.crisis
    # the rate known then: the one source known in 2004, Armenia's attacks counted from COW MID 1992-2004
    assert [c.rate for c in kaz if c.victim == "KAZ"] == [0.0224]


def _toy(ledger) -> Scenario:
    return Scenario(data=ledger, path=Path("."), hash="toy")


def _poisoned(ledger, known: dt.date):
    """The toy ledger with values that would change the fit, each dated ``known``."""
    b = ledger.behaviour
    behaviour = b.model_copy(update={
        "affinity": b.affinity + (Affinity(a="AAA", b="BBB", value=-1.0, source="poison", known=known),),
        "state": b.state + (StateBehaviour(iso3="BBB", ties=-5.0, autonomy_cost=5.0, outside_option=5.0,
                                           source="poison", known=known),),
        "grievance": b.grievance + (Grievance(holder="BBB", target="EEE", value=10.0, source="poison", known=known),)})
    timeline = ledger.timeline + (TimelineChange(date=dt.date(2001, 2, 1), state="BBB", field="committed_share",
                                                 value=1.0, source="poison", known=known),)
    return ledger.model_copy(update={"behaviour": behaviour, "timeline": timeline})


def test_a_value_known_after_the_split_changes_nothing_in_the_fit_or_the_scores(ledger):
    split = dt.date(2003, 1, 1)
    clean = backtest([_toy(ledger)], split)
    later = backtest([_toy(_poisoned(ledger, dt.date(2003, 6, 1)))], split)
    assert later.fit.parameters() == clean.fit.parameters()
    assert [list(d.model) for d in later.decisions] == [list(d.model) for d in clean.decisions]
    assert len(later.withheld) == len(clean.withheld) + 4
    # the same values known before the split do change the fit: the test can fail
    earlier = backtest([_toy(_poisoned(ledger, dt.date(2000, 6, 1)))], split)
    assert earlier.fit.parameters() != clean.fit.parameters()


def test_a_later_version_of_a_value_gives_way_to_the_one_known_then(ledger):
    old = Affinity(a="AAA", b="BBB", value=0.5, source="then", known=dt.date(2000, 1, 1))
    new = Affinity(a="BBB", b="AAA", value=-0.5, source="learnt later", known=dt.date(2004, 1, 1))
    data = ledger.model_copy(update={"behaviour": ledger.behaviour.model_copy(update={"affinity": (old, new)})})
    assert as_known(data, dt.date(2003, 1, 1)).behaviour.affinity == (old,)
    assert as_known(data, dt.date(2005, 1, 1)).behaviour.affinity == (new,)
    assert as_known(data, dt.date(1999, 1, 1)).behaviour.affinity == ()


_days = st.integers(0, 3000).map(lambda n: dt.date(2000, 1, 1) + dt.timedelta(days=n))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["AAA", "BBB", "CCC"]), _days), max_size=12), _days)
def test_latest_known_keeps_one_version_per_key_the_latest_before_the_date(versions, before):
    items = [StateBehaviour(iso3=iso3, source="s", known=known) for iso3, known in versions]
    kept = latest_known(items, lambda s: s.iso3, before)
    assert len({s.iso3 for s in kept}) == len(kept)
    assert all(s.known < before for s in kept)
    for s in kept:
        assert s.known == max(x.known for x in items if x.iso3 == s.iso3 and x.known < before)
    assert {s.iso3 for s in kept} == {x.iso3 for x in items if x.known < before}


def test_a_simulation_reads_the_latest_version_of_a_value(ledger):
    from foedus.engine.compile import compile_model

    old = Affinity(a="AAA", b="BBB", value=0.5, source="then", known=dt.date(2000, 1, 1))
    new = Affinity(a="BBB", b="AAA", value=-0.5, source="learnt later", known=dt.date(2004, 1, 1))
    both = ledger.model_copy(update={"behaviour": ledger.behaviour.model_copy(update={"affinity": (new, old)})})
    latest = ledger.model_copy(update={"behaviour": ledger.behaviour.model_copy(update={"affinity": (new,)})})
    a = compile_model(both, dt.date(2003, 1, 1), 12).affinity
    assert (a == compile_model(latest, dt.date(2003, 1, 1), 12).affinity).all()
    assert a[0, 1] == -0.5


def _with_crises(ledger, *sources: CrisisSource):
    return ledger.model_copy(update={"behaviour": ledger.behaviour.model_copy(update={"crisis": sources})})


def _source(victim, type, rate, known, aggressor=None, source="toy"):
    return CrisisSource(victim=victim, type=type, aggressor=aggressor, rate=rate, source=source, known=known)


#: Two armed-attack sources known from the start: the population of sources a split in 2003 knows.
_KNOWN = (_source("BBB", "armed_attack", 0.02, dt.date(2000, 1, 1), "EEE"),
          _source("CCC", "armed_attack", 0.04, dt.date(2000, 1, 1), "EEE"))


def test_a_crisis_source_known_only_later_falls_back_to_its_types_rate_known_at_the_split(ledger):
    # BBB's clashes with DDD are judged only in 2004, after the clash of June 2003 (the record)
    later = _source("BBB", "member_clash", 0.5, dt.date(2004, 6, 1), "DDD", "learnt later")
    data = _with_crises(ledger, *_KNOWN, later)
    (fb,) = fallback_crises(data, dt.date(2003, 1, 1))
    # no clash known in 2002: the mean of every source known then, and no aggressor (no clash yet)
    assert (fb.victim, fb.type, fb.aggressor) == ("BBB", CrisisType.member_clash, None)
    assert fb.rate == pytest.approx(0.03) and fb.known == dt.date(2000, 1, 1)
    # after the clash of June 2003 the pair is known as adversaries: the fallback names DDD
    (fb,) = fallback_crises(data, dt.date(2003, 7, 1))
    assert fb.aggressor == "DDD"
    assert fallback_crises(data, dt.date(2005, 1, 1)) == ()       # the source itself is known by then
    # a type with sources known then takes their mean: CCC's threat by EEE, a pair at war since 2000
    data = _with_crises(ledger, *_KNOWN, _source("BBB", "threat", 0.01, dt.date(2000, 1, 1), "EEE"),
                        _source("CCC", "threat", 0.9, dt.date(2004, 1, 1), "EEE"))
    (fb,) = fallback_crises(data, dt.date(2003, 1, 1))
    assert (fb.victim, fb.aggressor, fb.rate) == ("CCC", "EEE", 0.01)
    # nothing known at all: no crisis, as before
    assert fallback_crises(_with_crises(ledger, later), dt.date(2003, 1, 1)) == ()


def test_the_clash_of_a_source_judged_later_is_scored_and_its_later_values_change_nothing(ledger, monkeypatch):
    split = dt.date(2003, 1, 1)

    def unread():
        raise AssertionError("the pooled MID crisis rates (counted to 2010) reached a split")

    # the fallback rests on the scenario's sources known then, never on crisis-rates.toml's fit
    monkeypatch.setattr(crisis_rates, "shipped", unread)

    def run(rate, known, aggressor="DDD"):
        return backtest([_toy(_with_crises(ledger, *_KNOWN, _source("BBB", "member_clash", rate, known, aggressor)))], split)

    low, high = run(0.001, dt.date(2004, 6, 1)), run(0.9, dt.date(2005, 3, 1), "CCC")
    clash = [d for d in low.decisions if d.kind == "crisis" and d.what == "2003-06 BBB member_clash: crisis"]
    assert len(clash) == 1 and clash[0].model[1] > 0
    assert high.fit.parameters() == low.fit.parameters()
    assert [list(d.model) for d in high.decisions] == [list(d.model) for d in low.decisions]
    assert any("stands in" in w for w in low.withheld)
    # the same source known before the split does change the fit: the test can fail
    assert run(0.9, dt.date(2002, 6, 1)).fit.parameters() != low.fit.parameters()
    data = as_known(_with_crises(ledger, *_KNOWN, _source("BBB", "member_clash", 0.9, dt.date(2004, 6, 1))), split)
    counts = horizons.simulate_horizons(data, split, low.fit.parameters(), 20, 0, (1,))
    assert counts[1].shape[0] == 20


_sources = st.lists(st.builds(
    _source, st.sampled_from(["AAA", "BBB", "CCC"]), st.sampled_from([t.value for t in CrisisType]),
    st.floats(0.0, 0.1), _days, st.sampled_from([None, "DDD", "EEE"])), max_size=10)


@settings(max_examples=60, deadline=None)
@given(_sources, _days, st.floats(0.0, 1.0))
def test_as_known_gives_every_victim_and_type_a_source_known_then_and_no_later_value(ledger, sources, before, poison):
    data = _with_crises(ledger, *sources)
    crises = as_known(data, before).behaviour.crisis
    assert all(c.known < before for c in crises)
    if any(c.known < before for c in sources):
        assert {(c.victim, c.type) for c in crises} == {(c.victim, c.type) for c in sources}
        rates = [c.rate for c in sources if c.known < before]
        assert all(min(rates) <= c.rate <= max(rates) for c in crises)
    else:
        assert crises == ()
    # the rates of the sources known only later may be anything: what is known before the split is the same
    poisoned = [c.model_copy(update={"rate": poison, "source": "learnt later"}) if c.known >= before else c for c in sources]
    assert as_known(_with_crises(ledger, *poisoned), before).behaviour.crisis == crises
