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
