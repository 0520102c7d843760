"""Email each provider the returns that are past their due date and not yet submitted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from workspace.contracts.chasing import returns_chase


class Command(BaseCommand):
    help = (
        "Email providers about returns past their due date and not submitted "
        "(at most one reminder per return a day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Chase as of this date (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(
                f"--date must look like 2025-04-30, not {options['date']!r}"
            ) from None
        chased = returns_chase(today=today or timezone.localdate(), dry_run=options["dry_run"])
        for line in chased:
            self.stdout.write(line)
        verb = "would be sent" if options["dry_run"] else "sent"
        self.stdout.write(f"{len(chased)} reminder(s) {verb}.")
