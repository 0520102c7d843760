"""The public register: anonymous pages, CSV and OCDS of what a council chose to publish."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from workspace.accounts.models import Organisation
from workspace.contracts.models import Agreement
from workspace.contracts.register import (
    public_row,
    published_agreements,
    register_csv,
    register_ocds,
)


def _council(slug: str) -> Organisation:
    council = get_object_or_404(Organisation, slug=slug)
    if not council.commissions:
        raise Http404("No such council")
    return council


@require_GET
def register(request: HttpRequest, slug: str) -> HttpResponse:
    council = _council(slug)
    rows = [public_row(a) for a in published_agreements(council)]
    return render(
        request,
        "transparency/register.html",
        {"title": f"{council.name}: contracts register", "council": council, "rows": rows},
    )


@require_GET
def agreement(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = _council(slug)
    found = get_object_or_404(
        Agreement.objects.exclude(status=Agreement.Status.DRAFT),
        pk=pk,
        programme__organisation=council,
        published=True,
    )
    return render(
        request,
        "transparency/agreement.html",
        {"title": found.title, "council": council, "row": public_row(found)},
    )


@require_GET
def register_csv_view(request: HttpRequest, slug: str) -> HttpResponse:
    council = _council(slug)
    response = HttpResponse(register_csv(council), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{council.slug}-contracts.csv"'
    return response


@require_GET
def register_ocds_view(request: HttpRequest, slug: str) -> HttpResponse:
    council = _council(slug)
    package = register_ocds(council, published_date=timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    return JsonResponse(package, json_dumps_params={"indent": 2})
