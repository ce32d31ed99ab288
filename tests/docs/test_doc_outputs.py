"""``scripts/doc_outputs.py`` (``make docs-check``) finds each quoted command and its output in a
Markdown file, and tells a stale quote from a current one: the parsing and the comparison, without
running the commands (the script runs them; a minute or two)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "doc_outputs.py"


@pytest.fixture(scope="module")
def doc_outputs():
    spec = importlib.util.spec_from_file_location("doc_outputs", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod   # a dataclass looks its module up there
    spec.loader.exec_module(mod)
    return mod


DOC = """# A doc

Some prose.

    $ .venv/bin/foedus replay csto --as-of 2024-03-01   # the standings
    state  standing
    (some rows)
    ARM    frozen

      BLR    active

    $ .venv/bin/foedus runs list
    $ .venv/bin/foedus simulate csto --runs 10
    ...
    done

More prose.
"""


def test_each_quoted_command_has_the_indented_lines_under_it_as_its_output(doc_outputs, tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(DOC)
    q = doc_outputs.quotes(doc)
    assert [x.command for x in q] == [".venv/bin/foedus replay csto --as-of 2024-03-01",
                                      ".venv/bin/foedus runs list", ".venv/bin/foedus simulate csto --runs 10"]
    assert q[0].output == ["state  standing", "(some rows)", "ARM    frozen", "", "  BLR    active"]
    assert q[1].output == []
    assert q[0].compared == ["state standing", "ARM frozen", "BLR active"]   # the doc's own lines are not looked for
    assert not q[0].whole and not q[2].whole


def test_a_quote_is_current_when_its_lines_appear_in_order_whatever_the_spacing(doc_outputs):
    got = ["  state   standing  ", "ARM  frozen", "AZE  withdrawn", "BLR active"]
    assert doc_outputs.missing(["state standing", "ARM frozen", "BLR active"], got) == []
    assert doc_outputs.missing(["BLR active", "ARM frozen"], got) == ["ARM frozen"]   # out of order
    assert doc_outputs.missing(["ARM suspended"], got) == ["ARM suspended"]          # a figure that moved


def test_words_left_out_inside_a_line_and_a_table_s_rules_do_not_make_a_quote_stale(doc_outputs):
    got = ["│ USA │ active │ no │ USA suspended its obligations towards NZL on 1986-08-11 (a ban) │"]
    assert doc_outputs.missing(["USA active no USA suspended its obligations (...)"], got) == []
    assert doc_outputs.missing(["USA active yes USA suspended (...)"], got) == ["USA active yes USA suspended (...)"]
