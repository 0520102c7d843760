"""``manage.py audit_verify``: recompute the audit trail's hash chain and report."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workspace.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit with status 1 if it has been tampered with."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.broken is not None:
            raise CommandError(
                f"The audit trail does not verify at event {report.broken_event_id}: "
                f"{report.broken.reason}."
            )
        self.stdout.write(self.style.SUCCESS(f"The audit trail verifies: {report.events} events."))
