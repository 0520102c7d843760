"""The audit trail, for auditors and administrators of an organisation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from workspace.accounts.access import Capability, organisations_with
from workspace.audit.models import AuditEvent
from workspace.audit.services import audit_verify

PAGE_SIZE = 50


def _audited_organisation_ids(request: HttpRequest) -> list[int]:
    ids = list(organisations_with(request.user, Capability.AUDIT).values_list("pk", flat=True))
    if not ids:
        raise PermissionDenied("Only auditors and administrators can read the audit trail.")
    return ids


@login_required
@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.for_organisations(_audited_organisation_ids(request)).order_by(
        "-id"
    )
    query = request.GET.get("q", "").strip()
    if query:
        events = events.filter(object_label__icontains=query) | events.filter(
            actor_label__icontains=query
        )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/trail.html",
        {"title": "Audit trail", "page": page, "query": query},
    )


@login_required
@require_GET
def event(request: HttpRequest, pk: int) -> HttpResponse:
    ids = _audited_organisation_ids(request)
    found = AuditEvent.objects.for_organisations(ids).filter(pk=pk).first()
    if found is None:
        raise Http404("No such event")
    return render(request, "audit/event.html", {"title": f"Audit event {pk}", "event": found})


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    _audited_organisation_ids(request)
    report = audit_verify()
    return render(request, "audit/verify.html", {"title": "Audit trail check", "report": report})
