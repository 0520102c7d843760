"""What an agreement holds its provider to: its KPIs and its milestones, and meeting them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from workspace.audit.services import audit_record, snapshot
from workspace.contracts.models import KPI, Agreement, Milestone
from workspace.contracts.services.common import _lead, _require_edit


def kpi_add(
    *,
    actor: User,
    agreement: Agreement,
    name: str,
    unit: str,
    kind: str,
    polarity: str,
    target: Decimal | None,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    multiplier: int = 1,
) -> KPI:
    """Add a KPI to an agreement."""
    _require_edit(actor, agreement)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the KPI's name"
    if not unit.strip():
        errors["unit"] = "Enter the KPI's unit, for example % or days"
    if kind not in KPI.Kind.values:
        errors["kind"] = "Choose what kind of figure the KPI is"
    if polarity not in KPI.Polarity.values:
        errors["polarity"] = "Choose which direction is better"
    if minimum is not None and maximum is not None and minimum > maximum:
        errors["maximum"] = "The largest allowed value must not be below the smallest"
    if target is not None:
        if minimum is not None and target < minimum:
            errors["target"] = "The target is below the smallest allowed value"
        if maximum is not None and target > maximum:
            errors["target"] = "The target is above the largest allowed value"
    if multiplier < 1:
        errors["multiplier"] = "The multiplier must be 1 or more"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        position = (agreement.kpis.aggregate(top=Max("position"))["top"] or 0) + 1
        kpi = KPI.objects.create(
            agreement=agreement,
            name=name.strip(),
            unit=unit.strip(),
            kind=kind,
            polarity=polarity,
            target=target,
            minimum=minimum,
            maximum=maximum,
            multiplier=multiplier,
            position=position,
        )
        audit_record(
            actor=actor,
            action="added KPI",
            target=kpi,
            organisation=_lead(agreement),
            after=snapshot(kpi),
        )
    return kpi


def milestone_add(*, actor: User, agreement: Agreement, title: str, due_date: dt.date) -> Milestone:
    """Add a milestone to an agreement."""
    _require_edit(actor, agreement)
    if not title.strip():
        raise ValidationError({"title": "Enter the milestone"})
    with transaction.atomic():
        milestone = Milestone.objects.create(
            agreement=agreement, title=title.strip(), due_date=due_date
        )
        audit_record(
            actor=actor,
            action="added milestone",
            target=milestone,
            organisation=_lead(agreement),
            after=snapshot(milestone),
        )
    return milestone


def milestone_complete(
    *, actor: User, milestone: Milestone, note: str = "", on: dt.date | None = None
) -> Milestone:
    """Mark a milestone as met: by whom, on which day (today unless given) and a note.

    Only the agreement's editors may; a milestone already met cannot be met again.
    """
    _require_edit(actor, milestone.agreement)
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.met_on is not None:
            raise ValidationError("This milestone has already been met")
        before = snapshot(locked)
        locked.met_on = on if on is not None else timezone.localdate()
        locked.met_by = actor
        locked.met_note = note.strip()
        locked.save(update_fields=["met_on", "met_by", "met_note"])
        audit_record(
            actor=actor,
            action="met milestone",
            target=locked,
            organisation=_lead(locked.agreement),
            before=before,
            after=snapshot(locked),
        )
    return locked
