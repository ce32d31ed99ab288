"""Per-run counts of each class of event in a simulation, read from the engine's month records.

The engine keeps per-run counters for the focus alliance (requests and their outcomes, freezes,
notices, returns, accessions, exits, the treaty's end); what it does not count -- crises befalling members,
suspensions, the exits at a renewal window -- is counted here from each month's standings and
crises (:class:`foedus.engine.step.MonthRecord`), so nothing in the engine changes. Chunks are
ranges of run numbers and every draw is a function of the run number (``foedus.engine.streams``),
so the counts are the same whatever the chunk size, executor or worker count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from foedus.engine.compile import Model
from foedus.engine.step import COUNTERS, ChunkState, MonthRecord, run_months
from foedus.ensemble.executors import Executor, make_executor
from foedus.retrodiction.events import CLASSES
from foedus.treaty.membership import MEMBER_STANDINGS, Standing

S = Standing
SIMULATED = tuple(c.name for c in CLASSES if c.simulated)
_COL = {k: i for i, k in enumerate(SIMULATED)}
_IS_MEMBER = np.isin(np.arange(len(S)), sorted(MEMBER_STANDINGS))
_STAYED = np.isin(np.arange(len(S)), [S.active, S.frozen])        # may lapse at a renewal window
_LEFT = np.isin(np.arange(len(S)), [S.withdrawn, S.applicant])    # a lapsed member (applying again at once)
#: The engine's per-run counters, by the class they count.
_FROM_ENGINE = {"requests": "requests", "deployments": "honoured_full", "limited": "honoured_part",
                "refusals": "refused", "freezes": "freezes", "notices": "notices", "returns": "returns",
                "accessions": "accessions", "exits": "exits", "alliance_ends": "alliance_ends"}


class RunCounts:
    """An observer of the engine's months: each run's count of each simulated class (focus alliance)."""

    def __init__(self, model: Model, runs: int):
        self.model = model
        self.prev = np.repeat(model.standing0[model.focus][None], runs, axis=0)
        self.counts = np.zeros((runs, len(SIMULATED)), np.int64)

    def observe(self, t: int, rec: MonthRecord, st: ChunkState) -> None:
        now, prev = rec.standing, self.prev
        # a crisis befalls a member: its standing when the month began (counted over the month's
        # crisis cells, not the whole chunk)
        r, i = np.divmod(np.flatnonzero(rec.crisis >= 0), rec.crisis.shape[1])
        if len(r):
            self.counts[:, _COL["crises"]] += np.bincount(r[_IS_MEMBER[prev[r, i]]], minlength=len(prev))
        if rec.standing_counts[:, S.suspended].any():   # no run has a suspended member: none was suspended
            self.counts[:, _COL["suspensions"]] += ((now == S.suspended) & (prev != S.suspended)).sum(1)
        if self.model.renewal[self.model.focus, t]:   # in such a month a member leaves only by lapsing
            self.counts[:, _COL["exits_renewal"]] += (_STAYED[prev] & _LEFT[now]).sum(1)
        self.prev = now

    def finish(self, st: ChunkState) -> np.ndarray:
        for name, counter in _FROM_ENGINE.items():
            self.counts[:, _COL[name]] = st.counts[:, COUNTERS.index(counter)]
        self.counts[:, _COL["exits_notice"]] = self.counts[:, _COL["exits"]] - self.counts[:, _COL["exits_renewal"]]
        return self.counts


@dataclass(frozen=True)
class CountChunk:
    model: Model
    seed: int
    index: int
    run_start: int
    run_stop: int


def count_chunk(spec: CountChunk) -> tuple[int, np.ndarray]:
    """Simulate one chunk of runs in one pass, each with its parameter draw's values (``Model.draws``);
    its per-run counts (runs, classes)."""
    obs = RunCounts(spec.model, spec.run_stop - spec.run_start)
    return spec.index, obs.finish(run_months(spec.model, np.arange(spec.run_start, spec.run_stop), spec.seed, obs.observe))


def simulated_counts(model: Model, runs: int, seed: int, chunk_size: int = 1000,
                     executor: str | Executor = "serial", workers: int | None = None,
                     progress: Callable[[int], None] | None = None) -> np.ndarray:
    """(runs, len(SIMULATED)) int64: each run's count of each simulated class, in run order.
    ``progress(runs_done)`` after each chunk; the runs' parameter draws are the model's (``Model.draws``)."""
    specs = [CountChunk(model, seed, k, s, min(s + chunk_size, runs))
             for k, s in enumerate(range(0, runs, chunk_size))]
    parts: dict[int, np.ndarray] = {}
    with make_executor(executor, workers) as ex:
        for index, counts in ex.map(count_chunk, specs):
            parts[index] = counts
            if progress is not None:
                progress(sum(len(p) for p in parts.values()))
    return np.concatenate([parts[k] for k in range(len(specs))])
