"""The renewals calendar: agreements' end dates grouped by month, overdue ones first.

The register holds one dated event per agreement, its end date; extension options and break
clauses are free text and are shown beside it so the decision can be made in time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from workspace.contracts.models import Agreement

MONTHS_AHEAD = 24


@dataclass(frozen=True)
class Due:
    """One agreement's end date and the days left (negative when it has passed)."""

    agreement: Agreement
    on: dt.date
    days: int


@dataclass
class Month:
    """A calendar month and what falls due in it."""

    first_day: dt.date
    items: list[Due] = field(default_factory=list)


@dataclass
class Calendar:
    """Overdue items, then each of the next ``MONTHS_AHEAD`` months (empty ones included)."""

    overdue: list[Due]
    months: list[Month]
    later: int


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def renewals_calendar(agreements: Iterable[Agreement], *, today: dt.date) -> Calendar:
    """Group the end dates of agreements in force or in draft by month from ``today``.

    An end date before ``today`` is overdue (the agreement is still recorded as running);
    one after the last month shown is counted in ``later``.
    """
    start = today.replace(day=1)
    months = [Month(_add_months(start, n)) for n in range(MONTHS_AHEAD)]
    by_month = {m.first_day: m for m in months}
    overdue: list[Due] = []
    later = 0
    running = {Agreement.Status.ACTIVE, Agreement.Status.DRAFT}
    for agreement in sorted(agreements, key=lambda a: (a.end_date, a.reference)):
        if agreement.status not in running:
            continue
        due = Due(agreement, agreement.end_date, (agreement.end_date - today).days)
        if due.on < today:
            overdue.append(due)
        elif (month := by_month.get(due.on.replace(day=1))) is not None:
            month.items.append(due)
        else:
            later += 1
    return Calendar(overdue=overdue, months=months, later=later)
