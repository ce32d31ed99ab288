"""How an ATOP alliance ended and whether it had an organisation, as the alliance's end reads them.

The Act of Chapultepec (ATOP 3010, 8 March 1945) was replaced by the Rio Treaty of 2 September 1947:
ATOP codes every member's exit that day as a renegotiation. A supersession is not the parties
ending their alliance: the likelihood scores no end and the retrodiction counts none. The Warsaw
Pact (ATOP 3285) had an organisation; the US-Japan treaty of 1960 (ATOP 3360) did not."""

from __future__ import annotations

import datetime as dt

from foedus.calibration.catalogue import decisions
from foedus.catalogue.convert import to_scenario
from foedus.catalogue.exits import codes_at_end, end_cause
from foedus.catalogue.loader import catalogue
from foedus.retrodiction.events import real_counts
from foedus.scenario.schema import EndCause, EventType


def test_the_act_of_chapultepec_was_superseded_on_2_september_1947():
    al = catalogue().alliance(3010)
    assert al.end == dt.date(1947, 9, 2)
    assert end_cause(codes_at_end(al)) == EndCause.superseded
    ends = [e for e in to_scenario(3010, 1945, crises=False).events if e.type == EventType.end]
    assert [(e.date, e.end_cause) for e in ends] == [(dt.date(1947, 9, 2), EndCause.superseded)]


def test_a_supersession_is_not_an_end_in_the_likelihood_or_the_retrodiction():
    files = to_scenario(3010, 1945, crises=False)
    assert real_counts(files, files.scenario.focus, dt.date(1945, 3, 8), dt.date(1947, 12, 31))["alliance_ends"] == 0
    d = decisions(atopids=(3010,))
    y = [int(v) for r in d.observations.records for v in r.rows["dissolution"].y]
    assert len(y) > 20 and sum(y) == 0     # every month in force continues, the last one included


def test_an_end_by_war_between_the_members_still_counts():
    al = catalogue().alliance(3230)       # the Balkan Pact of 1953, ended 4 April 1964 (ATOP termcaus 6)
    assert end_cause(codes_at_end(al)) == EndCause.war
    files = to_scenario(3230, 1960, crises=False)
    assert real_counts(files, files.scenario.focus, dt.date(1960, 1, 1), dt.date(1964, 12, 31))["alliance_ends"] == 1


def test_atop_formorg_gives_the_warsaw_pact_an_organisation_from_its_first_day_and_us_japan_none():
    cat = catalogue()
    assert cat.alliance(3285).formal_organisation and not cat.alliance(3360).formal_organisation
    warsaw = to_scenario(3285, 1960, crises=False).alliances[0].organisation
    assert warsaw.since == dt.date(1955, 5, 14) and "formorg" in warsaw.source
    assert to_scenario(3360, 1960, crises=False).alliances[0].organisation is None
    assert to_scenario(4220, 2010, crises=False).alliances[0].organisation is not None   # the CSTO in ATOP too


def test_every_month_of_an_organised_alliance_is_scored_as_organised():
    d = decisions(atopids=(3285,))
    assert all(r.am_organised.size and (r.am_organised == 1.0).all() for r in d.observations.records)
