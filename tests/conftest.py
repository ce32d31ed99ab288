"""Suite-wide: no test writes into the user's own foedus home (the experiment registry); the
suite's split across pytest-xdist workers (docs/testing.md); the fuzz harness's tally."""

from __future__ import annotations

import collections

import pytest


@pytest.fixture(autouse=True)
def _foedus_home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path_factory.mktemp("foedus-home")))


@pytest.fixture
def cli(capsys):
    """``cli(*args) -> (exit code, stdout, stderr)``: run ``foedus ARGS`` in this process, as the
    console script does."""
    from foedus.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def scenario_copy(tmp_path):
    """``scenario_copy(name) -> Path``: a writable copy of a built-in scenario's folder, under the
    test's temporary directory and with the scenario's name, for tests that damage a file."""
    import shutil

    from foedus.scenario.loader import builtin_root

    def copy(name: str):
        dst = tmp_path / name
        shutil.copytree(builtin_root() / name, dst)
        return dst

    return copy


# --- headless Chromium, for the report's and the browser view's tests --------------------------

def _find_chromium() -> str | None:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; installed here (apt-get, as root) when it is missing. Skips, saying why,
    only if it cannot be installed."""
    import os
    import subprocess

    path = _find_chromium()
    if path:
        return path
    if os.geteuid() != 0:
        pytest.skip("chromium is not installed and the tests do not run as root to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log = []
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"could not install chromium: {' '.join(cmd)}: {exc}")
        log.append(p.stdout[-2000:] + p.stderr[-2000:])
        if p.returncode != 0:
            pytest.skip(f"could not install chromium: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-300:]}")
    path = _find_chromium()
    if not path:
        pytest.skip("apt-get installed chromium but no chromium binary is on PATH")
    return path



# --- in parallel: pytest-xdist with --dist loadgroup (pyproject's addopts) ----------------------

#: Session fixtures that take seconds to minutes to build, and are built once per worker that uses
#: them: the test files that use one run in one worker together, so the suite builds it once.
SHARED_FIXTURES = {"simulated": "whatif-comparison", "simulated_report": "whatif-comparison",
                   "history_rows": "retrodiction-history", "server": "browser", "browser": "browser",
                   "real_obs": "csto-nato-decisions"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Each test file runs in one worker (its module fixtures, such as a scenario's retrodiction or
    the fuzz harness's sandbox, are built once, and its tests keep their order); the files that
    share one of :data:`SHARED_FIXTURES` run in that fixture's worker, and first: xdist hands out
    the groups in this order, so the longest ones do not start last while the other workers idle."""
    group: dict[str, str] = {}
    for item in items:
        file = item.nodeid.split("::")[0]
        shared = [SHARED_FIXTURES[n] for n in getattr(item, "fixturenames", ()) if n in SHARED_FIXTURES]
        if shared:
            group[file] = shared[0]
        else:
            group.setdefault(file, file)
    for item in items:
        item.add_marker(pytest.mark.xdist_group(group[item.nodeid.split("::")[0]]))
    if getattr(config.option, "numprocesses", None):
        shared = set(SHARED_FIXTURES.values())
        items.sort(key=lambda item: (group[item.nodeid.split("::")[0]] not in shared,
                                     group[item.nodeid.split("::")[0]]))


# --- the fuzz harness's tally (tests/fuzz) ------------------------------------------------------
# Every case run is counted by outcome; the count is printed at the end of the session, summed over
# the workers (``pytest tests/fuzz -s`` shows it too). Kept here: with xdist, only the top conftest
# runs in the controlling process that prints the summary.

_TALLY = pytest.StashKey[collections.Counter]()


def _tally_of(config) -> collections.Counter:
    return config.stash.setdefault(_TALLY, collections.Counter())


@pytest.fixture
def tally(request):
    """``tally(kind, exit_code)``: count one fuzz case."""
    def record(kind: str, code: int) -> None:
        _tally_of(request.config)[(kind, code)] += 1
    return record


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):         # an xdist worker: hand the count to the controller
        session.config.workeroutput["fuzz_tally"] = [[k, c, n] for (k, c), n in _tally_of(session.config).items()]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for kind, code, n in getattr(node, "workeroutput", {}).get("fuzz_tally", ()):
        _tally_of(node.config)[(kind, code)] += n


def pytest_terminal_summary(terminalreporter):
    counts = _tally_of(terminalreporter.config)
    if counts:
        parts = ", ".join(f"{kind} exit {code}: {n}" for (kind, code), n in sorted(counts.items()))
        terminalreporter.write_line(f"fuzz harness: {sum(counts.values())} cases ({parts})")
