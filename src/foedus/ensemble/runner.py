"""Run an ensemble: chunk specs through an executor, summaries merged as chunks finish."""

from __future__ import annotations

from collections.abc import Callable

from foedus.engine.compile import Model
from foedus.ensemble.chunks import chunk_specs, run_chunk
from foedus.ensemble.executors import Executor, make_executor
from foedus.ensemble.summary import Summary
from foedus.errors import ArgumentError


def run_ensemble(model: Model, runs: int, seed: int, chunk_size: int = 2000, executor: str | Executor = "serial",
                 workers: int | None = None, per_run: bool = True, out_dir: str | None = None,
                 progress: Callable[[int, int, int], None] | None = None) -> Summary:
    """Simulate ``runs`` runs in chunks of ``chunk_size``; ``progress(chunks_done, chunks_total, runs_done)``."""
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
        raise ArgumentError("--runs", "a whole number of runs, at least 1", runs)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ArgumentError("--seed", "a non-negative whole number", seed)
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise ArgumentError("--chunk-size", "a whole number of runs, at least 1", chunk_size)
    specs = chunk_specs(model, runs, seed, chunk_size, per_run, out_dir)
    parts: list[Summary] = []
    done_runs = 0
    ex = make_executor(executor, workers)
    with ex:
        for index, summary in ex.map(run_chunk, specs):
            parts.append(summary)
            done_runs += specs[index].runs
            if progress is not None:
                progress(len(parts), len(specs), done_runs)
    return Summary.merge(parts)
