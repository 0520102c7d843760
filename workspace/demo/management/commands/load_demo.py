"""``manage.py load_demo``: load the fictional Kingsmere demo council (once)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from workspace.accounts.models import Organisation
from workspace.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the fictional demo council Kingsmere, its people and its commissioning history."

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.filter(slug="kingsmere").exists():
            self.stdout.write("The demo council is already loaded.")
            return
        load_demo(password=settings.SPIRAL_DEMO_PASSWORD, progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Loaded the demo council, Kingsmere (fictional)."))
