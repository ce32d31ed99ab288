"""The CSTO check: the scenario generated from ATOP 4220 against the hand-built ``csto`` scenario,
membership compared on every date both cover (1992-05-15 to 2016-12-31).

Both records are replayed through the treaty rules; membership is piecewise constant between
events, so comparing it on every day on which either side changes is comparing it on every day.
The hand-built scenario uses ISO3 codes, the catalogue COW abbreviations (KAZ/KZK, KGZ/KYR,
TJK/TAJ, GEO/GRG). The differences, and why the data differ, are in docs/catalogue.md."""

from __future__ import annotations

import datetime as dt
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
