"""Levers change exactly what they say, from their date, and nothing else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import foedus
from foedus.errors import ArgumentError, ScenarioError
from foedus.variants import (Lever, apply_levers, builtin_variants, load_variant, parse_lever, value_in_force,
                             variant_from_levers)

CSTO = foedus.load_scenario("csto").data


def _without(data, changes):
    return [c for c in data.timeline if c not in changes]


def test_war_ends_sets_russias_committed_share_from_its_date_only():
    lever = parse_lever("war-ends:2026-06")
    out = apply_levers(CSTO, [lever])
    # before the date: the scenario's own value (0.7 since Feb 2022); from the date: the lever's
    assert value_in_force(out, "RUS", "committed_share", dt.date(2026, 5, 31)) == 0.7
    assert value_in_force(out, "RUS", "committed_share", dt.date(2026, 6, 1)) == 0.2
    assert value_in_force(out, "RUS", "committed_share", dt.date(2034, 1, 1)) == 0.2
    # exactly one change added; everything else untouched
    added = [c for c in out.timeline if c not in CSTO.timeline]
    assert len(added) == 1 and added[0].state == "RUS" and added[0].field == "committed_share"
    assert _without(out, added) == list(CSTO.timeline)
    assert out.model_copy(update={"timeline": CSTO.timeline}) == CSTO


def test_a_lever_leaves_the_input_scenario_unchanged():
    before = CSTO.model_dump()
    apply_levers(CSTO, [parse_lever("capacity:2026-01:value=1.5")])
    assert CSTO.model_dump() == before


def test_a_level_lever_overrides_later_changes_of_the_same_field_but_not_others():
    early = parse_lever("threat:2019-01:state=ARM,value=0.5")
    out = apply_levers(CSTO, [early])
    # the scenario raised Armenia's threat in 2020 and 2023; the lever holds from 2019 on
    assert value_in_force(out, "ARM", "threat", dt.date(2021, 1, 1)) == 0.5
    assert value_in_force(out, "ARM", "threat", dt.date(2024, 1, 1)) == 0.5
    assert value_in_force(out, "RUS", "committed_share", dt.date(2024, 1, 1)) == 0.7


def test_info_ops_raises_salience_of_every_member_but_the_patron():
    out = load_variant("info-ops").apply(CSTO)
    added = [c for c in out.timeline if c not in CSTO.timeline]
    assert {c.field for c in added} == {"salience"}
    assert sorted(c.state for c in added) == ["ARM", "BLR", "KAZ", "KGZ", "TJK"]
    assert all(c.date == dt.date(2025, 1, 1) and c.value == 2.0 for c in added)


def test_crisis_injection_is_one_event_in_its_month():
    out = load_variant("aze-attacks-2026").apply(CSTO)
    added = [c for c in out.timeline if c not in CSTO.timeline]
    assert len(added) == 1
    c = added[0]
    assert (c.date, c.state, c.field, c.crisis.value, c.aggressor, c.value) == \
        (dt.date(2026, 9, 1), "ARM", "crisis", "armed_attack", "AZE", 0.8)


def test_outside_option_lever_targets_the_named_state():
    out = apply_levers(CSTO, [parse_lever("outside-option:2026-01:state=ARM,value=1")])
    assert value_in_force(out, "ARM", "outside_option", dt.date(2025, 12, 1)) is None
    assert value_in_force(out, "ARM", "outside_option", dt.date(2026, 1, 1)) == 1.0
    assert value_in_force(out, "KAZ", "outside_option", dt.date(2030, 1, 1)) is None


def test_parameter_lever_overrides_one_parameter_and_leaves_the_timeline():
    out = apply_levers(CSTO, [parse_lever("parameter:cred_half_life=12")])
    assert out.parameters == {**CSTO.parameters, "cred_half_life": 12.0}
    assert out.timeline == CSTO.timeline


def test_the_timeline_stays_in_date_order():
    out = apply_levers(CSTO, [parse_lever("crisis:2027-01:state=KAZ,type=unrest"), parse_lever("war-ends:2026-06")])
    dates = [c.date for c in out.timeline]
    assert dates == sorted(dates)


@pytest.mark.parametrize("name", builtin_variants())
def test_every_builtin_variant_names_its_question_and_source_and_applies(name):
    v = load_variant(name)
    assert v.question.endswith("?") and v.source and v.levers
    out = v.apply(CSTO)
    assert out != CSTO


def test_the_six_what_ifs_of_the_seed_articles_are_built_in():
    assert {"war-ends-2026", "capacity-recovers", "info-ops", "aze-attacks-2026", "kaz-unrest-2027",
            "eu-offer-armenia"} <= set(builtin_variants())


@pytest.mark.parametrize("spec", ["war-ends", "nosuch:2026-01", "war-ends:2026-13", "war-ends:2026-06:value=2",
                                  "crisis:2026-09", "crisis:2026-09:state=ARM,colour=red", "parameter:x",
                                  "capacity:2026:value=abc"])
def test_a_bad_lever_spec_is_one_argument_error(spec):
    with pytest.raises(ArgumentError):
        parse_lever(spec)


def test_a_lever_on_a_state_the_scenario_lacks_is_an_error():
    with pytest.raises(ArgumentError, match="FRA"):
        apply_levers(CSTO, [parse_lever("outside-option:2026-01:state=FRA")])


def test_an_unknown_variant_is_an_error_naming_the_built_ins():
    with pytest.raises(ArgumentError, match="war-ends-2026"):
        load_variant("war-ends-2099")


def test_a_bad_variant_file_names_the_file_and_the_field(tmp_path: Path):
    f = tmp_path / "v.toml"
    f.write_text('name = "v"\ntitle = "t"\nquestion = "q?"\n[[lever]]\nkind = "war-ends"\ndate = 2026-01-01\nvalue = 3\n')
    with pytest.raises(ScenarioError) as e:
        load_variant(str(f))
    assert str(f) in str(e.value) and "lever[0]" in str(e.value)
    f.write_text('name = "v"\ntitle = "t"\n[[lever]]\nkind = "war-ends"\ndate = 2026-01-01\n')
    with pytest.raises(ScenarioError, match="question"):
        load_variant(str(f))


def test_levers_from_the_command_line_make_a_named_variant():
    v = variant_from_levers(["war-ends:2026-06", "info-ops:2025-01:value=3"])
    assert v.name == "war-ends-2026-06-info-ops-2025-01"
    assert [lv.kind for lv in v.levers] == ["war-ends", "info-ops"]
    assert v.levers[1].value == 3.0


def test_lever_label_round_trips():
    for spec in ("war-ends:2026-06", "crisis:2026-09:state=ARM,aggressor=AZE,severity=0.9",
                 "info-ops:2025-01:state=KAZ+KGZ,value=3", "parameter:cred_half_life=12"):
        lv = parse_lever(spec)
        again = parse_lever(lv.label())
        assert again.changes(CSTO) == lv.changes(CSTO)
        assert apply_levers(CSTO, [again]) == apply_levers(CSTO, [lv])


def test_lever_model_rejects_both_state_and_states():
    with pytest.raises(Exception):
        Lever.model_validate({"kind": "threat", "date": "2026-01-01", "state": "ARM", "states": ["ARM"]})
