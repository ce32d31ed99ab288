"""The fuzz harness's ledger: every case run is tallied by outcome, and the tally is printed at the
end of the session (``pytest tests/fuzz -s`` shows it; it is also in the terminal summary)."""

from __future__ import annotations

import collections

import pytest

TALLY: collections.Counter = collections.Counter()


def record(kind: str, code: int) -> None:
    TALLY[(kind, code)] += 1


@pytest.fixture
def tally():
    return record


def pytest_terminal_summary(terminalreporter):
    if TALLY:
        total = sum(TALLY.values())
        parts = ", ".join(f"{kind} exit {code}: {n}" for (kind, code), n in sorted(TALLY.items()))
        terminalreporter.write_line(f"fuzz harness: {total} cases ({parts})")
