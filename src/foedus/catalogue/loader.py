"""Read the bundled data sets: ATOP v4.01 (alliance and member levels), COW National Material
Capabilities v6.0, COW state system membership 2016, COW Direct Contiguity v3.2, COW Militarized
Interstate Disputes v4.3 (participant level); and, through ``Catalogue.regime``, the Polity5
regime series (``foedus.catalogue.polity``).

The files in ``catalogue/data/`` are gzip-compressed, byte-for-byte copies of the CSV files in the
project's ``shared/data/``; their rows are never edited. Every cleaning step is made here, in code,
and listed in ``CLEANING`` (and in docs/catalogue.md):

- a missing entry or exit day (ATOP codes it blank) is read as the first of the month;
- a day past the end of its month is clipped to the month's last day;
- ``-9`` (COW's "missing") in the NMC file is read as no value;
- an exit year of 0 means "still a member at the end of the data" (ATOP's convention).

Citations (``CITATIONS``) go into every scenario and every output built from these data.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import gzip
import io
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from foedus.catalogue.codes import AMBIGUOUS, ISO3_TO_COW
from foedus.errors import ArgumentError

FILES = {
    "alliances": "atop-alliance-level.csv.gz",
    "members": "atop-member-level.csv.gz",
    "capabilities": "NMC-60-abridged.csv.gz",
    "states": "states2016.csv.gz",
    "contiguity": "contdir.csv.gz",
    "disputes": "MIDB-4.3.csv.gz",
}

ATOP_CITATION = ("Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long. 2002. "
                 "Alliance Treaty Obligations and Provisions, 1815-1944. International Interactions 28: 237-260. "
                 "ATOP v4.01 (atopdata.org)")
NMC_CITATION = ("Singer, J. David, Stuart Bremer and John Stuckey. 1972. Capability Distribution, Uncertainty, "
                "and Major Power War, 1820-1965. In Bruce Russett (ed.), Peace, War, and Numbers. "
                "COW National Material Capabilities v6.0 (2021)")
STATES_CITATION = "Correlates of War Project. 2017. State System Membership List, v2016"
CONTIGUITY_CITATION = ("Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl and Charles Gochman. 2002. "
                       "The Correlates of War Project Direct Contiguity Data, Version 3. "
                       "Conflict Management and Peace Science 19(2): 58-66. COW Direct Contiguity v3.2")
MID_CITATION = ("Palmer, Glenn, et al. COW Militarized Interstate Disputes v4.3, participant level (MIDB), "
                "1816-2010 (cited as Palmer et al. 2021 in the project's data README)")
CITATIONS = (ATOP_CITATION, NMC_CITATION, STATES_CITATION, CONTIGUITY_CITATION, MID_CITATION)

#: What the loader does to the rows as read (the files themselves are untouched).
CLEANING = (
    "ATOP: a blank entry or exit day is read as the 1st of the month",
    "ATOP: a day past the end of its month is clipped to the month's last day",
    "ATOP: exit year 0 = still a member at the end of the data (2016-12-31)",
    "ATOP: a blank formorg (13 alliances) is read as no formal organisation",
    "ATOP: spells of one member in consecutive phases that meet (exit on the day of the next entry, "
    "or the day before) are one continuous membership",
    "NMC: -9 (missing) is read as no value",
)

#: The last day the bundled data cover.
DATA_END = dt.date(2016, 12, 31)
FIRST_YEAR, LAST_YEAR = 1815, 2016

OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")
#: The names a user types for each ATOP obligation.
OBLIGATION_NAMES = {"defense": "defence", "offense": "offence", "neutral": "neutrality",
                    "nonagg": "non-aggression", "consul": "consultation"}
CONDITION_LABELS = {
    "defcoadv": "defence only against a specific adversary",
    "defcoloc": "defence only for a conflict in a specific location",
    "defcocon": "defence only in a specific conflict",
    "defconum": "defence only if the attackers are of a given number",
    "defcodem": "defence only on demand (the victim asks for help)",
    "defconpr": "defence only if the ally did not provoke the attack",
    "offcoadv": "offence only against a specific adversary",
    "offcoloc": "offence only in a specific location",
    "offcocon": "offence only in a specific conflict",
    "offconum": "offence only given a number of adversaries",
    "offcodem": "offence only on demand",
    "neucoadv": "neutrality only towards a specific adversary",
    "neucoloc": "neutrality only for a conflict in a specific location",
    "neucocon": "neutrality only in a specific conflict",
    "neuconum": "neutrality only given a number of adversaries",
    "neucodem": "neutrality only on demand",
    "neuconpr": "neutrality only if the ally did not provoke the conflict",
    "neucoatt": "neutrality only if the ally is attacked",
    "concoadv": "consultation only about a specific adversary",
    "concoloc": "consultation only about a specific location",
    "concocon": "consultation only in a specific conflict",
    "concoreq": "consultation only on request",
}


def _num(text: str) -> float | None:
    text = text.strip()
    if text == "" or text == "NA":
        return None
    v = float(text)
    return int(v) if v.is_integer() else v


def _date(year, month, day) -> dt.date:
    y, m = int(year), int(month) or 1
    d = int(day) if day else 1
    d = max(1, min(d, calendar.monthrange(y, m)[1]))
    return dt.date(y, m, d)


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One row of the ATOP member level: one member in one phase of one alliance."""

    atopid: int
    member: int
    phase: int
    entry: dt.date
    exit: dt.date | None  # None: still a member at the end of the data
    codes: dict[str, float | int | None] = field(repr=False)

    def obligations(self) -> tuple[str, ...]:
        return tuple(o for o in OBLIGATIONS if self.codes.get(o) == 1)

    def conditions(self) -> tuple[str, ...]:
        return tuple(k for k in CONDITION_LABELS if self.codes.get(k) == 1)

    def covers(self, d: dt.date) -> bool:
        return self.entry <= d and (self.exit is None or d < self.exit)


@dataclass(frozen=True, slots=True)
class Spell:
    """A continuous membership of one state (phases that meet are joined)."""

    member: int
    entry: dt.date
    exit: dt.date | None

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.entry <= end and (self.exit is None or self.exit > start)

    def covers(self, d: dt.date) -> bool:
        return self.entry <= d and (self.exit is None or d < self.exit)


@dataclass(frozen=True, slots=True)
class AtopAlliance:
    """One ATOP alliance: its alliance-level codes, member rows and continuous spells."""

    atopid: int
    begin: dt.date
    end: dt.date | None  # None: in effect at the end of the data
    codes: dict[str, float | int | None] = field(repr=False)
    rows: tuple[MemberRow, ...] = field(repr=False)
    spells: tuple[Spell, ...] = field(repr=False)

    @property
    def members(self) -> tuple[int, ...]:
        return tuple(sorted({r.member for r in self.rows}))

    @property
    def listed_members(self) -> tuple[int, ...]:
        """``mem1..mem59`` of the alliance level, as listed there."""
        return tuple(int(self.codes[f"mem{i}"]) for i in range(1, 60) if self.codes.get(f"mem{i}"))

    def obligations(self) -> tuple[str, ...]:
        return tuple(o for o in OBLIGATIONS if self.codes.get(o) == 1)

    @property
    def formal_organisation(self) -> bool:
        """ATOP's ``formorg`` = 1: the treaty sets up a formal organisation (docs/catalogue.md,
        "Organisation"). A blank (13 alliances) is read as none."""
        return self.codes.get("formorg") == 1

    def in_force(self, start: dt.date, end: dt.date) -> bool:
        return self.begin <= end and (self.end is None or self.end > start)

    def phases(self) -> tuple[int, ...]:
        return tuple(sorted({r.phase for r in self.rows}))

    def phase_on(self, d: dt.date) -> int:
        """The phase in force on ``d`` (0 for an alliance without phases)."""
        current = self.rows[0].phase
        for p in self.phases():
            starts = [r.entry for r in self.rows if r.phase == p]
            if starts and min(starts) <= d:
                current = p
        return current

    def spells_of(self, member: int) -> tuple[Spell, ...]:
        return tuple(s for s in self.spells if s.member == member)


@dataclass(frozen=True, slots=True)
class CowState:
    ccode: int
    abb: str
    name: str
    spells: tuple[tuple[dt.date, dt.date], ...]  # system membership

    def in_system(self, year: int) -> bool:
        return any(a.year <= year <= b.year for a, b in self.spells)


@dataclass(frozen=True, slots=True)
class Capability:
    ccode: int
    year: int
    milex: float | None   # thousands of current US$
    milper: float | None  # thousands
    irst: float | None
    pec: float | None
    tpop: float | None
    upop: float | None
    cinc: float | None


@dataclass(frozen=True, slots=True)
class Participation:
    """One state in one militarized interstate dispute (a MIDB row)."""

    dispute: int
    ccode: int
    start_year: int
    side_a: bool      # on the side that took the first militarized action
    hostility: int    # the state's highest hostility level: 1 none ... 4 use of force, 5 war


@dataclass(frozen=True, slots=True)
class Contiguity:
    a: int
    b: int
    conttype: int  # 1 land ... 5 up to 400 miles of water
    begin: tuple[int, int]  # (year, month)
    end: tuple[int, int]

    def in_year(self, year: int) -> bool:
        return self.begin[0] <= year <= self.end[0]


def _rows(name: str) -> list[dict[str, str]]:
    raw = (resources.files("foedus.catalogue") / "data" / FILES[name]).read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _merge(rows: list[MemberRow]) -> tuple[Spell, ...]:
    out: list[Spell] = []
    by_member: dict[int, list[MemberRow]] = {}
    for r in rows:
        by_member.setdefault(r.member, []).append(r)
    for member, rs in by_member.items():
        rs = sorted(rs, key=lambda r: (r.entry, r.exit or dt.date.max))
        cur_in, cur_out = rs[0].entry, rs[0].exit
        for r in rs[1:]:
            if cur_out is None or r.entry <= cur_out + dt.timedelta(days=1):
                if cur_out is not None and (r.exit is None or r.exit > cur_out):
                    cur_out = r.exit
            else:
                out.append(Spell(member, cur_in, cur_out))
                cur_in, cur_out = r.entry, r.exit
        out.append(Spell(member, cur_in, cur_out))
    return tuple(sorted(out, key=lambda s: (s.entry, s.member)))


@dataclass(frozen=True, eq=False)
class Catalogue:
    """All the bundled data, read once (``catalogue()``)."""

    alliances: dict[int, AtopAlliance]
    states: dict[int, CowState]
    capabilities: dict[tuple[int, int], Capability]
    contiguity: tuple[Contiguity, ...]
    disputes: tuple[Participation, ...]
    counts: dict[str, int]

    # -- look-ups -------------------------------------------------------------------------
    def alliance(self, atopid: int | str) -> AtopAlliance:
        try:
            key = int(atopid)
        except (TypeError, ValueError):
            raise ArgumentError("ATOPID", "an ATOP alliance number such as 4220", atopid) from None
        if key not in self.alliances:
            raise ArgumentError("ATOPID", f"one of the {len(self.alliances)} ATOP v4.01 alliance numbers "
                                f"({min(self.alliances)}-{max(self.alliances)})", atopid)
        return self.alliances[key]

    def abb(self, ccode: int) -> str:
        s = self.states.get(ccode)
        return s.abb if s else str(ccode)

    def name(self, ccode: int) -> str:
        s = self.states.get(ccode)
        return s.name if s else f"COW {ccode} (not in the COW state list)"

    def capability(self, ccode: int, year: int) -> Capability | None:
        """NMC figures for ``year``, or for the nearest earlier year with data (then the later)."""
        c = self.capabilities.get((ccode, year))
        if c is not None:
            return c
        years = sorted(y for (cc, y) in self._years().get(ccode, ()))
        if not years:
            return None
        before = [y for y in years if y <= year]
        return self.capabilities[(ccode, before[-1] if before else years[0])]

    def regime(self, ccode: int, year: int):
        """Polity5's ``polity2`` and regime transition of the state in ``year``
        (:class:`foedus.catalogue.polity.Regime`), or None where Polity codes no such state-year
        (a state of under 500,000 people, a year before the state or after 2018)."""
        from foedus.catalogue import polity

        return polity.bundled().get((ccode, year))

    @cache  # noqa: B019 - one catalogue per process
    def milex_per_cinc(self, year: int) -> float | None:
        """Military expenditure (thousands of US$) per unit of CINC in ``year``, over the states
        whose NMC row has both: what a state's share of world capability buys that year."""
        both = [c for (_, y), c in self.capabilities.items() if y == year and c.milex is not None and c.cinc]
        cinc = sum(c.cinc for c in both)
        return sum(c.milex for c in both) / cinc if cinc > 0 else None

    @cache  # noqa: B019 - one catalogue per process
    def _years(self) -> dict[int, tuple[tuple[int, int], ...]]:
        out: dict[int, list[tuple[int, int]]] = {}
        for key in self.capabilities:
            out.setdefault(key[0], []).append(key)
        return {k: tuple(v) for k, v in out.items()}

    def contiguous(self, a: int, b: int, year: int, max_type: int = 5) -> int | None:
        """The contiguity type (1 land ... 5 water up to 400 miles) of a and b in ``year``, or None."""
        lo, hi = sorted((a, b))
        for c in self._contiguity_index().get((lo, hi), ()):
            if c.in_year(year) and c.conttype <= max_type:
                return c.conttype
        return None

    @cache  # noqa: B019
    def _contiguity_index(self) -> dict[tuple[int, int], tuple[Contiguity, ...]]:
        out: dict[tuple[int, int], list[Contiguity]] = {}
        for c in self.contiguity:
            out.setdefault(tuple(sorted((c.a, c.b))), []).append(c)
        return {k: tuple(v) for k, v in out.items()}

    def resolve_state(self, code: str | int, name: str = "state") -> int:
        """A COW number, a COW abbreviation or an ISO3 code -> the COW number."""
        text = str(code).strip().upper()
        if text.isdigit():
            cc = int(text)
            if cc in self.states or any(cc in a.members for a in self.alliances.values()):
                return cc
            raise ArgumentError(name, "a COW state number (e.g. 371 for Armenia)", code)
        if text in AMBIGUOUS:
            iso, cow = AMBIGUOUS[text]
            raise ArgumentError(name, f"an unambiguous code: {text} is {iso} and {cow}; pass the COW number", code)
        if text in ISO3_TO_COW:
            return ISO3_TO_COW[text]
        for s in self.states.values():
            if s.abb == text:
                return s.ccode
        raise ArgumentError(name, "a COW number, a COW abbreviation or an ISO3 code (e.g. 371, ARM, KZK, KAZ)", code)


@cache
def catalogue() -> Catalogue:
    """Read the bundled files (once per process)."""
    counts: dict[str, int] = {}
    arows = _rows("alliances")
    mrows = _rows("members")
    counts["alliances"], counts["members"] = len(arows), len(mrows)
    members: dict[int, list[MemberRow]] = {}
    for r in mrows:
        codes = {k: _num(v) for k, v in r.items() if k not in ("version",)}
        entry = _date(r["yrent"], r["moent"], _num(r["dayent"]))
        exit_ = None if int(r["yrexit"]) == 0 else _date(r["yrexit"], r["moexit"], _num(r["dayexit"]))
        row = MemberRow(int(r["atopid"]), int(r["member"]), int(r["phase"]), entry, exit_, codes)
        members.setdefault(row.atopid, []).append(row)
    alliances: dict[int, AtopAlliance] = {}
    for r in arows:
        codes = {k: _num(v) for k, v in r.items()}
        aid = int(r["atopid"])
        begin = _date(r["begyr"], r["begmo"], _num(r["begday"]))
        end = None if int(r["endyr"]) == 0 else _date(r["endyr"], r["endmo"], _num(r["endday"]))
        rows = tuple(sorted(members.get(aid, ()), key=lambda m: (m.phase, m.entry, m.member)))
        alliances[aid] = AtopAlliance(aid, begin, end, codes, rows, _merge(list(rows)))
    srows = _rows("states")
    counts["states"] = len(srows)
    spells: dict[int, list] = {}
    names: dict[int, tuple[str, str]] = {}
    for r in srows:
        cc = int(r["ccode"])
        names[cc] = (r["stateabb"], r["statenme"])
        spells.setdefault(cc, []).append((_date(r["styear"], r["stmonth"], r["stday"]),
                                          _date(r["endyear"], r["endmonth"], r["endday"])))
    states = {cc: CowState(cc, names[cc][0], names[cc][1], tuple(sorted(sp))) for cc, sp in spells.items()}
    crows = _rows("capabilities")
    counts["capabilities"] = len(crows)

    def val(x: str) -> float | None:
        v = _num(x)
        return None if v is None or v == -9 else v

    caps = {}
    for r in crows:
        c = Capability(int(r["ccode"]), int(r["year"]), val(r["milex"]), val(r["milper"]), val(r["irst"]),
                       val(r["pec"]), val(r["tpop"]), val(r["upop"]), val(r["cinc"]))
        caps[(c.ccode, c.year)] = c
    drows = _rows("contiguity")
    counts["contiguity"] = len(drows)
    cont = tuple(Contiguity(int(r["statelno"]), int(r["statehno"]), int(r["conttype"]),
                            (int(r["begin"]) // 100, int(r["begin"]) % 100), (int(r["end"]) // 100, int(r["end"]) % 100))
                 for r in drows)
    prows = _rows("disputes")
    counts["disputes"] = len(prows)
    disputes = tuple(Participation(int(r["dispnum3"]), int(r["ccode"]), int(r["styear"]), r["sidea"] == "1",
                                   int(r["hostlev"])) for r in prows)
    return Catalogue(alliances, states, caps, cont, disputes, counts)
