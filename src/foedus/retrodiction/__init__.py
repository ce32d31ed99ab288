"""Retrodiction: the simulator run over history it knows, every decision free, against the record.

``retrodict("csto", "2004-07-01", "2025-12")`` simulates the scenario from the record replayed to
the start date, with the exogenous timeline as it happened (the patron's war, dated threats) but
every crisis drawn (the crises the timeline injects are the record's, counted here:
:func:`drawn_crises`), through the end of the last month; for each class of event
(``retrodiction.events``) it sets the simulated distribution of per-run counts beside the real
count of the replayed record: mean, 90% interval, the real count's randomised predictive
percentile (PIT). docs/retrodiction.md shows the command, its output and how to read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.chronology import add_months, month_index, month_start, parse_date
from foedus.errors import ArgumentError
from foedus.retrodiction import scores
from foedus.retrodiction.events import CLASSES, real_counts
from foedus.retrodiction.simulated import SIMULATED, simulated_counts

ROW_COLUMNS = ("alliance", "start", "end", "event", "real", "mean", "q05", "q95", "pit")


@dataclass(frozen=True)
class Retrodiction:
    """One alliance over one period: the per-run counts and the table of classes."""

    scenario: str
    alliance: str
    start: dt.date
    end: dt.date
    runs: int
    seed: int
    draws: pd.DataFrame      # one row per run, one column per simulated class
    rows: pd.DataFrame       # ROW_COLUMNS plus ``inside`` (the real count in the 90% interval) and ``simulated``
    parameters: str = ""     # where the runs' parameters come from (``posterior.Draws.describe``)

    def summary(self) -> dict:
        return summarise(self.rows)

    def to_json(self) -> dict:
        return {"scenario": self.scenario, "alliance": self.alliance, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "runs": self.runs, "seed": self.seed,
                "parameters": self.parameters, "rows": json_rows(self.rows), "summary": self.summary()}


def month_end(d: dt.date) -> dt.date:
    return add_months(month_start(month_index(d)), 1) - dt.timedelta(days=1)


def rows_for(alliance: str, start: dt.date, end: dt.date, draws: np.ndarray | None, real: Mapping[str, int],
             seed: int, classes: tuple[str, ...] | None = None, blank: tuple[str, ...] = ()) -> pd.DataFrame:
    """The table of one cell per class: the real count, and where the class is simulated the draws'
    mean, 90% interval and the real count's PIT (a class the engine cannot produce: those blank).
    ``classes``: only these (all if None), in the order of :data:`CLASSES`; ``blank``: classes
    compared by their real count alone (the cell cannot produce them)."""
    out = []
    for c in CLASSES:
        if classes is not None and c.name not in classes:
            continue
        row = {"alliance": alliance, "start": start.isoformat(), "end": end.isoformat(), "event": c.name,
               "real": int(real[c.name]), "mean": None, "q05": None, "q95": None, "pit": None,
               "inside": None, "simulated": c.simulated and draws is not None and c.name not in blank}
        if row["simulated"]:
            x = draws[:, SIMULATED.index(c.name)]
            lo, hi = scores.interval(x)
            u = scores.tie_breaker(seed, alliance, start, end, c.name)
            row.update(mean=float(x.mean()), q05=lo, q95=hi, pit=scores.pit(x, row["real"], u),
                       inside=bool(lo <= row["real"] <= hi))
        out.append(row)
    return pd.DataFrame(out)


def summarise(rows: pd.DataFrame) -> dict:
    """Over the simulated cells: how many, the share of real counts inside the 90% interval, the
    PIT histogram (10 bins), and how many cells put all their draws on one value."""
    sim = rows[rows["simulated"].astype(bool)]
    return {"cells": int(len(sim)), "inside": int(sim["inside"].astype(bool).sum()),
            "coverage": scores.coverage(sim["real"], sim["q05"], sim["q95"]),
            "pit_histogram": scores.pit_histogram(sim["pit"].astype(float)),
            "point_cells": int((sim["q05"] == sim["q95"]).sum())}


def json_rows(rows: pd.DataFrame) -> list[dict]:
    """The rows as ``--json`` gives them: ROW_COLUMNS, with null where a class is not simulated."""
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items() if k in ROW_COLUMNS}
            for r in rows.astype(object).to_dict(orient="records")]


def drawn_crises(data):
    """The scenario without the crises its timeline injects: those are crises of the record, the very
    events the retrodiction counts, so the simulation draws every crisis at the fitted rates (the
    rest of the timeline -- the patron's war, dated threats -- happens as it did)."""
    return data.model_copy(update={"timeline": tuple(c for c in data.timeline if c.field != "crisis")})


def retrodict(scenario, start: str | dt.date, end: str | dt.date, runs: int = 300, seed: int = 0,
              chunk_size: int = 1000, executor: str = "serial", workers: int | None = None,
              parameters: Mapping[str, float] | None = None, alliance_end: dt.date | None = None,
              progress: Callable[[int], None] | None = None, param_draws: int = 1,
              prior_draws: bool = False, coding: str | None = None, state_effects=None,
              calibration: str | Path | None = None) -> Retrodiction:
    """Simulate ``scenario`` (a name, a folder, a loaded Scenario or ScenarioFiles) from ``start``
    through the end of ``end``'s month, ``runs`` runs, and compare each class of event with the
    record of its focus alliance. ``alliance_end``: the alliance's end where a data set dates it.
    ``param_draws``, ``prior_draws``: the runs split across parameter draws (``foedus.simulate``).
    ``coding``: a named coding of contested facts (``foedus.scenario.codings``): the record read that
    way, both the state the simulation starts from and the real counts, with that coding's
    calibration and posterior in the place of the shipped fit (``parameters`` still override it).
    ``calibration``: a file written by ``foedus calibrate`` in the place of the shipped fit, as in
    ``foedus.simulate``: its values the fit, its posterior drawn; ``parameters``: values held fixed.
    ``state_effects``: the states' effects on the hazards of leaving (``foedus.model.posterior.StateEffects``).
    The result's ``parameters`` says where the runs' parameters come from (``posterior.Draws.describe``)."""
    from foedus.api import Scenario, load_scenario
    from foedus.engine.compile import compile_model
    from foedus.model import posterior
    from foedus.model.parameters import Parameters
    from foedus.scenario.schema import ScenarioFiles

    data = scenario if isinstance(scenario, ScenarioFiles) else (
        scenario if isinstance(scenario, Scenario) else load_scenario(scenario)).data
    start_d, end_d = parse_date(start, "--from"), month_end(parse_date(end, "--to"))
    if end_d <= start_d:
        raise ArgumentError("--to", f"a date after --from ({start_d.isoformat()})", str(end))
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ArgumentError("--runs", "a whole number of runs, at least 1", runs)
    months = month_index(end_d) - month_index(start_d) + 1
    data, post, fitted = posterior.fit_for(data, coding, calibration, param_draws)
    data = drawn_crises(data)
    fitted = {k: v for k, v in fitted.items() if k not in data.parameters}
    params = Parameters.for_scenario(data.parameters, extra={**fitted, **dict(parameters or {})})
    model = compile_model(data, start_d, months, params, data.scenario.name)
    from foedus.ensemble.draws import draw_models

    drawn, model = draw_models(model, param_draws, seed, prior_draws, {*data.parameters, *dict(parameters or {})},
                               runs, post, state_effects)
    draws = simulated_counts(model, runs, seed, chunk_size, executor, workers, progress)
    focus = data.scenario.focus
    real = real_counts(data, focus, start_d, end_d, alliance_end)
    return Retrodiction(scenario=data.scenario.name, alliance=focus, start=start_d, end=end_d, runs=runs, seed=seed,
                        draws=pd.DataFrame(draws, columns=list(SIMULATED)),
                        rows=rows_for(focus, start_d, end_d, draws, real, seed), parameters=drawn.describe())


__all__ = ["ROW_COLUMNS", "Retrodiction", "json_rows", "retrodict", "rows_for", "summarise"]
