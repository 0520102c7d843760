"""Pages that belong to no single area: home, accessibility, and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from workspace.accounts.access import capabilities_in
from workspace.accounts.models import Organisation


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    organisations = Organisation.objects.filter(memberships__user_id=request.user.pk).distinct()
    rows = [
        {
            "organisation": organisation,
            "roles": sorted(
                m.get_role_display()
                for m in organisation.memberships.filter(user_id=request.user.pk)
            ),
            "capabilities": capabilities_in(request.user, organisation),
        }
        for organisation in organisations
    ]
    return render(request, "home.html", {"title": "Home", "rows": rows})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html", {"title": "Accessibility"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"title": "You cannot see this page"}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"title": "Page not found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", {"title": "Sorry, there is a problem"}, status=500)
