"""Crisis rates for a catalogue scenario from COW Militarized Interstate Disputes (MID 4.3).

DESIGN: "Rates come from the scenario; defaults can be estimated from COW MID data." For each
member of the alliance (the victim) and each state that was on the initiating side (MID Side A)
of a dispute in which the member was on the other side, over the ``WINDOW_YEARS`` years up to the
scenario's year (MID 4.3 ends in 2010), the monthly rate of such disputes, by the initiator's
highest hostility level:

- hostility 4 or 5 (use of force, war): ``armed_attack`` by a non-member, ``member_clash`` by a
  fellow member of the alliance in that year;
- hostility 2 or 3 (threat, display of force): ``threat``;
- hostility 1 (no militarized action by the initiator): not counted.

A dispute counts once per (initiator, victim, type), however many rows the pair has. Internal
unrest is not in MID; a catalogue scenario has no ``unrest`` source.
"""

from __future__ import annotations

from dataclasses import dataclass

from foedus.catalogue.loader import Catalogue

WINDOW_YEARS = 10
MID_FIRST, MID_LAST = 1816, 2010


@dataclass(frozen=True)
class CrisisRate:
    victim: int
    aggressor: int
    type: str          # armed_attack, member_clash, threat
    disputes: int
    first_year: int
    last_year: int

    @property
    def months(self) -> int:
        return 12 * (self.last_year - self.first_year + 1)

    @property
    def rate(self) -> float:
        return min(1.0, self.disputes / self.months)

    def source(self, cat: Catalogue) -> str:
        level = "threats or displays of force (hostility 2-3)" if self.type == "threat" else "uses of force (hostility 4-5)"
        return (f"COW MID 4.3: {self.disputes} dispute(s) {self.first_year}-{self.last_year} in which "
                f"{cat.abb(self.aggressor)}'s side initiated {level} against {cat.abb(self.victim)}: "
                f"{self.disputes}/{self.months} months")


def window(year: int) -> tuple[int, int]:
    last = min(max(year, MID_FIRST), MID_LAST)
    return max(MID_FIRST, last - WINDOW_YEARS + 1), last


def disputes_against(cat: Catalogue, victims: list[int], members_in_year: set[int], first: int,
                     last: int) -> dict[tuple[int, int, str], set[int]]:
    """The MID disputes begun in the years ``first``..``last`` against ``victims``, by (victim,
    initiator, crisis type): the rule of this module's docstring, once."""
    by_dispute: dict[int, list] = {}
    for p in cat.disputes:
        if first <= p.start_year <= last:
            by_dispute.setdefault(p.dispute, []).append(p)
    seen: dict[tuple[int, int, str], set[int]] = {}
    wanted = set(victims)
    for dnum, parts in by_dispute.items():
        victims_here = {p.ccode for p in parts if not p.side_a and p.ccode in wanted}
        if not victims_here:
            continue
        for a in parts:
            if not a.side_a or a.hostility < 2:
                continue
            for v in victims_here:
                if a.ccode == v:
                    continue
                if a.hostility >= 4:
                    kind = "member_clash" if a.ccode in members_in_year and v in members_in_year else "armed_attack"
                else:
                    kind = "threat"
                seen.setdefault((v, a.ccode, kind), set()).add(dnum)
    return seen


def crisis_rates(cat: Catalogue, victims: list[int], members_in_year: set[int], year: int) -> list[CrisisRate]:
    """The MID-based crisis rates against ``victims`` for the window ending at ``year``."""
    first, last = window(year)
    seen = disputes_against(cat, victims, members_in_year, first, last)
    return [CrisisRate(v, a, kind, len(ds), first, last) for (v, a, kind), ds in sorted(seen.items())]
