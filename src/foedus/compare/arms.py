"""One arm of a comparison: ``foedus.simulate`` on the variant's scenario, into its own folder,
with the variant's name, question and levers in its manifest."""

from __future__ import annotations

import inspect
import json
import os
import tempfile
from pathlib import Path

from foedus.variants import Variant


def simulate_arm(scenario, variant: Variant, out: Path, *, start=None, months: int | None = None,
                 runs: int | None = None, seed: int | None = None, **kwargs) -> Path:
    import foedus

    simulate = foedus.simulate
    accepted = inspect.signature(simulate).parameters
    call = {k: v for k, v in {"start": start, "months": months, "runs": runs, "seed": seed, **kwargs}.items()
            if v is not None}
    for key in ("out", "out_dir", "results", "path"):
        if key in accepted:
            call[key] = str(out)
            break
    if "variant" in accepted:
        call["variant"] = variant.name
    if "levers" in accepted:
        call["levers"] = variant.lever_labels()
    res = simulate(scenario, **call)
    written = Path(getattr(res, "path", None) or out)
    if written.resolve() != out.resolve():
        raise RuntimeError(f"simulate wrote {written}, expected {out}")
    _annotate(out / "manifest.json", variant)
    return out


def _annotate(manifest: Path, variant: Variant) -> None:
    """The variant's name, question and levers in the arm's manifest (docs/results.md: `variant`,
    `levers`), whatever simulate itself recorded there."""
    m = json.loads(manifest.read_text())
    m["variant"] = variant.name
    m["levers"] = variant.lever_labels()
    if variant.question and variant.name != "baseline":
        m["question"] = variant.question
        m["variant_source"] = variant.source
    fd, tmp = tempfile.mkstemp(prefix=".manifest.", suffix=".part", dir=manifest.parent)
    with os.fdopen(fd, "w") as fh:
        json.dump(m, fh, indent=2, default=str)
        fh.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, manifest)
