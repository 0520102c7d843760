"""The demo council's contracts: agreements for its programmes and two and a half years of returns.

Everything is fictional. Four services show four patterns a commissioner meets: home care
improving (visits on time rising month by month), drug and alcohol treatment stable, domestic
abuse support with a special cause (a spell of long waits when staff left), and homelessness
prevention failing its target throughout. Figures are generated from a fixed seed, so every
load of the demo is the same; everything goes through the services and the audit trail.
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
from django.utils import timezone

from workspace.accounts.models import Membership, Organisation, Role
from workspace.audit.services import audit_record, snapshot
from workspace.contracts import services
from workspace.contracts.models import KPI, Agreement, add_months
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast

START = dt.date(2024, 4, 1)
MONTHS = 30


@dataclass(frozen=True)
class KPISpec:
    name: str
    unit: str
    kind: str
    polarity: str
    target: float
    minimum: float | None
    maximum: float | None
    multiplier: int = 1


@dataclass(frozen=True)
class AgreementSpec:
    programme: str
    reference: str
    title: str
    kind: str
    provider: tuple[str, str] | None  # slug, name
    value: int
    years: int
    payment: str
    kpis: tuple[KPISpec, ...]
    pattern: str  # improving, stable, special_cause, failing, none


PCT = (0.0, 100.0)
SPECS: tuple[AgreementSpec, ...] = (
    AgreementSpec(
        "Adult home care",
        "KBC-ASC-0417",
        "Home care: north and rural lots",
        Agreement.Kind.CONTRACT,
        ("brightwater", "Brightwater Home Care Ltd"),
        6_200_000,
        3,
        Agreement.Payment.COST_AND_VOLUME,
        (
            KPISpec("Visits on time", "%", KPI.Kind.PROPORTION, "higher_is_better", 95, *PCT, 100),
            KPISpec(
                "Hours of care delivered",
                "hours",
                KPI.Kind.COUNT,
                "higher_is_better",
                9000,
                0,
                None,
            ),
            KPISpec(
                "Missed visits",
                "per 1,000 visits",
                KPI.Kind.RATE,
                "lower_is_better",
                2,
                None,
                None,
                1000,
            ),
        ),
        "improving",
    ),
    AgreementSpec(
        "Drug and alcohol treatment",
        "KBC-PH-0212",
        "Community drug and alcohol recovery service",
        Agreement.Kind.CONTRACT,
        ("pathways-recovery", "Pathways Recovery CIC"),
        3_400_000,
        3,
        Agreement.Payment.BLOCK,
        (
            KPISpec(
                "Successful completions",
                "%",
                KPI.Kind.PROPORTION,
                "higher_is_better",
                20,
                *PCT,
                100,
            ),
        ),
        "stable",
    ),
    AgreementSpec(
        "Domestic abuse support",
        "KBC-CS-0088",
        "Domestic abuse outreach and refuge grant",
        Agreement.Kind.GRANT,
        ("harbour-refuge", "Harbour Refuge Trust"),
        900_000,
        3,
        Agreement.Payment.BLOCK,
        (
            KPISpec(
                "Days from referral to first contact",
                "days",
                KPI.Kind.MEASURE,
                "lower_is_better",
                5,
                0,
                60,
            ),
        ),
        "special_cause",
    ),
    AgreementSpec(
        "Homelessness prevention",
        "KBC-HOU-0131",
        "Housing advice and prevention service",
        Agreement.Kind.CONTRACT,
        ("kingsmere-housing-advice", "Kingsmere Housing Advice CIC"),
        1_250_000,
        3,
        Agreement.Payment.OUTCOME,
        (
            KPISpec(
                "Households whose homelessness was prevented",
                "%",
                KPI.Kind.PROPORTION,
                "higher_is_better",
                60,
                *PCT,
                100,
            ),
        ),
        "failing",
    ),
    AgreementSpec(
        "0–19 public health nursing",
        "KBC-PH-SLA-01",
        "Health visiting and school nursing (in-house)",
        Agreement.Kind.IN_HOUSE,
        None,
        4_100_000,
        3,
        Agreement.Payment.BLOCK,
        (
            KPISpec(
                "New birth visits within 14 days",
                "%",
                KPI.Kind.PROPORTION,
                "higher_is_better",
                90,
                *PCT,
                100,
            ),
        ),
        "none",
    ),
)


CHANGES: dict[str, tuple[tuple[str, int, str], ...]] = {
    "KBC-HOU-0131": (
        (
            "modification",
            6,
            "Rapid rehousing added to the service as the night shelter winds down, as the "
            "review recommended.",
        ),
    ),
}
"""Changes to agreements (reference → kind, months after the start, reason)."""


def _provider(slug: str, name: str) -> tuple[Organisation, User]:
    """The provider organisation and one person who sends its returns."""
    organisation, created = Organisation.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "kind": Organisation.Kind.PROVIDER, "is_fictional": True},
    )
    if created:
        audit_record(
            actor=None,
            action="created organisation",
            target=organisation,
            organisation=organisation,
            after=snapshot(organisation),
        )
    member = (
        Membership.objects.filter(organisation=organisation, role=Role.PROVIDER)
        .select_related("user")
        .first()
    )
    if member is not None:
        return organisation, member.user
    user = User.objects.create(
        username=f"returns.{slug}",
        first_name="Returns",
        last_name=name,
        email=f"returns@{slug}.example.org",
    )
    user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(user=user, organisation=organisation, role=Role.PROVIDER)
    audit_record(
        actor=None,
        action="granted role",
        target=membership,
        organisation=organisation,
        after=snapshot(membership),
    )
    return organisation, user


def _figures(pattern: str, kpi: KPISpec, month: int, rng: np.random.Generator) -> dict[str, str]:
    """One month's figures for one KPI, following the service's story."""
    if kpi.kind == KPI.Kind.PROPORTION:
        n = int(rng.integers(380, 460))
        share = {
            "improving": 0.86 + 0.11 * min(month, 24) / 24,
            "stable": 0.21,
            "failing": 0.46,
            "none": 0.91,
        }.get(pattern, 0.5)
        hits = int(rng.binomial(n, min(share, 0.995)))
        return {"numerator": str(hits), "denominator": str(n)}
    if kpi.kind == KPI.Kind.RATE:
        visits = int(rng.integers(14000, 16000))
        rate = 4.0 - 2.4 * min(month, 24) / 24
        return {
            "numerator": str(int(rng.poisson(rate * visits / 1000))),
            "denominator": str(visits),
        }
    if kpi.kind == KPI.Kind.COUNT:
        return {"value": str(int(rng.normal(9400, 250)))}
    days = rng.normal(4.2, 0.6)
    if pattern == "special_cause" and 17 <= month <= 19:
        days += 9.0
    return {"value": f"{max(days, 0.5):.1f}"}


def _in_house_team_member(council: Organisation) -> User:
    """The (fictional) returns lead of the council's in-house nursing team."""
    user, created = User.objects.get_or_create(
        username=f"returns.{council.slug}-nursing",
        defaults={
            "first_name": "Nursing",
            "last_name": "Team Returns",
            "email": f"nursing.returns@{council.slug}.example.org",
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(user=user, organisation=council, role=Role.PROVIDER)
        audit_record(
            actor=None,
            action="granted role",
            target=membership,
            organisation=council,
            after=snapshot(membership),
        )
    return user


def _returns(
    agreement: Agreement, spec: AgreementSpec, provider_user: User, commissioner: User
) -> None:
    rng = np.random.default_rng(sum(map(ord, spec.reference)))
    kpis = list(agreement.kpis.all())
    monthly = agreement.value / Decimal(spec.years * 12)
    for month in range(MONTHS):
        start = add_months(START, month)
        end = add_months(START, month + 1) - dt.timedelta(days=1)
        due = end + dt.timedelta(days=agreement.return_due_days)
        sent = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=3), dt.time(10)))
        if month % 11 == 7:
            sent += dt.timedelta(days=9)
        entries = {
            k.pk: _figures(
                spec.pattern, KPISpec(k.name, k.unit, k.kind, k.polarity, 0, None, None), month, rng
            )
            for k in kpis
        }
        spend = (monthly * Decimal(str(round(rng.normal(1.0, 0.04), 3)))).quantize(Decimal("1"))
        services.return_save(
            actor=provider_user,
            agreement=agreement,
            period_start=start,
            entries=entries,
            spend=spend,
            activity="Service delivered as planned.",
            narrative=_narrative(spec.pattern, month),
            submit=True,
            at=sent,
        )
        services.payment_record(
            actor=commissioner,
            agreement=agreement,
            paid_on=due,
            amount=spend,
            reference=f"{spec.reference}-{start:%Y%m}",
        )
        ret = agreement.returns.get(period_start=start)
        if month == MONTHS - 1:
            continue  # the latest return awaits the commissioner
        if month == MONTHS - 4 and spec.pattern == "improving":
            services.return_query(
                actor=commissioner,
                ret=ret,
                message="Hours delivered look low against the rota: please check the figure.",
                at=sent + dt.timedelta(days=2),
            )
            services.return_save(
                actor=provider_user,
                agreement=agreement,
                period_start=start,
                entries=entries,
                spend=spend,
                activity="Service delivered as planned.",
                narrative=(
                    "Checked against the rota: the figure is right; two carers were on leave."
                ),
                submit=True,
                at=sent + dt.timedelta(days=4),
            )
        services.return_accept(actor=commissioner, ret=ret, at=sent + dt.timedelta(days=6))


def _narrative(pattern: str, month: int) -> str:
    if pattern == "special_cause" and 17 <= month <= 19:
        return "Two outreach workers left; referrals waited while we recruited."
    if pattern == "failing":
        return "Demand from private-rented evictions keeps rising; prevention is harder."
    if pattern == "improving":
        return "The new rota by locality keeps cutting travel time between visits."
    return "A steady month."


def load_contracts_demo(*, cast: Cast, progress: Callable[[str], object] = print) -> None:
    """Load the demo agreements and their returns (does nothing if they are there already)."""
    council = cast.organisations["council"]
    commissioner: Any = cast.users["commissioner"]
    progress("Loading contracts and two and a half years of returns…")
    for spec in SPECS:
        programme = Programme.objects.filter(organisation=council, name=spec.programme).first()
        if (
            programme is None
            or Agreement.objects.filter(programme=programme, reference=spec.reference).exists()
        ):
            continue
        with transaction.atomic():
            provider, user = (None, None)
            if spec.provider is not None:
                provider, user = _provider(*spec.provider)
            cycle = programme.current_cycle()
            decision = cycle.decisions.order_by("-decided_at").first() if cycle else None
            agreement = services.agreement_create(
                actor=commissioner,
                programme=programme,
                reference=spec.reference,
                title=spec.title,
                kind=spec.kind,
                provider=provider,
                in_house_unit="Kingsmere 0–19 Public Health Nursing Service"
                if spec.provider is None
                else "",
                value=Decimal(spec.value),
                start_date=START,
                end_date=add_months(START, spec.years * 12) - dt.timedelta(days=1),
                payment_mechanism=spec.payment,
                extension_options="One extension of up to 24 months at the council's option.",
                extension_months_available=24,
                break_clauses="Either party on six months' notice after the first year.",
                cycle=cycle,
                decision=decision,
                published=True,
                value_confidential=spec.pattern == "stable",
                confidential_notes="Pricing schedule: commercially confidential.",
            )
            for k in spec.kpis:
                services.kpi_add(
                    actor=commissioner,
                    agreement=agreement,
                    name=k.name,
                    unit=k.unit,
                    kind=k.kind,
                    polarity=k.polarity,
                    target=Decimal(str(k.target)),
                    minimum=None if k.minimum is None else Decimal(str(k.minimum)),
                    maximum=None if k.maximum is None else Decimal(str(k.maximum)),
                    multiplier=k.multiplier,
                )
            services.milestone_add(
                actor=commissioner,
                agreement=agreement,
                title="Mobilisation complete",
                due_date=START + dt.timedelta(days=60),
            )
            services.agreement_activate(actor=commissioner, agreement=agreement)
            for kind, months, reason in CHANGES.get(spec.reference, ()):
                services.agreement_change(
                    actor=commissioner,
                    agreement=agreement,
                    kind=kind,
                    effective_on=add_months(START, months),
                    reason=reason,
                )
            if user is None:
                # The in-house service's returns come from its own team, named on the
                # agreement: a council member whose role grants no commissioning rights.
                user = _in_house_team_member(programme.organisation)
                services.agreement_in_house_team_set(
                    actor=commissioner, agreement=agreement, members=[user]
                )
            _returns(agreement, spec, user, commissioner)
