"""Crises, requests and the council's answers, CSTO and NATO, July 2004 to December 2025: every
crisis drawn at the rates fitted on the record, every request and every answer simulated (300
seeded runs). The real counts of the classes the model now reproduces lie inside the simulated
90% intervals (docs/retrodiction.md), so no later change can quietly break the fit to history:
the CSTO's crises, requests, its one deployment (Kazakhstan 2022) and its one limited help
(Kyrgyzstan 2010); NATO's refusals (none: consultations held every time it was asked) and
deployments (none)."""

from __future__ import annotations

import pytest

from foedus.retrodiction import retrodict

#: The classes inside today on the fitted values. NATO's crises, requests and consultations held
#: come inside with the crises shared by several members (the eight consultations of 24 Feb 2022
#: one event, docs/model.md §2). Outside on the fitted values (docs/retrodiction.md, "What it does
#: not reproduce"): the CSTO's refusals; not asserted either way.
REPRODUCED = {
    "csto": ("crises", "requests", "deployments", "limited"),
    "nato": ("crises", "requests", "deployments", "limited", "refusals"),
}


@pytest.fixture(scope="module", params=sorted(REPRODUCED))
def history(request, history_rows):
    return request.param, history_rows(request.param)


def test_crises_requests_and_answers_lie_inside_the_simulated_90_percent_intervals(history, outside_interval):
    name, rows = history
    outside = outside_interval(rows, REPRODUCED[name])
    assert outside == {}, f"{name}: real count outside the 90% interval (real, q05, q95): {outside}"


def test_the_record_counts_behind_the_check(history):
    """The record's crises include those in which the member did not ask: Kyrgyzstan's April
    revolution of 2010 and Armenia in the Karabakh war of 2020; Britain after Salisbury (2018),
    Poland after Przewodow (2022), and the exposed allies of the eastern flank that did not ask when
    Russia seized Crimea (six, 2014) and invaded Ukraine (Hungary, 2022)."""
    name, rows = history
    real = {e: int(rows.at[e, "real"]) for e in ("crises", "requests", "deployments", "limited", "refusals")}
    if name == "csto":
        assert real == {"crises": 8, "requests": 4, "deployments": 1, "limited": 1, "refusals": 2}
    else:
        assert real == {"crises": 26, "requests": 17, "deployments": 0, "limited": 17, "refusals": 0}


def test_the_simulated_council_neither_collapses_nor_waves_everything_through(history):
    """The answers are not a foregone conclusion either way: in both alliances some runs refuse
    and some help (the council's shared shock, docs/model.md §4)."""
    name, rows = history
    assert rows.at["refusals", "mean"] > 0.05
    assert rows.at["limited", "mean"] + rows.at["deployments", "mean"] > rows.at["refusals", "mean"]


def test_with_parameter_draws_natos_crises_and_requests_lie_inside_their_intervals(outside_interval):
    """Across 20 parameter vectors drawn from the calibration's posterior the intervals carry the
    fit's uncertainty too, and NATO's 26 crises and 17 requests of 2004-2025 fall inside them."""
    rows = retrodict("nato", "2004-07-01", "2025-12", runs=300, seed=0, param_draws=20).rows.set_index("event")
    outside = outside_interval(rows, ("crises", "requests", "refusals", "deployments"))
    assert outside == {}, f"nato with draws: real count outside the 90% interval (real, q05, q95): {outside}"
