"""Questions asked of the whole catalogue: which alliances (``search``), what one alliance codes
(``describe``), and who was bound toward a victim in a year (``obligations_in_year``).

Every answer is plain data (dicts and lists) with the citation of the data it rests on, so the CLI
prints it as a table or as JSON and a notebook uses it as it is."""

from __future__ import annotations

import datetime as dt

from foedus.catalogue.convert import provisions, reference_date
from foedus.catalogue.loader import (
    ATOP_CITATION,
    CONDITION_LABELS,
    DATA_END,
    FIRST_YEAR,
    LAST_YEAR,
    NMC_CITATION,
    OBLIGATION_NAMES,
    STATES_CITATION,
    AtopAlliance,
    Catalogue,
    catalogue,
)
from foedus.errors import ArgumentError
from foedus.scenario.schema import Alliance, ProcedureSpell
from foedus.treaty.membership import Standing
from foedus.treaty.obligations import obligations as treaty_obligations

#: user word -> ATOP variable
OBLIGATION_CODES = {v: k for k, v in OBLIGATION_NAMES.items()}
OBLIGATION_CODES.update({"defense": "defense", "offense": "offense", "neutral": "neutral", "nonagg": "nonagg",
                         "consul": "consul", "nonaggression": "nonagg", "non_aggression": "nonagg",
                         "consultations": "consul"})

SPECLGTH = {0: "no length specified", 1: "a specified length"}
PROREN = {0: "no renewal provision", 2: "continues or renews automatically unless renounced"}
RENOUNCE = {0: "no renunciation clause outside the term", 1: "renunciation with notice"}


def _year(year: int | str | None, name: str = "--year") -> int | None:
    if year is None:
        return None
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ArgumentError(name, "a year such as 2010", year) from None
    if not (FIRST_YEAR <= y <= LAST_YEAR):
        raise ArgumentError(name, f"a year the data cover ({FIRST_YEAR}-{LAST_YEAR})", y)
    return y


def obligation_code(word: str) -> str:
    key = word.strip().lower().replace(" ", "-")
    if key not in OBLIGATION_CODES:
        raise ArgumentError("--obligation", "one of defence, offence, neutrality, non-aggression, consultation", word)
    return OBLIGATION_CODES[key]


def _year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _end(al: AtopAlliance) -> str | None:
    return al.end.isoformat() if al.end else None


def summary(cat: Catalogue, al: AtopAlliance) -> dict:
    return {
        "atopid": al.atopid, "begin": al.begin.isoformat(), "end": _end(al),
        "in_effect_2016": al.end is None,
        "obligations": [OBLIGATION_NAMES[o] for o in al.obligations()],
        "members": [cat.abb(m) for m in al.members], "size": len(al.members),
    }


def search(member: str | int | None = None, year: int | str | None = None, obligation: str | None = None,
           text: str | None = None, cat: Catalogue | None = None) -> list[dict]:
    """Alliances with ``member`` (in ``year``, if given), in force in ``year``, coding ``obligation``,
    with a member whose name contains ``text``."""
    cat = cat or catalogue()
    cc = cat.resolve_state(member, "--member") if member not in (None, "") else None
    y = _year(year)
    code = obligation_code(obligation) if obligation else None
    needle = text.strip().lower() if text else None
    out = []
    for al in sorted(cat.alliances.values(), key=lambda a: a.atopid):
        if y is not None and not al.in_force(*_year_span(y)):
            continue
        if cc is not None:
            spells = al.spells_of(cc)
            if not spells or (y is not None and not any(s.overlaps(*_year_span(y)) for s in spells)):
                continue
        if code is not None:
            rows = al.rows
            if y is not None:
                start, end = _year_span(y)
                rows = [r for r in rows if r.entry <= end and (r.exit is None or r.exit > start)]
            if cc is not None:
                rows = [r for r in rows if r.member == cc]
            if not any(code in r.obligations() for r in rows):
                continue
        if needle and not any(needle in cat.name(m).lower() for m in al.members):
            continue
        out.append(summary(cat, al))
    return out


def _label(table: dict, value) -> str:
    if value is None:
        return "not coded"
    return table.get(value, f"ATOP code {value} (see the ATOP codebook)")


def describe(atopid: int | str, cat: Catalogue | None = None) -> dict:
    """What ATOP codes for one alliance: members and their spells, obligations and conditions by
    phase, duration and renunciation rules, as coded."""
    cat = cat or catalogue()
    al = cat.alliance(atopid)
    c = al.codes
    phases = []
    for p in al.phases():
        rows = [r for r in al.rows if r.phase == p]
        first = rows[0].codes
        phases.append({
            "phase": p, "begin": min(r.entry for r in rows).isoformat(),
            "obligations": [OBLIGATION_NAMES[o] for o in sorted({o for r in rows for o in r.obligations()},
                                                                   key=list(OBLIGATION_NAMES).index)],
            "conditions": [f"{CONDITION_LABELS[k]} ({k}=1)" for k in CONDITION_LABELS
                           if any(r.codes.get(k) == 1 for r in rows)],
            "duration": {
                "speclgth": first.get("speclgth"), "speclgth_means": _label(SPECLGTH, first.get("speclgth")),
                "length_months": first.get("length"),
                "proren": first.get("proren"), "proren_means": _label(PROREN, first.get("proren")),
                "renewlgt_months": first.get("renewlgt"),
                "renounce": first.get("renounce"), "renounce_means": _label(RENOUNCE, first.get("renounce")),
            },
        })
    members = [{
        "state": cat.abb(r.member), "cow": r.member, "name": cat.name(r.member), "phase": r.phase,
        "entry": r.entry.isoformat(), "exit": r.exit.isoformat() if r.exit else None,
        "obligations": [OBLIGATION_NAMES[o] for o in r.obligations()],
        "conditions": list(r.conditions()),
    } for r in al.rows]
    threats = [int(t) for t in (c.get("statthr1"), c.get("statthr2")) if t]
    return {
        "atopid": al.atopid, "begin": al.begin.isoformat(), "end": _end(al), "in_effect_2016": al.end is None,
        "bilateral": c.get("bilat") == 1, "phases": phases,
        "obligations": [OBLIGATION_NAMES[o] for o in al.obligations()],
        "conditional": {"any": c.get("conditio"), "defence": c.get("defcon"), "offence": c.get("offcon"),
                        "neutrality": c.get("neucon"), "consultation": c.get("concon")},
        "named_threats": [{"state": cat.abb(t), "cow": t, "name": cat.name(t)} for t in threats],
        "organisation": c.get("organ1"), "asymmetric": c.get("asymm") == 1,
        "members": members,
        "spells": [{"state": cat.abb(s.member), "entry": s.entry.isoformat(),
                    "exit": s.exit.isoformat() if s.exit else None} for s in al.spells],
        "citation": ATOP_CITATION,
    }


# -- obligations across the catalogue -------------------------------------------------------------
def obligations_in_year(year: int | str, victim: str | int, aggressor: str | int | None = None,
                        obligation: str | None = None, cat: Catalogue | None = None) -> dict:
    """Every alliance in force in ``year`` in which ``victim`` is a member, each obligation type it
    codes toward the victim, and the members it binds (with the dates within the year).

    The defence obligation goes through the treaty rules (``foedus.treaty.obligations``) as mapped
    from the ATOP codes: an aggressor that is itself a member is not covered, conditions (on demand,
    a specific adversary, ...) are listed as conditions. The other types bind each member whose
    ATOP member row codes them; a non-aggression pact binds the aggressor itself, if a member."""
    cat = cat or catalogue()
    y = _year(year)
    v = cat.resolve_state(victim, "--victim")
    agg = cat.resolve_state(aggressor, "--aggressor") if aggressor not in (None, "") else None
    only = obligation_code(obligation) if obligation else None
    y0, y1 = _year_span(y)
    results = []
    for al in sorted(cat.alliances.values(), key=lambda a: a.atopid):
        if not al.in_force(y0, y1):
            continue
        vspells = [s for s in al.spells_of(v) if s.overlaps(y0, y1)]
        if not vspells:
            continue
        start = max(y0, min(s.entry for s in vspells))
        ends = [s.exit - dt.timedelta(days=1) if s.exit else y1 for s in vspells]
        stop = min(y1, max(ends))
        rows = [r for r in al.rows if r.entry <= stop and (r.exit is None or r.exit > start)]
        entry = _alliance_obligations(cat, al, y, v, agg, only, start, stop, rows)
        if entry["obligations"]:
            results.append(entry)
    return {
        "year": y, "victim": cat.abb(v), "victim_name": cat.name(v),
        "aggressor": cat.abb(agg) if agg is not None else None,
        "alliances": results, "count": len(results),
        "citation": [ATOP_CITATION, NMC_CITATION, STATES_CITATION],
    }


def _member_span(al: AtopAlliance, member: int, start: dt.date, stop: dt.date) -> tuple[dt.date, dt.date] | None:
    spans = [(max(start, s.entry), min(stop, (s.exit - dt.timedelta(days=1)) if s.exit else stop))
             for s in al.spells_of(member) if s.overlaps(start, stop)]
    spans = [sp for sp in spans if sp[0] <= sp[1]]
    if not spans:
        return None
    return min(a for a, _ in spans), max(b for _, b in spans)


def _alliance_obligations(cat, al, year, v, agg, only, start, stop, rows) -> dict:
    prov = provisions(al, year, al.end or DATA_END)
    others = sorted({r.member for r in rows if r.member != v})
    spans = {m: _member_span(al, m, start, stop) for m in others}
    others = [m for m in others if spans[m] is not None]

    def member_entry(m: int, code: str | None = None) -> dict:
        conds = sorted({k for r in rows if r.member == m for k in r.conditions()
                        if code is None or k.startswith(code[:3])}, key=list(CONDITION_LABELS).index)
        cap = cat.capability(m, year)
        a, b = spans[m]
        return {"state": cat.abb(m), "cow": m, "name": cat.name(m), "from": a.isoformat(), "to": b.isoformat(),
                "conditions": [CONDITION_LABELS[k] for k in conds],
                "contiguous": cat.contiguous(v, m, year, max_type=1) is not None,
                "milex_usd_bn": None if cap is None or cap.milex is None else round(cap.milex / 1e6, 6),
                "cinc": None if cap is None else cap.cinc}

    def coded(m: int, code: str) -> bool:
        return any(r.member == m and code in r.obligations() for r in rows)

    obligations = []
    for code in ("defense", "offense", "neutral", "nonagg", "consul"):
        if only and code != only:
            continue
        if not any(code in r.obligations() for r in rows):
            continue
        entry = {"type": OBLIGATION_NAMES[code], "atop": f"{code}=1", "bound": [], "not_bound": [],
                 "conditions": [], "reason": ""}
        if code == "defense":
            _defence(cat, al, prov, v, agg, start, others, coded, member_entry, entry)
        elif code == "nonagg":
            if agg is not None:
                if agg in others and coded(agg, code):
                    entry["bound"] = [member_entry(agg, code)]
                    entry["reason"] = f"{cat.abb(agg)} itself is bound not to attack {cat.abb(v)}"
                else:
                    entry["reason"] = f"the aggressor {cat.abb(agg)} is not a party bound by non-aggression"
            else:
                entry["bound"] = [member_entry(m, code) for m in others if coded(m, code)]
                entry["reason"] = f"members are bound not to attack {cat.abb(v)}"
        else:
            bound = [m for m in others if coded(m, code) and m != agg]
            entry["bound"] = [member_entry(m, code) for m in bound]
            entry["reason"] = {"offense": f"members promised to join {cat.abb(v)} in an offensive",
                               "neutral": f"members are bound to stay neutral in a conflict involving {cat.abb(v)}",
                               "consul": f"members are bound to consult with {cat.abb(v)} in a crisis"}[code]
            if agg is not None and agg in others:
                entry["not_bound"].append({"state": cat.abb(agg), "why": "the aggressor itself"})
        entry["bound"].sort(key=lambda b: b["state"])
        entry["conditions"] = sorted({c for b in entry["bound"] for c in b["conditions"]})
        # an obligation that binds nobody here (a non-aggression pact the aggressor is not party to)
        # is left out; a defence article that does not apply is kept, with the reason
        if entry["bound"] or (code == "defense" and entry["not_bound"]):
            obligations.append(entry)
    threats = [int(t) for t in (al.codes.get("statthr1"), al.codes.get("statthr2")) if t]
    return {
        "atopid": al.atopid, "begin": al.begin.isoformat(), "end": _end(al), "phase": prov["phase"],
        "victim_member": {"from": start.isoformat(), "to": stop.isoformat()},
        "named_threats": [cat.abb(t) for t in threats],
        "obligations": obligations,
    }


def _defence(cat, al, prov, v, agg, start, others, coded, member_entry, entry) -> None:
    """The defence obligation through the treaty rules, with standings from the ATOP spells."""
    cd = prov.get("collective_defence")
    if cd is None:  # the phase in force in the year codes none; an earlier/later one did
        entry["reason"] = "no defence obligation in the phase in force in the year"
        return
    treaty = Alliance(id=f"atop-{al.atopid}", name=f"ATOP {al.atopid}", treaty=f"ATOP {al.atopid}",
                      signed=al.begin, in_force=al.begin, founders=(cat.abb(v),), collective_defence=cd,
                      procedure=(ProcedureSpell(since=al.begin, source="foedus default"),), atop_id=al.atopid)
    standings = {cat.abb(v): Standing.active}
    for m in others:
        standings[cat.abb(m)] = Standing.active
    ob = treaty_obligations(treaty, standings, start, cat.abb(v), cat.abb(agg) if agg is not None else None)
    entry["reason"] = ob.reason
    entry["casus_foederis"] = ob.casus_foederis
    by_abb = {cat.abb(m): m for m in others}
    for d in ob.duties:
        m = by_abb[d.state]
        if d.bound and coded(m, "defense"):
            entry["bound"].append(member_entry(m, "defense"))
        elif d.bound:
            entry["not_bound"].append({"state": d.state, "why": "its ATOP member row codes no defence obligation"})
        else:
            entry["not_bound"].append({"state": d.state, "why": d.reason})
    entry["treaty_conditions"] = list(ob.conditions)
