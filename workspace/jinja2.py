"""The Jinja2 environment for workspace pages: GOV.UK Frontend macros and Django helpers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, PrefixLoader

from workspace.navigation import nav_items


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """Reverse a URL by name inside a template: ``url('cycles:detail', pk=3)``."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    """Build the environment; the GOV.UK page template needs ``ChainableUndefined``."""
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    options["undefined"] = ChainableUndefined
    options.setdefault("autoescape", True)
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do"]
    env = Environment(**options)  # noqa: S701 - autoescape is set just above
    env.globals.update(
        {
            "static": static,
            "url": url,
            "csrf_token": get_token,
            "get_messages": messages.get_messages,
            "nav_items": nav_items,
        }
    )
    env.filters["localtime"] = timezone.localtime
    return env
