"""ATOP alliances as scenarios: every one of the 745 converts, validates and replays through the
treaty rules without a violation, or is a documented data quirk; the mapping from ATOP codes to
treaty rules on known alliances (the CSTO, NATO, the Warsaw Pact)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from foedus.api import load_scenario
from foedus.catalogue.convert import (
    DEFAULT_NOTICE_MONTHS,
    QUIRKS,
    DataQuirk,
    alliance_id,
    to_scenario,
    write_scenario,
)
from foedus.catalogue.loader import DATA_END, catalogue
from foedus.errors import ArgumentError, OutputError, RuleViolation
from foedus.ledger.replay import replay
from foedus.scenario.loader import read_folder
from foedus.scenario.schema import Event, EventType
from foedus.treaty.term import term_ends


def test_every_alliance_converts_validates_and_replays_or_is_a_documented_quirk():
    cat = catalogue()
    failed: dict[int, str] = {}
    converted = 0
    for atopid, al in cat.alliances.items():
        for year in sorted({al.begin.year, (al.end or DATA_END).year}):
            try:
                files = to_scenario(atopid, year, cat)   # validated objects + cross-file checks
                rp = replay(files)                        # every event through the treaty rules
            except DataQuirk as exc:
                failed[atopid] = str(exc)
                continue
            converted += 1
            # the replay ends with exactly the members ATOP has in at the end
            end = al.end or DATA_END
            expected = sorted({cat.abb(s.member) for s in al.spells if s.covers(end)})
            assert rp.members(alliance_id(atopid)) == expected, atopid
    assert set(failed) == set(QUIRKS)
    assert converted >= 2 * 700   # its speed: benchmarks/pieces.py (make bench-pieces)


@pytest.mark.parametrize("atopid", sorted(QUIRKS))
def test_a_quirk_is_one_clear_error(atopid):
    al = catalogue().alliance(atopid)
    with pytest.raises(DataQuirk, match="docs/catalogue.md"):
        to_scenario(atopid, al.begin.year)


def test_written_scenarios_read_back_identical(tmp_path):
    cat = catalogue()
    ids = [4220, 3180, 3285, 1005] + random.Random(7).sample(sorted(set(cat.alliances) - set(QUIRKS)), 25)
    for atopid in ids:
        al = cat.alliance(atopid)
        files = to_scenario(atopid, al.begin.year, cat)
        folder = write_scenario(files, tmp_path / str(atopid))
        assert read_folder(folder) == files


def test_csto_2010_scenario_members_entries_and_exits():
    files = to_scenario(4220, 2010)
    a = files.alliances[0]
    assert a.id == "atop-4220" and a.atop_id == 4220
    assert a.founders == ("RUS", "ARM", "TAJ", "KYR", "UZB", "KZK")
    assert a.patron == "RUS"  # the largest CINC in 2010
    got = [(e.date.isoformat(), e.type.value, e.actors) for e in files.events if e.type != EventType.statement]
    assert got == [
        ("1993-09-24", "accede", ("AZE",)), ("1993-12-09", "accede", ("GRG",)), ("1994-01-03", "accede", ("BLR",)),
        ("1999-04-20", "exit", ("AZE",)), ("1999-04-20", "exit", ("GRG",)), ("1999-04-20", "exit", ("UZB",)),
        ("2006-08-17", "rejoin", ("UZB",)), ("2012-06-28", "exit", ("UZB",)),
    ]
    # ATOP codes every exit as deliberate (termcaus=4) and the treaty as renounceable (renounce=1):
    # each is an exit by the treaty's procedure, its notice not recorded
    assert {e.cause.value for e in files.events if e.type == EventType.exit} == {"procedure"}
    rp = replay(files, dt.date(2010, 6, 30))
    assert rp.members("atop-4220") == ["ARM", "BLR", "KYR", "KZK", "RUS", "TAJ", "UZB"]
    assert rp.alliance("atop-4220").unexplained == []
    assert replay(files).members("atop-4220") == ["ARM", "BLR", "KYR", "KZK", "RUS", "TAJ"]


def test_csto_provisions_mapped_from_the_codes():
    a = to_scenario(4220, 2010).alliances[0]
    assert a.collective_defence.member_aggressor_covered is False
    assert a.collective_defence.request_required_since is None  # ATOP codes no defcodem for the CSTO
    assert [c.article for c in a.consultations] == ["consultation (ATOP consul=1)"]
    # renounce=1: renunciation with notice, whose length ATOP does not code
    assert a.withdrawal.notice_months == DEFAULT_NOTICE_MONTHS and a.withdrawal.earliest is None
    assert a.term is None  # proren=2 with renewlgt=0: no renewing term


def test_capabilities_are_the_nmc_figures_for_the_year():
    states = {s.iso3: s for s in to_scenario(4220, 2010, crises=False).states}
    assert states["RUS"].capability.milex_usd_bn == pytest.approx(41.944)
    assert states["RUS"].capability.personnel_k == 1027
    assert states["RUS"].capability.year == 2010 and "NMC" in states["RUS"].capability.source
    assert {s.cow for s in states.values()} == {365, 370, 371, 372, 373, 702, 703, 704, 705}


def test_nato_may_be_left_after_twenty_years():
    a = to_scenario(3180, 2012).alliances[0]
    assert a.withdrawal.earliest == dt.date(1969, 4, 4)  # speclgth=1, length=240, proren=2, renewlgt=0
    assert a.term is None and a.collective_defence is not None


def test_warsaw_pact_renews_tacitly_and_its_end_is_an_end():
    files = to_scenario(3285, 1980)
    a = files.alliances[0]
    # 20 years from 14 May 1955, then automatic renewal for 10 years (proren=2, renewlgt=120)
    assert (a.term.months, a.term.renewal, a.term.renewal_months) == (240, "tacit", 120)
    assert term_ends(a, dt.date(1986, 1, 1)) == [dt.date(1975, 5, 14), dt.date(1985, 5, 14)]
    rp = replay(files, dt.date(1986, 1, 1))
    assert "ALB" not in rp.members("atop-3285")  # Albania left in 1968
    assert len(rp.members("atop-3285")) == 7
    st = replay(files).alliance("atop-3285")
    assert st.members() == [] and st.ended is not None and st.unexplained == []


def test_an_exit_by_procedure_is_refused_where_the_treaty_gives_no_way_out_that_day():
    nato = load_scenario("nato").data
    ev = Event(date=dt.date(1966, 7, 1), type=EventType.exit, cause="procedure", alliance="nato", actors=("FRA",),
               source="test")
    data = nato.model_copy(update={"events": tuple(sorted((*nato.events, ev), key=lambda e: e.date))})
    with pytest.raises(RuleViolation, match="way out"):
        replay(data)


def test_an_exit_before_entry_is_refused_in_a_catalogue_scenario():
    files = to_scenario(4220, 2010)
    ev = Event(date=dt.date(1993, 1, 1), type=EventType.exit, cause="unknown", alliance="atop-4220", actors=("BLR",),
               source="test")
    data = files.model_copy(update={"events": tuple(sorted((*files.events, ev), key=lambda e: e.date))})
    with pytest.raises(RuleViolation, match="BLR is 'outside'"):
        replay(data)


def test_a_later_signature_is_still_refused_when_a_treaty_enters_into_force_on_signature():
    files = to_scenario(4220, 2010)
    ev = Event(date=dt.date(1992, 5, 15), type=EventType.sign, alliance="atop-4220", actors=("BLR",), source="test")
    data = files.model_copy(update={"events": (ev, *files.events)})
    with pytest.raises(RuleViolation, match="already in force"):
        replay(data)


@pytest.mark.parametrize("atopid,year", [(99999, 2010), ("abc", 2010), (4220, 1980), (4220, 2017), (4220, 1700)])
def test_bad_atopid_or_year_is_bad_input(atopid, year):
    with pytest.raises(ArgumentError):
        to_scenario(atopid, year)


def test_writing_into_a_scenario_folder_needs_force(tmp_path):
    files = to_scenario(4220, 2010)
    write_scenario(files, tmp_path / "s")
    with pytest.raises(OutputError, match="--force"):
        write_scenario(files, tmp_path / "s")
    write_scenario(files, tmp_path / "s", overwrite=True)


def test_crisis_rates_from_mid_for_the_ten_years_to_the_year():
    files = to_scenario(4220, 2010)
    rates = {(c.victim, c.aggressor, c.type.value): c for c in files.behaviour.crisis}
    # the August 2008 war: Russia's side used force against Georgia (MID 4.3, 2001-2010)
    grg = rates[("GRG", "RUS", "armed_attack")]
    assert grg.rate == pytest.approx(2 / 120, abs=1e-6) and "2001-2010" in grg.source
    # a clash between two members in 2010 is a member clash, not an armed attack from outside
    assert ("UZB", "KYR", "member_clash") in rates and ("UZB", "KYR", "armed_attack") not in rates
    # every aggressor is a declared state, non-members with a note saying why they are there
    codes = {s.iso3: s for s in files.states}
    assert all(c.aggressor in codes for c in files.behaviour.crisis)
    assert "COW MID 4.3" in codes["ARG"].note
    assert any("Militarized Interstate Disputes" in c for c in files.scenario.data_citations)
    assert to_scenario(4220, 2010, crises=False).behaviour.crisis == ()


def test_crisis_window_before_the_first_year_and_after_the_last():
    from foedus.catalogue.crises import window

    assert window(1815) == (1816, 1816) and window(1830) == (1821, 1830) and window(2016) == (2001, 2010)


def test_every_convertible_alliance_simulates_with_default_parameters():
    import numpy as np

    from foedus.engine import compile_model, run_months

    cat = catalogue()
    for atopid, al in cat.alliances.items():
        if atopid in QUIRKS:
            continue
        files = to_scenario(atopid, al.begin.year, cat)
        model = compile_model(files, al.begin, 3)  # default behavioural parameters: no parameters.toml
        state = run_months(model, np.arange(8), seed=1)
        assert state.standing.shape[0] == 8, atopid


def test_exits_carry_their_cause_from_the_atop_termination_codes():
    def kinds(atopid, year):
        files = to_scenario(atopid, year, crises=False)
        rp = replay(files, max([files.scenario.end, *(e.date for e in files.events)]))
        return {(e.event.type.value, e.event.actors, e.event.successors)
                for e in rp.events if e.event.type.value in ("exit", "denounce", "cease", "end")}, rp

    nato, _ = kinds(3180, 1990)  # West Germany (GFR) ends on unification; united Germany (GMY) enters that day
    assert ("cease", ("GFR",), ("GMY",)) in nato
    sino, rp = kinds(3200, 1950)  # the 1950 treaty: ended at the end of its term (termmode 1)
    assert sino == {("end", (), ())} and rp.alliance("atop-3200").end_cause.value == "expiry"
    arab, _ = kinds(3205, 1990)   # Yemeni unification
    assert {("cease", ("YAR",), ("YEM",)), ("cease", ("YPR",), ("YEM",))} <= arab


def test_the_catalogue_check_explains_every_exit_of_all_but_six_alliances():
    from foedus.catalogue.check import catalogue_check

    res = catalogue_check()
    assert len(res) == 745 and sum(r.explained for r in res) == 739
    rest = {r.atopid: r.reason for r in res if not r.explained}
    assert sorted(rest) == [1225, 1230, 1320, 3423, 3863, 5070]
    assert rest[1320].startswith("not converted") and "termcaus=5 (unclear)" in rest[3423]


def test_a_defence_pledge_against_a_named_adversary_names_it():
    cd = to_scenario(3200, 1960, crises=False).alliances[0].collective_defence  # defcoadv=1, statthr1=740
    assert cd.adversaries == ("JPN",)
    assert to_scenario(3180, 2012, crises=False).alliances[0].collective_defence.adversaries == ()


def test_a_member_without_military_expenditure_in_nmc_gets_its_cinc_share_at_that_years_price():
    from foedus.catalogue.convert import to_scenario
    from foedus.catalogue.loader import catalogue

    cat = catalogue()
    cuba = cat.capability(40, 1945)
    assert cuba.milex is None and cuba.cinc > 0          # NMC codes Cuba's 1945 expenditure -9
    files = to_scenario(3075, 1947, cat)                  # the Rio Treaty, Cuba a member
    cap = {s.cow: s.capability for s in files.states}[40]
    usa = cat.capability(2, 1947)
    want = cat.capability(40, 1947).cinc * cat.milex_per_cinc(1947) / 1e6
    assert cap.milex_usd_bn == pytest.approx(want, rel=1e-5) and 0 < cap.milex_usd_bn < usa.milex / 1e6
    assert "estimated from its CINC" in cap.source
