"""``foedus catalogue``: every ATOP alliance since 1815 with COW capabilities — search, show, turn
into a scenario, check against the hand-built CSTO. And the catalogue-wide obligations query that
``foedus obligations --year`` dispatches to."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from foedus.catalogue.loader import ATOP_CITATION, NMC_CITATION
from foedus.cli.app import app, console, emit_json

catalogue_app = typer.Typer(
    name="catalogue",
    help="Every ATOP alliance 1815-2016 with COW capabilities: search, show, make a scenario. "
         "Data: ATOP v4.01 (Leeds et al. 2002); COW NMC v6.0; COW states 2016; COW contiguity v3.2.",
    no_args_is_help=True,
)
app.add_typer(catalogue_app, name="catalogue")

CITE = f"[dim]Data: {ATOP_CITATION}.[/dim]"


def _cite(*extra: str) -> None:
    console.print(CITE)
    for e in extra:
        console.print(f"[dim]{e}.[/dim]")


@catalogue_app.command("search")
def search_cmd(
    member: str = typer.Option(None, "--member", help="a member: COW number, COW abbreviation or ISO3 (371, ARM, KZK, KAZ)"),
    year: int = typer.Option(None, "--year", help="in force in this year (and the member in it, with --member)"),
    obligation: str = typer.Option(None, "--obligation", help="defence, offence, neutrality, non-aggression or consultation"),
    text: str = typer.Option(None, "--text", help="text in a member state's name (e.g. 'korea')"),
    limit: int = typer.Option(0, "--limit", help="show at most this many (0: all)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Find alliances by member, year, obligation type and text in the members' names."""
    from foedus.catalogue.search import search

    rows = search(member=member, year=year, obligation=obligation, text=text)
    shown = rows[:limit] if limit > 0 else rows
    if as_json:
        emit_json({"count": len(rows), "alliances": shown, "citation": ATOP_CITATION})
        return
    t = Table(title=f"ATOP alliances: {len(rows)} found")
    for col in ("atopid", "begin", "end", "obligations", "members"):
        t.add_column(col, overflow="fold", no_wrap=col in ("atopid", "begin", "end"))
    for r in shown:
        mem = " ".join(r["members"][:12]) + (f" (+{r['size'] - 12})" if r["size"] > 12 else "")
        t.add_row(str(r["atopid"]), r["begin"], r["end"] or "in force", ", ".join(r["obligations"]), mem)
    console.print(t)
    _cite()


@catalogue_app.command("show")
def show_cmd(
    atopid: str = typer.Argument(..., help="ATOP alliance number, e.g. 4220 (the CSTO)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """One alliance as ATOP codes it: members and their spells, obligations, conditions, duration
    and renunciation rules."""
    from foedus.catalogue.search import describe

    d = describe(atopid)
    if as_json:
        emit_json(d)
        return
    console.print(f"[bold]ATOP {d['atopid']}[/bold]: {d['begin']} to {d['end'] or 'in force (end of data 2016)'}"
                  f"{', bilateral' if d['bilateral'] else ''}{', asymmetric obligations' if d['asymmetric'] else ''}")
    console.print(f"  obligations: {', '.join(d['obligations']) or 'none coded'}")
    if d["named_threats"]:
        console.print("  named threats: " + ", ".join(f"{x['state']} ({x['name']})" for x in d["named_threats"]))
    for p in d["phases"]:
        du = p["duration"]
        length = du["speclgth_means"] + (f" ({du['length_months']} months)" if du["length_months"] else "")
        renewal = du["proren_means"] + (f", every {du['renewlgt_months']} months" if du["renewlgt_months"] else "")
        label = f"phase {p['phase']}" if p["phase"] else "the alliance (no phases)"
        console.print(f"[bold]{label}[/bold] from {p['begin']}: {', '.join(p['obligations']) or 'no obligations'}")
        console.print(f"  conditions: {'; '.join(p['conditions']) or 'none'}")
        console.print(f"  duration: {length} (speclgth={du['speclgth']}); renewal: {renewal} (proren={du['proren']}); "
                      f"renunciation: {du['renounce_means']} (renounce={du['renounce']})")
    mt = Table(title="Members by phase (ATOP member level)")
    for col, wrap in (("state", False), ("name", True), ("phase", False), ("entry", False), ("exit", False),
                      ("obligations", True), ("conditions", True)):
        mt.add_column(col, overflow="fold", no_wrap=not wrap)
    short = {"defence": "def", "offence": "off", "neutrality": "neu", "non-aggression": "nonagg", "consultation": "consul"}
    for m in d["members"]:
        mt.add_row(m["state"], m["name"], str(m["phase"]), m["entry"], m["exit"] or "",
                   " ".join(short[o] for o in m["obligations"]), " ".join(m["conditions"]))
    console.print(mt)
    _cite()


@catalogue_app.command("scenario")
def scenario_cmd(
    atopid: str = typer.Argument(..., help="ATOP alliance number, e.g. 4220"),
    year: int = typer.Option(..., "--year", help="the year whose treaty provisions and capabilities to use"),
    out: Path = typer.Option(..., "-o", "--out", help="folder to write the scenario into"),
    force: bool = typer.Option(False, "--force", help="overwrite a scenario already in the folder"),
    no_crises: bool = typer.Option(False, "--no-crises", help="write no crisis rates (behaviour.toml from COW MID 4.3)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Write a scenario folder for ATOPID: the states with their capabilities in YEAR, the treaty
    with its provisions mapped from ATOP codes, the members' entries and exits as the record, crisis
    rates from COW MID 4.3. The folder is validated and replayed before this returns."""
    from foedus.api import load_scenario
    from foedus.catalogue.convert import to_scenario, write_scenario

    files = to_scenario(atopid, year, crises=not no_crises)
    folder = write_scenario(files, out, overwrite=force)
    sc = load_scenario(folder)
    rp = sc.full_replay
    members = rp.members(sc.focus.id)
    info = {"path": str(folder), "scenario": sc.name, "hash": sc.hash, "states": len(sc.states),
            "events": len(sc.events), "crisis_sources": len(files.behaviour.crisis),
            "replayed_to": rp.as_of.isoformat(), "members_at_end": members,
            "citation": list(sc.data.scenario.data_citations)}
    if as_json:
        emit_json(info)
        return
    console.print(f"[green]wrote[/green] {folder}: {len(sc.states)} states, {len(sc.events)} events, "
                  f"{len(files.behaviour.crisis)} crisis sources; "
                  f"valid, replayed to {rp.as_of.isoformat()} without a rule violation "
                  + (f"({len(members)} members then: {' '.join(members)})" if members else
                     f"(no members then: the alliance ended on {rp.alliance(sc.focus.id).ended})"))
    _cite(*sc.data.scenario.data_citations[1:])


@catalogue_app.command("check-csto")
def check_csto_cmd(
    year: int = typer.Option(2010, "--year", help="the year of the generated scenario"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Compare membership in the scenario generated from ATOP 4220 with the hand-built 'csto'
    scenario on every date both cover (1992-05-15 to 2016-12-31)."""
    from foedus.catalogue.check import membership_differences

    diffs = membership_differences(year)
    if as_json:
        emit_json({"differences": [d.to_dict() for d in diffs], "citation": ATOP_CITATION})
        return
    t = Table(title=f"ATOP 4220 (scenario for {year}) vs the hand-built csto: {len(diffs)} differences "
                    "(explained in docs/catalogue.md)")
    for col in ("state", "from", "to", "ATOP: member", "csto: standing"):
        t.add_column(col)
    for d in diffs:
        t.add_row(d.state, d.start.isoformat(), d.end.isoformat(), "yes" if d.atop else "no", d.csto)
    console.print(t)
    _cite()


@catalogue_app.command("check")
def check_cmd(
    all_rows: bool = typer.Option(False, "--all", help="list every alliance, not only those not explained"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Convert and replay every ATOP alliance (745): how many replay with every exit and end explained
    by the treaty rules (by the treaty's procedure, a denunciation without legal basis, a state
    ceasing to exist, renegotiation, the alliance's end), and the rest with the reason."""
    from collections import Counter

    from foedus.catalogue.check import catalogue_check

    res = catalogue_check()
    ok = sum(r.explained for r in res)
    kinds = Counter()
    for r in res:
        kinds.update(dict(r.kinds))
    if as_json:
        emit_json({"alliances": len(res), "explained": ok, "not_explained": len(res) - ok,
                   "exits_by_kind": dict(sorted(kinds.items())),
                   "checks": [r.to_dict() for r in res if all_rows or not r.explained], "citation": ATOP_CITATION})
        return
    console.print(f"[bold]{ok} of {len(res)} ATOP alliances replay with every exit explained by the treaty rules; "
                  f"{len(res) - ok} not[/bold]")
    console.print("exits and ends by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    t = Table(title="Alliances " + ("checked" if all_rows else "not explained"))
    for col in ("atopid", "exits", "reason"):
        t.add_column(col, overflow="fold", no_wrap=col != "reason")
    for r in res:
        if all_rows or not r.explained:
            t.add_row(str(r.atopid), str(r.exits), r.reason or "explained")
    console.print(t)
    _cite()


def print_obligations(year: int, victim: str, aggressor: str | None, obligation: str | None, as_json: bool) -> None:
    """``foedus obligations --year YEAR --victim X``: every alliance in force that year with an
    obligation toward the victim."""
    from foedus.catalogue.search import obligations_in_year

    res = obligations_in_year(year, victim, aggressor, obligation)
    if as_json:
        emit_json(res)
        return
    head = f"{res['count']} alliance(s) in force in {res['year']} with an obligation toward {res['victim']} ({res['victim_name']})"
    if res["aggressor"]:
        head += f" against {res['aggressor']}"
    console.print(f"[bold]{head}[/bold]")
    t = Table()
    for col in ("atopid", "since", "obligation", "bound", "conditions / why not"):
        t.add_column(col, overflow="fold", no_wrap=col in ("atopid", "since"))
    for a in res["alliances"]:
        for o in a["obligations"]:
            bound = " ".join(b["state"] + ("" if (b["from"], b["to"]) == (a["victim_member"]["from"], a["victim_member"]["to"])
                                           else f" ({b['from']}..{b['to']})") for b in o["bound"]) or "nobody"
            notes = list(o["conditions"]) + list(o.get("treaty_conditions", []))
            if not o["bound"]:
                notes.append(o["reason"])
            whys: dict[str, list[str]] = {}
            for x in o["not_bound"]:
                whys.setdefault(x["why"], []).append(x["state"])
            notes += [f"not {' '.join(states)}: {why}" for why, states in whys.items() if why != o["reason"]]
            t.add_row(str(a["atopid"]), a["begin"], o["type"], bound, "; ".join(notes))
    console.print(t)
    _cite(NMC_CITATION)


__all__ = ["catalogue_app", "print_obligations"]
