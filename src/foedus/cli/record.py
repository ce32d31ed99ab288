"""Commands about scenarios and the record: scenarios, validate, schema, replay, obligations."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape as esc
from rich.table import Table

from foedus.api import load_scenario
from foedus.chronology import parse_date
from foedus.cli.app import ASSUME_HELP, app, console, emit_json, print_note
from foedus.errors import ArgumentError
from foedus.scenario.loader import builtin_names
from foedus.scenario.schema import ScenarioFiles
from foedus.treaty.membership import MEMBER_STANDINGS

STANDING_STYLE = {"active": "green", "frozen": "yellow", "notice": "magenta", "suspended": "red",
                  "withdrawn": "dim", "expelled": "red", "invited": "cyan", "applicant": "cyan",
                  "signatory": "blue"}


@app.command()
def scenarios(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List the built-in scenarios."""
    rows = []
    for name in builtin_names():
        sc = load_scenario(name)
        rows.append({"name": name, "title": sc.data.scenario.title, "states": len(sc.states),
                     "events": len(sc.events), "start": sc.data.scenario.start.isoformat(),
                     "end": sc.data.scenario.end.isoformat()})
    if as_json:
        emit_json(rows)
        return
    t = Table(title="Built-in scenarios")
    for col in ("name", "title", "states", "events", "start", "end"):
        t.add_column(col)
    for r in rows:
        t.add_row(*(esc(str(r[c])) for c in ("name", "title", "states", "events", "start", "end")))
    console.print(t)


@app.command()
def validate(path: str = typer.Argument(..., help="a scenario folder or a built-in name"),
             as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Validate a scenario folder: schema, references, and a full replay through the treaty rules."""
    sc = load_scenario(path)
    rp = sc.full_replay  # every event is dated within the record (the loader checks), so every one is replayed
    out = {"scenario": sc.name, "path": str(sc.path), "hash": sc.hash, "states": len(sc.states),
           "alliances": len(sc.alliances), "events": len(sc.events), "replayed_to": rp.as_of.isoformat(),
           "valid": True}
    if as_json:
        emit_json(out)
    else:
        console.print(f"[green]valid[/green] {esc(str(sc.path))}: {len(sc.states)} states, {len(sc.alliances)} "
                      f"alliance(s), {len(sc.events)} events replayed to {rp.as_of.isoformat()} without a rule violation")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    emit_json(ScenarioFiles.model_json_schema())


@app.command("replay")
def replay_cmd(
    scenario: str = typer.Argument(..., help="a built-in scenario name or a scenario folder"),
    as_of: str = typer.Option(None, "--as-of", help="date YYYY-MM-DD (default: the scenario's end)"),
    alliance: str = typer.Option(None, "--alliance", help="alliance id (default: the scenario's focus)"),
    assume: bool = typer.Option(False, "--assume-nothing-after-record", help=ASSUME_HELP.replace("start", "replay to a date", 1)),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Replay the record through the treaty rules: members and standings on a date, and the events so far."""
    from foedus.api import after_record

    sc = load_scenario(scenario)
    a = sc.alliance(alliance)
    d = parse_date(as_of, "--as-of") if as_of else None
    assumption = after_record(sc.data, d, assume, "as_of") if d else None
    if assumption:
        print_note(assumption)
    rp = sc.replay(d, assume_nothing_after_record=assume)
    st = rp.alliance(a.id)
    events = [e for e in rp.events if e.event.alliance == a.id]
    ended = ({"date": st.ended.isoformat(), "cause": st.end_cause.value, "reason": st.end_reason}
             if st.ended else None)
    if as_json:
        emit_json({
            "scenario": sc.name, "alliance": a.id, "as_of": rp.as_of.isoformat(), "ended": ended,
            "assumption": assumption,
            "members": st.members(), "count": len(st.members()),
            "standings": {s: m.to_dict() for s, m in sorted(st.memberships.items())},
            "roles": {s: {"role": r, "since": d.isoformat()} for s, (r, d) in sorted(st.roles.items())},
            "suspended_obligations": [{"by": x, "towards": y, "since": d.isoformat(), "why": w}
                                      for (x, y), (d, w) in sorted(st.suspended_towards.items())],
            "unexplained_exits": [e.label() for e in st.unexplained],
            "events": [e.to_dict() for e in events],
        })
        return
    if st.ended:
        console.print(f"[red]the treaty ended on {st.ended.isoformat()}[/red] ({st.end_cause.value}: "
                      f"{esc(st.end_reason)}); no state is a party")
    t = Table(title=f"{esc(a.name)} on {rp.as_of.isoformat()}: {len(st.members())} members")
    for col in ("state", "name", "standing", "since", "note"):
        t.add_column(col)
    for s, m in sorted(st.memberships.items(), key=lambda kv: (kv[1].standing not in MEMBER_STANDINGS, kv[0])):
        style = STANDING_STYLE.get(m.standing.name, "")
        notes = [f"notice takes effect {m.notice_due.isoformat()}"] if m.notice_due else []
        notes += [f"outside the {b} since {d.isoformat()}, still bound" for b, d in sorted(m.bodies_left.items())]
        notes += [f"obligations towards {y} suspended since {d.isoformat()}"
                  for (x, y), (d, _) in sorted(st.suspended_towards.items()) if x == s]
        notes += m.claims + ([m.exit_cause] if m.exit_cause and m.standing not in MEMBER_STANDINGS else [])
        note = esc("; ".join(notes))
        t.add_row(s, esc(sc.state(s).name), f"[{style}]{m.standing.name}[/{style}]" if style else m.standing.name,
                  m.since.isoformat(), note)
    for s, (role, since) in sorted(st.roles.items()):
        t.add_row(s, esc(sc.state(s).name), role, since.isoformat(), "no obligation, no vote")
    console.print(t)
    et = Table(title=f"Events to {rp.as_of.isoformat()}")
    for col in ("date", "type", "actors", "outcome", "summary"):
        et.add_column(col, overflow="fold")
    for e in events:
        ev = e.event
        et.add_row(ev.date.isoformat(), ev.type.value + (" *" if e.generated else ""), " ".join(ev.actors),
                   ev.outcome.value if ev.outcome else "", esc(ev.summary + (f" [{e.ruling}]" if e.ruling else "")))
    console.print(et)
    console.print("[dim]* added by the treaty rules (signature, entry into force, notice falling due, expiry); "
                  "in square brackets: what the rules say of an event[/dim]")


@app.command("obligations")
def obligations_cmd(
    scenario: str = typer.Argument(None, help="a built-in scenario name or a scenario folder"),
    date: str = typer.Option(None, "--date", help="date YYYY-MM-DD (with a scenario)"),
    year: int = typer.Option(None, "--year", help="without a scenario: every ATOP alliance in force that year"),
    victim: str = typer.Option(..., "--victim", help="ISO3 code of the state attacked (with --year also a COW code)"),
    aggressor: list[str] = typer.Option(None, "--aggressor", help="ISO3 code of an aggressor (repeat for several, "
                                        "or separate by commas)"),
    place: str = typer.Option(None, "--place", help="where the attack fell: a state's ISO3 code (its home territory) "
                              "or a territory's code or name (e.g. FLK); default: the victim's home territory"),
    crisis: str = typer.Option("armed_attack", "--crisis", help="armed_attack, member_clash, unrest or threat"),
    territory: str = typer.Option("own", "--territory", help="'own' (the victim's territory) or 'outside'"),
    no_request: bool = typer.Option(False, "--no-request", help="the victim has not asked for help"),
    alliance: str = typer.Option(None, "--alliance", help="alliance id (default: the scenario's focus)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Who was bound to help VICTIM on DATE, under which article, and why the others were not.
    Without a scenario, with --year: every alliance in the ATOP catalogue in force that year with an
    obligation toward VICTIM, its type and the members bound."""
    aggressors = [x.strip().upper() for a in (aggressor or []) for x in a.split(",") if x.strip()]
    if scenario is None and year is not None:
        from foedus.cli.catalogue import print_obligations

        if len(aggressors) > 1:
            raise ArgumentError("--aggressor", "one aggressor with --year (the catalogue query)", ",".join(aggressors))
        print_obligations(year, victim, aggressors[0] if aggressors else None, None, as_json)
        return
    if date is None:
        raise ArgumentError("--date", "a date YYYY-MM-DD (or, without a scenario, --year for the ATOP catalogue)", "nothing")
    if scenario is None:
        # The argument is optional so that a catalogue-wide query can do without it; a query
        # about a treaty's obligations needs one.
        raise ArgumentError("SCENARIO", f"a built-in scenario ({', '.join(builtin_names())}) or a scenario folder "
                            "(or, without one, --year for the ATOP catalogue)", "nothing")
    sc = load_scenario(scenario)
    ob = sc.obligations(date=date, victim=victim.upper(), aggressor=aggressors, crisis=crisis, alliance=alliance,
                        territory=territory, requested=not no_request, place=place)
    caps = {}
    for d in ob.duties:
        c = sc.state(d.state).capability
        caps[d.state] = c.milex_usd_bn if c else None
    if as_json:
        out = ob.to_dict()
        out["scenario"] = sc.name
        for d in out["duties"]:
            d["milex_usd_bn"] = caps.get(d["state"])
        emit_json(out)
        return
    head = "[green]casus foederis[/green]" if ob.casus_foederis else "[red]no casus foederis[/red]"
    console.print(f"{head}: {esc(ob.reason)}")
    for c in ob.conditions:
        console.print(f"  condition: {esc(c)}")
    if ob.consultations:
        console.print(f"  consultations: {esc(', '.join(ob.consultations))}")
    t = Table(title=f"{esc(sc.alliance(alliance).name)}: {ob.victim} on {ob.date.isoformat()}"
                    + (f" against {ob.aggressor}" if ob.aggressor else "") + (f", at {ob.place}" if ob.place else ""))
    for col in ("state", "standing", "bound", "article", "why", "milex $bn"):
        t.add_column(col, overflow="fold")
    for d in ob.duties:
        t.add_row(d.state, d.standing, "[green]yes[/green]" if d.bound else "[red]no[/red]", esc(d.article or ""),
                  esc(d.reason), "" if caps[d.state] is None else f"{caps[d.state]:g}")
    console.print(t)
