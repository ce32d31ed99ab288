"""Dates and months. The model steps in calendar months; a month is an integer index
``year * 12 + (month - 1)`` so that arithmetic on notice periods is exact."""

from __future__ import annotations

import datetime as _dt

from foedus.errors import ArgumentError


def month_index(d: _dt.date) -> int:
    return d.year * 12 + (d.month - 1)


def month_start(index: int) -> _dt.date:
    return _dt.date(index // 12, index % 12 + 1, 1)


def add_months(d: _dt.date, months: int) -> _dt.date:
    """The same day ``months`` later, clipped to the month's last day (31 Aug + 6 = 28/29 Feb)."""
    idx = month_index(d) + months
    year, month = idx // 12, idx % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return _dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def parse_date(text: str | _dt.date, name: str = "date") -> _dt.date:
    """Accept YYYY-MM-DD, YYYY-MM (first of the month) or YYYY (1 January)."""
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    s = str(text).strip()
    try:
        if len(s) == 4:
            return _dt.date(int(s), 1, 1)
        if len(s) == 7:
            return _dt.date(int(s[:4]), int(s[5:7]), 1)
        return _dt.date.fromisoformat(s)
    except ValueError:
        raise ArgumentError(name, "a date YYYY-MM-DD (or YYYY-MM, YYYY)", s) from None
