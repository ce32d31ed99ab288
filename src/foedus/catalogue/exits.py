"""How an ATOP member left, and how an ATOP alliance ended, as treaty events with their cause.

ATOP codes each member's exit with ``termmode`` (how its participation ended) and ``termcaus``
(why). The ATOP v4 codebook was not available to the project: the meanings below are inferred
from the data (value counts and known cases, docs/catalogue.md, "Termination codes"), which
is why every event carries the codes it was read from.

A member that leaves before the alliance ends becomes one event the replay checks:

- ``termmode`` 4 (the member ceased to be an independent state; ``termcaus`` 2, loss of
  sovereignty) -> ``cease``, naming as successors the states that enter the alliance that day;
- ``termmode`` 2 (the text was renegotiated and the member is not in the new one) -> ``exit``
  with cause ``renegotiation``;
- a deliberate act (``termmode`` 3 or 6 with a known ``termcaus``, or ``termmode`` 1 with
  ``termcaus`` 4) -> ``exit`` with cause ``procedure`` where the treaty provides a way out that
  day (the replay checks it), else ``denounce``: a denunciation the treaty does not provide for,
  which took effect;
- anything else (``termcaus`` 5 "unclear", ``termmode`` 0, 1 or 5 without a way out, blanks)
  -> ``exit`` with cause ``unknown``: recorded as an exit the rules cannot explain.

The members still in when the alliance ends leave by its ``end``, whose cause comes from their
codes (``END_CAUSE``). An end by renegotiation (``superseded``) replaced the treaty, not the
alliance: the likelihood and the retrodictions do not count it as an end
(``scenario.schema.ends_alliance``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from foedus.catalogue.loader import AtopAlliance
from foedus.scenario.schema import Alliance, EndCause, Event, EventType, ExitCause
from foedus.treaty.term import way_out

#: termmode: how a member's participation ended (inferred; docs/catalogue.md).
TERMMODE = {
    0: "still a member (no exit coded)",
    1: "the alliance's term or the member's commitment ran out as scheduled",
    2: "replaced by a renegotiated text",
    3: "ended early by an act of a member: denunciation, withdrawal, expulsion, abrogation",
    4: "the member ceased to exist as an independent state",
    5: "the alliance's purpose was fulfilled",
    6: "the member left a wartime coalition by armistice or surrender",
}
#: termcaus: why (inferred; docs/catalogue.md).
TERMCAUS = {
    0: "still a member",
    1: "renegotiation",
    2: "loss of sovereignty",
    3: "purpose achieved, or the alliance ran its course",
    4: "a deliberate policy choice of a member or of the others",
    5: "unclear",
    6: "armed conflict between members",
    7: "failure in wartime (an ally not aided, a separate armistice, defeat)",
    8: "a member's act contrary to the alliance (annexation, aggression, revolution)",
}
#: How the alliance ended, from the codes of the members still in at its end.
END_CAUSE = {
    (1, None): EndCause.expiry, (2, None): EndCause.superseded, (4, None): EndCause.extinction,
    (5, None): EndCause.fulfilment, (6, None): EndCause.war,
    (3, 4): EndCause.denunciation, (3, 3): EndCause.denunciation, (3, 6): EndCause.war, (3, 7): EndCause.war,
    (3, 8): EndCause.denunciation,
}
DELIBERATE = {4, 6, 7, 8, 3}


def _int(v) -> int | None:
    return None if v is None else int(v)


def codes_words(mode, cause) -> str:
    mode, cause = _int(mode), _int(cause)
    return (f"ATOP termmode={mode} ({TERMMODE.get(mode, 'not coded')}), "
            f"termcaus={cause} ({TERMCAUS.get(cause, 'not coded')})")


def member_exit(alliance: Alliance, abb: str, name: str, date: dt.date, mode, cause, successors: tuple[str, ...],
                source: str) -> Event:
    """The event by which a member leaves before the alliance ends."""
    mode, cause = _int(mode), _int(cause)
    words = codes_words(mode, cause)
    base = dict(date=date, alliance=alliance.id, actors=(abb,), source=source, note=words)
    if mode == 4:
        return Event(type=EventType.cease, successors=successors,
                     summary=f"{name} ceases to exist as an independent state", **base)
    if mode == 2:
        return Event(type=EventType.exit, cause=ExitCause.renegotiation,
                     summary=f"{name} is not a party to the renegotiated text", **base)
    deliberate = cause in DELIBERATE and (mode in (3, 6) or (mode == 1 and cause == 4))
    if deliberate and way_out(alliance, date) is not None:
        return Event(type=EventType.exit, cause=ExitCause.procedure,
                     summary=f"{name} leaves by the treaty's procedure (ATOP exit date)", **base)
    if deliberate:
        return Event(type=EventType.denounce, summary=f"{name} leaves outside the treaty's procedure: "
                                                     f"{TERMCAUS[cause]}", **base)
    return Event(type=EventType.exit, cause=ExitCause.unknown,
                 summary=f"{name} leaves; ATOP's codes do not say how", **base)


def end_cause(codes: list[tuple]) -> EndCause:
    """How the alliance ended: the cause most of the members still in at its end were coded with."""
    votes = Counter()
    for mode, cause in codes:
        mode, cause = _int(mode), _int(cause)
        if cause == 5:
            continue
        c = END_CAUSE.get((mode, cause)) or END_CAUSE.get((mode, None))
        if c is not None:
            votes[c] += 1
    return votes.most_common(1)[0][0] if votes else EndCause.unknown


def codes_at_end(al: AtopAlliance) -> list[tuple]:
    """(termmode, termcaus) of each member still in when the alliance ended, from its row of the
    latest phase (none for an alliance in force at the end of the data)."""
    if al.end is None:
        return []
    out = []
    for s in al.spells:
        if s.exit == al.end:
            row = max((r for r in al.rows if r.member == s.member and r.exit == s.exit), key=lambda r: r.phase)
            out.append((row.codes.get("termmode"), row.codes.get("termcaus")))
    return out


def alliance_end(alliance: Alliance, date: dt.date, codes: list[tuple], source: str) -> Event:
    """The end of the alliance, with the cause the codes of the members still in give."""
    cause = end_cause(codes)
    words = "; ".join(sorted({codes_words(m, c) for m, c in codes}))
    return Event(date=date, type=EventType.end, alliance=alliance.id, end_cause=cause,
                 summary=f"the alliance ends ({cause.value}; ATOP end date)", source=source, note=words)
