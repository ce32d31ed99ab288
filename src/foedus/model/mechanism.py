"""What a mechanism declares, in its own module: the features it reads, its parameters, and the
probabilities it gives, as pure array functions.

A mechanism module ``foedus.model.<name>`` ends with ``MECHANISM = Mechanism(...)``. Nothing else
restates what it declares: :func:`mechanisms` finds every module of the package that declares one
(in the order of their numbers), the parameter registry (``parameters.registry``) gathers their
``params``, docs/model.md's tables are written from them, and the engine, the likelihood and the
per-agent reference call its ``functions`` on the features the mechanism names. Each feature
says where it comes from on the replayed record (the likelihood's source) and in a chunk's state
(the engine's), so a reader finds what a mechanism reads from its module alone.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from foedus.model.parameters import Param


@dataclass(frozen=True, slots=True)
class Feature:
    """One input of a mechanism's probabilities."""

    name: str
    unit: str      # what a value is ("belief in [0, 1]", "bool", "month index" ...)
    record: str    # where the likelihood gets it: the replayed record on the decision's date
    engine: str    # where the engine gets it: the chunk's state in the month


@dataclass(frozen=True, slots=True)
class Mechanism:
    """A mechanism of the model: ``number`` orders it in the docs and the parameter tables."""

    number: int
    name: str
    features: tuple[Feature, ...]
    params: tuple[Param, ...]
    functions: tuple[Callable, ...]   # its probabilities (and updates), pure array functions

    def __post_init__(self) -> None:
        for p in self.params:
            if p.mechanism != self.name:
                raise AssertionError(f"parameter {p.name} declared under {p.mechanism}, in mechanism {self.name}")


_FOUND: tuple[Mechanism, ...] | None = None


def mechanisms() -> tuple[Mechanism, ...]:
    """Every mechanism the package declares (a module of ``foedus.model`` with a ``MECHANISM``), by number."""
    global _FOUND
    if _FOUND is None:
        import foedus.model as package

        found = []
        for info in pkgutil.iter_modules(package.__path__):
            mod = importlib.import_module(f"{package.__name__}.{info.name}")
            if isinstance(getattr(mod, "MECHANISM", None), Mechanism):
                found.append(mod.MECHANISM)
        _FOUND = tuple(sorted(found, key=lambda m: m.number))
        numbers = [m.number for m in _FOUND]
        if len(set(numbers)) != len(numbers):
            raise AssertionError(f"two mechanisms share a number: {numbers}")
    return _FOUND
