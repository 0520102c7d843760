"""Fixtures for contracts: an agreement held by Brightwater (the cast's provider), and a
second provider organisation with its own person and agreement, for the isolation tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from tests.workspace.cycles.conftest import cycle, frameworks, programme  # noqa: F401
from workspace.accounts.models import Membership, Organisation, Role
from workspace.contracts import services
from workspace.contracts.models import KPI, Agreement
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast

START = dt.date(2024, 1, 1)


def make_agreement(
    cast: Cast,
    owner: Programme,
    provider: Organisation,
    reference: str,
) -> Agreement:
    commissioner = cast.users["commissioner"]
    agreement = services.agreement_create(
        actor=commissioner,
        programme=owner,
        reference=reference,
        title=f"Home care {reference}",
        kind=Agreement.Kind.CONTRACT,
        provider=provider,
        value=Decimal("1200000"),
        start_date=START,
        end_date=dt.date(2026, 12, 31),
        payment_mechanism=Agreement.Payment.BLOCK,
        published=True,
    )
    services.kpi_add(
        actor=commissioner,
        agreement=agreement,
        name="Visits on time",
        unit="%",
        kind=KPI.Kind.PROPORTION,
        polarity="higher_is_better",
        target=Decimal(95),
        minimum=Decimal(0),
        maximum=Decimal(100),
        multiplier=100,
    )
    services.kpi_add(
        actor=commissioner,
        agreement=agreement,
        name="Waiting days",
        unit="days",
        kind=KPI.Kind.MEASURE,
        polarity="lower_is_better",
        target=Decimal(5),
        minimum=Decimal(0),
        maximum=Decimal(60),
    )
    services.agreement_activate(actor=commissioner, agreement=agreement)
    return agreement


def good_entries(agreement: Agreement, on_time: int = 90, days: str = "4.5") -> dict[int, dict]:
    proportion, measure = list(agreement.kpis.all())
    return {
        proportion.pk: {"numerator": str(on_time), "denominator": "100"},
        measure.pk: {"value": days},
    }


@dataclass
class Contracts:
    agreement: Agreement
    other: Agreement
    other_provider: Organisation
    other_user: User


@pytest.fixture
def contracts(cast: Cast, programme: Programme) -> Contracts:  # noqa: F811
    other_provider = Organisation.objects.create(
        name="Elsewhere Care Ltd", slug="elsewhere", kind=Organisation.Kind.PROVIDER
    )
    other_user = User.objects.create(username="eve.other", email="eve@example.org")
    Membership.objects.create(user=other_user, organisation=other_provider, role=Role.PROVIDER)
    agreement = make_agreement(cast, programme, cast.organisations["provider"], "HC-1")
    other = make_agreement(cast, programme, other_provider, "HC-2")
    return Contracts(agreement, other, other_provider, other_user)


def make_in_house(cast: Cast, owner: Programme, reference: str = "IH-1") -> Agreement:
    """An in-house agreement in force, with one KPI and nobody yet named to send returns."""
    commissioner = cast.users["commissioner"]
    agreement = services.agreement_create(
        actor=commissioner,
        programme=owner,
        reference=reference,
        title="0-19 public health nursing",
        kind=Agreement.Kind.IN_HOUSE,
        provider=None,
        in_house_unit="Kingsmere 0-19 Public Health Nursing Service",
        value=Decimal("800000"),
        start_date=START,
        end_date=dt.date(2026, 12, 31),
        payment_mechanism=Agreement.Payment.BLOCK,
    )
    services.kpi_add(
        actor=commissioner,
        agreement=agreement,
        name="Visits by 14 days",
        unit="%",
        kind=KPI.Kind.PROPORTION,
        polarity="higher_is_better",
        target=Decimal(90),
        minimum=Decimal(0),
        maximum=Decimal(100),
        multiplier=100,
    )
    services.agreement_activate(actor=commissioner, agreement=agreement)
    return agreement
