"""The forecast report: one self-contained HTML file (figures inlined as SVG that scale with the
page, no script or font from the network) for a reader who would rather look than read, and the
same figures as PNG files beside it.

``build_report(RESULTS, "report.html")`` where RESULTS is a results folder (``foedus simulate``)
or a comparison folder (``foedus compare``: a baseline and its variants).
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from foedus.compare.folder import ResultsFolder, open_results
from foedus.compare.paired import MATTERS, paired_table, verdict
from foedus.compare.summary import summarise
from foedus.errors import OutputError, ResultsError
from foedus.output import new_file, write_file, writing
from foedus.report import figures as F

# marks a page foedus wrote: `report -o` replaces such a file, and no other (a report written before
# the mark existed ends with "Made by foedus")
GENERATOR = '<meta name="generator" content="foedus'
REPORT_MARKS = (GENERATOR, '<p class="muted">Made by foedus')

COMPARISON_FILE = "comparison.json"


@dataclass
class Report:
    html: Path
    figures: dict[str, Path] = field(default_factory=dict)
    arms: list[str] = field(default_factory=list)


def open_arms(path: str | Path) -> list[ResultsFolder]:
    """The results folders behind RESULTS: one for a simulate folder; the baseline first, then
    the variants, for a comparison folder."""
    p = Path(path)
    if (p / COMPARISON_FILE).is_file():
        try:
            comp = json.loads((p / COMPARISON_FILE).read_text())
        except ValueError as exc:
            raise ResultsError(f"{p / COMPARISON_FILE}: not readable JSON ({exc})") from None
        if comp.get("complete") is False:
            raise ResultsError(f"{p}: the comparison was interrupted; finish it with: foedus compare SCENARIO "
                               f"--resume {p}" + (f" (it was made by: {comp['command']})" if comp.get("command") else ""))
        arms = [open_results(p / a["path"]) for a in comp.get("arms", [])]
        if not arms:
            raise ResultsError(f"{p / COMPARISON_FILE}: lists no arms")
        return arms
    return [open_results(p)]


def _load_scenario(manifest: dict):
    """The scenario the run used, for names, citations and the network's adversaries; None if it
    cannot be found any more (the report still renders from the manifest alone)."""
    from foedus.api import load_scenario
    from foedus.errors import FoedusError

    for ref in (manifest.get("scenario_path"), manifest.get("scenario")):
        if not ref:
            continue
        try:
            return load_scenario(ref)
        except FoedusError:
            continue
    return None


def _png(fig) -> bytes:
    """The figure as PNG, closed (for a page that inlines a PNG, and the files beside the report)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def _render(fig, key: str) -> tuple[bytes, str]:
    """The figure as PNG (the file beside the report) and as SVG markup to inline: its size left
    to the page's style, its ids salted with the figure's key so that figures do not share ids."""
    import re

    with plt.rc_context({"svg.hashsalt": key}):
        sbuf = io.StringIO()
        fig.savefig(sbuf, format="svg", facecolor="white")
    svg = sbuf.getvalue()
    png = _png(fig)
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', svg, count=1)
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{key}-{m.group(1)}"', svg)
    svg = re.sub(r'(url\(#|xlink:href="#|href="#)([^)"]+)', lambda m: f"{m.group(1)}{key}-{m.group(2)}", svg)
    return png, svg


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _pct(x) -> str:
    return "" if x is None or pd.isna(x) else f"{100 * x:.1f}%"


def _table(headers: list[str], rows: list[list], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff}
@media (max-width:600px){main{padding:12px 10px 40px}}
h1{margin:0 0 4px;font-size:28px;color:#1f3b73}
h2{margin:36px 0 8px;font-size:20px;color:#1f3b73;border-bottom:2px solid #e3e7ee;padding-bottom:4px}
.sub{color:#555;margin:0 0 18px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{flex:1 1 150px;border:1px solid #e3e7ee;border-radius:8px;padding:10px 14px;background:#fbfcfe}
.card .v{font-size:24px;font-weight:700;color:#1f3b73}.card .k{font-size:12px;color:#666}
figure{margin:10px 0 24px}figure svg{display:block;width:100%;height:auto;max-width:640px}
figure img{max-width:100%;height:auto;border:1px solid #eee}.sig{color:#b03a2e;font-weight:600}
.words{font-weight:600}.matters{color:#b03a2e;font-weight:700}
figcaption{color:#555;font-size:14px;margin-top:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0 16px;display:block;max-width:100%;overflow-x:auto}
th,td{border-bottom:1px solid #e3e7ee;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f0f3f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#777;font-size:13px}
pre{white-space:pre-wrap;word-break:break-all;background:#f0f3f8;padding:6px 8px;font-size:13px}
details{margin:8px 0}summary{cursor:pointer;color:#1f3b73}
nav a{margin-right:14px;color:#1f3b73;font-size:14px}
"""

# The only script: it records in the page how many figures the browser drew (the report test
# reads it back from headless Chromium); the page is complete without it.
SCRIPT = """
window.addEventListener('load', function () {
  var figs = document.querySelectorAll('figure > svg, figure > img');
  var ok = 0;
  figs.forEach(function (f) { var r = f.getBoundingClientRect(); if (r.width > 0 && r.height > 0) { ok += 1; } });
  document.body.setAttribute('data-figures', figs.length);
  document.body.setAttribute('data-figures-loaded', ok);
});
"""


def _figure_folder(out: Path) -> Path:
    """``<OUT stem>_figures``, beside the report: new, or a folder of the figures a report wrote."""
    fig_dir = out.with_name(out.stem + "_figures")
    if fig_dir.exists() and not fig_dir.is_dir():
        raise OutputError(fig_dir, "a file is in the way of the report's figures folder")
    if fig_dir.is_dir():
        foreign = sorted(e.name for e in fig_dir.iterdir() if not (e.is_file() and e.suffix == ".png"))
        if foreign:
            raise OutputError(fig_dir, f"holds {foreign[0]!r}, which is not a report's figure; expected the "
                                       "report's figures folder (new, or PNG files only)")
    return fig_dir


def read_sensitivity(folder: str | Path) -> tuple[pd.DataFrame, dict]:
    """A ``foedus sensitivity -o`` folder: its indices and its settings with the command."""
    import json

    folder = Path(folder)
    f, meta = folder / "indices.csv", folder / "sensitivity.json"
    if not (f.is_file() and meta.is_file()):
        raise ResultsError(f"{folder}: not a sensitivity folder (foedus sensitivity ... -o DIR writes indices.csv "
                           "and sensitivity.json)")
    try:
        return pd.read_csv(f), json.loads(meta.read_text())
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{folder}: not readable ({exc})") from None


def build_report(results: str | Path, out: str | Path, title: str | None = None,
                 sensitivity: str | Path | None = None) -> Report:
    """Write the HTML report for RESULTS to OUT, and its figures as PNG in ``<OUT stem>_figures/``
    beside it. Each file is written whole to a temporary name first, then moved into place.
    A retrodiction folder (``foedus retrodict -o``) gets its own page (``report.retrodiction``).
    ``sensitivity``: a ``foedus sensitivity -o`` folder, drawn as its own figure with its command."""
    if (Path(results) / "retrodiction.json").is_file():
        from foedus.report.retrodiction import build_retrodiction_report

        return build_retrodiction_report(results, out, title)
    arms = open_arms(results)
    base = arms[0]
    sens = read_sensitivity(sensitivity) if sensitivity is not None else None
    out = new_file(out, REPORT_MARKS, "an HTML report")
    fig_dir = _figure_folder(out)
    scenario = _load_scenario(base.manifest)
    names = {s.iso3: s.name for s in scenario.states} if scenario else None
    summary = summarise(base)

    figs: list[tuple[str, str, str, bytes, str]] = []  # (key, title, caption, png, svg)

    def add(key: str, heading: str, caption: str, fig) -> None:
        if fig is not None:
            figs.append((key, heading, caption, *_render(fig, key)))

    def listed(states) -> str:
        return ", ".join((names or {}).get(s, s) for s in states)

    moving = F.moving_members(base)
    still = [s for s in base.members if s not in moving]
    steady = (f" Not shown: {listed(still)}, active in at least {1 - F.MOVES:.0%} of the runs every month."
              if still else "")
    if moving:
        add("standing", "Each member's standing over time",
            "For every month, the share of simulated runs in which the member is active, has frozen its "
            "participation, has given notice, is suspended or has withdrawn. A band that widens is a "
            "standing that becomes likelier." + steady, F.standing_bands(base, names))
    add("active_members", "Active members",
        "The expected number of active members each month, from zero" + (", for the baseline and each variant."
                                                                          if len(arms) > 1 else
                                                                          "; dashed: members including frozen ones."),
        F.active_members(arms))
    notes = [] if moving else [f"Every member ({listed(still)}) is active in at least {1 - F.MOVES:.0%} of the runs "
                               "every month: no figure of standings or of time to exit would show anything."]
    if base.has_per_run and moving:
        m0 = base.monthly[base.monthly["month"] == base.monthly["month"].min()].set_index("state")
        frozen = [s for s in base.members if m0.at[s, "p_frozen"] >= 0.5]
        note = (f" A member already frozen at the start ({listed(frozen)}) "
                "counts once it moves on: notice, suspension or withdrawal." if frozen else "")
        add("survival", "Time to exit",
            "Survival curves: the share of runs in which the member has not yet taken a step out of the alliance "
            "(freezing its participation, giving notice, being suspended or leaving)." + note
            + (f" Shaded: the band holding 90% of the curves of the {base.manifest['param_draws']} parameter draws "
               "(what the record leaves undecided about the fitted parameters); the line pools every run."
               if int(base.manifest.get("param_draws") or 1) > 1 else "") + steady,
            F.survival(base, names))
    add("credibility", "Credibility",
        "Each member's belief that the alliance helps a member that asks (the mean of its Beta belief): the "
        "median run, the band holding the middle 50% of runs and the band holding 90%"
        + (", at the horizon." if len(base.members) > 8 else ", month by month."),
        F.credibility_fans(base, names))
    whole, partial = F.complete_years(base)
    add("requests", "Requests for help and their outcomes",
        "Mean number per run of requests for help in each whole calendar year, by how the alliance answered: "
        "forces deployed, limited help (a monitoring mission, a statement) or refusal; below: by the member "
        "that asked, over the whole horizon."
        + (f" Years the run covers in part are left out of the yearly bars: {', '.join(partial)}." if partial else ""),
        F.requests_outcomes(base, names))
    add("network", "The alliance as a network",
        "The patron at the centre and the members around it; a spoke's width and label are a member's chance "
        "of still being a member at the horizon, a member's colour (and the figure under it) its chance of "
        "still being active. Red dashed lines: attacks and clashes on the record and in the scenario's timeline.",
        F.alliance_network(base, scenario, names))

    if sens is not None:
        ind, meta = sens
        add("sensitivity", "What moves the forecast: sensitivity to the parameters",
            f"SALib {meta.get('method')} indices of `foedus sensitivity` ({meta.get('points')} sample points of "
            f"{meta.get('runs')} runs, {meta.get('months')} months, seed {meta.get('seed')}; ranges from "
            f"{meta.get('ranges_from')}): how much each parameter, varied over its range, moves each output. "
            "Longer bars matter more; whiskers: the index's confidence interval. mu* (Morris): the mean absolute "
            "change of the output per step of the parameter; ST (Sobol): the share of the output's variance the "
            "parameter takes part in, S1 the share it explains alone.", F.sensitivity(ind, meta.get("method")))
    tables: list[pd.DataFrame] = []
    if len(arms) > 1:
        if not all(a.has_per_run for a in arms):
            raise ResultsError("a comparison needs every arm's per-run tables (final.parquet, runs.parquet)")
        tables = [paired_table(base, v) for v in arms[1:]]
        comp = pd.concat(tables, ignore_index=True)
        add("variants", "What-if: variants against the baseline",
            "Each variant minus the baseline, run by run with common random numbers: the same seed gives both "
            "arms the same draws, so the difference is the lever's. Bars: 95% intervals of the paired differences.",
            F.variant_differences(comp, names))

    with writing(fig_dir):
        fig_dir.mkdir(exist_ok=True)
    for key, _, _, png, _ in figs:
        write_file(fig_dir / f"{key}.png", png)

    page = _page(arms, scenario, summary, figs, tables, title, notes, sens[1].get("command") if sens else None)
    write_file(out, page.encode("utf-8"))
    return Report(html=out, figures={k: fig_dir / f"{k}.png" for k, *_ in figs}, arms=[a.variant for a in arms])


def _words(r) -> str:
    """The paired difference in plain words; in red only where it is clear and large enough to matter."""
    w = verdict(r.metric, r.difference, r.ci_low, r.ci_high)
    return f'<span class="{"matters" if w in ("higher", "lower") else "words"}">{_e(w)}</span>'


def _ci(r, pct: bool) -> str:
    if pct:
        return f"{100 * r.difference:+.1f} pts [{100 * r.ci_low:+.1f}, {100 * r.ci_high:+.1f}]"
    return f"{r.difference:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]"


def _glance(tables, arms, names, horizon) -> str:
    """One line per variant: its question, the member whose exit chance moves most, and the
    alliance's active members."""
    items = []
    for t, arm in zip(tables, arms):
        pe = t[t["metric"] == "p_exit"]
        if pe.empty:
            continue
        r = pe.loc[pe["difference"].abs().idxmax()]
        am = t[t["metric"] == "active_members"]
        who = names.get(r["state"], r["state"])
        rt = next(pe.loc[[r.name]].itertuples())
        text = (f"<b>{_e(arm.variant)}</b>: {_e(arm.manifest.get('question') or '')} "
                f"{_e(who)}'s chance of a step out by {_e(horizon[:7])}: {_pct(r['baseline_mean'])} &rarr; "
                f"{_pct(r['variant_mean'])}, {_words(rt)} ({100 * r['difference']:+.1f} points, 95% interval "
                f"{100 * r['ci_low']:+.1f} to {100 * r['ci_high']:+.1f})")
        if not am.empty:
            a = am.iloc[0]
            text += (f"; active members at the horizon {a['baseline_mean']:.2f} &rarr; {a['variant_mean']:.2f}, "
                     f"{_words(next(am.iloc[[0]].itertuples()))} ({a['difference']:+.2f}, {a['ci_low']:+.2f} to "
                     f"{a['ci_high']:+.2f})")
        items.append(f"<li>{text}.</li>")
    return ('<h3>What if ...</h3><ul class="glance">' + "".join(items) + "</ul>"
            '<p class="muted">Details: <a href="#variants">What-if: variants against the baseline</a>.</p>')


def _whatif(tables, arms, names) -> str:
    """One table per variant: per member the two arms' figures and the paired difference."""
    out = ['<p class="muted">Differences are paired run by run (both arms drew the same random numbers); '
           'the interval is the mean difference ± 1.96 standard errors of the per-run differences. '
           'In words: <b>higher</b> or <b>lower</b> (in red) only where the interval excludes zero and the '
           f'difference is large enough to matter ({100 * MATTERS["p_exit"]:g} percentage points of a probability, '
           f'{MATTERS["credibility"]:g} of credibility, {MATTERS["active_members"]:g} member, '
           f'{MATTERS["refused"]:g} refused request per run); <b>a small change</b> where it is clear but smaller; '
           '<b>no clear change</b> where the interval holds zero.</p>']
    for t, arm in zip(tables, arms):
        q = arm.manifest.get("question") or ""
        levers = arm.manifest.get("levers") or []
        out.append(f"<h3>{_e(arm.variant)}</h3>" + (f"<p>{_e(q)}</p>" if q else "")
                   + (f'<p class="muted">levers: {_e("; ".join(map(str, levers)))}</p>' if levers else ""))
        idx = {(r.metric, r.state): r for r in t.itertuples()}
        rows = []
        states = list(dict.fromkeys(t.loc[t["metric"] == "p_exit", "state"]))
        for s in states:
            row = [f"{_e(names.get(s, s))} ({_e(s)})"]
            for metric, pct in (("p_exit", True), ("p_out", True), ("credibility", False)):
                r = idx[(metric, s)]
                base = _pct(r.baseline_mean) if pct else f"{r.baseline_mean:.2f}"
                var = _pct(r.variant_mean) if pct else f"{r.variant_mean:.2f}"
                row.append(f"{base} &rarr; {var}: {_words(r)}<br>{_ci(r, pct)}")
            rows.append(row)
        out.append(_table(["member", "P(exit step by horizon)", "P(out at horizon)", "credibility at horizon"], rows))
        arows = []
        for metric, label in (("active_members", "active members at the horizon"),
                              ("credibility_mean", "mean credibility of the members"),
                              ("refused", "requests refused per run")):
            r = idx.get((metric, ""))
            if r is None:
                continue
            arows.append([_e(label), f"{r.baseline_mean:.3f}", f"{r.variant_mean:.3f}",
                          f"{_words(r)}<br>{_ci(r, False)}",
                          f"&plusmn;{1.96 * r.se:.3f} (unpaired: &plusmn;{1.96 * r.se_unpaired:.3f})"])
        out.append(_table(["the alliance", "baseline", "variant", "difference [95% interval]", "interval half-width"],
                          arows))
    return "\n".join(out)


def reproduce_commands(arms: list[ResultsFolder]) -> list[str]:
    """The command lines that give these results again (same seed, same settings): ``foedus
    simulate`` for one results folder; for a comparison, ``foedus compare`` with the built-in
    variants, and one more ``foedus compare`` per variant made of levers (the command line names
    one such variant at a time; the same seed gives every command the same baseline, so the paired
    differences are the same). Folders are named by their own names, never by where they happened
    to be written."""
    import shlex

    from foedus.scenario.loader import builtin_names
    from foedus.variants import builtin_variants, load_variant

    mf = arms[0].manifest
    name = mf.get("scenario") or "SCENARIO"
    where = name if name in builtin_names() else shlex.quote(Path(mf.get("scenario_path") or name).name)
    opts = (f"--start {str(mf.get('start'))[:10]} --months {mf.get('months')} --runs {mf.get('runs')} --seed {mf.get('seed')}"
            f" --param-draws {mf.get('param_draws', 1)}" + (" --prior-draws" if mf.get("prior_draws") else ""))
    if len(arms) == 1:
        return [f"foedus simulate {where} {opts.replace('--start', '--from')} -o {shlex.quote(arms[0].path.name)}"]
    out = shlex.quote(arms[0].path.parent.name)
    builtin, own = [], []
    for arm in arms[1:]:
        levers = [str(x) for x in arm.manifest.get("levers") or []]
        if arm.variant in builtin_variants() and load_variant(arm.variant).lever_labels() == levers:
            builtin.append(f"--variant {arm.variant}")
        elif levers:  # a variant without levers is the baseline again: nothing to run
            own.append((arm.variant, " ".join(f"--lever {shlex.quote(lv)}" for lv in levers)))
    commands = [f"foedus compare {where} {' '.join(builtin)} {opts} -o {out}"] if builtin else []
    commands += [f"foedus compare {where} {levers} --name {shlex.quote(v)} {opts} -o {out}-{v}" for v, levers in own]
    return commands


def _intervals(res) -> dict[str, dict[str, str]]:
    """Per member, ``p_exit`` and ``p_left`` with their 5-95% interval across parameter draws and
    their run-to-run interval, as text (from ``summary.parquet``; {} for a folder without draws)."""
    f = res.path / "summary.parquet"
    if int(res.manifest.get("param_draws") or 1) <= 1 or not f.is_file():
        return {}
    summ = pd.read_parquet(f)
    if "p_exit_draws_q05" not in summ:
        return {}
    pc = lambda x: f"{100 * x:.0f}%"  # noqa: E731
    return {r["state"]: {c: f"{pc(r[c])} [{pc(r[c + '_draws_q05'])}-{pc(r[c + '_draws_q95'])}] "
                            f"({pc(r[c + '_runs_q05'])}-{pc(r[c + '_runs_q95'])})" for c in ("p_exit", "p_left")}
            for r in summ.to_dict(orient="records")}


def _page(arms, scenario, summary, figs, tables, title, notes=(), sensitivity_command: str | None = None) -> str:
    base = arms[0]
    mf = base.manifest
    sc_title = scenario.data.scenario.title if scenario else mf.get("scenario", "")
    alliance = scenario.focus.name if scenario else mf.get("alliance", "")
    start = str(mf.get("start", ""))[:10]
    heading = title or f"{alliance or 'Alliance'}: forecast from {start} to {base.horizon}"
    names = {s.iso3: s.name for s in scenario.states} if scenario else {}
    parts = [f"<h1>{_e(heading)}</h1>",
             f'<p class="sub">{_e(mf.get("runs", "?"))} simulated runs, seed {_e(mf.get("seed", "?"))}, '
             f'{_e(mf.get("months", "?"))} months; scenario <b>{_e(mf.get("scenario", ""))}</b> ({_e(sc_title)}).'
             + (f" Variants: {', '.join(_e(a.variant) for a in arms[1:])}." if len(arms) > 1 else "") + "</p>"]
    nav = ['<a href="#summary">Summary</a>'] + [f'<a href="#{k}">{_e(t)}</a>' for k, t, *_ in figs]
    nav += ['<a href="#scenario">Scenario and parameters</a>', '<a href="#data">Data cited</a>']
    parts.append("<nav>" + "".join(nav) + "</nav>")
    parts.append('<p class="muted">These are results of a model, not predictions of fact: they depend on the '
                 'behavioural parameters (those fitted on the record, the rest judgements; see '
                 '<a href="#scenario">Scenario and parameters</a>) and on the scenario\'s judged values. '
                 + ('The runs are split across {k} parameter vectors drawn from the calibration\'s posterior: '
                    'each probability below carries its interval across those draws [in brackets] beside the '
                    'run-to-run interval (in parentheses).</p>'.format(k=_e(mf.get("param_draws")))
                    if int(mf.get("param_draws") or 1) > 1 else
                    'The spread across runs is the model\'s randomness, not the uncertainty of its parameters.</p>'))

    # headline cards and the per-member table
    cards = [("expected active members at the horizon", f"{summary['expected_active_members']:.2f}")]
    if "p_any_exit" in summary:
        cards.append(("runs in which some member takes a step out", _pct(summary["p_any_exit"])))
        cards.append(("requests refused per run", f"{summary['refused_mean']:.2f}"))
    cards.append(("members at the start", str(len(summary["members"]))))
    parts.append('<h2 id="summary">Summary</h2><div class="cards">' + "".join(
        f'<div class="card"><div class="v">{_e(v)}</div><div class="k">{_e(k)}</div></div>' for k, v in cards) + "</div>")
    rows = []
    spread = _intervals(base)
    for s in summary["members"]:
        row = [f"{_e(names.get(s, s))} ({_e(s)})", f'<span class="n">{_pct(summary["p_active_at_horizon"][s])}</span>']
        if "p_exit_by_horizon" in summary:
            row += [_pct(summary["p_exit_by_horizon"][s]), _pct(summary["p_out_at_horizon"][s])]
        row += [spread[s].get(c, "") if s in spread else "" for c in ("p_exit", "p_left")] if spread else []
        row.append(f"{summary['credibility_at_horizon'][s]:.2f}")
        rows.append(row)
    hdr = ["member", "P(active) at horizon"]
    if "p_exit_by_horizon" in summary:
        hdr += ["P(exit step by horizon)", "P(out at horizon)"]
    if spread:
        hdr += ["exit step: [across parameter draws] (run to run)", "left (withdrawn or expelled): [draws] (runs)"]
    hdr.append("credibility at horizon (mean)")
    parts.append(_table(hdr, rows))
    if not base.has_per_run:
        parts.append('<p class="muted">This results folder has no per-run tables (it was simulated with '
                     "--no-per-run): no exit probabilities by the horizon and no survival curves.</p>")
    parts += [f'<p class="muted">{_e(n)}</p>' for n in notes]
    if tables:
        parts.append(_glance(tables, arms[1:], names, base.horizon))

    for key, t, caption, _, svg in figs:
        svg = svg.replace("<svg", f'<svg role="img" aria-label="{_e(t)}"', 1)
        parts.append(f'<h2 id="{key}">{_e(t)}</h2><figure>{svg}'
                     f"<figcaption>{_e(caption)}</figcaption></figure>")
        if key == "variants" and tables:  # the numbers behind the what-if figure, right below it
            parts.append(_whatif(tables, arms[1:], names))

    # the scenario and parameters used
    parts.append('<h2 id="scenario">Scenario and parameters</h2>')
    commands = reproduce_commands(arms) + ([sensitivity_command] if sensitivity_command else [])
    if commands:
        parts.append("<p>To reproduce these results (the same seed gives the same numbers, whatever the executor "
                     "or chunk size):</p><pre>" + "\n".join(_e(c) for c in commands) + "</pre>")
    settings = [[_e(k), _e(mf.get(k, ""))] for k in ("scenario", "scenario_hash", "alliance", "start",
                                                     "months", "runs", "seed", "draws", "foedus_version", "created")]
    parts.append(_table(["setting", "value"], settings))
    if scenario is not None:
        tl = scenario.data.timeline
        if tl:
            parts.append("<h3>The scenario's timeline (dated changes the model follows)</h3>")
            parts.append(_table(["date", "state", "field", "value", "note"],
                                [[c.date.isoformat(), c.state, c.field, f"{c.value:g}", _e(c.note)] for c in tl]))
    for arm in arms:
        levers = arm.manifest.get("levers") or []
        if levers:
            parts.append(f"<p><b>{_e(arm.variant)}</b> levers: {_e('; '.join(map(str, levers)))}</p>")
    params = mf.get("parameters") or {}
    if params:
        try:
            from foedus.model.parameters import registry

            declared = registry()
        except ImportError:  # a results folder read without the model installed
            declared = {}
        prow = []
        for k, v in params.items():
            d = declared.get(k)
            val = v.get("value", "") if isinstance(v, dict) else v
            # the shipped default: the fit on the record where there is one (Param.value), else the declared one
            changed = d is not None and isinstance(val, (int, float)) and float(val) != d.value
            shown = f"{val:.6g}" if isinstance(val, float) else val
            prow.append([f"<b>{_e(k)}</b>" if changed else _e(k), f"<b>{_e(shown)}</b>" if changed else _e(shown),
                         _e(f"{d.value:g}") if d else "", _e(d.unit) if d else "", _e(d.doc) if d else "",
                         _e(d.source) if d else ""])
        parts.append(f"<details open><summary>{len(prow)} behavioural parameters (bold: not the default)</summary>"
                     + _table(["parameter", "value", "default", "unit", "what it does", "source"], prow) + "</details>")

    parts.append('<h2 id="data">Data sets and sources cited</h2>')
    cites = list(scenario.data.scenario.data_citations) if scenario else []
    srcs = list(scenario.data.scenario.sources) if scenario else []
    cites += [str(c) for c in (mf.get("data_citations") or []) if str(c) not in cites]
    if cites:
        parts.append("<ul>" + "".join(f"<li>{_e(c)}</li>" for c in cites) + "</ul>")
    if srcs:
        parts.append("<p>Treaty texts and records:</p><ul>" + "".join(f"<li>{_e(c)}</li>" for c in srcs) + "</ul>")
    beh = getattr(scenario.data, "behaviour", None) if scenario else None
    if beh is not None:
        from foedus.scenario.known import current

        beh = current(scenario.data).behaviour   # the values the forecast used: the latest of each
        values = [*beh.crisis, *beh.affinity, *beh.state, *beh.grievance]
        if values:
            judged = sum(1 for v in values if str(getattr(v, "source", "")).startswith("judgement"))
            parts.append(f"<p>The scenario's behavioural values (behaviour.toml: {len(beh.crisis)} crisis rates, "
                         f"{len(beh.affinity)} affinities, {len(beh.state)} states' terms, {len(beh.grievance)} "
                         f"grievances): {judged} of {len(values)} are judgements, each with its reason in the file; "
                         "the parameters' sources are in the table above.</p>")
    if not cites and not srcs:
        parts.append('<p class="muted">The scenario could not be loaded; no citations recorded.</p>')
    parts.append(f'<p class="muted">Made by foedus {_e(mf.get("foedus_version", ""))}; results created '
                 f'{_e(str(mf.get("created", ""))[:10])}.</p>')
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"{GENERATOR}\">"
            f"<title>{_e(heading)}</title><style>{CSS}</style></head><body><main>"
            + "\n".join(parts) + f"</main><script>{SCRIPT}</script></body></html>\n")
