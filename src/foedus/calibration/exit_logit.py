"""A logistic model of a member leaving its alliance, on the ATOP memberships: a baseline for the backtest.

In the manner of Leeds & Savun (2007, "Terminating Alliances: Why Do States Abrogate
Agreements?", Journal of Politics 69(4): 1118-1132): a member is likelier to leave when its power
relative to its allies has changed and when it has found a new partner outside. Unit: a
member-year of an ATOP v4.01 alliance (1815-2016), from the year after the member entered to the
year it left or the alliance ended; outcome: the member left that year while the alliance went on,
other than by ceasing to exist as a state (ATOP ``termmode`` 4). Covariates, each from the data of
the years before:

- ``power_change``: the absolute change, in percentage points, of the member's share of its allies'
  total capability (COW CINC) over the five years before;
- ``outside_alliance``: 1 if the member entered another ATOP alliance with a state outside this
  one in the five years before;
- ``regime_change``: 1 if Polity5 (Marshall & Gurr 2020, ``foedus.catalogue.polity``) codes a
  regime transition of the member in the five years before: ``regtrans`` +3 (major democratic
  transition), +2 (minor democratic transition), -2 (adverse regime transition), or the start of an
  interruption (-66, foreign occupation), an interregnum (-77, collapse of central authority) or a
  transition period (-88). These are Polity's changes of regime type and its periods without a
  stable polity (Polity5 users' manual, ``REGTRANS``); a change within a type (+1, -1; a move of
  three points or more that keeps the type), little or no change (0) and the state's own creation,
  transformation or end (96-99: a new state, not a new regime) are not. Leeds & Savun's
  hypothesis is a change in the domestic institutions that chose the alliance, so a change of
  regime type, not any move of the score. A state Polity does not code (under 500,000 people:
  Iceland, Luxembourg) reads 0.

Only alliances of three or more members on the first of the year count (the CSTO and NATO are such):
in a two-member alliance a member that leaves ends the alliance, and ATOP does not say which of the
two left.

Fitted by maximum likelihood (``scipy.optimize.minimize``) on the member-years before the split
year; standard errors from the inverse information matrix. ATOP and COW end in 2016: a forecast from
a later split reads the capabilities and alliances of 2016. Polity5 ends in 2018: a forecast from a
split after 2019 reads the regime transitions of 2014-2018, and none later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from foedus.catalogue import polity

COVARIATES = ("constant", "power_change", "outside_alliance", "regime_change")
LAG = 5
DATA_END = 2016
#: Polity5 ``regtrans`` codes read as a change of regime (module docstring).
REGIME_TRANSITIONS = frozenset({3, 2, -2, -66, -77, -88})


@dataclass(frozen=True)
class ExitLogit:
    coef: np.ndarray
    se: np.ndarray
    member_years: int
    exits: int
    before_year: int

    def p_year(self, x: np.ndarray) -> np.ndarray:
        """Yearly chance of leaving for covariate rows ``x`` (n, len(COVARIATES))."""
        return 1.0 / (1.0 + np.exp(-(np.atleast_2d(x) @ self.coef)))

    def table(self) -> list[dict]:
        return [{"covariate": n, "coef": float(c), "se": float(s)} for n, c, s in zip(COVARIATES, self.coef, self.se)]


def _share(cat, member: int, allies: Sequence[int], year: int) -> float | None:
    caps = [cat.capability(m, year) for m in allies]
    total = sum(c.cinc or 0.0 for c in caps if c is not None)
    own = cat.capability(member, year)
    if not total or own is None or own.cinc is None:
        return None
    return own.cinc / total


def _entries(cat) -> dict[int, list[tuple[int, frozenset[int], int]]]:
    """Per state: (entry year, the alliance's members, atopid) of each of its spells."""
    out: dict[int, list] = {}
    for al in cat.alliances.values():
        members = frozenset(al.members)
        for s in al.spells:
            out.setdefault(s.member, []).append((s.entry.year, members, al.atopid))
    return out


def regime_change(cat, member: int, year: int) -> float:
    """1.0 if Polity5 codes a regime transition (``REGIME_TRANSITIONS``) of ``member`` in the
    ``LAG`` years before ``year``, read no later than Polity's last year; else 0.0."""
    last = min(year - 1, polity.LAST_YEAR)
    return float(any((r := cat.regime(member, y)) is not None and r.regtrans in REGIME_TRANSITIONS
                     for y in range(last - LAG + 1, last + 1)))


def covariates(cat, entries, member: int, allies: Sequence[int], atopid: int, year: int,
               regime_year: int | None = None) -> np.ndarray | None:
    """The covariate row of ``member`` among ``allies`` (itself included) for ``year``; None where
    the capability data are missing. ``regime_year``: the year whose five years before give the
    change of regime, if not ``year`` (a forecast reads Polity, which runs to 2018, past ATOP's end)."""
    now, then = _share(cat, member, allies, year - 1), _share(cat, member, allies, year - 1 - LAG)
    if now is None or then is None:
        return None
    outside = any(year - LAG <= y < year and aid != atopid and (mem - set(allies))
                  for y, mem, aid in entries.get(member, ()))
    regime = regime_change(cat, member, year if regime_year is None else regime_year)
    return np.array([1.0, 100.0 * abs(now - then), float(outside), regime])


def _left_by_choice(al, spell) -> bool:
    if spell.exit is None or (al.end is not None and spell.exit >= al.end):
        return False
    last = max((r for r in al.rows if r.member == spell.member), key=lambda r: r.entry)
    return last.codes.get("termmode") != 4


@cache
def member_years(before_year: int, without: frozenset[int] = frozenset()) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of every ATOP member-year before ``before_year`` with its covariates, but those of the
    alliances ``without`` (ATOP numbers: the alliances a leave-out fold holds out)."""
    from foedus.catalogue.loader import catalogue

    cat = catalogue()
    entries = _entries(cat)
    X, y = [], []
    for al in cat.alliances.values():
        if al.atopid in without:
            continue
        for s in al.spells:
            last = min(x.year for x in (s.exit, al.end, dt.date(DATA_END, 12, 31), dt.date(before_year - 1, 12, 31)) if x)
            for year in range(s.entry.year + 1, last + 1):
                allies = [o.member for o in al.spells if o.covers(dt.date(year, 1, 1))]
                if len(allies) < 3 or s.member not in allies:
                    continue
                row = covariates(cat, entries, s.member, allies, al.atopid, year)
                if row is not None:
                    X.append(row)
                    y.append(float(s.exit is not None and s.exit.year == year and _left_by_choice(al, s)))
    return np.array(X), np.array(y)


def fit(before_year: int, without: frozenset[int] = frozenset()) -> ExitLogit:
    """Maximum likelihood on the ATOP member-years before ``before_year``, but those of the alliances
    ``without``."""
    from scipy.optimize import minimize

    X, y = member_years(before_year, frozenset(without))

    def nll(b):
        z = X @ b
        return float(np.sum(np.logaddexp(0.0, z) - y * z))

    def grad(b):
        return X.T @ (1.0 / (1.0 + np.exp(-(X @ b))) - y)

    res = minimize(nll, np.zeros(X.shape[1]), jac=grad, method="BFGS")
    p = 1.0 / (1.0 + np.exp(-(X @ res.x)))
    info = X.T @ (X * (p * (1 - p))[:, None])
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    return ExitLogit(res.x, se, len(y), int(y.sum()), before_year)


def forecaster(model: ExitLogit, scenarios, split: dt.date):
    """``p_year(alliance, state)``: the yearly chance that a member of a scenario's alliance leaves,
    with the covariates of the years before the split (at most each data set's last year); a state without
    capability data (or not a member on the split) gets the chance at zero covariates."""
    from foedus.catalogue.loader import catalogue

    cat = catalogue()
    entries = _entries(cat)
    year = min(split.year, DATA_END + 1)
    table: dict[tuple[str, str], float] = {}
    for sc in scenarios:
        for al in sc.alliances:
            members = members_on(sc, al.id, split)
            cow = {s.iso3: s.cow for s in sc.states}
            allies = [cow[m] for m in members if m in cow]
            for m in members:
                row = (covariates(cat, entries, cow[m], allies, al.atop_id or -1, year, regime_year=split.year)
                       if m in cow else None)
                if row is not None:
                    table[(al.id, m)] = float(model.p_year(row)[0])
    at_zero = float(model.p_year(np.eye(len(COVARIATES))[0])[0])
    return lambda alliance, state: table.get((alliance, state), at_zero)


def members_on(sc, alliance_id: str, d: dt.date) -> list[str]:
    """The members of a scenario's alliance on the day before ``d`` (the treaty rules' replay)."""
    return list(sc.replay(d - dt.timedelta(days=1)).alliance(alliance_id).members())
