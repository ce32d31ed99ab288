"""The pooled fit: the fitted half of the ATOP catalogue with the CSTO's and NATO's records, a
random intercept per alliance (docs/calibration.md, "Pooled fit")."""

from dataclasses import replace

import numpy as np
import pytest

from foedus.calibration import likelihood
from foedus.calibration.catalogue import decisions, fitted_alliances
from foedus.calibration.fit import TREATY_KNOWN, Prior, identification
from foedus.calibration.observations import Observations
from foedus.calibration.pooled import fit_pooled
from foedus.errors import ArgumentError
from foedus.model.parameters import Parameters
from foedus.retrodiction.catalogue import held_out, pacts


def test_no_held_out_alliance_reaches_the_pooled_fit():
    """Every selection the fit can read is in the fitted half; a held-out alliance named outright is refused."""
    from foedus.catalogue import catalogue

    for since, members, obligation in ((1945, 3, "defense"), (1815, 2, None)):
        chosen = fitted_alliances(since, members, obligation)
        assert chosen and not any(held_out(al.atopid) for al in chosen)
        everything = pacts(catalogue(), since, members, obligation, "all")
        assert {al.atopid for al in chosen} == {al.atopid for al in everything if not held_out(al.atopid)}
    outside = next(al.atopid for al in pacts(catalogue(), half="held-out"))
    with pytest.raises(ArgumentError, match="fitted half"):
        decisions(atopids=(outside,))


def test_the_detailed_records_are_not_read_twice():
    """The CSTO (ATOP 4220) and NATO (3180) are in the fitted half; with their records in the fit they are left out."""
    assert {4220, 3180} <= {al.atopid for al in fitted_alliances()}
    assert not {4220, 3180} & {al.atopid for al in fitted_alliances(recorded=frozenset({4220, 3180}))}


def test_an_atop_exit_is_scored_as_the_members_way_out():
    """The Arab League (ATOP 3205): Syria's exit of November 2011 (by the treaty's procedure) is a
    notice given a year before, and the months under notice are not member-months; Egypt's of 1979
    is its leading member's, which the engine cannot make: left out. A freeze counts as staying."""
    d = decisions(atopids=(3205,))
    assert (d.exits, d.left_out) == (1, 1) and not d.skipped
    rows = [r.rows["member:exit"] for r in d.observations.records]
    assert [w for r in rows for w, y in zip(r.what, r.y) if y == 1] == ["2010-11 SYR active: notice"]
    assert not [w for r in rows for w in r.what if w.startswith("2011-") and "SYR" in w]
    scored = likelihood.score(Parameters({}).values, d.observations)
    P = np.concatenate([s.probs for s in scored if s.kind == "member:exit"])
    assert np.allclose(P.sum(1), 1.0) and (P[:, 1] > 0).all()


def test_the_renewal_rule_is_scored_at_the_opt_in_windows_of_every_fitted_alliance_since_1815():
    """None of the post-1945 defence pacts renews by a new agreement; the fitted half's treaties that
    do, of any obligation since 1815, give their windows alone (Turkey, 1841, and Bangladesh, 1997,
    did not renew) -- and nothing of the held-out half."""
    from foedus.calibration.catalogue import opt_in, renewal_decisions

    assert not any(opt_in(al) for al in fitted_alliances())
    obs = renewal_decisions(exclude=frozenset({4220, 3180}))
    lapses = sorted(w for r in obs.records for w, y in zip(r.rows["renewal"].what, r.rows["renewal"].y) if y)
    assert lapses == ["1841-07 TUR renewal window: lapse", "1997-03 BNG renewal window: lapse"]
    assert not any(held_out(int(r.group.split("-")[1])) for r in obs.records)
    assert all(len(rw.y) == 0 for r in obs.records for k, rw in r.rows.items() if k != "renewal")
    assert {s.kind for s in likelihood.score(Parameters({}).values, obs)} == {"renewal"}


def test_the_pooled_fit_recovers_known_values_on_synthetic_alliances():
    """Twelve synthetic alliances (copies of small ATOP alliance-decades), each with its own
    intercept drawn from N(0, 0.8^2), exits drawn from the model at hazard_notice -4.5 and
    hazard_denounce -5: the fit finds both within three standard errors and the intercepts'
    sd within a factor of three."""
    base = decisions(atopids=(3010, 3230, 3300)).observations.records
    rng = np.random.default_rng(3)
    truth_u = {f"g{k}": float(rng.normal(0, 0.8)) for k in range(12)}
    recs = tuple(replace(r, group=g, cache={}) for g in truth_u for r in base)
    truth = {"hazard_notice": -4.5, "hazard_denounce": -5.0}
    values = dict(Parameters(truth).values)
    obs = likelihood.draw(values, Observations(recs), rng, truth_u)
    assert sum(int(r.rows["member:exit"].y.sum()) for r in obs.records) > 20
    priors = (Prior("hazard_notice", -8.0, 10.0, "test", known=TREATY_KNOWN), Prior("hazard_denounce", -8.0, 10.0, "test", known=TREATY_KNOWN))
    pf = fit_pooled(obs, priors=priors, states=False)   # drawn without state effects (those: test_pooled_states)
    for name, value, se in zip(pf.fit.names, pf.fit.values, pf.fit.se):
        assert abs(value - truth[name]) < 3 * se and se < 1.0, (name, value, se)
    assert 0.8 / 3 < pf.sd < 0.8 * 3
    u_hat = np.array([pf.intercepts[g] for g in truth_u])
    assert np.corrcoef(u_hat, list(truth_u.values()))[0, 1] > 0.3
    shares = {r["name"]: r["data_share"] for r in identification(pf.fit)}
    assert shares["hazard_notice"] > 0.9 and shares["member_threat"] == 0.0
