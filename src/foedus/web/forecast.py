"""Forecasts and what-ifs for the browser view: the levers the page offers, and forecast jobs that
run in the background so that the page can show their progress.

A job is the comparison ``foedus compare`` makes (``foedus.compare``): the baseline and one variant
(a built-in variant and/or levers in their command-line form, ``war-ends:2026-01:value=0.2``),
simulated with the same seed, so that the paired difference is the lever's and not noise. The
runs are split across parameter draws from the calibration's posterior as ``foedus simulate
--param-draws`` splits them (``foedus.model.posterior``), the same draw for a run in both arms, so
that each figure carries its interval across the draws beside the run-to-run one. The baseline of
a given alliance, horizon, runs, draws and seed is simulated once and reused: moving a lever costs
one arm."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.compare.folder import open_results
from foedus.ensemble.draws import interval_across_draws
from foedus.errors import ArgumentError, FoedusError
from foedus.model.posterior import default_draws
from foedus.variants import BASELINE, Variant, builtin_variants, load_variant, variant_from_levers
from foedus.web.record import open_alliance

MAX_RUNS = 20_000
MAX_MONTHS = 360
MAX_DRAWS = 200
KEEP_JOBS = 20  # finished forecasts kept for their downloads; older ones (and their folders) go


def levers(alliance_id: str) -> dict:
    """What the page's controls offer for this alliance: the built-in variants written for it, the
    patron, its members (victims of an injected crisis), the states that may attack, and the
    parameters fitted on the record with the range the fit supports (value ± 2 standard errors,
    within the parameter's bounds)."""
    from foedus.model.parameters import CALIBRATED, registry

    sc = open_alliance(alliance_id)
    variants = []
    for name in builtin_variants():
        v = load_variant(name)
        if v.scenario in (None, sc.name):
            variants.append({"name": v.name, "title": v.title, "question": v.question, "levers": v.lever_labels()})
    fit = tomllib.loads(CALIBRATED.read_text()).get("parameters", {}) if CALIBRATED.is_file() else {}
    params = []
    for name, row in fit.items():
        p = registry()[name]
        se = row.get("se") or 0.0
        lo, hi = max(p.lower, p.value - 2 * se), min(p.upper, p.value + 2 * se)
        if hi > lo:
            params.append({"name": name, "value": p.value, "se": se, "low": lo, "high": hi, "unit": p.unit,
                           "doc": p.doc, "mechanism": p.mechanism})
    members = sc.replay(sc.data.scenario.end).alliance(sc.focus.id).members()
    return {"alliance": alliance_id, "patron": sc.focus.patron, "start": sc.data.scenario.end.isoformat()[:7],
            "variants": variants, "members": members, "states": [s.iso3 for s in sc.states],
            "parameters": params}


@dataclass
class Job:
    id: str
    settings: dict
    stage: str = "queued"
    done: float = 0.0           # share of the work done, 0-1
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None
    error: str | None = None
    result: dict | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def status(self) -> dict:
        return {"id": self.id, "stage": self.stage, "done": round(self.done, 3), "error": self.error,
                "seconds": self.seconds if self.seconds is not None else round(time.monotonic() - self.started, 2),
                "finished": self.result is not None or self.error is not None, "result": self.result}


def what_if(variant: str = "", lever_specs: list[str] | tuple[str, ...] = ()) -> Variant:
    """The arm the page asks for: a built-in variant, the page's levers, or both (levers appended)."""
    specs = [s for s in lever_specs if s.strip()]
    base = load_variant(variant) if variant else None
    if base is None and not specs:
        return BASELINE
    extra = variant_from_levers(specs, "what-if") if specs else None
    if base is None:
        return extra
    if extra is None:
        return base
    return Variant(name="what-if", title=f"{base.title}; {extra.title}", question=base.question,
                   levers=base.levers + extra.levers, scenario=base.scenario)


def check_settings(runs: int, months: int, seed: int, draws: int = 1) -> None:
    if not 1 <= runs <= MAX_RUNS:
        raise ArgumentError("runs", f"a whole number from 1 to {MAX_RUNS}", runs)
    if not 1 <= months <= MAX_MONTHS:
        raise ArgumentError("months", f"a whole number from 1 to {MAX_MONTHS}", months)
    if seed < 0:
        raise ArgumentError("seed", "a whole number from 0", seed)
    if not 0 <= draws <= min(runs, MAX_DRAWS):
        raise ArgumentError("draws", f"a whole number of parameter draws from 0 to {min(runs, MAX_DRAWS)} "
                            "(at most the runs; 0 or 1: the fitted values only)", draws)


class Forecasts:
    """Forecast jobs, one at a time in a background thread, under a working folder ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()   # one simulation at a time: the machine's cores are the engine's

    def start(self, alliance: str, variant: str = "", lever_specs: tuple[str, ...] = (), runs: int = 2000,
              months: int = 120, seed: int = 1, draws: int | None = None) -> Job:
        """Check the request at once (a bad lever is a clear error, not a failed job), then run it.
        ``draws``: parameter draws (default: the CLI's, ``foedus.model.posterior.default_draws``)."""
        draws = default_draws(draws, runs)
        check_settings(runs, months, seed, draws)
        sc = open_alliance(alliance)
        arm = what_if(variant, lever_specs)
        if arm is not BASELINE:
            from foedus.compare.run import variant_scenario

            variant_scenario(sc, arm)
        settings = {"alliance": alliance, "variant": variant, "levers": list(lever_specs), "runs": runs,
                    "months": months, "seed": seed, "draws": max(1, draws)}
        job = Job(id=uuid.uuid4().hex[:12], settings=settings)
        self._forget_old()
        self.jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, sc, arm), daemon=True).start()
        return job

    def _forget_old(self) -> None:
        import shutil

        finished = [j for j in self.jobs.values() if j.result is not None or j.error is not None]
        for old in finished[:max(0, len(finished) - KEEP_JOBS + 1)]:
            del self.jobs[old.id]
            shutil.rmtree(self.root / "jobs" / old.id, ignore_errors=True)

    def _run(self, job: Job, sc, arm: Variant) -> None:
        try:
            with self._lock:
                job.started = time.monotonic()
                job.result, job.tables = run_job(self.root, job, sc, arm)
        except FoedusError as exc:
            job.error = " ".join(str(exc).split())
        except Exception as exc:  # shown in the page; the server goes on
            job.error = f"{type(exc).__name__}: {exc}"
        finally:
            job.seconds = round(time.monotonic() - job.started, 2)
            job.done = 1.0 if job.error is None else job.done


def _baseline_dir(root: Path, sc, s: dict) -> Path:
    key = json.dumps([sc.hash, s["runs"], s["months"], s["seed"], s["draws"]])
    return root / "baselines" / hashlib.sha256(key.encode()).hexdigest()[:16]


def _simulate(sc, variant: Variant, out: Path, s: dict, progress: Callable[[float], None]) -> None:
    from foedus.compare.arms import simulate_arm
    from foedus.compare.run import variant_scenario

    if (out / "manifest.json").is_file() and json.loads((out / "manifest.json").read_text()).get("complete"):
        progress(1.0)
        return
    if out.exists():  # an interrupted run of the same settings: start it again
        import shutil

        shutil.rmtree(out)
    simulate_arm(variant_scenario(sc, variant), variant, out, months=s["months"], runs=s["runs"], seed=s["seed"],
                 chunk_size=s["runs"], per_run=True, param_draws=s["draws"],
                 command=f"foedus compare {sc.name} {_ensemble_options(s)}",
                 progress=lambda done, total, _runs: progress(done / max(total, 1)))


def run_job(root: Path, job: Job, sc, arm: Variant) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Simulate the baseline (or reuse it) and the arm; the page's figures and the downloadable
    tables."""
    from foedus.compare.paired import paired_table, verdict

    s = job.settings
    arms = 1 if arm is BASELINE else 2

    def stage(i: int, name: str) -> Callable[[float], None]:
        job.stage = name

        def progress(share: float) -> None:
            job.done = (i + share) / (arms + 0.1)
        return progress

    base_dir = _baseline_dir(root, sc, s)
    _simulate(sc, BASELINE, base_dir, s, stage(0, "baseline"))
    base = open_results(base_dir)
    monthly = [_monthly(base, "baseline")]
    result = {"settings": s, "horizon": base.horizon, "members": base.members, "arm": arm.name,
              "title": arm.title, "levers": arm.lever_labels(), "command": reproduce(sc, s, arm),
              "draws": base.manifest.get("draws") or ""}
    tables: dict[str, pd.DataFrame] = {}
    if arm is not BASELINE:
        var_dir = root / "jobs" / job.id / arm.name
        _simulate(sc, arm, var_dir, s, stage(1, arm.name))
        job.stage = "paired difference"
        var = open_results(var_dir)
        monthly.append(_monthly(var, arm.name))
        paired = paired_table(base, var)
        paired["verdict"] = [verdict(r.metric, r.difference, r.ci_low, r.ci_high) for r in paired.itertuples()]
        tables["comparison"] = paired
        result["paired"] = json.loads(paired.to_json(orient="records"))
    tables["forecast"] = pd.concat(monthly, ignore_index=True)
    done = [(base, "baseline")] + ([(var, arm.name)] if arm is not BASELINE else [])
    tables["exits"] = pd.concat([_exits(r, name) for r, name in done], ignore_index=True)
    tables["horizon"] = pd.concat([_at_horizon(r, name) for r, name in done], ignore_index=True)
    for name, key in (("forecast", "forecast"), ("exits", "exits"), ("horizon", "at_horizon")):
        result[key] = json.loads(tables[name].to_json(orient="records", date_format="iso"))
    return result, tables


def _monthly(res, arm: str) -> pd.DataFrame:
    """Per month: the expected number of active members, and each member's probability of being
    a member (active, frozen or under notice) and its mean credibility."""
    m = res.monthly[res.monthly["state"].isin(res.members)]
    per_state = m[["month", "state", "p_member", "p_active", "cred_mean", "cred_q05", "cred_q95"]].copy()
    active = m.groupby("month", as_index=False)["p_active"].sum().assign(state="(expected active members)")
    out = pd.concat([per_state, active.rename(columns={"p_active": "active_members"})], ignore_index=True)
    out["month"] = out["month"].dt.strftime("%Y-%m")
    out.insert(0, "arm", arm)
    return out


def _exits(res, arm: str) -> pd.DataFrame:
    """Per member: the probability of a step out (freeze, notice, suspension, exit) by the horizon,
    with its 5-95% interval across parameter draws and its run-to-run 90% interval, as ``foedus
    simulate`` prints them (the summary table, docs/results.md)."""
    cols = ["p_exit", "p_exit_draws_q05", "p_exit_draws_q95", "p_exit_runs_q05", "p_exit_runs_q95"]
    summ = pd.read_parquet(res.path / "summary.parquet").set_index("state")
    out = summ.loc[[s for s in res.members if s in summ.index], cols].rename_axis("state").reset_index()
    out.insert(0, "arm", arm)
    return out


def _at_horizon(res, arm: str) -> pd.DataFrame:
    """The expected number of active members at the horizon, with its 5-95% interval across
    parameter draws (the expectation within each draw) and the 90% of runs (5-95% quantiles of the
    runs' counts)."""
    f = res.final[res.final["state"].isin(res.members)]
    per_run = (f["standing"] == "active").groupby(f["run"]).sum()
    d05, d95 = interval_across_draws(per_run.to_numpy(), per_run.index.to_numpy(), res.runs_count,
                                     int(res.manifest.get("param_draws") or 1))
    r05, r95 = np.quantile(per_run.to_numpy(), (0.05, 0.95), method="inverted_cdf")  # counts: whole members
    return pd.DataFrame([{"arm": arm, "month": res.horizon[:7], "active_members": float(per_run.mean()),
                          "draws_q05": float(d05), "draws_q95": float(d95),
                          "runs_q05": float(r05), "runs_q95": float(r95)}])


def reproduce(sc, s: dict, arm: Variant) -> str:
    """The command line that gives the same numbers."""
    where = sc.name
    prefix = ""
    if sc.name.startswith("atop-"):
        atopid, year = sc.name.split("-")[1:3]
        prefix = f"foedus catalogue scenario {atopid} --year {year} -o {sc.name} && "
    opts = _ensemble_options(s)
    if arm is BASELINE:
        return f"{prefix}foedus simulate {where} {opts}"
    if s["variant"] and not any(lv.strip() for lv in s["levers"]):
        return f"{prefix}foedus compare {where} --variant {s['variant']} {opts}"
    levers = " ".join(f"--lever {lv}" for lv in arm.lever_labels())
    return f"{prefix}foedus compare {where} {levers} --name {arm.name} {opts}"


def _ensemble_options(s: dict) -> str:
    return f"--months {s['months']} --runs {s['runs']} --seed {s['seed']} --param-draws {s['draws']}"
