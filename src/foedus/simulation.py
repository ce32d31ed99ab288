"""``foedus.simulate``: a scenario, a start date, an ensemble -> a :class:`~foedus.results.Results`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

from foedus.api import Scenario, after_record, load_scenario
from foedus.chronology import parse_date
from foedus.engine.compile import compile_model
from foedus.ensemble.draws import draw_models
from foedus.ensemble.executors import Executor
from foedus.ensemble.runner import run_ensemble
from foedus.errors import ArgumentError
from foedus.model import posterior
from foedus.model.parameters import Parameters
from foedus.output import new_folder
from foedus.results import tables
from foedus.results.folder import Results, write_manifest
from foedus.scenario.loader import scenario_hash
from foedus.seeds import check_seed
from foedus.scenario.schema import ScenarioFiles


def _version() -> str:
    import foedus

    return foedus.__version__


def _refuse_after_end(data: ScenarioFiles, start: dt.date) -> None:
    """A simulation cannot start after the focus treaty has ended (nobody is a party, nothing is
    owed). A term that ends within the simulated months is the engine's (``engine.step._term_end``)."""
    from foedus.ledger.replay import replay

    st = replay(data, start).alliance(data.scenario.focus)
    if st.ended is not None:
        raise ArgumentError("--from", f"a date before the end of the {st.alliance.treaty} "
                            f"({st.ended.isoformat()}, {st.end_cause.value}): nothing is simulated after a treaty's end",
                            start.isoformat())


def simulate(scenario: str | Path | Scenario | ScenarioFiles, start: str | dt.date | None = None, months: int = 120,
             runs: int = 1000, seed: int = 0, chunk_size: int = 5000, executor: str | Executor = "serial",
             workers: int | None = None, parameters: Mapping[str, float] | None = None, per_run: bool = True,
             out: str | Path | None = None, command: str | None = None, variant: str = "baseline",
             levers: list | None = None, progress: Callable[[int, int, int], None] | None = None,
             scheduler: str | None = None, resume: bool = False,
             assume_nothing_after_record: bool = False, param_draws: int = 1, prior_draws: bool = False,
             coding: str | None = None, state_effects: posterior.StateEffects | None = None,
             calibration: str | Path | None = None) -> Results:
    """Simulate ``runs`` runs of ``months`` months from ``start`` (default: the scenario's end).

    ``scenario``: a built-in name, a folder, a loaded :class:`Scenario`, or :class:`ScenarioFiles`
    (possibly edited in memory: what-if levers add timeline entries or parameter overrides).
    ``parameters`` override the scenario's. With ``out`` the results folder is written as chunks
    finish (``chunks/``), then the tables and the manifest (``complete: true``). ``resume=True``
    finishes an interrupted folder ``out``: the same settings (else ResultsError naming the one that
    differs), only the missing chunks run (docs/executors.md). ``executor="dask"`` with ``scheduler``
    (an address) runs on an existing Dask cluster. A ``start`` after the record's end is refused
    unless ``assume_nothing_after_record`` (the manifest then records the assumption).
    ``param_draws=K`` splits the runs across K parameter vectors drawn from the calibration's
    posterior (0 or 1: the fitted values only; the CLI's default is 20); ``prior_draws`` draws the
    judgements from their priors too (``foedus.model.posterior``). The summary then gives each
    probability's 5-95% interval across the draws (``docs/results.md``). ``coding``: a named coding
    of contested facts (``foedus.scenario.codings``): its record and its calibration.
    ``state_effects``: each state's effect on the hazards of leaving (``posterior.state_effects`` of a
    pooled calibration file; drawn per parameter draw), None: every state at the population's level.
    ``calibration``: a file written by ``foedus calibrate`` in the place of the shipped fit, as a
    coding's: its values the fit, its posterior drawn (``posterior.calibrated``; a file without
    ``[posterior]`` runs only with ``param_draws`` 1); ``parameters`` hold values fixed instead.

    >>> import foedus
    >>> res = foedus.simulate("csto", start="2024-03-01", months=12, runs=50, seed=7)
    >>> res
    Results(csto from 2024-03-01, 12 months, 50 runs, seed 7)
    >>> sorted(res.monthly.columns)[:3]
    ['cred_mean', 'cred_q05', 'cred_q25']
    """
    if isinstance(scenario, ScenarioFiles):
        data, name, path, shash = scenario, scenario.scenario.name, None, None
        reference = name
    else:
        sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        data, name, path, shash = sc.data, sc.name, str(sc.path), sc.hash
        reference = sc.reference
    data, post, fitted = posterior.fit_for(data, coding, calibration, param_draws)
    if shash is None or data is not getattr(scenario, "data", data):
        import hashlib
        shash = hashlib.sha256(data.model_dump_json().encode()).hexdigest()[:16]
    start_d = parse_date(start, "start") if start is not None else data.scenario.end
    check_seed(seed)  # before any folder is written
    assumption = after_record(data, start_d, assume_nothing_after_record, "start")
    # declared defaults, the shipped fit (or the coding's), the scenario's parameters.toml, the caller's
    params = Parameters.for_scenario(data.parameters, extra={**{k: v for k, v in fitted.items() if k not in data.parameters},
                                                             **dict(parameters or {})})
    if isinstance(months, bool) or not isinstance(months, int):
        raise ArgumentError("--months", "a whole number of months from 1 to 1200", months)
    _refuse_after_end(data, start_d)
    model = compile_model(data, start_d, months, params, name)
    drawn, model = draw_models(model, param_draws, seed, prior_draws, {*data.parameters, *dict(parameters or {})},
                               runs, post, state_effects)
    k = len(model.draws.params) if model.draws is not None else 1
    from foedus.ensemble.executors import make_executor

    executor = make_executor(executor, workers, scheduler)  # a bad choice fails before any folder is written
    ex_name = executor.name
    n_chunks = -(-runs // chunk_size) if isinstance(runs, int) and isinstance(chunk_size, int) and chunk_size > 0 else None
    manifest = {
        "foedus_version": _version(),
        "command": command or (f"foedus.simulate({reference!r}, start={start_d.isoformat()!r}, months={months}, "
                               f"runs={runs}, seed={seed}" + (f", parameters={dict(parameters)!r}" if parameters else "")
                               + (f", param_draws={param_draws}" if k > 1 else "")
                               + (", prior_draws=True" if prior_draws and k > 1 else "")
                               + (f", coding={coding!r}" if coding else "")
                               + (f", calibration={str(calibration)!r}" if calibration is not None else "")
                               + (f", state_effects=<{state_effects.source}>" if state_effects is not None else "")
                               + (", assume_nothing_after_record=True" if assumption else "") + ")"),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "scenario": name, "scenario_hash": shash, "scenario_path": path,
        "alliance": data.scenario.focus, "variant": variant, "levers": list(levers or []),
        "start": start_d.isoformat(), "months": months, "runs": runs, "seed": seed, "chunk_size": chunk_size,
        "executor": ex_name, "per_run": per_run, "parameters": params.to_dict(), "states": list(model.codes),
        "param_draws": k, "prior_draws": bool(prior_draws), "draws": drawn.describe(),
        **({"coding": coding} if coding else {}),
        **({"calibration": Path(calibration).name} if calibration is not None else {}),
        **({"state_effects": state_effects.source} if state_effects is not None else {}),
        "complete": False, "chunks_total": n_chunks, "chunks_done": 0,
        **({"assumption": assumption} if assumption else {}),
    }
    folder = Path(out) if out is not None else None
    if resume and folder is None:
        raise ArgumentError("--resume", "a results folder to resume", None)
    if folder is not None and resume:
        from foedus.results.resume import check_same_experiment, read_manifest, resumed_manifest

        old = read_manifest(folder)
        check_same_experiment(folder, old, manifest)
        if old.get("complete"):
            from foedus.results.folder import load

            return load(folder)
        manifest = resumed_manifest(old, manifest, command)
        write_manifest(folder, manifest)
    elif folder is not None:
        new_folder(folder, {"manifest.json": "a results folder already; an interrupted run's: resume it"})
        write_manifest(folder, manifest)

    def _progress(done: int, total: int, runs_done: int) -> None:
        if folder is not None:
            write_manifest(folder, {**manifest, "chunks_done": done})
        if progress is not None:
            progress(done, total, runs_done)

    summary = run_ensemble(model, runs, seed, chunk_size, executor, workers, per_run,
                           str(folder) if folder is not None else None, _progress, resume=resume)
    res = Results(manifest=manifest, monthly=tables.monthly(model, summary), final=tables.final(model, summary),
                  runs=tables.runs(model, summary), member_summary=tables.summary(model, summary))
    if folder is not None:
        res.save(folder)
    return res
