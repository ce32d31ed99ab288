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
import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from foedus.compare.folder import ResultsFolder, open_results
from foedus.compare.paired import METRICS, paired_table
from foedus.compare.summary import summarise
from foedus.errors import ArgumentError
from foedus.output import new_folder, write_file
from foedus.variants import BASELINE, Variant

COMPARISON_FILE = "comparison.json"


@dataclass
class Comparison:
    path: Path
    arms: list[ResultsFolder]
    table: pd.DataFrame
    settings: dict = field(default_factory=dict)

    @property
    def command(self) -> str | None:
        """The command that reproduces the comparison."""
        return self.settings.get("command")

    def __repr__(self) -> str:
        st = self.settings
        return (f"Comparison({st.get('scenario')}: baseline against {', '.join(a.variant for a in self.arms[1:])}; "
                f"{st.get('runs')} runs each from {st.get('start')}, {st.get('months')} months, seed {st.get('seed')})")

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(repr(self))}</b></p>" + self.table.to_html(index=False, float_format="{:.4f}".format)

    def to_csv(self, folder: str | Path) -> Path:
        """Write ``differences.csv`` (the paired table) and, per arm, a folder of its tables as CSV
        (``Results.to_csv``); ``folder`` must be new, or hold only what an earlier ``to_csv`` wrote.

        >>> comp.to_csv(tmp / "csv")  # doctest: +SKIP
        """
        from foedus.output import replace_folder
        from foedus.results.folder import CSV_FILES, load

        names = {a.variant for a in self.arms}
        ours = lambda e: (e.name == "differences.csv" and e.is_file()) or (  # noqa: E731
            e.name in names and e.is_dir() and all(CSV_FILES(x) for x in e.iterdir()))
        with replace_folder(folder, ours, "a folder of CSV tables") as work:
            self.table.to_csv(work / "differences.csv", index=False)
            for a in self.arms:
                load(a.path).write_csv(work / a.variant)
        return Path(folder)

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
                   progress: Callable[[str], Callable | None] | None = None, command: str | None = None,
                   resume: bool = False, plan: dict | None = None) -> Comparison:
    """Simulate the baseline and each variant with the same seed and settings into OUT, then
    compute the paired table. ``progress(arm)`` is called as each arm starts; what it returns, if
    anything, is given to simulate as that arm's chunk progress callback. ``command`` (the command
    that reproduces the comparison) is recorded in every arm's manifest and in comparison.json.

    OUT/comparison.json is written first, marked incomplete, with ``plan`` (what the command line
    needs to resume); ``resume=True`` finishes an interrupted comparison: finished arms are kept,
    an interrupted arm is resumed, the others run."""
    from foedus.compare.arms import simulate_arm

    if not variants:
        raise ArgumentError("--variant", "at least one variant (--variant NAME or --lever KIND:DATE)", "none")
    _unique_names(variants)
    # every variant applied before anything runs: a lever that does not fit fails at once
    arms_plan = [(v, variant_scenario(scenario, v)) for v in [BASELINE, *variants]]
    names = [v.name for v, _ in arms_plan]
    if resume:
        out = Path(out)
        check_resumable(out, names)
    else:
        out = new_folder(out, {COMPARISON_FILE: "a comparison already; an interrupted one: resume it"})
        _write_json(out / COMPARISON_FILE, {"complete": False, "arms": [{"name": n, "path": n} for n in names],
                                            "command": command, "plan": plan or {}})
    arms: list[ResultsFolder] = []
    for v, sc in arms_plan:
        arm_dir = out / v.name
        done = _arm_manifest(arm_dir)
        if done is None or not done.get("complete"):
            kwargs = {**(simulate_kwargs or {}), **({"command": command} if command else {}),
                      **({"resume": True} if done is not None else {})}
            chunk_progress = progress(v.name) if progress else None
            if chunk_progress is not None:  # simulate's progress(chunks_done, chunks_total, runs_done)
                kwargs["progress"] = chunk_progress
            simulate_arm(sc, v, arm_dir, start=start, months=months, runs=runs, seed=seed, **kwargs)
        arms.append(open_results(arm_dir))
    return finish_comparison(out, arms, command)


def _arm_manifest(arm_dir: Path) -> dict | None:
    """An arm's manifest if the arm was started (None: not yet)."""
    from foedus.results.folder import read_manifest

    return read_manifest(arm_dir) if (arm_dir / "manifest.json").is_file() else None


def arms_finished(out: Path) -> list[str]:
    """The arms of the comparison in ``out`` that finished."""
    from foedus.errors import ResultsError

    done = []
    for d in sorted(out.iterdir()) if out.is_dir() else []:
        try:
            if (_arm_manifest(d) or {}).get("complete"):
                done.append(d.name)
        except ResultsError:
            continue
    return done


def read_plan(out: str | Path) -> dict:
    """An interrupted comparison's comparison.json (``arms``, ``command``, ``plan``); ResultsError
    if ``out`` is not a comparison folder."""
    from foedus.results.folder import read_json_object

    return read_json_object(out, COMPARISON_FILE, "a comparison folder", "cannot resume: ")


def check_resumable(out: Path, names: list[str]) -> None:
    """The comparison in ``out`` has the same arms, in the same order, as the one being resumed."""
    from foedus.errors import ResultsError

    had = [a.get("name") for a in read_plan(out).get("arms", []) if isinstance(a, dict)]
    if had != names:
        raise ResultsError(f"{out}: cannot resume: the arms differ (the folder has {', '.join(map(str, had))}; "
                           f"this run {', '.join(names)})")


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


def finish_comparison(out: Path, arms: list[ResultsFolder], command: str | None = None) -> Comparison:
    """The paired table of arms already simulated, written to OUT/comparison.json."""
    comp = comparison_of(out, arms, command)
    _write_json(out / COMPARISON_FILE, {**comp.to_dict(), "complete": True})
    return comp


def comparison_of(out: Path, arms: list[ResultsFolder], command: str | None = None) -> Comparison:
    """The paired table of arms already simulated (nothing written). ``command`` defaults to the one
    the baseline's manifest records (the comparison's own, since every arm records it)."""
    base = arms[0]
    table = pd.concat([paired_table(base, v) for v in arms[1:]], ignore_index=True)
    mf = base.manifest
    settings = {k: mf.get(k) for k in ("scenario", "alliance", "start", "months", "runs", "seed")}
    settings["horizon"] = base.horizon
    settings["command"] = command or mf.get("command")
    settings["baseline_summary"] = summarise(base)
    return Comparison(path=Path(out), arms=arms, table=table, settings=settings)


def _write_json(path: Path, obj: dict) -> None:
    write_file(path, (json.dumps(obj, indent=2, default=str) + "\n").encode())
