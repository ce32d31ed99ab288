"""``foedus forecast``: each member's chance of leaving by a year, with its intervals across
parameter draws, run to run and across codings."""

import json


def test_forecast_gives_every_member_by_every_year_and_coding(cli):
    code, out, err = cli("forecast", "csto", "--by", "2026", "--by", "2027", "--runs", "12", "--param-draws", "3",
                         "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["codings"][0] == "shipped" and "uzb-2012-withdrawal" in doc["codings"]
    shipped = [r for r in doc["rows"] if r["coding"] == "shipped"]
    assert {r["by"] for r in shipped} == {2026, 2027}
    assert {r["state"] for r in shipped} >= {"ARM", "KAZ", "RUS"}
    for r in doc["rows"]:
        for f in ("p_left", "p_exit"):
            assert r[f + "_draws_q05"] <= r[f + "_draws_q95"] and r[f + "_runs_q05"] <= r[f] <= r[f + "_runs_q95"]
    # under the withdrawal coding Uzbekistan left in 2012: not a member to forecast
    assert "UZB" not in {r["state"] for r in doc["rows"] if r["coding"] == "uzb-2012-withdrawal"}


def test_forecast_prints_the_intervals(cli):
    code, out, _ = cli("forecast", "--by", "2026", "--runs", "6", "--param-draws", "2", "--no-codings")
    assert code == 0
    assert "by 2026" in out and "ARM" in out and "p_left" in out and "p_exit" in out


def test_a_year_before_the_record_s_end_is_one_line(cli):
    code, _, err = cli("forecast", "--by", "2019")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--by" in err


def test_the_fit_on_the_whole_record_is_reported_beside_the_shipped_one_with_its_states_effects(cli):
    args = ("forecast", "csto", "--by", "2026", "--runs", "8", "--param-draws", "2", "--no-codings", "--json")
    code, out, err = cli(*args)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["codings"] == ["shipped", "whole record"]
    assert doc["state_effects"] == {"whole record": "calibrated-pooled.toml"}
    whole = [r for r in doc["rows"] if r["coding"] == "whole record"]
    assert {r["state"] for r in whole} >= {"ARM", "KAZ"}
    assert {r["state_effects"] for r in whole} == {"calibrated-pooled.toml"}
    assert {r["state_effects"] for r in doc["rows"] if r["coding"] == "shipped"} == {None}
    code, out, err = cli(*args, "--no-state-effects")
    assert code == 0, err
    assert {r["state_effects"] for r in json.loads(out)["rows"]} == {None}
