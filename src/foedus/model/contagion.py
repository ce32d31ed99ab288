"""Mechanism 8, contagion of unrest: regime-threatening unrest in one member makes unrest in the
others likelier in the same month.

In a month in which ``k`` members of the focus alliance suffer unrest, each other member without
a crisis that month suffers unrest too with probability

    p_spread = 1 - (1 - unrest_contagion) ** k

and its severity is drawn from the crises mechanism's law (``crises.severity``). The default is 0:
the mechanism is off until a fit on the record or a what-if turns it on. Arrivals of crises are not decisions on the record (the likelihood scores a recorded
crisis's request and answer, not its arrival), so the likelihood has nothing to add for it.

The phase (:func:`spread_unrest`) runs after the month's crises are drawn and before the victims
ask for help; its draws come from its own named streams, so they shift no other draw.
"""

from __future__ import annotations

import numpy as np

from foedus.model import crises
from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import Param
from foedus.model.timeline import CRISIS_CODES
from foedus.scenario.schema import CrisisType
from foedus.treaty.membership import MEMBER_STANDINGS

UNREST = CRISIS_CODES[CrisisType.unrest]

PARAMS = (
    Param("unrest_contagion", "probability per member in unrest", 0.0, 0, 1,
          "judgement: off by default, not yet calibrated",
          "contagion", "chance that one member's unrest spreads to another member in the same month"),
)


def p_spread(params, in_unrest):
    """Probability that a member without a crisis suffers unrest when ``in_unrest`` members do."""
    return 1.0 - (1.0 - params["unrest_contagion"]) ** np.asarray(in_unrest, dtype=float)


def spread_unrest(model, st, month) -> None:
    """The phase: members of the focus alliance without a crisis catch the month's unrest."""
    p = st.params   # the chunk's runs' values (``engine.step.ChunkState.params``)
    if np.all(p["unrest_contagion"] <= 0):   # off (the default): nothing spreads, nothing is drawn
        return
    cr, ci, ctype, caggr, sev, shared = month.crises
    R, N = len(st.runs), model.n_states
    in_unrest = (ctype == UNREST) & np.isin(st.standing[cr, model.focus, ci], sorted(MEMBER_STANDINGS))
    k = np.bincount(cr[in_unrest], minlength=R)
    if not k.any():
        return
    rows = np.flatnonzero(k)
    members = np.isin(st.standing[rows, model.focus, :], sorted(MEMBER_STANDINGS))
    u = month.draw("contagion", model.state_slots[model.focus], rows)                   # (rows, N)
    hit = members & (month.crisis[rows] < 0) & (u < p_spread(p.rows(rows), k[rows])[:, None])
    r, i = np.nonzero(hit)
    if not len(r):
        return
    s_new = crises.severity(p.rows(rows[r]), month.draw("contagion_severity", model.state_slots[model.focus][i][:, None], rows[r])[:, 0])
    cr, ci = np.concatenate([cr, rows[r]]), np.concatenate([ci, i])
    ctype = np.concatenate([ctype, np.full(len(r), UNREST, ctype.dtype)])
    caggr, sev = np.concatenate([caggr, np.full(len(r), -1, caggr.dtype)]), np.concatenate([sev, s_new])
    shared = np.concatenate([shared, np.zeros(len(r), bool)])                          # caught, not shared
    o = np.argsort(cr * N + ci, kind="stable")                                         # row-major, as drawn crises are
    month.crises = (cr[o], ci[o], ctype[o], caggr[o], sev[o], shared[o])
    month.crisis[rows[r], i] = UNREST


MECHANISM = Mechanism(
    8, "contagion",
    features=(
        Feature("in_unrest", "members", "none: arrivals of crises are not on the record",
                "the month's crises of type unrest among the focus alliance's members, per run"),
    ),
    params=PARAMS, functions=(p_spread,))
