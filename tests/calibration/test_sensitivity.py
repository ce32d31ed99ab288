"""Sensitivity: SALib over the calibration's ranges, sample points through the ensemble executors."""

from __future__ import annotations

import numpy as np

from foedus.api import load_scenario
from foedus.calibration.sensitivity import ranges, run

NAMES = ("hazard_notice", "member_credibility", "decision_base_limited")


def test_ranges_come_from_the_calibration_and_stay_in_bounds():
    cal = {"hazard_notice": {"value": -9.0, "se": 1.0}, "member_credibility": {"value": 1.0, "se": 2.0}}
    (lo1, hi1), (lo2, hi2), _ = ranges(cal, NAMES)
    assert (lo1, hi1) == (-11.0, -7.0)
    assert lo2 == 0.0 and hi2 == 5.0                 # clipped at the registry's lower bound


def test_sobol_is_the_same_through_serial_and_process_executors():
    data = load_scenario("csto").data
    b = ranges(None, NAMES)
    a = run(data, NAMES, b, "sobol", samples=2, runs=16, months=24, executor="serial")
    p = run(data, NAMES, b, "sobol", samples=2, runs=16, months=24, executor="processes", workers=2)
    assert a.X.shape == (2 * (len(NAMES) + 2), len(NAMES))
    np.testing.assert_array_equal(a.Y, p.Y)           # the same seed at every point: common random numbers
    assert set(a.indices["active_members"]) == {"ST", "ST_conf", "S1", "S1_conf"}
    # a higher notice hazard can only make leaving likelier: the largest p_leave has the larger hazard_notice
    lo, hi = np.argmin(a.Y[:, 0]), np.argmax(a.Y[:, 0])
    assert a.Y[hi, 0] > a.Y[lo, 0] and a.X[hi, 0] > a.X[lo, 0]
