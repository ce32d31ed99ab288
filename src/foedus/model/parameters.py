"""The behavioural parameters: declared once, beside their mechanism, collected here.

Each mechanism module (``timeline``, ``crises``, ``requests``, ``decision``, ``credibility``,
``membership``, ``accession``) declares its parameters (``MECHANISM.params``, ``model.mechanism``) as
:class:`Param` — name, unit, default, bounds, where the default comes from, and what it does — the
way Covasim's ``parameters.py`` declares its own. :func:`registry` gathers them; :class:`Parameters` is the
frozen set of values a simulation runs with, validated against the registry: the declared
defaults, overridden by the fit on the record (:func:`calibrated`, ``calibrated.toml`` beside this
module), then by the scenario's ``parameters.toml``, then by a caller's overrides.

Declared defaults are judgements anchored on the literature's alliance-reliability rates (Leeds
2003: ~75% of commitments honoured 1816-1944; Berkemeier & Fuhrmann 2018: 22% for 1945-2003) and on
the CSTO and NATO records. The parameters the record informs are fitted on it by maximum a
posteriori (``foedus calibrate``, DESIGN "Calibration without simulation noise"; the file carries
its provenance); their fitted values are the shipped defaults. ``source`` says which: a fitted
parameter's says ``fitted on the record (calibrated.toml)``, then its declared default and that
default's source (the fit's prior is centred near it).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import numpy as np

from foedus.errors import ArgumentError, ScenarioError

JUDGEMENT = "judgement"
FITTED = "fitted on the record (calibrated.toml)"
#: The fit on the whole record (``foedus calibrate -o src/foedus/model/calibrated.toml``).
CALIBRATED = Path(__file__).with_name("calibrated.toml")
#: the fit on the whole record (``foedus calibrate --pooled``): a named alternative, with the states' effects
CALIBRATED_POOLED = Path(__file__).with_name("calibrated-pooled.toml")


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    unit: str
    default: float
    lower: float
    upper: float
    source: str
    mechanism: str
    doc: str
    fitted: float | None = None   # the value fitted on the record (calibrated.toml), if any

    @property
    def value(self) -> float:
        """The shipped default: the fitted value where there is one, else the declared default."""
        return self.default if self.fitted is None else self.fitted

    def check(self, value: float, where: str = "parameter") -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ArgumentError(f"{where} {self.name}", "a number", value) from None
        if not (self.lower <= v <= self.upper):
            raise ArgumentError(f"{where} {self.name}", f"a value in [{self.lower:g}, {self.upper:g}] ({self.unit})", v)
        return v


def mechanism_names() -> tuple[str, ...]:
    """The mechanisms' names, in their order (``model.mechanism.mechanisms``)."""
    from foedus.model.mechanism import mechanisms

    return tuple(m.name for m in mechanisms())


def calibrated() -> Mapping[str, float]:
    """The values fitted on the record, {name: value}, from ``calibrated.toml`` beside this module
    (empty if the file is absent)."""
    global _CALIBRATED
    if _CALIBRATED is None:
        try:
            doc = tomllib.loads(CALIBRATED.read_text())
        except FileNotFoundError:
            doc = {}
        rows = doc.get("parameters", {})
        _CALIBRATED = MappingProxyType({k: float(v["value"]) if isinstance(v, dict) else float(v) for k, v in rows.items()})
    return _CALIBRATED


_CALIBRATED: Mapping[str, float] | None = None


def registry() -> Mapping[str, Param]:
    """Every parameter of every mechanism, by name, in mechanism order; a parameter fitted on the
    record carries its fitted value (``Param.value``) and says so in its ``source``."""
    global _REGISTRY
    if _REGISTRY is None:
        from foedus.model.mechanism import mechanisms

        out: dict[str, Param] = {}
        for mech in mechanisms():
            for p in mech.params:
                if p.name in out:
                    raise AssertionError(f"parameter {p.name} declared twice")
                if not (p.lower <= p.default <= p.upper):
                    raise AssertionError(f"default of {p.name} out of its bounds")
                out[p.name] = p
        for name, v in calibrated().items():
            if name not in out:
                raise AssertionError(f"{CALIBRATED.name} fits an unknown parameter {name}")
            p = out[name]
            out[name] = replace(p, fitted=p.check(v, CALIBRATED.name),
                                source=f"{FITTED}; declared default {p.default:g}: {p.source.replace(JUDGEMENT, 'judgement')}")
        _REGISTRY = MappingProxyType(out)
    return _REGISTRY


_REGISTRY: Mapping[str, Param] | None = None


@dataclass(frozen=True)
class Parameters(Mapping[str, float]):
    """Frozen parameter values by name. ``params.decision_base_deploy`` or ``params["..."]``."""

    values: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        reg = registry()
        # the declared defaults, then the values fitted on the record (calibrated.toml)
        full = {n: p.default for n, p in reg.items()}
        full.update(calibrated())
        for k, v in dict(self.values).items():
            if k not in reg:
                raise ArgumentError("parameter", "a known parameter name (docs/model.md)", k)
            full[k] = reg[k].check(v)
        object.__setattr__(self, "values", MappingProxyType(full))

    def __getitem__(self, key: str) -> float:
        return self.values[key]

    def __getattr__(self, key: str) -> float:
        if key.startswith("_") or key == "values":
            raise AttributeError(key)
        try:
            return self.values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __reduce__(self):
        return (Parameters, (dict(self.values),))

    def replace(self, **changes: float) -> "Parameters":
        return Parameters({**self.values, **changes})

    def rows(self, index=None, trailing: int = 0) -> "Parameters":
        """The values for some rows of a chunk (:meth:`RunParameters.rows`): one set of values serves
        every row, so the scalars themselves."""
        return self

    def runs_last(self) -> "Parameters":
        return self

    def to_dict(self) -> dict[str, float]:
        return dict(self.values)

    @classmethod
    def for_scenario(cls, overrides: Mapping[str, float], file: str = "parameters.toml",
                     extra: Mapping[str, float] | None = None) -> "Parameters":
        """Defaults (declared, then fitted), then the scenario's ``parameters.toml`` (errors name that
        file), then ``extra``."""
        reg = registry()
        for k, v in overrides.items():
            if k not in reg:
                raise ScenarioError(file, f"parameters.{k}", "a known parameter name (docs/model.md)", k)
            try:
                reg[k].check(v)
            except ArgumentError:
                raise ScenarioError(file, f"parameters.{k}", f"a value in [{reg[k].lower:g}, {reg[k].upper:g}]", v) from None
        return cls({**dict(overrides), **dict(extra or {})})


class RunParameters(Mapping[str, "float | np.ndarray"]):
    """The parameters of a chunk's runs when the runs carry different parameter draws: each run's
    value is its draw's. ``params[name]`` is a scalar where every draw has the same value, else an
    array aligned to the rows a mechanism computes on (:meth:`rows`), so the model's functions -- the
    one home of each rule, called by the likelihood with scalars -- do the same elementwise
    arithmetic per row, bit for bit what each draw's own scalars give."""

    __slots__ = ("draws", "_table", "_runs", "_draw")

    def __init__(self, draws, run_draw: np.ndarray):
        self.draws = tuple(draws)                      # one Parameters per draw
        self._runs = self._draw = np.asarray(run_draw, np.int64)   # (R,) each run's draw
        self._table = {}
        for name in self.draws[0]:
            v = np.array([d[name] for d in self.draws], dtype=float)
            self._table[name] = float(v[0]) if (v == v[0]).all() else v

    def _view(self, draw: np.ndarray) -> "RunParameters":
        """The same table, aligned to other rows (made each month many times: no work beyond that)."""
        view = object.__new__(RunParameters)
        view.draws, view._runs, view._table, view._draw = self.draws, self._runs, self._table, draw
        return view

    def rows(self, index=None, trailing: int = 0) -> "RunParameters":
        """The values of the runs at positions ``index`` of the chunk (None: every run; one row per
        element, so a cell, a request or a run), followed by ``trailing`` axes of length 1 to
        broadcast against arrays (rows, states, ...)."""
        d = self._runs if index is None else self._runs[index]
        return self._view(d.reshape(d.shape + (1,) * trailing) if trailing else d)

    def runs_last(self) -> "RunParameters":
        """The values of every run as one row (1, R): state-major arrays (states, runs)."""
        return self._view(self._runs[None, :])

    def __getitem__(self, key: str):
        v = self._table[key]
        return v if v.__class__ is float else v[self._draw]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


@dataclass(frozen=True, slots=True)
class DatedJudgement:
    """A parameter's default that rests on one dated event: before ``known`` nobody could have chosen
    it, so a backtest split earlier holds the parameter at ``neutral`` (the value that makes the term
    do nothing) instead."""

    name: str
    known: dt.date
    neutral: float
    event: str


#: The defaults justified by later events (docs/model.md, "Dated judgements"; the backtest uses them).
DATED_JUDGEMENTS: tuple[DatedJudgement, ...] = (
    DatedJudgement("decision_regime", dt.date(2022, 1, 6), 0.0,
                   "Kazakhstan, 6 Jan 2022: the council deploys to prop up an autocratic incumbent against unrest"),
    DatedJudgement("decision_typecost_unrest", dt.date(2022, 1, 6), 1.0,
                   "Kazakhstan, 6 Jan 2022: a small, brief regime-support operation (~2,000 troops, 10 days)"),
    DatedJudgement("decision_affinity", dt.date(2022, 9, 13), 0.0,
                   "Azerbaijan's attack on Armenia, 13 Sep 2022: Russia, close to the aggressor, sends no help"),
)


def judgements_unknown(before: dt.date) -> dict[str, float]:
    """{name: neutral value} of the dated judgements not yet known before ``before``."""
    reg = registry()
    out = {}
    for j in DATED_JUDGEMENTS:
        if j.name not in reg:
            raise AssertionError(f"dated judgement of an unknown parameter {j.name}")
        if j.known >= before:
            out[j.name] = reg[j.name].check(j.neutral, "dated judgement")
    return out


def table() -> list[dict]:
    """The registry as rows (for docs/model.md and ``--json``)."""
    return [{"name": p.name, "mechanism": p.mechanism, "unit": p.unit, "value": p.value, "fitted": p.fitted is not None,
             "declared_default": p.default, "lower": p.lower, "upper": p.upper, "source": p.source, "doc": p.doc} for p in registry().values()]


def shown(p: Param) -> str:
    """The shipped value as docs/model.md prints it (a fitted value to 3 significant digits)."""
    return f"{p.value:g}" if p.fitted is None else f"{p.value:.3g}"


def markdown_table(mechanism: str) -> str:
    """The parameter table of one mechanism, as in docs/model.md (a test keeps the doc in step):
    the shipped default, and for a fitted parameter the fit, its declared default and that source."""
    rows = ["| name | unit | default | range | source | what it does |", "|---|---|---|---|---|---|"]
    for p in registry().values():
        if p.mechanism == mechanism:
            value = shown(p) if p.fitted is None else f"**{shown(p)}**"
            rows.append(f"| `{p.name}` | {p.unit} | {value} | [{p.lower:g}, {p.upper:g}] | {p.source} | {p.doc} |")
    return "\n".join(rows)
