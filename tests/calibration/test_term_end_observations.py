"""The likelihood reads a treaty's term end as the engine simulates it: the parties leaving by the
treaty's end make no choice that month, and a notice under a term that renews tacitly is a choice
a member could make (the engine's ``can_notice``)."""

import foedus
from foedus.calibration.observations import build_alliance
from foedus.chronology import month_index
from foedus.treaty.term import term_ends


def _sino_soviet():
    sc = foedus.load_scenario("sino-soviet")
    return sc.data, build_alliance(sc.data, "sino-soviet")


def test_the_term_end_months_are_the_treaty_laws():
    data, rec = _sino_soviet()
    al = data.alliances[0]
    assert rec.flags.term_end_months == {month_index(d) for d in term_ends(al, data.scenario.end)}
    assert rec.flags.can_notice and rec.flags.notice_months == -1    # notice without a withdrawal clause


def test_the_soviet_union_makes_no_choice_in_the_month_the_treaty_ends():
    _, rec = _sino_soviet()
    months = [w[:7] for w in rec.rows["member:active"].what if " RUS " in w]
    assert months[-1] == "1980-03"                                  # the treaty ended on 1980-04-11


def test_chinas_notice_of_1979_is_a_notice_choice():
    _, rec = _sino_soviet()
    r = rec.rows["member:active"]
    assert [w for w in r.what if w.startswith("1979-04 CHN")] == ["1979-04 CHN active: notice"]
