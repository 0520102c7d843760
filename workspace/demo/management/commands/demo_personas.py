"""``manage.py demo_personas``: print how to sign in as each demo persona."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from workspace.demo.personas import ORGANISATIONS, PERSONAS


class Command(BaseCommand):
    help = "Print the demo personas' usernames, roles and the demo password."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="Where Spiral is being served."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names = {spec.key: spec.name for spec in ORGANISATIONS}
        self.stdout.write("")
        self.stdout.write(
            "Spiral demo: Kingsmere Borough Council is fictional, and so is everyone in it."
        )
        self.stdout.write(
            f"Sign in at {options['url']} with password: {settings.SPIRAL_DEMO_PASSWORD}"
        )
        self.stdout.write("")
        for persona in PERSONAS:
            where = names[persona.organisation]
            self.stdout.write(f"  {persona.username:<14} {persona.key:<14} {persona.job} ({where})")
        self.stdout.write("")
