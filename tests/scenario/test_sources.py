"""Every built-in scenario file names the original publication behind its values (a treaty text,
an organisation's page, a news agency, a data set) or says that a value is a judgement; none
points at the project's own working notes."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from foedus.scenario.loader import builtin_names, builtin_root

WORKING_NOTES = re.compile(r"\bfacts\b|shared/facts", re.IGNORECASE)
CITING_KEYS = {"source", "note"}


def scenario_files() -> list[Path]:
    return sorted(p for name in builtin_names() for p in (builtin_root() / name).glob("*.toml"))


def citations(value: object, key: str = "") -> Iterator[str]:
    """Every `source` and `note` string anywhere in a parsed TOML document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from citations(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from citations(item, key)
    elif isinstance(value, str) and key in CITING_KEYS:
        yield value


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_source_or_note_cites_the_working_notes(path):
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    cited = [text for text in citations(document) if WORKING_NOTES.search(text)]
    assert cited == [], f"{path.name} cites the working notes instead of the original publication"


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_comment_rests_on_the_working_notes(path):
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    assert [c for c in comments if WORKING_NOTES.search(c)] == []


def test_the_check_sees_every_built_in_scenario():
    assert {p.parent.name for p in scenario_files()} == set(builtin_names())
    assert any(p.name == "record.toml" for p in scenario_files())


def test_the_check_catches_a_citation_of_the_working_notes():
    document = tomllib.loads('[[event]]\nsource = "facts: CSTO ledger"\nnote = "as in the facts file"\n')
    assert len([t for t in citations(document) if WORKING_NOTES.search(t)]) == 2
