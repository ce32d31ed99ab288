"""Named codings of contested facts: alternatives to rows of a scenario's record.

Some facts of the record can be read two ways (Uzbekistan's note of 2012 as a suspension of its
participation or as a withdrawal; France 1966 and Greece 1974 as a party leaving one body or as
steps out of the organisation). ``scenarios/codings.toml`` names each reading as a *coding*: a set
of changes, each finding one row of one scenario's record (scenario, date, type, actors) and giving
its new type (``becomes``; ``"none"`` drops the row). :func:`apply` returns the scenario's files
with the coding's rows; the calibration refitted on them ships as ``model/codings/NAME.toml``
(``foedus calibrate --coding NAME``), and ``foedus simulate --coding NAME`` runs on both."""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from foedus.errors import ArgumentError, ScenarioError
from foedus.scenario.schema import EventType, ScenarioFiles

FILE = Path(__file__).resolve().parent.parent / "scenarios" / "codings.toml"
CALIBRATIONS = Path(__file__).resolve().parent.parent / "model" / "codings"
DROP = "none"


class Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    scenario: str
    date: dt.date
    type: EventType
    actors: tuple[str, ...]
    becomes: str = Field(description="the row's new event type, or 'none' to drop it")
    summary: str | None = None


class Coding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    question: str
    why: str
    source: str = Field(min_length=1)
    change: tuple[Change, ...]

    def calibration(self) -> Path:
        """The calibration refitted on the record read this way (``foedus calibrate --coding``)."""
        return CALIBRATIONS / f"{self.name}.toml"

    def scenarios(self) -> set[str]:
        return {c.scenario for c in self.change}


@cache
def codings() -> dict[str, Coding]:
    """Every named coding, by name (``scenarios/codings.toml``)."""
    doc = tomllib.loads(FILE.read_text())
    out = {}
    for i, row in enumerate(doc.get("coding", [])):
        try:
            c = Coding.model_validate(row)
            for ch in c.change:
                if ch.becomes != DROP:
                    EventType(ch.becomes)
        except (ValidationError, ValueError) as exc:
            raise ScenarioError(FILE.name, f"coding[{i}]", "a coding (docs/calibration.md)", str(exc).splitlines()[0]) from None
        out[c.name] = c
    return out


def coding(name: str) -> Coding:
    """The coding called ``name``; a one-line ArgumentError naming the known ones otherwise."""
    known = codings()
    if name not in known:
        raise ArgumentError("--coding", f"a named coding ({', '.join(sorted(known))})", name)
    return known[name]


def apply(data: ScenarioFiles, c: Coding) -> ScenarioFiles:
    """``data`` with the coding's rows for its scenario (unchanged if the coding concerns another).
    Every change must find exactly one row: a record that moved under a coding is an error, not a
    silent no-op."""
    changes = [ch for ch in c.change if ch.scenario == data.scenario.name]
    if not changes:
        return data
    events = list(data.events)
    for ch in changes:
        hits = [i for i, e in enumerate(events)
                if e.date == ch.date and e.type == ch.type and tuple(e.actors) == ch.actors]
        if len(hits) != 1:
            raise ScenarioError(FILE.name, f"coding {c.name}", f"one {ch.type} row of {ch.scenario} on "
                                f"{ch.date.isoformat()} by {', '.join(ch.actors)}", f"{len(hits)} rows")
        e = events[hits[0]]
        if ch.becomes == DROP:
            events[hits[0]] = None
            continue
        update = {"type": EventType(ch.becomes), "note": f"coding {c.name}: was '{e.type}'",
                  "source": f"{e.source}; coding {c.name}: {c.source}", "body": None}
        if ch.summary:
            update["summary"] = ch.summary
        events[hits[0]] = e.model_copy(update=update)
    return data.model_copy(update={"events": tuple(e for e in events if e is not None)})
