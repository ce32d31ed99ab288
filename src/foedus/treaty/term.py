"""A treaty's duration as data: the ends of its terms, and when a denunciation takes effect.

A term is counted from entry into force (not from signature). ``none``: the treaty expires at the
end of its first term. ``tacit``: it runs on, ``renewal_months`` at a time, for every party that
has not given notice at least ``denounce_months`` before a term ends; a notice given later takes
effect at the end of the following term (the Sino-Soviet treaty of 1950: thirty years, then five
at a time unless denounced a year before expiry). ``opt_in``: at the end of each term a party
leaves unless it renews (the CSTO's 1999 window, stated there as ``renewal.windows``). The replay
and the catalogue converter read the same functions."""

from __future__ import annotations

import datetime as dt

from foedus.chronology import add_months
from foedus.scenario.schema import Alliance


def term_ends(alliance: Alliance, horizon: dt.date) -> list[dt.date]:
    """The days on which the treaty's terms end, up to ``horizon`` (the first only, for a term
    that does not renew)."""
    t = alliance.term
    if t is None:
        return []
    out, k = [], 0
    while True:
        end = add_months(alliance.in_force, t.months + k * t.renewal_months)
        if end > horizon:
            return out
        out.append(end)
        if t.renewal == "none":
            return out
        k += 1


def tacit_notice_due(alliance: Alliance, given: dt.date) -> dt.date:
    """The end of the first term that a notice given on ``given`` reaches in time (at least
    ``denounce_months`` before it): the day the party leaves."""
    t = alliance.term
    k = 0
    while True:
        end = add_months(alliance.in_force, t.months + k * t.renewal_months)
        if add_months(given, t.denounce_months) <= end:
            return end
        k += 1


def expiry(alliance: Alliance) -> dt.date | None:
    """The day a treaty with a fixed term and no renewal expires (None otherwise)."""
    t = alliance.term
    if t is None or t.renewal != "none":
        return None
    return add_months(alliance.in_force, t.months)


def way_out(alliance: Alliance, d: dt.date) -> str | None:
    """The treaty's own way out on day ``d``, in words (a withdrawal clause in effect, a renewal
    window, the end of a renewing term), or None: the check of an exit whose steps are not recorded."""
    w, r, t = alliance.withdrawal, alliance.renewal, alliance.term
    if w and (w.earliest is None or d >= w.earliest) and (w.notice_from is None
                                                           or d >= add_months(w.notice_from, w.notice_months)):
        return f"withdrawal, Art {w.article}"
    if r and d in r.windows:
        return f"not renewing, Art {r.article}"
    if t and t.renewal != "none" and d in term_ends(alliance, d):
        return f"denouncing at the end of a term, Art {t.article}"
    return None


def renewal_windows(alliance: Alliance, horizon: dt.date) -> list[dt.date]:
    """The days a member leaves unless it renews, up to ``horizon``: the stated windows
    (``renewal.windows``) and the ends of an opt-in term. One list for the replay, the engine and
    the likelihood."""
    out = set(alliance.renewal.windows) if alliance.renewal else set()
    if alliance.term is not None and alliance.term.renewal == "opt_in":
        out.update(term_ends(alliance, horizon))
    return sorted(d for d in out if d <= horizon or (alliance.renewal and d in alliance.renewal.windows))
