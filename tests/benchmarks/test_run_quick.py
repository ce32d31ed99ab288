"""``benchmarks/run.py --quick`` (what ``make bench`` runs, shortened) prints the whole table: the
engine and the Mesa reference side by side, the floor, memory at two run counts. A smoke test:
it checks the figures are there and sane, not how fast anything is."""

import re
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


def test_bench_quick_prints_the_table():
    out = subprocess.run([sys.executable, str(RUN), "--quick"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for row in ("engine (chunks of", "Mesa reference (per agent)", "engine / Mesa", "engine / floor", "memory, chunks of",
                "target >= 300x", "target <= 5x", "target: flat"):
        assert row in text, row
    speeds = [float(x.replace(",", "")) for x in re.findall(r"^(?:engine \(chunks|Mesa reference).*?([\d,]+)\s*$", text, re.M)]
    assert len(speeds) == 2 and all(s > 0 for s in speeds)
    assert re.search(r"engine / floor\s+[\d.]+x", text)
    assert len(re.findall(r"^\s+[\d,]+(?:\s+[\d.]+){3}\s*$", text, re.M)) == 2   # two memory rows


def test_bench_pieces_prints_its_two_timings():
    out = subprocess.run([sys.executable, str(RUN.with_name("pieces.py")), "--repeat", "1"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    ms = re.search(r"likelihood, both records, one evaluation\s+([\d.]+) ms", out.stdout)
    cat = re.search(r"ATOP catalogue: ([\d,]+) scenarios converted and replayed\s+([\d.]+) s", out.stdout)
    assert ms and float(ms.group(1)) > 0
    assert cat and int(cat.group(1).replace(",", "")) >= 1400
