"""Suite-wide: no test writes into the user's own foedus home (the experiment registry)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _foedus_home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path_factory.mktemp("foedus-home")))
