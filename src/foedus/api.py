"""The Python API a notebook user would guess::

    import foedus
    csto = foedus.load_scenario("csto")
    csto.replay(as_of="2024-03-01").members("csto")
    csto.obligations(date="2022-09-13", victim="ARM", aggressor="AZE")
    res = csto.simulate(runs=200, months=24, seed=1)

A walk-through: docs/python.md.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foedus.chronology import parse_date
from foedus.errors import ArgumentError
from foedus.ledger.replay import Replay, replay
from foedus.scenario.loader import read_folder, resolve, scenario_hash
from foedus.scenario.schema import Alliance, CrisisType, Event, ScenarioFiles, State, TimelineChange
from foedus.treaty.obligations import Obligations, Place, obligations

if TYPE_CHECKING:
    from foedus.results.folder import Results

ASSUMPTION_FLAG = "--assume-nothing-after-record"


def after_record(data: ScenarioFiles, date: dt.date, assume: bool, argument: str) -> str | None:
    """A date after the scenario's record is refused unless the caller assumes that nothing happened
    between the record's end and that date; then the assumption, in words (to print and record).

    >>> import datetime as dt
    >>> data = foedus.load_scenario("csto").data
    >>> after_record(data, dt.date(2024, 3, 1), assume=False, argument="start") is None
    True
    >>> after_record(data, dt.date(2026, 1, 1), assume=True, argument="start")[:60]
    'assumed that nothing happened between the end of the record '
    """
    end = data.scenario.end
    if date <= end:
        return None
    if not assume:
        within = (f"a date within the record, which ends {end.isoformat()} (or state the assumption that nothing "
                  "happened after it: ")
        raise ArgumentError(argument, within + "assume_nothing_after_record=True)", date.isoformat(),
                            cli_expected=within + f"{ASSUMPTION_FLAG})")
    return (f"assumed that nothing happened between the end of the record ({end.isoformat()}) and "
            f"{date.isoformat()}: no event, no timeline change is known for those months")


@dataclass(frozen=True, repr=False)
class Scenario:
    """A loaded, validated scenario: its files as typed objects plus what can be asked of them.

    >>> import foedus
    >>> csto = foedus.load_scenario("csto")
    >>> csto
    Scenario('csto': 10 states, 1 alliance(s), 41 events, record 1992-05-15 to 2025-12-31)
    """

    data: ScenarioFiles
    path: Path
    hash: str

    def __repr__(self) -> str:
        sc = self.data.scenario
        return (f"Scenario({self.name!r}: {len(self.states)} states, {len(self.alliances)} alliance(s), "
                f"{len(self.events)} events, record {sc.start.isoformat()} to {sc.end.isoformat()})")

    def _repr_html_(self) -> str:
        sc = self.data.scenario
        rows = "".join(f"<tr><td>{html.escape(s.iso3)}</td><td>{html.escape(s.name)}</td></tr>" for s in self.states)
        return (f"<p><b>{html.escape(sc.title)}</b> (scenario <code>{html.escape(self.name)}</code>): record "
                f"{sc.start.isoformat()} to {sc.end.isoformat()}, {len(self.events)} events, focus "
                f"<code>{html.escape(sc.focus)}</code></p><details><summary>{len(self.states)} states</summary>"
                f"<table><tr><th>code</th><th>name</th></tr>{rows}</table></details>")

    @property
    def name(self) -> str:
        """The scenario's name.

        >>> foedus.load_scenario("csto").name
        'csto'
        """
        return self.data.scenario.name

    @property
    def reference(self) -> str:
        """What loads this scenario again: its built-in name, or its folder.

        >>> foedus.load_scenario("csto").reference
        'csto'
        """
        from foedus.scenario.loader import builtin_names

        if self.name in builtin_names() and resolve(self.name).resolve() == Path(self.path).resolve():
            return self.name
        return str(self.path)

    @property
    def focus(self) -> Alliance:
        """The alliance the forecasts are about.

        >>> foedus.load_scenario("csto").focus.treaty
        'Collective Security Treaty (Tashkent)'
        """
        return self.alliance(self.data.scenario.focus)

    @property
    def states(self) -> tuple[State, ...]:
        """The states of the scenario, as declared in ``states.toml``.

        >>> [s.iso3 for s in foedus.load_scenario("csto").states][:3]
        ['RUS', 'BLR', 'ARM']
        """
        return self.data.states

    @property
    def alliances(self) -> tuple[Alliance, ...]:
        """The alliances of the scenario, as declared in ``alliances.toml``.

        >>> [a.id for a in foedus.load_scenario("csto").alliances]
        ['csto']
        """
        return self.data.alliances

    @property
    def events(self) -> tuple[Event, ...]:
        """The recorded events (``record.toml``), in date order.

        >>> first = foedus.load_scenario("csto").events[0]
        >>> first.date.isoformat(), first.type.value
        ('1993-09-24', 'accede')
        """
        return self.data.events

    @property
    def timeline(self) -> tuple[TimelineChange, ...]:
        """The dated exogenous changes the behavioural model follows (``timeline.toml``).

        >>> change = foedus.load_scenario("csto").timeline[0]
        >>> change.date.isoformat(), change.state, change.field, change.value
        ('2020-09-27', 'ARM', 'threat', 2.0)
        """
        return self.data.timeline

    def state(self, iso3: str, argument: str = "state") -> State:
        """The state with this ISO3 code; any other code raises ArgumentError naming ``argument``.

        >>> foedus.load_scenario("csto").state("ARM").name
        'Armenia'
        """
        for s in self.data.states:
            if s.iso3 == iso3:
                return s
        raise ArgumentError(argument, f"a state of scenario '{self.name}' ({', '.join(s.iso3 for s in self.states)})",
                            iso3)

    def alliance(self, alliance_id: str | None = None) -> Alliance:
        """The alliance with this id (default: the scenario's focus).

        >>> foedus.load_scenario("csto").alliance().name
        'Collective Security Treaty Organization'
        """
        alliance_id = alliance_id or self.data.scenario.focus
        for a in self.data.alliances:
            if a.id == alliance_id:
                return a
        raise ArgumentError("alliance", f"an alliance of scenario '{self.name}' ({', '.join(a.id for a in self.alliances)})",
                            alliance_id)

    def coded(self, coding: str) -> "Scenario":
        """This scenario with a named coding of contested facts (``foedus.scenario.codings``): the
        record's rows the coding changes, changed; itself if the coding concerns another scenario.

        >>> foedus.load_scenario("csto").coded("uzb-2012-withdrawal").replay("2013-06-01").alliance("csto").standing("UZB").name
        'withdrawn'
        """
        import hashlib

        from foedus.scenario.codings import apply, coding as named

        data = apply(self.data, named(coding))
        if data is self.data:
            return self
        return Scenario(data, self.path, hashlib.sha256(data.model_dump_json().encode()).hexdigest()[:16])

    @cached_property
    def full_replay(self) -> Replay:
        """The whole record replayed (raises RuleViolation if any event breaks a rule).

        >>> foedus.load_scenario("csto").full_replay.as_of.isoformat()
        '2025-12-31'
        """
        return replay(self.data)

    def replay(self, as_of: str | dt.date | None = None, assume_nothing_after_record: bool = False) -> Replay:
        """The record replayed through the treaty rules up to ``as_of`` (default: the record's end).

        A date after the record's end is refused unless ``assume_nothing_after_record`` is True.

        >>> rp = foedus.load_scenario("csto").replay(as_of="2024-03-01")
        >>> rp.members("csto")
        ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
        >>> rp.standing("csto", "ARM").name
        'frozen'
        """
        d = parse_date(as_of, "as_of") if as_of is not None else None
        if d is not None:
            after_record(self.data, d, assume_nothing_after_record, "as_of")
        return replay(self.data, d)

    def place(self, code: str, date: dt.date | None = None) -> Place:
        """A place an attack can fall on: a state's ISO3 code (its home territory), or the code or
        name of a territory declared in ``states.toml`` (``FLK``, ``Falkland Islands``); on ``date``,
        a territory that was no longer the state's is refused.

        >>> nato = foedus.load_scenario("nato")
        >>> nato.place("Falkland Islands")
        Place(code='FLK', name='Falkland Islands', state='GBR', region='South Atlantic')
        >>> nato.place("GBR").name
        'United Kingdom'
        """
        key = code.strip()
        for s in self.data.states:
            if s.iso3 == key.upper():
                return Place(s.iso3, s.name, s.iso3)
            for t in s.territories:
                if key.upper() == t.code or key.casefold() == t.name.casefold():
                    if date is not None and t.until is not None and date >= t.until:
                        raise ArgumentError("--place", f"a place that is a state's territory on {date.isoformat()} "
                                            f"({t.name} was {s.iso3}'s until {t.until.isoformat()})", code)
                    return Place(t.code, t.name, s.iso3, t.region)
        known = [t.code for s in self.data.states for t in s.territories]
        raise ArgumentError("--place", "a state's ISO3 code or a territory of the scenario"
                            + (f" ({', '.join(known)})" if known else ""), code)

    def obligations(self, date: str | dt.date, victim: str, aggressor: str | list[str] | tuple[str, ...] | None = None,
                    crisis: str | CrisisType = CrisisType.armed_attack, alliance: str | None = None,
                    territory: str = "own", requested: bool = True, place: str | None = None) -> Obligations:
        """Who was bound to help ``victim`` on ``date``, under which article, and why the others were not.
        ``aggressor``: one state or several; ``place``: where the attack fell (a state's ISO3 code or a
        territory of the scenario; default the victim's home territory).

        >>> ob = foedus.load_scenario("csto").obligations(date="2022-09-13", victim="ARM", aggressor="AZE")
        >>> ob.casus_foederis
        True
        >>> nato = foedus.load_scenario("nato")
        >>> nato.obligations(date="1982-04-02", victim="GBR", aggressor=["ARG"], place="FLK").reason
        'the attack fell on Falkland Islands (FLK, South Atlantic; territory of GBR), outside the treaty area (Art 6)'
        >>> nato.obligations(date="1982-04-02", victim="GBR", aggressor=["ARG"], place="GIB").casus_foederis
        True
        """
        d = parse_date(date, "date")
        if d > self.data.scenario.end:  # the treaty's standings after the record are not known
            raise ArgumentError("date", f"a date within the record, which ends {self.data.scenario.end.isoformat()}",
                                d.isoformat())
        self.state(victim, "victim")
        aggressors = (aggressor,) if isinstance(aggressor, str) else tuple(aggressor or ())
        for x in aggressors:
            self.state(x, "aggressor")
            if x == victim:
                raise ArgumentError("aggressor", "a state other than the victim", x)
        try:
            crisis = CrisisType(crisis)
        except ValueError:
            raise ArgumentError("crisis", f"one of {', '.join(c.value for c in CrisisType)}", crisis) from None
        if territory not in ("own", "outside"):
            raise ArgumentError("territory", "'own' or 'outside'", territory)
        where = self.place(place, d) if place else None
        a = self.alliance(alliance)
        st = replay(self.data, d).alliance(a.id)
        return obligations(a, st.standings(), d, victim, aggressors, crisis, territory, requested,
                           place=where, status=st.status())

    def simulate(self, **settings: Any) -> Results:
        """``foedus.simulate`` of this scenario: the same keyword arguments (``start``, ``months``,
        ``runs``, ``seed``, ``out``, ...).

        >>> foedus.load_scenario("csto").simulate(start="2024-03-01", runs=50, months=12, seed=1)
        Results(csto from 2024-03-01, 12 months, 50 runs, seed 1)
        """
        from foedus.simulation import simulate

        return simulate(self, **settings)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a built-in scenario by name (``"csto"``, ``"nato"``) or a scenario folder; a file that
    does not validate raises ScenarioError naming the file and the field.

    >>> import foedus
    >>> foedus.load_scenario("nato").focus.name
    'North Atlantic Treaty Organization'
    """
    from foedus.model.parameters import Parameters

    folder = resolve(name_or_path)
    data = read_folder(folder)
    # the parameter names and ranges are the model's: checked here, where the model is known
    Parameters.for_scenario(data.parameters, file=str(folder / "parameters.toml"))
    return Scenario(data=data, path=folder, hash=scenario_hash(folder))


def compare(scenario: str | Path | Scenario, variants: list | tuple | str = (), *, levers: list[str] | None = None,
            name: str | None = None, out: str | Path | None = None, start: str | dt.date | None = None,
            months: int = 120, runs: int = 1000, seed: int = 0, assume_nothing_after_record: bool = False,
            **simulate_settings: Any):
    """The baseline and each variant simulated with the same seed (common random numbers) into the
    comparison folder ``out`` (new or empty; default ``results/compare-<scenario>-<time>``), and
    their paired differences: a ``Comparison`` whose ``table`` is a DataFrame.

    ``variants``: built-in variant names (``foedus.variants.builtin_variants()``), variant ``.toml``
    files or ``Variant`` objects; ``levers``: lever specs (``"war-ends:2026-06"``) making one more
    variant, called ``name``. Other settings go to ``foedus.simulate`` (``executor``, ``workers``,
    ``param_draws``, ``prior_draws``, ``coding``).

    >>> import foedus, tempfile
    >>> comp = foedus.compare("csto", ["war-ends-2026"], runs=50, months=24, seed=3,
    ...                       start="2024-03-01", out=tempfile.mkdtemp() + "/cmp")
    >>> comp.table.columns[:4].tolist()
    ['variant', 'metric', 'state', 'baseline_mean']
    """
    from foedus.compare.run import run_comparison
    from foedus.variants import Variant, load_variant, variant_from_levers

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    arms = [v if isinstance(v, Variant) else load_variant(str(v))
            for v in ([variants] if isinstance(variants, (str, Path)) else list(variants))]
    if levers:
        arms.append(variant_from_levers(list(levers), name))
    d = parse_date(start, "start") if start is not None else None
    if d is not None:
        after_record(sc.data, d, assume_nothing_after_record, "start")
    if out is None:
        out = Path("results") / f"compare-{sc.name}-{dt.datetime.now(dt.timezone.utc):%Y%m%d-%H%M%S}"
    settings = {**simulate_settings, "assume_nothing_after_record": assume_nothing_after_record}
    given = [str(v) if isinstance(v, (str, Path)) else v.name
             for v in ([variants] if isinstance(variants, (str, Path)) else variants)]
    command = (f"foedus.compare({sc.reference!r}, {given!r}" + (f", levers={list(levers)!r}, name={name!r}" if levers else "")
               + f", start={(d or sc.data.scenario.end).isoformat()!r}, months={months}, runs={runs}, seed={seed}"
               + (", assume_nothing_after_record=True" if assume_nothing_after_record else "") + ")")
    return run_comparison(sc, arms, out=out, start=d, months=months, runs=runs, seed=seed, simulate_kwargs=settings,
                          command=command)


def report(results: Any, out: str | Path | None = None, title: str | None = None):
    """Write the forecast report of a results or comparison folder (a path, or the ``Results`` or
    ``Comparison`` that wrote it) as one self-contained HTML file, ``out`` (default:
    ``<folder>/report.html``), its figures also as PNG beside it. A file at ``out`` that foedus did not
    write is never replaced.

    >>> rep = foedus.report(comp)  # doctest: +SKIP
    >>> rep.html.name  # doctest: +SKIP
    'report.html'
    """
    from foedus.report import build_report

    folder = getattr(results, "path", results)
    if folder is None:
        raise ArgumentError("results", "a results folder (simulate with out=...) or its path", results)
    folder = Path(folder)
    return build_report(folder, out if out is not None else folder / "report.html", title=title)
