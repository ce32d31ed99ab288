"""Where the ATOP alliances' simulated exits come from (docs/backtest.md, "Why the model loses the
left-out alliances"; docs/model.md, "Momentum as a share of the alliance").

    .venv/bin/python diagnostics/atop_exits.py mechanisms [--alliances 3150,3075] [--runs 300]
    .venv/bin/python diagnostics/atop_exits.py sizes

``mechanisms``: each decade of the alliances as the catalogue's retrodiction simulates it
(``retrodiction.catalogue.prepare_cell``, the shipped fit, seed 0), the runs' mean requests,
refusals, freezes, notices and exits (at a renewal window apart: ``exits_renewal``), with one
mechanism switched off at a time: momentum (``member_momentum`` 0), freezes (``hazard_freeze`` at
its lower bound), the beliefs' fall with simulated answers (``cred_victim_weight`` and
``cred_observer_weight`` 0), and momentum counted per defection as before (``momentum_members`` the
cell's members at its start). An exit is a notice falling due where the treaty has a way out
(``can_notice``), a denunciation where it has none.

``sizes``: the member-years of the ATOP alliances of three or more members (the fitted half: the
held-out one is never read), the members leaving by their own choice (as ``exit_logit`` counts
them), by the alliance's size on 1 January and by whether another member left in the two years before.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt

import numpy as np

CLASSES = ("requests", "refusals", "freezes", "notices", "exits", "exits_renewal")
VARIANTS = {"as shipped": {}, "no momentum": {"member_momentum": 0.0}, "no freezes": {"hazard_freeze": -20.0},
            "beliefs fixed": {"cred_victim_weight": 0.0, "cred_observer_weight": 0.0},
            "per defection": "members"}


def mechanisms(alliances: list[int], runs: int) -> None:
    from foedus.catalogue import catalogue
    from foedus.retrodiction.catalogue import decades, prepare_cell
    from foedus.retrodiction.simulated import SIMULATED, simulated_counts

    cat = catalogue()
    total = {v: np.zeros(len(CLASSES)) for v in VARIANTS}
    print("alliance decade real-exits way-out | " + " | ".join(VARIANTS) + "   (mean " + ", ".join(CLASSES) + ")")
    for aid in alliances:
        al = cat.alliance(aid)
        for start, stop, decade_end in decades(al):
            cols, prep = [], None
            for name, values in VARIANTS.items():
                if values == "members":
                    values = {"momentum_members": float(max(1, sum(1 for o in al.spells if o.covers(start))))}
                prep = prepare_cell(cat, al, start, stop, decade_end, 0, values or None, "pooled", runs)
                d = simulated_counts(prep.model, runs, prep.seed)
                m = np.array([d[:, SIMULATED.index(c)].mean() for c in CLASSES])
                total[name] += m
                cols.append(" ".join(f"{x:.2f}" for x in m))
            way = "notice" if prep.model.can_notice[prep.model.focus] else "denounce"
            print(f"atop-{aid} {start.year} {prep.real['exits']} {way} | " + " | ".join(cols), flush=True)
    print("summed over the decades (" + ", ".join(CLASSES) + "):")
    for name in VARIANTS:
        print(f"  {name:14s}" + "".join(f"{x:9.2f}" for x in total[name]))


def sizes() -> None:
    from foedus.calibration.exit_logit import DATA_END, _left_by_choice
    from foedus.catalogue.loader import catalogue
    from foedus.retrodiction.catalogue import held_out

    cat, buckets = catalogue(), ((3, 5), (6, 9), (10, 19), (20, 999))
    tab = collections.defaultdict(lambda: [0, 0])
    for al in cat.alliances.values():
        if held_out(al.atopid):
            continue
        exits = [(s.exit.year, s.member) for s in al.spells if _left_by_choice(al, s)]
        for year in range(al.begin.year + 1, min((al.end or dt.date(DATA_END, 12, 31)).year, DATA_END) + 1):
            allies = [o.member for o in al.spells if o.covers(dt.date(year, 1, 1))]
            if len(allies) < 3:
                continue
            size = next(b for b in buckets if b[0] <= len(allies) <= b[1])
            for m in allies:
                cell = tab[(size, any(year - 2 <= y < year and who != m for y, who in exits))]
                cell[0] += 1
                cell[1] += (year, m) in exits
    print(f"{'members':>8s} {'another left':>12s} {'member-years':>12s} {'left':>5s} {'per 1000':>8s}")
    for b in buckets:
        label = f"{b[0]}-{b[1]}" if b[1] < 999 else f"{b[0]}+"
        for recent in (False, True, None):
            n, e = (tab[(b, recent)] if recent is not None else
                    [tab[(b, False)][0] + tab[(b, True)][0], tab[(b, False)][1] + tab[(b, True)][1]])
            print(f"{label:>8s} {('yes' if recent else 'no') if recent is not None else 'all':>12s} {n:12d} {e:5d} "
                  f"{1000 * e / max(n, 1):8.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    m = sub.add_parser("mechanisms")
    m.add_argument("--alliances", default="3150,3075", help="ATOP numbers, comma-separated")
    m.add_argument("--runs", type=int, default=300)
    sub.add_parser("sizes")
    args = ap.parse_args()
    if args.what == "sizes":
        sizes()
    else:
        mechanisms([int(a) for a in args.alliances.split(",")], args.runs)


if __name__ == "__main__":
    main()
