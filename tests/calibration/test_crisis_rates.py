"""Crisis rates pooled across alliances: the fit finds the levels it was given, a member's rate
follows its covariates, a state the fit knows keeps its own level, and a catalogue cell's runs each
draw their own rates, the same whatever the chunking."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.calibration import crisis_rates as cr


def synthetic(seed: int, sd: dict[str, float], beta: np.ndarray, alliances=12, states=40, rows=360):
    """Member-decades drawn from the model itself, with known fixed effects and population sds."""
    rng = np.random.default_rng(seed)
    a = rng.normal(0, sd["alliance"], alliances)
    s = rng.normal(0, sd["state"], states)
    out = []
    for k in range(rows):
        g, m = int(rng.integers(alliances)), int(rng.integers(states))
        r = cr.MemberDecade(3000 + g, 2 + m, 1950 + 10 * int(rng.integers(6)), 0, 0, int(rng.poisson(3)),
                            float(np.exp(rng.normal(-6, 1.5))), int(rng.integers(0, 6)))
        r = dataclasses.replace(r, last_year=r.first_year + 9)
        out.append(r)
    X, _ = cr.covariates(out, np.zeros(len(cr.COVARIATES) - 1))
    eta = X @ beta + a[[r.atopid - 3000 for r in out]] + s[[r.member - 2 for r in out]]
    eta += rng.normal(0, sd["member_decade"], len(out))
    y = rng.poisson(np.exp(eta))
    return [dataclasses.replace(r, disputes=int(v)) for r, v in zip(out, y)]


def test_the_fit_finds_the_levels_and_the_spread_it_was_given():
    beta = np.array([-2.0, 0.3, 0.3, 0.4, -0.1, 1.0])
    sd = {"alliance": 0.7, "state": 0.6, "member_decade": 0.6}
    f = cr.fit_crisis_rates(synthetic(1, sd, beta))
    # the slopes (the intercept moves with the centring of the covariates)
    for j in (1, 2, 3):
        assert abs(f.beta[j] - beta[j]) < 3 * f.beta_se[j] + 0.05, cr.COVARIATES[j]
    # the extra dispersion is found: a Poisson fit would have none
    total = math.sqrt(sum(v * v for v in f.sd.values()))
    assert 0.6 < total < 1.6
    names = [p[0] for p in f.parameter_rows()]
    assert names == [f"crisis_{c}" for c in cr.COVARIATES] + [f"crisis_log_sd_{g}" for g in cr.EFFECTS]
    assert all(0.0 <= p[3] <= 1.0 for p in f.parameter_rows())


@pytest.fixture(scope="module")
def shipped():
    return cr.shipped()


def _row(**kw) -> cr.MemberDecade:
    base = dict(atopid=999_999, member=999, first_year=1970, last_year=1979, disputes=0, prior=2, cinc=0.01,
                neighbours=2)
    return cr.MemberDecade(**{**base, **kw})


@settings(max_examples=30, deadline=None)
@given(cinc=st.floats(1e-4, 0.2), factor=st.floats(1.1, 10.0), seed=st.integers(0, 2**32 - 1))
def test_a_more_capable_member_has_more_disputes_by_the_fitted_elasticity(shipped, cinc, factor, seed):
    # the same draws (the same seed) for both: the ratio is the fixed effect alone
    low = cr.member_rates(shipped, [_row(cinc=cinc)], 3, np.random.default_rng(seed))
    high = cr.member_rates(shipped, [_row(cinc=cinc * factor)], 3, np.random.default_rng(seed))
    b = shipped.beta[cr.COVARIATES.index("log_cinc")]
    assert np.allclose(high / low, factor ** b)


def test_a_state_the_fit_knows_keeps_its_level_and_an_unknown_one_gets_the_populations(shipped):
    known = max(shipped.effects["state"], key=lambda k: shipped.effects["state"][k][0])   # the most dispute-prone
    n = 20_000
    seen = np.log(cr.member_rates(shipped, [_row(member=known)], n, np.random.default_rng(0)))[:, 0]
    unseen = np.log(cr.member_rates(shipped, [_row(member=999)], n, np.random.default_rng(0)))[:, 0]
    mean, se = shipped.effects["state"][known]
    assert seen.mean() - unseen.mean() == pytest.approx(mean, abs=0.05)
    # an unknown state and an unknown alliance: the populations' spreads, added
    want = math.sqrt(sum(v * v for v in shipped.sd.values()))
    assert unseen.std() == pytest.approx(want, rel=0.05)


def test_a_draw_is_the_same_however_many_are_drawn(shipped):
    rows = [_row(member=2), _row(member=20), _row(member=999)]
    few = cr.member_rates(shipped, rows, 4, np.random.default_rng(7))
    many = cr.member_rates(shipped, rows, 400, np.random.default_rng(7))
    assert np.array_equal(few, many[:4])


def test_a_catalogue_cell_gives_each_run_its_own_rates_whatever_the_chunking():
    from foedus.catalogue.loader import catalogue
    from foedus.retrodiction.catalogue import prepare_cell, run_cell

    cat = catalogue()
    al = cat.alliance(3180)   # fitted half
    start, stop = dt.date(1960, 1, 1), dt.date(1969, 12, 31)
    prep = prepare_cell(cat, al, start, stop, stop, seed=0, runs=20)
    rates = prep.model.src_rate_per_run
    assert rates.shape == (20, len(prep.model.src_rate)) and len(np.unique(rates.sum(axis=1))) == 20
    # every member of the cell is a possible victim, with or without a dispute in the window before
    victims = {prep.model.codes[v] for v in prep.model.src_victim}
    members = {cat.abb(m) for m in {sp.member for sp in al.spells if sp.overlaps(start, stop)}}
    assert members <= victims
    one = run_cell(cat, al, start, stop, stop, 20, 0, chunk_size=20)
    chunked = run_cell(cat, al, start, stop, stop, 20, 0, chunk_size=7)
    assert one.rows.equals(chunked.rows)
    window = run_cell(cat, al, start, stop, stop, 20, 0, crisis_rates="window")
    assert not window.rows.equals(one.rows)


def _one_line(code: int, err: str) -> str:
    lines = err.strip("\n").split("\n")
    assert code == 2 and len(lines) == 1 and lines[0].startswith("foedus: error: ") and "Traceback" not in err, err
    return lines[0]


def test_an_unknown_choice_of_crisis_rates_is_one_line_and_exit_2(cli):
    line = _one_line(*cli("catalogue", "retrodict", "--runs", "2", "--crisis-rates", "guess")[::2])
    assert "--crisis-rates" in line and "pooled or window" in line


def test_the_pooled_fit_does_not_overwrite_a_users_file_beside_its_own(cli, tmp_path):
    mine = tmp_path / "crisis-rates.toml"
    mine.write_text("my notes")
    _one_line(*cli("calibrate", "--pooled", "-o", str(tmp_path / "pooled.toml"))[::2])
    assert mine.read_text() == "my notes" and not (tmp_path / "pooled.toml").exists()


def test_an_unknown_choice_of_crisis_rates_is_named():
    from foedus.errors import ArgumentError
    from foedus.retrodiction.catalogue import retrodict_catalogue

    with pytest.raises(ArgumentError, match="crisis_rates: expected pooled or window"):
        retrodict_catalogue(since=2007, runs=2, crisis_rates="guess")
