"""An interrupted run's folder, read as what it is: incomplete.

``foedus.results.load`` of a folder whose manifest says ``complete: false`` gives a
:class:`~foedus.results.Results` with ``complete`` False and ``missing_chunks`` listing the
chunk numbers not yet written; its ``monthly`` table is the summary of the runs finished so far
(the chunk files that verify), labelled as partial in ``manifest['partial_runs']``. Readers that
need a whole run (``foedus report``, ``foedus compare``) refuse such a folder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from foedus.chronology import month_index, month_start
from foedus.ensemble.chunks import ChunkSpec
from foedus.ensemble.stream import Accumulator, load_chunk
from foedus.results import tables


@dataclass(frozen=True)
class _Shape:
    """What ``tables.monthly`` needs of a model, from the manifest alone."""

    codes: tuple[str, ...]
    start_month: int
    months: int

    @property
    def n_states(self) -> int:
        return len(self.codes)

    def month_dates(self) -> list[dt.date]:
        return [month_start(self.start_month + t) for t in range(self.months)]


def chunk_status(folder: Path, manifest: dict) -> tuple[list[int], Accumulator | None]:
    """The chunks missing from ``folder`` and the running total of those present and whole."""
    try:
        runs, size, months = int(manifest["runs"]), int(manifest["chunk_size"]), int(manifest["months"])
        codes = tuple(manifest["states"])
        per_run = bool(manifest.get("per_run", True))
        k = max(1, int(manifest.get("param_draws") or 1))
    except (KeyError, TypeError, ValueError):
        return list(range(int(manifest.get("chunks_total") or 0))), None
    acc = Accumulator(months, len(codes), per_run=False, draws=k)
    missing = []
    for i, s in enumerate(range(0, runs, size)):
        spec = ChunkSpec(None, 0, i, s, min(s + size, runs), per_run, str(folder), k=k)
        part = load_chunk(spec, months, len(codes))
        if part is None:
            missing.append(i)
        else:
            acc.add(i, part)
    return missing, acc


def partial_monthly(manifest: dict, acc: Accumulator | None) -> pd.DataFrame:
    if acc is None or not acc.chunks:
        return pd.DataFrame()
    shape = _Shape(tuple(manifest["states"]), month_index(dt.date.fromisoformat(manifest["start"])),
                   int(manifest["months"]))
    return tables.monthly(shape, acc.result())
