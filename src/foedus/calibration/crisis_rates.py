"""Crisis rates pooled across alliances: COW MID disputes against members, with alliance-level and
state-level effects drawn from population distributions (docs/calibration.md, "Crisis rates pooled
across alliances").

The unit is a member in an alliance-decade (the catalogue retrodiction's cells,
``retrodiction.catalogue.decades``, to 2010 where MID 4.3 ends). Its count is the disputes begun in
the cell's years against the member, counted as the scenario's crisis rates count them
(``catalogue.crises.disputes_against``: one per initiator, type and dispute). The count is Poisson,
with the cell's years as exposure (its coefficient fitted, not fixed at 1), and
its log mean is (the covariates centred on the panel's means)

    b0 + b_prior * log((prior + 1/2) / 10) + b_cinc * log(cinc) + b_contig * log(1 + neighbours)
       + b_decade * (decade - 1950) / 10 + b_years * log(years) + a_alliance + s_state + e_member-decade

- ``prior``: the member's disputes in the ten years up to the cell's first year (what the scenario's
  rates are built from: known at the cell's start);
- ``cinc``: the member's COW NMC share of world capability in the cell's first year;
- ``neighbours``: the states outside the alliance contiguous to the member by land (COW direct
  contiguity, type 1) in that year;
- three random intercepts, each normal with mean 0 and its own population sd: the alliance's, the
  state's (one per state across all its alliances), and the member-decade's own (the extra
  dispersion of a decade against its expected count: a negative-binomial-like Poisson-lognormal).

The fit is empirical Bayes with Laplace's method (:func:`fit_crisis_rates`), as ``calibration.pooled``
treats the alliances' intercepts on exits, here with three crossed groupings: the population sds
maximise the approximate marginal likelihood, the fixed effects and intercepts are their modes at
those sds. (statsmodels' variational ``PoissonBayesMixedGLM`` diverged on these data.) It reads
the fitted half of the catalogue only (``retrodiction.catalogue.held_out``).

A cell to simulate (:func:`member_rates`) gets, per draw, the members' monthly rates: the fixed
part at the cell's covariates, the alliance's intercept (a held-out alliance: drawn from the
population), each state's (learnt from its other alliances where the fit saw it, else drawn from
the population) and each member-decade's own, drawn. The draws are the predictive distribution's
spread; the engine simulates each draw's rates (``retrodiction.catalogue``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from foedus.catalogue.crises import MID_LAST, WINDOW_YEARS, disputes_against, window
from foedus.catalogue.loader import AtopAlliance, Catalogue

#: The fixed effects, in the order of the design's columns.
COVARIATES = ("intercept", "log_prior_rate", "log_cinc", "log_neighbours", "decade", "log_years")
#: The random intercepts' groupings.
EFFECTS = ("alliance", "state", "member_decade")
CINC_FLOOR = 1e-5      # the smallest share of world capability NMC gives a state (log of 0 is not a share)
FE_PRIOR_SD = 10.0     # statsmodels' default prior sd of the fixed effects: weak
VC_PRIOR_SD = 1.0      # prior sd of the log population sds: judgement, weak
SD_STEP = 0.05         # the central-difference step in a log sd for its standard error


@dataclass(frozen=True)
class MemberDecade:
    atopid: int
    member: int
    first_year: int
    last_year: int
    disputes: int          # begun in the cell's years against the member
    prior: int             # in the ten years up to the first year
    cinc: float
    neighbours: int

    @property
    def years(self) -> int:
        return self.last_year - self.first_year + 1

    def row(self) -> list[float]:
        """The covariates in the order of :data:`COVARIATES` but the last (the exposure, ``log_years``)."""
        return [1.0, math.log((self.prior + 0.5) / WINDOW_YEARS), math.log(max(self.cinc, CINC_FLOOR)),
                math.log1p(self.neighbours), (self.first_year // 10 * 10 - 1950) / 10]


def neighbours(cat: Catalogue, member: int, members: set[int], year: int) -> int:
    """States outside the alliance contiguous to ``member`` by land in ``year``."""
    return sum(1 for c in cat.contiguity if c.conttype == 1 and member in (c.a, c.b) and c.in_year(year)
               and (c.b if c.a == member else c.a) not in members)


def _count(seen: dict, victim: int) -> int:
    return sum(len(ds) for (v, _, _), ds in seen.items() if v == victim)


def member_decades(cat: Catalogue, al: AtopAlliance, start: dt.date, stop: dt.date) -> list[MemberDecade]:
    """The members of one alliance-decade with their counts and covariates (module docstring)."""
    members = sorted({sp.member for sp in al.spells if sp.overlaps(start, stop)})
    here = set(members)
    now = disputes_against(cat, members, here, start.year, stop.year)
    w0, w1 = window(start.year - 1)
    before = disputes_against(cat, members, here, w0, w1)
    out = []
    for m in members:
        cap = cat.capability(m, start.year)
        cinc = cap.cinc if cap is not None and cap.cinc is not None else CINC_FLOOR
        out.append(MemberDecade(al.atopid, m, start.year, stop.year, _count(now, m), _count(before, m), cinc,
                                neighbours(cat, m, here, start.year)))
    return out


def panel(cat: Catalogue, alliances: list[AtopAlliance]) -> list[MemberDecade]:
    """Every member-decade of ``alliances`` to 2010 (the catalogue retrodiction's cells)."""
    from foedus.retrodiction.catalogue import decades

    rows = []
    for al in alliances:
        for start, stop, _ in decades(al):
            if stop.year <= MID_LAST:
                rows += member_decades(cat, al, start, stop)
    return rows


@dataclass(frozen=True)
class Design:
    """The panel as arrays: counts ``y``, fixed-effect covariates ``X`` (centred but for the
    intercept), and per grouping of :data:`EFFECTS` each row's level and the levels' names."""
    y: np.ndarray
    X: np.ndarray
    centre: np.ndarray
    levels: dict[str, np.ndarray]      # per grouping: the row's level index
    names: dict[str, tuple]            # per grouping: the levels (alliance number, state code, row)


def covariates(rows: list[MemberDecade], centre: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The rows' covariates (:data:`COVARIATES`), centred on ``centre`` (by default their own means)
    but for the intercept, and the centre."""
    X = np.array([r.row() + [math.log(r.years)] for r in rows], dtype=float)
    centre = X[:, 1:].mean(axis=0) if centre is None else centre
    X[:, 1:] -= centre
    return X, centre


def design(rows: list[MemberDecade]) -> Design:
    X, centre = covariates(rows)
    keys = {"alliance": [r.atopid for r in rows], "state": [r.member for r in rows],
            "member_decade": list(range(len(rows)))}
    levels, names = {}, {}
    for g, v in keys.items():
        names[g], levels[g] = np.unique(np.asarray(v), return_inverse=True)
        names[g] = tuple(int(x) for x in names[g])
    return Design(np.array([r.disputes for r in rows], float), X, centre, levels, names)


@dataclass(frozen=True)
class CrisisRateFit:
    """The fit: fixed effects with their posterior sds, each grouping's population sd, each level's
    posterior mean and sd, and the data's share of each parameter's posterior precision."""
    centre: np.ndarray
    beta: np.ndarray
    beta_se: np.ndarray
    sd: dict[str, float]
    sd_se: dict[str, float]            # of log sd
    effects: dict[str, dict[int, tuple[float, float]]]   # alliance / state -> level -> (mean, sd)
    data_share: dict[str, float]
    rows: int
    disputes: int

    def parameter_rows(self) -> list[tuple[str, float, float, float]]:
        """(name, value, s.e., data share of precision): the fixed effects, then the log sds."""
        out = [(f"crisis_{c}", float(b), float(s), self.data_share[f"crisis_{c}"])
               for c, b, s in zip(COVARIATES, self.beta, self.beta_se)]
        out += [(f"crisis_log_sd_{g}", math.log(self.sd[g]), self.sd_se[g], self.data_share[f"crisis_log_sd_{g}"])
                for g in EFFECTS]
        return out


def _matrix(d: Design) -> np.ndarray:
    """The columns of the fixed effects and of the alliances' and states' intercepts (the member-
    decades' own intercepts, one per row, are kept apart: their block of the Hessian is diagonal)."""
    return np.hstack([d.X] + [np.eye(len(d.names[g]))[d.levels[g]] for g in EFFECTS[:-1]])


def _precision(d: Design, sd: dict[str, float]) -> np.ndarray:
    p = [np.full(d.X.shape[1], FE_PRIOR_SD ** -2)]
    p += [np.full(len(d.names[g]), sd[g] ** -2) for g in EFFECTS[:-1]]
    return np.concatenate(p)


@dataclass
class Mode:
    """The posterior mode at given sds: ``b`` (fixed effects, alliances', states' intercepts) and
    ``e`` (member-decades'), the Schur complement ``S`` of the Hessian's diagonal block (whose
    inverse is the covariance of ``b``), and the log of the Laplace integrand."""
    b: np.ndarray
    e: np.ndarray
    S: np.ndarray
    log_marginal: float


def _mode(d: Design, B: np.ndarray, sd: dict[str, float], b: np.ndarray, e: np.ndarray) -> Mode:
    """Newton's method on the penalised Poisson log-likelihood, the member-decades' intercepts
    eliminated at each step (their Hessian block is diagonal), and Laplace's approximation to the
    log marginal likelihood at the mode."""
    prec, pe = _precision(d, sd), sd["member_decade"] ** -2
    b, e = b.copy(), e.copy()
    for _ in range(100):
        mu = np.exp(np.clip(B @ b + e, -30, 30))
        gb, ge = B.T @ (d.y - mu) - prec * b, d.y - mu - pe * e
        h = mu + pe
        S = (B * (mu - mu * mu / h)[:, None]).T @ B + np.diag(prec)
        db = np.linalg.solve(S, gb - B.T @ (mu * ge / h))
        de = (ge - mu * (B @ db)) / h
        b, e = b + db, e + de
        if max(np.max(np.abs(db)), np.max(np.abs(de))) < 1e-8:
            break
    eta = B @ b + e
    mu = np.exp(eta)
    h = mu + pe
    S = (B * (mu - mu * mu / h)[:, None]).T @ B + np.diag(prec)
    logp = float(np.sum(d.y * eta - mu) - 0.5 * np.sum(prec * b * b) - 0.5 * pe * np.sum(e * e))
    logdet = np.linalg.slogdet(S)[1] + float(np.sum(np.log(h)))
    n = {g: len(d.names[g]) for g in EFFECTS}
    return Mode(b, e, S, logp - sum(n[g] * math.log(sd[g]) for g in EFFECTS) - 0.5 * logdet)


def _log_marginal(d: Design, B: np.ndarray, log_sd: np.ndarray, warm: list) -> float:
    """Laplace's approximation to the log marginal likelihood of the sds (fixed effects and
    intercepts integrated out), plus a half-normal prior (scale :data:`VC_PRIOR_SD`) on each sd
    (with the Jacobian of the log)."""
    m = _mode(d, B, dict(zip(EFFECTS, np.exp(log_sd))), *warm[0])
    warm[0] = (m.b, m.e)
    return m.log_marginal + float(np.sum(-0.5 * (np.exp(log_sd) / VC_PRIOR_SD) ** 2 + log_sd))


def fit_crisis_rates(rows: list[MemberDecade]) -> CrisisRateFit:
    """Empirical Bayes with Laplace's method: the population sds maximise the approximate marginal
    likelihood (with their half-normal priors); the fixed effects and intercepts are then their
    posterior modes at those sds, with the sds of a normal approximation (the inverse Hessian)."""
    from scipy.optimize import minimize

    from foedus.calibration.fit import hessian

    d = design(rows)
    B = _matrix(d)
    b0 = np.zeros(B.shape[1])
    b0[0] = math.log(max(d.y.mean(), 1e-3))
    warm = [(b0, np.zeros(len(d.y)))]
    res = minimize(lambda t: -_log_marginal(d, B, t, warm), np.log([0.5, 0.5, 0.5]), method="Nelder-Mead",
                   options={"xatol": 1e-3, "fatol": 1e-4, "maxiter": 400})
    log_sd = res.x
    sd = dict(zip(EFFECTS, np.exp(log_sd)))
    prec = _precision(d, sd)
    m = _mode(d, B, sd, *warm[0])
    th, cov = m.b, np.linalg.inv(m.S)
    se = np.sqrt(np.diag(cov))
    p = d.X.shape[1]
    share = {f"crisis_{c}": 1.0 - prec[j] * cov[j, j] for j, c in enumerate(COVARIATES)}
    sd_se = {}
    for k, g in enumerate(EFFECTS):
        # minus the second derivative of the log marginal along log sd k alone (the MAP fit's Hessian)
        along = lambda z, k=k: _log_marginal(d, B, np.concatenate([log_sd[:k], z, log_sd[k + 1:]]), [(m.b, m.e)])  # noqa: E731
        curv = -float(hessian(along, log_sd[k:k + 1], np.array([SD_STEP]))[0, 0])
        prior = 2.0 * math.exp(2 * log_sd[k]) / VC_PRIOR_SD ** 2      # the half-normal's curvature in log sd
        sd_se[g] = 1.0 / math.sqrt(max(curv, 1e-12))
        share[f"crisis_log_sd_{g}"] = max(0.0, 1.0 - prior / max(curv, 1e-12))
    effects, at = {}, p
    for g in EFFECTS[:-1]:
        n = len(d.names[g])
        effects[g] = {lv: (float(th[at + i]), float(se[at + i])) for i, lv in enumerate(d.names[g])}
        at += n
    return CrisisRateFit(d.centre, th[:p], se[:p], sd, sd_se, effects, share, len(rows), int(d.y.sum()))


#: Where the shipped fit lives (written by ``foedus calibrate --pooled``, read by the catalogue retrodiction).
SHIPPED = "crisis-rates.toml"


def to_document(f: CrisisRateFit, command: str) -> dict:
    return {"provenance": {"command": command, "what": __doc__.split("\n\n")[0].replace("\n", " "),
                           "rows": f.rows, "disputes": f.disputes,
                           "read": "the fitted half of the ATOP catalogue (retrodiction.catalogue.held_out false)"},
            "centre": [float(x) for x in f.centre],
            "parameters": {n: {"value": v, "se": s, "data_share": sh} for n, v, s, sh in f.parameter_rows()},
            "effects": {g: {str(k): [m, s] for k, (m, s) in lv.items()} for g, lv in f.effects.items()}}


def from_document(doc: dict) -> CrisisRateFit:
    par = doc["parameters"]
    beta = np.array([par[f"crisis_{c}"]["value"] for c in COVARIATES])
    beta_se = np.array([par[f"crisis_{c}"]["se"] for c in COVARIATES])
    sd = {g: math.exp(par[f"crisis_log_sd_{g}"]["value"]) for g in EFFECTS}
    sd_se = {g: par[f"crisis_log_sd_{g}"]["se"] for g in EFFECTS}
    effects = {g: {int(k): (float(v[0]), float(v[1])) for k, v in lv.items()} for g, lv in doc["effects"].items()}
    return CrisisRateFit(np.array(doc["centre"]), beta, beta_se, sd, sd_se, effects,
                         {n: p["data_share"] for n, p in par.items()}, doc["provenance"]["rows"],
                         doc["provenance"]["disputes"])


@cache
def shipped() -> CrisisRateFit:
    """The fit that ships with foedus (``src/foedus/model/crisis-rates.toml``)."""
    import tomllib
    from importlib.resources import files

    return from_document(tomllib.loads(files("foedus.model").joinpath(SHIPPED).read_text()))


def member_rates(f: CrisisRateFit, rows: list[MemberDecade], draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, members) each member's expected disputes per month in one alliance-decade, per draw:
    the fixed part at the cell's covariates; the alliance's intercept (learnt if the fit saw it,
    else drawn from the population) shared by the members; each state's (learnt from its other
    alliances, else drawn); each member-decade's own, drawn."""
    if not rows:
        return np.zeros((draws, 0))
    eta = covariates(rows, f.centre)[0] @ f.beta

    def level(g: str, key: int) -> tuple[float, float]:
        return f.effects.get(g, {}).get(key, (0.0, f.sd[g]))

    # one row of standard normals per draw, filled in draw order: draw k is the same however many are drawn
    n = len(rows)
    z = rng.standard_normal((draws, 1 + 2 * n))
    ma, sa = level("alliance", rows[0].atopid)
    ms, ss = np.array([level("state", r.member) for r in rows]).T
    a = ma + sa * z[:, :1]
    s = ms + ss * z[:, 1:n + 1]
    e = f.sd["member_decade"] * z[:, n + 1:]
    months = np.array([12 * r.years for r in rows], dtype=float)
    return np.exp(eta + a + s + e) / months


def fit_fitted_half(since: int = 1945, min_members: int = 3, obligation: str | None = "defense") -> CrisisRateFit:
    """The fit on the member-decades of the catalogue's fitted half (the held-out half is never read)."""
    from foedus.catalogue.loader import catalogue
    from foedus.retrodiction.catalogue import pacts

    cat = catalogue()
    return fit_crisis_rates(panel(cat, pacts(cat, since, min_members, obligation, half="fitted")))


MARK = "Written by foedus.calibration.crisis_rates"


def write(f: CrisisRateFit, path, command: str):
    """The fit's file (``path``: beside the pooled parameter file, :data:`SHIPPED` by name); a file
    foedus did not write is refused, not overwritten."""
    import tomli_w

    from foedus.output import new_file, write_file

    path = new_file(path, MARK, "a crisis-rate file")
    header = f"# Crisis rates pooled across alliances, fitted by `foedus calibrate --pooled`.\n# {MARK}: regenerate, do not edit by hand.\n\n"
    return write_file(path, (header + tomli_w.dumps(to_document(f, command))).encode("utf-8"))
