"""Mechanism 7, accession: an outside state applies, the council invites it, each member ratifies.

An outside (or former) state applies with monthly probability

    p_apply = sigmoid(hazard_apply + apply_alignment * align_i + apply_threat * (threat_i - 1))

where ``align_i`` is its affinity to the alliance's patron (or leading member). The council invites
it by consensus (``foedus.treaty.procedure.passes``), each member voting yes with
sigmoid(invite_base + invite_affinity * aff[j, i]), else no. Then each member that was a member
when it was invited ratifies with monthly probability

    p_ratify = sigmoid(hazard_ratify + ratify_affinity * aff[j, i] - ratify_grievance * grievance[j, i])

and the applicant is admitted (``Action.admit``) once every one of them has. A member with a
grievance holds out (Finland: 11 months; Sweden: 22 months, Turkey and Hungary last; facts).
"""

from __future__ import annotations

import numpy as np

from foedus.model._math import sigmoid
from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import JUDGEMENT, Param

PARAMS = (
    Param("hazard_apply", "logit", -10.5, -20, 5, JUDGEMENT + "; NATO: 20 accessions in 75 years (facts)", "accession",
          "monthly log-odds that an outside state applies, at alignment 0 and baseline threat"),
    Param("apply_alignment", "logit per unit affinity", 3.0, 0, 20, JUDGEMENT, "accession",
          "how much alignment with the patron raises the odds of applying"),
    Param("apply_threat", "logit per unit threat", 1.0, 0, 20, JUDGEMENT + "; Finland and Sweden applied after Feb 2022 (facts)", "accession",
          "how much threat raises the odds of applying"),
    Param("invite_base", "utility", 1.0, -10, 10, JUDGEMENT, "accession",
          "base utility of a member's yes to inviting an applicant"),
    Param("invite_affinity", "utility per unit affinity", 2.0, 0, 10, JUDGEMENT, "accession",
          "weight of the member's affinity to the applicant in the invitation vote"),
    Param("hazard_ratify", "logit", -0.5, -20, 5, JUDGEMENT + "; most allies ratified Finland within ~3 months (facts)", "accession",
          "monthly log-odds that a member ratifies an accession, at affinity 0 and no grievance"),
    Param("ratify_affinity", "logit per unit affinity", 1.0, 0, 10, JUDGEMENT, "accession",
          "how much affinity speeds ratification"),
    Param("ratify_grievance", "logit per unit grievance", 1.0, 0, 10, JUDGEMENT + "; Sweden: 22 months (facts)", "accession",
          "how much a grievance slows ratification"),
)


def p_apply(params, alignment, threat):
    return sigmoid(params["hazard_apply"] + params["apply_alignment"] * np.asarray(alignment)
                   + params["apply_threat"] * (np.asarray(threat) - 1.0))


def p_invite_vote(params, affinity):
    """Probability that a member votes yes to inviting (otherwise no)."""
    return sigmoid(params["invite_base"] + params["invite_affinity"] * np.asarray(affinity))


def p_ratify(params, affinity, grievance):
    return sigmoid(params["hazard_ratify"] + params["ratify_affinity"] * np.asarray(affinity)
                   - params["ratify_grievance"] * np.asarray(grievance))


MECHANISM = Mechanism(
    7, "accession",
    features=(
        Feature("alignment", "affinity", "the applicant's affinity to the leading member", "the same (Model.affinity)"),
        Feature("threat", "multiplier", "the timeline on the date", "Model.tl.threat"),
        Feature("affinity", "affinity", "a member's affinity to the applicant", "the same"),
        Feature("grievance", "utility", "behaviour.toml [[grievance]]", "Model.grievance"),
    ),
    params=PARAMS, functions=(p_apply, p_invite_vote, p_ratify))
