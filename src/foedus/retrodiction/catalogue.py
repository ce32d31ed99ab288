"""Retrodiction over the ATOP catalogue, by alliance-decade.

Each ATOP alliance is cut into decades (1950-59, 1960-69, ...; the first and last clipped to its
life). Each cell is simulated from the record replayed to the cell's start, with a scenario built
for the cell's first year (``catalogue.convert.to_scenario``: the provisions of the phase in force,
COW capabilities of that year, crisis rates from COW MID for the ten years up to it -- nothing
from after the cell's start but the record it is scored on). ATOP records entries, exits and the
alliance's end, not requests, freezes or notices, so only the classes it records are compared:
crises (COW MID disputes against members, to 2010, where MID ends), member exits (by any cause: ATOP does not code it), accessions (simulated only where the treaty
has an admission procedure, which ``to_scenario`` gives none), and the
alliance's end (the engine ends a treaty at a term end, or by its parties' act, ``model.dissolution``,
in any month of the cell; a treaty superseded by a renegotiated text is not an end,
``scenario.schema.ends_alliance``). A member leaving because the whole alliance ended is
the end, not an exit: a cell stops the day before the alliance's end.

Half of the alliances are held out of any fit by a rule that depends on the ATOP number alone
(:func:`held_out`; docs/retrodiction.md, written down before any result was looked at)."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from foedus.calibration import crisis_rates as pooled_crises

from foedus.catalogue.convert import QUIRKS, DataQuirk, to_scenario
from foedus.catalogue.crises import MID_LAST, disputes_against
from foedus.catalogue.exits import codes_at_end, end_cause
from foedus.catalogue.loader import DATA_END, AtopAlliance, Catalogue, catalogue
from foedus.chronology import month_index
from foedus.engine.compile import Model, compile_model, with_leave_shift
from foedus.ensemble.executors import make_executor
from foedus.errors import ArgumentError
from foedus.model import crises
from foedus.model.parameters import Parameters
from foedus.retrodiction import rows_for, scores, summarise
from foedus.retrodiction.events import real_counts
from foedus.retrodiction.simulated import SIMULATED, simulated_counts
from foedus.scenario.schema import CrisisSource, CrisisType, ScenarioFiles, ends_alliance
from foedus.treaty.membership import MEMBER_STANDINGS

#: What ATOP and COW MID record, and so what a catalogue cell compares.
ATOP_CLASSES = ("crises", "exits", "accessions", "alliance_ends")
HALVES = ("held-out", "fitted", "all")


def held_out(atopid: int) -> bool:
    """The held-out half: the CRC-32 of ``atop-<number>`` is odd (docs/retrodiction.md)."""
    return zlib.crc32(f"atop-{int(atopid)}".encode()) % 2 == 1


def pacts(cat: Catalogue, since: int = 1945, min_members: int = 3, obligation: str | None = "defense",
          half: str = "held-out") -> list[AtopAlliance]:
    """The alliances that began in or after ``since``, with at least ``min_members`` members and the
    ATOP obligation ``obligation`` (None: any), in the chosen half, in ATOP order."""
    if half not in HALVES:
        raise ArgumentError("--half", " or ".join(HALVES), half)
    keep = []
    for al in sorted(cat.alliances.values(), key=lambda a: a.atopid):
        if al.begin.year < since or len(al.members) < min_members or al.atopid in QUIRKS:
            continue
        if obligation is not None and obligation not in al.obligations():
            continue
        if half != "all" and held_out(al.atopid) != (half == "held-out"):
            continue
        keep.append(al)
    return keep


def decades(al: AtopAlliance) -> list[tuple[dt.date, dt.date, dt.date]]:
    """The cells of an alliance: (start, last day counted, end of the decade)."""
    last = min(al.end - dt.timedelta(days=1), DATA_END) if al.end else DATA_END
    out = []
    for d0 in range(al.begin.year // 10 * 10, last.year + 1, 10):
        start = max(al.begin, dt.date(d0, 1, 1))
        stop = min(last, dt.date(d0 + 9, 12, 31))
        if stop > start:
            out.append((start, stop, dt.date(d0 + 9, 12, 31)))
    return out


@dataclass(frozen=True)
class Cell:
    atopid: int
    start: dt.date
    stop: dt.date
    members: int              # members at the start
    rows: pd.DataFrame
    exits: np.ndarray         # per run


def cell_seed(seed: int, atopid: int, start: dt.date) -> int:
    """Each cell its own seed, a function of the root seed and the cell alone: cells are
    independent, and a cell's draws do not depend on which other cells run."""
    return zlib.crc32(f"{seed}|{atopid}|{start.isoformat()}".encode())


def mid_crises(cat: Catalogue, al: AtopAlliance, start: dt.date, stop: dt.date) -> int:
    """The crises on the record of a cell: COW MID disputes begun in its years against a state that
    was a member in it, one per (member, initiator, type), as the scenario's crisis rates count them
    (``catalogue.crises``; MID dates a dispute's start by its year, so a cell's first year counts whole)."""
    members = sorted({sp.member for sp in al.spells if sp.overlaps(start, stop)})
    return sum(len(d) for d in disputes_against(cat, members, set(members), start.year, stop.year).values())


@dataclass(frozen=True)
class PreparedCell:
    """A cell ready to simulate: its model compiled from the scenario of its first year, its seed,
    and the real counts of its record."""
    atopid: int
    alliance: str             # the scenario's focus alliance
    start: dt.date
    stop: dt.date
    model: Model
    seed: int
    real: dict


def prepare_cell(cat: Catalogue, al: AtopAlliance, start: dt.date, stop: dt.date, decade_end: dt.date,
                 seed: int, parameters: dict[str, float] | None = None, crisis_rates: str = "pooled",
                 runs: int = 1000, state_effects: Mapping[int, float] | None = None) -> PreparedCell:
    """What a cell costs before its first simulated month: the scenario, its model, the record
    replayed and counted, the MID disputes of its years; with ``crisis_rates`` "pooled", each of
    the ``runs`` its own draw of the members' crisis rates (:func:`pooled_crisis_draws`);
    ``state_effects``: each state's effect on the hazards of leaving by COW code (``Model.leave_shift``)."""
    if crisis_rates not in CRISIS_RATES:
        raise ArgumentError("--crisis-rates", " or ".join(CRISIS_RATES), crisis_rates)
    files = to_scenario(al.atopid, start.year, cat)
    rows = pooled_crises.member_decades(cat, al, start, stop) if crisis_rates == "pooled" else []
    files = with_every_victim(files, [cat.abb(r.member) for r in rows], start)
    months = month_index(stop) - month_index(start) + 1
    # a cell's crises are COW MID disputes, the kind its rates count: the record's scales do not apply
    params = Parameters.for_scenario(files.parameters, extra={**(parameters or {}), **crises.AS_WRITTEN})
    model = compile_model(files, start, months, params, files.scenario.name)
    if state_effects:
        model = with_leave_shift(model, tuple(state_effects), np.array([list(state_effects.values())], dtype=float))
    real = real_counts(files, files.scenario.focus, start, stop)
    real["alliance_ends"] = int(al.end is not None and start < al.end <= decade_end
                                and ends_alliance(end_cause(codes_at_end(al))))
    real["crises"] = mid_crises(cat, al, start, stop)
    cseed = cell_seed(seed, al.atopid, start)
    if rows:
        model = pooled_crisis_draws(model, rows, [cat.abb(r.member) for r in rows], cseed, runs)
    return PreparedCell(al.atopid, files.scenario.focus, start, stop, model, cseed, real)


# --- crisis rates pooled across alliances (calibration.crisis_rates) ---------------------------------

#: "pooled": each member's rate from the pooled fit, its alliance's, state's and member-decade's
#: effects drawn per run; "window": the COW MID rates of the ten years up to the cell, as written (one value per cell).
CRISIS_RATES = ("pooled", "window")


def with_every_victim(files: ScenarioFiles, victims: list[str], start: dt.date) -> ScenarioFiles:
    """The scenario with a crisis source (rate 0, an unnamed initiator's threat) for each of
    ``victims`` that has none: a member with no dispute in the ten years before can have one in the
    decade, at the rate the pooled fit gives it (:func:`pooled_crisis_draws`)."""
    have = {c.victim for c in files.behaviour.crisis}
    extra = tuple(CrisisSource(victim=v, type=CrisisType.threat, aggressor=None, rate=0.0, known=start,
                               source="a member with no COW MID dispute in the window: its rate is the pooled fit's")
                  for v in dict.fromkeys(victims) if v not in have)
    if not extra:
        return files
    behaviour = files.behaviour.model_copy(update={"crisis": files.behaviour.crisis + extra})
    return files.model_copy(update={"behaviour": behaviour})


def pooled_crisis_draws(model: Model, rows: list, victims: list[str], seed: int, runs: int) -> Model:
    """The model with each run's own draw of the members' monthly crisis rates
    (``crisis_rates.member_rates``): each member's sources keep their shares of its window's rates
    (who initiates, which type) and are scaled to the drawn total; a member without a window rate
    has its one unnamed source. The draws are seeded by the cell's seed alone; run k has row k."""
    fit = pooled_crises.shipped()
    rates = pooled_crises.member_rates(fit, rows, runs, np.random.default_rng([seed, 0x637269736573]))
    index = {c: k for k, c in enumerate(model.codes)}
    share = np.zeros((len(victims), len(model.src_rate)))
    for j, v in enumerate(victims):
        mine = model.src_victim == index[v]
        total = model.src_rate[mine].sum()
        share[j, mine] = model.src_rate[mine] / total if total > 0 else 1.0 / mine.sum()
    return replace(model, src_rate_per_run=rates @ share)


def cell_from_draws(prep: PreparedCell, draws: np.ndarray) -> Cell:
    """The cell's rows for the classes ATOP records: the alliance's end in the cell (the real one
    dated the day after the cell's last day) against the runs' ends in its months; without an
    admission procedure the engine cannot make a member; MID 4.3 ends in 2010, so a later cell has
    no record of crises to compare."""
    model = prep.model
    classes = tuple(c for c in ATOP_CLASSES if c != "crises" or prep.stop.year <= MID_LAST)
    blank = () if model.admission[model.focus] else ("accessions",)
    rows = rows_for(prep.alliance, prep.start, prep.stop, draws, prep.real, prep.seed, classes, blank)
    members = int(np.isin(model.standing0[model.focus], sorted(MEMBER_STANDINGS)).sum())
    return Cell(prep.atopid, prep.start, prep.stop, members, rows, draws[:, SIMULATED.index("exits")])


def run_cell(cat: Catalogue, al: AtopAlliance, start: dt.date, stop: dt.date, decade_end: dt.date, runs: int,
             seed: int, chunk_size: int = 1000, parameters: dict[str, float] | None = None,
             crisis_rates: str = "pooled", state_effects: Mapping[int, float] | None = None) -> Cell:
    """One alliance-decade: its scenario, its simulated counts (serially: cells run in parallel),
    its rows for the classes ATOP records. ``parameters``: values in the place of the shipped fit's."""
    prep = prepare_cell(cat, al, start, stop, decade_end, seed, parameters, crisis_rates, runs, state_effects)
    return cell_from_draws(prep, simulated_counts(prep.model, runs, prep.seed, chunk_size))


@dataclass(frozen=True)
class CellJob:
    atopid: int
    start: dt.date
    stop: dt.date
    decade_end: dt.date
    runs: int
    seed: int
    parameters: tuple[tuple[str, float], ...] = ()
    crisis_rates: str = "pooled"
    state_effects: tuple[tuple[int, float], ...] = ()


def run_job(job: CellJob) -> Cell | dict:
    """A cell in whichever process runs it (the catalogue is read once per process); a member
    ATOP codes without a COW state is said, not hidden."""
    cat = catalogue()
    try:
        return run_cell(cat, cat.alliance(job.atopid), job.start, job.stop, job.decade_end, job.runs, job.seed,
                        parameters=dict(job.parameters), crisis_rates=job.crisis_rates,
                        state_effects=dict(job.state_effects))
    except DataQuirk as exc:
        return {"atopid": job.atopid, "start": job.start.isoformat(), "why": str(exc)}


def jobs(since: int = 1945, min_members: int = 3, obligation: str | None = "defense", half: str = "held-out",
         runs: int = 300, seed: int = 0, parameters: dict[str, float] | None = None,
         crisis_rates: str = "pooled", state_effects: Mapping[int, float] | None = None) -> list[CellJob]:
    fixed = tuple(sorted((parameters or {}).items()))
    effects = tuple(sorted((state_effects or {}).items()))
    return [CellJob(al.atopid, *c, runs, seed, fixed, crisis_rates, effects) for al in pacts(catalogue(), since, min_members, obligation, half)
            for c in decades(al)]


def cost(job: CellJob, cat: Catalogue | None = None) -> int:
    """A cell's expected cost, for scheduling only: its months times the states that may be members
    (the engine's month grows with the states, the cell with its months)."""
    al = (cat or catalogue()).alliance(job.atopid)
    months = month_index(job.stop) - month_index(job.start) + 1
    return months * (2 + len(al.members))


def longest_first(todo: list[CellJob]) -> list[int]:
    """The cells' positions, the most costly first (stable among equals): handed out one at a time
    to the workers as they free up, the last cells to start are the cheapest, so no worker is left
    running a long cell while the other idles (longest-processing-time-first scheduling)."""
    cat = catalogue()
    return sorted(range(len(todo)), key=lambda k: -cost(todo[k], cat))


def retrodict_catalogue(since: int = 1945, min_members: int = 3, obligation: str | None = "defense",
                        half: str = "held-out", runs: int = 300, seed: int = 0, executor: str = "serial",
                        workers: int | None = None, progress: Callable[[int, int], None] | None = None,
                        parameters: dict[str, float] | None = None, crisis_rates: str = "pooled",
                        state_effects: Mapping[int, float] | None = None) -> dict:
    """Every alliance-decade of the chosen alliances; the rows, and the summary: coverage and PIT
    histogram over the cells, the total of member exits against the 90% interval of the simulated
    total, and the rank correlation across alliances of simulated (mean) and real exits. Cells run
    on ``executor``, the most costly first (:func:`longest_first`); each cell has its own seed and
    the rows come back in ATOP order: the same results whatever the executor or worker count.
    ``state_effects``: each state's effect on the hazards of leaving (a pooled fit's values, by COW code)."""
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ArgumentError("--runs", "a whole number of runs, at least 1", runs)
    if crisis_rates not in CRISIS_RATES:
        raise ArgumentError("--crisis-rates", " or ".join(CRISIS_RATES), crisis_rates)
    todo = jobs(since, min_members, obligation, half, runs, seed, parameters, crisis_rates, state_effects)
    done: dict[int, Cell | dict] = {}
    with make_executor(executor, workers) as ex:
        for k, res in ex.map(_indexed, [(k, todo[k]) for k in longest_first(todo)]):
            done[k] = res
            if progress is not None:
                progress(len(done), len(todo))
    ordered = [done[k] for k in range(len(todo))]
    cells = [c for c in ordered if isinstance(c, Cell)]
    skipped = [c for c in ordered if not isinstance(c, Cell)]
    return catalogue_summary(cells, skipped, {"since": since, "min_members": min_members, "obligation": obligation,
                                              "half": half, "runs": runs, "seed": seed, "crisis_rates": crisis_rates,
                                              "state_effects": bool(state_effects),
                                              "alliances": len({j.atopid for j in todo})})


def _indexed(item: tuple[int, CellJob]) -> tuple[int, Cell | dict]:
    return item[0], run_job(item[1])


def catalogue_summary(cells: list[Cell], skipped: list[dict], settings: dict) -> dict:
    rows = pd.concat([c.rows for c in cells], ignore_index=True) if cells else rows_for("x", dt.date.min, dt.date.min, None, {}, 0).iloc[:0]
    exits = rows[rows["event"] == "exits"]
    total = np.sum([c.exits for c in cells], axis=0) if cells else np.zeros(1)
    real_total = int(exits["real"].sum())
    lo, hi = scores.interval(total)
    per = exits.assign(atopid=[c.atopid for c in cells]).groupby("atopid")[["real", "mean"]].sum()
    rho = float(spearmanr(per["mean"], per["real"]).statistic) if len(per) > 2 and per["real"].nunique() > 1 \
        and per["mean"].nunique() > 1 else None
    return {"settings": settings, "cells": len(cells), "member_decades": int(sum(c.members for c in cells)),
            "skipped": skipped, "rows": rows, "summary": summarise(rows),
            "exits_total": {"real": real_total, "mean": float(total.mean()), "q05": lo, "q95": hi,
                            "inside": bool(lo <= real_total <= hi)},
            "exits_rank_correlation": rho, "alliances_with_exits": int((per["real"] > 0).sum())}
