"""Every prior carries the date from which it could have been written, in one place: the prior itself."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foedus.calibration.fit import PRIORS, TREATY_KNOWN, Prior, priors_known
from foedus.errors import ArgumentError
from foedus.model.parameters import registry


def test_a_prior_cannot_be_written_without_the_date_it_was_known():
    with pytest.raises(TypeError):
        Prior("hazard_freeze", -7.0, 2.5, "judgement")          # no known date: fails at once, not at backtest time
    with pytest.raises(ArgumentError, match="prior hazard_freeze"):
        Prior("hazard_freeze", -7.0, 2.5, "judgement", known="2007")


def test_an_earlier_stand_in_must_be_of_the_same_parameter_and_known_before():
    later = dt.date(2018, 12, 31)
    with pytest.raises(ArgumentError, match="earlier prior"):
        Prior("decision_base_deploy", 0.0, 1.5, "s", known=later,
              earlier=Prior("decision_base_deploy", 0.0, 1.5, "s", known=dt.date(2020, 1, 1)))
    with pytest.raises(ArgumentError, match="earlier prior"):
        Prior("decision_base_deploy", 0.0, 1.5, "s", known=later,
              earlier=Prior("hazard_freeze", 0.0, 1.5, "s", known=dt.date(2003, 12, 31)))


def test_every_shipped_prior_names_a_parameter_and_a_date_within_the_record():
    reg = registry()
    for p in PRIORS:
        assert p.name in reg
        assert TREATY_KNOWN <= p.known <= dt.date(2025, 12, 31), p.name


def test_before_2018_the_deployment_prior_is_leeds_2003_and_after_it_berkemeier_and_fuhrmann():
    deploy = next(p for p in PRIORS if p.name == "decision_base_deploy")
    before = deploy.as_known(dt.date(2010, 1, 1))
    assert "Leeds 2003" in before.source and before.mean > deploy.mean
    assert deploy.as_known(dt.date(2019, 1, 1)) is deploy
    assert "vague" in deploy.as_known(dt.date(2000, 1, 1)).source   # before Leeds 2003 too


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_a_backtest_prior_is_never_known_on_or_after_its_split_unless_it_is_vague(split):
    for p, q in zip(PRIORS, priors_known(split)):
        assert q.name == p.name
        assert q.known < split or q.source.startswith("vague"), (p.name, split)
        assert q.sd >= p.sd or q.known < split
