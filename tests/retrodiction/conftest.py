"""The retrodiction the history tests share: the CSTO and NATO, July 2004 to December 2025, 300
seeded runs on the fitted values, run once per alliance for the session."""

from __future__ import annotations

import functools

import pytest

from foedus.retrodiction import retrodict


@functools.cache
def _rows(name: str):
    return retrodict(name, "2004-07-01", "2025-12", runs=300, seed=0).rows.set_index("event")


@pytest.fixture(scope="session")
def history_rows():
    """``history_rows(name)``: the retrodiction's rows by event class (computed once per alliance)."""
    return _rows


@pytest.fixture(scope="session")
def outside_interval():
    """``outside_interval(rows, events)``: {event: (real, q05, q95)} of the classes whose real count
    lies outside the simulated 90% interval."""
    def outside(rows, events):
        return {e: (int(rows.at[e, "real"]), rows.at[e, "q05"], rows.at[e, "q95"]) for e in events
                if not rows.at[e, "inside"]}
    return outside
