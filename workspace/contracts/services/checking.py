"""The commissioning side's check of a submitted return: query, accept, override a rating.

Whoever sent a return (an in-house team member may also hold a commissioning role) never
checks it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from spiral.spc.ratings import RATING_LABELS
from workspace.audit.services import audit_record, snapshot
from workspace.contracts.models import KPI, RatingOverride, Return, ReturnQuery
from workspace.contracts.services.common import _lead, _now, _require_edit


def _check_not_sender(actor: User, ret: Return) -> None:
    """Whoever sent a return (an in-house team member may also hold a commissioning role)
    cannot be the one to check it."""
    if ret.versions.filter(saved_by=actor).exists():
        raise ValidationError(
            "You sent this return: someone else on the commissioning side must check it"
        )


def return_query(
    *, actor: User, ret: Return, message: str, at: dt.datetime | None = None
) -> ReturnQuery:
    """Send a submitted return back to the provider with a question."""
    _require_edit(actor, ret.agreement)
    _check_not_sender(actor, ret)
    if not message.strip():
        raise ValidationError({"message": "Enter your question for the provider"})
    with transaction.atomic():
        ret = Return.objects.select_for_update().get(pk=ret.pk)
        if ret.status != Return.Status.SUBMITTED:
            raise ValidationError({"message": "Only a submitted return can be queried"})
        version = ret.latest_submitted()
        assert version is not None
        query = ReturnQuery.objects.create(
            ret=ret, version=version, message=message.strip(), raised_by=actor, raised_at=_now(at)
        )
        before = snapshot(ret)
        ret.status = Return.Status.QUERIED
        ret.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="queried return",
            target=ret,
            organisation=_lead(ret.agreement),
            before=before,
            after={**snapshot(ret), "query": query.message},
        )
    return query


def return_accept(*, actor: User, ret: Return, at: dt.datetime | None = None) -> Return:
    """Accept a submitted return: its latest version is the period's figures."""
    _require_edit(actor, ret.agreement)
    _check_not_sender(actor, ret)
    with transaction.atomic():
        ret = Return.objects.select_for_update().get(pk=ret.pk)
        if ret.status != Return.Status.SUBMITTED:
            raise ValidationError("Only a submitted return can be accepted")
        before = snapshot(ret)
        ret.status = Return.Status.ACCEPTED
        ret.accepted_at = _now(at)
        ret.accepted_by = actor
        ret.save(update_fields=["status", "accepted_at", "accepted_by"])
        audit_record(
            actor=actor,
            action="accepted return",
            target=ret,
            organisation=_lead(ret.agreement),
            before=before,
            after=snapshot(ret),
        )
    return ret


def rating_override(
    *, actor: User, kpi: KPI, ret: Return, rating: str, reason: str, at: dt.datetime | None = None
) -> RatingOverride:
    """Replace the derived rating of one KPI in one period, with a reason."""
    _require_edit(actor, kpi.agreement)
    errors: dict[str, str] = {}
    if ret.agreement_id != kpi.agreement_id:
        errors["rating"] = "The KPI and the return belong to different agreements"
    if rating not in RATING_LABELS:
        errors["rating"] = "Choose a rating"
    if not reason.strip():
        errors["reason"] = "Enter the reason for overriding the rating"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        override = RatingOverride.objects.create(
            kpi=kpi, ret=ret, rating=rating, reason=reason.strip(), made_by=actor, made_at=_now(at)
        )
        audit_record(
            actor=actor,
            action="overrode rating",
            target=override,
            organisation=_lead(kpi.agreement),
            after=snapshot(override),
        )
    return override
