"""Retrodiction over the ATOP catalogue: the held-out rule, the alliance-decades, what is compared."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from foedus.retrodiction import ROW_COLUMNS
from foedus.retrodiction.catalogue import ATOP_CLASSES, decades, held_out, pacts


@pytest.fixture(scope="module")
def cat():
    from foedus.catalogue.loader import catalogue

    return catalogue()


def test_the_held_out_rule_depends_on_the_atop_number_alone():
    # the rule of docs/retrodiction.md, fixed before any result: the OAS's Rio Treaty (3075) is
    # held out, NATO (3180) and the CSTO (4220) are not
    assert held_out(3075) and not held_out(3180) and not held_out(4220)
    assert [held_out(a) for a in range(3000, 3400)] == [held_out(a) for a in range(3000, 3400)]
    assert 150 <= sum(held_out(a) for a in range(1000, 1400)) <= 250


def test_the_halves_split_the_post_1945_multilateral_defence_pacts(cat):
    out, fit, every = (pacts(cat, half=h) for h in ("held-out", "fitted", "all"))
    assert {a.atopid for a in out} | {a.atopid for a in fit} == {a.atopid for a in every}
    assert not {a.atopid for a in out} & {a.atopid for a in fit}
    assert all(a.begin.year >= 1945 and len(a.members) >= 3 and "defense" in a.obligations() for a in every)
    assert len(pacts(cat, since=1815, min_members=2, obligation=None, half="all")) > 10 * len(every)


def test_a_short_alliance_is_one_cell_that_stops_the_day_before_its_end(cat):
    al = cat.alliance(3590)                     # 2 Apr 1968 - 9 Dec 1968
    assert decades(al) == [(dt.date(1968, 4, 2), dt.date(1968, 12, 8), dt.date(1969, 12, 31))]


def test_an_alliance_in_force_to_the_end_of_the_data_is_cut_at_each_decade(cat):
    cells = decades(cat.alliance(3180))         # NATO, from 4 Apr 1949
    assert cells[0][:2] == (dt.date(1949, 4, 4), dt.date(1949, 12, 31))
    assert cells[1][:2] == (dt.date(1950, 1, 1), dt.date(1959, 12, 31))
    assert cells[-1][:2] == (dt.date(2010, 1, 1), dt.date(2016, 12, 31))


def test_the_cli_compares_what_atop_records_and_says_what_it_cannot_simulate(cli):
    code, out, err = cli("catalogue", "retrodict", "--since", "1999", "--runs", "10", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["settings"]["half"] == "held-out" and doc["cells"] >= 1
    assert all(tuple(r) == ROW_COLUMNS and r["event"] in ATOP_CLASSES for r in doc["rows"])
    assert all(r["mean"] is None for r in doc["rows"] if r["event"] == "accessions")
    assert all(r["mean"] is not None for r in doc["rows"] if r["event"] == "alliance_ends")   # model.dissolution
    crises = [r for r in doc["rows"] if r["event"] == "crises"]
    assert crises and all(r["end"] <= "2010-12-31" for r in crises)      # COW MID 4.3 ends in 2010
    t = doc["exits_total"]
    assert t["real"] == sum(r["real"] for r in doc["rows"] if r["event"] == "exits")
    assert 0 <= t["q05"] <= t["q95"] and t["mean"] >= 0


def test_bad_catalogue_arguments_are_one_line_and_exit_code_2(cli):
    for args in (("--since", "1700"), ("--half", "left"), ("--obligation", "friendship"), ("--min-members", "1")):
        code, _, err = cli("catalogue", "retrodict", *args)
        assert code == 2 and len(err.strip().splitlines()) == 1
