"""Treaty layer: membership standings and transitions, decision procedures, obligations."""

from foedus.treaty.membership import (
    BOUND_STANDINGS,
    MEMBER_STANDINGS,
    TRANSITIONS,
    Action,
    Standing,
    step,
    step_array,
)
from foedus.treaty.obligations import Duty, Obligations, obligations
from foedus.treaty.procedure import ABSTAIN, NO, YES, passes, procedure_on

__all__ = [
    "ABSTAIN", "BOUND_STANDINGS", "MEMBER_STANDINGS", "NO", "TRANSITIONS", "YES",
    "Action", "Duty", "Obligations", "Standing", "obligations", "passes", "procedure_on", "step", "step_array",
]
