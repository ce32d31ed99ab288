"""Calibration on the record: the exact likelihood of the replayed ledgers, maximum a posteriori
fit, out-of-sample backtest, sensitivity analysis (docs/calibration.md)."""
