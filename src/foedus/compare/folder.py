"""Read a results folder as ``docs/results.md`` describes it, checking what the readers rely on.

A missing folder, an unfinished run (``complete`` false) or a table without the contract's
columns is a :class:`~foedus.errors.ResultsError`: one line, exit code 2."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from foedus.errors import ResultsError
from foedus.results.folder import read_manifest

MONTHLY_COLUMNS = ("month", "state", "p_active", "p_frozen", "p_notice", "p_withdrawn", "p_suspended", "p_member",
                   "cred_mean", "cred_q05", "cred_q25", "cred_q50", "cred_q75", "cred_q95",
                   "requests", "honoured_full", "honoured_part", "refused")
FINAL_COLUMNS = ("run", "state", "standing", "first_exit_month", "credibility")
RUNS_COLUMNS = ("run", "requests", "honoured_full", "honoured_part", "refused", "exits", "freezes", "notices",
                "returns", "accessions", "active_members")


@dataclass
class ResultsFolder:
    path: Path
    manifest: dict
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def variant(self) -> str:
        return self.manifest.get("variant") or "baseline"

    @property
    def runs_count(self) -> int:
        return int(self.manifest.get("runs", 0))

    @property
    def has_per_run(self) -> bool:
        return (self.path / "final.parquet").is_file() and (self.path / "runs.parquet").is_file()

    def _table(self, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
        if name not in self._cache:
            f = self.path / f"{name}.parquet"
            if not f.is_file():
                raise ResultsError(f"{self.path}: no {name}.parquet (run simulate without --no-per-run)"
                                   if name != "monthly" else f"{self.path}: no monthly.parquet")
            try:
                df = pd.read_parquet(f)
            except Exception as exc:  # a truncated or foreign file
                raise ResultsError(f"{f}: not a readable Parquet table ({type(exc).__name__})") from None
            missing = [c for c in columns if c not in df.columns]
            if missing:
                raise ResultsError(f"{f}: missing column(s) {', '.join(missing)} (see docs/results.md)")
            self._cache[name] = df
        return self._cache[name]

    @property
    def monthly(self) -> pd.DataFrame:
        df = self._table("monthly", MONTHLY_COLUMNS)
        if not pd.api.types.is_datetime64_any_dtype(df["month"]):
            df = df.assign(month=pd.to_datetime(df["month"]))
            self._cache["monthly"] = df
        return df

    @property
    def final(self) -> pd.DataFrame:
        return self._table("final", FINAL_COLUMNS)

    @property
    def runs(self) -> pd.DataFrame:
        return self._table("runs", RUNS_COLUMNS)

    @cached_property
    def members(self) -> list[str]:
        """States that were members of the alliance (active, frozen or under notice) in most runs of
        the first month, in the manifest's order. A suspended state (Uzbekistan since 2012) is not
        one, even if a few runs reinstate it in that month."""
        m = self.monthly
        first = m[m["month"] == m["month"].min()]
        members = set(first.loc[first["p_member"] >= 0.5, "state"])
        order = list(self.manifest.get("states") or sorted(m["state"].unique()))
        return [s for s in order if s in members]

    @cached_property
    def horizon(self) -> str:
        return pd.Timestamp(self.monthly["month"].max()).date().isoformat()


def open_results(path: str | Path) -> ResultsFolder:
    """Open a finished results folder."""
    p = Path(path)
    if not p.is_dir():
        raise ResultsError(f"{p}: no such results folder")
    manifest = read_manifest(p)
    if not manifest.get("complete", False):
        done, total = manifest.get("chunks_done"), manifest.get("chunks_total")
        progress = f" ({done} of {total} chunks)" if done is not None and total else ""
        raise ResultsError(f"{p}: the run is not complete{progress}; resume it or run it again")
    return ResultsFolder(path=p, manifest=manifest)
