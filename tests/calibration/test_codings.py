"""Named codings of contested facts: a coding changes the record the fit sees, the forecast runs on
the record and the calibration of that coding, and a bad name is one line."""

import pytest

import foedus
from foedus.calibration.observations import build
from foedus.scenario.codings import codings


def _standing(sc, date, state):
    return sc.replay(date).alliance(sc.data.scenario.focus).standing(state).name


def test_the_codings_of_the_contested_facts_are_named():
    assert {"uzb-2012-withdrawal", "fra-grc-stepped-out"} <= set(codings())
    for c in codings().values():
        assert c.source and c.question and c.calibration().name == f"{c.name}.toml"


def test_uzbekistan_2012_as_a_withdrawal_leaves_by_notice_instead_of_being_suspended():
    csto = foedus.load_scenario("csto")
    assert _standing(csto, "2013-06-01", "UZB") == "suspended"
    coded = csto.coded("uzb-2012-withdrawal")
    assert _standing(coded, "2012-09-01", "UZB") == "notice"
    assert _standing(coded, "2013-06-01", "UZB") == "withdrawn"
    assert _standing(csto, "2013-06-01", "UZB") == "suspended"   # the shipped record is untouched


def test_france_and_greece_as_steps_out_are_frozen_members_of_nato():
    nato = foedus.load_scenario("nato").coded("fra-grc-stepped-out")
    assert _standing(nato, "1976-01-01", "FRA") == "frozen"
    assert _standing(nato, "1976-01-01", "GRC") == "frozen"
    assert _standing(nato, "2010-01-01", "FRA") == "active"
    assert _standing(foedus.load_scenario("nato"), "1976-01-01", "FRA") == "active"


@pytest.mark.parametrize("name, scenario, kind", [("uzb-2012-withdrawal", "csto", "member:notice"),
                                                   ("fra-grc-stepped-out", "nato", "member:frozen")])
def test_a_coding_changes_the_record_the_fit_sees(name, scenario, kind):
    plain = build([foedus.load_scenario(scenario)]).count()
    coded = build([foedus.load_scenario(scenario).coded(name)]).count()
    assert coded != plain
    assert coded.get(kind, 0) > plain.get(kind, 0)


def test_a_coding_of_another_scenario_leaves_the_record_as_it_is():
    csto = foedus.load_scenario("csto")
    assert csto.coded("fra-grc-stepped-out") is csto


def test_a_coded_forecast_runs_on_the_coding_s_calibration():
    res = foedus.simulate("csto", months=6, runs=40, seed=2, coding="fra-grc-stepped-out", param_draws=4)
    assert res.manifest["coding"] == "fra-grc-stepped-out"
    assert "fra-grc-stepped-out.toml" in res.manifest["draws"]
    from foedus.model.posterior import fitted_values
    from foedus.scenario.codings import coding

    fitted = fitted_values(coding("fra-grc-stepped-out").calibration())
    assert all(res.manifest["parameters"][k] == pytest.approx(v) for k, v in fitted.items())


def test_a_retrodiction_with_uzbekistan_2012_as_a_withdrawal_counts_a_notice_and_an_exit_not_a_suspension():
    from foedus.model.posterior import fitted_values
    from foedus.retrodiction import retrodict
    from foedus.scenario.codings import coding

    plain = retrodict("csto", "2010-01-01", "2013-12", runs=20, seed=0).rows.set_index("event")["real"]
    coded = retrodict("csto", "2010-01-01", "2013-12", runs=20, seed=0, coding="uzb-2012-withdrawal")
    real = coded.rows.set_index("event")["real"]
    assert (plain["suspensions"], plain["notices"], plain["exits"]) == (1, 0, 0)
    assert (real["suspensions"], real["notices"], real["exits"]) == (0, 1, 1)
    # the coded record run on the coding's own calibration: the same runs, draw for draw
    by_hand = retrodict(foedus.load_scenario("csto").coded("uzb-2012-withdrawal").data, "2010-01-01", "2013-12",
                        runs=20, seed=0, parameters=fitted_values(coding("uzb-2012-withdrawal").calibration()))
    assert coded.draws.equals(by_hand.draws)
    shipped = retrodict(foedus.load_scenario("csto").coded("uzb-2012-withdrawal").data, "2010-01-01", "2013-12",
                        runs=20, seed=0)
    assert not coded.draws.equals(shipped.draws)


def test_a_retrodiction_with_a_coding_refuses_a_parameter_file_too(cli, tmp_path):
    code, out, err = cli("retrodict", "csto", "--from", "2010-01", "--to", "2012-12", "--runs", "4",
                         "--coding", "uzb-2012-withdrawal", "--parameters", "src/foedus/model/calibrated.toml")
    assert code == 2 and "--parameters" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["simulate", "csto", "--months", "3", "--runs", "4"],
                                     ["compare", "csto", "--variant", "war-ends-2026", "--months", "3", "--runs", "4"],
                                     ["retrodict", "csto", "--from", "2010-01", "--to", "2012-12", "--runs", "4"],
                                     ["calibrate"]])
def test_an_unknown_coding_is_one_line_and_exit_2(cli, tmp_path, command):
    code, out, err = cli(*command, "--coding", "uzbekistan-stayed", "-o", str(tmp_path / "x"))
    assert code == 2
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and "--coding" in lines[0] and "uzb-2012-withdrawal" in lines[0]
    assert not (tmp_path / "x").exists()
