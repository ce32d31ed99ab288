"""The README's five-minute tour of the record runs as written (its Python session is a doctest)."""

from __future__ import annotations

import doctest
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def tour() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Five-minute tour: the record and the treaty rules")
    end = text.find("\n## ", start + 1)
    section = text[start:] if end < 0 else text[start:end]
    # Markdown fences end an example's expected output.
    return "\n".join("" if line.startswith("```") else line for line in section.splitlines())


def test_the_readme_tour_python_session_gives_what_it_shows():
    section = tour()
    parser = doctest.DocTestParser()
    test = parser.get_doctest(section, {}, "README tour", str(README), 0)
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} of {len(test.examples)} examples differ from the README"


def test_the_readme_tour_members_table_is_the_replay():
    import foedus

    rp = foedus.load_scenario("csto").replay(as_of="2024-03-01")
    section = tour()
    for state, m in rp.alliance("csto").memberships.items():
        assert f"│ {state}   │" in section
        assert m.standing.name in section
