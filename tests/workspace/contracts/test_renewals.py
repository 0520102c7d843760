"""The renewals calendar: end dates grouped by month for 24 months, overdue ones first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tests.workspace.contracts.conftest import Contracts
from workspace.contracts.models import Agreement
from workspace.contracts.renewals import MONTHS_AHEAD, renewals_calendar

pytestmark = pytest.mark.django_db


def test_end_dates_fall_in_their_month_and_past_ones_are_overdue(contracts: Contracts) -> None:
    one, two = contracts.agreement, contracts.other
    Agreement.objects.filter(pk=two.pk).update(end_date=dt.date(2027, 3, 15))
    two.refresh_from_db()
    calendar = renewals_calendar([one, two], today=dt.date(2026, 11, 20))
    assert [m.first_day for m in calendar.months][:3] == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    ]
    assert len(calendar.months) == MONTHS_AHEAD
    assert calendar.months[-1].first_day == dt.date(2028, 10, 1)
    assert [d.agreement for d in calendar.months[1].items] == [one]
    assert calendar.months[1].items[0].days == 41
    assert [d.agreement for d in calendar.months[4].items] == [two]
    assert calendar.overdue == []
    later = renewals_calendar([one, two], today=dt.date(2027, 1, 10))
    assert [(d.agreement, d.days) for d in later.overdue] == [(one, -10)]
    beyond = renewals_calendar([one, two], today=dt.date(2020, 1, 1))
    assert beyond.later == 2
    assert all(not m.items for m in beyond.months)


def test_ended_agreements_are_left_out(contracts: Contracts) -> None:
    Agreement.objects.filter(pk=contracts.other.pk).update(status=Agreement.Status.TERMINATED)
    contracts.other.refresh_from_db()
    calendar = renewals_calendar([contracts.agreement, contracts.other], today=dt.date(2026, 1, 1))
    due = [d.agreement for m in calendar.months for d in m.items]
    assert due == [contracts.agreement]


def test_the_calendar_page_puts_overdue_first_then_a_table_per_month(
    contracts: Contracts, client_for: Callable[[str | None], Client]
) -> None:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=60)
    Agreement.objects.filter(pk=contracts.agreement.pk).update(end_date=soon)
    Agreement.objects.filter(pk=contracts.other.pk).update(end_date=today - dt.timedelta(days=5))
    page = client_for("commissioner").get("/contracts/renewals/").content.decode()
    overdue = page.index('data-testid="renewals-overdue"')
    month = page.index(f'data-testid="renewals-{soon:%Y-%m}"')
    assert page.index(">Overdue</h2>") < overdue < page.index(today.strftime("%B %Y")) < month
    assert overdue < page.index("HC-2") < month < page.index("HC-1")
    assert soon.strftime("%B %Y") in page
