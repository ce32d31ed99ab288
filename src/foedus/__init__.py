"""foedus: an engine for collective-security alliances.

Executable treaty rules, the replayed record of the CSTO and NATO, and a behavioural model run as
seeded Monte Carlo ensembles. The Python API: ``load_scenario``, ``simulate``, ``compare``,
``report`` (docs/python.md)."""

import functools
import importlib
import sys
import types


class _Entry:
    """``foedus.compare`` and ``foedus.report``: the API's function, called as such, and the subpackage
    of the same name for every other attribute (``foedus.report.figures``), so that both
    ``foedus.report(results)`` and ``import foedus.report.figures`` work."""

    def __init__(self, function, package: str):
        functools.update_wrapper(self, function)
        self._package = package

    def __call__(self, *args, **kwargs):
        return self.__wrapped__(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(importlib.import_module(self._package), name)

    def __repr__(self) -> str:
        return f"<function foedus.{self.__name__}>"


class _Package(types.ModuleType):
    """Importing a subpackage sets the package's attribute of its name; for ``compare`` and
    ``report`` it stays the API's entry point."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("compare", "report") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

from foedus import api as _api  # noqa: E402
from foedus.api import Scenario, load_scenario  # noqa: E402
from foedus.errors import (  # noqa: E402
    ArgumentError,
    BadInput,
    FoedusError,
    OutputError,
    ResultsError,
    RuleViolation,
    ScenarioError,
)
from foedus.simulation import simulate  # noqa: E402

compare = _Entry(_api.compare, "foedus.compare")
report = _Entry(_api.report, "foedus.report")

__version__ = "0.1.0"

__all__ = ["ArgumentError", "BadInput", "FoedusError", "OutputError", "ResultsError", "RuleViolation", "Scenario",
           "ScenarioError", "__version__", "compare", "load_scenario", "report", "simulate"]
