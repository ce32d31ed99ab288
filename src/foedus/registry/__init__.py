"""The experiment registry: an embedded DuckDB database that records every simulate, compare and
calibrate run — its manifest, its parameters and its headline figures — so that ``foedus runs``
can list, show and compare them later.

The database is ``$FOEDUS_HOME/registry.duckdb`` (``~/.foedus/`` when FOEDUS_HOME is not set).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import duckdb

from foedus.errors import ArgumentError, FoedusError

KINDS = ("simulate", "compare", "calibrate")

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS run_id START 1;
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY DEFAULT nextval('run_id'),
    kind        VARCHAR NOT NULL,
    created     TIMESTAMP NOT NULL,
    scenario    VARCHAR,
    variant     VARCHAR,
    seed        BIGINT,
    runs        BIGINT,
    months      INTEGER,
    start       VARCHAR,
    command     VARCHAR,
    results     VARCHAR,
    version     VARCHAR,
    manifest    VARCHAR,   -- JSON
    parameters  VARCHAR,   -- JSON
    summary     VARCHAR    -- JSON
);
"""

COLUMNS = ("id", "kind", "created", "scenario", "variant", "seed", "runs", "months", "start", "command", "results",
           "version", "manifest", "parameters", "summary")


class RegistryError(FoedusError):
    """The registry database cannot be opened or written."""


class RegistryDamaged(RegistryError):
    """The registry file is not a DuckDB database any more (truncated, overwritten): said at once."""

    exit_code = 2


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def home() -> Path:
    return Path(os.environ.get("FOEDUS_HOME") or Path.home() / ".foedus")


def registry_path() -> Path:
    return home() / "registry.duckdb"


def _connect(read_only: bool = False, attempts: int = 40) -> duckdb.DuckDBPyConnection:
    """Open the database; another foedus process may hold its lock for a moment, so wait a little."""
    path = registry_path()
    if read_only and not path.exists():
        read_only = False  # create it, so that an empty registry lists as empty
    path.parent.mkdir(parents=True, exist_ok=True)
    last: Exception | None = None
    for i in range(attempts):
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            if not read_only:
                con.execute(SCHEMA)
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():  # not a lock held by another process: a damaged file
                raise RegistryDamaged(f"{path}: the registry is damaged ({_first_line(exc)}); move it aside "
                                      f"(mv {path} {path}.damaged) and foedus starts a new, empty one") from None
            last = exc
            time.sleep(min(0.05 * (i + 1), 0.5))
        except duckdb.Error as exc:
            raise RegistryError(f"{path}: cannot open the registry ({_first_line(exc)})") from None
    raise RegistryError(f"{path}: the registry stayed locked by another process ({last})")


def record_run(kind: str, manifest: dict, summary: dict | None = None, results: str | Path | None = None) -> int:
    """Record one run; returns its registry id. ``manifest`` is the results folder's manifest (or,
    for a comparison, the settings shared by its arms); ``summary`` its headline figures."""
    if kind not in KINDS:
        raise ArgumentError("kind", f"one of {', '.join(KINDS)}", kind)
    m = manifest or {}
    row = (kind, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), _text(m.get("scenario")), _text(m.get("variant")),
           _int(m.get("seed")), _int(m.get("runs")), _int(m.get("months")), str(m.get("start") or "")[:10] or None,
           _text(m.get("command")),
           str(Path(results).resolve()) if results else _text(m.get("results")), _text(m.get("foedus_version")),
           json.dumps(m, default=str), json.dumps(m.get("parameters") or {}, default=str),
           json.dumps(summary or {}, default=str))
    con = _connect()
    try:
        rid = con.execute(
            "INSERT INTO runs (kind, created, scenario, variant, seed, runs, months, start, command, results, version,"
            " manifest, parameters, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", row,
        ).fetchone()[0]
    finally:
        con.close()
    return int(rid)


def _text(v) -> str | None:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)):
        return ",".join(map(str, v))
    return str(v)


def _int(v) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def try_record_run(kind: str, manifest: dict, summary: dict | None = None, results: str | Path | None = None) -> int | None:
    """``record_run`` for a command that has already done its work: a registry that cannot be
    written is reported on stderr and does not fail the command."""
    try:
        return record_run(kind, manifest, summary, results)
    except (FoedusError, duckdb.Error, OSError, TypeError, ValueError) as exc:
        print(f"foedus: warning: run not recorded in the registry: {exc}", file=sys.stderr)
        return None


def _row(r: tuple) -> dict:
    d = dict(zip(COLUMNS, r))
    d["created"] = d["created"].isoformat(timespec="seconds") + "Z" if d["created"] else None
    for k in ("manifest", "parameters", "summary"):
        d[k] = json.loads(d[k]) if d[k] else {}
    return d


def list_runs(kind: str | None = None, scenario: str | None = None, limit: int = 50) -> list[dict]:
    """The most recent runs first (without their manifests)."""
    if kind is not None and kind not in KINDS:
        raise ArgumentError("--kind", f"one of {', '.join(KINDS)}", kind)
    con = _connect(read_only=True)
    try:
        sql = f"SELECT {', '.join(COLUMNS)} FROM runs WHERE 1=1"
        args: list = []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        if scenario:
            sql += " AND scenario = ?"
            args.append(scenario)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(int(limit))
        rows = [_row(r) for r in con.execute(sql, args).fetchall()]
    finally:
        con.close()
    for r in rows:
        r.pop("manifest")
        r.pop("parameters")
    return rows


def get_run(run_id: int) -> dict:
    con = _connect(read_only=True)
    try:
        r = con.execute(f"SELECT {', '.join(COLUMNS)} FROM runs WHERE id = ?", [int(run_id)]).fetchone()
    finally:
        con.close()
    if r is None:
        raise ArgumentError("ID", f"the id of a recorded run (see `foedus runs list`; registry {registry_path()})", run_id)
    return _row(r)


def _flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def compare_runs(a: int, b: int) -> dict:
    """What differs between two recorded runs: settings, parameters and headline figures."""
    ra, rb = get_run(a), get_run(b)
    out: dict = {"a": a, "b": b, "settings": [], "parameters": [], "summary": []}
    for k in ("kind", "scenario", "variant", "seed", "runs", "months", "start", "version"):
        out["settings"].append({"key": k, "a": ra[k], "b": rb[k], "same": ra[k] == rb[k]})
    for section in ("parameters", "summary"):
        fa, fb = _flatten(ra[section]), _flatten(rb[section])
        for k in sorted(set(fa) | set(fb)):
            va, vb = fa.get(k), fb.get(k)
            row = {"key": k, "a": va, "b": vb, "same": va == vb}
            if isinstance(va, (int, float)) and isinstance(vb, (int, float)) and not isinstance(va, bool):
                row["b_minus_a"] = vb - va
            out[section].append(row)
    return out
