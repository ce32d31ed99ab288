"""Resuming an interrupted run: the folder's manifest must describe the same experiment.

A run is resumed only with the settings that made its chunk files; anything else would merge
chunks of two different experiments. The first setting that differs is named in one line
(exit code 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from foedus.errors import ResultsError
from foedus.results.folder import read_manifest as _read_manifest

# what the chunk files depend on; the executor and the worker count do not change a single bit
SETTINGS = ("scenario_hash", "alliance", "start", "months", "runs", "seed", "chunk_size", "per_run", "parameters",
            "param_draws", "prior_draws", "coding", "state_effects", "calibration")
OPTIONAL = ("per_run", "param_draws", "prior_draws", "coding", "state_effects", "calibration")
FLAGS = {"start": "--from", "months": "--months", "runs": "--runs", "seed": "--seed", "chunk_size": "--chunk-size",
         "per_run": "--no-per-run", "parameters": "the parameters", "scenario_hash": "the scenario (its files' hash)",
         "alliance": "the alliance", "param_draws": "--param-draws", "prior_draws": "--prior-draws", "coding": "--coding",
         "state_effects": "the states' effects (--parameters, --no-state-effects)",
         "calibration": "the calibration file (--parameters)"}


def read_manifest(folder: str | Path) -> dict:
    return _read_manifest(folder, "cannot resume: ")


def _show(key: str, value) -> str:
    if key == "per_run":
        return "with per-run tables" if value else "--no-per-run"
    if key == "parameters" and isinstance(value, dict):
        return "{...}"
    return repr(value)


def check_same_experiment(folder: str | Path, old: dict, new: dict) -> None:
    """Raise ResultsError naming the first setting in which ``new`` differs from the folder's."""
    for key in SETTINGS:
        if key not in old and key in OPTIONAL and key not in new:  # folders written before these were recorded
            continue
        a, b = old.get(key), new.get(key)
        if key == "parameters" and isinstance(a, dict) and isinstance(b, dict):
            diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            if diff:
                k = diff[0]
                raise ResultsError(f"{folder}: cannot resume: parameter {k} differs (the folder has {a.get(k)!r}, "
                                   f"this run {b.get(k)!r})")
            continue
        if a != b:
            raise ResultsError(f"{folder}: cannot resume: {FLAGS[key]} differs (the folder has {_show(key, a)}, "
                               f"this run {_show(key, b)})")


def resumed_manifest(old: dict, new: dict, command: str | None) -> dict:
    """The folder's manifest, kept as first written, with this resume appended to ``resumed``.

    ``chunks_recorded`` is what the interrupted manifest said was done; the chunk files on disk may
    hold one more (a run killed between writing a chunk and updating its manifest)."""
    entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "executor": new.get("executor"),
             "command": command or new.get("command"), "chunks_recorded": old.get("chunks_done", 0)}
    return {**old, "complete": False, "resumed": [*old.get("resumed", []), entry]}
