"""The root seed: one whole number from which every run's random numbers derive (DESIGN.md, Seeds)."""

from __future__ import annotations

from foedus.errors import ArgumentError

# the largest root seed: the experiment registry keeps seeds as signed 64-bit integers
SEED_MAX = 2**63 - 1


def check_seed(seed: object) -> int:
    """A root seed is a whole number from 0 to SEED_MAX; anything else raises ArgumentError."""
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= SEED_MAX:
        raise ArgumentError("seed", f"a whole number from 0 to {SEED_MAX} (2**63 - 1)", seed)
    return seed
