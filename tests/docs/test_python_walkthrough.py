"""docs/python.md is a walk-through whose every snippet runs, in order, as a notebook would run it:
the record's answers (```text blocks) are checked as shown; the model's figures (```output blocks)
are printed by the same run, and must at least come out."""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "python.md"
FENCE = re.compile(r"```(python|text|output)\n(.*?)```", re.S)


def cells(text: str) -> list[tuple[str, str | None, str | None]]:
    """(code, the kind of the block shown after it, that block)."""
    blocks = FENCE.findall(text)
    out = []
    for i, (kind, body) in enumerate(blocks):
        if kind == "python":
            nxt = blocks[i + 1] if i + 1 < len(blocks) and blocks[i + 1][0] != "python" else (None, None)
            out.append((body, nxt[0], nxt[1]))
    return out


def run_cell(code: str, ns: dict) -> str:
    """Run one cell; like a notebook, show the value of a final expression (a DataFrame as text)."""
    tree = ast.parse(code)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = tree.body[:-1] if last is not None else tree.body
        exec(compile(ast.Module(body, []), str(DOC), "exec"), ns)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), str(DOC), "eval"), ns)
            if value is not None:
                print(value.to_string(index=False) if hasattr(value, "to_string") else repr(value))
    return buf.getvalue()


def _lines(text: str) -> list[str]:
    return [ln.rstrip() for ln in text.strip().splitlines()]


def test_every_snippet_of_the_python_walkthrough_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ns: dict = {}
    all_cells = cells(DOC.read_text())
    assert len(all_cells) >= 10
    for code, kind, shown in all_cells:
        printed = run_cell(code, ns)
        if kind == "text":
            assert _lines(printed) == _lines(shown), code
        elif kind == "output":
            assert printed.strip(), code
    assert (tmp_path / "results" / "what-if" / "report.html").is_file()
    assert (tmp_path / "essay.txt").read_text() == "my essay"
