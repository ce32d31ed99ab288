"""What the browser view shows of the record: the alliances to choose from, the timeline of
events, each member's standing over time, the standings on a date (for the map) and who is bound.

Every function answers plain data (dicts and lists) from the public API (``foedus.load_scenario``,
``Scenario.replay``, ``Scenario.obligations``, the ATOP catalogue's ``search`` and
``to_scenario``); nothing here re-states a treaty rule."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache
from pathlib import Path

from foedus.api import Scenario, load_scenario
from foedus.chronology import parse_date
from foedus.errors import ArgumentError
from foedus.scenario.loader import builtin_names

ATOP_PREFIX = "atop-"


def alliances(query: str = "", limit: int = 40) -> list[dict]:
    """The built-in scenarios, then (with ``query``: a member's name such as "Brazil") the ATOP
    alliances with a member whose name contains it."""
    out = []
    for name in builtin_names():
        sc = open_alliance(name)
        out.append({"id": name, "name": sc.focus.name, "kind": "built-in", "title": sc.data.scenario.title})
    if query.strip():
        from foedus.catalogue.search import search

        for row in search(text=query)[:limit]:
            end = row["end"][:4] if row["end"] else "2016+"
            out.append({"id": f"{ATOP_PREFIX}{row['atopid']}", "kind": "ATOP",
                        "name": f"ATOP {row['atopid']} ({row['begin'][:4]}-{end})",
                        "title": ", ".join(row["members"][:8]) + (" ..." if row["size"] > 8 else "")})
    return out


@lru_cache(maxsize=16)
def open_alliance(alliance_id: str) -> Scenario:
    """A built-in scenario by name, or ``atop-<id>``: that ATOP alliance as a scenario, with the
    provisions in force in its last year in the data."""
    if not alliance_id.startswith(ATOP_PREFIX):
        if alliance_id not in builtin_names():
            raise ArgumentError("alliance", f"a built-in scenario ({', '.join(builtin_names())}) or atop-<ATOP id>",
                                alliance_id)
        return load_scenario(alliance_id)
    from foedus.catalogue.convert import to_scenario
    from foedus.catalogue.loader import LAST_YEAR, catalogue

    try:
        atopid = int(alliance_id.removeprefix(ATOP_PREFIX))
    except ValueError:
        raise ArgumentError("alliance", "atop-<ATOP id>, such as atop-3180", alliance_id) from None
    al = catalogue().alliance(atopid)
    year = min(al.end.year if al.end else LAST_YEAR, LAST_YEAR)
    if al.end and al.end == dt.date(year, 1, 1):
        year -= 1
    data = to_scenario(atopid, year)
    digest = hashlib.sha256(data.model_dump_json().encode()).hexdigest()[:16]
    return Scenario(data=data, path=Path(data.scenario.name), hash=digest)


def _last_day(sc: Scenario) -> dt.date:
    return max([sc.data.scenario.end, *(e.date for e in sc.events)])


def record(alliance_id: str) -> dict:
    """The alliance's events (the record and what the treaty rules added), each member's standing
    spells (from, to, standing) and the range of dates the slider may take."""
    sc = open_alliance(alliance_id)
    a = sc.focus
    end = _last_day(sc)
    rp = sc.replay(end)
    names = {s.iso3: s.name for s in sc.states}
    events = [{"date": e.event.date.isoformat(), "type": e.event.type.value, "actors": list(e.event.actors),
               "outcome": e.event.outcome.value if e.event.outcome else "", "summary": e.event.summary,
               "added_by_rules": e.generated, "source": getattr(e.event, "source", "") or ""}
              for e in rp.events if e.event.alliance == a.id]
    spells = []
    for state, m in sorted(rp.alliance(a.id).memberships.items()):
        hist = m.history or [(m.since, m.standing.name)]
        for i, (since, standing) in enumerate(hist):
            until = hist[i + 1][0] if i + 1 < len(hist) else end
            spells.append({"state": state, "name": names.get(state, state), "standing": _name(standing),
                           "from": since.isoformat(), "to": until.isoformat()})
    first = min([a.signed or sc.data.scenario.start, *(dt.date.fromisoformat(e["date"]) for e in events)])
    return {"alliance": alliance_id, "name": a.name, "treaty": a.treaty, "patron": a.patron,
            "title": sc.data.scenario.title, "first": first.isoformat(), "last": end.isoformat(),
            "events": events, "spells": spells, "places": places(sc), "sources": list(sc.data.scenario.sources),
            "citations": list(getattr(sc.data.scenario, "data_citations", ()) or ())}


def _name(standing) -> str:
    return getattr(standing, "name", str(standing))


def standings_on(alliance_id: str, date: str) -> dict:
    """Every state the alliance has known, with its standing on ``date`` and its ISO 3166 number
    (the map's key; None where today's map has no such country)."""
    sc = open_alliance(alliance_id)
    d = parse_date(date, "date")
    st = sc.replay(d).alliance(sc.focus.id)
    rows = []
    for s in sc.states:
        m = st.memberships.get(s.iso3)
        rows.append({"state": s.iso3, "name": s.name, "standing": m.standing.name if m else "outside",
                     "since": m.since.isoformat() if m else None, "iso_numeric": iso_numeric(s.cow)})
    points = map_points()
    for r in rows:
        r["on_map"] = r["iso_numeric"] in points
    # the map is fitted to every state that has been in the alliance, so that it does not jump with the date
    known = [points[r["iso_numeric"]] for r in rows if r["on_map"] and r["state"] in st.memberships]
    return {"alliance": alliance_id, "date": d.isoformat(), "members": st.members(), "states": rows,
            "fit": known}


@lru_cache(maxsize=1024)
def iso_numeric(cow: int) -> str | None:
    """The ISO 3166-1 numeric code of COW state ``cow`` (the map's country id), via its ISO3 code;
    None for a state that no longer exists (the USSR, Yugoslavia)."""
    import pycountry

    from foedus.catalogue.codes import ISO3_TO_COW
    from foedus.catalogue.loader import catalogue

    iso3 = next((k for k, v in ISO3_TO_COW.items() if v == cow), None)
    if iso3 is None:
        cat = catalogue()
        iso3 = cat.abb(cow) if cow in cat.states else None
    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return country.numeric if country else None


def bound(alliance_id: str, date: str, victim: str, aggressors: list[str] | tuple[str, ...] = (),
          crisis: str = "armed_attack", territory: str = "own", place: str | None = None,
          requested: bool = True) -> dict:
    """Who owes what to ``victim`` on ``date`` when ``aggressors`` (none, one or several) strike at
    ``place`` (a territory's code or name; default: the victim's ``territory``, own or outside): the
    casus foederis, the article, and each member's duty with the reason (``Scenario.obligations``)."""
    sc = open_alliance(alliance_id)
    ob = sc.obligations(date=date, victim=victim.upper(), aggressor=[x.upper() for x in aggressors],
                        crisis=crisis, territory=territory, requested=requested, place=place)
    out = ob.to_dict()
    names = {s.iso3: s.name for s in sc.states}
    for d in out["duties"]:
        d["name"] = names.get(d["state"], d["state"])
    return out


def places(sc: Scenario) -> list[dict]:
    """The territories of the scenario's states (``states.toml``) an attack can fall on, besides a
    victim's home territory: code, name, whose and until when."""
    return [{"code": t.code, "name": t.name, "of": s.iso3, "until": t.until.isoformat() if t.until else None}
            for s in sc.states for t in s.territories]


MAP_FILE = Path(__file__).with_name("static") / "vendor" / "countries-110m.json"


@lru_cache(maxsize=1)
def map_points() -> dict[str, tuple[float, float]]:
    """A point inside each country of the bundled map (the median of its outline's vertices), by
    ISO 3166 number: what the page fits its map to. TopoJSON arcs are delta-encoded and quantised
    (https://github.com/topojson/topojson-specification)."""
    import json
    import statistics

    topo = json.loads(MAP_FILE.read_text())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def indices(nested):
        for item in nested:
            if isinstance(item, list):
                yield from indices(item)
            else:
                yield item if item >= 0 else ~item

    out = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("id") and g.get("arcs"):
            pts = [p for i in indices(g["arcs"]) for p in arcs[i]]
            out[g["id"]] = (round(statistics.median(p[0] for p in pts), 2), round(statistics.median(p[1] for p in pts), 2))
    return out
