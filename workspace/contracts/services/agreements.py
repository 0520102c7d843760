"""Agreements: recording one, putting it into force, publishing it and changing it.

A change is a modification, an extension or a termination, recorded with its reason; the
agreement's value, end date and status follow from it in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from workspace.accounts.access import Capability, has_capability
from workspace.accounts.models import Organisation
from workspace.audit.services import audit_record, snapshot
from workspace.contracts.models import (
    MINIMUM_KPIS_ABOVE_THRESHOLD,
    PROCUREMENT_ACT_KPI_THRESHOLD,
    Agreement,
    ContractChange,
)
from workspace.contracts.services.common import _lead, _require_edit
from workspace.cycles.models import Cycle, Decision, Programme


def agreement_create(  # noqa: PLR0912 - an agreement has many terms and rules
    *,
    actor: User,
    programme: Programme,
    reference: str,
    title: str,
    kind: str,
    provider: Organisation | None,
    in_house_unit: str = "",
    value: Decimal,
    start_date: dt.date,
    end_date: dt.date,
    payment_mechanism: str,
    return_frequency: str = Agreement.Frequency.MONTHLY,
    description: str = "",
    extension_options: str = "",
    extension_months_available: int = 0,
    break_clauses: str = "",
    cycle: Cycle | None = None,
    decision: Decision | None = None,
    published: bool = False,
    value_confidential: bool = False,
    confidential_notes: str = "",
) -> Agreement:
    """Record a new agreement (in draft until its KPIs are set and it is activated)."""
    if not any(has_capability(actor, org, Capability.EDIT) for org in programme.organisations()):
        raise PermissionDenied("You cannot add agreements to this programme.")
    errors: dict[str, str] = {}
    if not reference.strip():
        errors["reference"] = "Enter the agreement's reference"
    elif Agreement.objects.filter(programme=programme, reference=reference.strip()).exists():
        errors["reference"] = "Another agreement of this programme has this reference"
    if not title.strip():
        errors["title"] = "Enter the agreement's title"
    if kind not in Agreement.Kind.values:
        errors["kind"] = "Choose the kind of agreement"
    if kind == Agreement.Kind.IN_HOUSE:
        if provider is not None:
            errors["provider"] = "An in-house agreement has no external provider"
        if not in_house_unit.strip():
            errors["in_house_unit"] = "Enter the in-house team that delivers the service"
    elif provider is None:
        errors["provider"] = "Choose the provider"
    elif provider.kind != Organisation.Kind.PROVIDER:
        errors["provider"] = "The provider must be a provider organisation"
    if value <= 0:
        errors["value"] = "The value must be more than £0"
    if end_date <= start_date:
        errors["end_date"] = "The end date must be after the start date"
    if payment_mechanism not in Agreement.Payment.values:
        errors["payment_mechanism"] = "Choose how the agreement pays"
    if cycle is not None and cycle.programme_id != programme.pk:
        errors["cycle"] = "The cycle must belong to the same programme"
    if decision is not None and decision.cycle.programme_id != programme.pk:
        errors["decision"] = "The decision must belong to the same programme"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            programme=programme,
            cycle=cycle,
            decision=decision,
            reference=reference.strip(),
            title=title.strip(),
            description=description,
            kind=kind,
            provider=provider,
            in_house_unit=in_house_unit.strip(),
            value=value,
            start_date=start_date,
            end_date=end_date,
            payment_mechanism=payment_mechanism,
            return_frequency=return_frequency,
            extension_options=extension_options,
            extension_months_available=extension_months_available,
            break_clauses=break_clauses,
            published=published,
            value_confidential=value_confidential,
            confidential_notes=confidential_notes,
        )
        audit_record(
            actor=actor,
            action="created agreement",
            target=agreement,
            organisation=programme.organisation,
            after=snapshot(agreement),
        )
    return agreement


def agreement_activate(*, actor: User, agreement: Agreement) -> Agreement:
    """Put a draft agreement into force; from then its provider sends returns.

    An agreement needs at least one KPI, and one worth more than £5 million at least three
    (Procurement Act 2023, s.52(1)).
    """
    _require_edit(actor, agreement)
    if agreement.status != Agreement.Status.DRAFT:
        raise ValidationError("Only a draft agreement can be put into force")
    count = agreement.kpis.count()
    if agreement.value > PROCUREMENT_ACT_KPI_THRESHOLD and count < MINIMUM_KPIS_ABOVE_THRESHOLD:
        raise ValidationError(
            {
                "kpis": (
                    f"A contract worth more than £5 million needs at least "
                    f"{MINIMUM_KPIS_ABOVE_THRESHOLD} KPIs (Procurement Act 2023, section 52); "
                    f"this one has {count}"
                )
            }
        )
    if count == 0:
        raise ValidationError({"kpis": "Add at least one KPI before putting it into force"})
    with transaction.atomic():
        before = snapshot(agreement)
        agreement.status = Agreement.Status.ACTIVE
        agreement.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="put agreement into force",
            target=agreement,
            organisation=_lead(agreement),
            before=before,
            after=snapshot(agreement),
        )
    return agreement


def agreement_publish(
    *, actor: User, agreement: Agreement, published: bool, value_confidential: bool
) -> Agreement:
    """Choose whether the agreement appears on the public register, and whether its value."""
    _require_edit(actor, agreement)
    with transaction.atomic():
        before = snapshot(agreement)
        agreement.published = published
        agreement.value_confidential = value_confidential
        agreement.save(update_fields=["published", "value_confidential"])
        audit_record(
            actor=actor,
            action="changed publication",
            target=agreement,
            organisation=_lead(agreement),
            before=before,
            after=snapshot(agreement),
        )
    return agreement


def agreement_change(
    *,
    actor: User,
    agreement: Agreement,
    kind: str,
    effective_on: dt.date,
    reason: str,
    value_change: Decimal = Decimal(0),
    new_end_date: dt.date | None = None,
) -> ContractChange:
    """Record a modification, an extension or a termination, with its reason."""
    _require_edit(actor, agreement)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Enter the reason for the change"
    if agreement.status == Agreement.Status.TERMINATED:
        errors["kind"] = "This agreement has been terminated"
    if kind == ContractChange.Kind.EXTENSION:
        if new_end_date is None or new_end_date <= agreement.end_date:
            errors["new_end_date"] = (
                f"An extension needs a new end date after {agreement.end_date:%d %B %Y}"
            )
    elif kind == ContractChange.Kind.TERMINATION:
        if effective_on < agreement.start_date:
            errors["effective_on"] = "A termination cannot take effect before the start date"
    elif kind != ContractChange.Kind.MODIFICATION:
        errors["kind"] = "Choose the kind of change"
    if agreement.value + value_change <= 0:
        errors["value_change"] = "The change would leave the agreement with no value"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(agreement)
        change = ContractChange.objects.create(
            agreement=agreement,
            kind=kind,
            effective_on=effective_on,
            reason=reason.strip(),
            value_change=value_change,
            new_end_date=new_end_date,
            recorded_by=actor,
        )
        agreement.value += value_change
        if kind == ContractChange.Kind.EXTENSION and new_end_date is not None:
            agreement.end_date = new_end_date
        if kind == ContractChange.Kind.TERMINATION:
            agreement.status = Agreement.Status.TERMINATED
            agreement.terminated_on = effective_on
            agreement.termination_reason = reason.strip()
        agreement.save()
        audit_record(
            actor=actor,
            action=f"recorded {change.get_kind_display().lower()}",
            target=agreement,
            organisation=_lead(agreement),
            before=before,
            after={**snapshot(agreement), "change": snapshot(change)},
        )
    return change
