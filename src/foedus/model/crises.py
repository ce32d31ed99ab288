"""Mechanism 2, crises: each month, per state, arrivals of typed crises and their severity.

Each crisis source of the scenario (``behaviour.toml`` ``[[crisis]]``: victim, type, aggressor,
rate per month) is a Poisson stream thinned to one event a month: the probability of an arrival
in a month is ``1 - exp(-rate * threat * crisis_scale_<type> * crisis_rate_scale)``, where
``threat`` is the victim's timeline multiplier. A crisis is what the record calls one: an attack,
clash, unrest or threat that the member brought to the alliance or that the record notes without
a request (Armenia in the Karabakh war of 2020). The scenario's rates weigh the members against
each other (COW MID disputes, judgements); the level of each type is ``crisis_scale_<type>``,
fitted on the record's crises pooled over members and alliances (``calibration.observations``,
kind ``crisis``: every member-month and source, crisis or none). Severity ``s`` in (0, 1) is Kumaraswamy(a, b) (a Beta-like law with a
closed-form inverse, so it is drawn from one uniform). When several sources fire for one victim in
a month the most severe one is the month's crisis.

A shared source (``behaviour.toml`` ``[[shared_crisis]]``) is one event that exposes several states
at once: Russia's seizure of Crimea (NATO's consultations of 3 Mar 2014, asked by Poland, Lithuania
and Latvia) and its invasion of Ukraine (24 Feb 2022, eight eastern allies). It fires with
probability ``1 - exp(-rate * threat * crisis_scale_shared * crisis_rate_scale)``, ``threat`` the
mean of the exposed states' timeline multipliers, and gives every exposed state a crisis of its
type with one severity (:func:`shared_cells`); each exposed member then decides whether to ask, so
the requests of one event arrive together, as the record has them. Rates come from the scenario (COW MID counts
or judgement, with the source named); an injected timeline crisis replaces the month's draw.
"""

from __future__ import annotations

import numpy as np

from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import JUDGEMENT, Param

TYPES = ("armed_attack", "member_clash", "unrest", "threat")   # timeline.CRISIS_CODES order

PARAMS = (
    Param("crisis_rate_scale", "multiplier", 1.0, 0.0, 10.0, "1 = the scenario's rates as written", "crises",
          "multiplier on every crisis rate of the scenario (sensitivity analysis)"),
) + tuple(
    Param(f"crisis_scale_{t}", "multiplier", 1.0, 0.05, 10.0,
          "fitted on the record's crises of the type, pooled over members and alliances (docs/calibration.md); "
          "at least 0.05: a type the record has not yet seen (before 2020, no clash and no attack) is not impossible",
          "crises",
          f"multiplier on the scenario's {t.replace('_', ' ')} rates: the share of the sources' crises (COW MID "
          "disputes, judgements) that are crises as the record has them, noted by the alliance")
    for t in TYPES
) + (
    Param("crisis_scale_shared", "multiplier", 1.0, 0.05, 10.0,
          "fitted on the record's shared crises (NATO: 2014-03, 2022-02; docs/calibration.md)", "crises",
          "multiplier on the rates of the scenario's shared crises: the share of the sources' events "
          "that the alliance's record notes"),
    Param("severity_a", "shape", 2.0, 0.2, 10.0, JUDGEMENT, "crises",
          "Kumaraswamy shape a of crisis severity (a=2, b=2: mean 0.53, most mass in 0.2-0.85)"),
    Param("severity_b", "shape", 2.0, 0.2, 10.0, JUDGEMENT, "crises",
          "Kumaraswamy shape b of crisis severity"),
)


#: The type scales at which the sources' rates are taken as written: where the crises to compare
#: with are the rates' own kind (COW MID disputes, as in the ATOP catalogue's retrodiction).
AS_WRITTEN = {f"crisis_scale_{t}": 1.0 for t in TYPES}


def type_scale(params, crisis_type):
    """The fitted multiplier of each crisis type code (``timeline.CRISIS_CODES``), times ``crisis_rate_scale``."""
    rate_scale = params["crisis_rate_scale"]
    if np.ndim(rate_scale) == 0 and not any(np.ndim(params[f"crisis_scale_{t}"]) for t in TYPES):
        scale = np.array([params[f"crisis_scale_{t}"] for t in TYPES]) * rate_scale
        return scale[np.asarray(crisis_type)]
    # per-row parameters (rows, 1) against codes (sources,): a table (rows, types), each row's scales
    table = np.concatenate(np.broadcast_arrays(*(params[f"crisis_scale_{t}"] * rate_scale for t in TYPES)), axis=-1)
    return table[..., np.asarray(crisis_type)]


def p_arrival(params, rate, threat, crisis_type):
    """Probability that a source of ``crisis_type`` with ``rate`` (per month) fires in a month, at
    ``threat`` multiplier."""
    return -np.expm1(-np.asarray(rate) * np.asarray(threat) * type_scale(params, crisis_type))


def p_shared(params, rate, threat):
    """Probability that a shared source with ``rate`` (per month) fires in a month, at the exposed
    states' mean ``threat`` (:func:`exposed_threat`)."""
    scale = params["crisis_scale_shared"] * params["crisis_rate_scale"]
    return -np.expm1(-np.asarray(rate) * np.asarray(threat) * scale)


def exposed_threat(threat, exposed):
    """The mean timeline threat of each shared source's exposed states: ``threat`` (..., N),
    ``exposed`` (J, N) bool; returns (..., J)."""
    exposed = np.asarray(exposed, dtype=float)
    return np.asarray(threat) @ exposed.T / exposed.sum(1)


def shared_cells(r, j, u_severity, exposed_of):
    """The cells of the shared events that fired: for runs ``r`` and shared sources ``j`` (one
    entry per event) with severity uniforms ``u_severity``, one cell per exposed state, all with
    the event's severity uniform. ``exposed_of``: per source, the positions of its (source, state)
    pairs in the flat list of every source's exposed states (``Model.sh_pairs``). Returns (runs,
    pair positions, severity uniforms)."""
    r, j, u = np.asarray(r, np.int64), np.asarray(j, np.int64), np.asarray(u_severity)
    n = np.array([len(exposed_of[x]) for x in j], dtype=np.int64)
    pairs = np.concatenate([exposed_of[x] for x in j]) if len(j) else np.zeros(0, np.int64)
    return np.repeat(r, n), pairs, np.repeat(u, n)


def severity(params, u):
    """Inverse CDF of Kumaraswamy(a, b) at uniform ``u``: the crisis severity in (0, 1)."""
    a, b = params["severity_a"], params["severity_b"]
    return (1.0 - (1.0 - np.asarray(u)) ** (1.0 / b)) ** (1.0 / a)


def severity_density(params, s):
    """Density of severity at ``s`` (for the likelihood of a recorded crisis's severity)."""
    a, b = params["severity_a"], params["severity_b"]
    s = np.asarray(s)
    return a * b * s ** (a - 1) * (1 - s ** a) ** (b - 1)


def select(fired, sev, victim_of):
    """The month's crisis per victim: the most severe of the sources that fired (ties: the later source).

    ``fired``, ``sev``: (runs, sources); ``victim_of``: (sources, states) one-hot. Returns
    (source index or -1, severity) per (runs, states): :func:`select_sparse` (the engine's form, on
    the few sources that fired) written out over the whole chunk."""
    R, K = fired.shape
    N = victim_of.shape[1]
    r, k = np.divmod(np.flatnonzero(fired), K)   # np.nonzero, same order; flatnonzero is faster on 2-D masks
    cr, ci, ck, cs = select_sparse(r, k, np.asarray(sev)[r, k], np.asarray(victim_of).argmax(axis=1), N)
    src = np.full((R, N), -1, dtype=np.int64)
    src[cr, ci] = ck
    best = np.zeros((R, N))
    best[cr, ci] = cs
    return src, best


def select_sparse(r, k, s, victim, N):
    """The rule of :func:`select` on the cells alone: from the sources that fired, (run, source)
    cells ``r``, ``k`` with severities ``s``, and ``victim`` (sources,) the victim of each source,
    the month's crises as (runs, victims, sources, severities), one per (run, victim), in row-major
    order: the most severe, and of equally severe ones the later source."""
    r, k, s = np.asarray(r), np.asarray(k), np.asarray(s)
    v = np.asarray(victim)[k]
    key = r * N + v
    o = np.lexsort((k, s, key))           # by cell, then severity, then source: each cell's last wins
    key = key[o]
    last = np.ones(len(o), bool)
    last[:-1] = key[1:] != key[:-1]
    o = o[last]
    return r[o], v[o], k[o], s[o]


MECHANISM = Mechanism(
    2, "crises",
    features=(
        Feature("rate", "arrivals per month", "behaviour.toml [[crisis]] (a source: victim, type, aggressor)",
                "the same, compiled (Model.src_rate)"),
        Feature("threat", "multiplier", "the victim's timeline threat on the date", "Model.tl.threat of the month"),
        Feature("crisis_type", "timeline.CRISIS_CODES", "the source's type", "the same, compiled (Model.src_type)"),
        Feature("u", "uniform in (0, 1)", "none: the likelihood integrates over the severity law",
                "the 'crises' stream, the source's arrival and severity slots"),
    ),
    params=PARAMS, functions=(type_scale, p_arrival, p_shared, exposed_threat, shared_cells, severity, severity_density))
