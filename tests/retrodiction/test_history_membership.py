"""Membership through history: the CSTO and NATO from July 2004 to December 2025, every decision
simulated (300 seeded runs), put the real counts of freezes, notices, exits, suspensions, returns
and accessions inside their 90% intervals; and started in June 2022, with Finland and Sweden
waiting on the council since their applications of 18 May, NATO admits them after delays whose
90% interval holds the real 11 and 22 months."""

from __future__ import annotations

import numpy as np
import pytest

import foedus
from foedus.engine import compile_model
from foedus.engine.step import run_months
from foedus.treaty.membership import Standing

MEMBERSHIP = ("freezes", "notices", "exits", "suspensions", "returns", "accessions")
RUNS = 300


@pytest.fixture(scope="module", params=["csto", "nato"])
def history(request, history_rows):
    return request.param, history_rows(request.param)


#: The misses named, with their reason: none. The CSTO's two freezes (Uzbekistan 2012, Armenia 2024)
#: sit at the edge of the interval since the parties' ending of an alliance is a mechanism
#: (docs/model.md §9): a run that ended before 2024 cannot see Armenia's freeze. While supersessions
#: counted as ends the CSTO ended in about a quarter of the runs over these 21 years and the real 2
#: was one above the interval at these 300 runs; scored as continuing, and with the CSTO's
#: organisation in the hazard, it ends in about one run in seven and the 2 is inside.
NAMED_MISSES = {"csto": {}, "nato": {}}


def test_the_real_membership_counts_lie_inside_the_simulated_90_percent_intervals(history, outside_interval):
    name, rows = history
    outside = outside_interval(rows, MEMBERSHIP)
    assert outside == NAMED_MISSES[name], f"{name}: real count outside the 90% interval (real, q05, q95): {outside}"


def test_the_record_counts_behind_the_membership_check(history):
    name, rows = history
    real = {e: int(rows.at[e, "real"]) for e in MEMBERSHIP}
    if name == "csto":   # Uzbekistan's note and Armenia's freeze; Uzbekistan suspended 2012 and back in 2006
        assert real == {"freezes": 2, "notices": 0, "exits": 0, "suspensions": 1, "returns": 0, "accessions": 1}
    else:                # Albania, Croatia, Montenegro, North Macedonia, Finland, Sweden; nobody left
        assert real == {"freezes": 0, "notices": 0, "exits": 0, "suspensions": 0, "returns": 0, "accessions": 6}


def test_finland_and_sweden_join_after_delays_like_the_real_ones():
    """Months from the application (May 2022) to admission: Finland 11 (April 2023), Sweden 22
    (March 2024); a run that has not admitted a state within the 36 months simulated counts as
    later than all of them."""
    sc = foedus.load_scenario("nato")
    model = compile_model(sc.data, "2022-06-01", 36)
    a, never = model.alliance_ids.index("nato"), 10_000
    cols = {c: model.codes.index(c) for c in ("FIN", "SWE")}
    delay = {c: np.full(RUNS, never) for c in cols}

    def admitted(t, record, state):
        for c, i in cols.items():
            new = (state.standing[:, a, i] == Standing.active) & (delay[c] == never)
            delay[c][new] = t + 1   # months after May 2022

    run_months(model, np.arange(RUNS), 0, admitted)
    for c, real in (("FIN", 11), ("SWE", 22)):
        q05, q95 = np.quantile(delay[c], [0.05, 0.95], method="inverted_cdf")
        assert q05 <= real <= q95, (c, real, q05, q95)
    # Turkey's and Hungary's grievances hold Sweden longer than Finland
    assert np.median(delay["SWE"]) > np.median(delay["FIN"])
