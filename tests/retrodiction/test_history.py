"""The CSTO and NATO from July 2004 to December 2025, every decision simulated (300 seeded runs):
the real count of each class that the model reproduces today lies inside its 90% interval, so no
later change can quietly break that fit to history. The classes it misses today (docs/retrodiction.md,
"What it does not reproduce") are not asserted either way."""

from __future__ import annotations

import pytest


#: The CSTO's refusals (Armenia 2021 and 2022: 2) fall just outside on the fitted values since the
#: refit with the shared crises (0.30 per run [0, 1], PIT 0.98; inside with the parameter draws):
#: docs/retrodiction.md, "What it does not reproduce".
REPRODUCED = {
    "csto": ("notices", "exits", "exits_notice", "exits_renewal", "suspensions", "returns"),
    "nato": ("deployments", "freezes", "notices", "exits", "exits_notice", "exits_renewal",
             "suspensions", "returns"),
}


@pytest.fixture(scope="module", params=sorted(REPRODUCED))
def history(request, history_rows):
    return request.param, history_rows(request.param)


def test_the_real_counts_lie_inside_the_simulated_90_percent_intervals(history, outside_interval):
    name, rows = history
    outside = outside_interval(rows, REPRODUCED[name])
    assert outside == {}, f"{name}: real count outside the 90% interval (real, q05, q95): {outside}"


def test_the_record_counts_behind_the_check(history):
    name, rows = history
    real = rows["real"].to_dict()
    if name == "csto":   # Armenia 2021 and 2022 refused; Uzbekistan suspended 2012; nobody left
        assert (real["refusals"], real["suspensions"], real["exits"]) == (2, 1, 0)
    else:                # 17 requests for consultations, all held; nobody froze or left
        assert (real["requests"], real["refusals"], real["freezes"], real["exits"]) == (17, 0, 0, 0)
