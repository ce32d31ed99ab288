"""An interrupted comparison says so, keeps its finished arms, and `compare --resume` finishes it with
the same figures as a comparison never interrupted."""

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd

SETTINGS = ["--variant", "info-ops", "--start", "2024-03", "--months", "12", "--runs", "60", "--seed", "5"]


def _foedus(*args):
    return [sys.executable, "-c", "import sys; from foedus.cli import main; main()", *args]


def _wait_for(path, proc, timeout=120):
    t0 = time.monotonic()
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() - t0 < timeout, "the arm never started"
        time.sleep(0.05)


def test_ctrl_c_during_compare_says_how_to_resume_and_resume_finishes_it(tmp_path, cli):
    out = tmp_path / "cmp"
    # a pause after each chunk leaves time to interrupt the second arm mid-way on any machine
    proc = subprocess.Popen(_foedus("compare", "csto", *SETTINGS, "-o", str(out)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "FOEDUS_CHUNK_PAUSE": "2"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _wait_for(out / "info-ops" / "chunks" / "chunk-00000.npz", proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"--resume {out}" in err and "1 arm(s) finished" in err and "Traceback" not in err
    assert json.loads((out / "comparison.json").read_text())["complete"] is False

    code, _, err = cli("report", str(out))
    assert code == 2 and "--resume" in err  # not just "no manifest.json"
    code, _, err = cli("compare", "csto", *SETTINGS, "-o", str(out))
    assert code == 2 and "resume" in err    # re-running into it is refused, saying what to do

    code, _, err = cli("compare", "csto", "--resume", str(out), "--json")
    assert code == 0, err
    code, _, err = cli("compare", "csto", *SETTINGS, "-o", str(tmp_path / "whole"), "--json")
    assert code == 0, err
    a = pd.DataFrame(json.loads((out / "comparison.json").read_text())["differences"])
    b = pd.DataFrame(json.loads((tmp_path / "whole" / "comparison.json").read_text())["differences"])
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_resume_refuses_other_arms(tmp_path, cli):
    out = tmp_path / "cmp"
    assert cli("compare", "csto", *SETTINGS, "-o", str(out))[0] == 0
    doc = json.loads((out / "comparison.json").read_text())
    (out / "comparison.json").write_text(json.dumps({**doc, "complete": False}))
    code, _, err = cli("compare", "csto", "--resume", str(out), "--variant", "war-ends-2026")
    assert code == 2 and "arms differ" in err
