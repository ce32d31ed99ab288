"""`foedus simulate` and `foedus.simulate`: the results folder follows docs/results.md."""

import json
import subprocess
import sys

import pandas as pd
import pytest

import foedus
from foedus.errors import ArgumentError, ResultsError
from foedus.results import load

MONTHLY = ["month", "state", "p_active", "p_frozen", "p_notice", "p_withdrawn", "p_suspended", "p_member",
           "cred_mean", "cred_q05", "cred_q25", "cred_q50", "cred_q75", "cred_q95", "requests", "honoured_full",
           "honoured_part", "refused"]
FINAL = ["run", "state", "standing", "first_exit_month", "credibility"]
RUNS = ["run", "requests", "honoured_full", "honoured_part", "refused", "exits", "freezes", "notices", "returns",
        "accessions", "alliance_ends", "active_members"]
MANIFEST = ["foedus_version", "command", "created", "scenario", "scenario_hash", "scenario_path", "alliance",
            "variant", "levers", "start", "months", "runs", "seed", "chunk_size", "executor", "parameters", "states",
            "complete", "chunks_total", "chunks_done"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim") / "csto"
    res = foedus.simulate("csto", start="2024-03-01", months=24, runs=300, seed=7, chunk_size=100, out=out)
    return out, res


def test_folder_follows_the_contract(folder):
    out, res = folder
    m = json.loads((out / "manifest.json").read_text())
    assert set(MANIFEST) <= set(m) and m["complete"] and m["chunks_done"] == m["chunks_total"] == 3
    assert sorted(p.name for p in (out / "chunks").iterdir()) == [f"chunk-0000{i}.npz" for i in range(3)]
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert list(monthly.columns) == MONTHLY and len(monthly) == 24 * len(m["states"])
    assert list(pd.read_parquet(out / "final.parquet").columns) == FINAL
    assert list(pd.read_parquet(out / "runs.parquet").columns) == RUNS
    total = monthly[["p_active", "p_frozen", "p_notice", "p_withdrawn", "p_suspended"]].sum(axis=1)
    members = monthly[monthly["state"].isin(["BLR", "ARM", "KAZ", "KGZ", "TJK"])]
    assert (total[members.index] <= 1 + 1e-9).all()
    # a member that left may apply to come back: every run of a member is in one of those
    # standings, or an applicant or invited again after it left
    final = pd.read_parquet(out / "final.parquet")
    rest = final[final["state"].isin(["BLR", "ARM", "KAZ", "KGZ", "TJK"])
                 & ~final["standing"].isin(["active", "frozen", "notice", "withdrawn", "suspended"])]
    assert rest["standing"].isin(["applicant", "invited"]).all() and (rest["first_exit_month"] >= 0).all()
    assert (total[members.index] > 0.98).all()
    assert ((monthly["cred_q05"] <= monthly["cred_q50"]) & (monthly["cred_q50"] <= monthly["cred_q95"])).all()


def test_load_round_trip(folder):
    out, res = folder
    back = load(out)
    pd.testing.assert_frame_equal(back.monthly, res.monthly, check_dtype=False)
    pd.testing.assert_frame_equal(back.final, res.final)
    assert back.summary()["state"].tolist() == ["RUS", "BLR", "ARM", "KAZ", "KGZ", "TJK", "UZB"]


def test_incomplete_folder_reads_as_incomplete(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"complete": False, "chunks_done": 1, "chunks_total": 3}))
    res = load(tmp_path)
    assert not res.complete and res.missing_chunks == (0, 1, 2) and "INCOMPLETE" in repr(res)


def test_summary_agrees_with_the_per_run_table(folder):
    _, res = folder
    s = res.summary().set_index("state")
    arm = res.final.query("state == 'ARM'")
    assert s.loc["ARM", "p_withdrawn"] == pytest.approx((arm["standing"] == "withdrawn").mean())
    assert s.loc["ARM", "share_no_exit"] == pytest.approx((arm["first_exit_month"] < 0).mean())
    assert res.runs["requests"].sum() == pytest.approx(res.monthly["requests"].sum() * 300)


# raised from Python, an error names the Python argument (the CLI names the flag: tests/api)
@pytest.mark.parametrize("kw,name", [(dict(runs=0), "argument runs"), (dict(months=0), "argument months"),
                                     (dict(seed=-1), "argument seed"), (dict(chunk_size=0), "argument chunk_size"),
                                     (dict(start="1900-01-01"), "argument start"), (dict(executor="mpi"), "argument executor"),
                                     (dict(parameters={"nope": 1}), "parameter")])
def test_bad_arguments_are_argument_errors(kw, name):
    args = dict(start="2024-03-01", months=2, runs=10, seed=1)
    args.update(kw)
    with pytest.raises(ArgumentError, match=name):
        foedus.simulate("csto", **args)


def _cli(*args, cwd=None):
    cmd = [sys.executable, "-c", "import sys; from foedus.cli import main; sys.argv[0] = 'foedus'; main()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)


def test_cli_json_and_table(tmp_path):
    r = _cli("simulate", "csto", "--from", "2024-03-01", "--months", "6", "--runs", "200", "--seed", "3",
             "-o", str(tmp_path / "a"), "--json", "--no-per-run")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["manifest"]["seed"] == 3 and {row["state"] for row in doc["summary"]} >= {"ARM", "KAZ"}
    assert not (tmp_path / "a" / "final.parquet").exists() and (tmp_path / "a" / "monthly.parquet").exists()
    r = _cli("simulate", "nato", "--from", "2024-03-01", "--months", "3", "--runs", "50", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "USA" in r.stdout and "results/nato-" in r.stdout
    assert len(list((tmp_path / "results").iterdir())) == 1


def test_cli_bad_input_is_one_line_exit_2():
    r = _cli("simulate", "csto", "--runs", "0")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "--runs" in r.stderr
    r = _cli("simulate", "nowhere")
    assert r.returncode == 2 and "Traceback" not in r.stderr
