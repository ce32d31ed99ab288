"""Parameter draws: the calibration's posterior carried into an ensemble.

``foedus calibrate`` writes the Laplace approximation of the posterior in full to
``calibrated.toml``: the mode (``[parameters]``) and, in ``[posterior]``, the covariance of the
fitted parameters not at a bound (``names``, ``covariance``). :func:`draws` turns it into ``K``
parameter vectors for an ensemble whose runs are split across them (``foedus.ensemble.draws``).

- The parameters are read from the file, never from a fixed list: a refit that adds one is drawn
  with the rest.
- Bounds: each vector is drawn from the multivariate normal on the parameters' own scale (the scale
  the priors and the fit use) and kept only if every value lies within the registry's bounds —
  a truncated normal by rejection (up to ``TRIES`` tries, then clipped; the count of clipped draws
  is reported).
- Seeding: draw ``d`` comes from ``SeedSequence(seed, spawn_key=(crc32("parameter-draws"), d))``:
  a function of the run seed and the draw index alone, whatever the chunking or the workers.
- Judgements (parameters the record does not fit) stay at their values unless ``prior_draws``:
  then each is drawn from its judgement prior, a normal centred on its value with a standard
  deviation of ``JUDGEMENT_SD`` of its declared range, truncated to that range (a judgement: the
  registry declares ranges, not priors, for these).
- A parameter fixed by the scenario's ``parameters.toml`` or by the caller is never drawn.
- States' effects: a pooled calibration (``foedus calibrate --pooled``) estimates each state's
  effect on the hazards of leaving, ``[pooling.state_effects.<COW code>]`` with ``value`` and ``se``
  (:func:`state_effects`). With draws, draw ``d``'s effects are drawn from ``N(value, se^2)``,
  independently per state, from draw ``d``'s own generator after its other values (so the other
  values are those drawn without effects); without draws, the values.
"""

from __future__ import annotations

import tomllib
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from foedus.errors import ArgumentError
from foedus.model.parameters import CALIBRATED, registry

STREAM = zlib.crc32(b"parameter-draws")
TRIES = 1000
JUDGEMENT_SD = 0.1   # judgement prior: sd as a share of the declared range (docs/calibration.md)
DEFAULT_DRAWS = 20   # the CLI's default --param-draws


@dataclass(frozen=True)
class Posterior:
    """A multivariate normal over ``names``: ``mode`` and ``covariance`` (Laplace approximation)."""

    names: tuple[str, ...]
    mode: np.ndarray
    covariance: np.ndarray
    source: str


def read(path: str | Path = CALIBRATED) -> Posterior | None:
    """The posterior written by ``foedus calibrate`` (None if the file has no ``[posterior]``)."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return None
    return _posterior_of(doc, path.name)


def _posterior_of(doc: dict, source: str) -> Posterior | None:
    post = doc.get("posterior")
    if not post:
        return None
    names = tuple(post["names"])
    params = doc["parameters"]
    cov = np.array(post["covariance"], dtype=float).reshape(len(names), len(names))
    mode = np.array([float(params[n]["value"]) for n in names])
    return Posterior(names, mode, cov, source)


def fitted_values(path: str | Path) -> dict[str, float]:
    """The fitted values of a calibration file ({name: value} of its ``[parameters]``)."""
    return values_of(tomllib.loads(Path(path).read_text()))


def values_of(doc: dict) -> dict[str, float]:
    """The values of a calibration file's ``[parameters]`` ({name: value}), read."""
    return {k: float(v["value"]) if isinstance(v, dict) else float(v) for k, v in doc.get("parameters", {}).items()}


def calibration_file(path: str | Path, flag: str = "--parameters") -> dict:
    """A file written by ``foedus calibrate``, read: one that is missing, is not TOML or has no
    ``[parameters]`` table is a one-line ArgumentError naming ``flag``."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text())
    except (FileNotFoundError, IsADirectoryError):
        raise ArgumentError(flag, "an existing parameter file (written by foedus calibrate)", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ArgumentError(flag, f"a TOML parameter file ({exc})", str(path)) from None
    if not isinstance(doc.get("parameters"), dict):
        raise ArgumentError(flag, "a file with a [parameters] table (written by foedus calibrate)", str(path))
    return doc


def calibrated(path: str | Path, k: int = 1, flag: str = "--parameters") -> tuple[Posterior | None, dict[str, float]]:
    """A calibration file in the place of the shipped fit, as a coding's calibration is:
    ``(posterior, {name: value})``, its values the fit and, with ``k`` > 1 parameter draws, its
    posterior drawn. A bad file (:func:`calibration_file`), or a file without ``[posterior]`` with
    ``k`` > 1 draws (its own uncertainty unknown: never the shipped fit's in its place), is a
    one-line ArgumentError."""
    doc = calibration_file(path, flag)
    post = _posterior_of(doc, Path(path).name)
    if post is None and check_draws(k) > 1:
        raise ArgumentError("--param-draws", f"a calibration with a [posterior] table to draw from ({path} has none; "
                            "--param-draws 1: its values alone)", k)
    return post, values_of(doc)


def fit_for(data, coding: str | None = None, calibration: str | Path | None = None, k: int = 1):
    """The fit a run starts from, with the scenario's files it reads: ``(data, posterior, {name: value})``.
    The shipped fit ``(data, None, {})``, a named coding's (:func:`coded`: the record read that way and
    its calibration), or a calibration file's (:func:`calibrated`); a coding and a file together: one line."""
    if calibration is not None:
        if coding is not None:
            raise ArgumentError("calibration", "no calibration file with a coding (a coding brings its own)", str(calibration))
        return (data, *calibrated(calibration, k, "calibration"))
    if coding is not None:
        return coded(data, coding, k)
    return data, None, {}


@dataclass(frozen=True)
class StateEffects:
    """Each state's effect on the hazards of leaving (``membership.LEAVING``), from a pooled
    calibration's ``[pooling.state_effects]``: by COW code, the posterior mode and its standard error."""

    cow: tuple[int, ...]
    value: np.ndarray
    se: np.ndarray
    source: str

    def drawn(self, rng: np.random.Generator) -> np.ndarray:
        """One draw of every state's effect, ``N(value, se^2)`` independently per state."""
        return self.value + self.se * rng.standard_normal(len(self.cow))


def state_effects(path: str | Path, flag: str = "--parameters") -> StateEffects | None:
    """The states' effects of a calibration file (None: the file has no ``[pooling.state_effects]``).
    A bad file (:func:`calibration_file`), a code that is not a COW code or a value or se that is not
    a number: a one-line ArgumentError."""
    path = Path(path)
    pooling = calibration_file(path, flag).get("pooling", {})
    table = pooling.get("state_effects") if isinstance(pooling, dict) else None
    if not table:
        return None
    if not isinstance(table, dict):
        raise ArgumentError(flag, f"a table [pooling.state_effects] in {path}", table)
    rows = []
    for code, row in table.items():
        where = f"[pooling.state_effects.{code}] of {path}"
        if not code.isdigit() or not isinstance(row, dict):
            raise ArgumentError(flag, f"a table per COW code in {path}'s [pooling.state_effects]", code)
        for key in ("value", "se"):
            v = row.get(key)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or (key == "se" and v < 0):
                raise ArgumentError(flag, f"{where}: {key} a number" + (" at least 0" if key == "se" else ""), v)
        rows.append((int(code), float(row["value"]), float(row["se"])))
    rows.sort()
    return StateEffects(tuple(r[0] for r in rows), np.array([r[1] for r in rows]), np.array([r[2] for r in rows]),
                        path.name)


def coded(data, name: str, k: int = 1):
    """A scenario's files read with the named coding of contested facts (``foedus.scenario.codings``),
    with that coding's posterior and fitted values (its calibration, ``foedus calibrate --coding``,
    read as :func:`calibrated`): ``(data, posterior, {name: value})``. A coding without its
    calibration: a one-line ArgumentError."""
    from foedus.scenario.codings import apply, coding

    c = coding(name)
    path = c.calibration()
    if not path.is_file():
        raise ArgumentError("--coding", f"a coding with its calibration (foedus calibrate --coding {name} -o {path})", name)
    return (apply(data, c), *calibrated(path, k, "--coding"))


def check_draws(k, flag: str = "--param-draws") -> int:
    """A whole number of draws, 0 or more (0 and 1: the mode only)."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0 or k > 10_000:
        raise ArgumentError(flag, "a whole number of parameter draws from 0 to 10000 (0 or 1: the fitted values only)", k)
    return int(k)


def default_draws(k: int | None, runs: int) -> int:
    """``k`` as given, or the CLI's default: ``DEFAULT_DRAWS``, or the run count if fewer."""
    return min(DEFAULT_DRAWS, max(int(runs), 1)) if k is None else k


def _generator(seed: int, d: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM, d)))


def _posterior_vector(rng: np.random.Generator, post: Posterior, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, bool]:
    """One vector inside the bounds by rejection; clipped (and said so) after ``TRIES`` misses."""
    chol = np.linalg.cholesky(post.covariance)
    for _ in range(TRIES):
        x = post.mode + chol @ rng.standard_normal(len(post.names))
        if np.all((x >= lo) & (x <= hi)):
            return x, False
    return np.clip(x, lo, hi), True


def _judgement(rng: np.random.Generator, centre: float, lower: float, upper: float) -> float:
    sd = JUDGEMENT_SD * (upper - lower)
    for _ in range(TRIES):
        v = centre + sd * rng.standard_normal()
        if lower <= v <= upper:
            return float(v)
    return float(min(max(v, lower), upper))


@dataclass(frozen=True)
class Draws:
    """``values[d]``: the parameters draw ``d`` sets ({name: value}); what was drawn, and how."""

    values: tuple[dict[str, float], ...]
    drawn: tuple[str, ...]        # from the posterior
    judged: tuple[str, ...]       # from their judgement priors (``prior_draws``)
    clipped: int
    source: str | None
    #: (K, E) draw d's effect of each state of ``StateEffects.cow`` (None: no states' effects)
    effects: np.ndarray | None = None

    def describe(self) -> str:
        k = len(self.values)
        if k <= 1:
            return "parameters: the fitted values (no parameter draws)"
        s = (f"parameters: {k} draws from the posterior of {len(self.drawn)} fitted parameters "
             f"({self.source}, Laplace approximation)")
        s += (f" and the judgement priors of {len(self.judged)} more" if self.judged
              else "; judgements at their values (--prior-draws to draw them)")
        s += f"; {self.clipped} draws clipped to the bounds" if self.clipped else ""
        return s + ("; the states' effects drawn from N(value, se^2)" if self.effects is not None else "")


def draws(k: int, seed: int, base: Mapping[str, float], fixed: Collection[str] = (), prior_draws: bool = False,
          post: Posterior | None = None, effects: StateEffects | None = None) -> Draws:
    """``k`` parameter vectors (``k`` <= 1: none, the runs use ``base``). ``base``: every parameter's
    value (the mode); ``fixed``: names set by the scenario or the caller, never drawn. ``effects``:
    the states' effects, drawn per draw after its other values (``k`` <= 1: their values, (1, E))."""
    k = check_draws(k)
    post = post if post is not None else read()
    if k <= 1:
        return Draws((), (), (), 0, post.source if post else None, None if effects is None else effects.value[None, :])
    reg = registry()
    if post is None and not prior_draws:
        raise ArgumentError("--param-draws", "a calibration with a [posterior] table (foedus calibrate -o ...), "
                            "or --prior-draws", k)
    names = post.names if post is not None else ()
    lo = np.array([reg[n].lower for n in names])
    hi = np.array([reg[n].upper for n in names])
    judged = tuple(n for n in reg if prior_draws and n not in names and n not in fixed) if prior_draws else ()
    out, clipped, shifts = [], 0, []
    for d in range(k):
        rng = _generator(seed, d)
        values: dict[str, float] = {}
        if names:
            x, c = _posterior_vector(rng, post, lo, hi)
            clipped += c
            values.update({n: float(v) for n, v in zip(names, x) if n not in fixed})
        for n in judged:
            p = reg[n]
            values[n] = _judgement(rng, float(base[n]), p.lower, p.upper)
        out.append(values)
        if effects is not None:   # after the draw's other values: those stay what they are without effects
            shifts.append(effects.drawn(rng))
    return Draws(tuple(out), tuple(n for n in names if n not in fixed), judged, clipped, post.source if post else None,
                 np.array(shifts) if effects is not None else None)
