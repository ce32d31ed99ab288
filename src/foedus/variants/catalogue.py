"""Variants: a named set of levers that answers one what-if question.

A variant file is TOML::

    name = "war-ends-2026"
    title = "The war in Ukraine ends in mid-2026"
    question = "What if the war in Ukraine ends in 2026?"
    premise = "..."                  # why the question is asked
    source = "seed: The Hill, 2024"  # where the premise comes from
    scenario = "csto"                # the scenario it was written for (optional)

    [[lever]]
    kind = "war-ends"
    date = 2026-06-01
    value = 0.2

The built-in variants live beside this module (``foedus variants`` lists them).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from foedus.errors import ArgumentError, ScenarioError
from foedus.scenario.schema import ScenarioFiles
from foedus.variants.levers import Lever, apply_levers, lever_from_table, parse_lever


class Variant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str = Field(min_length=1)
    question: str = Field(min_length=1)
    premise: str = ""
    source: str = ""
    scenario: str | None = None
    levers: tuple[Lever, ...] = ()
    path: str | None = None

    def apply(self, data: ScenarioFiles) -> ScenarioFiles:
        """The scenario with this variant's levers applied; a lever that does not fit the
        scenario (a state it does not have) is named with the variant's file."""
        try:
            return apply_levers(data, self.levers)
        except ArgumentError as exc:
            if self.path:
                raise ScenarioError(self.path, "lever", str(exc).removeprefix("argument "), data.scenario.name) from None
            raise

    def lever_labels(self) -> list[str]:
        return [lv.label() for lv in self.levers]


BASELINE = Variant(name="baseline", title="Baseline", question="The scenario as it is.")


def variants_root() -> Path:
    return Path(str(resources.files("foedus") / "variants"))


def builtin_variants() -> list[str]:
    return sorted(p.stem for p in variants_root().glob("*.toml"))


def read_variant(file: str | Path) -> Variant:
    file = Path(file)
    try:
        with open(file, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(file), "(syntax)", "valid TOML", str(exc)) from None
    except OSError as exc:
        raise ScenarioError(str(file), "(file)", "a readable variant file", exc.strerror) from None
    tables = raw.pop("lever", [])
    if not isinstance(tables, list):
        raise ScenarioError(str(file), "lever", "an array of tables [[lever]]", type(tables).__name__)
    levers = tuple(lever_from_table(str(file), i, t) for i, t in enumerate(tables))
    if not levers:
        raise ScenarioError(str(file), "lever", "at least one [[lever]] table", "none")
    try:
        return Variant.model_validate({**raw, "levers": levers, "path": str(file)})
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(x) for x in err.get("loc", ())) or "(variant)"
        if err.get("type") == "missing":
            raise ScenarioError(str(file), field, "a value (the field is required)", "nothing") from None
        if err.get("type") == "extra_forbidden":
            raise ScenarioError(str(file), field, "no such field (unknown key)", err.get("input")) from None
        msg = err.get("msg", "a valid value").removeprefix("Value error, ")
        raise ScenarioError(str(file), field, msg[0].lower() + msg[1:], err.get("input")) from None


def load_variant(name_or_path: str | Path) -> Variant:
    """A built-in variant by name (``"war-ends-2026"``) or a variant file."""
    if isinstance(name_or_path, str) and name_or_path == "baseline":
        return BASELINE
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.is_file():
        if not p.is_file():
            raise ScenarioError(str(p), "(file)", "a variant file", "no such file")
        return read_variant(p)
    if str(name_or_path) in builtin_variants():
        return read_variant(variants_root() / f"{name_or_path}.toml")
    raise ArgumentError("--variant", f"a built-in variant ({', '.join(builtin_variants())}) or a .toml file",
                        str(name_or_path))


def variant_from_levers(specs: list[str], name: str | None = None) -> Variant:
    """An ad hoc variant from command-line lever specs (``--lever war-ends:2026-06``)."""
    levers = tuple(parse_lever(s) for s in specs)
    label = name or "+".join(lv.label().split(":", 1)[0] + "-" + (lv.date.isoformat()[:7] if lv.date else lv.name)
                             for lv in levers)
    label = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in label.lower())
    return Variant(name=label, title="Levers: " + "; ".join(lv.label() for lv in levers),
                   question="What if " + "; ".join(lv.label() for lv in levers) + "?", levers=levers)
