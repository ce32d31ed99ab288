"""The retrodiction's figure and report section (``foedus retrodict -o DIR``; ``foedus report DIR``).

A retrodiction folder holds ``retrodiction.json`` (the rows and their summary, as ``--json`` prints
them), ``rows.csv`` and ``report.html``: one self-contained page in the report's style, the figure
inlined and also written as ``report_figures/retrodiction.png``."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from foedus.errors import ResultsError
from foedus.output import new_file, replace_folder, write_file
from foedus.report import CSS, GENERATOR, REPORT_MARKS, SCRIPT, Report, _e, _png, _table
from foedus.retrodiction.scores import INTERVAL

RETRODICTION_FILE = "retrodiction.json"
MISS, INSIDE = "#c0392b", "#2e8b57"


def figure(rows: pd.DataFrame, summary: dict) -> Figure:
    """Left: each simulated cell's PIT (the real count's predictive percentile), red where the real
    count falls outside the 90% interval; right: the PIT histogram (flat if the model is calibrated)."""
    sim = rows[rows["simulated"].astype(bool)].reset_index(drop=True)
    fig = Figure(figsize=(11, max(3.0, 0.22 * len(sim) + 1.2)))
    ax, hx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    y = np.arange(len(sim))[::-1]
    ax.axvspan(*INTERVAL, color="#eef2f8", zorder=0)
    colours = [INSIDE if bool(v) else MISS for v in sim["inside"]]
    ax.scatter(sim["pit"].astype(float), y, c=colours, s=22, zorder=2)
    ax.set_yticks(y, [f"{a} {s[:4]}-{e[:4]} {ev}" for a, s, e, ev in zip(sim["alliance"], sim["start"], sim["end"], sim["event"])],
                  fontsize=7 if len(sim) > 30 else 8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("predictive percentile of the real count (PIT)")
    ax.set_title("real count inside the 90% interval: green; outside: red", fontsize=10)
    hist = summary["pit_histogram"]
    hx.bar(np.arange(len(hist)) / len(hist), hist, width=1 / len(hist), align="edge", color="#1f3b73", edgecolor="white")
    if summary["cells"]:
        hx.axhline(summary["cells"] / len(hist), color="#777", ls="--", lw=1)
    hx.set_xlabel("PIT")
    hx.set_ylabel("cells")
    cov = "-" if not summary["cells"] else f"{100 * summary['coverage']:.0f}%"
    hx.set_title(f"PIT histogram; 90% coverage {cov} ({summary['inside']}/{summary['cells']})", fontsize=10)
    fig.tight_layout()
    return fig


def _cell(x, digits: int = 2) -> str:
    return "-" if x is None or pd.isna(x) else f"{x:.{digits}f}"


def section(doc: dict, rows: pd.DataFrame, png: bytes) -> str:
    """The report's retrodiction section: what was run, the summary, the figure and the table."""
    s = doc["summary"]
    cov = "-" if not s["cells"] else f"{100 * s['coverage']:.0f}%"
    head = (f'<h2 id="retrodiction">Retrodiction: the simulator against the record</h2>'
            f"<p>{_e(', '.join(doc['scenarios']))}: {doc['runs']} runs each, seed {doc['seed']}, every decision "
            "simulated, the exogenous timeline as it happened. For each class of event, the simulated count per run "
            "(mean, 5-95% interval) beside the real count of the replayed record and its predictive percentile. "
            f"Real counts inside the 90% interval: <b>{s['inside']} of {s['cells']}</b> cells ({_e(cov)}); "
            f"{s['point_cells']} cells put every run on one value.</p>")
    b64 = base64.b64encode(png).decode("ascii")
    fig = (f'<figure><img alt="retrodiction" src="data:image/png;base64,{b64}"><figcaption>Left: each cell\'s PIT, '
           "red where the real count lies outside the 90% interval. Right: the PIT histogram, flat for a "
           "calibrated model; mass at the ends means real counts the model rarely produces.</figcaption></figure>")
    body = [[_e(r.alliance), _e(r.start), _e(r.end), _e(r.event), f'<span class="n">{r.real}</span>',
             _cell(r.mean), _cell(r.q05, 0), _cell(r.q95, 0), _cell(r.pit),
             "not simulated" if not r.simulated else ("in" if r.inside else '<span class="sig">outside</span>')]
            for r in rows.itertuples()]
    return head + fig + _table(["alliance", "from", "to", "event", "real", "mean", "q05", "q95", "PIT", "90%"], body)


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"{GENERATOR}\">"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main><h1>{_e(title)}</h1>"
            f"{body}</main><script>{SCRIPT}</script></body></html>\n")


def _rows(doc: dict) -> pd.DataFrame:
    rows = pd.DataFrame(doc["rows"])
    rows["simulated"] = rows["mean"].notna()
    rows["inside"] = rows["simulated"] & (rows["q05"] <= rows["real"]) & (rows["real"] <= rows["q95"])
    return rows


def write_retrodiction(out: str | Path, doc: dict, rows: pd.DataFrame | None = None, title: str | None = None) -> Report:
    """Write a retrodiction folder: the JSON document, the rows as CSV, the figure, the HTML page."""
    out = Path(out)
    rows = _rows(doc) if rows is None else rows
    with replace_folder(out, ours, "a retrodiction folder") as work:
        write_file(work / RETRODICTION_FILE, (json.dumps(doc, indent=2, default=str) + "\n").encode())
        write_file(work / "rows.csv", pd.DataFrame(doc["rows"]).to_csv(index=False).encode())
        build_retrodiction_report(work, work / "report.html", title, doc, rows)
    return Report(html=out / "report.html", figures={"retrodiction": out / "report_figures" / "retrodiction.png"},
                  arms=list(doc.get("scenarios", [])))


def ours(entry: Path) -> bool:
    """What a retrodiction folder holds: ``write_retrodiction`` replaces a folder of these only."""
    return ((entry.is_file() and entry.name in (RETRODICTION_FILE, "rows.csv", "report.html"))
            or (entry.is_dir() and entry.name == "report_figures"))


def build_retrodiction_report(folder: str | Path, out: str | Path, title: str | None = None, doc: dict | None = None,
                              rows: pd.DataFrame | None = None) -> Report:
    """The HTML page of a retrodiction folder (``foedus report DIR``), its figure as PNG beside it."""
    folder, out = Path(folder), Path(out)
    if doc is None:
        try:
            doc = json.loads((folder / RETRODICTION_FILE).read_text())
        except (OSError, ValueError) as exc:
            raise ResultsError(f"{folder / RETRODICTION_FILE}: expected a retrodiction written by foedus retrodict ({exc})") from None
    rows = _rows(doc) if rows is None else rows
    png = _png(figure(rows, doc["summary"]))
    out = new_file(out, REPORT_MARKS, "an HTML report")
    fig_path = out.with_name(out.stem + "_figures") / "retrodiction.png"
    fig_path.parent.mkdir(exist_ok=True)
    write_file(fig_path, png)
    write_file(out, _page(title or "Retrodiction", section(doc, rows, png)).encode("utf-8"))
    return Report(html=out, figures={"retrodiction": fig_path}, arms=list(doc.get("scenarios", [])))
