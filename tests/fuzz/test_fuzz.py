"""A fuzz harness: generated mutations of scenario files (types, ranges, unknown keys, dates,
references, encodings) and injected output faults (files and folders in the way, long names,
read-only and full file systems). Every case exits 0 or 2; an error is one line, never a traceback;
no file outside the output is lost or changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus.scenario.loader import resolve

SOURCE = resolve("csto")
FILES = sorted(p.name for p in SOURCE.glob("*.toml"))
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def snapshot(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file under ``root`` (but ``skip``) and its content's hash."""
    out = {}
    for p in sorted(root.rglob("*")):
        if skip is not None and (p == skip or skip in p.parents):
            continue
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def assert_clean(code: int, err: str) -> None:
    assert code in (0, 2), err
    assert "Traceback" not in err, err
    if code == 2:
        errors = [ln for ln in err.splitlines() if ln.startswith("foedus: error:")]
        assert len(errors) == 1, err


# -- scenario-file mutations ----------------------------------------------------------------------
ODD_VALUES = st.one_of(
    st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.booleans(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.just([]), st.just({"x": 1}),
    st.sampled_from(["XXX", "ARM", "", "1999-02-30", "csto", "armed_attack", "\u0000", "é" * 3]),
)


def _paths(doc, prefix=()):
    """Every (path, value) in a TOML document, leaves and tables alike."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield (*prefix, k), v
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield (*prefix, i), v
            yield from _paths(v, (*prefix, i))


def _set(doc, path, value):
    for k in path[:-1]:
        doc = doc[k]
    if value is _DELETE:
        del doc[path[-1]]
    else:
        doc[path[-1]] = value


_DELETE = object()


@st.composite
def mutation(draw):
    """(file name, what to do, a path into the document, the new value or bytes)."""
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["value", "value", "value", "delete", "unknown_key", "bytes", "truncate"]))
    doc = tomllib.loads((SOURCE / name).read_text(encoding="utf-8"))
    paths = [p for p, _ in _paths(doc)]
    path = draw(st.sampled_from(paths))
    if kind == "value":
        return name, kind, path, draw(ODD_VALUES)
    if kind == "unknown_key":
        return name, kind, path, draw(st.sampled_from(["colour", "notice_month", "valu", "Date", "x"]))
    if kind == "bytes":
        return name, kind, path, draw(st.sampled_from([b"\xff\xfe\x00broken", "événement = 1\n".encode("latin-1"),
                                                       b"\xef\xbb\xbf", b"[[event]]\n", b"= = =\n", b"\x00" * 8]))
    return name, kind, path, draw(st.integers(0, 2000))


def apply(folder: Path, name: str, kind: str, path, value) -> None:
    f = folder / name
    if kind == "bytes":
        f.write_bytes(value + f.read_bytes()[:200] if value != b"\xef\xbb\xbf" else value + f.read_bytes())
        return
    if kind == "truncate":
        f.write_bytes(f.read_bytes()[:value])
        return
    doc = tomllib.loads(f.read_text(encoding="utf-8"))
    if kind == "delete":
        _set(doc, path, _DELETE)
    elif kind == "unknown_key":
        target = doc
        for k in path:
            target = target[k] if isinstance(target[k], (dict, list)) else target
        if isinstance(target, dict):
            target[value] = 1
        else:
            doc[value] = 1
    else:
        _set(doc, path, value)
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):  # not representable in TOML (NaN keys, a NUL): write it raw
        text = f"{path[-1]} = {value!r}\n"
    f.write_text(text, encoding="utf-8")


@FUZZ
@given(m=mutation())
def test_a_mutated_scenario_validates_or_is_one_line(cli, tally, m):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sc"
        shutil.copytree(SOURCE, folder)
        apply(folder, *m)
        before = snapshot(Path(tmp))
        code, _, err = cli("validate", str(folder))
        assert_clean(code, err)
        if code == 2:
            assert str(folder) in err or "rule violated" in err, err  # names the file (or the rule)
        assert snapshot(Path(tmp)) == before  # validate only reads
        tally("scenario mutation", code)


# -- output faults --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """A sandbox with a user's files, a small results folder, and (where root may mount) a read-only
    and a full file system. Paths that cannot be made here are left out, and said so."""
    from foedus.simulation import simulate

    root = tmp_path_factory.mktemp("sandbox")
    (root / "thesis.txt").write_text("my thesis")
    (root / "notes").mkdir()
    (root / "notes" / "a.md").write_text("notes")
    (root / "empty").mkdir()
    res = root / "results"
    simulate("csto", months=2, runs=4, out=res)
    mounts = {}
    for name, opts in (("readonly", "ro,size=64k"), ("full", "size=16k")):
        target = tmp_path_factory.mktemp(name)
        ok = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(target)],
                                                  capture_output=True).returncode == 0
        if ok:
            mounts[name] = target
    if "full" in mounts:  # fill it
        with open(mounts["full"] / "filler", "wb") as fh:
            try:
                fh.write(b"\0" * 64 * 1024)
            except OSError:
                pass
    yield root, res, mounts
    for target in mounts.values():
        subprocess.run(["umount", str(target)], capture_output=True)


def _exists(p: Path) -> bool:
    try:
        return p.exists()
    except OSError:  # a name too long to ask about
        return True


TARGETS = ["thesis.txt", "notes", "empty", "new", "thesis.txt/child", "x" * 300, "deep/er/new", "/proc/foedus",
           "/sys/foedus", "readonly", "full", "results", ".", "new name with spaces"]
COMMANDS = {
    "simulate": lambda res, out: ("simulate", "csto", "--runs", "3", "--months", "2", "-o", out),
    "show --csv": lambda res, out: ("show", str(res), "--csv", out),
    "report": lambda res, out: ("report", str(res), "-o", out),
}


@FUZZ
@given(command=st.sampled_from(sorted(COMMANDS)), target=st.sampled_from(TARGETS),
       sub=st.sampled_from(["", "/out", "/out.html"]))
def test_an_output_fault_is_one_line_and_nothing_else_changes(cli, tally, places, monkeypatch, command, target,
                                                              sub):
    root, res, mounts = places
    if target in ("readonly", "full"):
        if target not in mounts:
            tally(f"output fault skipped: no {target} file system (mount refused)", 0)
            return
        out = str(mounts[target]) + (sub or "/out")
    else:
        out = target if target.startswith("/") else str(root / target) + sub
    if command == "report" and not _exists(Path(out)) and target not in ("readonly", "full") \
            and not target.startswith("/") and "thesis.txt/" not in out:
        out = str(root / "notes")  # a report that would succeed costs seconds of figures: fault it instead
    monkeypatch.chdir(root)
    output = Path(out)
    skip = None if target == "." and not sub else output
    before = snapshot(root, skip=skip)
    code, _, err = cli(*COMMANDS[command](res, out))
    assert_clean(code, err)
    assert snapshot(root, skip=skip) == before, err
    if code == 0 and skip is not None and output.is_dir():
        shutil.rmtree(output)  # the next case starts from the same sandbox
    tally(f"output fault ({command})", code)
