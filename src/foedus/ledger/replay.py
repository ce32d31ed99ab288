"""Replay: the dated record applied, event by event, through the treaty rules.

Events are processed in the order ``(date, phase, counter)`` — the way SimPy orders its queue —
so ties are broken the same way every time. Phase 0 holds what the treaty makes happen at the
start of a day (the founders' signature, entry into force, a notice that falls due, expiry at the
end of a fixed term), phase 1 the end of a term that renews tacitly (the treaty ends if fewer
than two parties stay), phase 2 the recorded events in file order, phase 3 what happens at the
end of a day (a renewal window closes). An event that breaks a rule raises
:class:`~foedus.errors.RuleViolation`; a way out that the treaty does not provide (a denunciation
without legal basis, an exit whose cause the source does not give) is recorded with what the
rules say of it, not refused."""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

from foedus.chronology import add_months
from foedus.errors import ArgumentError, RuleViolation
from foedus.scenario.schema import Alliance, EndCause, Event, EventType, ExitCause, ScenarioFiles
from foedus.treaty.membership import (
    MEMBER_STANDINGS,
    RULE_NAMES,
    VOTING_STANDINGS,
    Action,
    Standing,
    awaited_ratifications,
    step,
)
from foedus.treaty.obligations import TreatyStatus
from foedus.treaty.term import renewal_windows, tacit_notice_due, term_ends, way_out


@dataclass
class Membership:
    state: str
    standing: Standing
    since: dt.date
    notice_due: dt.date | None = None
    ratified_by: set[str] = field(default_factory=set)
    invited_by: set[str] = field(default_factory=set)
    history: list[tuple[dt.date, str]] = field(default_factory=list)
    exit_cause: str | None = None           # why it left, in words (the last exit)
    bodies_left: dict[str, dt.date] = field(default_factory=dict)  # bodies it stays away from, since
    claims: list[str] = field(default_factory=list)  # denunciations that did not take effect

    def to_dict(self) -> dict:
        """The membership as plain data (dates in ISO form), as ``foedus replay --json`` writes it.

        >>> import foedus
        >>> st = foedus.load_scenario("csto").replay(as_of="2024-03-01").alliance("csto")
        >>> {k: v for k, v in st.memberships["ARM"].to_dict().items() if k in ("standing", "since")}
        {'standing': 'frozen', 'since': '2024-02-22'}
        """
        return {
            "state": self.state, "standing": self.standing.name, "since": self.since.isoformat(),
            "notice_due": self.notice_due.isoformat() if self.notice_due else None,
            "ratified_by": sorted(self.ratified_by), "exit_cause": self.exit_cause,
            "bodies_left": {b: d.isoformat() for b, d in sorted(self.bodies_left.items())},
            "claims": list(self.claims),
        }


@dataclass
class AllianceState:
    alliance: Alliance
    memberships: dict[str, Membership] = field(default_factory=dict)
    in_force: bool = False
    renewed: set[str] = field(default_factory=set)
    ended: dt.date | None = None
    end_cause: EndCause | None = None
    end_reason: str = ""
    organisation_dissolved: dt.date | None = None
    #: (party, party owed) -> (since, why): obligations suspended towards one party (ANZUS, 1986)
    suspended_towards: dict[tuple[str, str], tuple[dt.date, str]] = field(default_factory=dict)
    roles: dict[str, tuple[str, dt.date]] = field(default_factory=dict)  # associate / observer, since
    unexplained: list[Event] = field(default_factory=list)  # exits the rules cannot explain

    def status(self) -> TreatyStatus:
        """What obligations need beyond the standings: the treaty's end, participation in the
        organisation's bodies, suspensions towards one party.

        >>> import foedus
        >>> status = foedus.load_scenario("sino-soviet").full_replay.alliance("sino-soviet").status()
        >>> status.ended.isoformat(), status.end_cause
        ('1980-04-11', 'expiry')
        """
        return TreatyStatus(
            ended=self.ended, end_cause=self.end_cause.value if self.end_cause else None, end_reason=self.end_reason,
            bodies_left={s: dict(m.bodies_left) for s, m in self.memberships.items() if m.bodies_left},
            suspended_towards=dict(self.suspended_towards), roles=dict(self.roles))

    def standing(self, state: str) -> Standing:
        """The state's standing (``outside`` for a state that never had a membership).

        >>> import foedus
        >>> st = foedus.load_scenario("csto").replay(as_of="2024-03-01").alliance("csto")
        >>> st.standing("ARM").name, st.standing("UKR").name
        ('frozen', 'outside')
        """
        m = self.memberships.get(state)
        return m.standing if m else Standing.outside

    def standings(self) -> dict[str, Standing]:
        """Every state with a membership, by ISO3 code, and its standing.

        >>> import foedus
        >>> foedus.load_scenario("csto").replay(as_of="2024-03-01").alliance("csto").standings()["UZB"].name
        'suspended'
        """
        return {s: m.standing for s, m in self.memberships.items()}

    def members(self) -> list[str]:
        """The members (frozen ones included), by ISO3 code, sorted.

        >>> import foedus
        >>> foedus.load_scenario("csto").replay(as_of="2024-03-01").alliance("csto").members()
        ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
        """
        return sorted(s for s, m in self.memberships.items() if m.standing in MEMBER_STANDINGS)

    def with_standing(self, *standings: Standing) -> list[str]:
        """The states in any of these standings, sorted.

        >>> import foedus
        >>> from foedus.treaty.membership import Standing
        >>> st = foedus.load_scenario("csto").replay(as_of="2024-03-01").alliance("csto")
        >>> st.with_standing(Standing.frozen, Standing.suspended)
        ['ARM', 'UZB']
        """
        return sorted(s for s, m in self.memberships.items() if m.standing in standings)


@dataclass(frozen=True)
class AppliedEvent:
    event: Event
    generated: bool  # made by the treaty rules (signature, entry into force, notice due), not recorded
    ruling: str = ""  # what the rules say of it, where they do not simply allow it

    def to_dict(self) -> dict:
        """The event as plain data, with ``generated`` (and the rules' ``ruling`` where they made one).

        >>> import foedus
        >>> last = foedus.load_scenario("csto").replay(as_of="2024-03-01").events[-1].to_dict()
        >>> last["date"], last["type"], last["actors"], last["generated"]
        ('2024-02-22', 'freeze', ['ARM'], False)
        """
        d = self.event.model_dump(mode="json", exclude_none=True)
        if d.get("in_effect", False):  # the new fields only where they say something
            del d["in_effect"]
        if not d.get("successors"):
            d.pop("successors", None)
        d["generated"] = self.generated
        if self.ruling:
            d["ruling"] = self.ruling
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
        ``outcome``, ``summary``, ``generated`` (made by the treaty rules, not recorded).

        >>> import foedus
        >>> events = foedus.load_scenario("csto").replay(as_of="2024-03-01").events_table()
        >>> first = events.iloc[0]
        >>> first["date"].isoformat(), first["type"], first["actors"], bool(first["generated"])
        ('1992-05-15', 'sign', 'ARM KAZ KGZ RUS TJK UZB', True)
        """
        import pandas as pd

        rows = [{"date": a.event.date, "type": a.event.type.value, "alliance": a.event.alliance,
                 "actors": " ".join(a.event.actors), "target": a.event.target,
                 "outcome": a.event.outcome.value if a.event.outcome else None, "summary": a.event.summary,
                 "generated": a.generated} for a in self.events]
        return pd.DataFrame(rows, columns=["date", "type", "alliance", "actors", "target", "outcome", "summary",
                                           "generated"])

    def alliance(self, alliance_id: str) -> AllianceState:
        """The alliance's state on the replay's date (its memberships); an id that is not an alliance
        of the scenario raises ArgumentError.

        >>> import foedus
        >>> st = foedus.load_scenario("csto").replay(as_of="2024-03-01").alliance("csto")
        >>> st.memberships["ARM"].since.isoformat()
        '2024-02-22'
        """
        try:
            return self.alliances[alliance_id]
        except KeyError:
            raise ArgumentError("alliance", f"an alliance of the scenario ({', '.join(self.alliances)})",
                                alliance_id) from None

    def members(self, alliance_id: str) -> list[str]:
        """The alliance's members on the replay's date (frozen ones included), by ISO3 code, sorted.

        >>> import foedus
        >>> members = foedus.load_scenario("nato").replay(as_of="2024-03-07").members("nato")
        >>> len(members), "SWE" in members, members[:3]
        (32, True, ['ALB', 'BEL', 'BGR'])
        """
        return self.alliance(alliance_id).members()

    def standing(self, alliance_id: str, state: str) -> Standing:
        """The state's standing in the alliance (``outside`` for a state of the scenario that never
        joined); a code that is not a state of the scenario raises ArgumentError.

        >>> import foedus
        >>> rp = foedus.load_scenario("csto").replay(as_of="2024-03-01")
        >>> rp.standing("csto", "UZB").name, rp.standing("csto", "AZE").name
        ('suspended', 'withdrawn')
        """
        if self.states and state not in self.states:
            raise ArgumentError("state", f"a state of the scenario ({', '.join(self.states)})", state)
        return self.alliance(alliance_id).standing(state)

    def requests(self, alliance_id: str | None = None) -> list[Event]:
        """The requests for help applied up to the replay's date (of one alliance, or of all).

        >>> import foedus
        >>> [(e.date.isoformat(), e.actors) for e in foedus.load_scenario("csto").replay().requests("csto")]
        [('2010-06-12', ('KGZ',)), ('2022-01-05', ('KAZ',)), ('2022-09-13', ('ARM',))]
        """
        return [a.event for a in self.events if a.event.type == EventType.request
                and (alliance_id is None or a.event.alliance == alliance_id)]


#: The cause of an exit, in words, for the treaty's own ways out.
_EXIT_WORDS = {
    Action.withdraw: "withdrew by notice under the treaty",
    Action.lapse: "left by not renewing at a renewal window",
    Action.expel: "expelled by the council",
}


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

    def schedule_treaty_dates(self, horizon: dt.date) -> None:
        for a in self.data.alliances:
            src = a.sources[0] if a.sources else a.treaty
            self.push(Event(date=a.signed, type=EventType.sign, alliance=a.id, actors=a.founders,
                            summary=f"{a.treaty} signed by the founding members", source=src), 0, True)
            self.push(Event(date=a.in_force, type=EventType.in_force, alliance=a.id,
                            summary=f"{a.treaty} enters into force", source=src), 0, True)
            t = a.term
            for end in term_ends(a, horizon) if t is not None and t.renewal != "opt_in" else []:
                if t.renewal == "none":
                    self.push(Event(date=end, type=EventType.end, alliance=a.id, end_cause=EndCause.expiry,
                                    summary=f"the treaty expires at the end of its {t.months}-month term "
                                            f"(Art {t.article})", source=t.source), 0, True)
                else:
                    self.push(Event(date=end, type=EventType.renew, alliance=a.id, actors=a.founders[:1],
                                    summary="a term ends; the treaty runs on for the parties that did not denounce it",
                                    source=t.source, note="__term__"), 1, True)
            for w in renewal_windows(a, horizon):
                source = a.renewal.source if a.renewal and w in a.renewal.windows else t.source
                self.push(Event(date=w, type=EventType.renew, alliance=a.id, actors=a.founders[:1],
                                summary="renewal window closes", source=source, note="__window__"), 3, True)

    # -- one event ---------------------------------------------------------------------------
    def apply(self, ev: Event, generated: bool) -> None:
        st = self.states[ev.alliance]
        a = st.alliance
        if ev.date < a.signed and ev.type not in (EventType.statement,):
            raise _violation(ev, "no treaty act before the treaty is signed", f"signed {a.signed.isoformat()}")
        t = ev.type
        if st.ended is not None:
            if generated:
                return  # what the treaty would have made happen, had it not ended
            if t != EventType.statement:
                raise _violation(ev, "no treaty act after the treaty ended",
                                 f"ended {st.ended.isoformat()}, {st.end_cause.value}")
        if generated and t == EventType.renew and ev.note == "__window__":
            self._close_window(st, ev)
            return
        if generated and t == EventType.renew and ev.note == "__term__":
            self._close_term(st, ev)
            return
        if generated and t == EventType.withdraw and self._stale(st, ev):
            return
        handler = getattr(self, f"_on_{t.value}")
        ruling = handler(st, ev)
        self.applied.append(AppliedEvent(ev, generated, ruling or ""))

    @staticmethod
    def _stale(st: AllianceState, ev: Event) -> bool:
        """A withdrawal the rules scheduled when a notice was given, but that notice no longer runs
        to this date: it was revoked, or the member was suspended or expelled, or gave a new notice."""
        m = st.memberships.get(ev.actors[0])
        return m is None or m.standing != Standing.notice or m.notice_due != ev.date

    def _move(self, st: AllianceState, ev: Event, state: str, action: Action, why: str | None = None) -> None:
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
        if new in (Standing.withdrawn, Standing.expelled, Standing.outside) and cur != new:
            m.exit_cause = why or _EXIT_WORDS.get(action)
            m.bodies_left.clear()
            for dyad in [d for d in st.suspended_towards if state in d]:
                del st.suspended_towards[dyad]
        elif new in MEMBER_STANDINGS:
            m.exit_cause = None
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
        w, t = st.alliance.withdrawal, st.alliance.term
        if w is None and (t is None or t.renewal != "tacit"):
            raise _violation(ev, "withdrawal by notice", "the treaty has no withdrawal clause")
        if w is not None and w.notice_from and ev.date < w.notice_from:
            raise _violation(ev, "withdrawal by notice", f"no notice may be given before {w.notice_from.isoformat()} "
                                                         f"(Art {w.article})")
        for s in ev.actors:
            self._move(st, ev, s, Action.notice)
            if w is not None:
                due = add_months(ev.date, w.notice_months)
                if w.earliest and due < w.earliest:
                    due = w.earliest
                how = f"{w.notice_months} months, Art {w.article}"
            else:
                due = tacit_notice_due(st.alliance, ev.date)
                how = f"at the end of the term, notice {t.denounce_months} months before it, Art {t.article}"
            st.memberships[s].notice_due = due
            self.push(Event(date=due, type=EventType.withdraw, alliance=ev.alliance, actors=(s,),
                            summary=f"notice of {ev.date.isoformat()} takes effect ({how})",
                            source=w.source if w else t.source), 0, True)

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
            self._move(st, ev, s, Action.withdraw, None if st.alliance.withdrawal else
                       "left at the end of a term, having denounced the treaty's extension in time")

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
        # An exit whose steps the record does not hold (a data set dates it): the cause says which
        # rule to check. By the treaty's procedure: the treaty must provide a way out on that day.
        if ev.cause == ExitCause.procedure:
            way = way_out(st.alliance, ev.date)
            if way is None:
                raise _violation(ev, "an exit by the treaty's procedure needs a way out the treaty provides that day",
                                 "no withdrawal clause in effect, no end of term or renewal window")
            why, ruling = f"left by the treaty's procedure ({way}; its steps not recorded)", ""
        elif ev.cause == ExitCause.renegotiation:
            why, ruling = "left when the treaty was replaced by a new text it did not join", ""
        else:
            why = "left; the source does not say how"
            ruling = "an exit the rules cannot explain: the source gives no cause"
            st.unexplained.append(ev)
        for s in ev.actors:
            self._move(st, ev, s, Action.exit, why)
        return ruling

    def _on_denounce(self, st, ev):
        a = st.alliance
        self._require_members(st, ev, ev.actors, RULE_NAMES[Action.denounce], MEMBER_STANDINGS | {Standing.suspended})
        way = way_out(a, ev.date)
        basis = ("no legal basis under the treaty" + (f" (its way out: {way})" if way else
                                                       " (it provides no way out on that day)"))
        if not ev.in_effect:
            for s in ev.actors:
                st.memberships[s].claims.append(f"{ev.date.isoformat()}: denunciation without effect ({basis})")
            return f"denunciation recorded; {basis}; it did not take effect: still a party"
        for s in ev.actors:
            self._move(st, ev, s, Action.denounce, f"denounced the treaty outside its procedure; {basis}")
        return f"denunciation with {basis}; it took effect in fact"

    def _on_cease(self, st, ev):
        succ = f" (successor: {', '.join(ev.successors)})" if ev.successors else ""
        for s in ev.actors:
            self._move(st, ev, s, Action.cease, f"ceased to exist as a state{succ}")
        return f"the state ceased to exist{succ}; a successor is a party only if it accedes"

    def _on_end(self, st, ev):
        if not st.in_force and ev.end_cause == EndCause.expiry:
            raise _violation(ev, RULE_NAMES[Action.end], "the treaty never entered into force")
        for s in sorted(st.memberships):
            if step(st.standing(s), Action.end) >= 0:
                self._move(st, ev, s, Action.end, f"the treaty ended ({ev.end_cause.value})")
        st.roles.clear()
        st.ended, st.end_cause, st.end_reason = ev.date, ev.end_cause, ev.summary
        if ev.end_cause == EndCause.unknown:
            st.unexplained.append(ev)
            return "an end the rules cannot explain: the source gives no cause"
        return ""

    def _close_term(self, st: AllianceState, ev: Event) -> None:
        # The end of a term that renews tacitly: the parties whose notice fell due today have left
        # (phase 0); with fewer than two parties left, the treaty expires.
        if len(st.members()) + len(st.with_standing(Standing.suspended)) >= 2:
            return
        gen = Event(date=ev.date, type=EventType.end, alliance=ev.alliance, end_cause=EndCause.expiry,
                    summary="fewer than two parties remain at the end of the term: the treaty expires", source=ev.source)
        self._on_end(st, gen)
        self.applied.append(AppliedEvent(gen, True))

    def _on_leave_body(self, st, ev):
        if ev.body not in st.alliance.bodies:
            raise _violation(ev, "a party leaves one of the organisation's bodies",
                             f"bodies: {', '.join(st.alliance.bodies) or 'none declared'}")
        self._require_members(st, ev, ev.actors, "only a member takes part in the organisation's bodies")
        for s in ev.actors:
            st.memberships[s].bodies_left[ev.body] = ev.date
        return "the party stays bound by the treaty"

    def _on_return_body(self, st, ev):
        for s in ev.actors:
            m = st.memberships.get(s)
            if m is None or ev.body not in m.bodies_left:
                raise _violation(ev, "only a party that left a body returns to it", f"{s} has not left the {ev.body}")
            del m.bodies_left[ev.body]

    def _on_dissolve_organisation(self, st, ev):
        st.organisation_dissolved = ev.date
        for m in st.memberships.values():
            m.bodies_left.clear()
        return "the organisation's bodies are dissolved; the treaty stays in force"

    def _on_suspend_obligation(self, st, ev):
        self._require_members(st, ev, (*ev.actors, ev.target), "obligations between parties")
        for s in ev.actors:
            st.suspended_towards[(s, ev.target)] = (ev.date, ev.summary)
        return f"{ev.target} stays a party; only the obligations of {', '.join(ev.actors)} towards it are suspended"

    def _on_restore_obligation(self, st, ev):
        for s in ev.actors:
            if st.suspended_towards.pop((s, ev.target), None) is None:
                raise _violation(ev, "only suspended obligations are restored", f"{s} owes {ev.target} in full")

    def _role(self, st, ev, role: str | None):
        for s in ev.actors:
            if role is None:
                if s not in st.roles:
                    raise _violation(ev, "only an associate or observer gives up its role", f"{s} has none")
                del st.roles[s]
                continue
            if st.standing(s) in MEMBER_STANDINGS | {Standing.suspended}:
                raise _violation(ev, f"a party is not also an {role}", f"{s} is '{st.standing(s).name}'")
            st.roles[s] = (role, ev.date)
        return "" if role is None else f"an {role}: no obligation, no vote"

    def _on_associate(self, st, ev):
        return self._role(st, ev, "associate")

    def _on_observe(self, st, ev):
        return self._role(st, ev, "observer")

    def _on_end_role(self, st, ev):
        return self._role(st, ev, None)

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

    def _on_crisis(self, st, ev):
        pass

    def _on_statement(self, st, ev):
        pass


def replay(data: ScenarioFiles, as_of: dt.date | None = None) -> Replay:
    """Apply the record up to and including ``as_of`` (default: the scenario's end).
    ``Scenario.replay`` is the way in from a loaded scenario (it checks the date).

    >>> import foedus, datetime as dt
    >>> replay(foedus.load_scenario("csto").data, dt.date(2024, 3, 1)).members("csto")
    ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
    """
    as_of = as_of or data.scenario.end
    m = _Machine(data)
    m.schedule_treaty_dates(as_of)
    for ev in data.events:
        m.push(ev, 2, False)
    while m.queue and m.queue[0][0] <= as_of:
        _, _, _, ev, generated = heapq.heappop(m.queue)
        m.apply(ev, generated)
    return Replay(as_of=as_of, alliances=m.states, events=m.applied, states=tuple(s.iso3 for s in data.states))
