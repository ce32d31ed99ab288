"""Mechanism 1, the timeline: the scenario's dated exogenous changes, as monthly series.

A ``TimelineChange`` sets a state's value from its date on (the last change on or before a month
wins): ``committed_share`` (share of capability committed elsewhere: Russia 0.7 from Feb 2022),
``capability_factor`` (multiplier on capability), ``outside_option`` (additive shift of the
outside option: an EU or US offer), ``threat`` (multiplier on the rate of crises against the
state), ``salience`` (multiplier on how much others weigh what happens to it: information
operations). ``crisis`` injects a crisis in its month (type, aggressor, severity = ``value``).
What-if levers add entries here; the engine honours them from their date on.

Changes dated before a simulation's start are in force at the start: a forecast from 2024 sees
Russia's capacity already committed to the war."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from foedus.chronology import month_index
from foedus.model.mechanism import Mechanism
from foedus.model.parameters import Param
from foedus.scenario.schema import CrisisType, TimelineChange

PARAMS: tuple[Param, ...] = ()  # the timeline's values are scenario data, not parameters

CRISIS_CODES = {c: i for i, c in enumerate(CrisisType)}  # armed_attack 0, member_clash 1, unrest 2, threat 3
NO_CRISIS = -1


@dataclass(frozen=True)
class Series:
    """Monthly values, arrays shaped (months, states)."""

    committed: np.ndarray
    capability: np.ndarray
    outside: np.ndarray
    threat: np.ndarray
    salience: np.ndarray
    crisis_type: np.ndarray      # int8, NO_CRISIS where none injected
    crisis_aggressor: np.ndarray  # int16 state index, -1 none
    crisis_severity: np.ndarray   # float


def value_on(changes: Sequence[TimelineChange], state: str, field: str, date: dt.date, default: float) -> float:
    """The value of ``field`` for ``state`` in force on ``date`` (for features of the real record)."""
    v = default
    for c in changes:
        if c.state == state and c.field == field and month_index(c.date) <= month_index(date):
            v = c.value
    return v


def series(changes: Sequence[TimelineChange], codes: Sequence[str], start_month: int, months: int,
           base_committed: np.ndarray | None = None) -> Series:
    """Compile the changes into (months, states) arrays for months ``start_month ..``."""
    n = len(codes)
    index = {c: i for i, c in enumerate(codes)}
    cols = {
        "committed_share": np.zeros((months, n)) if base_committed is None else np.tile(base_committed, (months, 1)).astype(float),
        "capability_factor": np.ones((months, n)),
        "outside_option": np.zeros((months, n)),
        "threat": np.ones((months, n)),
        "salience": np.ones((months, n)),
    }
    ctype = np.full((months, n), NO_CRISIS, dtype=np.int8)
    caggr = np.full((months, n), -1, dtype=np.int16)
    csev = np.zeros((months, n))
    for c in sorted(changes, key=lambda c: c.date):  # stable: file order breaks ties
        i = index[c.state]
        t = month_index(c.date) - start_month
        if c.field == "crisis":
            if 0 <= t < months:
                ctype[t, i] = CRISIS_CODES[CrisisType(c.crisis)]
                caggr[t, i] = index[c.aggressor] if c.aggressor else -1
                csev[t, i] = min(max(c.value, 0.0), 1.0)
            continue
        cols[c.field][max(t, 0):, i] = c.value
    return Series(cols["committed_share"], cols["capability_factor"], cols["outside_option"], cols["threat"],
                  cols["salience"], ctype, caggr, csev)


MECHANISM = Mechanism(1, "timeline", features=(), params=PARAMS, functions=(series, value_on))
