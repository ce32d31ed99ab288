"""The Results object and results folders (the contract: docs/results.md)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from foedus.errors import ResultsError
from foedus.output import files_named, new_folder, writing

TABLES = ("monthly", "final", "runs")
CSV_FILES = files_named(*(f"{t}.csv" for t in (*TABLES, "summary")))


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with writing(path):
        write(tmp)
        os.replace(tmp, path)


def write_manifest(folder: Path, manifest: dict) -> None:
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    _atomic_write(folder / "manifest.json", lambda p: p.write_text(json.dumps(manifest, indent=2, default=str) + "\n"))


@dataclass
class Results:
    """An ensemble's tables: ``monthly`` (month x state), ``final`` (run x state) and ``runs`` (run)
    as DataFrames (``final``/``runs`` are None when per-run tables were not kept), the ``manifest``,
    and the per-member summary (``summary()``)."""

    manifest: dict
    monthly: pd.DataFrame
    final: pd.DataFrame | None = None
    runs: pd.DataFrame | None = None
    member_summary: pd.DataFrame | None = None
    path: Path | None = field(default=None)
    complete: bool = True                  # False: an interrupted run's folder (resume it)
    missing_chunks: tuple[int, ...] = ()   # the chunk numbers not yet written

    def summary(self) -> pd.DataFrame:
        """Per member: P(standing) at the horizon, months to first exit (median; share with none),
        requests per run and the shares honoured fully / in part, credibility q05/q50/q95.

        >>> import foedus
        >>> foedus.simulate("csto", start="2024-03-01", months=6, runs=20, seed=1).summary()["state"].tolist()
        ['RUS', 'BLR', 'ARM', 'KAZ', 'KGZ', 'TJK', 'UZB']
        """
        return self.member_summary.copy() if self.member_summary is not None else pd.DataFrame()

    def save(self, path: str | Path) -> Path:
        """Write the folder (tables, then the manifest marked complete): a new or empty folder, or a
        results folder (one with a manifest.json), whose tables are replaced.

        >>> import foedus, tempfile
        >>> res = foedus.simulate("csto", start="2024-03-01", months=6, runs=20, seed=1)
        >>> folder = res.save(tempfile.mkdtemp() + "/run")
        >>> sorted(p.name for p in folder.iterdir())
        ['final.parquet', 'manifest.json', 'monthly.parquet', 'runs.parquet', 'summary.parquet']
        """
        folder = Path(path)
        if not (folder / "manifest.json").is_file():
            new_folder(folder)
        for name in TABLES:
            df = getattr(self, name)
            if df is not None:
                _atomic_write(folder / f"{name}.parquet", lambda p, df=df: df.to_parquet(p, index=False))
        if self.member_summary is not None:
            _atomic_write(folder / "summary.parquet", lambda p: self.member_summary.to_parquet(p, index=False))
        self.manifest = {**self.manifest, "complete": True, "chunks_done": self.manifest.get("chunks_total")}
        write_manifest(folder, self.manifest)
        self.path = folder
        return folder

    def to_csv(self, folder: str | Path) -> Path:
        """Write the tables as CSV files in ``folder`` (``monthly.csv``, ``summary.csv``, and
        ``final.csv``, ``runs.csv`` where kept); ``folder`` must be new, or hold only the CSV files
        an earlier ``to_csv`` wrote (it is then replaced whole).

        >>> import foedus, tempfile, os
        >>> res = foedus.simulate("csto", months=6, runs=20, seed=1)
        >>> sorted(os.listdir(res.to_csv(tempfile.mkdtemp() + "/tables")))
        ['final.csv', 'monthly.csv', 'runs.csv', 'summary.csv']
        """
        from foedus.output import replace_folder

        with replace_folder(folder, CSV_FILES, "a folder of CSV tables") as work:
            self.write_csv(work)
        return Path(folder)

    def write_csv(self, folder: Path) -> None:
        """The tables as CSV files in ``folder`` (created); ``to_csv`` is the safe way in.

        >>> import foedus, tempfile, os
        >>> from pathlib import Path
        >>> folder = Path(tempfile.mkdtemp())
        >>> foedus.simulate("csto", start="2024-03-01", months=6, runs=20, seed=1).write_csv(folder)
        >>> sorted(os.listdir(folder))
        ['final.csv', 'monthly.csv', 'runs.csv', 'summary.csv']
        """
        folder.mkdir(parents=True, exist_ok=True)
        for name in (*TABLES, "summary"):
            df = self.member_summary if name == "summary" else getattr(self, name)
            if df is not None:
                df.to_csv(folder / f"{name}.csv", index=False)

    def _repr_html_(self) -> str:
        import html

        return f"<p><b>{html.escape(repr(self))}</b></p>" + self.summary().to_html(index=False, float_format="{:.3f}".format)

    def __repr__(self) -> str:
        m = self.manifest
        return (f"Results({m.get('scenario')} from {m.get('start')}, {m.get('months')} months, "
                f"{m.get('runs')} runs, seed {m.get('seed')}"
                + ("" if self.complete else f"; INCOMPLETE: {len(self.missing_chunks)} of {m.get('chunks_total')} "
                                           f"chunks missing") + ")")


def read_manifest(folder: str | Path, doing: str = "") -> dict:
    """A results folder's ``manifest.json`` as a dict; a one-line ResultsError if it is missing,
    unreadable or not a JSON object. ``doing`` starts the reason (e.g. ``"cannot resume: "``)."""
    return read_json_object(folder, "manifest.json", "a results folder", doing)


def read_json_object(folder: str | Path, name: str, what: str, doing: str = "") -> dict:
    """The JSON object in ``folder/name`` (a folder's manifest or plan); a one-line ResultsError if
    the file is missing (``folder`` is then not ``what``), unreadable or not a JSON object."""
    folder = Path(folder)
    f = folder / name
    if not f.is_file():
        raise ResultsError(f"{folder}: {doing}not {what} (no {name})")
    try:
        doc = json.loads(f.read_text())
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{f}: {doing}not readable JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ResultsError(f"{f}: {doing}expected a JSON object")
    return doc


def load(path: str | Path) -> Results:
    """Read a results folder; raises ResultsError if it is missing. An interrupted run's folder
    reads as incomplete: ``complete`` False, ``missing_chunks``, and a ``monthly`` table of the runs
    finished so far (``manifest['partial_runs']`` of them); see ``foedus.results.partial``.

    >>> import foedus, tempfile
    >>> out = tempfile.mkdtemp() + "/run"
    >>> _ = foedus.simulate("csto", start="2024-03-01", months=6, runs=20, seed=1, out=out)
    >>> foedus.results.load(out)
    Results(csto from 2024-03-01, 6 months, 20 runs, seed 1)
    """
    folder = Path(path)
    manifest = read_manifest(folder)
    if not manifest.get("complete"):
        from foedus.results.partial import chunk_status, partial_monthly

        missing, acc = chunk_status(folder, manifest)
        manifest = {**manifest, "partial_runs": int(acc.sums["runs"]) if acc is not None else 0}
        return Results(manifest=manifest, monthly=partial_monthly(manifest, acc), path=folder, complete=False,
                       missing_chunks=tuple(missing))
    tables = {}
    for name in (*TABLES, "summary"):
        f = folder / f"{name}.parquet"
        tables[name] = pd.read_parquet(f) if f.is_file() else None
    if tables["monthly"] is None:
        raise ResultsError(f"{folder}: monthly.parquet is missing")
    return Results(manifest=manifest, monthly=tables["monthly"], final=tables["final"], runs=tables["runs"],
                   member_summary=tables["summary"], path=folder)
