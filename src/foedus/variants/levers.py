"""Levers: named, documented edits to a scenario, for what-if questions.

A lever is a transformation at the scenario layer: it takes a :class:`ScenarioFiles` and returns a
new one with dated changes added to its timeline (or a behavioural parameter overridden). It knows
nothing of the engine: the engine reads the edited timeline the same way it reads the scenario's
own. Each kind below writes exactly one field of the timeline (``TimelineChange.field``):

==================  =====================  ================================================  ==========
kind                field written          value means                                       default
==================  =====================  ================================================  ==========
``war-ends``        ``committed_share``    Russia's share committed elsewhere, from the date  0.2
``capacity``        ``capability_factor``  multiplier on the state's capability (1.2: +20%)   1.2
``info-ops``        ``salience``           multiplier on how much others weigh a refusal      2.0
``crisis``          ``crisis``             severity (0-1) of a crisis injected that month      0.8
``outside-option``  ``outside_option``     additive shift of the state's outside option       0.5
``threat``          ``threat``             multiplier on the rate of attacks against it       1.0
``parameter``       (parameters)           the behavioural parameter's new value               —
==================  =====================  ================================================  ==========

Levels (every field but ``crisis``) hold from the lever's date on: a later change of the same
field for the same state in the scenario's own timeline is dropped, so the lever is what is in
force for the rest of the run. A crisis is one event in one month and removes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from foedus.chronology import month_index, parse_date
from foedus.errors import ArgumentError, ScenarioError
from foedus.scenario.schema import ISO3, CrisisType, ScenarioFiles, TimelineChange

LeverKind = Literal["war-ends", "capacity", "info-ops", "crisis", "outside-option", "threat", "parameter"]

# kind -> (timeline field, default state, default value, what the value means)
KINDS: dict[str, tuple[str | None, str | None, float | None, str]] = {
    "war-ends": ("committed_share", "patron", 0.2,
                 "share of the patron's capability still committed elsewhere once the war ends (0-1)"),
    "capacity": ("capability_factor", "patron", 1.2, "multiplier on the state's capability (1.2 = recovers by 20%)"),
    "info-ops": ("salience", None, 2.0,
                 "multiplier on how much the other members weigh a refusal to these states (NATO publicises refusals)"),
    "crisis": ("crisis", None, 0.8, "severity (0-1) of a crisis injected in that month"),
    "outside-option": ("outside_option", None, 0.5, "additive shift of the state's outside option (an EU or US offer)"),
    "threat": ("threat", None, 1.0, "multiplier on the rate of armed attacks against the state"),
    "parameter": (None, None, None, "new value of the behavioural parameter `name`"),
}
LEVEL_FIELDS = ("committed_share", "capability_factor", "outside_option", "threat", "salience")


class Lever(BaseModel):
    """One edit. ``states`` empty means the kind's default: the focus alliance's patron for
    ``war-ends`` and ``capacity``, every member of the focus alliance but the patron for ``info-ops``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: LeverKind
    date: dt.date | None = Field(None, description="first day the lever applies (first of a month)")
    states: tuple[ISO3, ...] = ()
    value: float | None = None
    crisis: CrisisType | None = Field(None, description="crisis type (kind 'crisis'; default armed_attack)")
    aggressor: ISO3 | None = Field(None, description="the aggressor (kind 'crisis')")
    name: str | None = Field(None, description="the parameter's name (kind 'parameter')")
    note: str = ""
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _state_alias(cls, data):
        # `state = "ARM"` reads more naturally in a file than `states = ["ARM"]`
        if isinstance(data, dict) and "state" in data:
            data = dict(data)
            st = data.pop("state")
            if "states" in data:
                raise ValueError("give `state` or `states`, not both")
            data["states"] = [st] if isinstance(st, str) else st
        return data

    @model_validator(mode="after")
    def _shape(self) -> "Lever":
        if self.kind == "parameter":
            if not self.name:
                raise ValueError("a 'parameter' lever needs `name`")
            if self.value is None:
                raise ValueError("a 'parameter' lever needs `value`")
            return self
        if self.date is None:
            raise ValueError(f"a '{self.kind}' lever needs `date`")
        if self.kind == "crisis":
            if len(self.states) != 1:
                raise ValueError("a 'crisis' lever needs exactly one `state` (the victim)")
        elif self.kind in ("outside-option", "threat") and not self.states:
            raise ValueError(f"a '{self.kind}' lever needs `state`")
        value = self.resolved_value
        if self.kind in ("war-ends", "crisis") and not 0.0 <= value <= 1.0:
            raise ValueError(f"`value` of a '{self.kind}' lever must lie in [0, 1]")
        if self.kind in ("capacity", "info-ops", "threat") and value < 0:
            raise ValueError(f"`value` of a '{self.kind}' lever must not be negative")
        return self

    @property
    def field(self) -> str | None:
        return KINDS[self.kind][0]

    @property
    def resolved_value(self) -> float:
        return float(self.value if self.value is not None else KINDS[self.kind][2])

    def label(self) -> str:
        """The lever in its command-line form (``KIND:DATE[:key=value,...]``)."""
        if self.kind == "parameter":
            return f"parameter:{self.name}={self.value:g}"
        parts = [f"value={self.resolved_value:g}"]
        if self.states:
            parts.insert(0, "state=" + "+".join(self.states))
        if self.kind == "crisis":
            parts.append(f"type={(self.crisis or CrisisType.armed_attack).value}")
            if self.aggressor:
                parts.append(f"aggressor={self.aggressor}")
        return f"{self.kind}:{self.date.isoformat()[:7]}:{','.join(parts)}"

    def target_states(self, data: ScenarioFiles) -> tuple[str, ...]:
        """The states this lever edits, its defaults resolved against the scenario."""
        codes = {s.iso3 for s in data.states}
        focus = next(a for a in data.alliances if a.id == data.scenario.focus)
        if self.states:
            states = self.states
        elif KINDS[self.kind][1] == "patron":
            if not focus.patron:
                raise ArgumentError("lever", f"a `state` (alliance '{focus.id}' has no patron)", self.kind)
            states = (focus.patron,)
        else:  # info-ops: every member of the focus alliance on the lever's date, but the patron
            states = tuple(s for s in _members_on(data, self.date) if s != focus.patron)
        for s in states:
            if s not in codes:
                raise ArgumentError("lever state", f"a state of scenario '{data.scenario.name}' "
                                    f"({', '.join(sorted(codes))})", s)
        if self.aggressor and self.aggressor not in codes:
            raise ArgumentError("lever aggressor", f"a state of scenario '{data.scenario.name}'", self.aggressor)
        return states

    def changes(self, data: ScenarioFiles) -> tuple[TimelineChange, ...]:
        """The timeline changes this lever adds to ``data``."""
        if self.kind == "parameter":
            return ()
        note = self.note or f"lever {self.label()}"
        out = []
        for s in self.target_states(data):
            out.append(TimelineChange(
                date=self.date, state=s, field=self.field, value=self.resolved_value,
                crisis=(self.crisis or CrisisType.armed_attack) if self.kind == "crisis" else None,
                aggressor=self.aggressor if self.kind == "crisis" else None,
                note=note, source=self.source or "what-if lever", known=self.date))
        return tuple(out)


def _members_on(data: ScenarioFiles, date: dt.date | None) -> list[str]:
    from foedus.ledger.replay import replay  # the treaty rules say who is a member on that date

    as_of = min(date, data.scenario.end) if date else data.scenario.end
    return replay(data, as_of).alliance(data.scenario.focus).members()


def apply_levers(data: ScenarioFiles, levers: tuple[Lever, ...] | list[Lever]) -> ScenarioFiles:
    """A new scenario with ``levers`` applied in order (the input is not changed)."""
    timeline = list(data.timeline)
    parameters = dict(data.parameters)
    for lever in levers:
        if lever.kind == "parameter":
            parameters[lever.name] = float(lever.value)
            continue
        added = lever.changes(data)
        if lever.field in LEVEL_FIELDS:
            # the lever holds from its date on: drop the scenario's own later changes of that field
            hit = {(c.state, c.field) for c in added}
            timeline = [c for c in timeline
                        if not ((c.state, c.field) in hit and month_index(c.date) >= month_index(lever.date))]
        timeline.extend(added)
    # stable sort: changes on the same date keep the order they were given in
    timeline.sort(key=lambda c: c.date)
    return data.model_copy(update={"timeline": tuple(timeline), "parameters": parameters})


def value_in_force(data: ScenarioFiles, state: str, field: str, date: dt.date) -> float | None:
    """The value of a level field for ``state`` in force in ``date``'s month (None if never set).
    Months, as the engine reads the timeline: a change counts from the month of its date."""
    current = None
    for c in data.timeline:
        if month_index(c.date) > month_index(date):
            break
        if c.state == state and c.field == field:
            current = c.value
    return current


# --- the command-line form --------------------------------------------------------------------

_KEYS = {"state", "states", "value", "type", "crisis", "aggressor", "severity", "name"}


def parse_lever(spec: str) -> Lever:
    """Parse ``KIND:DATE[:key=value,...]`` (or ``parameter:NAME=VALUE``) into a :class:`Lever`.

    ``war-ends:2026-06``, ``capacity:2026-01:value=1.3``, ``info-ops:2025-01:value=3``,
    ``crisis:2026-09:state=ARM,aggressor=AZE,severity=0.9``, ``outside-option:2025-06:state=ARM,value=1``,
    ``parameter:decay_half_life=24``. Several states: ``state=KAZ+KGZ``.
    """
    text = spec.strip()
    expected = "a lever KIND:DATE[:key=value,...] with KIND one of " + ", ".join(KINDS)
    if ":" not in text:
        raise ArgumentError("--lever", expected, spec)
    kind, rest = text.split(":", 1)
    kind = kind.strip()
    if kind not in KINDS:
        raise ArgumentError("--lever", expected, spec)
    fields: dict[str, object] = {"kind": kind}
    if kind == "parameter":
        name, eq, value = rest.partition("=")
        if not eq or not name.strip():
            raise ArgumentError("--lever", "parameter:NAME=VALUE", spec)
        fields.update(name=name.strip(), value=_number(value, spec))
    else:
        date_text, _, opts = rest.partition(":")
        fields["date"] = parse_date(date_text, "--lever date")
        for item in filter(None, (o.strip() for o in opts.split(","))):
            key, eq, val = item.partition("=")
            key = key.strip()
            if not eq or key not in _KEYS:
                raise ArgumentError("--lever", f"options key=value with key one of {', '.join(sorted(_KEYS))}", item)
            val = val.strip()
            if key in ("state", "states"):
                fields["states"] = [v.strip().upper() for v in val.split("+") if v.strip()]
            elif key in ("value", "severity"):
                fields["value"] = _number(val, spec)
            elif key in ("type", "crisis"):
                fields["crisis"] = val
            elif key == "aggressor":
                fields["aggressor"] = val.upper()
            else:
                fields["name"] = val
    try:
        return Lever.model_validate(fields)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        msg = err.get("msg", "").removeprefix("Value error, ")
        where = ".".join(str(x) for x in err.get("loc", ())) or "lever"
        raise ArgumentError("--lever", f"{where}: {msg}", spec) from None


def _number(text: str, spec: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ArgumentError("--lever", "a number after '='", spec) from None


def lever_from_table(file: str, index: int, table: dict) -> Lever:
    """A ``[[lever]]`` table of a variant file; an error names the file and the field."""
    try:
        return Lever.model_validate(table)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = [str(x) for x in err.get("loc", ())]
        field = f"lever[{index}]" + ("." + ".".join(loc) if loc else "")
        kind = err.get("type", "")
        if kind == "missing":
            raise ScenarioError(file, field, "a value (the field is required)", "nothing") from None
        if kind == "extra_forbidden":
            raise ScenarioError(file, field, "no such field (unknown key)", err.get("input")) from None
        msg = err.get("msg", "a valid value").removeprefix("Value error, ")
        raise ScenarioError(file, field, msg[0].lower() + msg[1:], err.get("input")) from None
