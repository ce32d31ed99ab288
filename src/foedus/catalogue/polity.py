"""Read the bundled Polity5 regime series: each state's ``polity2`` score and regime transitions.

Marshall, Monty G. and Ted Robert Gurr. 2020. Polity5: Political Regime Characteristics and
Transitions, 1800-2018. Center for Systemic Peace (file ``p5v2018``,
https://www.systemicpeace.org/inscrdata.html). ``catalogue/data/polity5.csv.gz`` holds four of its
columns, unedited, for every state-year (docs/catalogue.md says where the copy came from):

- ``ccode``: Polity's state number, the COW number but for a few states (``POLITY_TO_COW``);
- ``polity2``: the revised combined score, -10 (fully autocratic) to +10 (fully democratic);
- ``regtrans``: the regime transition that Polity codes in the year (blank: none; the codes in
  ``REGTRANS``, from the Polity5 users' manual).

Read by the ATOP converter as each state's regime (:func:`regime_on`, :func:`band`) and by the
backtest's exit logit as its transitions. Polity's value of a year is known from the first day of
the next (:func:`known_from`): a scenario dated ``D`` reads the last value of a year before
``D``'s year.

Cleaning, in code only: Polity's state numbers are read as COW numbers (``POLITY_TO_COW``,
``POLITY_TO_COW_BEFORE``); where
two Polity rows fall on one COW state-year (the year one polity ended and its successor began, e.g.
the USSR and Russia in 1991), the row of the polity that goes on into the next year is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from foedus.errors import DataFileError
from foedus.scenario.schema import Regime as RegimeType

FILE = "polity5.csv.gz"
CITATION = ("Marshall, Monty G. and Ted Robert Gurr. 2020. Polity5: Political Regime Characteristics and "
            "Transitions, 1800-2018. Center for Systemic Peace (p5v2018, www.systemicpeace.org/inscrdata.html)")
#: The last year the series codes.
LAST_YEAR = 2018
#: The conventional bands of ``polity2`` (Polity5 users' manual: autocracies -10 to -6, anocracies -5
#: to +5, democracies +6 to +10), read as the scenario format's three regimes: an anocracy is a hybrid.
AUTOCRACY_MAX, DEMOCRACY_MIN = -6, 6
#: The regime where Polity gives no value known at the date (a state Polity does not code, or not yet).
UNKNOWN_REGIME = RegimeType.hybrid
COLUMNS = ("ccode", "year", "polity2", "regtrans")

#: Polity's state numbers that differ from the COW number of the same state (Polity5 users' manual,
#: ``ccode``; the COW list is ``states2016``). Applied at once: Polity's 341 is Kosovo, COW's 341
#: Montenegro.
POLITY_TO_COW = {
    324: 325,  # Sardinia -> Italy
    341: 347,  # Kosovo
    342: 345,  # Serbia -> Yugoslavia/Serbia
    347: 345,  # Yugoslavia 1991-2002, Serbia and Montenegro 2003-2006
    348: 341,  # Montenegro
    364: 365,  # USSR -> Russia
    525: 626,  # South Sudan
    529: 530,  # Ethiopia since 1993
    626: 625,  # Sudan-North -> Sudan
    769: 770,  # Pakistan 1947-1971
    818: 816,  # Vietnam since 1976
}
#: Polity numbers that name another COW state before a year: Polity's Austria (305) is COW's
#: Austria-Hungary (300) to 1918.
POLITY_TO_COW_BEFORE = {305: (1919, 300)}

#: The codes of ``regtrans`` (Polity5 users' manual, "REGTRANS: Regime Transition").
REGTRANS = {
    3: "major democratic transition", 2: "minor democratic transition", 1: "positive regime change",
    0: "little or no change", -1: "adverse regime change", -2: "adverse regime transition",
    -66: "interruption (foreign occupation)", -77: "interregnum (collapse of central authority)",
    -88: "transition period", 96: "state disintegration", 97: "state transformation",
    98: "state demise", 99: "state creation",
}


@dataclass(frozen=True, slots=True)
class Regime:
    """One state-year of Polity5, under the state's COW number."""

    ccode: int
    year: int
    polity2: int | None   # -10 .. +10; None where Polity gives none (e.g. a foreign occupation)
    regtrans: int | None  # a code of REGTRANS; None: no transition coded that year


def _int(text: str | None, where: str, field: str, allowed=None, expected: str = "a whole number or blank") -> int | None:
    text = (text or "").strip()
    if text == "":
        return None
    try:
        number = float(text)  # a spreadsheet's export may write 7 as 7.0
    except ValueError:
        raise DataFileError(where, field, expected, text) from None
    if not number.is_integer() or (allowed is not None and int(number) not in allowed):
        raise DataFileError(where, field, expected, text)
    return int(number)


def _text(path: Path | None) -> tuple[str, str]:
    if path is None:
        res = resources.files("foedus.catalogue") / "data" / FILE
        name = f"foedus/catalogue/data/{FILE}"
        if not res.is_file():
            raise DataFileError(name, "file", "the bundled Polity5 file (reinstall foedus)")
        raw = res.read_bytes()
    else:
        name = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as e:
            raise DataFileError(name, "file", "a readable Polity5 CSV file", e.strerror) from None
    try:
        data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        return name, data.decode("utf-8-sig")  # the Center's CSV starts with a byte-order mark
    except (OSError, EOFError, UnicodeDecodeError):
        raise DataFileError(name, "file", "a UTF-8 CSV file, plain or gzip-compressed") from None


def read(path: Path | None = None) -> dict[tuple[int, int], Regime]:
    """Every state-year of the Polity5 file at ``path`` (default: the bundled one), keyed by
    (COW number, year). A missing or malformed file is one ``DataFileError``."""
    name, text = _text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise DataFileError(name, "header", f"the columns {', '.join(COLUMNS)}", ",".join(reader.fieldnames or ()))
    rows: dict[tuple[int, int], list[tuple[int, Regime]]] = {}
    seen: set[tuple[int, int]] = set()
    for line, r in enumerate(reader, start=2):
        where = f"{name}, line {line}"
        pol = _int(r["ccode"], where, "ccode", expected="a state number")
        year = _int(r["year"], where, "year", expected="a year")
        if pol is None or year is None:
            raise DataFileError(where, "ccode" if pol is None else "year", "a state number and a year")
        polity2 = _int(r["polity2"], where, "polity2", range(-10, 11), "a score from -10 to 10 or blank")
        regtrans = _int(r["regtrans"], where, "regtrans", REGTRANS, "a Polity5 REGTRANS code or blank")
        if (pol, year) in seen:
            raise DataFileError(where, "ccode, year", "one row per state and year", f"{pol}, {year} again")
        seen.add((pol, year))
        cow = _cow(pol, year)
        rows.setdefault((cow, year), []).append((pol, Regime(cow, year, polity2, regtrans)))
    return {key: _successor(both, seen) for key, both in rows.items()}


def _cow(pol: int, year: int) -> int:
    before = POLITY_TO_COW_BEFORE.get(pol)
    if before is not None and year < before[0]:
        return before[1]
    return POLITY_TO_COW.get(pol, pol)


def _successor(both: list[tuple[int, Regime]], polities: set[tuple[int, int]]) -> Regime:
    """Of the Polity rows on one COW state-year, the one whose polity goes on into the next year."""
    if len(both) == 1:
        return both[0][1]
    going_on = [reg for pol, reg in both if (pol, reg.year + 1) in polities]
    return (going_on or [both[-1][1]])[0]


@cache
def bundled() -> dict[tuple[int, int], Regime]:
    """The bundled Polity5 series (read once per process)."""
    return read()


def band(polity2: int) -> RegimeType:
    """The scenario format's regime of a ``polity2`` score: autocracy at -6 or below, democracy at +6
    or above, hybrid (Polity's anocracy) between."""
    if polity2 <= AUTOCRACY_MAX:
        return RegimeType.autocracy
    return RegimeType.democracy if polity2 >= DEMOCRACY_MIN else RegimeType.hybrid


def known_from(year: int) -> dt.date:
    """The day from which Polity's value of ``year`` is known: the first of the next year (a year is
    coded once it is over; the backtest's exit logit reads Polity the same way)."""
    return dt.date(year + 1, 1, 1)


@dataclass(frozen=True, slots=True)
class KnownRegime:
    """A state's regime as known on a date: the band of the last ``polity2`` known then, or
    :data:`UNKNOWN_REGIME` where none was (``year`` and ``polity2`` None)."""

    ccode: int
    on: dt.date
    regime: RegimeType
    year: int | None
    polity2: int | None

    def note(self) -> str:
        """The provenance, in words, for the scenario's state ``note``."""
        if self.year is None:
            return (f"regime: foedus default '{self.regime.value}' (Polity5 gives no polity2 of this state known "
                    f"by {self.on.isoformat()})")
        return (f"regime: {self.regime.value}, Polity5 polity2 {self.polity2:+d} for {self.year}, known from "
                f"{known_from(self.year).isoformat()} (Marshall & Gurr 2020, p5v2018; bands: autocracy <= "
                f"{AUTOCRACY_MAX}, democracy >= +{DEMOCRACY_MIN}, hybrid between)")


def regime_on(ccode: int, on: dt.date, series: dict[tuple[int, int], Regime] | None = None) -> KnownRegime:
    """State ``ccode``'s regime as known on ``on``: the band of its last ``polity2`` of a year known by
    then (:func:`known_from`; Polity's last year at the latest). Years Polity codes without a score
    (a foreign occupation, -66) are passed over; a year it does not code at all ends the search, so
    that a state read before its first year (or re-created after a gap: Germany in 1990) does not
    take the score of an earlier polity. With none, :data:`UNKNOWN_REGIME`. ``series``: default the
    bundled one."""
    series = bundled() if series is None else series
    year = min(on.year - 1, LAST_YEAR)
    while (row := series.get((ccode, year))) is not None:
        if row.polity2 is not None:
            return KnownRegime(ccode, on, band(row.polity2), year, row.polity2)
        year -= 1
    return KnownRegime(ccode, on, UNKNOWN_REGIME, None, None)
