"""Chasing missing returns: one email per provider and agreement, through Django's email."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from workspace.accounts.models import Membership, Role
from workspace.audit.services import audit_record
from workspace.contracts.models import Agreement, ReminderSent
from workspace.contracts.services import returns_outstanding


def returns_chase(*, today: dt.date, dry_run: bool = False) -> list[str]:
    """Email the provider users of every agreement with missing returns; return a line each.

    A period already chased today is not chased again. In-house agreements, and providers
    with nobody to write to, are listed but not emailed.
    """
    agreements = list(
        Agreement.objects.filter(status=Agreement.Status.ACTIVE).select_related(
            "provider", "programme__organisation"
        )
    )
    by_agreement: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for agreement, start, _end, due in returns_outstanding(agreements, today=today):
        if ReminderSent.objects.filter(
            agreement=agreement, period_start=start, sent_on=today
        ).exists():
            continue
        by_agreement.setdefault(agreement.pk, []).append((start, due))
    lines = []
    for agreement in agreements:
        missing = by_agreement.get(agreement.pk)
        if not missing or agreement.provider_id is None:
            continue
        recipients = sorted(
            {
                m.user.email
                for m in Membership.objects.filter(
                    organisation_id=agreement.provider_id, role=Role.PROVIDER, user__is_active=True
                ).select_related("user")
                if m.user.email
            }
        )
        periods = ", ".join(f"{start:%B %Y} (due {due:%d %B %Y})" for start, due in missing)
        lines.append(
            f"{agreement.reference} {agreement.provider_name}: {periods} -> "
            f"{', '.join(recipients) or 'nobody to email'}"
        )
        if dry_run or not recipients:
            continue
        with transaction.atomic():
            send_mail(
                subject=f"Returns overdue: {agreement.reference} {agreement.title}",
                message=(
                    f"{agreement.programme.organisation.name} has not received your returns "
                    f"for {agreement.reference} ({agreement.title}) for: {periods}.\n\n"
                    "Please sign in to Spiral and submit them."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
            ReminderSent.objects.bulk_create(
                ReminderSent(
                    agreement=agreement,
                    period_start=start,
                    sent_on=today,
                    recipients=", ".join(recipients),
                )
                for start, _ in missing
            )
            audit_record(
                actor=None,
                action="chased returns",
                target=agreement,
                organisation=agreement.programme.organisation,
                after={"periods": [s.isoformat() for s, _ in missing], "to": recipients},
            )
    return lines
