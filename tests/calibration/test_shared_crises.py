"""The likelihood of a shared crisis: the record's rows of one event (NATO, 3 Mar 2014 and
24 Feb 2022) are scored as one arrival with one severity, so eight allies asking together is
one likely event, not eight coincidences."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import foedus
from foedus.calibration import likelihood
from foedus.calibration.observations import build_alliance
from foedus.errors import ScenarioError
from foedus.model.parameters import Parameters
from foedus.scenario.loader import read_folder

probs = st.floats(0.01, 0.99)


@st.composite
def groups(draw):
    q = draw(st.integers(1, 6))
    Q = 5
    w = np.array(draw(st.lists(st.lists(st.floats(0.01, 1.0), min_size=Q, max_size=Q), min_size=q, max_size=q)))
    pr = np.array(draw(st.lists(st.lists(probs, min_size=Q, max_size=Q), min_size=q, max_size=q)))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=q, max_size=q)))
    group = np.array(draw(st.lists(st.integers(-1, 1), min_size=q, max_size=q)))
    return w / w.sum(1, keepdims=True), pr, y, group


@given(groups())
@settings(max_examples=200, deadline=None)
def test_the_rows_of_a_shared_crisis_multiply_to_their_joint_probability(g):
    w, pr, y, group = g
    wc, after = likelihood.shared_severity(w, pr, y, group)
    p_obs = np.where(y == 0, (wc * pr).sum(1), (wc * (1 - pr)).sum(1))
    lik = np.where(y[:, None] == 0, pr, 1 - pr)
    for gid in set(group[group >= 0].tolist()):
        rows = np.flatnonzero(group == gid)
        joint = (w[rows[0]] * lik[rows].prod(0)).sum()      # one severity for the whole group
        assert np.prod(p_obs[rows]) == pytest.approx(joint, rel=1e-9)
        assert after[gid].sum() == pytest.approx(joint, rel=1e-9)
    alone = group < 0
    np.testing.assert_allclose(wc[alone], w[alone])       # a crisis of one member keeps its severity law


@given(st.lists(st.floats(-3, 3), min_size=2, max_size=8), st.floats(0.5, 6))
@settings(max_examples=100, deadline=None)
def test_allies_asking_together_are_likelier_under_one_severity_than_as_coincidences(bases, slope):
    # P(ask) rises with severity for every ally: a shared severity makes joint asking at least
    # as likely as the product of the marginals (Chebyshev's association inequality)
    s = np.linspace(0.025, 0.975, 20)
    pr = 1 / (1 + np.exp(-(np.array(bases)[:, None] + slope * (s[None, :] - 0.5))))
    w = np.full((len(bases), len(s)), 1 / len(s))
    y, group = np.zeros(len(bases), int), np.zeros(len(bases), int)
    wc, _ = likelihood.shared_severity(w, pr, y, group)
    joint = np.prod((wc * pr).sum(1))
    marginals = np.prod((w * pr).sum(1))
    assert joint >= marginals * (1 - 1e-12)


@pytest.fixture(scope="module")
def nato_record():
    sc = foedus.load_scenario("nato")
    return build_alliance(sc.data, "nato", sc.full_replay, "nato")


def test_the_record_has_two_shared_crises_crimea_and_the_invasion(nato_record):
    r = nato_record.rows["crisis:shared"]
    assert [w for w, y in zip(r.what, r.y) if y] == ["2014-03 russia-neighbour: crisis", "2022-02 russia-neighbour: crisis"]


def test_the_24_february_2022_group_is_nine_allies_eight_of_whom_ask(nato_record):
    r = nato_record.rows["request"]
    rows = [k for k, w in enumerate(r.what) if w.startswith("2022-02-24")]
    assert len(rows) == 9 and len(set(nato_record.rq_group[rows])) == 1 and nato_record.rq_group[rows[0]] >= 0
    asked = {r.actor[k] for k in rows if r.y[k] == 0}
    assert asked == {"BGR", "CZE", "EST", "LVA", "LTU", "POL", "ROU", "SVK"}


def test_a_shared_crisis_is_not_counted_again_as_each_allys_own(nato_record):
    r = nato_record.rows["crisis"]
    own = [w for w, y in zip(r.what, r.y) if y and (w.startswith("2022-02") or w.startswith("2014-03"))]
    assert own == []


def test_eight_allies_asking_at_once_is_likelier_as_one_event_than_as_eight_independent_ones(nato_record):
    # request_shared at 0: ungrouped rows lose the shared flag too, and only the common severity should differ
    p = Parameters.for_scenario(foedus.load_scenario("nato").data.parameters).replace(request_shared=0.0)
    obs = likelihood.Observations((nato_record,))
    scored = [s for s in likelihood.score(p, obs) if s.kind == "request"][0]
    # the eight that asked come first in the group: the product of their rows is their joint probability
    rows = [k for k, w in enumerate(nato_record.rows["request"].what) if w.startswith("2022-02-24") and w.endswith("asks")]
    assert len(rows) == 8 and rows == list(range(rows[0], rows[0] + 8))
    grouped = np.log(scored.p_observed[rows]).sum()
    alone = replace(nato_record, rq_group=np.full(len(nato_record.rq_group), -1), cache={})
    independent = np.log([s for s in likelihood.score(p, likelihood.Observations((alone,))) if s.kind == "request"][0]
                         .p_observed[rows]).sum()
    assert grouped > independent


@pytest.fixture
def nato_copy(scenario_copy):
    return scenario_copy("nato")


def test_a_shared_crisis_the_behaviour_does_not_declare_is_named(nato_copy):
    f = nato_copy / "record.toml"
    f.write_text(f.read_text().replace('shared_crisis = "russia-neighbour"', 'shared_crisis = "russia-nieghbour"', 1))
    with pytest.raises(ScenarioError, match=r"record.toml: event\[\d+\].shared_crisis: expected the name of a "):
        read_folder(nato_copy)


def test_a_shared_crisis_that_leaves_out_an_exposed_ally_is_named(nato_copy):
    f = nato_copy / "record.toml"
    text = f.read_text()
    f.write_text(text.replace('actors = ["HUN"]\ntarget = "RUS"\ncrisis = "threat"\nshared_crisis = "russia-neighbour"',
                              'actors = ["HUN"]\ntarget = "RUS"\ncrisis = "threat"', 1))
    sc = foedus.load_scenario(nato_copy)
    with pytest.raises(ScenarioError, match="missing: HUN"):
        build_alliance(sc.data, "nato", sc.full_replay, "nato")
