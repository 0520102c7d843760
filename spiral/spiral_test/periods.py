"""Time periods as indicator data and budgets write them, turned into dates.

Accepted forms:

- ``"2019"``: a calendar year, 1 January to 31 December;
- ``"2019/20"`` (also ``"2019/2020"``): a UK financial year, 1 April 2019 to 31 March 2020
  (``"2019-20"`` is not accepted: ``"2011-12"`` would be read as December 2011);
- ``"2019-Q2"``: a calendar quarter (April to June 2019);
- ``"2019-07"``: a month;
- ``"2019-04-01/2020-03-31"``: any span, first and last day inclusive.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from spiral.exceptions import InputError


@dataclass(frozen=True, order=True)
class Period:
    """A span of days, first and last inclusive, with the label it was written as."""

    start: date
    end: date
    label: str

    @property
    def midpoint(self) -> date:
        """The day half-way through the period.

        Examples
        --------
        >>> parse_period("2019/20").midpoint
        datetime.date(2019, 9, 30)
        """
        return self.start + timedelta(days=(self.end - self.start).days // 2)

    def contains(self, day: date) -> bool:
        """Whether a day falls within the period.

        Examples
        --------
        >>> parse_period("2019/20").contains(date(2020, 1, 1))
        True
        """
        return self.start <= day <= self.end


_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL = re.compile(r"^(\d{4})/(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(label: str) -> Period:
    """Read a period label (see the module notes for the accepted forms).

    Raises
    ------
    ValueError
        When the label is in none of the accepted forms or names an impossible span.

    Examples
    --------
    >>> parse_period("2019/20")
    Period(start=datetime.date(2019, 4, 1), end=datetime.date(2020, 3, 31), label='2019/20')
    >>> parse_period("2021-Q4").start
    datetime.date(2021, 10, 1)
    >>> parse_period("2022-02").end
    datetime.date(2022, 2, 28)
    """
    text = str(label).strip()
    if match := _YEAR.match(text):
        year = int(match[1])
        return Period(date(year, 1, 1), date(year, 12, 31), text)
    if match := _FINANCIAL.match(text):
        year, second = int(match[1]), match[2]
        expected = year + 1 if len(second) == 4 else (year + 1) % 100
        if int(second) != expected:
            raise InputError(f"period {label!r}: a financial year runs into the next year")
        return Period(date(year, 4, 1), date(year + 1, 3, 31), text)
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        first = 3 * quarter - 2
        return Period(date(year, first, 1), _month_end(year, first + 2), text)
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise InputError(f"period {label!r}: month must be 01 to 12")
        return Period(date(year, month, 1), _month_end(year, month), text)
    if match := _SPAN.match(text):
        try:
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError as error:
            raise InputError(f"period {label!r}: {error}") from None
        if end < start:
            raise InputError(f"period {label!r} ends before it starts")
        return Period(start, end, text)
    raise InputError(
        f"period {label!r} is not a year (2019), financial year (2019/20), quarter (2019-Q2), "
        "month (2019-07) or span (2019-04-01/2020-03-31)"
    )
