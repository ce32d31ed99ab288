"""Run an ensemble: chunk specs through an executor, summaries merged as chunks finish."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from foedus.engine.compile import Model
from foedus.ensemble.chunks import chunk_specs, run_chunk
from foedus.ensemble.executors import Executor, make_executor
from foedus.ensemble.stream import Accumulator, load_chunk, remove_partial_files
from foedus.ensemble.summary import Summary
from foedus.errors import ArgumentError
from foedus.seeds import check_seed


def run_ensemble(model: Model, runs: int, seed: int, chunk_size: int = 5000, executor: str | Executor = "serial",
                 workers: int | None = None, per_run: bool = True, out_dir: str | None = None,
                 progress: Callable[[int, int, int], None] | None = None, resume: bool = False,
                 scheduler: str | None = None) -> Summary:
    """Simulate ``runs`` runs in chunks of ``chunk_size``; ``progress(chunks_done, chunks_total, runs_done)``.

    Chunk summaries are added into a running total as they finish (memory bounded by the chunk;
    per-run arrays, if kept, grow with the runs). With ``resume`` the chunk files already in
    ``out_dir`` that verify are read instead of simulated (``foedus.ensemble.stream.load_chunk``).
    The runs carry the model's parameter draws (``Model.draws``, ``foedus.ensemble.draws``)."""
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
        raise ArgumentError("--runs", "a whole number of runs, at least 1", runs)
    check_seed(seed)
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise ArgumentError("--chunk-size", "a whole number of runs, at least 1", chunk_size)
    k = len(model.draws.params) if model.draws is not None else 1
    if k > runs or (k > 1 and model.draws.runs != runs):
        raise ArgumentError("--param-draws", f"at most the number of runs ({runs}), drawn for that run count", k)
    specs = chunk_specs(model, runs, seed, chunk_size, per_run, out_dir)
    # Testing hook: a pause after each finished chunk, so that a test can interrupt a run between
    # chunks however fast the machine is. It changes no result.
    pause = float(os.environ.get("FOEDUS_CHUNK_PAUSE", "0") or 0)
    ex = make_executor(executor, workers, scheduler)
    total = Accumulator(model.months, model.n_states, per_run, k)
    done_runs = 0
    todo = specs
    if resume and out_dir is not None:
        remove_partial_files(out_dir)
        todo = []
        for spec in specs:
            part = load_chunk(spec, model.months, model.n_states)
            if part is None:
                todo.append(spec)
            else:
                total.add(spec.index, part)
                done_runs += spec.runs
        if progress is not None and total.chunks:
            progress(total.chunks, len(specs), done_runs)
    if todo:
        with ex:
            for index, summary in ex.map(run_chunk, todo):
                total.add(index, summary)
                done_runs += specs[index].runs
                if progress is not None:
                    progress(total.chunks, len(specs), done_runs)
                if pause:
                    time.sleep(pause)
    return total.result()
