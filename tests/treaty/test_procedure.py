"""Decision procedures: consensus, and since December 2010 in the CSTO abstention without blocking."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import foedus
from foedus.errors import RuleViolation
from foedus.treaty.procedure import ABSTAIN, NO, YES, blockers, passes, procedure_on


@pytest.fixture(scope="module")
def csto():
    return foedus.load_scenario("csto").alliance("csto")


def test_csto_consensus_without_abstention_before_december_2010(csto):
    p = procedure_on(csto, dt.date(2010, 6, 12))
    assert p.rule == "consensus" and not p.abstention


def test_csto_members_may_abstain_without_blocking_from_december_2010(csto):
    p = procedure_on(csto, dt.date(2022, 9, 13))
    assert p.rule == "consensus" and p.abstention


def test_no_procedure_before_the_treaty_is_in_force(csto):
    with pytest.raises(RuleViolation, match="decision procedure in force"):
        procedure_on(csto, dt.date(1993, 1, 1))


def test_nato_decides_by_consensus():
    nato = foedus.load_scenario("nato").alliance("nato")
    p = procedure_on(nato, dt.date(2024, 1, 1))
    assert p.rule == "consensus" and not p.abstention


def test_one_no_blocks_a_consensus():
    assert not passes(np.array([YES, YES, NO]), np.ones(3, bool), abstention=True)


def test_an_abstention_blocks_only_where_abstention_is_not_allowed():
    votes, eligible = np.array([YES, ABSTAIN, YES]), np.ones(3, bool)
    assert passes(votes, eligible, abstention=True)
    assert not passes(votes, eligible, abstention=False)


def test_an_ineligible_member_cannot_block():
    assert passes(np.array([YES, NO]), np.array([True, False]), abstention=False)


def test_a_decision_with_no_eligible_voter_does_not_pass():
    assert not passes(np.array([YES]), np.array([False]), abstention=True)


def test_passes_over_many_runs_at_once():
    votes = np.array([[YES, YES], [YES, NO], [ABSTAIN, YES]])
    np.testing.assert_array_equal(passes(votes, np.ones((3, 2), bool), abstention=True), [True, False, True])


def test_blockers_named():
    assert blockers({"ARM": NO, "RUS": YES, "KAZ": ABSTAIN}, abstention=True) == ["ARM"]
    assert blockers({"ARM": NO, "RUS": YES, "KAZ": ABSTAIN}, abstention=False) == ["ARM", "KAZ"]


# -- the council's answer to a request: deployment, else limited help, else refusal -------------------

from itertools import product  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from foedus.treaty.procedure import DEPLOYED, LIMITED, REFUSED, answer_probs, council_answer  # noqa: E402


def test_a_deployment_needs_the_patrons_yes():
    everyone = np.ones(3, bool)
    patron = np.array([True, False, False])
    assert council_answer([YES, YES, YES], [YES] * 3, everyone, patron, True, False) == DEPLOYED
    assert council_answer([ABSTAIN, YES, YES], [YES] * 3, everyone, patron, True, False) == LIMITED


def test_a_mere_threat_gets_no_deployment():
    assert council_answer([YES, YES], [YES, YES], np.ones(2, bool), np.zeros(2, bool), True, True) == LIMITED


def test_an_abstention_blocks_only_where_the_procedure_says_so():
    votes = [YES, ABSTAIN]
    assert council_answer(votes, votes, np.ones(2, bool), np.zeros(2, bool), True, False) == DEPLOYED
    assert council_answer(votes, votes, np.ones(2, bool), np.zeros(2, bool), False, False) == REFUSED


def test_one_answer_per_request_over_many_at_once():
    deploy = np.array([[YES, YES], [NO, YES], [YES, NO]])
    limited = np.array([[YES, YES], [YES, YES], [NO, YES]])
    got = council_answer(deploy, limited, np.ones((3, 2), bool), np.zeros((3, 2), bool), np.array([True, True, False]),
                         np.zeros(3, bool))
    assert got.tolist() == [DEPLOYED, LIMITED, REFUSED]
    for k in range(3):   # the same as one request at a time
        assert council_answer(deploy[k], limited[k], np.ones(2, bool), np.zeros(2, bool), [True, True, False][k], False) == got[k]


_VOTES = (YES, ABSTAIN, NO)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 3), data=st.data())
def test_closed_form_answer_is_the_sum_over_every_ballot(n, data):
    """``answer_probs`` is ``council_answer`` summed over every combination of votes, weighted by
    the votes' probabilities: the likelihood's closed form is the procedure the engine samples."""
    unit = st.floats(0.0, 1.0)
    probs = []
    for _level in range(2):
        rows = []
        for _ in range(n):
            y, r = data.draw(unit), data.draw(unit)
            rows.append((y, (1 - y) * r, (1 - y) * (1 - r)))
        probs.append(np.array(rows))      # (n, 3): p_yes, p_abstain, p_no
    eligible = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    patron = np.zeros(n, bool)
    patron[data.draw(st.integers(0, n - 1))] = data.draw(st.booleans())
    abstention, threat = data.draw(st.booleans()), data.draw(st.booleans())
    want = np.zeros(3)
    for dv in product(range(3), repeat=n):
        for lv in product(range(3), repeat=n):
            w = np.prod([probs[0][j, dv[j]] * probs[1][j, lv[j]] for j in range(n)])
            ans = council_answer([_VOTES[x] for x in dv], [_VOTES[x] for x in lv], eligible, patron, abstention, threat)
            want[int(ans)] += w
    level = lambda k: tuple(probs[k][None, :, c] for c in range(3))  # noqa: E731
    got = answer_probs(level(0), level(1), eligible[None], patron[None], np.array([abstention]), np.array([threat]))[0]
    np.testing.assert_allclose(got, want, atol=1e-12)
