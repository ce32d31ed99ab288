"""A damaged experiment registry is reported at once as damaged, with what to do; it is not blamed
on a lock, and a command whose work is done still succeeds."""

import os
import time
from pathlib import Path


def test_a_damaged_registry_is_said_at_once(cli):
    reg = Path(os.environ["FOEDUS_HOME"]) / "registry.duckdb"
    reg.write_bytes(b"not a database, but a thesis chapter\n" * 200)
    t0 = time.monotonic()
    code, _, err = cli("runs", "list")
    assert code == 2 and "damaged" in err and "lock" not in err and "mv " in err, err
    assert time.monotonic() - t0 < 10  # no waiting for a lock that is not there
    assert reg.read_bytes().startswith(b"not a database")  # foedus does not touch it


def test_a_simulation_still_succeeds_with_a_damaged_registry(cli, tmp_path):
    reg = Path(os.environ["FOEDUS_HOME"]) / "registry.duckdb"
    reg.write_bytes(b"garbage" * 100)
    code, _, err = cli("simulate", "csto", "--runs", "4", "--months", "2", "-o", str(tmp_path / "r"))
    assert code == 0 and "damaged" in err and "warning" in err, err
