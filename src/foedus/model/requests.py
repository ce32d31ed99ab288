"""Mechanism 3, requests: does the victim of a crisis ask the alliance for help?

A member in a standing that can invoke the alliance (``active`` or under ``notice``; a frozen
member has stepped away, as Armenia did) asks with probability

    p = sigmoid(base[type] + request_severity * (s - 0.5) + request_credibility * (c - 0.5)
                - request_power * w + request_shared * shared)

rising with the crisis's severity ``s`` and with the victim's belief ``c`` (mean of its Beta
credibility) that help will come, and falling with ``w``, the victim's military spending as a share
of the alliance leader's (the leader itself: 1): a leading power meets a threat alone and does not
call its allies to it (Morrow 1991: in an asymmetric alliance the major power gives security, the
minor ones ask for it; Britain after Salisbury, 2018, invoked neither Art 4 nor Art 5). ``shared``
marks a crisis shared by several members (``crises.shared_cells``): an act against a neighbour
exposes the member, it does not strike it, and the odds of asking differ from those of a threat
against the member itself (NATO 2014: three of the nine exposed allies asked; 2022: eight of nine).
Features, all computable from the replayed record: crisis type,
severity, the victim's credibility. Whether the treaty covers the crisis is a separate, treaty
question (``foedus.treaty.obligations.casus_foederis_array``); a member may ask when it does not
(Kyrgyzstan, June 2010: unrest; Kazakhstan, January 2022).
"""

from __future__ import annotations

import numpy as np

from foedus.model._math import sigmoid
from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import JUDGEMENT, Param

PARAMS = (
    Param("request_base_armed_attack", "logit", 1.0, -10, 10, JUDGEMENT + "; Armenia asked in 2022 (record)", "requests",
          "log-odds of a request after an armed attack of middling severity, at credibility 0.5"),
    Param("request_base_member_clash", "logit", -3.0, -10, 10, JUDGEMENT + "; no request in the Kyrgyz-Tajik clashes 2021, 2022 (record)", "requests",
          "log-odds of a request after a clash with a fellow member"),
    Param("request_base_unrest", "logit", 0.0, -10, 10, JUDGEMENT + "; Kyrgyzstan 2010 and Kazakhstan 2022 asked (record)", "requests",
          "log-odds of a request after regime-threatening unrest"),
    Param("request_base_threat", "logit", -1.0, -10, 10, JUDGEMENT + "; Art 2/Art 4 consultations (CSTO and NATO records)", "requests",
          "log-odds of asking for consultations after a threat short of attack"),
    Param("request_severity", "logit per unit severity", 3.0, 0, 20, JUDGEMENT, "requests",
          "how much severity raises the odds of asking"),
    Param("request_credibility", "logit per unit belief", 2.0, 0, 20, JUDGEMENT, "requests",
          "how much the victim's belief that help will come raises the odds of asking"),
    Param("request_power", "logit per unit spending share", 4.0, 0, 20,
          JUDGEMENT + " prior (Morrow 1991, asymmetric alliances); fitted on the record: Britain 2018 did not ask, "
          "the United States asked once (2001)", "requests",
          "how much the victim's military spending, as a share of the alliance leader's, lowers the odds of asking"),
    Param("request_shared", "logit", 0.0, -10, 10,
          JUDGEMENT + " (no direction known beforehand); fitted on the record's shared crises: NATO 2014, three of "
          "nine exposed allies asked; 2022, eight of nine", "requests",
          "log-odds added for an exposed member of a crisis shared by several members (an act against a neighbour, "
          "not against the member itself)"),
)

_BASE = ("request_base_armed_attack", "request_base_member_clash", "request_base_unrest", "request_base_threat")


def _base_of(base: list, t: np.ndarray):
    """The base log-odds of each request's type ``t``: scalars, or per-row parameters (one per request)."""
    if not any(np.ndim(b) for b in base):
        return np.array(base)[t]
    table = np.stack(np.broadcast_arrays(*base, t)[:len(base)], axis=-1)   # (requests, types)
    return np.take_along_axis(table, t[..., None], -1)[..., 0]


def p_request(params, crisis_type, severity, credibility, power=0.0, shared=False):
    """Probability that the victim asks. ``crisis_type``: int codes (timeline.CRISIS_CODES);
    ``severity`` in (0, 1); ``credibility``: the victim's belief (mean of Beta a, b); ``power``: its
    military spending as a share of the alliance leader's (:func:`power_share`); ``shared``: the
    crisis is shared by several members. Arrays broadcast."""
    t = np.asarray(crisis_type)
    base = [params[k] for k in _BASE]
    x = _base_of(base, np.clip(t, 0, 3)) + params["request_severity"] * (np.asarray(severity) - 0.5) \
        + params["request_credibility"] * (np.asarray(credibility) - 0.5) - params["request_power"] * np.asarray(power) \
        + params["request_shared"] * np.asarray(shared, dtype=float)
    return np.where(t >= 0, sigmoid(x), 0.0)


def power_share(milex, victim, leader: int) -> np.ndarray:
    """Military spending of ``victim`` (indices) as a share of the alliance leader's (``leader``:
    its index; none or no spending known: 0)."""
    milex = np.asarray(milex, dtype=float)
    lead = milex[leader] if leader >= 0 else 0.0
    return milex[np.asarray(victim)] / lead if lead > 0 else np.zeros(np.shape(victim))


MECHANISM = Mechanism(
    3, "requests",
    features=(
        Feature("crisis_type", "timeline.CRISIS_CODES", "the recorded crisis (request, consultation, clash)",
                "the month's crisis of the victim (crises phase)"),
        Feature("severity", "in (0, 1)", "the timeline's injected severity, else integrated over the severity law",
                "the drawn or injected severity"),
        Feature("credibility", "belief in [0, 1]", "the victim's belief from the outcomes recorded before the month",
                "the victim's Beta mean before the month's outcomes"),
        Feature("power", "share of the leader's military spending", "states.toml capability (milex) of the victim "
                "and of the alliance leader", "the same, compiled (Model.terms.milex, Model.leader)"),
    ),
    params=PARAMS, functions=(p_request, power_share))
