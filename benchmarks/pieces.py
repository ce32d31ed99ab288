"""Timings of the pieces outside the engine, one command: ``make bench-pieces``
(``.venv/bin/python benchmarks/pieces.py``). Speed lives here, not in the tests:

* one evaluation of the calibration's likelihood on both records (CSTO and NATO), as the fit calls
  it (``foedus.calibration.likelihood.loglik``) from scratch (nothing remembered), best of ``--repeat`` rounds of 20 evaluations;
* the whole ATOP catalogue converted to scenarios and replayed through the treaty rules at each
  alliance's first and last year in force (what ``tests/catalogue/test_convert.py`` checks).

Seconds are CPU time of this process (single-threaded work)."""

from __future__ import annotations

import argparse
import time


def _cpu(fn) -> float:
    c = time.process_time()
    fn()
    return time.process_time() - c


def likelihood_ms(repeat: int) -> float:
    from foedus.calibration import likelihood
    from foedus.calibration.observations import build

    obs = build(("csto", "nato"))

    def fresh():   # from scratch: the likelihood remembers what it computed at the same values (benchmarks/fit.py)
        for rec in obs.records:
            rec.cache.clear()
        return likelihood.loglik({}, obs)

    fresh()
    return min(_cpu(lambda: [fresh() for _ in range(20)]) for _ in range(repeat)) / 20 * 1000


def catalogue_seconds() -> tuple[float, int, int]:
    from foedus.catalogue.convert import DataQuirk, to_scenario
    from foedus.catalogue.loader import DATA_END, catalogue
    from foedus.ledger.replay import replay

    cat = catalogue()
    done = quirks = 0

    def run():
        nonlocal done, quirks
        for atopid, al in cat.alliances.items():
            for year in sorted({al.begin.year, (al.end or DATA_END).year}):
                try:
                    replay(to_scenario(atopid, year, cat))
                    done += 1
                except DataQuirk:
                    quirks += 1

    return _cpu(run), done, quirks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="likelihood: best of this many rounds (default 3)")
    a = ap.parse_args(argv)
    ms = likelihood_ms(a.repeat)
    secs, done, quirks = catalogue_seconds()
    print("foedus pieces: CPU time of this process")
    print(f"  calibration likelihood, both records, one evaluation   {ms:8.1f} ms   (best of {a.repeat} x 20)")
    print(f"  ATOP catalogue: {done:,} scenarios converted and replayed  {secs:8.1f} s    ({quirks} data quirks)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
