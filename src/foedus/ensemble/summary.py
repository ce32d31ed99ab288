"""Chunk summaries: integer counts and fixed-bin histograms, added chunk by chunk.

Every array is an integer count (or a fixed-point integer sum), so merging is exact and
order-independent: the same seed gives the same tables whatever the chunk size or executor.
Per-run arrays (optional) are concatenated in run order."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from foedus.engine.step import COUNTERS, ChunkState, MonthRecord
from foedus.treaty.membership import MEMBER_STANDINGS, Standing

CRED_BINS = 200
FIXED = 2.0 ** 32  # fixed-point scale of credibility sums
N_STANDINGS = len(Standing)
_MEMBER = np.array(sorted(MEMBER_STANDINGS))

SUM_KEYS = ("standing_counts", "outcome_counts", "crisis_counts", "cred_hist", "cred_sum", "first_exit_hist",
            "counters", "runs", "draw_standing", "draw_exit", "draw_runs")
RUN_KEYS = ("run", "final_standing", "first_exit", "final_cred", "run_counts", "active_members")


_OFFSETS: list[np.ndarray] = []   # the last chunk shape's offsets (one array, reused month after month)


def _bin_offsets(R: int, n: int) -> np.ndarray:
    """(R, n) int32: each state's first credibility-histogram bin, repeated over the runs (adding an
    array of the same shape is several times faster than broadcasting along the short last axis)."""
    if not _OFFSETS or _OFFSETS[0].shape != (R, n):
        _OFFSETS[:] = [np.repeat((np.arange(n, dtype=np.int32) * CRED_BINS)[None], R, axis=0)]
    return _OFFSETS[0]


@dataclass
class Summary:
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def empty(cls, months: int, n: int, per_run: bool, draws: int = 1) -> "Summary":
        """Zero counts; ``draws``: the parameter draws the runs are split across (per-draw counts at the horizon)."""
        a = {
            "standing_counts": np.zeros((months, n, N_STANDINGS), np.int64),
            "outcome_counts": np.zeros((months, n, 3), np.int64),
            "crisis_counts": np.zeros((months, n), np.int64),
            "cred_hist": np.zeros((months, n, CRED_BINS), np.int64),
            "cred_sum": np.zeros((months, n), np.int64),
            "first_exit_hist": np.zeros((n, months + 1), np.int64),
            "counters": np.zeros(len(COUNTERS), np.int64),
            "runs": np.zeros((), np.int64),
            "draw_standing": np.zeros((draws, n, N_STANDINGS), np.int64),   # horizon standings, per draw
            "draw_exit": np.zeros((draws, n), np.int64),                    # runs with a first exit, per draw
            "draw_runs": np.zeros(draws, np.int64),
        }
        s = cls(a)
        s.per_run = per_run
        return s

    per_run: bool = False

    def observe(self, t: int, rec: MonthRecord, st: ChunkState) -> None:
        """The engine's observer: add month ``t``'s counts."""
        # Every month of every chunk passes here: narrow integer types and sparse counts keep it a
        # small part of the month (the same counts as plain int64 arithmetic).
        R, n = rec.standing.shape
        self.arrays["standing_counts"][t] += rec.standing_counts   # the engine's tally, kept move by move
        o = rec.request_outcomes.astype(np.int64) + rec.request_states * 3   # the month's few requests
        if len(o):
            self.arrays["outcome_counts"][t] += np.bincount(o, minlength=3 * n).reshape(n, 3)
        self.arrays["crisis_counts"][t] += np.bincount(rec.crisis_states, minlength=n)
        c = rec.credibility
        b = (c * CRED_BINS).astype(np.int32)
        np.minimum(b, CRED_BINS - 1, out=b)
        b += _bin_offsets(R, n)
        self.arrays["cred_hist"][t] += np.bincount(b.ravel(), minlength=n * CRED_BINS).reshape(n, CRED_BINS)
        fixed = c * FIXED
        np.rint(fixed, out=fixed)
        if R < 2 ** 20:   # integers below 2^32 each: their sum over < 2^20 runs is exact in float64,
            # in any order (every partial sum an integer below 2^52): a product with ones is the fastest
            self.arrays["cred_sum"][t] += (np.ones(R) @ fixed).astype(np.int64)
        else:
            self.arrays["cred_sum"][t] += fixed.astype(np.int64).sum(0)

    def finish(self, st: ChunkState, months: int, focus: int) -> None:
        """After the last month of the runs ``st``: first exits, counters, the counts per parameter
        draw (``ChunkState.draw``), and the per-run arrays."""
        n = st.first_exit.shape[1]
        fe = np.where(st.first_exit < 0, months, st.first_exit).astype(np.int64)
        self.arrays["first_exit_hist"] += np.bincount((fe + np.arange(n) * (months + 1)).ravel(),
                                                      minlength=n * (months + 1)).reshape(n, months + 1)
        self.arrays["counters"] += st.counts.sum(0, dtype=np.int64)
        self.arrays["runs"] += len(st.runs)
        final = st.standing[:, focus, :]
        k = len(self.arrays["draw_runs"])
        cell = (st.draw[:, None] * n + np.arange(n)) * N_STANDINGS + final.astype(np.int64)
        self.arrays["draw_standing"] += np.bincount(cell.ravel(), minlength=k * n * N_STANDINGS).reshape(k, n, N_STANDINGS)
        exited = st.first_exit >= 0
        self.arrays["draw_exit"] += np.bincount((st.draw[:, None] * n + np.arange(n))[exited],
                                                minlength=k * n).reshape(k, n)
        self.arrays["draw_runs"] += np.bincount(st.draw, minlength=k)
        if self.per_run:
            new = dict(run=st.runs.copy(), final_standing=final.copy(), first_exit=st.first_exit.copy(),
                       final_cred=st.cred_a[:, focus, :] / (st.cred_a[:, focus, :] + st.cred_b[:, focus, :]),
                       run_counts=st.counts.copy(), active_members=(final == Standing.active).sum(1).astype(np.int16))
            for k, v in new.items():
                self.arrays[k] = np.concatenate([self.arrays[k], v]) if k in self.arrays else v

    # -- merging and files ----------------------------------------------------------------------
    @staticmethod
    def merge(parts: list["Summary"]) -> "Summary":
        """Sum the counts; concatenate per-run arrays in run order (parts may come in any order)."""
        parts = sorted(parts, key=lambda p: int(p.arrays["run"][0]) if "run" in p.arrays and len(p.arrays["run"]) else 0)
        out = {k: sum(p.arrays[k] for p in parts) for k in SUM_KEYS}
        if parts and all("run" in p.arrays for p in parts):
            for k in RUN_KEYS:
                out[k] = np.concatenate([p.arrays[k] for p in parts])
        return Summary(out)

    def save(self, path: Path) -> Path:
        """Write atomically: a temporary name in the same folder, then ``os.replace``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **self.arrays)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: Path) -> "Summary":
        with np.load(path) as z:
            return cls({k: z[k] for k in z.files})

    # -- derived ----------------------------------------------------------------------------------
    def quantiles(self, hist: np.ndarray, qs) -> np.ndarray:
        """Quantiles from fixed-bin histograms (last axis: bins on [0, 1]), linear within a bin."""
        h = np.asarray(hist, dtype=np.float64)
        cum = np.cumsum(h, axis=-1)
        total = cum[..., -1:]
        out = []
        for q in qs:
            target = q * total
            k = np.minimum((cum < target).sum(-1, keepdims=True), CRED_BINS - 1)
            below = np.where(k > 0, np.take_along_axis(cum, np.maximum(k - 1, 0), -1), 0.0)
            inbin = np.take_along_axis(h, k, -1)
            frac = np.where(inbin > 0, (target - below) / np.where(inbin > 0, inbin, 1), 0.5)
            out.append(((k + np.clip(frac, 0, 1)) / CRED_BINS)[..., 0])
        return np.stack(out, axis=-1)

    def member_mask(self) -> np.ndarray:
        return np.isin(np.arange(N_STANDINGS), _MEMBER)
