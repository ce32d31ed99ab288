"""The bundled data: the loader reads every row of every file, the copies are the shared files
byte for byte, and state codes resolve from COW numbers, COW abbreviations and ISO3."""

from __future__ import annotations

import datetime as dt
import gzip
from importlib import resources
from pathlib import Path

import pytest

from foedus.catalogue.codes import AMBIGUOUS, ISO3_TO_COW
from foedus.catalogue.loader import FILES, catalogue
from foedus.errors import ArgumentError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
ORIGINALS = {
    "alliances": "atop-4.01/atop-alliance-level.csv", "members": "atop-4.01/atop-member-level.csv",
    "capabilities": "cow/NMC-60-abridged.csv", "states": "cow/states2016.csv", "contiguity": "cow/contdir.csv",
    "disputes": "cow/MIDB-4.3.csv",
}


def _bundled(key: str) -> bytes:
    return gzip.decompress((resources.files("foedus.catalogue") / "data" / FILES[key]).read_bytes())


@pytest.mark.parametrize("key", sorted(FILES))
def test_the_loader_reads_every_data_row_of_each_file(key):
    rows = _bundled(key).decode().splitlines()
    assert catalogue().counts[key] == len(rows) - 1  # the header


def test_the_counts_are_the_ones_the_data_readme_states():
    assert catalogue().counts == {"alliances": 745, "members": 2398, "capabilities": 15951, "states": 243,
                                  "contiguity": 847, "disputes": 5558}
    cat = catalogue()
    assert len(cat.alliances) == 745
    assert sum(len(a.rows) for a in cat.alliances.values()) == 2398
    assert len(cat.capabilities) == 15951
    assert len(cat.contiguity) == 847
    assert len(cat.disputes) == 5558 and len({p.dispute for p in cat.disputes}) == 2315  # as MIDA has rows


@pytest.mark.skipif(not SHARED.is_dir(), reason="the project's shared/data folder is not beside the checkout")
@pytest.mark.parametrize("key", sorted(FILES))
def test_the_bundled_copies_are_the_shared_files_unchanged(key):
    assert _bundled(key) == (SHARED / ORIGINALS[key]).read_bytes()


def test_every_alliance_lists_the_members_its_member_rows_give():
    for a in catalogue().alliances.values():
        assert set(a.listed_members) == set(a.members), a.atopid
        assert min(r.entry for r in a.rows) == a.begin, a.atopid


def test_the_csto_spells_as_coded():
    a = catalogue().alliance(4220)
    assert a.begin == dt.date(1992, 5, 15) and a.end is None
    uzb = [(s.entry, s.exit) for s in a.spells_of(704)]
    assert uzb == [(dt.date(1992, 5, 15), dt.date(1999, 4, 20)), (dt.date(2006, 8, 17), dt.date(2012, 6, 28))]
    # phase 1 ends and phase 2 begins on 2002-10-07: Russia's membership is one continuous spell
    assert [(s.entry, s.exit) for s in a.spells_of(365)] == [(dt.date(1992, 5, 15), None)]
    assert a.phase_on(dt.date(2010, 1, 1)) == 2 and a.phase_on(dt.date(2000, 1, 1)) == 1


def test_a_blank_entry_day_is_read_as_the_first_of_the_month():
    # ATOP 1115 (UK-Russia, June 1844) has no entry day
    a = catalogue().alliance(1115)
    assert {r.entry for r in a.rows} == {dt.date(1844, 6, 1)}


def test_nmc_minus_nine_is_no_value_and_milex_is_in_thousands_of_dollars():
    cat = catalogue()
    rus = cat.capability(365, 2010)
    assert rus.milex == 41944000 and rus.milper == 1027
    missing = [c for c in cat.capabilities.values() if c.milex is None]
    assert len(missing) == 2217  # the rows coded -9
    # a year without data falls back to the nearest earlier year with data
    assert cat.capability(365, 2016).year == 2016
    assert cat.capability(200, 1815).year == 1816


def test_contiguity_land_border_between_armenia_and_azerbaijan():
    cat = catalogue()
    assert cat.contiguous(371, 373, 2010) == 1
    assert cat.contiguous(371, 365, 2010, max_type=1) is None  # no land border with Russia


@pytest.mark.parametrize("code,cow", [("ARM", 371), ("371", 371), (371, 371), ("KAZ", 705), ("KZK", 705),
                                      ("kgz", 703), ("KYR", 703), ("TJK", 702), ("TAJ", 702), ("GEO", 372),
                                      ("GRG", 372), ("DEU", 255), ("GMY", 255), ("GBR", 200), ("UKG", 200),
                                      ("USA", 2), ("TUR", 640), ("AZE", 373), ("AUT", 305), ("AUL", 900)])
def test_states_resolve_from_cow_numbers_cow_abbreviations_and_iso3(code, cow):
    assert catalogue().resolve_state(code) == cow


@pytest.mark.parametrize("code", sorted(AMBIGUOUS))
def test_a_code_that_is_iso3_of_one_state_and_cow_of_another_is_refused(code):
    with pytest.raises(ArgumentError, match="unambiguous"):
        catalogue().resolve_state(code)


@pytest.mark.parametrize("code", ["XXX", "9999", "", "R"])
def test_an_unknown_code_is_bad_input(code):
    with pytest.raises(ArgumentError):
        catalogue().resolve_state(code)


def test_the_iso3_table_points_at_cow_states_and_never_at_a_same_named_cow_code():
    cat = catalogue()
    abbs = {s.abb: s.ccode for s in cat.states.values()}
    for iso, cow in ISO3_TO_COW.items():
        assert cow in cat.states, iso
        # an ISO3 code that is also a COW abbreviation of another state must be flagged ambiguous
        if iso in abbs and abbs[iso] != cow:
            assert iso in AMBIGUOUS, iso
    for code in AMBIGUOUS:
        assert code in abbs and code in ISO3_TO_COW
