"""The scenario format, as typed, frozen pydantic models.

A scenario is a folder of TOML files:

- ``scenario.toml``  – name, title, description, the patron, the sources;
- ``states.toml``    – ``[[state]]`` tables: ISO3 and COW codes, name, regime type, capabilities;
- ``alliances.toml`` – ``[[alliance]]`` tables: the treaty, its articles and their rules;
- ``record.toml``    – ``[[event]]`` tables: the dated record, in date order;
- ``timeline.toml``  – optional: dated exogenous changes the behavioural model follows;
- ``parameters.toml``– optional: behavioural parameter values that override the defaults;
- ``behaviour.toml`` – optional: crisis rates, affinities, states' terms, grievances (the model's scenario values).

``foedus schema`` prints the JSON Schema of the whole.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Dated(_Frozen):
    """A scenario value with the date from which it was known: its source's publication date (a
    count of past events: the date of the last event counted; a judgement: the date of the latest
    event it rests on). A backtest split before that date does not see the value
    (``foedus.scenario.known``)."""

    known: dt.date = Field(description="the date from which the value was known (its source's date), YYYY-MM-DD")


class Regime(StrEnum):
    democracy = "democracy"
    hybrid = "hybrid"
    autocracy = "autocracy"


class CrisisType(StrEnum):
    """What befell the victim. ``armed_attack``: by a state outside the alliance or any state;
    ``member_clash``: an armed clash with a fellow member; ``unrest``: internal unrest
    threatening the regime; ``threat``: a threat short of attack (grounds for consultations)."""

    armed_attack = "armed_attack"
    member_clash = "member_clash"
    unrest = "unrest"
    threat = "threat"


class Outcome(StrEnum):
    """How the alliance answered a request: ``deployed`` forces; ``limited`` help (a monitoring
    mission, advisers, equipment, a statement); ``refused``; ``consulted`` (consultations held)."""

    deployed = "deployed"
    limited = "limited"
    refused = "refused"
    consulted = "consulted"


class EventType(StrEnum):
    sign = "sign"                    # founders sign; they are signatories until entry into force
    in_force = "in_force"            # the treaty enters into force: signatories become active
    accede = "accede"                # a state accedes to the treaty (signatory before entry into force)
    apply = "apply"                  # an outside state applies for membership
    invite = "invite"                # the council invites an applicant (consensus)
    ratify = "ratify"                # members (actors) ratify the accession of ``target``
    admit = "admit"                  # the applicant becomes a member once every member ratified
    renew = "renew"                  # members renew the treaty at a renewal window
    lapse = "lapse"                  # a member leaves by not renewing at a renewal window
    freeze = "freeze"                # a member freezes its participation (its own choice)
    unfreeze = "unfreeze"            # ... and returns to active participation
    notice = "notice"                # formal notice of withdrawal; takes effect after the notice period
    revoke_notice = "revoke_notice"  # notice withdrawn before it took effect
    withdraw = "withdraw"            # withdrawal takes effect (added by the replay when due)
    exit = "exit"                    # a member leaves for a stated ``cause``, the steps not recorded (a data set's exits)
    denounce = "denounce"            # a party denounces the treaty outside its procedure (no legal basis; ``in_effect``)
    cease = "cease"                  # a party ceases to exist as a state (merger, annexation); ``successors`` named
    end = "end"                      # the treaty ends for every party (``end_cause``); added by the rules at expiry
    leave_body = "leave_body"        # a party leaves one of the organisation's bodies (``body``); still bound
    return_body = "return_body"      # ... and returns to it
    dissolve_organisation = "dissolve_organisation"  # the organisation's bodies dissolve; the treaty stays in force
    suspend_obligation = "suspend_obligation"  # actors suspend their obligations towards ``target`` (a party)
    restore_obligation = "restore_obligation"  # ... and restore them
    associate = "associate"          # a state becomes an associate of the alliance (no obligation, no vote)
    observe = "observe"              # a state becomes an observer (no obligation, no vote)
    end_role = "end_role"            # an associate or observer gives up its role
    suspend = "suspend"              # the council suspends a member
    reinstate = "reinstate"          # the council lifts a suspension
    expel = "expel"                  # the council expels a member
    rejoin = "rejoin"                # a former member restores its membership
    request = "request"              # a member asks for help under a collective-defence article
    consultation = "consultation"    # a member asks for consultations
    clash = "clash"                  # armed clash between members (no request)
    crisis = "crisis"                # a crisis befalling a member (``crisis``: its type) in which it did not ask
    statement = "statement"          # anything else on the record: declarations, boycotts, payments


class ExitCause(StrEnum):
    """Why a member left, in an ``exit`` event (one whose steps the record does not hold).
    ``procedure``: by the treaty's own way out (notice, non-renewal), its steps not recorded: the
    rules check that the treaty provides one on that date; ``renegotiation``: the treaty was
    replaced by a new text the member did not join; ``unknown``: the source does not say (the
    replay records it as an exit the rules cannot explain)."""

    procedure = "procedure"
    renegotiation = "renegotiation"
    unknown = "unknown"


class EndCause(StrEnum):
    """How a treaty ended. ``expiry``: its term ran out (the rules add this from ``term``);
    ``termination``: by agreement of the parties; ``dissolution``: the parties dissolved the
    alliance; ``superseded``: replaced by a new treaty; ``fulfilment``: its purpose was achieved;
    ``denunciation``: a party denounced it, leaving fewer than two; ``extinction``: a party ceased
    to exist, leaving fewer than two; ``war``: war between the parties or defeat ended it;
    ``unknown``: the source does not say (recorded as an end the rules cannot explain)."""

    expiry = "expiry"
    termination = "termination"
    dissolution = "dissolution"
    superseded = "superseded"
    fulfilment = "fulfilment"
    denunciation = "denunciation"
    extinction = "extinction"
    war = "war"
    unknown = "unknown"


#: Ends after which the alliance goes on under another text: ``superseded`` (ATOP's renegotiation,
#: termination code 2) replaces the treaty, it does not end the parties' alliance. One rule for the
#: likelihood (the month counts as the alliance continuing, and the record stops there) and the
#: retrodictions (not an ``alliance_ends``): :func:`ends_alliance`.
CONTINUED = frozenset({EndCause.superseded})


def ends_alliance(cause: "EndCause | None") -> bool:
    """Does a treaty's end with this cause end the alliance (not merely its text)?"""
    return cause not in CONTINUED


class Territory(_Frozen):
    """A territory of a state apart from its home (metropolitan) territory: an overseas territory,
    a colony, a department overseas. Named in ``--place`` by ``code`` or ``name``."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,15}$", description="e.g. FLK, GIB, FR-DZ")
    name: str = Field(min_length=1)
    region: str = Field("", description="where it lies, in words (e.g. 'South Atlantic')")
    until: dt.date | None = Field(None, description="the state's territory until this date (exclusive)")
    source: str = ""


class Capability(_Frozen):
    year: int = Field(ge=1816, le=2100, description="year the figures refer to")
    milex_usd_bn: float | None = Field(None, ge=0, description="military expenditure, billion current US$")
    personnel_k: float | None = Field(None, ge=0, description="active military personnel, thousands")
    source: str = Field(min_length=1)


class State(_Frozen):
    iso3: ISO3
    cow: int = Field(ge=1, le=999, description="Correlates of War state code")
    name: str = Field(min_length=1)
    regime: Regime
    capability: Capability | None = None
    territories: tuple[Territory, ...] = Field((), description="territories apart from its home territory")
    note: str | None = None


class AreaPlace(_Frozen):
    """A place inside the treaty area for a spell: a state's home territory (ISO3) or a declared
    territory, from ``since`` (default: always) until ``until`` (exclusive)."""

    place: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")
    since: dt.date | None = None
    until: dt.date | None = None
    source: str = Field(min_length=1)
    note: str | None = None


class Protected(_Frozen):
    """A state the article covers without being a party (a protected state)."""

    state: ISO3
    since: dt.date | None = None
    until: dt.date | None = None
    consent_required: bool = Field(True, description="covered only when it asks for (consents to) help")
    source: str = Field(min_length=1)


class Reservation(_Frozen):
    """A party's reservation or understanding that narrows its own obligation: it is not bound
    when an aggressor is among ``aggressors``, the place among ``places`` or the victim among
    ``victims``."""

    party: ISO3
    aggressors: tuple[ISO3, ...] = ()
    places: tuple[str, ...] = ()
    victims: tuple[ISO3, ...] = ()
    text: str = Field(min_length=1, description="the reservation, in words")
    source: str = Field(min_length=1)


class CollectiveDefence(_Frozen):
    article: str
    crisis_types: tuple[CrisisType, ...] = (CrisisType.armed_attack,)
    member_aggressor_covered: bool = Field(
        False, description="does the article bind members when the aggressor is itself a member?"
    )
    territory: Literal["members", "treaty_area"] = Field(
        "members", description="'members': any attack on a member's own territory; 'treaty_area': only within `area`"
    )
    area: tuple[ISO3, ...] = Field((), description="states whose home territory is inside the treaty area (treaty_area only)")
    area_article: str | None = Field(None, description="the article that defines the treaty area (NATO: Art 6)")
    places: tuple[AreaPlace, ...] = Field((), description="further places in the treaty area, for a spell: "
                                          "declared territories (treaty_area only)")
    adversaries: tuple[ISO3, ...] = Field((), description="the article covers only an attack in which one of "
                                          "these states takes part (none: any aggressor)")
    protected: tuple[Protected, ...] = Field((), description="non-members the article covers")
    reservations: tuple[Reservation, ...] = ()
    request_required_since: dt.date | None = Field(
        None, description="from this date help is owed only at the victim's request"
    )
    source: str
    note: str | None = None


class Consultation(_Frozen):
    article: str
    source: str


class ProcedureSpell(_Frozen):
    since: dt.date
    rule: Literal["consensus", "unanimity"] = "consensus"
    abstention: bool = Field(False, description="may a member abstain without blocking?")
    source: str


class Withdrawal(_Frozen):
    article: str
    notice_months: int = Field(ge=0, le=120)
    earliest: dt.date | None = Field(None, description="no withdrawal can take effect before this date")
    notice_from: dt.date | None = Field(None, description="no notice may be given before this date")
    source: str


class Renewal(_Frozen):
    """Opt-in renewal on stated dates: a member that does not renew by a window leaves (the CSTO, 1999)."""

    article: str
    windows: tuple[dt.date, ...] = Field(description="dates at which a member may leave by not renewing")
    source: str


class Term(_Frozen):
    """The treaty's duration, counted from its entry into force. ``renewal``: ``none`` (it expires
    at the end of the term), ``tacit`` (it runs on for ``renewal_months`` at a time for every party
    that has not denounced it at least ``denounce_months`` before the term ends: the Sino-Soviet
    treaty of 1950) or ``opt_in`` (a party leaves at the end of each term unless it renews)."""

    article: str
    months: int = Field(ge=1, le=1200, description="length of the first term")
    renewal: Literal["none", "tacit", "opt_in"] = "none"
    renewal_months: int = Field(0, ge=0, le=1200, description="length of each renewal (tacit, opt_in)")
    denounce_months: int = Field(0, ge=0, le=120, description="tacit: notice needed before a term ends")
    source: str

    @model_validator(mode="after")
    def _renewing(self) -> "Term":
        if self.renewal != "none" and self.renewal_months < 1:
            raise ValueError(f"a term with {self.renewal} renewal needs renewal_months of at least 1")
        return self


class Organisation(_Frozen):
    """The standing organisation the parties set up: bodies that meet and act between crises (NATO's
    North Atlantic Council, Art 9; the CSTO's bodies under its Charter of 7 Oct 2002). ``since``: the
    day the text that creates it was signed."""

    since: dt.date
    source: str = Field(min_length=1)
    note: str | None = None


class Suspension(_Frozen):
    by: Literal["council"] = "council"
    since: dt.date | None = None
    source: str


class Admission(_Frozen):
    article: str
    invitation: Literal["consensus"] = "consensus"
    ratification: Literal["every_member"] = "every_member"
    source: str


class Alliance(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str
    treaty: str
    signed: dt.date
    in_force: dt.date
    patron: ISO3 | None = None
    founders: tuple[ISO3, ...] = Field(min_length=1)
    collective_defence: CollectiveDefence | None = None
    consultations: tuple[Consultation, ...] = ()
    procedure: tuple[ProcedureSpell, ...] = Field(min_length=1)
    withdrawal: Withdrawal | None = None
    renewal: Renewal | None = None
    term: Term | None = Field(None, description="fixed term and its renewal rule; none: indefinite")
    bodies: tuple[str, ...] = Field((), description="the organisation's bodies a party may leave and stay bound "
                                    "(NATO: 'integrated military command')")
    suspension: Suspension | None = None
    admission: Admission | None = None
    organisation: Organisation | None = Field(None, description="the standing organisation the parties set up, "
                                              "with its date and source; none: a treaty without one")
    atop_id: int | None = None
    sources: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _dates(self) -> "Alliance":
        if self.in_force < self.signed:
            raise ValueError("in_force must not precede signed")
        spells = [p.since for p in self.procedure]
        if spells != sorted(spells):
            raise ValueError("procedure spells must be in date order")
        if self.organisation is not None and self.organisation.since < self.signed:
            raise ValueError("organisation.since must not precede signed")
        return self


class Event(_Frozen):
    date: dt.date
    type: EventType
    alliance: str
    actors: tuple[ISO3, ...] = ()
    target: ISO3 | None = Field(None, description="aggressor of a request or clash; applicant of a ratification")
    crisis: CrisisType | None = None
    article: str | None = None
    outcome: Outcome | None = None
    contributors: tuple[ISO3, ...] = Field((), description="members that sent forces or help")
    cause: ExitCause | None = Field(None, description="exit: why the member left")
    end_cause: EndCause | None = Field(None, description="end: how the treaty ended")
    in_effect: bool = Field(True, description="denounce: whether the denunciation took effect in fact")
    successors: tuple[ISO3, ...] = Field((), description="cease: the states that succeeded it")
    body: str | None = Field(None, description="leave_body, return_body: the organisation's body")
    shared_crisis: str | None = Field(None, description="request, consultation, crisis: the shared crisis "
                                      "(behaviour.toml [[shared_crisis]] name) the event is part of")
    summary: str = ""
    source: str = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> "Event":
        needs_actor = self.type not in (EventType.in_force, EventType.end, EventType.dissolve_organisation)
        if needs_actor and not self.actors:
            raise ValueError(f"a '{self.type}' event needs at least one actor")
        if self.type in (EventType.ratify,) and self.target is None:
            raise ValueError("a 'ratify' event needs a target (the applicant)")
        if self.type == EventType.request and self.outcome is None:
            raise ValueError("a 'request' event needs an outcome")
        if self.type == EventType.crisis and self.crisis is None:
            raise ValueError("a 'crisis' event needs its crisis type (crisis = armed_attack, member_clash, unrest or threat)")
        if self.type == EventType.exit and self.cause is None:
            raise ValueError("an 'exit' event needs a cause (procedure, renegotiation or unknown)")
        if self.type == EventType.end and self.end_cause is None:
            raise ValueError("an 'end' event needs an end_cause")
        if self.type in (EventType.leave_body, EventType.return_body) and not self.body:
            raise ValueError(f"a '{self.type}' event needs the body")
        if self.type in (EventType.suspend_obligation, EventType.restore_obligation) and self.target is None:
            raise ValueError(f"a '{self.type}' event needs a target (the party owed)")
        return self

    def label(self) -> str:
        who = ",".join(self.actors) or self.alliance
        return f"{self.date.isoformat()} {self.type.value} {who}" + (f" -> {self.target}" if self.target else "")


class TimelineChange(_Dated):
    """A dated exogenous change the behavioural model follows (not a treaty event).

    ``committed_share``: share of the state's capability committed elsewhere (0-1), from the date on;
    ``capability_factor``: multiplier on its capability; ``outside_option``: additive shift of its
    outside option (an EU or US offer); ``threat``: multiplier on the rate of attacks against it;
    ``salience``: multiplier on how much others weigh what happens to it (information operations);
    ``crisis``: a crisis injected in that month (``crisis`` type, ``aggressor``, ``value`` = severity 0-1).
    """

    date: dt.date
    state: ISO3
    field: Literal["committed_share", "capability_factor", "outside_option", "threat", "salience", "crisis"]
    value: float
    crisis: CrisisType | None = None
    aggressor: ISO3 | None = None
    note: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _crisis(self) -> "TimelineChange":
        if self.field == "crisis" and self.crisis is None:
            raise ValueError("a 'crisis' change needs a crisis type")
        return self

    @model_validator(mode="after")
    def _in_range(self) -> "TimelineChange":
        low, high = TIMELINE_RANGES[self.field]
        if not low <= self.value <= high:
            raise ValueError(f"value: a {self.field} value in [{low:g}, {high:g}], found {self.value!r}")
        return self


# the documented range of each timeline field's value (docs/scenario-format.md, timeline.toml)
TIMELINE_RANGES = {"committed_share": (0.0, 1.0), "capability_factor": (0.0, 10.0), "outside_option": (-5.0, 5.0),
                   "threat": (0.0, 10.0), "salience": (0.0, 10.0), "crisis": (0.0, 1.0)}


class CrisisSource(_Dated):
    """A source of crises for the behavioural model: ``rate`` per month that ``victim`` suffers a
    crisis of ``type`` (by ``aggressor``, if any), at baseline threat."""

    victim: ISO3
    type: CrisisType
    aggressor: ISO3 | None = None
    rate: float = Field(ge=0, le=1, description="expected crises per month at baseline threat")
    source: str = Field(min_length=1)
    note: str | None = None


class SharedCrisisSource(_Dated):
    """A source of crises that befall several members at once: ``rate`` per month that one event
    (an aggressor's act against a third state, say) exposes every state of ``exposed`` to a crisis
    of ``type`` with one severity; each exposed member then decides whether to ask its alliance
    (NATO, 3 Mar 2014 and 24 Feb 2022). The record's events of one such crisis name it
    (``shared_crisis``)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="the name the record's events give it")
    exposed: tuple[ISO3, ...] = Field(min_length=2, description="the states the event exposes")
    type: CrisisType
    aggressor: ISO3 | None = None
    rate: float = Field(ge=0, le=1, description="expected shared events per month at baseline threat")
    source: str = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _distinct(self) -> "SharedCrisisSource":
        if len(set(self.exposed)) != len(self.exposed):
            raise ValueError("exposed: each state once")
        return self


class Affinity(_Dated):
    """Political affinity between two states, symmetric, -1 (enemies) to 1 (close allies)."""

    a: ISO3
    b: ISO3
    value: float = Field(ge=-1, le=1)
    source: str = Field(min_length=1)


class StateBehaviour(_Dated):
    """A state's standing terms in the membership and decision mechanisms (utility units)."""

    iso3: ISO3
    ties: float = Field(0.0, ge=-5, le=5, description="economic and security ties to the alliance")
    autonomy_cost: float = Field(0.0, ge=0, le=5, description="cost of membership to its autonomy")
    outside_option: float = Field(0.0, ge=-5, le=5, description="value of its best alternative")
    exit_cost: float = Field(0.0, ge=0, le=5, description="cost of leaving (the patron's retaliation)")
    committed_share: float = Field(0.0, ge=0, le=1, description="share of capability committed elsewhere, before any timeline change")
    source: str = Field(min_length=1)


class Grievance(_Dated):
    """``holder`` holds out on ``target``'s accession until a concession (Turkey and Sweden, 2022-24)."""

    holder: ISO3
    target: ISO3
    value: float = Field(ge=0, le=10)
    source: str = Field(min_length=1)


class Behaviour(_Frozen):
    """``behaviour.toml`` (optional): scenario values of the behavioural model — crisis rates,
    affinities, states' membership terms, grievances."""

    crisis: tuple[CrisisSource, ...] = ()
    shared_crisis: tuple[SharedCrisisSource, ...] = ()
    affinity: tuple[Affinity, ...] = ()
    state: tuple[StateBehaviour, ...] = ()
    grievance: tuple[Grievance, ...] = ()
    member_affinity: float = Field(0.0, ge=-1, le=1, description="affinity of two members of the same alliance "
                                   "(on the simulation's start date) where no [[affinity]] pair is given")
    crisis_rates_since: dt.date | None = Field(None, description="the first day of the period the crisis rates "
                                               "were counted over (their sources'); the calibration fits their levels "
                                               "on the record's crises from that month on")
    member_affinity_known: dt.date | None = Field(None, description="the date from which member_affinity was known "
                                                  "(required when member_affinity is not 0)")

    @model_validator(mode="after")
    def _member_affinity_dated(self) -> "Behaviour":
        if self.member_affinity != 0.0 and self.member_affinity_known is None:
            raise ValueError("member_affinity_known: the date from which member_affinity was known (YYYY-MM-DD)")
        return self


class ScenarioMeta(_Frozen):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    description: str = ""
    start: dt.date
    end: dt.date
    focus: str = Field(description="the alliance the forecast is about")
    sources: tuple[str, ...] = ()
    data_citations: tuple[str, ...] = ()


class ScenarioFiles(_Frozen):
    """The whole scenario as read from its files (JSON Schema: ``foedus schema``)."""

    scenario: ScenarioMeta
    states: tuple[State, ...] = Field(min_length=1)
    alliances: tuple[Alliance, ...] = Field(min_length=1)
    events: tuple[Event, ...] = ()
    timeline: tuple[TimelineChange, ...] = ()
    parameters: dict[str, float] = Field(default_factory=dict)
    behaviour: Behaviour = Field(default_factory=Behaviour)
