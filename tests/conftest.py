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
