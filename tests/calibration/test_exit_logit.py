"""The exit logit's change of regime (Polity5): a member-year checked by hand, the data's end, and
the covariate's place in the fit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.calibration import exit_logit
from foedus.catalogue.loader import catalogue

ARM, GEO = 371, 372


def test_armenia_reads_its_1998_transition_for_five_years_then_not():
    cat = catalogue()
    # Polity5: Armenia 1995 and 1996 adverse transitions (-2), 1998 major democratic transition (+3)
    assert exit_logit.regime_change(cat, ARM, 2003) == 1.0    # the five years 1998-2002
    assert exit_logit.regime_change(cat, ARM, 2004) == 0.0    # 1999-2003: none
    assert exit_logit.regime_change(cat, ARM, 2019) == 0.0    # 2018's +2 points are not a transition


def test_georgia_leaving_the_csto_in_1999_reads_no_change_of_regime_its_interregnum_was_earlier():
    cat = catalogue()
    assert exit_logit.regime_change(cat, GEO, 1998) == 1.0    # -77 in 1993
    assert exit_logit.regime_change(cat, GEO, 1999) == 0.0


def test_a_member_year_of_the_csto_has_the_change_of_regime_as_its_last_covariate():
    cat = catalogue()
    entries = exit_logit._entries(cat)
    csto = [365, 370, 371, 702, 703, 705]
    row = exit_logit.covariates(cat, entries, ARM, csto, 4220, 2003)
    assert list(exit_logit.COVARIATES) == ["constant", "power_change", "outside_alliance", "regime_change"]
    assert row[0] == 1.0 and row[3] == 1.0
    later = exit_logit.covariates(cat, entries, ARM, csto, 4220, 2004)
    assert later[3] == 0.0 and later[1] >= 0.0


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([365, 370, 371, 372, 373, 702, 703, 704, 705, 2, 200, 640]), st.integers(2019, 2040))
def test_a_year_after_polity5_ends_reads_its_last_five_years(state, year):
    cat = catalogue()
    assert exit_logit.regime_change(cat, state, year) == exit_logit.regime_change(cat, state, 2019)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([365, 371, 372, 373, 704, 345, 310, 640]), st.integers(1820, 2018))
def test_a_transition_counts_for_exactly_the_five_years_after_it(state, year):
    cat = catalogue()
    r = cat.regime(state, year)
    if r is not None and r.regtrans in exit_logit.REGIME_TRANSITIONS:
        assert all(exit_logit.regime_change(cat, state, year + k) == 1.0 for k in range(1, exit_logit.LAG + 1))
    window = [cat.regime(state, y) for y in range(year - exit_logit.LAG, year)]
    if all(w is None or w.regtrans not in exit_logit.REGIME_TRANSITIONS for w in window):
        assert exit_logit.regime_change(cat, state, year) == 0.0


def test_the_fit_carries_a_coefficient_for_the_change_of_regime():
    m = exit_logit.fit(1950)
    X, _ = exit_logit.member_years(1950)
    assert {0.0, 1.0} == set(np.unique(X[:, 3]))
    assert [r["covariate"] for r in m.table()][-1] == "regime_change" and np.isfinite(m.se[3])


def test_the_rolling_backtest_prints_the_exit_logits_coefficients_at_each_split():
    from rich.console import Console

    from foedus.cli.calibrate import _logit_table

    console = Console(width=160, record=True)
    console.print(_logit_table({"2005-01-01": exit_logit.fit(1950).table()}))
    text = console.export_text()
    assert "regime_change" in text and "2005" in text and f"{exit_logit.fit(1950).coef[3]:.3f} (" in text
