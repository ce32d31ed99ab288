"""Checks of the catalogue against the treaty rules. The catalogue check: every ATOP alliance
converted and replayed, counting those whose every exit has a cause the rules accept. The CSTO
check: the scenario generated from ATOP 4220 against the hand-built ``csto`` scenario,
membership compared on every date both cover (1992-05-15 to 2016-12-31).

Both records are replayed through the treaty rules; membership is piecewise constant between
events, so comparing it on every day on which either side changes is comparing it on every day.
The hand-built scenario uses ISO3 codes, the catalogue COW abbreviations (KAZ/KZK, KGZ/KYR,
TJK/TAJ, GEO/GRG). The differences, and why the data differ, are in docs/catalogue.md."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from foedus.catalogue.codes import CSTO_ISO3_TO_COW_ABB
from foedus.catalogue.convert import alliance_id, to_scenario
from foedus.catalogue.loader import DATA_END
from foedus.ledger.replay import replay
from foedus.scenario.schema import ScenarioFiles
from foedus.treaty.membership import MEMBER_STANDINGS


@dataclass(frozen=True)
class Difference:
    state: str          # COW abbreviation
    start: dt.date      # first day of the difference
    end: dt.date        # last day of the difference
    atop: bool          # a member according to the ATOP scenario
    csto: str           # standing in the hand-built scenario

    def to_dict(self) -> dict:
        return {"state": self.state, "from": self.start.isoformat(), "to": self.end.isoformat(),
                "atop_member": self.atop, "csto_standing": self.csto}


def _timelines(data: ScenarioFiles, alliance: str, as_of: dt.date, rename: dict[str, str]) -> dict[str, list]:
    rp = replay(data, as_of)
    st = rp.alliance(alliance)
    return {rename.get(s, s): list(m.history) for s, m in st.memberships.items()}


def _standing_on(history: list, d: dt.date) -> str:
    cur = "outside"
    for when, standing in history:
        if when <= d:
            cur = standing
    return cur


def membership_differences(year: int = 2010, start: dt.date = dt.date(1992, 5, 15),
                           end: dt.date = DATA_END) -> list[Difference]:
    """Days on which ATOP 4220 (as a scenario for ``year``) and the hand-built ``csto`` disagree on
    who is a member, as maximal intervals per state."""
    from foedus.api import load_scenario

    atop = _timelines(to_scenario(4220, year), alliance_id(4220), end, {})
    csto = _timelines(load_scenario("csto").data, "csto", end, CSTO_ISO3_TO_COW_ABB)
    member_names = {s.name for s in MEMBER_STANDINGS}
    days = sorted({start} | {d for h in (*atop.values(), *csto.values()) for d, _ in h if start <= d <= end})
    out: list[Difference] = []
    open_: dict[str, Difference] = {}
    for i, d in enumerate(days):
        last = (days[i + 1] - dt.timedelta(days=1)) if i + 1 < len(days) else end
        for s in sorted(set(atop) | set(csto)):
            a = _standing_on(atop.get(s, []), d) in member_names
            c = _standing_on(csto.get(s, []), d)
            prev = open_.get(s)
            if a != (c in member_names):
                if prev and prev.atop == a and prev.csto == c and prev.end + dt.timedelta(days=1) == d:
                    open_[s] = Difference(s, prev.start, last, a, c)
                else:
                    if prev:
                        out.append(prev)
                    open_[s] = Difference(s, d, last, a, c)
            elif prev:
                out.append(prev)
                del open_[s]
    out.extend(open_.values())
    return sorted(out, key=lambda x: (x.start, x.state))


@dataclass(frozen=True)
class AllianceCheck:
    """One ATOP alliance converted and replayed: ``explained`` when every exit and the end have a
    cause the rules accept; else ``reason`` says what is not explained, or why it did not replay."""

    atopid: int
    explained: bool
    exits: int              # members' exits and the alliance's end, as events
    reason: str = ""
    kinds: tuple[tuple[str, int], ...] = ()  # how they left: (kind, count)

    def to_dict(self) -> dict:
        return {"atopid": self.atopid, "explained": self.explained, "exits": self.exits, "reason": self.reason,
                "kinds": dict(self.kinds)}


_EXITS = ("exit", "denounce", "cease", "end", "withdraw", "lapse", "expel")


def check_alliance(cat, atopid: int) -> AllianceCheck:
    """Convert ATOP ``atopid`` (the provisions of its first year) and replay its whole record."""
    from foedus.catalogue.convert import DataQuirk
    from foedus.errors import FoedusError

    al = cat.alliance(atopid)
    try:
        files = to_scenario(atopid, al.begin.year, cat, crises=False)
        rp = replay(files, max([files.scenario.end, *(e.date for e in files.events)]))
    except DataQuirk as exc:
        return AllianceCheck(atopid, False, 0, f"not converted: {exc}")
    except FoedusError as exc:
        return AllianceCheck(atopid, False, 0, f"not replayed: {exc}")
    st = rp.alliance(alliance_id(atopid))
    kinds = Counter(_kind(a.event) for a in rp.events if a.event.type.value in _EXITS)
    exits = sum(kinds.values())
    kinds = tuple(sorted(kinds.items()))
    if not st.unexplained:
        return AllianceCheck(atopid, True, exits, kinds=kinds)
    why = "; ".join(f"{e.date.isoformat()} {' '.join(e.actors) or 'the alliance'}: {e.note or e.summary}"
                    for e in st.unexplained)
    return AllianceCheck(atopid, False, exits, f"not explained: {why}", kinds)


def _kind(ev) -> str:
    """How a member left (or the alliance ended), in the words of the check's table."""
    if ev.type.value == "exit":
        return f"exit ({ev.cause.value})"
    if ev.type.value == "end":
        return f"end ({ev.end_cause.value})"
    if ev.type.value == "denounce":
        return "denunciation without legal basis"
    if ev.type.value == "cease":
        return "state ceased to exist"
    return ev.type.value


def catalogue_check() -> list[AllianceCheck]:
    """Every ATOP alliance through :func:`check_alliance`, in id order."""
    from foedus.catalogue.loader import catalogue

    cat = catalogue()
    return [check_alliance(cat, a) for a in sorted(cat.alliances)]
