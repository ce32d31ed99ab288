"""foedus: an engine for collective-security alliances.

Executable treaty rules, the replayed record of the CSTO and NATO, and a behavioural model run as
seeded Monte Carlo ensembles."""

from foedus.api import Scenario, load_scenario
from foedus.errors import BadInput, FoedusError, RuleViolation, ScenarioError
from foedus.simulation import simulate

__version__ = "0.1.0"

__all__ = ["BadInput", "FoedusError", "RuleViolation", "Scenario", "ScenarioError", "__version__", "load_scenario", "simulate"]
