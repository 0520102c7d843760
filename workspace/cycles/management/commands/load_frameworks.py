"""``manage.py load_frameworks``: store the cycle frameworks that ship with Spiral."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from workspace.cycles.services import framework_load_shipped


class Command(BaseCommand):
    help = "Store the cycle frameworks that ship with Spiral (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        for record in framework_load_shipped():
            self.stdout.write(f"{record.label}: {record.name}")
