"""Chunks of runs: a small frozen spec, and the top-level function that simulates one.

Seeding. Runs are numbered 0..runs-1 across the whole ensemble; every random number is a pure
function of (seed, stream name, calendar month, run number, slot) (``foedus.engine.streams``).
A chunk is just a range of run numbers, so results are bit-identical whatever the chunk size, the
order chunks finish in, or the executor; and a variant with the same seed sees the same draws
wherever nothing differs (common random numbers). ``SeedSequence(seed, spawn_key=(crc32(name),))``
roots each named stream."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from foedus.engine.compile import Model
from foedus.engine.step import run_months
from foedus.ensemble.summary import Summary


@dataclass(frozen=True)
class ChunkSpec:
    model: Model
    seed: int
    index: int
    run_start: int
    run_stop: int
    per_run: bool = True
    out_dir: str | None = None   # where chunks/chunk-NNNNN.npz goes (None: keep in memory only)
    k: int = 1                      # the number of parameter draws (``Model.draws``: the shape of the per-draw counts)

    @property
    def runs(self) -> int:
        return self.run_stop - self.run_start

    def path(self) -> Path | None:
        return None if self.out_dir is None else Path(self.out_dir) / "chunks" / f"chunk-{self.index:05d}.npz"


def chunk_specs(model: Model, runs: int, seed: int, chunk_size: int, per_run: bool = True,
                out_dir: str | None = None) -> list[ChunkSpec]:
    k = len(model.draws.params) if model.draws is not None else 1
    return [ChunkSpec(model, seed, i, s, min(s + chunk_size, runs), per_run, out_dir, k)
            for i, s in enumerate(range(0, runs, chunk_size))]


def run_chunk(spec: ChunkSpec) -> tuple[int, Summary]:
    """Simulate one chunk, every run in one pass, each with its parameter draw's values
    (``Model.draws``); write its summary file atomically if ``out_dir`` is set."""
    m = spec.model
    summary = Summary.empty(m.months, m.n_states, spec.per_run, spec.k)
    st = run_months(m, np.arange(spec.run_start, spec.run_stop), spec.seed, summary.observe)
    summary.finish(st, m.months, m.focus)
    path = spec.path()
    if path is not None:
        summary.save(path)
    return spec.index, summary
