"""An ATOP alliance as a scenario in the project's own format (docs/catalogue.md has the mapping,
code by code).

``to_scenario(atopid, year)`` builds the scenario in memory (validated, frozen objects);
``write_scenario(files, folder)`` writes it as TOML. The treaty's provisions are those of the ATOP
phase in force in ``year``; capabilities are the COW NMC figures for ``year``; the members'
entries and exits, from the ATOP member level, are the record; each state's regime is its Polity5
``polity2`` as known on the scenario's date, banded (``catalogue.polity.regime_on``). Each exit is an event with its
cause, read from ATOP's termination codes (``catalogue/exits.py``); the members still in when the
alliance ends leave by its ``end``. foedus does not invent a notice for an exit: one made by the
treaty's procedure is an ``exit`` whose way out the replay checks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import tomli_w

from foedus.catalogue import polity
from foedus.catalogue.crises import crisis_rates
from foedus.catalogue.exits import alliance_end, codes_at_end, member_exit
from foedus.catalogue.crises import window as mid_window
from foedus.catalogue.loader import (
    ATOP_CITATION,
    MID_CITATION,
    CONDITION_LABELS,
    DATA_END,
    FIRST_YEAR,
    LAST_YEAR,
    NMC_CITATION,
    OBLIGATION_NAMES,
    STATES_CITATION,
    AtopAlliance,
    Catalogue,
    MemberRow,
    catalogue,
)
from foedus.chronology import add_months
from foedus.errors import ArgumentError, FoedusError
from foedus.output import check_path, new_folder, write_file
from foedus.scenario.loader import check_references
from foedus.scenario.schema import (
    Alliance,
    Behaviour,
    Capability,
    CollectiveDefence,
    Consultation,
    CrisisSource,
    CrisisType,
    Event,
    EventType,
    Organisation,
    ProcedureSpell,
    ScenarioFiles,
    ScenarioMeta,
    State,
    Term,
    Withdrawal,
)
from foedus.treaty.term import term_ends

#: The regime of a state whose Polity5 score is not known at the scenario's date (docs/catalogue.md).
DEFAULT_REGIME = polity.UNKNOWN_REGIME
#: ATOP codes that a treaty may be renounced with notice, not how long the notice is.
DEFAULT_NOTICE_MONTHS = 12
ATOP_SHORT = "ATOP v4.01 (Leeds et al. 2002; atopdata.org)"


#: The alliances that do not convert, and why (the table in docs/catalogue.md, "Data quirks").
QUIRKS: dict[int, str] = {
    1320: "France-Annam, 1874-1883: ATOP codes Annam as 8152, which is not a COW state number (1-999) "
          "and has no COW abbreviation; the scenario format needs both",
}


class DataQuirk(FoedusError):
    """An ATOP alliance that cannot be expressed in the scenario format as its rows stand
    (docs/catalogue.md, "Data quirks"). Exit code 1: the data, not the user, are at fault."""


def alliance_id(atopid: int) -> str:
    return f"atop-{atopid}"


def _months(v) -> int:
    return int(v) if v else 0


def reference_date(al: AtopAlliance, year: int) -> dt.date:
    """The day in ``year`` whose phase gives the provisions: 1 July, kept inside the alliance's life."""
    d = dt.date(year, 7, 1)
    last = (al.end - dt.timedelta(days=1)) if al.end and al.end > al.begin else (al.end or DATA_END)
    return min(max(d, al.begin), last)


def check_year(al: AtopAlliance, year: int) -> None:
    if not (FIRST_YEAR <= year <= LAST_YEAR):
        raise ArgumentError("--year", f"a year the data cover ({FIRST_YEAR}-{LAST_YEAR})", year)
    last = (al.end or DATA_END).year
    if not (al.begin.year <= year <= last):
        raise ArgumentError("--year", f"a year ATOP {al.atopid} is in force ({al.begin.year}-"
                            f"{al.end.year if al.end else 'still in force in 2016'})", year)


def phase_rows(al: AtopAlliance, d: dt.date) -> tuple[MemberRow, ...]:
    phase = al.phase_on(d)
    return tuple(r for r in al.rows if r.phase == phase)


def _phase_conditions(rows) -> list[str]:
    keys = sorted({k for r in rows for k in r.conditions()}, key=list(CONDITION_LABELS).index)
    return [f"{CONDITION_LABELS[k]} (ATOP {k}=1)" for k in keys]


def named_threats(al: AtopAlliance, cat: Catalogue) -> list[int]:
    """The non-members the alliance names as threats (ATOP ``statthr1``, ``statthr2``), COW states."""
    threats = [int(t) for t in (al.codes.get("statthr1"), al.codes.get("statthr2"))
               if t and int(t) not in al.members and int(t) in cat.states]
    return list(dict.fromkeys(threats))


def provisions(al: AtopAlliance, year: int, end: dt.date, cat: Catalogue | None = None) -> dict:
    """The treaty provisions of the phase in force in ``year``, mapped from ATOP codes."""
    rows = phase_rows(al, reference_date(al, year))
    first = rows[0].codes
    obligations = sorted({o for r in rows for o in r.obligations()}, key=list(OBLIGATION_NAMES).index)
    conditions = _phase_conditions(rows)
    src = f"{ATOP_SHORT}, alliance {al.atopid}, phase {rows[0].phase}"
    out: dict = {"obligations": obligations, "conditions": conditions, "phase": rows[0].phase}
    if "defense" in obligations:
        bits = []
        defence_conditions = [c for c in conditions if c.startswith("defence")]
        if defence_conditions:
            bits.append("conditions as coded: " + "; ".join(defence_conditions))
        if "offense" in obligations:
            bits.append("also an offensive obligation (ATOP offense=1), not represented by the treaty rules")
        asym = [r for r in rows if "defense" not in r.obligations()]
        if asym:
            name = cat.abb if cat is not None else str
            bits.append("asymmetric: no defence obligation for " + ", ".join(sorted({name(r.member) for r in asym})))
        demand = any(r.codes.get("defcodem") == 1 for r in rows)
        named = [] if cat is None or not any(r.codes.get("defcoadv") == 1 for r in rows) else named_threats(al, cat)
        out["collective_defence"] = CollectiveDefence(
            article="defence (ATOP defense=1)", crisis_types=(CrisisType.armed_attack,),
            member_aggressor_covered=False, territory="members", adversaries=tuple(cat.abb(t) for t in named),
            request_required_since=al.begin if demand else None, source=src,
            note="; ".join(b for b in bits if b) or None)
    if "consul" in obligations:
        out["consultations"] = (Consultation(article="consultation (ATOP consul=1)", source=src),)
    speclgth, length = first.get("speclgth"), _months(first.get("length"))
    renounce, proren, renewlgt = first.get("renounce"), first.get("proren"), _months(first.get("renewlgt"))
    if renounce == 1:
        out["withdrawal"] = Withdrawal(
            article="renunciation (ATOP renounce=1)", notice_months=DEFAULT_NOTICE_MONTHS,
            source=f"{src}: renunciation with notice; the notice period is not coded "
                   f"(foedus default {DEFAULT_NOTICE_MONTHS} months)")
    elif speclgth == 1 and length > 0 and proren == 2 and renewlgt == 0:
        out["withdrawal"] = Withdrawal(
            article="after the initial term (ATOP speclgth=1, proren=2, renewlgt=0)",
            notice_months=DEFAULT_NOTICE_MONTHS, earliest=add_months(al.begin, length),
            source=f"{src}: the treaty continues after its {length}-month term and a member may then leave; "
                   f"the notice period is not coded (foedus default {DEFAULT_NOTICE_MONTHS} months)")
    if speclgth == 1 and length > 0 and (proren == 1 or (proren == 2 and renewlgt > 0)):
        kind = "tacit" if proren == 2 else "opt_in"
        out["term"] = Term(
            article=f"term of {length} months (ATOP speclgth=1, length={length}, proren={proren}, renewlgt={renewlgt})",
            months=length, renewal=kind, renewal_months=renewlgt or length, denounce_months=0,
            source=f"{src}: " + ("renews automatically unless a party gives notice; the notice period is not coded"
                                 if kind == "tacit" else "renewal by a new agreement of the parties at the end of each term"
                                 + ("" if renewlgt else f" (renewal length not coded: foedus repeats the {length}-month term)")))
    out["codes"] = {k: first.get(k) for k in ("speclgth", "length", "renounce", "proren", "renewlgt")}
    return out


def patron(cat: Catalogue, members: list[int], year: int) -> int | None:
    """The member with the largest share of world capability (COW CINC) in ``year``."""
    best, best_cinc = None, -1.0
    for m in members:
        c = cat.capability(m, year)
        if c is not None and c.cinc is not None and c.cinc > best_cinc:
            best, best_cinc = m, c.cinc
    return best


def scenario_date(al: AtopAlliance, year: int) -> dt.date:
    """The date the scenario of ``year`` starts from: 1 January, or the alliance's first day in its
    first year. Its states' regimes are those known on it."""
    return max(al.begin, dt.date(year, 1, 1))


def _state(cat: Catalogue, ccode: int, year: int, on: dt.date, note: str | None = None) -> State:
    cap = cat.capability(ccode, year)
    capability = None
    if cap is not None:
        src = f"COW NMC v6.0, {cap.year}"
        if cap.year != year:
            src += f" (nearest year with data; none for {year})"
        milex = cap.milex
        ratio = cat.milex_per_cinc(cap.year) if milex is None and cap.cinc else None
        if ratio is not None:   # NMC has no expenditure: the state's CINC share at that year's price (else no capacity)
            milex = cap.cinc * ratio
            src += (f"; military expenditure missing in NMC, estimated from its CINC {cap.cinc:.6g} times the "
                    f"{cap.year} expenditure per unit of CINC of the states NMC gives both")
        capability = Capability(year=cap.year, personnel_k=cap.milper, source=src,
                                milex_usd_bn=None if milex is None else round(milex / 1e6, 6))
    regime = polity.regime_on(ccode, on)
    notes = [regime.note()]
    if note:
        notes.insert(0, note)
    return State(iso3=cat.abb(ccode), cow=ccode, name=cat.name(ccode), regime=regime.regime,
                 capability=capability, note="; ".join(notes))


def _events(cat: Catalogue, al: AtopAlliance, alliance: Alliance, end: dt.date) -> list[Event]:
    # (date, order, actors, event): entries, then exits, then renewals and statements, then the end.
    aid = alliance.id
    items: list[tuple[dt.date, int, str, Event]] = []
    src = f"{ATOP_SHORT}, alliance {al.atopid}, member level"
    seen: set[int] = set()
    founders = {s.member for s in al.spells if s.entry == al.begin}
    firsts = {}
    for s in al.spells:
        firsts.setdefault(s.member, s.entry)
    for s in al.spells:
        abb = cat.abb(s.member)
        first = s.member not in seen
        seen.add(s.member)
        if not (first and s.member in founders and s.entry == al.begin):
            kind = EventType.accede if first else EventType.rejoin
            verb = "joins" if first else "returns to"
            items.append((s.entry, 0, abb, Event(date=s.entry, type=kind, alliance=aid, actors=(abb,),
                                                 summary=f"{cat.name(s.member)} {verb} the alliance (ATOP entry date)",
                                                 source=src)))
        if s.exit is None or s.exit > end or s.exit == al.end:   # the members still in leave by the end
            continue
        row = max((r for r in al.rows if r.member == s.member and r.exit == s.exit), key=lambda r: r.phase)
        codes = (row.codes.get("termmode"), row.codes.get("termcaus"))
        successors = tuple(sorted(cat.abb(m) for m, e in firsts.items() if e == s.exit and m != s.member))
        items.append((s.exit, 1, abb, member_exit(alliance, abb, cat.name(s.member), s.exit, *codes, successors, src)))
    if alliance.term is not None and alliance.term.renewal == "opt_in":
        for w in term_ends(alliance, end):
            stay = sorted(cat.abb(s.member) for s in al.spells if s.entry <= w and (s.exit is None or s.exit > w))
            if stay and (al.end is None or w < al.end):
                items.append((w, 2, "", Event(
                    date=w, type=EventType.renew, alliance=aid, actors=tuple(stay),
                    summary="the members still in after the end of the term renew (inferred from the ATOP spells)",
                    source=alliance.term.source)))
    for p in al.phases()[1:]:
        rows = [r for r in al.rows if r.phase == p]
        start = min(r.entry for r in rows)
        actors = sorted({cat.abb(r.member) for r in rows if r.entry == start})
        if start <= end:
            obl = ", ".join(OBLIGATION_NAMES[o] for o in sorted({o for r in rows for o in r.obligations()},
                                                                key=list(OBLIGATION_NAMES).index)) or "none"
            items.append((start, 3, "", Event(date=start, type=EventType.statement, alliance=aid, actors=tuple(actors),
                                              summary=f"ATOP phase {p} begins (obligations: {obl})",
                                              source=f"{ATOP_SHORT}, alliance {al.atopid}, phase {p}")))
    at_end = codes_at_end(al)
    if at_end:
        items.append((al.end, 4, "", alliance_end(alliance, al.end, at_end, f"{ATOP_SHORT}, alliance {al.atopid}")))
    items.sort(key=lambda t: (t[0], t[1], t[2]))
    return [e for *_, e in items]


def organisation(al: AtopAlliance) -> Organisation | None:
    """The alliance's standing organisation where ATOP codes one (``formorg``), from its first day:
    ATOP codes the alliance, not the day its bodies were set up."""
    if not al.formal_organisation:
        return None
    return Organisation(since=al.begin, source=f"{ATOP_SHORT}, alliance {al.atopid}: formorg = 1 (a formal organisation)",
                        note="dated from the alliance's first day: ATOP does not date the organisation")


def to_scenario(atopid: int | str, year: int, cat: Catalogue | None = None, crises: bool = True) -> ScenarioFiles:
    """ATOP alliance ``atopid`` as a scenario: treaty provisions of the phase in force in ``year``,
    capabilities for ``year``, the members' entries and exits as the record, and (``crises``)
    crisis rates from COW MID 4.3 for the ten years up to ``year`` (``behaviour.toml``)."""
    cat = cat or catalogue()
    al = cat.alliance(atopid)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ArgumentError("--year", "a year such as 2010", year) from None
    check_year(al, year)
    unknown = [m for m in al.members if m not in cat.states or not (1 <= m <= 999)]
    if unknown:
        raise DataQuirk(f"ATOP {al.atopid}: member code(s) {', '.join(map(str, unknown))} are not COW states "
                        "(the scenario format needs a COW number 1-999 and an abbreviation); see docs/catalogue.md")
    aid = alliance_id(al.atopid)
    end = al.end or DATA_END
    prov = provisions(al, year, end, cat)
    ref = reference_date(al, year)
    in_year = sorted({s.member for s in al.spells if s.overlaps(dt.date(year, 1, 1), dt.date(year, 12, 31))})
    pat = patron(cat, in_year or list(al.members), year)
    founders = tuple(cat.abb(m) for m in sorted({s.member for s in al.spells if s.entry == al.begin}))
    threats = named_threats(al, cat)
    on = scenario_date(al, year)
    states = [_state(cat, m, year, on) for m in al.members]
    states += [_state(cat, t, year, on, "not a member: a state the treaty names as a threat (ATOP statthr)")
               for t in dict.fromkeys(threats)]
    sources: list[CrisisSource] = []
    if crises:
        rates = [r for r in crisis_rates(cat, list(al.members), set(in_year), year)
                 if r.aggressor in cat.states and 1 <= r.aggressor <= 999]
        first, last = mid_window(year)
        known = set(al.members) | set(threats)
        for a in dict.fromkeys(r.aggressor for r in rates):
            if a not in known:
                states.append(_state(cat, a, year, on, f"not a member: an initiator of disputes against a member "
                                                   f"in COW MID 4.3, {first}-{last}"))
        sources = [CrisisSource(victim=cat.abb(r.victim), type=CrisisType(r.type), aggressor=cat.abb(r.aggressor),
                                rate=round(r.rate, 6), source=r.source(cat),
                                known=dt.date(last, 12, 31)) for r in rates]
    obl = ", ".join(OBLIGATION_NAMES[o] for o in prov["obligations"]) or "none coded"
    names = ", ".join(cat.name(m) for m in al.members[:6]) + (f" and {len(al.members) - 6} more" if len(al.members) > 6 else "")
    alliance = Alliance(
        id=aid, name=f"ATOP alliance {al.atopid} (provisions of ATOP phase {prov['phase']}, in force in {year})",
        treaty=f"ATOP alliance {al.atopid}",
        signed=al.begin, in_force=al.begin, patron=cat.abb(pat) if pat else None, founders=founders,
        collective_defence=prov.get("collective_defence"), consultations=prov.get("consultations", ()),
        procedure=(ProcedureSpell(since=al.begin, rule="consensus", abstention=False,
                                  source="foedus default: ATOP does not code how the allies decide"),),
        withdrawal=prov.get("withdrawal"), term=prov.get("term"), atop_id=al.atopid, organisation=organisation(al),
        sources=(f"{ATOP_SHORT}, alliance {al.atopid}",))
    meta = ScenarioMeta(
        name=f"atop-{al.atopid}-{year}",
        title=f"ATOP alliance {al.atopid} ({al.begin.year}-{al.end.year if al.end else ''}): {names}",
        description=(f"Generated by `foedus catalogue scenario {al.atopid} --year {year}` from ATOP v4.01 and COW data. "
                     f"Provisions of ATOP phase {prov['phase']} (in force on {ref.isoformat()}): obligations {obl}"
                     + (f"; conditions: {'; '.join(prov['conditions'])}" if prov["conditions"] else "")
                     + f". Capabilities: COW NMC v6.0 for {year}. Patron: the member with the largest CINC in {year}. "
                       f"Regimes: Polity5 polity2 as known on {on.isoformat()}, banded (docs/catalogue.md). "
                       "The decision rule is a foedus default."
                     + (f" Crisis rates: COW MID 4.3, {mid_window(year)[0]}-{mid_window(year)[1]}." if crises else "")),
        start=al.begin, end=end, focus=aid,
        sources=(f"ATOP v4.01 alliance {al.atopid} (atopdata.org)",),
        data_citations=(ATOP_CITATION, NMC_CITATION, STATES_CITATION, polity.CITATION) + ((MID_CITATION,) if sources else ()))
    events = _events(cat, al, alliance, end)
    files = ScenarioFiles(scenario=meta, states=tuple(states), alliances=(alliance,), events=tuple(events),
                          behaviour=Behaviour(crisis=tuple(sources)))
    check_references(Path(meta.name), files)
    return files


# -- writing --------------------------------------------------------------------------------------
HEADER = ("# Generated by foedus from public data; do not edit by hand, regenerate instead.\n"
          "# Data: ATOP v4.01 (Leeds, Ritter, Mitchell & Long 2002, International Interactions 28; atopdata.org);\n"
          "# COW National Material Capabilities v6.0 (Singer, Bremer & Stuckey 1972); COW State System 2016;\n"
          "# crisis rates (behaviour.toml): COW Militarized Interstate Disputes 4.3 (Palmer et al.);\n"
          "# regimes: Polity5 p5v2018 (Marshall & Gurr 2020; systemicpeace.org).\n"
          "# The mapping from ATOP codes to treaty rules: docs/catalogue.md.\n")


def _dump(obj) -> dict:
    return obj.model_dump(mode="python", exclude_none=True, exclude_defaults=False)


def write_scenario(files: ScenarioFiles, folder: str | Path, overwrite: bool = False) -> Path:
    """Write the scenario as TOML files in ``folder`` (created; refused if it holds a scenario,
    unless ``overwrite``)."""
    folder = check_path(folder)
    if not overwrite or not (folder / "scenario.toml").is_file():
        new_folder(folder, {"scenario.toml": "--force replaces the scenario written there"})
    docs = {
        "scenario.toml": {"scenario": _dump(files.scenario)},
        "states.toml": {"state": [_dump(s) for s in files.states]},
        "alliances.toml": {"alliance": [_dump(a) for a in files.alliances]},
        "record.toml": {"event": [_dump(e) for e in files.events]},
    }
    if files.behaviour.crisis:
        docs["behaviour.toml"] = {"crisis": [_dump(c) for c in files.behaviour.crisis]}
    for name, doc in docs.items():
        write_file(folder / name, (HEADER + "\n" + tomli_w.dumps(doc)).encode("utf-8"))
    return folder
