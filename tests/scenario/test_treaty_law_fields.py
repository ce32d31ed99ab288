"""The scenario format's fields for the general treaty law: a mistake is one line naming the file
and the field."""

from __future__ import annotations

import pytest

from foedus.errors import ScenarioError
from foedus.scenario.loader import read_folder


@pytest.fixture
def anzus(scenario_copy):
    return scenario_copy("anzus")


def test_an_exit_without_its_cause_names_the_event(anzus):
    with open(anzus / "record.toml", "a") as fh:
        fh.write('\n[[event]]\ndate = 2002-01-01\ntype = "exit"\nalliance = "anzus"\nactors = ["NZL"]\nsource = "t"\n')
    with pytest.raises(ScenarioError, match=r"record.toml: event\[5\]: .*needs a cause"):
        read_folder(anzus)


def test_a_treaty_area_place_must_be_a_declared_state_or_territory(anzus):
    text = (anzus / "alliances.toml").read_text().replace('place = "GUM"', 'place = "GUX"')
    (anzus / "alliances.toml").write_text(text)
    with pytest.raises(ScenarioError, match=r"collective_defence.places\[0\].place: expected a state or a territory"):
        read_folder(anzus)


def test_a_term_that_renews_needs_its_renewal_length(anzus):
    with open(anzus / "alliances.toml", "a") as fh:
        fh.write('\n[alliance.term]\narticle = "X"\nmonths = 120\nrenewal = "tacit"\nsource = "t"\n')
    with pytest.raises(ScenarioError, match="renewal_months"):
        read_folder(anzus)
