"""Re-run the commands quoted in the README and docs/, and say which quoted outputs are stale.

A quoted command is a line ``$ .venv/bin/foedus ...`` or ``$ foedus ...`` in a Markdown file, in an
indented or a fenced block; its quoted output is the lines under it, up to the next ``$`` line or the
end of the block (in a fenced block, its fence). Each
command is run from a scratch folder that links the checkout's ``.venv`` and ``src`` (so a
command's ``-o results/...`` never writes over the user's own), and every quoted line must appear in its
output, in order, with the same words and figures (spacing aside: a doc may dedent a table). A doc
may quote only some lines of an output: a line ``...`` or a line in parentheses, such as ``(the main
rows; the full table in docs/retrodiction.md)``, is the doc's own and is not looked for, and a
``(...)`` or ``...`` inside a line stands for words left out.

    .venv/bin/python scripts/doc_outputs.py                  # every quick command of README.md and docs/*.md
    .venv/bin/python scripts/doc_outputs.py --only simulate  # the commands that contain "simulate"
    .venv/bin/python scripts/doc_outputs.py --slow           # also the commands that take minutes
    .venv/bin/python scripts/doc_outputs.py --write          # put the new outputs in the docs
                                                             # (where the doc quotes a whole output)

It prints one line per command (same, stale, skipped, failed) and a diff for each stale one; the
exit code is 1 if any is stale or failed. Commands that take minutes (fits, backtests, benchmarks)
run only with ``--slow``; commands that need something the doc prepared by hand (a folder with a
typo) never run. A doc's figures quoted in prose are not checked: re-run their commands and read.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMPT = re.compile(r"^( *)\$ ((?:\.venv/bin/)?foedus .*)$")
#: commands that take minutes on a 2-core machine: run with --slow only
SLOW = ("calibrate", "backtest", "catalogue retrodict", "sensitivity", "--runs 10000 --seed 7 -o results/csto-forecast-draws")
#: commands that read something the doc prepared by hand, or the registry of earlier runs
NEVER = ("validate mycsto", "runs list", "runs compare", "report results/", "-o prog", "oas1950")   # "-o prog": timings


@dataclass
class Quote:
    file: Path
    line: int                 # 0-based index of the ``$`` line
    indent: str
    command: str
    output: list[str]         # the quoted output's lines, without the indent
    end: int                  # index after the last quoted output line

    @property
    def compared(self) -> list[str]:
        """The quoted lines looked for in the output: not blank, not the doc's own."""
        return [norm(x) for x in self.output if norm(x) and not _own(norm(x))]

    @property
    def whole(self) -> bool:
        """The doc quotes the whole output (no line of its own): ``--write`` may replace it."""
        return not any(_own(norm(x)) for x in self.output)


_BOX = str.maketrans("", "", "│┃┆┊")


def norm(line: str) -> str:
    """The line's words: spacing and a table's column rules aside."""
    return " ".join(line.translate(_BOX).split())


def _own(line: str) -> bool:
    return line == "..." or (line.startswith("(") and line.endswith(")"))


def missing(quoted: list[str], got: list[str]) -> list[str]:
    """The quoted lines not found in ``got``, in order: each is looked for in the output's text (its
    lines joined by spaces, so a sentence wrapped at another width is found) after the last found."""
    out, k = [], 0
    text = " ".join(norm(x) for x in got)
    for line in quoted:
        at = k
        for piece in filter(None, (x.strip() for x in re.split(r"\(\.\.\.\)|\.\.\.", line))):
            i = text.find(piece, at)   # "(...)" or "..." inside a line: the doc left words out there
            if i < 0:
                out.append(line)
                break
            at = i + len(piece)
        else:
            k = at
    return out


def quotes(file: Path) -> list[Quote]:
    lines = file.read_text().splitlines()
    found: list[Quote] = []
    i = 0
    while i < len(lines):
        m = PROMPT.match(lines[i])
        if not m:
            i += 1
            continue
        indent, command = m.group(1), m.group(2).split("  #")[0].strip()
        j = i + 1
        while j < len(lines) and (lines[j].startswith(indent) or not lines[j].strip()) \
                and not PROMPT.match(lines[j]) and not lines[j].lstrip().startswith(("$ ", "```")):
            j += 1
        while j > i + 1 and not lines[j - 1].strip():   # blank lines after the block are not output
            j -= 1
        found.append(Quote(file, i, indent, command, [x[len(indent):] for x in lines[i + 1:j]], j))
        i = j
    return found


#: terminal widths tried in turn: a table's wrapping depends on the width the doc was made at
WIDTHS = (None, 100, 120, 90, 160, 200)


def workdir() -> Path:
    """A fresh folder that looks like the checkout's root (``.venv``, ``src``, ``benchmarks``
    linked), one per run of a command: its results folders (``-o results/...``) are written there,
    never over the user's own."""
    d = Path(tempfile.mkdtemp(prefix="foedus-docs-"))
    for name in (".venv", "src", "benchmarks", "docs", "pyproject.toml"):
        if (ROOT / name).exists():
            (d / name).symlink_to(ROOT / name)
    return d


def run(q: Quote, width: int | None) -> tuple[int, list[str]]:
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
               **({"COLUMNS": str(width)} if width else {}))
    cwd = workdir()
    p = subprocess.run(q.command, shell=True, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=3600)
    shutil.rmtree(cwd, ignore_errors=True)
    lines = [x.rstrip().replace(str(cwd), "~/foedus").replace(str(ROOT), "~/foedus")   # the docs' ~/foedus
             for x in p.stdout.rstrip("\n").splitlines()]
    return p.returncode, lines


def closest(q: Quote) -> tuple[int, list[str], list[str]]:
    """The exit code, output and quoted lines not found, at the first width that finds every quoted
    line, else at the width that finds the most."""
    best = None
    for width in WIDTHS:
        code, got = run(q, width)
        lost = missing(q.compared, got)
        if best is None or len(lost) < len(best[2]):
            best = code, got, lost
        if not lost or code not in (0, 2):
            break
    return best


def write(q: Quote, got: list[str], shift: int) -> int:
    lines = q.file.read_text().splitlines()
    new = [(q.indent + x).rstrip() if x else q.indent.rstrip() for x in got]
    a, b = q.line + 1 + shift, q.end + shift
    lines[a:b] = new
    q.file.write_text("\n".join(lines) + "\n")
    return shift + len(new) - (b - a)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="Markdown files (default: README.md and docs/*.md)")
    ap.add_argument("--only", help="only the commands containing this text")
    ap.add_argument("--slow", action="store_true", help="also the commands that take minutes")
    ap.add_argument("--write", action="store_true", help="replace each stale quoted output with the new one")
    args = ap.parse_args(argv)
    files = [f.resolve() for f in args.files] or [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    bad = 0
    for file in files:
        shift = 0
        for q in quotes(file):
            where = f"{file.relative_to(ROOT)}:{q.line + 1}"
            if not q.output or (args.only and args.only not in q.command):
                continue
            if any(n in q.command for n in NEVER) or (not args.slow and any(s in q.command for s in SLOW)):
                print(f"skipped  {where}  {q.command}")
                continue
            code, got, lost = closest(q)
            if code != 0 and code != 2:
                print(f"FAILED   {where}  {q.command} (exit {code})")
                bad += 1
            elif not lost:
                print(f"same     {where}  {q.command}")
            else:
                print(f"STALE    {where}  {q.command}: {len(lost)} quoted lines not in the output")
                if q.whole:
                    sys.stdout.writelines(difflib.unified_diff([x + "\n" for x in q.output],
                                                               [x + "\n" for x in got], "doc", "now", n=1))
                else:
                    print("\n".join(["  not found:", *("    " + x for x in lost), "  the output:", *("    " + x for x in got)]))
                bad += 1
                if args.write and q.whole:
                    shift = write(q, got, shift)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
