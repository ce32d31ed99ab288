"""What-if variants: levers (named edits to a scenario) and the built-in variant files."""

from foedus.variants.catalogue import (
    BASELINE,
    Variant,
    builtin_variants,
    load_variant,
    read_variant,
    variant_from_levers,
)
from foedus.variants.levers import KINDS, Lever, apply_levers, parse_lever, value_in_force

__all__ = [
    "BASELINE", "KINDS", "Lever", "Variant", "apply_levers", "builtin_variants", "load_variant",
    "parse_lever", "read_variant", "value_in_force", "variant_from_levers",
]
