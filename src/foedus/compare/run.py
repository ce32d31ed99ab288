"""Run a baseline and its variants with common random numbers, and compare them run by run.

The comparison folder::

    OUT/
      comparison.json      the settings, the arms, the paired table
      baseline/            a results folder (docs/results.md)
      <variant>/           one per variant, the same seed and settings as the baseline
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from foedus.compare.folder import ResultsFolder, open_results
from foedus.compare.paired import METRICS, paired_table
from foedus.compare.summary import summarise
from foedus.errors import ArgumentError
from foedus.variants import BASELINE, Variant

COMPARISON_FILE = "comparison.json"


@dataclass
class Comparison:
    path: Path
    arms: list[ResultsFolder]
    table: pd.DataFrame
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"path": str(self.path), **self.settings,
                "arms": [{"name": a.variant, "path": a.path.name, "levers": a.manifest.get("levers", []),
                          "question": a.manifest.get("question", "")} for a in self.arms],
                "metrics": METRICS,
                "differences": json.loads(self.table.to_json(orient="records"))}


def variant_scenario(scenario, variant: Variant):
    """The scenario object with the variant's levers applied (a new object; the input is kept)."""
    from foedus.api import Scenario

    if variant.name == "baseline" and not variant.levers:
        return scenario
    data = variant.apply(scenario.data)
    digest = hashlib.sha256((scenario.hash + "|" + "|".join(variant.lever_labels())).encode()).hexdigest()[:16]
    return Scenario(data=data, path=scenario.path, hash=digest)


def _unique_names(variants: list[Variant]) -> None:
    seen = {"baseline"}
    for v in variants:
        if v.name in seen:
            raise ArgumentError("--variant", "each variant once, none named 'baseline'", v.name)
        seen.add(v.name)


def run_comparison(scenario, variants: list[Variant], *, out: str | Path, start: str | dt.date | None = None,
                   months: int | None = None, runs: int | None = None, seed: int | None = None, simulate_kwargs: dict | None = None,
                   progress: Callable[[str], Callable | None] | None = None) -> Comparison:
    """Simulate the baseline and each variant with the same seed and settings into OUT, then
    compute the paired table. ``progress(arm)`` is called as each arm starts; what it returns, if
    anything, is given to simulate as that arm's chunk progress callback."""
    from foedus.compare.arms import simulate_arm

    if not variants:
        raise ArgumentError("--variant", "at least one variant (--variant NAME or --lever KIND:DATE)", "none")
    _unique_names(variants)
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ArgumentError("--out", "a folder that does not exist yet or is empty", str(out))
    # every variant applied before anything runs: a lever that does not fit fails at once
    plan = [(v, variant_scenario(scenario, v)) for v in [BASELINE, *variants]]
    out.mkdir(parents=True, exist_ok=True)
    arms: list[ResultsFolder] = []
    for v, sc in plan:
        kwargs = dict(simulate_kwargs or {})
        chunk_progress = progress(v.name) if progress else None
        if chunk_progress is not None:  # simulate's progress(chunks_done, chunks_total, runs_done)
            kwargs["progress"] = chunk_progress
        arm_dir = out / v.name
        simulate_arm(sc, v, arm_dir, start=start, months=months, runs=runs, seed=seed, **kwargs)
        arms.append(open_results(arm_dir))
    return finish_comparison(out, arms)


def lever_notes(variants: list[Variant], start: dt.date, months: int) -> list[str]:
    """Levers that cannot act as written within the simulated months, said plainly."""
    from foedus.chronology import month_index, month_start

    first, last = month_index(start), month_index(start) + months - 1
    notes = []
    for v in variants:
        for lv in v.levers:
            if lv.date is None:
                continue
            m = month_index(lv.date)
            if m > last:
                notes.append(f"{v.name}: lever {lv.label()} is dated after the horizon "
                             f"({month_start(last).isoformat()[:7]}): it changes nothing")
            elif m < first:
                notes.append(f"{v.name}: lever {lv.label()} is dated before the start ({start.isoformat()[:7]}): "
                             + ("a crisis before the start is not simulated" if lv.kind == "crisis"
                                else "it is in force from the start"))
    return notes


def finish_comparison(out: Path, arms: list[ResultsFolder]) -> Comparison:
    """The paired table of arms already simulated, written to OUT/comparison.json."""
    base = arms[0]
    table = pd.concat([paired_table(base, v) for v in arms[1:]], ignore_index=True)
    mf = base.manifest
    settings = {k: mf.get(k) for k in ("scenario", "alliance", "start", "months", "runs", "seed")}
    settings["horizon"] = base.horizon
    settings["baseline_summary"] = summarise(base)
    comp = Comparison(path=out, arms=arms, table=table, settings=settings)
    _write_json(out / COMPARISON_FILE, comp.to_dict())
    return comp


def _write_json(path: Path, obj: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    with os.fdopen(fd, "w") as fh:
        json.dump(obj, fh, indent=2, default=str)
        fh.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
