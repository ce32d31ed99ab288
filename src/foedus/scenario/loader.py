"""Read a scenario folder into frozen, validated objects. Every error names the file, the field
path, what was expected and what was found."""

from __future__ import annotations

import hashlib
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from foedus.errors import ScenarioError
from foedus.scenario.schema import (
    Alliance,
    Behaviour,
    Event,
    EventType,
    ScenarioFiles,
    ScenarioMeta,
    State,
    TimelineChange,
)

# file name -> (top-level key, model, is a list)
FILES: dict[str, tuple[str, Any, bool]] = {
    "scenario.toml": ("scenario", ScenarioMeta, False),
    "states.toml": ("state", State, True),
    "alliances.toml": ("alliance", Alliance, True),
    "record.toml": ("event", Event, True),
    "timeline.toml": ("change", TimelineChange, True),
    "parameters.toml": ("parameters", dict[str, float], False),
    "behaviour.toml": ("", Behaviour, False),  # several top-level tables: [[crisis]], [[affinity]], ...
}
REQUIRED = ("scenario.toml", "states.toml", "alliances.toml")


def builtin_root() -> Path:
    return Path(str(resources.files("foedus") / "scenarios"))


def builtin_names() -> list[str]:
    root = builtin_root()
    return sorted(p.name for p in root.iterdir() if (p / "scenario.toml").is_file())


def resolve(name_or_path: str | Path) -> Path:
    """A built-in scenario name or a folder path."""
    p = Path(name_or_path)
    if p.is_dir():
        return p
    if p.is_file() and p.name == "scenario.toml":
        return p.parent
    if isinstance(name_or_path, str) and name_or_path in builtin_names():
        return builtin_root() / name_or_path
    if p.is_file():
        raise ScenarioError(str(name_or_path), "scenario", "a scenario folder (or its scenario.toml), not one of its files",
                            p.name)
    raise ScenarioError(
        str(name_or_path), "scenario", f"a built-in scenario ({', '.join(builtin_names())}) or a scenario folder",
        "no such scenario",
    )


def _loc(loc: tuple, key: str, listed: bool) -> str:
    parts: list[str] = []
    items = list(loc)
    if listed and items and isinstance(items[0], int):
        parts.append(f"{key}[{items.pop(0)}]")
    elif not listed:
        parts.append(key)
    for x in items:
        if isinstance(x, int):
            parts[-1] = parts[-1] + f"[{x}]" if parts else f"[{x}]"
        else:
            parts.append(str(x))
    return ".".join(parts)


def _first_error(file: Path, exc: ValidationError, key: str, listed: bool) -> ScenarioError:
    err = exc.errors(include_url=False)[0]
    field = _loc(tuple(err.get("loc", ())), key, listed)
    msg = err.get("msg", "a valid value")
    kind = err.get("type", "")
    if kind == "missing":
        return ScenarioError(str(file), field, "a value (the field is required)", "nothing")
    if kind == "extra_forbidden":
        return ScenarioError(str(file), field, "no such field (unknown key)", err.get("input"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if msg.startswith("Input should be "):  # pydantic's wording; ours is "expected ..."
        msg = msg[len("Input should be "):]
    if kind == "value_error" and isinstance(err.get("input"), dict):
        # A rule across a table's fields (in_force after signed, an event's shape): the whole
        # table is no useful "found".
        return ScenarioError(str(file), field, f"a valid table ({msg})")
    return ScenarioError(str(file), field, msg[0].lower() + msg[1:], err.get("input"))


def _read_toml(file: Path) -> dict:
    try:
        with open(file, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(file), "(syntax)", "valid TOML", str(exc)) from None
    except UnicodeDecodeError:
        raise ScenarioError(str(file), "(file)", "a UTF-8 text file (TOML)", "bytes that are not UTF-8") from None
    except OSError as exc:
        raise ScenarioError(str(file), "(file)", "a readable file", exc.strerror) from None


def _parse(file: Path, raw: dict) -> Any:
    key, model, listed = FILES[file.name]
    if key == "":  # the whole document is the model
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            err = _first_error(file, exc, "_", False)
            raise ScenarioError(err.file, err.field.removeprefix("_."), err.expected, err.found) from None
    unknown = [k for k in raw if k != key]
    if unknown:
        raise ScenarioError(str(file), unknown[0], f"only [[{key}]] tables" if listed else f"only [{key}]", unknown[0])
    value = raw.get(key, [] if listed else None)
    if value is None:
        raise ScenarioError(str(file), key, f"a [{key}] table", "nothing")
    if not listed and not isinstance(value, dict):
        raise ScenarioError(str(file), key, f"a [{key}] table", type(value).__name__)
    try:
        if listed:
            if not isinstance(value, list):
                raise ScenarioError(str(file), key, f"an array of tables [[{key}]]", type(value).__name__)
            return _validate_list(file, model, value, key)
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model.model_validate(value)
        return TypeAdapter(model).validate_python(value)
    except ValidationError as exc:
        raise _first_error(file, exc, key, listed) from None


def _validate_list(file: Path, model: type[BaseModel], items: list, key: str) -> tuple:
    out = []
    for i, item in enumerate(items):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            err = _first_error(file, exc, key, False)
            field = err.field.replace(key, f"{key}[{i}]", 1)
            raise ScenarioError(err.file, field, err.expected, err.found) from None
    return tuple(out)


def scenario_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for name in sorted(FILES):
        f = folder / name
        if f.is_file():
            h.update(name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def read_folder(folder: Path) -> ScenarioFiles:
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(str(folder), "(folder)", "a scenario folder", "no such folder")
    for name in REQUIRED:
        if not (folder / name).is_file():
            raise ScenarioError(str(folder / name), "(file)", "this file in the scenario folder", "it is missing")
    stray = sorted(p.name for p in folder.glob("*.toml") if p.name not in FILES)
    if stray:
        raise ScenarioError(str(folder / stray[0]), "(file)", f"one of {', '.join(FILES)}", stray[0])
    parsed: dict[str, Any] = {}
    for name in FILES:
        f = folder / name
        if f.exists() and not f.is_file():
            raise ScenarioError(str(f), "(file)", "a file", "a folder or something else")
        if f.is_file():
            parsed[name] = _parse(f, _read_toml(f))
    for name in ("states.toml", "alliances.toml"):
        if not parsed[name]:
            key = FILES[name][0]
            raise ScenarioError(str(folder / name), key, f"at least one [[{key}]] table", "none")
    data = ScenarioFiles(
        scenario=parsed["scenario.toml"],
        states=parsed["states.toml"],
        alliances=parsed["alliances.toml"],
        events=parsed.get("record.toml", ()),
        timeline=parsed.get("timeline.toml", ()),
        parameters=parsed.get("parameters.toml") or {},
        behaviour=parsed.get("behaviour.toml") or Behaviour(),
    )
    check_references(folder, data)
    return data


def check_references(folder: Path, data: ScenarioFiles) -> None:
    """Cross-file checks: codes refer to declared states, events to declared alliances, dates in order."""
    if data.scenario.end < data.scenario.start:
        raise ScenarioError(str(folder / "scenario.toml"), "scenario.end",
                            f"a date not before scenario.start ({data.scenario.start.isoformat()})",
                            data.scenario.end.isoformat())
    codes = {s.iso3 for s in data.states}
    seen: set[str] = set()
    for i, s in enumerate(data.states):
        if s.iso3 in seen:
            raise ScenarioError(str(folder / "states.toml"), f"state[{i}].iso3", "a code not declared twice", s.iso3)
        seen.add(s.iso3)
    places = set(codes)
    for i, s in enumerate(data.states):
        for j, t in enumerate(s.territories):
            if t.code in places:
                raise ScenarioError(str(folder / "states.toml"), f"state[{i}].territories[{j}].code",
                                    "a place code not declared twice (states' and territories' codes)", t.code)
            places.add(t.code)
    ids = set()
    for i, a in enumerate(data.alliances):
        f = str(folder / "alliances.toml")
        if a.id in ids:
            raise ScenarioError(f, f"alliance[{i}].id", "an id not declared twice", a.id)
        ids.add(a.id)
        for j, c in enumerate(a.founders):
            if c not in codes:
                raise ScenarioError(f, f"alliance[{i}].founders[{j}]", "a state declared in states.toml", c)
        if a.patron and a.patron not in codes:
            raise ScenarioError(f, f"alliance[{i}].patron", "a state declared in states.toml", a.patron)
        if a.collective_defence:
            _check_coverage(f, i, a, codes, places)
    if data.scenario.focus not in ids:
        raise ScenarioError(str(folder / "scenario.toml"), "scenario.focus", f"an alliance id ({', '.join(sorted(ids))})", data.scenario.focus)
    f = str(folder / "record.toml")
    last = None
    for i, e in enumerate(data.events):
        if e.alliance not in ids:
            raise ScenarioError(f, f"event[{i}].alliance", f"an alliance id ({', '.join(sorted(ids))})", e.alliance)
        for j, c in enumerate(e.actors):
            if c not in codes:
                raise ScenarioError(f, f"event[{i}].actors[{j}]", "a state declared in states.toml", c)
        for j, c in enumerate(e.contributors):
            if c not in codes:
                raise ScenarioError(f, f"event[{i}].contributors[{j}]", "a state declared in states.toml", c)
        if e.target and e.target not in codes:
            raise ScenarioError(f, f"event[{i}].target", "a state declared in states.toml", e.target)
        if last is not None and e.date < last:
            raise ScenarioError(f, f"event[{i}].date", f"a date not before {last.isoformat()} (events in date order)", e.date.isoformat())
        if e.date > data.scenario.end:
            raise ScenarioError(f, f"event[{i}].date", f"a date not after the record's end (scenario.toml: end = "
                                f"{data.scenario.end.isoformat()})", e.date.isoformat())
        last = e.date
    f = str(folder / "behaviour.toml")
    b = data.behaviour
    for kind, items, fields in (("crisis", b.crisis, ("victim", "aggressor")), ("affinity", b.affinity, ("a", "b")),
                                ("state", b.state, ("iso3",)), ("grievance", b.grievance, ("holder", "target"))):
        for i, item in enumerate(items):
            for name in fields:
                c = getattr(item, name)
                if c is not None and c not in codes:
                    raise ScenarioError(f, f"{kind}[{i}].{name}", "a state declared in states.toml", c)
    shared = set()
    for i, sc in enumerate(b.shared_crisis):
        shared.add(sc.name)   # versions of one shared crisis (``known``) share its name
        _declared(f, [(f"shared_crisis[{i}].exposed[{j}]", c) for j, c in enumerate(sc.exposed)]
                  + ([(f"shared_crisis[{i}].aggressor", sc.aggressor)] if sc.aggressor else []),
                  codes, "a state declared in states.toml")
    _check_shared_events(folder, data, shared)
    f = str(folder / "timeline.toml")
    last = None
    for i, c in enumerate(data.timeline):
        if c.state not in codes:
            raise ScenarioError(f, f"change[{i}].state", "a state declared in states.toml", c.state)
        if last is not None and c.date < last:
            raise ScenarioError(f, f"change[{i}].date", f"a date not before {last.isoformat()} (changes in date order)", c.date.isoformat())
        last = c.date


def _check_shared_events(folder, data, shared: set[str]) -> None:
    """A record event that names a shared crisis names one of behaviour.toml, and is a crisis, a
    request or a consultation whose actors the shared crisis exposes."""
    f = str(folder / "record.toml")
    by_name = {sc.name: sc for sc in data.behaviour.shared_crisis}
    for i, e in enumerate(data.events):
        if e.shared_crisis is None:
            continue
        if e.shared_crisis not in shared:
            raise ScenarioError(f, f"event[{i}].shared_crisis", "the name of a [[shared_crisis]] of behaviour.toml",
                                e.shared_crisis)
        if e.type not in (EventType.crisis, EventType.request, EventType.consultation):
            raise ScenarioError(f, f"event[{i}].type", "crisis, request or consultation (an event of a shared crisis)",
                                e.type.value)
        for j, c in enumerate(e.actors):
            if c not in by_name[e.shared_crisis].exposed:
                raise ScenarioError(f, f"event[{i}].actors[{j}]", f"a state the shared crisis "
                                    f"'{e.shared_crisis}' exposes (behaviour.toml)", c)


def _check_coverage(f: str, i: int, a, codes: set[str], places: set[str]) -> None:
    """The collective-defence article names declared states and places."""
    cd = a.collective_defence
    pre = f"alliance[{i}].collective_defence"
    state, place = (codes, "a state declared in states.toml"), (places, "a state or a territory declared in states.toml")
    _declared(f, [(f"{pre}.area[{j}]", c) for j, c in enumerate(cd.area)], *state)
    _declared(f, [(f"{pre}.places[{j}].place", p.place) for j, p in enumerate(cd.places)], *place)
    _declared(f, [(f"{pre}.adversaries[{j}]", c) for j, c in enumerate(cd.adversaries)], *state)
    _declared(f, [(f"{pre}.protected[{j}].state", p.state) for j, p in enumerate(cd.protected)], *state)
    for j, r in enumerate(cd.reservations):
        at = f"{pre}.reservations[{j}]"
        _declared(f, [(f"{at}.{name}", c) for name, vals in (("party", (r.party,)), ("aggressors", r.aggressors),
                                                             ("victims", r.victims)) for c in vals], *state)
        _declared(f, [(f"{at}.places", c) for c in r.places], *place)


def _declared(f: str, named: list[tuple[str, str]], known: set[str], expected: str) -> None:
    """Each (field, code) names something in ``known``; the first that does not is a ScenarioError."""
    for field, c in named:
        if c not in known:
            raise ScenarioError(f, field, expected, c)
