"""Loading scenarios: the built-in ones load into frozen, typed objects; a bad file is reported as
one ScenarioError naming the file, the field and what was expected."""

from __future__ import annotations

import re
from pathlib import Path

import pydantic
import pytest

import foedus
from foedus.errors import ScenarioError
from foedus.scenario.loader import builtin_names, read_folder


@pytest.fixture
def csto_copy(scenario_copy) -> Path:
    return scenario_copy("csto")


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n" + text + "\n")


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    s = path.read_text(encoding="utf-8")
    assert old in s, f"{old!r} not in {path.name}"
    path.write_text(s.replace(old, new, count), encoding="utf-8")


def error_of(folder: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        foedus.load_scenario(folder)
    msg = str(info.value)
    assert "\n" not in msg
    return info.value


def test_builtin_scenarios_are_csto_and_nato():
    assert {"csto", "nato"} <= set(builtin_names())


@pytest.mark.parametrize("name", ["csto", "nato"])
def test_builtin_scenarios_load(name):
    sc = foedus.load_scenario(name)
    assert sc.name == name
    assert sc.focus.id == name
    assert len(sc.hash) == 16


def test_csto_states_and_patron():
    sc = foedus.load_scenario("csto")
    assert sc.focus.patron == "RUS"
    assert sc.state("ARM").name == "Armenia"
    assert sc.focus.withdrawal.notice_months == 6
    assert sc.focus.renewal.windows[0].isoformat() == "1999-04-20"


def test_scenario_objects_are_frozen():
    sc = foedus.load_scenario("csto")
    with pytest.raises(pydantic.ValidationError):
        sc.focus.patron = "USA"


def test_a_folder_loads_like_the_builtin_and_hashes_the_same(csto_copy):
    sc = foedus.load_scenario(csto_copy)
    assert sc.hash == foedus.load_scenario("csto").hash
    assert foedus.load_scenario(csto_copy / "scenario.toml").hash == sc.hash


def test_the_hash_changes_with_the_content(csto_copy):
    before = foedus.load_scenario(csto_copy).hash
    append(csto_copy / "record.toml", "# a comment")
    assert foedus.load_scenario(csto_copy).hash != before


def test_unknown_scenario_name():
    err = error_of(Path("no-such-scenario"))
    assert "a built-in scenario (" in str(err) and "csto" in str(err) and "no such scenario" in str(err)


def test_malformed_toml_names_the_file_and_the_line(csto_copy):
    append(csto_copy / "record.toml", "[[event]")
    err = error_of(csto_copy)
    assert err.file.endswith("record.toml") and err.field == "(syntax)"
    assert "valid TOML" in str(err) and "line" in str(err)


def test_unknown_state_code_in_the_record(csto_copy):
    replace(csto_copy / "record.toml", 'actors = ["AZE"]', 'actors = ["XYZ"]')
    err = error_of(csto_copy)
    assert err.field == "event[0].actors[0]"
    assert err.expected == "a state declared in states.toml" and err.found == "XYZ"


def test_malformed_state_code(csto_copy):
    replace(csto_copy / "states.toml", 'iso3 = "RUS"', 'iso3 = "Russia"')
    err = error_of(csto_copy)
    assert err.file.endswith("states.toml") and err.field == "state[0].iso3"


def test_unknown_founder(csto_copy):
    replace(csto_copy / "alliances.toml", '"ARM", "KAZ"', '"ARM", "QQQ"')
    err = error_of(csto_copy)
    assert err.field == "alliance[0].founders[1]"


def test_events_out_of_order(csto_copy):
    append(csto_copy / "record.toml", '[[event]]\ndate = 2001-01-01\ntype = "statement"\nalliance = "csto"\n'
                                      'actors = ["ARM"]\nsource = "test"')
    err = error_of(csto_copy)
    assert "events in date order" in err.expected and err.found == "2001-01-01"


def test_a_missing_field(csto_copy):
    record = csto_copy / "record.toml"
    first_source = re.compile(r'^source = ".*"\n', re.MULTILINE)
    record.write_text(first_source.sub("", record.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    err = error_of(csto_copy)
    assert err.field == "event[0].source" and "required" in err.expected


def test_a_missing_key_in_scenario_toml(csto_copy):
    replace(csto_copy / "scenario.toml", 'focus = "csto"\n', "")
    err = error_of(csto_copy)
    assert err.file.endswith("scenario.toml") and err.field == "scenario.focus"


def test_an_unknown_field(csto_copy):
    replace(csto_copy / "states.toml", 'regime = "autocracy"', 'regime = "autocracy"\nregim = "x"')
    err = error_of(csto_copy)
    assert err.field == "state[0].regim" and "unknown" in err.expected


def test_an_unknown_event_type(csto_copy):
    replace(csto_copy / "record.toml", 'type = "accede"', 'type = "invade"')
    err = error_of(csto_copy)
    assert err.field == "event[0].type" and "'sign'" in err.expected


def test_an_impossible_date(csto_copy):
    replace(csto_copy / "record.toml", "date = 1993-09-24", 'date = "1993-13-24"')
    err = error_of(csto_copy)
    assert err.field == "event[0].date" and "valid date" in err.expected
    assert not err.expected.startswith("input should be")


def test_a_focus_that_is_not_an_alliance(csto_copy):
    replace(csto_copy / "scenario.toml", 'focus = "csto"', 'focus = "nato"')
    assert error_of(csto_copy).field == "scenario.focus"


def test_end_before_start(csto_copy):
    replace(csto_copy / "scenario.toml", "end = 2025-12-31", "end = 1990-01-01")
    assert error_of(csto_copy).field == "scenario.end"


def test_a_missing_required_file(csto_copy):
    (csto_copy / "states.toml").unlink()
    err = error_of(csto_copy)
    assert err.file.endswith("states.toml") and err.field == "(file)"


def test_a_stray_toml_file(csto_copy):
    (csto_copy / "notes.toml").write_text("x = 1\n")
    assert error_of(csto_copy).file.endswith("notes.toml")


def test_no_states_at_all(csto_copy):
    (csto_copy / "states.toml").write_text("# nothing yet\n")
    err = error_of(csto_copy)
    assert err.field == "state" and "at least one" in err.expected


def test_a_table_where_an_array_of_tables_is_expected(csto_copy):
    (csto_copy / "states.toml").write_text('[state]\niso3 = "RUS"\n')
    assert "array of tables" in error_of(csto_copy).expected


def test_an_array_where_the_scenario_table_is_expected(csto_copy):
    (csto_copy / "scenario.toml").write_text('[[scenario]]\nname = "x"\n')
    assert error_of(csto_copy).expected == "a [scenario] table"


def test_a_file_that_is_not_text(csto_copy):
    (csto_copy / "record.toml").write_bytes(b"\xff\xfe\x00\x01")
    assert "UTF-8" in str(error_of(csto_copy))


def test_a_folder_where_a_file_is_expected(csto_copy):
    (csto_copy / "timeline.toml").unlink()
    (csto_copy / "timeline.toml").mkdir()
    assert error_of(csto_copy).file.endswith("timeline.toml")


def test_a_long_value_is_shortened_in_the_message(csto_copy):
    replace(csto_copy / "states.toml", 'iso3 = "RUS"', 'iso3 = "' + "R" * 200 + '"')
    assert len(str(error_of(csto_copy))) < 300


def test_a_broken_file_is_left_as_it_was(csto_copy):
    append(csto_copy / "record.toml", "[[event]")
    before = {p.name: p.read_bytes() for p in csto_copy.iterdir()}
    with pytest.raises(ScenarioError):
        read_folder(csto_copy)
    assert {p.name: p.read_bytes() for p in csto_copy.iterdir()} == before


def test_a_file_of_the_folder_in_place_of_the_folder(csto_copy):
    err = error_of(csto_copy / "record.toml")
    assert "a scenario folder (or its scenario.toml)" in err.expected and err.found == "record.toml"


def test_a_rule_across_a_tables_fields_names_the_table_not_its_contents(csto_copy):
    replace(csto_copy / "alliances.toml", "since = 2010-12-10", "since = 1990-12-10")
    err = error_of(csto_copy)
    assert err.field == "alliance[0]"
    assert err.expected == "a valid table (procedure spells must be in date order)"
    assert err.found is None


def test_a_request_without_an_outcome(csto_copy):
    replace(csto_copy / "record.toml", 'outcome = "deployed"\n', "")
    err = error_of(csto_copy)
    assert err.field.startswith("event[") and "needs an outcome" in err.expected
