"""Replay: the dated record applied, event by event, through the treaty rules.

Events are processed in the order ``(date, phase, counter)`` — the way SimPy orders its queue —
so ties are broken the same way every time. Phase 0 holds what the treaty makes happen at the
start of a day (the founders' signature, entry into force, a notice that falls due), phase 1 the
recorded events in file order, phase 2 what happens at the end of a day (a renewal window
closes). An event that breaks a rule raises :class:`~foedus.errors.RuleViolation`."""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

from foedus.chronology import add_months
from foedus.errors import ArgumentError, RuleViolation
from foedus.scenario.schema import Alliance, Event, EventType, ScenarioFiles
from foedus.treaty.membership import (
    MEMBER_STANDINGS,
    RULE_NAMES,
    VOTING_STANDINGS,
    Action,
    Standing,
    awaited_ratifications,
    step,
)


@dataclass
class Membership:
    state: str
    standing: Standing
    since: dt.date
    notice_due: dt.date | None = None
    ratified_by: set[str] = field(default_factory=set)
    invited_by: set[str] = field(default_factory=set)
    history: list[tuple[dt.date, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "state": self.state, "standing": self.standing.name, "since": self.since.isoformat(),
            "notice_due": self.notice_due.isoformat() if self.notice_due else None,
            "ratified_by": sorted(self.ratified_by),
        }


@dataclass
class AllianceState:
    alliance: Alliance
    memberships: dict[str, Membership] = field(default_factory=dict)
    in_force: bool = False
    renewed: set[str] = field(default_factory=set)

    def standing(self, state: str) -> Standing:
        m = self.memberships.get(state)
        return m.standing if m else Standing.outside

    def standings(self) -> dict[str, Standing]:
        return {s: m.standing for s, m in self.memberships.items()}

    def members(self) -> list[str]:
        return sorted(s for s, m in self.memberships.items() if m.standing in MEMBER_STANDINGS)

    def with_standing(self, *standings: Standing) -> list[str]:
        return sorted(s for s, m in self.memberships.items() if m.standing in standings)


@dataclass(frozen=True)
class AppliedEvent:
    event: Event
    generated: bool  # made by the treaty rules (signature, entry into force, notice due), not recorded

    def to_dict(self) -> dict:
        d = self.event.model_dump(mode="json", exclude_none=True)
        d["generated"] = self.generated
        return d


@dataclass
class Replay:
    """The record replayed up to ``as_of``: every alliance's memberships and the events applied."""

    as_of: dt.date
    alliances: dict[str, AllianceState]
    events: list[AppliedEvent]
    states: tuple[str, ...] = ()  # the scenario's states: a standing is asked of one of them

    def __repr__(self) -> str:
        return (f"Replay(as of {self.as_of.isoformat()}: "
                + "; ".join(f"{a}: {len(st.members())} members" for a, st in self.alliances.items())
                + f"; {len(self.events)} events)")

    def _repr_html_(self) -> str:
        import html

        parts = [f"<p><b>The record as of {self.as_of.isoformat()}</b>, {len(self.events)} events</p>"]
        for a, st in self.alliances.items():
            parts.append(f"<p>{html.escape(a)}: {len(st.members())} members</p>" + self.table(a).to_html(index=False))
        return "".join(parts)

    def table(self, alliance_id: str):
        """Every state with a membership in the alliance: ``state``, ``standing``, ``since``,
        ``notice_due``, ``member`` (a DataFrame, one row per state).

        >>> import foedus
        >>> foedus.load_scenario("csto").replay(as_of="2024-03-01").table("csto").query("state == 'ARM'")["standing"].item()
        'frozen'
        """
        import pandas as pd

        st = self.alliance(alliance_id)
        rows = [{"state": s, "standing": m.standing.name, "since": m.since, "notice_due": m.notice_due,
                 "member": m.standing in MEMBER_STANDINGS} for s, m in sorted(st.memberships.items())]
        return pd.DataFrame(rows, columns=["state", "standing", "since", "notice_due", "member"])

    def events_table(self):
        """The events applied, in order: ``date``, ``type``, ``alliance``, ``actors``, ``target``,
        ``outcome``, ``summary``, ``generated`` (made by the treaty rules, not recorded)."""
        import pandas as pd

        rows = [{"date": a.event.date, "type": a.event.type.value, "alliance": a.event.alliance,
                 "actors": " ".join(a.event.actors), "target": a.event.target,
                 "outcome": a.event.outcome.value if a.event.outcome else None, "summary": a.event.summary,
                 "generated": a.generated} for a in self.events]
        return pd.DataFrame(rows, columns=["date", "type", "alliance", "actors", "target", "outcome", "summary",
                                           "generated"])

    def alliance(self, alliance_id: str) -> AllianceState:
        try:
            return self.alliances[alliance_id]
        except KeyError:
            raise ArgumentError("alliance", f"an alliance of the scenario ({', '.join(self.alliances)})",
                                alliance_id) from None

    def members(self, alliance_id: str) -> list[str]:
        return self.alliance(alliance_id).members()

    def standing(self, alliance_id: str, state: str) -> Standing:
        """The state's standing in the alliance (``outside`` for a state of the scenario that never
        joined); a code that is not a state of the scenario raises ArgumentError."""
        if self.states and state not in self.states:
            raise ArgumentError("state", f"a state of the scenario ({', '.join(self.states)})", state)
        return self.alliance(alliance_id).standing(state)

    def requests(self, alliance_id: str | None = None) -> list[Event]:
        return [a.event for a in self.events if a.event.type == EventType.request
                and (alliance_id is None or a.event.alliance == alliance_id)]


def _violation(ev: Event, rule: str, detail: str = "") -> RuleViolation:
    return RuleViolation(rule, ev.label() + (f" [{ev.alliance}]" if ev.alliance else ""), detail)


class _Machine:
    def __init__(self, data: ScenarioFiles):
        self.data = data
        self.states = {a.id: AllianceState(a) for a in data.alliances}
        self.queue: list[tuple[dt.date, int, int, Event, bool]] = []
        self.counter = 0
        self.applied: list[AppliedEvent] = []

    def push(self, ev: Event, phase: int, generated: bool) -> None:
        heapq.heappush(self.queue, (ev.date, phase, self.counter, ev, generated))
        self.counter += 1

    def schedule_treaty_dates(self) -> None:
        for a in self.data.alliances:
            src = a.sources[0] if a.sources else a.treaty
            self.push(Event(date=a.signed, type=EventType.sign, alliance=a.id, actors=a.founders,
                            summary=f"{a.treaty} signed by the founding members", source=src), 0, True)
            self.push(Event(date=a.in_force, type=EventType.in_force, alliance=a.id,
                            summary=f"{a.treaty} enters into force", source=src), 0, True)
            if a.renewal:
                for w in a.renewal.windows:
                    self.push(Event(date=w, type=EventType.renew, alliance=a.id, actors=a.founders[:1],
                                    summary="renewal window closes", source=a.renewal.source,
                                    note="__window__"), 2, True)

    # -- one event ---------------------------------------------------------------------------
    def apply(self, ev: Event, generated: bool) -> None:
        st = self.states[ev.alliance]
        a = st.alliance
        if ev.date < a.signed and ev.type not in (EventType.statement,):
            raise _violation(ev, "no treaty act before the treaty is signed", f"signed {a.signed.isoformat()}")
        t = ev.type
        if generated and t == EventType.renew and ev.note == "__window__":
            self._close_window(st, ev)
            return
        if generated and t == EventType.withdraw and self._stale(st, ev):
            return
        handler = getattr(self, f"_on_{t.value}")
        handler(st, ev)
        self.applied.append(AppliedEvent(ev, generated))

    @staticmethod
    def _stale(st: AllianceState, ev: Event) -> bool:
        """A withdrawal the rules scheduled when a notice was given, but that notice no longer runs
        to this date: it was revoked, or the member was suspended or expelled, or gave a new notice."""
        m = st.memberships.get(ev.actors[0])
        return m is None or m.standing != Standing.notice or m.notice_due != ev.date

    def _move(self, st: AllianceState, ev: Event, state: str, action: Action) -> None:
        cur = st.standing(state)
        new = step(cur, action)
        if new < 0:
            raise _violation(ev, RULE_NAMES[action], f"{state} is '{cur.name}'")
        m = st.memberships.get(state)
        if m is None:
            m = st.memberships[state] = Membership(state, Standing(new), ev.date)
        else:
            m.standing, m.since = Standing(new), ev.date
        if new != Standing.notice:
            m.notice_due = None
        m.history.append((ev.date, Standing(new).name))

    def _require_members(self, st: AllianceState, ev: Event, states, rule: str, allowed=MEMBER_STANDINGS) -> None:
        for s in states:
            if st.standing(s) not in allowed:
                raise _violation(ev, rule, f"{s} is '{st.standing(s).name}'")

    def _on_sign(self, st, ev):
        # A treaty may enter into force on the day it is signed (most ATOP alliances): the founders'
        # signature is then applied first, and any later signature is refused.
        if st.in_force or ev.date > st.alliance.in_force:
            raise _violation(ev, RULE_NAMES[Action.sign], "the treaty is already in force; use 'accede'")
        for s in ev.actors:
            self._move(st, ev, s, Action.sign)

    def _on_in_force(self, st, ev):
        st.in_force = True
        for s in st.with_standing(Standing.signatory):
            self._move(st, ev, s, Action.in_force)

    def _on_accede(self, st, ev):
        action = Action.sign if not st.in_force else Action.accede
        for s in ev.actors:
            self._move(st, ev, s, action)

    def _on_apply(self, st, ev):
        for s in ev.actors:
            self._move(st, ev, s, Action.apply)

    def _on_invite(self, st, ev):
        # The members on the day of the invitation sign the accession protocol; each must ratify it.
        for s in ev.actors:
            self._move(st, ev, s, Action.invite)
            st.memberships[s].invited_by = set(st.with_standing(*VOTING_STANDINGS))

    def _on_ratify(self, st, ev):
        target = ev.target
        if st.standing(target) != Standing.invited:
            raise _violation(ev, "ratification of an invited applicant", f"{target} is '{st.standing(target).name}'")
        self._require_members(st, ev, ev.actors, "only members ratify an accession", VOTING_STANDINGS)
        strangers = sorted(set(ev.actors) - st.memberships[target].invited_by)
        if strangers:
            raise _violation(ev, "only the members that invited an applicant ratify its accession", ", ".join(strangers))
        st.memberships[target].ratified_by.update(ev.actors)

    def _on_admit(self, st, ev):
        for s in ev.actors:
            m = st.memberships.get(s)
            if m is not None and m.standing == Standing.invited:
                # Every state that invited it and is still a member must have ratified; one that
                # has left since no longer has a say.
                missing = sorted(awaited_ratifications(m.invited_by, m.ratified_by, st.standings()))
                if missing:
                    raise _violation(ev, RULE_NAMES[Action.admit], "not yet ratified by " + ", ".join(missing))
            self._move(st, ev, s, Action.admit)

    def _on_renew(self, st, ev):
        self._require_members(st, ev, ev.actors, "only members renew the treaty")
        st.renewed.update(ev.actors)

    def _close_window(self, st: AllianceState, ev: Event) -> None:
        # A member that neither renewed nor lapsed by the window leaves by not renewing. A member
        # under notice is left to its notice: it leaves when the notice falls due, and never
        # before its full period has run.
        for s in st.members():
            if s not in st.renewed and st.standing(s) != Standing.notice:
                gen = Event(date=ev.date, type=EventType.lapse, alliance=ev.alliance, actors=(s,),
                            summary="leaves by not renewing at the renewal window", source=ev.source)
                self._move(st, gen, s, Action.lapse)
                self.applied.append(AppliedEvent(gen, True))
        st.renewed.clear()

    def _on_lapse(self, st, ev):
        r = st.alliance.renewal
        if r is None or ev.date not in r.windows:
            windows = ", ".join(w.isoformat() for w in r.windows) if r else "none"
            raise _violation(ev, RULE_NAMES[Action.lapse], f"renewal windows: {windows}")
        for s in ev.actors:
            if s in st.renewed:
                raise _violation(ev, RULE_NAMES[Action.lapse], f"{s} renewed the treaty")
            self._move(st, ev, s, Action.lapse)

    def _on_freeze(self, st, ev):
        for s in ev.actors:
            self._move(st, ev, s, Action.freeze)

    def _on_unfreeze(self, st, ev):
        for s in ev.actors:
            self._move(st, ev, s, Action.unfreeze)

    def _on_notice(self, st, ev):
        w = st.alliance.withdrawal
        if w is None:
            raise _violation(ev, "withdrawal by notice", "the treaty has no withdrawal clause")
        for s in ev.actors:
            self._move(st, ev, s, Action.notice)
            due = add_months(ev.date, w.notice_months)
            if w.earliest and due < w.earliest:
                due = w.earliest
            st.memberships[s].notice_due = due
            self.push(Event(date=due, type=EventType.withdraw, alliance=ev.alliance, actors=(s,),
                            summary=f"notice of {ev.date.isoformat()} takes effect "
                                    f"({w.notice_months} months, Art {w.article})",
                            source=w.source), 0, True)

    def _on_revoke_notice(self, st, ev):
        for s in ev.actors:
            self._move(st, ev, s, Action.revoke_notice)

    def _on_withdraw(self, st, ev):
        for s in ev.actors:
            m = st.memberships.get(s)
            if m is None or m.standing != Standing.notice:
                if m is not None and m.standing == Standing.withdrawn:
                    if any(a.event.type == EventType.withdraw and s in a.event.actors and a.event.date == ev.date
                           for a in self.applied):
                        continue  # the recorded withdrawal and the generated one coincide
                raise _violation(ev, RULE_NAMES[Action.withdraw], f"{s} is '{st.standing(s).name}', not under notice")
            if ev.date < m.notice_due:
                raise _violation(ev, RULE_NAMES[Action.withdraw], f"{s}'s notice runs until {m.notice_due.isoformat()}")
            self._move(st, ev, s, Action.withdraw)

    def _council(self, st, ev, action: Action):
        sus = st.alliance.suspension
        if sus is None:
            raise _violation(ev, RULE_NAMES[action], "the treaty provides no suspension or expulsion")
        if sus.since and ev.date < sus.since:
            raise _violation(ev, RULE_NAMES[action], f"the procedure exists from {sus.since.isoformat()}")
        for s in ev.actors:
            self._move(st, ev, s, action)

    def _on_suspend(self, st, ev):
        self._council(st, ev, Action.suspend)

    def _on_reinstate(self, st, ev):
        self._council(st, ev, Action.reinstate)

    def _on_expel(self, st, ev):
        self._council(st, ev, Action.expel)

    def _on_exit(self, st, ev):
        # ATOP dates a member's exit but not how it left (notice, non-renewal, expulsion, the end of
        # the treaty); only an alliance built from such data admits this event (docs/catalogue.md).
        if not st.alliance.coded_exits:
            raise _violation(ev, RULE_NAMES[Action.exit], "this alliance's exits follow its treaty rules "
                             "(notice, lapse, expulsion), not coded exits")
        for s in ev.actors:
            self._move(st, ev, s, Action.exit)

    def _on_rejoin(self, st, ev):
        for s in ev.actors:
            self._move(st, ev, s, Action.rejoin)

    def _on_request(self, st, ev):
        self._require_members(st, ev, ev.actors[:1], "only a member can invoke the alliance")
        self._require_members(st, ev, ev.contributors, "help comes from members")

    def _on_consultation(self, st, ev):
        self._require_members(st, ev, ev.actors, "only members request consultations")

    def _on_clash(self, st, ev):
        pass

    def _on_statement(self, st, ev):
        pass


def replay(data: ScenarioFiles, as_of: dt.date | None = None) -> Replay:
    """Apply the record up to and including ``as_of`` (default: the scenario's end)."""
    as_of = as_of or data.scenario.end
    m = _Machine(data)
    m.schedule_treaty_dates()
    for ev in data.events:
        m.push(ev, 1, False)
    while m.queue and m.queue[0][0] <= as_of:
        _, _, _, ev, generated = heapq.heappop(m.queue)
        m.apply(ev, generated)
    return Replay(as_of=as_of, alliances=m.states, events=m.applied, states=tuple(s.iso3 for s in data.states))
