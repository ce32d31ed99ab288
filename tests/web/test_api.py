"""The browser view's server without a browser: what each question answers, and bad input as one
line naming the argument (HTTP 400), as the command line does with exit code 2."""

from __future__ import annotations

import io
import socket
import time

import pandas as pd
import pytest
from starlette.testclient import TestClient

from foedus.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with TestClient(create_app(tmp_path_factory.mktemp("serve"))) as c:
        yield c


def test_the_alliances_are_the_built_in_ones_and_atop_ones_found_by_a_members_name(client):
    ids = [a["id"] for a in client.get("/api/alliances").json()]
    assert ids == ["anzus", "csto", "nato", "rio", "sino-soviet"]
    found = client.get("/api/alliances", params={"q": "Brazil"}).json()
    assert "atop-3075" in [a["id"] for a in found]  # the Rio Treaty, 1947


def test_the_map_of_the_csto_on_1_march_2024(client):
    st = client.get("/api/standings", params={"alliance": "csto", "date": "2024-03-01"}).json()
    by = {s["state"]: s for s in st["states"]}
    assert by["ARM"]["standing"] == "frozen" and by["ARM"]["iso_numeric"] == "051"
    assert by["UZB"]["standing"] == "suspended" and by["AZE"]["standing"] == "withdrawn"
    assert all(s["on_map"] for s in st["states"])


def test_who_is_bound_answers_as_the_treaty_rules_do(client):
    ob = client.get("/api/bound", params={"alliance": "nato", "date": "2024-03-07", "victim": "SWE",
                                           "aggressor": "RUS"}).json()
    assert ob["casus_foederis"] and len(ob["bound"]) == 31 and "SWE" not in ob["bound"]


@pytest.mark.parametrize("place, covered", [("FLK", False), ("Gibraltar", True)])
def test_the_falklands_are_outside_natos_area_and_gibraltar_inside_in_1982(client, place, covered):
    ob = client.get("/api/bound", params={"alliance": "nato", "date": "1982-04-02", "victim": "GBR",
                                           "aggressor": "ARG", "place": place}).json()
    assert ob["casus_foederis"] is covered and ob["aggressors"] == ["ARG"]
    assert ("inside the treaty area (Art 6)" in " ".join(ob["conditions"])) is covered
    assert all(d["article"] == "Art 5" and d["bound"] is covered for d in ob["duties"])
    if not covered:
        assert ob["reason"] == ("the attack fell on Falkland Islands (FLK, South Atlantic; territory of GBR), "
                                "outside the treaty area (Art 6)")
    table = pd.read_csv(io.StringIO(client.get("/api/table/bound.csv", params={
        "alliance": "nato", "date": "1982-04-02", "victim": "GBR", "aggressor": "ARG", "place": place}).text))
    assert set(table["place"]) == {ob["place"]} and set(table["casus_foederis"]) == {covered}


def test_the_places_offered_are_the_scenarios_territories(client):
    places = {p["code"]: p for p in client.get("/api/record", params={"alliance": "nato"}).json()["places"]}
    assert places["FLK"]["of"] == "GBR" and places["GIB"]["name"] == "Gibraltar"
    assert places["GOA"]["until"] == "1961-12-19"


def test_several_aggressors_by_commas_or_repeated(client):
    base = {"alliance": "csto", "date": "2022-09-13", "victim": "ARM"}
    by_commas = client.get("/api/bound", params={**base, "aggressor": "AZE, GEO"}).json()
    repeated = client.get("/api/bound", params=[*base.items(), ("aggressor", "AZE"), ("aggressor", "GEO")]).json()
    assert by_commas == repeated and by_commas["aggressors"] == ["AZE", "GEO"]


def test_a_forecast_job_reports_progress_and_gives_its_tables(client):
    job = client.post("/api/forecast", json={"alliance": "csto", "levers": ["war-ends:2026-06"], "runs": 100,
                                             "months": 12, "seed": 3}).json()
    while not job["finished"]:
        time.sleep(0.1)
        job = client.get(f"/api/forecast/{job['id']}").json()
    assert job["error"] is None and job["done"] == 1.0
    res = job["result"]
    assert res["command"] == ("foedus compare csto --lever war-ends:2026-06:value=0.2 --name what-if "
                              "--months 12 --runs 100 --seed 3 --param-draws 20")
    assert {r["metric"] for r in res["paired"]} >= {"p_exit", "active_members"}
    table = pd.read_parquet(io.BytesIO(client.get("/api/table/comparison.parquet", params={"job": job["id"]}).content))
    assert len(table) == len(res["paired"]) and "verdict" in table


@pytest.mark.parametrize("path, params, message", [
    ("/api/record", {"alliance": "warsaw"}, "argument alliance: expected a built-in scenario (anzus, csto, nato, rio, sino-soviet) or atop-<ATOP id>, found 'warsaw'"),
    ("/api/standings", {"alliance": "csto", "date": "2024-02-30"}, "argument date: expected a date YYYY-MM-DD"),
    ("/api/bound", {"alliance": "csto", "date": "2022-09-13", "victim": "XXX"}, "argument victim: expected a state of scenario 'csto'"),
    ("/api/bound", {"alliance": "csto", "date": "2022-09-13"}, "argument victim: expected a value, found 'nothing'"),
    ("/api/table/events.xlsx", {"alliance": "csto"}, "argument format: expected csv or parquet, found 'xlsx'"),
    ("/api/bound", {"alliance": "nato", "date": "1982-04-02", "victim": "GBR", "aggressor": "ARG,GBR"},
     "argument aggressor: expected a state other than the victim, found 'GBR'"),
    ("/api/bound", {"alliance": "nato", "date": "1982-04-02", "victim": "GBR", "place": "Atlantis"},
     "argument place: expected a state's ISO3 code or a territory of the scenario (FR-DZ, GOA, FLK, GIB), found 'Atlantis'"),
])
def test_bad_input_is_one_line_naming_the_argument(client, path, params, message):
    r = client.get(path, params=params)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err.startswith(message) and "\n" not in err


def test_a_forecast_carries_the_interval_across_parameter_draws_as_foedus_simulate_does(client, tmp_path):
    import foedus

    def run(draws: int) -> dict:
        job = client.post("/api/forecast", json={"alliance": "csto", "runs": 100, "months": 12, "seed": 3,
                                                 "draws": draws}).json()
        while not job["finished"]:
            time.sleep(0.1)
            job = client.get(f"/api/forecast/{job['id']}").json()
        assert job["error"] is None
        return dict(job["result"], job=job["id"])

    res = run(20)
    assert res["command"] == "foedus simulate csto --months 12 --runs 100 --seed 3 --param-draws 20"
    assert res["draws"].startswith("parameters: 20 draws from the posterior")
    # the same numbers as the command it prints: foedus simulate split across the same draws
    cli = foedus.simulate("csto", months=12, runs=100, seed=3, param_draws=20, out=tmp_path / "cli").summary()
    cli = cli.set_index("state")
    for r in res["exits"]:
        assert r["p_exit_draws_q05"] <= r["p_exit"] <= r["p_exit_draws_q95"]
        assert r["p_exit_runs_q05"] <= r["p_exit"] <= r["p_exit_runs_q95"]
        for col in ("p_exit", "p_exit_draws_q05", "p_exit_draws_q95"):
            assert r[col] == pytest.approx(cli.at[r["state"], col])
    armenia = next(r for r in res["exits"] if r["state"] == "ARM")
    assert armenia["p_exit_draws_q95"] > armenia["p_exit_draws_q05"], "the draws disagree about Armenia"
    (horizon,) = res["at_horizon"]
    assert horizon["draws_q05"] <= horizon["active_members"] <= horizon["draws_q95"]
    # both intervals in the downloads too
    exits = pd.read_parquet(io.BytesIO(client.get("/api/table/exits.parquet", params={"job": res["job"]}).content))
    assert {"p_exit_draws_q05", "p_exit_draws_q95", "p_exit_runs_q05", "p_exit_runs_q95"} <= set(exits.columns)
    at_horizon = pd.read_csv(io.StringIO(client.get("/api/table/horizon.csv", params={"job": res["job"]}).text))
    assert list(at_horizon.columns) == ["arm", "month", "active_members", "draws_q05", "draws_q95", "runs_q05", "runs_q95"]
    # one draw: the fitted values, and the interval across draws is a point
    fitted = run(1)
    assert fitted["command"].endswith("--seed 3 --param-draws 1")
    assert all(r["p_exit_draws_q05"] == r["p_exit"] == r["p_exit_draws_q95"] for r in fitted["exits"])


def test_a_bad_forecast_is_refused_before_it_runs(client):
    r = client.post("/api/forecast", json={"alliance": "csto", "runs": 50_000})
    assert r.status_code == 400 and r.json()["error"] == "argument runs: expected a whole number from 1 to 20000, found 50000"
    r = client.post("/api/forecast", json={"alliance": "csto", "runs": 100, "draws": 101})
    assert r.status_code == 400 and r.json()["error"].startswith("argument draws: expected a whole number of parameter "
                                                                 "draws from 0 to 100 (at most the runs")
    r = client.post("/api/forecast", json={"alliance": "csto", "levers": ["crisis:2026-09:state=ZZZ"]})
    assert r.status_code == 400 and "ZZZ" in r.json()["error"]


def test_foedus_serve_on_a_busy_port_is_one_line_and_exit_2(cli):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, out, err = cli("serve", "--port", str(port))
    assert code == 2
    assert err.strip() == f"foedus: error: argument --port: expected a free port on 127.0.0.1 (Address already in use), found {port}"


def test_old_forecasts_are_forgotten_with_their_folders(tmp_path):
    from foedus.web import forecast

    f = forecast.Forecasts(tmp_path)
    jobs = []
    for k in range(forecast.KEEP_JOBS + 2):
        job = f.start("csto", lever_specs=(f"war-ends:2026-{1 + k % 12:02d}",), runs=10, months=2, seed=k)
        while job.result is None and job.error is None:
            time.sleep(0.02)
        jobs.append(job)
    assert len(f.jobs) == forecast.KEEP_JOBS and jobs[0].id not in f.jobs and jobs[-1].id in f.jobs
    assert not (tmp_path / "jobs" / jobs[0].id).exists() and (tmp_path / "jobs" / jobs[-1].id).is_dir()
