"""The Python API a notebook user would guess::

    import foedus
    csto = foedus.load_scenario("csto")
    csto.replay(as_of="2024-03-01").members("csto")
    csto.obligations(date="2022-09-13", victim="ARM", aggressor="AZE")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from foedus.chronology import parse_date
from foedus.errors import ArgumentError
from foedus.ledger.replay import Replay, replay
from foedus.scenario.loader import read_folder, resolve, scenario_hash
from foedus.scenario.schema import Alliance, CrisisType, ScenarioFiles, State
from foedus.treaty.obligations import Obligations, Place, obligations


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario: its files as typed objects plus what can be asked of them."""

    data: ScenarioFiles
    path: Path
    hash: str

    @property
    def name(self) -> str:
        return self.data.scenario.name

    @property
    def focus(self) -> Alliance:
        return self.alliance(self.data.scenario.focus)

    @property
    def states(self) -> tuple[State, ...]:
        return self.data.states

    @property
    def alliances(self) -> tuple[Alliance, ...]:
        return self.data.alliances

    @property
    def events(self):
        return self.data.events

    def state(self, iso3: str) -> State:
        for s in self.data.states:
            if s.iso3 == iso3:
                return s
        raise ArgumentError("state", f"a state of scenario '{self.name}' ({', '.join(s.iso3 for s in self.states)})", iso3)

    def alliance(self, alliance_id: str | None = None) -> Alliance:
        alliance_id = alliance_id or self.data.scenario.focus
        for a in self.data.alliances:
            if a.id == alliance_id:
                return a
        raise ArgumentError("alliance", f"an alliance of scenario '{self.name}' ({', '.join(a.id for a in self.alliances)})", alliance_id)

    @cached_property
    def full_replay(self) -> Replay:
        """The whole record replayed (raises RuleViolation if any event breaks a rule)."""
        return replay(self.data)

    def replay(self, as_of: str | dt.date | None = None) -> Replay:
        as_of = parse_date(as_of, "as_of") if as_of is not None else None
        return replay(self.data, as_of)

    def place(self, code: str, date: dt.date | None = None) -> Place:
        """A place an attack can fall on: a state's ISO3 code (its home territory), or the code or
        name of a territory declared in ``states.toml`` (``FLK``, ``Falkland Islands``)."""
        key = code.strip()
        for s in self.data.states:
            if s.iso3 == key.upper():
                return Place(s.iso3, s.name, s.iso3)
            for t in s.territories:
                if key.upper() == t.code or key.casefold() == t.name.casefold():
                    if date is not None and t.until is not None and date >= t.until:
                        raise ArgumentError("--place", f"a place that is a state's territory on {date.isoformat()} "
                                            f"({t.name} was {s.iso3}'s until {t.until.isoformat()})", code)
                    return Place(t.code, t.name, s.iso3, t.region)
        known = [t.code for s in self.data.states for t in s.territories]
        raise ArgumentError("--place", "a state's ISO3 code or a territory of the scenario"
                            + (f" ({', '.join(known)})" if known else ""), code)

    def obligations(self, date: str | dt.date, victim: str, aggressor: str | list[str] | tuple[str, ...] | None = None,
                    crisis: str | CrisisType = CrisisType.armed_attack, alliance: str | None = None,
                    territory: str = "own", requested: bool = True, place: str | None = None) -> Obligations:
        d = parse_date(date, "date")
        self.state(victim)
        aggressors = (aggressor,) if isinstance(aggressor, str) else tuple(aggressor or ())
        for x in aggressors:
            self.state(x)
        try:
            crisis = CrisisType(crisis)
        except ValueError:
            raise ArgumentError("crisis", f"one of {', '.join(c.value for c in CrisisType)}", crisis) from None
        if territory not in ("own", "outside"):
            raise ArgumentError("territory", "'own' or 'outside'", territory)
        where = self.place(place, d) if place else None
        a = self.alliance(alliance)
        st = replay(self.data, d).alliance(a.id)
        return obligations(a, st.standings(), d, victim, aggressors, crisis, territory, requested,
                           place=where, status=st.status())


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a built-in scenario by name (``"csto"``, ``"nato"``) or a scenario folder."""
    folder = resolve(name_or_path)
    return Scenario(data=read_folder(folder), path=folder, hash=scenario_hash(folder))
