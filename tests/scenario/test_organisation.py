"""An alliance's standing organisation (``[alliance.organisation]``): the CSTO's from its Charter of
7 October 2002, NATO's from Art 9 of its treaty; the dissolution hazard reads it from the month
after. A mistake in the field is one line naming the file and the field, exit code 2."""

from __future__ import annotations

import datetime as dt

import pytest

import foedus
from foedus.calibration.observations import build_alliance
from foedus.chronology import month_index
from foedus.errors import ScenarioError
from foedus.scenario.loader import read_folder


def test_the_csto_has_an_organisation_from_its_charter_and_nato_from_its_treaty():
    csto = foedus.load_scenario("csto").data.alliances[0].organisation
    nato = foedus.load_scenario("nato").data.alliances[0].organisation
    assert csto.since == dt.date(2002, 10, 7) and "Charter" in csto.source
    assert nato.since == dt.date(1949, 4, 4) and "Art 9" in nato.source


def test_the_csto_counts_as_organised_from_november_2002_and_not_before():
    sc = foedus.load_scenario("csto")
    rec = build_alliance(sc.data, "csto", sc.full_replay, "csto")
    by_month = dict(zip(rec.am_month.tolist(), rec.am_organised.tolist()))
    assert by_month[month_index(dt.date(2002, 10, 1))] == 0.0
    assert by_month[month_index(dt.date(2002, 11, 1))] == 1.0
    assert all(v == 0.0 for m, v in by_month.items() if m <= month_index(dt.date(2002, 10, 1)))
    assert all(v == 1.0 for m, v in by_month.items() if m > month_index(dt.date(2002, 10, 1)))


def _with_organisation(folder, table: str):
    text = (folder / "alliances.toml").read_text()
    start = text.index("[alliance.organisation]")
    end = text.find("\n[", start + 1)
    (folder / "alliances.toml").write_text(text[:start] + table + (text[end:] if end >= 0 else "\n"))


def test_an_organisation_without_a_date_names_the_field(scenario_copy):
    csto = scenario_copy("csto")
    _with_organisation(csto, '[alliance.organisation]\nsince = "the Charter"\nsource = "t"\n')
    with pytest.raises(ScenarioError, match=r"alliances.toml: alliance\[0\].organisation.since: .*date"):
        read_folder(csto)


def test_an_organisation_before_the_treaty_was_signed_is_refused(scenario_copy):
    csto = scenario_copy("csto")
    _with_organisation(csto, '[alliance.organisation]\nsince = 1990-01-01\nsource = "t"\n')
    with pytest.raises(ScenarioError, match="organisation.since must not precede signed"):
        read_folder(csto)


def test_the_cli_refuses_an_organisation_without_a_source_in_one_line(cli, scenario_copy):
    csto = scenario_copy("csto")
    _with_organisation(csto, "[alliance.organisation]\nsince = 2002-10-07\n")
    code, _, err = cli("validate", str(csto))
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "alliances.toml" in err and "organisation.source" in err


@pytest.mark.parametrize("name", ["anzus", "csto", "nato", "rio", "sino-soviet"])
def test_a_built_in_alliance_has_an_organisation_where_atop_codes_one(name):
    """ATOP's ``formorg`` and the scenario's ``[alliance.organisation]`` agree: ANZUS's Council
    (Art VII), NATO's and the CSTO's have one; the Rio Treaty and the Sino-Soviet treaty have none."""
    from foedus.catalogue.loader import catalogue

    for al in foedus.load_scenario(name).data.alliances:
        if al.atop_id is not None:
            assert (al.organisation is not None) == catalogue().alliance(al.atop_id).formal_organisation, al.id
