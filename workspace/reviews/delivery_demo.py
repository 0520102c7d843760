"""The demo council's sourcing records and agreements for every cycle its reviews judge.

The sourcing demo records how one cycle of each programme was secured, and the contracts demo
holds the agreements in force since April 2024 with their returns. So that the Review stage
can assemble each cycle's cost, process and delivery evidence from the areas, this module
adds, for every cycle of Kingsmere's five programmes (fictional, like everything in the
demo):

- a **sourcing record** with its transaction costs where the cycle has none: the route of the
  review's story, the staff days before the award equal to the story's procurement effort,
  the rest as contract monitoring, and the story's external costs;
- an **agreement** whose quarterly payments, added to those already recorded under the
  programme's agreements, make up the story's spend in each of the cycle's financial years;
  with an external provider, it carries a *service users* KPI (people starting the service)
  whose accepted quarterly returns add up to the story's service users each year, and two
  more KPIs (satisfaction and upheld complaints) as the Procurement Act asks of large
  contracts.

Everything goes through the sourcing and contracts services, so the audit trail holds it.
Agreements that have run their term are marked expired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from workspace.audit.services import audit_record, snapshot
from workspace.contracts import services as contracts
from workspace.contracts.demo import _provider
from workspace.contracts.models import KPI, Agreement, Payment, add_months
from workspace.cycles.models import Cycle, Programme
from workspace.reviews.delivery import SERVICE_USERS_UNIT, cycle_years
from workspace.sourcing import services as sourcing
from workspace.sourcing.models import Sourcing

DAY_RATE = Decimal(320)
PER_BID_SOURCE = (
    "Assumed: five days of a bid writer and a manager at £600 a day, from Kingsmere's own "
    "survey of local providers (fictional)."
)


@dataclass(frozen=True)
class Delivery:
    """How one cycle was secured and delivered: route, agreement kind, payment, provider."""

    reference: str
    route: str  # used only where the sourcing demo has no record for the cycle
    kind: str
    payment: str
    provider: tuple[str, str] | None  # slug, name; None for in-house
    bids: int = 0


C, G, IH, P = (
    Agreement.Kind.CONTRACT,
    Agreement.Kind.GRANT,
    Agreement.Kind.IN_HOUSE,
    Agreement.Kind.PARTNERSHIP,
)
TRUST = ("kingsmere-community-health", "Kingsmere Community Health NHS Trust (fictional)")
DELIVERIES: dict[str, tuple[Delivery, ...]] = {
    "Adult home care": (
        Delivery(
            "KBC-ASC-C1",
            "pa23_open",
            C,
            Agreement.Payment.SPOT,
            ("carewell-homecare", "Carewell Homecare Ltd"),
            9,
        ),
        Delivery(
            "KBC-ASC-C2",
            "pa23_open",
            C,
            Agreement.Payment.OUTCOME,
            ("kingsmere-community-care", "Kingsmere Community Care CIC"),
        ),
        Delivery("KBC-ASC-C3", "partnership", P, Agreement.Payment.BLOCK, TRUST),
    ),
    "Drug and alcohol treatment": (
        Delivery(
            "KBC-PH-C1",
            "pa23_competitive_flexible",
            C,
            Agreement.Payment.BLOCK,
            ("pathways-recovery", "Pathways Recovery CIC"),
            4,
        ),
        Delivery(
            "KBC-PH-C2",
            "pa23_open",
            C,
            Agreement.Payment.BLOCK,
            ("pathways-recovery", "Pathways Recovery CIC"),
        ),
        Delivery("KBC-PH-C3", "partnership", P, Agreement.Payment.BLOCK, TRUST),
    ),
    "0–19 public health nursing": (
        Delivery("KBC-PH19-C1", "pa23_open", C, Agreement.Payment.BLOCK, TRUST, 2),
        Delivery("KBC-PH19-C2", "in_house_sla", IH, Agreement.Payment.BLOCK, None),
    ),
    "Domestic abuse support": (
        Delivery(
            "KBC-CS-C1",
            "grant",
            G,
            Agreement.Payment.BLOCK,
            ("harbour-refuge", "Harbour Refuge Trust"),
            1,
        ),
        Delivery(
            "KBC-CS-C2",
            "grant",
            G,
            Agreement.Payment.BLOCK,
            ("harbour-refuge", "Harbour Refuge Trust"),
        ),
        Delivery(
            "KBC-CS-C3",
            "",
            G,
            Agreement.Payment.BLOCK,
            ("harbour-refuge", "Harbour Refuge Trust"),
        ),
    ),
    "Homelessness prevention": (
        Delivery(
            "KBC-HOU-C1",
            "grant",
            G,
            Agreement.Payment.BLOCK,
            ("kingsmere-housing-advice", "Kingsmere Housing Advice CIC"),
            3,
        ),
        Delivery(
            "KBC-HOU-C2",
            "partnership",
            P,
            Agreement.Payment.BLOCK,
            ("kingsmere-homes", "Kingsmere Homes Housing Association (fictional)"),
        ),
    ),
}
"""Per programme, per cycle in order. A route of ``""`` leaves the cycle without a record."""


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _split(total: float, shares: tuple[float, ...]) -> list[Decimal]:
    """``total`` split by ``shares`` in whole units, the last part taking the rounding."""
    parts = [Decimal(round(total * share)) for share in shares[:-1]]
    return [*parts, Decimal(round(total)) - sum(parts, Decimal(0))]


def _sourcing(
    cycle: Cycle, story: Any, delivery: Delivery, value: float, users: dict[str, User]
) -> None:
    """A sourcing record with the story's transaction costs (if the cycle has none)."""
    if not delivery.route or Sourcing.objects.filter(cycle=cycle).exists():
        return
    planned = cycle.started_at.date() + dt.timedelta(days=30)
    record = sourcing.sourcing_create(
        actor=users["procurement"],
        cycle=cycle,
        title=story.delivery_model,
        route=delivery.route,
        rationale=f"{story.sourcing_route}, as the options appraisal recommended.",
        contract_value=Decimal(round(value)),
        planned_on=planned,
        at=_at(planned),
    )
    procurement = float(story.effort[2])
    before = _split(procurement, (0.15, 0.3, 0.35, 0.2))
    monitoring = Decimal(round(max(story.staff_days - procurement, 0.0)))
    external = _split(story.external_costs, (0.7, 0.3))
    sourcing.costs_save(
        actor=users["finance"],
        sourcing=record,
        day_rate=DAY_RATE,
        per_bid_cost=Decimal(3_000),
        per_bid_cost_source=PER_BID_SOURCE,
        expected_saving_percent=Decimal(2),
        staff_days={
            "market_engagement_days": before[0],
            "specification_days": before[1],
            "evaluation_days": before[2],
            "legal_days": before[3],
            "monitoring_days": monitoring,
        },
        external={"legal_external": external[0], "evaluation_external": external[1]},
        bids_received=delivery.bids,
        at=_at(planned),
    )


def _paid(programme: Programme, year: int) -> Decimal:
    """What the programme's agreements already paid in the financial year starting ``year``."""
    total = Payment.objects.filter(
        agreement__programme=programme,
        paid_on__gte=dt.date(year, 4, 1),
        paid_on__lte=dt.date(year + 1, 3, 31),
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


KPIS = (
    ("People starting the service", SERVICE_USERS_UNIT, KPI.Kind.COUNT, "higher_is_better"),
    ("Service users satisfied with their support", "%", KPI.Kind.PROPORTION, "higher_is_better"),
    ("Complaints upheld", "complaints", KPI.Kind.COUNT, "lower_is_better"),
)


def _kpis(agreement: Agreement, service_users: float, actor: User) -> list[KPI]:
    targets = (round(service_users / 4 * 0.95), 85, 3)
    found = []
    for (name, unit, kind, polarity), target in zip(KPIS, targets, strict=True):
        found.append(
            contracts.kpi_add(
                actor=actor,
                agreement=agreement,
                name=name,
                unit=unit,
                kind=kind,
                polarity=polarity,
                target=Decimal(target),
                minimum=Decimal(0),
                maximum=Decimal(100) if unit == "%" else None,
                multiplier=100 if kind == KPI.Kind.PROPORTION else 1,
            )
        )
    return found


def _returns(
    agreement: Agreement,
    kpis: list[KPI],
    *,
    service_users: float,
    years: list[int],
    provider: User,
    commissioner: User,
) -> None:
    """Accepted quarterly returns whose service users add up to the story's each year."""
    rng = np.random.default_rng(sum(map(ord, agreement.reference)))
    for year in years:
        starters = _split(service_users, (0.24, 0.26, 0.25, 0.25))
        for quarter in range(4):
            start = add_months(dt.date(year, 4, 1), 3 * quarter)
            end = add_months(start, 3) - dt.timedelta(days=1)
            asked = int(rng.integers(180, 240))
            entries = {
                kpis[0].pk: {"value": str(starters[quarter])},
                kpis[1].pk: {
                    "numerator": str(int(rng.binomial(asked, 0.86))),
                    "denominator": str(asked),
                },
                kpis[2].pk: {"value": str(int(rng.poisson(2.5)))},
            }
            sent = _at(end + dt.timedelta(days=10))
            ret = contracts.return_save(
                actor=provider,
                agreement=agreement,
                period_start=start,
                entries=entries,
                spend="0",
                activity="Service delivered as agreed.",
                narrative="A steady quarter.",
                submit=True,
                at=sent,
            )
            contracts.return_accept(actor=commissioner, ret=ret, at=sent + dt.timedelta(days=4))


def _expire(agreement: Agreement, actor: User) -> None:
    before = snapshot(agreement)
    agreement.status = Agreement.Status.EXPIRED
    agreement.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="recorded expiry",
        target=agreement,
        organisation=agreement.programme.organisation,
        before=before,
        after=snapshot(agreement),
    )


def _agreement(
    cycle: Cycle,
    story: Any,
    delivery: Delivery,
    spend: dict[int, float],
    users: dict[str, User],
) -> None:
    """The agreement that makes up the cycle's spend, with its payments and returns."""
    programme = cycle.programme
    commissioner = users["commissioner"]
    earliest, latest = cycle_years(cycle, timezone.localdate())
    spend = {year: amount for year, amount in spend.items() if earliest <= year <= latest}
    owed = {year: Decimal(round(amount)) - _paid(programme, year) for year, amount in spend.items()}
    first, last = min(spend), max(spend)
    provider, provider_user = (None, None)
    if delivery.provider is not None:
        provider, provider_user = _provider(*delivery.provider)
    agreement = contracts.agreement_create(
        actor=commissioner,
        programme=programme,
        reference=delivery.reference,
        title=story.delivery_model,
        kind=delivery.kind,
        provider=provider,
        in_house_unit="" if provider else "Kingsmere 0–19 Public Health Nursing Service",
        value=sum(owed.values(), Decimal(0)),
        start_date=dt.date(first, 4, 1),
        end_date=dt.date(last + 1, 3, 31),
        payment_mechanism=delivery.payment,
        return_frequency=Agreement.Frequency.QUARTERLY,
        cycle=cycle,
        decision=cycle.decisions.order_by("decided_at").first(),
    )
    kpis = _kpis(agreement, story.service_users, commissioner)
    contracts.agreement_activate(actor=commissioner, agreement=agreement)
    for year, amount in owed.items():
        for quarter, part in enumerate(_split(float(amount), (0.25, 0.25, 0.25, 0.25))):
            paid_on = add_months(dt.date(year, 6, 28), 3 * quarter)
            contracts.payment_record(
                actor=commissioner,
                agreement=agreement,
                paid_on=paid_on,
                amount=part,
                reference=f"{delivery.reference}-{year}-Q{quarter + 1}",
            )
    if provider_user is not None:
        _returns(
            agreement,
            kpis,
            service_users=story.service_users,
            years=sorted(spend),
            provider=provider_user,
            commissioner=commissioner,
        )
    if agreement.end_date < timezone.localdate():
        _expire(agreement, commissioner)


def load_delivery_records(
    *,
    programme: Programme,
    stories: tuple[Any, ...],
    spend: list[dict[int, float]],
    users: dict[str, User],
    progress: Callable[[str], object] = print,
) -> None:
    """Sourcing records and agreements for each cycle of a demo programme (once)."""
    deliveries = DELIVERIES.get(programme.name, ())
    if (
        not deliveries
        or Agreement.objects.filter(programme=programme, reference=deliveries[0].reference).exists()
    ):
        return
    progress(f"Recording how {programme.name.lower()} was sourced and paid for…")
    cycles = list(programme.cycles.order_by("number"))
    with transaction.atomic():
        for cycle, story, delivery, by_year in zip(cycles, stories, deliveries, spend, strict=True):
            _sourcing(cycle, story, delivery, sum(by_year.values()), users)
            _agreement(cycle, story, delivery, by_year, users)
