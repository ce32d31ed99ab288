"""Engine: a scenario and a start date compiled into arrays; one month = a fixed sequence of
vectorised operations over all runs of a chunk (arrays (runs, states), (runs, alliances, states))."""

from foedus.engine.compile import Model, compile_model
from foedus.engine.step import ChunkState, MonthRecord, initial_state, run_months, step

__all__ = ["ChunkState", "Model", "MonthRecord", "compile_model", "initial_state", "run_months", "step"]
