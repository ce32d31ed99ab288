"""Ensemble layer: runs in chunks, seeds, executors; summaries that merge exactly."""

from foedus.ensemble.chunks import ChunkSpec, chunk_specs, run_chunk
from foedus.ensemble.executors import Executor, ProcessExecutor, SerialExecutor, make_executor
from foedus.ensemble.runner import run_ensemble
from foedus.ensemble.summary import Summary

__all__ = ["ChunkSpec", "Executor", "ProcessExecutor", "SerialExecutor", "Summary", "chunk_specs", "make_executor",
           "run_chunk", "run_ensemble"]
