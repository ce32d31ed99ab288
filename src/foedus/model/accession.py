"""Mechanism 7, accession: an outside state applies, the council invites it, each member ratifies.

An outside (or former) state applies with monthly probability

    p_apply = sigmoid(hazard_apply + apply_alignment * align_i + apply_threat * (threat_i - 1)
                      - apply_outside * outside_i)

where ``align_i`` is its affinity to the alliance's patron (or leading member) and ``outside_i`` its
outside option (``behaviour.toml``, with the timeline's shift: the membership mechanism's): a state
with another alliance or another orientation does not apply (Azerbaijan and Georgia, outside the
CSTO since 1999) where one with none does (the Membership Action Plan's aspirants). The council decides
on an applicant as one body, each month it waits (the application's month included):

    p_invite = sigmoid(invite_base + invite_affinity * mean_j aff[j, i] + invite_threat * (threat_i - 1))

(the mean over the members with a vote). An invitation is the consensus of a council that sounds
its members out before it votes: NATO's Art 10 invitation is unanimous, yet the allies invited every
aspirant they took up without a recorded veto at the vote, after waits of 1.5 months (Finland and
Sweden, 2022) to 19 years (North Macedonia, 1999-2018). A product of independent votes would make
a 30-member invitation all but impossible (0.73 ** 30 = 0.00008) and a 3-member one near-certain;
the council-level hazard has neither defect. Then each member that was a member
when it was invited ratifies with monthly probability

    p_ratify = sigmoid(hazard_ratify + ratify_affinity * aff[j, i] - ratify_grievance * grievance[j, i])

and the applicant is admitted (``Action.admit``) once every one of them has. A member with a
grievance holds out (Finland: 11 months; Sweden: 22 months, Turkey and Hungary last; NATO Parliamentary Assembly, 'Ratification of Finland and Sweden's
accession to NATO', nato-pa.int/content/finland-sweden-accession).
"""

from __future__ import annotations

import numpy as np

from foedus.model._math import sigmoid
from foedus.model.mechanism import Feature, Mechanism
from foedus.model.parameters import JUDGEMENT, Param

PARAMS = (
    Param("hazard_apply", "logit", -10.5, -20, 5, JUDGEMENT + "; NATO: 20 accessions in 75 years (NATO, 'NATO member countries', nato.int/cps/en/natohq/topics_52044.htm)", "accession",
          "monthly log-odds that an outside state applies, at alignment 0 and baseline threat"),
    Param("apply_alignment", "logit per unit affinity", 3.0, 0, 20, JUDGEMENT, "accession",
          "how much alignment with the patron raises the odds of applying"),
    Param("apply_threat", "logit per unit threat", 1.0, 0, 20, JUDGEMENT + "; Finland and Sweden applied after Feb 2022 (NATO, 'Finland and Sweden submit applications to join NATO', 18 May 2022, nato.int/cps/en/natohq/news_195468.htm)", "accession",
          "how much threat raises the odds of applying"),
    Param("apply_outside", "logit per unit outside option", 1.0, 0, 20, JUDGEMENT, "accession",
          "how much the state's outside option lowers the odds of applying"),
    Param("invite_base", "logit", -4.0, -20, 5,
          JUDGEMENT + "; NATO invited 13 aspirants after about 800 applicant-months, 1999-2022 (record)", "accession",
          "monthly log-odds that the council invites an applicant, at mean affinity 0 and baseline threat"),
    Param("invite_affinity", "logit per unit affinity", 1.0, 0, 10, JUDGEMENT, "accession",
          "how much the members' mean affinity to the applicant raises the odds of an invitation"),
    Param("invite_threat", "logit per unit threat", 1.0, 0, 10,
          JUDGEMENT + "; Finland and Sweden invited 7 weeks after applying, Feb 2022 invasion (record)", "accession",
          "how much the applicant's threat raises the odds of an invitation"),
    Param("hazard_ratify", "logit", -0.5, -20, 5, JUDGEMENT + "; most allies ratified Finland within ~3 months (NATO Parliamentary Assembly, 'Ratification of Finland and Sweden's accession to NATO', nato-pa.int/content/finland-sweden-accession)", "accession",
          "monthly log-odds that a member ratifies an accession, at affinity 0 and no grievance"),
    Param("ratify_affinity", "logit per unit affinity", 1.0, 0, 10, JUDGEMENT, "accession",
          "how much affinity speeds ratification"),
    Param("ratify_grievance", "logit per unit grievance", 1.0, 0, 10, JUDGEMENT + "; Sweden: 22 months (NATO, 18 May 2022, nato.int/cps/en/natohq/news_195468.htm: applied; NATO, 'NATO now has 32 countries', 7 Mar 2024: joined)", "accession",
          "how much a grievance slows ratification"),
)


def p_apply(params, alignment, threat, outside):
    return sigmoid(params["hazard_apply"] + params["apply_alignment"] * np.asarray(alignment)
                   + params["apply_threat"] * (np.asarray(threat) - 1.0) - params["apply_outside"] * np.asarray(outside))


def council_affinity(affinity, voters):
    """The mean affinity of the members with a vote to each applicant: ``affinity`` (K, N) the
    applicants' rows, ``voters`` (K, N) bool; 0 where nobody votes."""
    voters = np.asarray(voters, dtype=bool)
    n = voters.sum(-1)
    return np.where(voters, affinity, 0.0).sum(-1) / np.maximum(n, 1)


def p_invite(params, affinity, threat):
    """Monthly probability that the council invites an applicant, from the members' mean affinity
    to it (:func:`council_affinity`) and its threat."""
    return sigmoid(params["invite_base"] + params["invite_affinity"] * np.asarray(affinity)
                   + params["invite_threat"] * (np.asarray(threat) - 1.0))


def p_ratify(params, affinity, grievance):
    return sigmoid(params["hazard_ratify"] + params["ratify_affinity"] * np.asarray(affinity)
                   - params["ratify_grievance"] * np.asarray(grievance))


MECHANISM = Mechanism(
    7, "accession",
    features=(
        Feature("alignment", "affinity", "the applicant's affinity to the leading member", "the same (Model.affinity)"),
        Feature("threat", "multiplier", "the timeline on the date", "Model.tl.threat"),
        Feature("outside", "utility", "behaviour.toml + the timeline's shift", "Model.outside + tl.outside"),
        Feature("council_affinity", "affinity", "the voting members' mean affinity to the applicant", "the same"),
        Feature("affinity", "affinity", "a member's affinity to the applicant", "the same"),
        Feature("grievance", "utility", "behaviour.toml [[grievance]]", "Model.grievance"),
    ),
    params=PARAMS, functions=(p_apply, council_affinity, p_invite, p_ratify))
