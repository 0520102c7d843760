"""The service navigation: what the signed-in person may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from workspace.accounts.access import Capability, organisations_with

NavItem = dict[str, Any]

# Each entry: (label, URL name, capability needed in at least one organisation, or None
# for anyone signed in). Apps add their sections here.
SECTIONS: list[tuple[str, str, Capability | None]] = [
    ("Home", "home", None),
    ("Programmes", "cycles:programmes", Capability.VIEW),
    ("Awaiting sign-off", "cycles:approvals", Capability.APPROVE),
    ("Frameworks", "cycles:frameworks", Capability.VIEW),
    ("Portfolio", "reviews:portfolio", Capability.VIEW),
    ("Contracts", "contracts:register", None),
    ("Audit trail", "audit:trail", Capability.AUDIT),
]


def nav_items(request: HttpRequest) -> list[NavItem]:
    """Navigation entries for this request, marking the one the page belongs to."""
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[NavItem] = []
    for label, name, capability in SECTIONS:
        if capability is not None and not organisations_with(user, capability).exists():
            continue
        href = reverse(name)
        active = request.path == href if name == "home" else request.path.startswith(href)
        items.append({"href": href, "text": label, "active": active})
    administered = organisations_with(user, Capability.ADMINISTER).first()
    if administered is not None:
        href = reverse("accounts:people", kwargs={"slug": administered.slug})
        items.append({"href": href, "text": "People", "active": request.path.startswith(href)})
    return items
