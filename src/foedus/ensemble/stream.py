"""Summaries that stream: chunk summaries are added into one running total as they finish, so the
memory of an ensemble is bounded by the chunk, not by the run count; and chunk files already in a
results folder are verified and reused (resume).

Every summed array is an integer count, so adding in place, in whatever order chunks finish, gives
exactly what :meth:`Summary.merge` of all chunks gives. Per-run arrays, when kept, are the only
part that grows with the runs (``--no-per-run`` drops them)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from foedus.ensemble.chunks import ChunkSpec
from foedus.ensemble.summary import RUN_KEYS, SUM_KEYS, Summary


class Accumulator:
    """The running total of chunk summaries; per-run arrays kept (by chunk) only if ``per_run``."""

    def __init__(self, months: int, n_states: int, per_run: bool, draws: int = 1):
        self.sums = {k: v.copy() for k, v in Summary.empty(months, n_states, False, draws).arrays.items() if k in SUM_KEYS}
        self.per_run = per_run
        self._runs: dict[int, dict[str, np.ndarray]] = {}
        self.chunks = 0

    def add(self, index: int, part: Summary) -> None:
        a = part.arrays
        for k in SUM_KEYS:
            self.sums[k] += a[k]
        if self.per_run and "run" in a:
            self._runs[index] = {k: a[k] for k in RUN_KEYS}
        self.chunks += 1

    def result(self) -> Summary:
        out = dict(self.sums)
        if self.per_run and self._runs:
            order = sorted(self._runs)
            for k in RUN_KEYS:
                out[k] = np.concatenate([self._runs[i][k] for i in order])
        return Summary(out)


def _expected_shapes(months: int, n: int, draws: int = 1) -> dict[str, tuple[int, ...]]:
    return {k: v.shape for k, v in Summary.empty(months, n, False, draws).arrays.items()}


def load_chunk(spec: ChunkSpec, months: int, n_states: int) -> Summary | None:
    """The chunk's file, if it exists and is whole and right: every array readable (the zip's CRC
    is checked on reading), the expected keys and shapes, the chunk's run count, and (per-run) its
    run numbers. Anything else is ``None``: the chunk is run again and its file replaced."""
    path = spec.path()
    if path is None or not path.is_file():
        return None
    try:
        part = Summary.load(path)
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        return None
    a = part.arrays
    for k, shape in _expected_shapes(months, n_states, spec.k).items():
        if k not in a or a[k].shape != shape or a[k].dtype.kind not in "iu":
            return None
    if int(a["runs"]) != spec.runs:
        return None
    if spec.per_run:
        if any(k not in a for k in RUN_KEYS) or not np.array_equal(a["run"], np.arange(spec.run_start, spec.run_stop)):
            return None
        if any(len(a[k]) != spec.runs for k in RUN_KEYS):
            return None
    return part


def remove_partial_files(out_dir: str | Path) -> int:
    """Temporary files that a killed run left behind (``.chunk-00003.npz.tmp-PID``): never read,
    removed before a resume writes again."""
    n = 0
    for p in (Path(out_dir) / "chunks").glob(".*.tmp-*"):
        p.unlink(missing_ok=True)
        n += 1
    for p in Path(out_dir).glob(".*.tmp-*"):
        p.unlink(missing_ok=True)
        n += 1
    return n
