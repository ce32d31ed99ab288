"""Suite-wide: no test writes into the user's own foedus home (the experiment registry)."""

from __future__ import annotations

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

