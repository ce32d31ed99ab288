"""Scenario layer: load and validate scenario folders into frozen, typed objects."""

from foedus.scenario.loader import builtin_names, read_folder, resolve, scenario_hash
from foedus.scenario.schema import (
    Alliance,
    CrisisType,
    Event,
    EventType,
    Outcome,
    ScenarioFiles,
    State,
)

__all__ = [
    "Alliance", "CrisisType", "Event", "EventType", "Outcome", "ScenarioFiles", "State",
    "builtin_names", "read_folder", "resolve", "scenario_hash",
]
