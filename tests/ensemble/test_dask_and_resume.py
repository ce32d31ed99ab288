"""Beyond one machine: the Dask executor gives the serial executor's results bit for bit; a run
killed outright is finished by --resume and equals an uninterrupted one; an interrupted folder
reads as incomplete; memory does not grow with the runs when per-run tables are not kept."""

import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc

import pandas as pd
import pytest

import foedus
from foedus.engine import compile_model
from foedus.ensemble import run_ensemble
from foedus.ensemble.dask_executor import DaskExecutor
from foedus.results import load

TABLES = ("monthly", "final", "runs", "summary")
SETTINGS = ["--from", "2024-03-01", "--months", "60", "--runs", "4000", "--chunk-size", "100", "--seed", "21"]


# A pause after each chunk (FOEDUS_CHUNK_PAUSE) leaves time to interrupt the run mid-way on any machine.
PAUSED = {**os.environ, "FOEDUS_CHUNK_PAUSE": "0.05"}


def _same(a, b):
    for t in TABLES:
        x = a.summary() if t == "summary" else getattr(a, t)
        y = b.summary() if t == "summary" else getattr(b, t)
        pd.testing.assert_frame_equal(x, y, check_exact=True)


def _folder_tables_equal(p, q):
    for t in TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(p / f"{t}.parquet"), pd.read_parquet(q / f"{t}.parquet"),
                                      check_exact=True)


def _foedus(*args, **kw):
    return [sys.executable, "-c", "import sys; from foedus.cli import main; sys.argv[0] = 'foedus'; main()", *args]


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True) as c:
        yield c


def test_dask_executor_keeps_every_item_with_bounded_work_in_flight(cluster):
    with DaskExecutor(scheduler=cluster.scheduler_address) as ex:
        assert ex.workers == 2
        assert sorted(ex.map(abs, range(-25, 0))) == list(range(1, 26))   # 25 items, 4 in flight at a time


def test_dask_on_a_cluster_equals_serial_bit_for_bit(cluster):
    kw = dict(start="2024-03-01", months=30, runs=700, seed=13, chunk_size=100)
    serial = foedus.simulate("csto", **kw)
    dask = foedus.simulate("csto", **kw, executor="dask", scheduler=cluster.scheduler_address)
    assert dask.manifest["executor"] == "dask"
    _same(serial, dask)
    assert serial.runs["requests"].sum() > 0


def _malloc_environ():
    import os

    return os.environ.get("MALLOC_MMAP_THRESHOLD_"), os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_local_cluster_workers_keep_glibc_mmap_threshold_high():
    # Dask's nanny default (MALLOC_TRIM_THRESHOLD_=65536) switches off the adaptive mmap threshold:
    # the engine's large arrays were mapped afresh each time and a chunk took twice the CPU time
    from foedus.ensemble.dask_executor import WORKER_ENVIRON

    want = (WORKER_ENVIRON["MALLOC_MMAP_THRESHOLD_"], WORKER_ENVIRON["MALLOC_TRIM_THRESHOLD_"])
    with DaskExecutor(workers=1) as ex:
        got = list(ex.client.run(_malloc_environ).values())
    assert got == [want]


def test_cli_dask_local_cluster_equals_serial(tmp_path):
    args = ["simulate", "csto", "--from", "2024-03-01", "--months", "24", "--runs", "500", "--chunk-size", "100",
            "--seed", "4", "--json"]
    a = subprocess.run(_foedus(*args, "-o", str(tmp_path / "serial")), capture_output=True, text=True)
    b = subprocess.run(_foedus(*args, "-o", str(tmp_path / "dask"), "--executor", "dask", "--workers", "2"),
                       capture_output=True, text=True)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert json.loads(b.stdout)["manifest"]["executor"] == "dask"
    _folder_tables_equal(tmp_path / "serial", tmp_path / "dask")


def _wait_for_chunks(folder, n, proc, limit=60.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if len(list((folder / "chunks").glob("chunk-*.npz"))) >= n:
            return
        assert proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.01)
    raise AssertionError("no chunks appeared")


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """A run killed with SIGKILL after a few chunks, as the folder it left."""
    out = tmp_path_factory.mktemp("killed") / "csto"
    proc = subprocess.Popen(_foedus("simulate", "csto", *SETTINGS, "-o", str(out)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=PAUSED)
    _wait_for_chunks(out, 3, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return out


def test_an_interrupted_folder_is_readable_and_says_it_is_incomplete(killed):
    m = json.loads((killed / "manifest.json").read_text())
    done = len(list((killed / "chunks").glob("chunk-*.npz")))
    # the manifest may lag the chunk files by the chunk being recorded when the kill came
    assert m["complete"] is False and m["chunks_total"] == 40 and done - 1 <= m["chunks_done"] <= done < 40
    assert done >= 3
    assert not list(killed.glob("*.parquet"))       # no table a reader could take for whole
    res = load(killed)
    assert not res.complete and len(res.missing_chunks) == 40 - done and "INCOMPLETE" in repr(res)
    assert res.manifest["partial_runs"] == 100 * done
    assert len(res.monthly) == 60 * len(m["states"]) and res.final is None
    r = subprocess.run(_foedus("report", str(killed)), capture_output=True, text=True)
    assert r.returncode == 2 and "not complete" in r.stderr and r.stderr.strip().count("\n") == 0


def test_resume_with_other_settings_is_refused_in_one_line(killed):
    r = subprocess.run(_foedus("simulate", "csto", "--runs", "3000", "--resume", str(killed)), capture_output=True,
                       text=True)
    assert r.returncode == 2 and "--runs differs" in r.stderr and r.stderr.strip().count("\n") == 0
    r = subprocess.run(_foedus("simulate", "csto", "--seed", "22", "--resume", str(killed)), capture_output=True,
                       text=True)
    assert r.returncode == 2 and "--seed differs" in r.stderr


def test_kill_then_resume_equals_an_uninterrupted_run(killed, tmp_path):
    # a damaged chunk file (as a disk might leave it) is not taken for whole: it is run again
    missing = load(killed).missing_chunks
    assert not (killed / "chunks" / f"chunk-{missing[-1]:05d}.npz").exists()
    (killed / "chunks" / f"chunk-{missing[-1]:05d}.npz").write_bytes(b"PK\x03\x04 truncated")
    before = {p.name: p.stat().st_mtime_ns for p in (killed / "chunks").glob("chunk-*.npz")}
    r = subprocess.run(_foedus("simulate", "csto", "--resume", str(killed), "--json"), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    m = json.loads((killed / "manifest.json").read_text())
    assert m["complete"] and m["chunks_done"] == 40 and m["resumed"][0]["chunks_recorded"] >= 2
    after = {p.name: p.stat().st_mtime_ns for p in (killed / "chunks").glob("chunk-*.npz")}
    assert len(after) == 40
    kept = [n for n in before if before[n] == after[n]]
    assert len(kept) == len(before) - 1          # the finished chunks were not run again, the damaged one was
    whole = tmp_path / "whole"
    r = subprocess.run(_foedus("simulate", "csto", *SETTINGS, "-o", str(whole), "--json"), capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    _folder_tables_equal(whole, killed)
    assert load(killed).complete


def test_ctrl_c_leaves_finished_chunks_and_says_how_to_resume(tmp_path):
    out = tmp_path / "r"
    proc = subprocess.Popen(_foedus("simulate", "csto", *SETTINGS, "-o", str(out)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=PAUSED,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _wait_for_chunks(out, 2, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"--resume {out}" in err and "Traceback" not in err
    assert not load(out).complete


def _peak(runs):
    m = compile_model(foedus.load_scenario("csto").data, "2024-03-01", 24)
    tracemalloc.start()
    run_ensemble(m, runs, 3, chunk_size=500, per_run=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_without_per_run_tables_memory_does_not_grow_with_the_runs():
    small, large = _peak(1000), _peak(8000)
    assert large < 1.15 * small, (small, large)


@pytest.mark.parametrize("args,name", [
    (["simulate", "csto", "--executor", "mpi"], "--executor"),
    (["simulate", "csto", "--executor", "processes", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler"),
    (["simulate", "csto", "--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"], "--workers"),
    (["compare", "csto", "--variant", "info-ops", "--executor", "mpi"], "--executor"),
    (["sensitivity", "csto", "--executor", "mpi"], "--executor"),
])
def test_bad_executor_choices_are_one_line_exit_2(args, name, tmp_path):
    r = subprocess.run(_foedus(*args, "-o", str(tmp_path / "x")), capture_output=True, text=True)
    assert r.returncode == 2 and name in r.stderr and r.stderr.strip().count("\n") == 0, r.stderr
    assert not (tmp_path / "x" / "manifest.json").exists()
