"""Mechanism 9, dissolution: the parties end the whole alliance by their own act.

A treaty's calendar ends it at the end of a term that does not renew (``engine.step._term_end``);
most alliances that end do not end that way but by the parties' act -- dissolved by agreement,
terminated, superseded, abandoned once their purpose is met, or broken by war between members
(ATOP's termination codes, ``catalogue.exits.END_CAUSE``). Each month an alliance in force, outside
a month in which a term ends or a renewal window falls (there the calendar and the members' lapses
decide), ends with

    p_dissolve = sigmoid(hazard_dissolve + dissolve_age * age + dissolve_members * log(members)
                         + dissolve_leader_share * leader_share + dissolve_organisation * organised)

where ``age`` is the decades since the treaty entered into force, ``members`` the parties (active,
frozen, under notice or suspended) when the month begins, and ``leader_share`` the largest party's
share of the parties' military spending (the scenario's capabilities, COW NMC ``milex`` for ATOP
alliances, times the timeline's capability factor): the covariates the alliance-duration
literature tests (age and size; capability concentration, Bennett 1997, "Testing alternative models
of alliance duration, 1816-1984", American Journal of Political Science 41(3): 846-878; changes in
power, Leeds & Savun 2007, "Terminating alliances: why do states abrogate agreements?", Journal of
Politics 69(4): 1118-1132), and ``organised``, 1 from the month after the parties set up a standing
organisation (the alliance's ``organisation`` in the scenario; ATOP's ``formorg`` for its alliances):
the institutionalisation that the expanded ATOP data code (Leeds & Anac 2005, "Alliance
institutionalization and alliance performance", International Interactions 31(3): 183-202), a
sunk investment that should make the parties less ready to end it. An alliance the mechanism ends ends as a term's end does: every party
leaves by the treaty's end, nothing is owed after it, nobody joins it again.

The engine draws it at the start of the month's treaty calendar, from its own named stream
(``dissolution``: one uniform per run and alliance), so it shifts no other draw. The likelihood
scores every alliance-month of the record with the same function (``observations._alliance_months``):
the month of an end the calendar does not make, against every other month in force. A treaty
superseded by a new text (ATOP's renegotiation) did not end the alliance
(``scenario.schema.ends_alliance``): its last month counts as the alliance continuing. The CSTO and
NATO never ended; only ATOP's ends identify the parameters, so they are fitted by the pooled fit
(``foedus calibrate --pooled``), whose values are their declared defaults, and held there by the fit
on the CSTO's and NATO's records alone, which cannot identify them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foedus.model._math import sigmoid
from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import Param

#: Where the declared defaults come from: the only fit that identifies them (the CSTO and NATO never ended).
POOLED = ("the pooled fit, foedus calibrate --pooled (docs/calibration.md §5): 5,124 alliance-months of 21 ATOP "
          "defence pacts with 7 ends by their parties (4 supersessions scored as continuing), and the CSTO's and "
          "NATO's 1,296 without one")

PARAMS = (
    Param("hazard_dissolve", "logit", -4.451, -20, 5, POOLED + "; prior N(-7, 2.5), judgement",
          "dissolution", "monthly log-odds that the parties end the alliance, at age 0, one party, leader share 0"),
    Param("dissolve_age", "logit per decade in force", -0.169, -5, 5,
          POOLED + "; prior N(0, 1), judgement: no direction assumed (Bennett 1997 tests duration dependence)",
          "dissolution",
          "how the odds of ending change with each decade since entry into force"),
    Param("dissolve_members", "logit per unit log(parties)", -0.659, -5, 5,
          POOLED + "; prior N(0, 1), judgement: no direction assumed", "dissolution",
          "how the odds of ending change with the number of parties (per doubling: times log 2)"),
    Param("dissolve_leader_share", "logit per unit share", -1.106, -10, 10,
          POOLED + "; prior N(0, 2), judgement: no direction assumed (capability concentration, Bennett 1997)",
          "dissolution",
          "how the odds of ending change with the largest party's share of the parties' military spending"),
    Param("dissolve_organisation", "logit", -0.335, -10, 10,
          POOLED + "; prior N(0, 1), judgement: no direction assumed (institutionalisation, Leeds & Anac 2005)",
          "dissolution",
          "how the odds of ending change once the parties have a standing organisation (1) rather than none (0)"),
)


@dataclass(frozen=True)
class AllianceFeatures:
    """The features of an alliance-month, arrays of one shape (runs, or record months)."""

    age: np.ndarray            # decades since entry into force
    members: np.ndarray        # parties when the month begins
    leader_share: np.ndarray   # the largest party's share of the parties' military spending
    organised: np.ndarray      # 1.0 where the parties have a standing organisation, else 0.0


def alliance_features(parties, spending, months_in_force, organised=False) -> AllianceFeatures:
    """``parties`` (..., N) bool, ``spending`` (..., N) or (N,) each state's military spending (its
    capability factor applied), ``months_in_force`` and ``organised`` (bool: the month is after the
    one in which the organisation was set up, :func:`organised_in`) broadcastable to
    ``parties.shape[:-1]``. Where the parties' spending is unknown (all zero) the shares are equal:
    1 / members."""
    parties = np.asarray(parties, dtype=bool)
    spend = np.where(parties, np.asarray(spending, dtype=float), 0.0)
    n = parties.sum(-1)
    total = spend.sum(-1)
    share = np.where(total > 0, spend.max(-1) / np.where(total > 0, total, 1.0), 1.0 / np.maximum(n, 1))
    age = np.broadcast_to(np.asarray(months_in_force, dtype=float) / 120.0, n.shape)
    org = np.broadcast_to(np.asarray(organised, dtype=float), n.shape)
    return AllianceFeatures(age=age, members=n, leader_share=share, organised=org)


#: ``organisation_month`` of an alliance without an organisation: no month is after it.
NO_ORGANISATION = np.iinfo(np.int64).max


def organised_in(month, organisation_month):
    """Has the alliance a standing organisation in ``month`` (an index or array of month indexes):
    the month after the one in which it was set up, and every later one."""
    return np.asarray(month) > organisation_month


def p_dissolve(params, f: AllianceFeatures):
    """Monthly probability that the parties end the alliance (none without a party)."""
    z = (params["hazard_dissolve"] + params["dissolve_age"] * f.age
         + params["dissolve_members"] * np.log(np.maximum(f.members, 1))
         + params["dissolve_leader_share"] * f.leader_share + params["dissolve_organisation"] * f.organised)
    return np.where(np.asarray(f.members) > 0, sigmoid(z), 0.0)


MECHANISM = Mechanism(
    9, "dissolution",
    features=(
        Feature("age", "decades", "months since the treaty entered into force, on the month's first day",
                "the same (Model.in_force_month)"),
        Feature("members", "parties", "the parties in the replayed standings on the eve of the month",
                "the run's parties at the start of the month's treaty calendar"),
        Feature("leader_share", "share in [0, 1]", "the largest party's share of the parties' milex (states.toml) "
                "times the timeline's capability factor", "the same, per run"),
        Feature("organised", "0 or 1", "1 from the month after the alliance's organisation.since (alliances.toml; "
                "an ATOP alliance with formorg = 1: since its first day)", "the same (Model.organisation_month)"),
    ),
    params=PARAMS, functions=(alliance_features, p_dissolve))
