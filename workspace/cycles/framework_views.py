"""Pages for cycle frameworks: list, read, adapt, revise and import.

Reading needs the VIEW capability somewhere: a reader sees the shipped frameworks and those of
their own organisations; adapting, revising and importing need ADMINISTER.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from workspace.accounts.access import Capability, has_capability, organisations_with
from workspace.cycles import services
from workspace.cycles.forms import (
    FrameworkAdaptForm,
    FrameworkImportForm,
    FrameworkReviseForm,
)
from workspace.cycles.models import (
    CycleFramework,
)
from workspace.cycles.pages import GET_POST
from workspace.cycles.pages import page as _page
from workspace.http import AuthenticatedHttpRequest


def _readable_frameworks(request: HttpRequest) -> QuerySet[CycleFramework]:
    organisations = organisations_with(request.user, Capability.VIEW)
    return CycleFramework.objects.filter(
        Q(organisation__isnull=True) | Q(organisation__in=organisations)
    ).select_related("organisation")


def _framework(request: HttpRequest, pk: int) -> CycleFramework:
    if not organisations_with(request.user, Capability.VIEW).exists():
        raise PermissionDenied("You cannot see frameworks.")
    found = _readable_frameworks(request).filter(pk=pk).first()
    if found is None:
        if CycleFramework.objects.filter(pk=pk).exists():
            raise PermissionDenied("This framework belongs to another organisation.")
        raise Http404("No such framework")
    return found


@login_required
@require_GET
def framework_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not organisations_with(request.user, Capability.VIEW).exists():
        raise PermissionDenied("You cannot see frameworks.")
    frameworks = list(
        _readable_frameworks(request).order_by("organisation__name", "key", "-version")
    )
    return _page(
        request,
        "framework_list.html",
        "Cycle frameworks",
        frameworks=frameworks,
        may_adapt=organisations_with(request.user, Capability.ADMINISTER).exists(),
    )


@login_required
@require_GET
def framework_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = _framework(request, pk)
    may_revise = record.organisation is not None and has_capability(
        request.user, record.organisation, Capability.ADMINISTER
    )
    return _page(
        request,
        "framework_detail.html",
        record.name,
        record=record,
        framework=record.framework,
        cycles_using=record.cycles.count(),
        may_adapt=organisations_with(request.user, Capability.ADMINISTER).exists(),
        may_revise=may_revise,
    )


@login_required
@GET_POST
def framework_adapt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = _framework(request, pk)
    organisations = organisations_with(request.user, Capability.ADMINISTER)
    if not organisations.exists():
        raise PermissionDenied("Only administrators can adapt frameworks.")
    form = FrameworkAdaptForm(
        request.POST or None,
        organisations=organisations,
        initial={"name": f"{record.name} (adapted)"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.framework_adapt(
                actor=request.user,
                source=record,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Framework adapted: {copy.name}")
            return redirect("cycles:framework", pk=copy.pk)
    return _page(request, "framework_adapt.html", f"Adapt {record.name}", record=record, form=form)


@login_required
@GET_POST
def framework_revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = _framework(request, pk)
    if record.organisation is None or not has_capability(
        request.user, record.organisation, Capability.ADMINISTER
    ):
        raise PermissionDenied("Only the owning organisation's administrators can change this.")
    form = FrameworkReviseForm(request.POST or None, initial={"yaml_text": record.yaml_text})
    if request.method == "POST" and form.is_valid():
        try:
            revised = services.framework_revise(
                actor=request.user,
                framework=record,
                yaml_text=form.cleaned_data["yaml_text"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Saved as version {revised.version}")
            return redirect("cycles:framework", pk=revised.pk)
    return _page(
        request, "framework_revise.html", f"Change {record.name}", record=record, form=form
    )


@login_required
@GET_POST
def framework_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = organisations_with(request.user, Capability.ADMINISTER)
    if not organisations.exists():
        raise PermissionDenied("Only administrators can add frameworks.")
    form = FrameworkImportForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.framework_import(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                yaml_text=upload.text,
                source_name=upload.name,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Framework added: {record.name}")
            return redirect("cycles:framework", pk=record.pk)
    return _page(request, "framework_import.html", "Add a framework from a file", form=form)
