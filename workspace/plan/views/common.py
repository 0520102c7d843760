"""Shared parts of the Plan stage's pages: access checks, look-ups, page and form rendering."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from workspace.cycles.models import Cycle, Programme
from workspace.plan import services
from workspace.plan.models import (
    Appraisal,
    AppraisalOption,
    OutcomesFramework,
)

GET_POST = require_http_methods(["GET", "POST"])


# --- access -------------------------------------------------------------------------------


def _check(request: HttpRequest, programme: Programme, edit: bool) -> None:
    allowed = (services.may_edit if edit else services.may_view)(request.user, programme)
    if not allowed:
        raise PermissionDenied("You cannot see or change this programme's plans.")


def _programme(request: HttpRequest, pk: int, *, edit: bool = False) -> Programme:
    programme = get_object_or_404(Programme, pk=pk)
    _check(request, programme, edit)
    return programme


def _framework(request: HttpRequest, pk: int, *, edit: bool = False) -> OutcomesFramework:
    framework = get_object_or_404(
        OutcomesFramework.objects.select_related("programme", "cycle"), pk=pk
    )
    _check(request, framework.programme, edit)
    return framework


def _cycle(request: HttpRequest, pk: int, *, edit: bool = False) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("programme"), pk=pk)
    _check(request, cycle.programme, edit)
    return cycle


def _appraisal(request: HttpRequest, pk: int, *, edit: bool = False) -> Appraisal:
    appraisal = get_object_or_404(
        Appraisal.objects.select_related("cycle__programme", "recommended", "decision"), pk=pk
    )
    _check(request, appraisal.cycle.programme, edit)
    return appraisal


def _option(request: HttpRequest, pk: int) -> AppraisalOption:
    option = get_object_or_404(
        AppraisalOption.objects.select_related("appraisal__cycle__programme"), pk=pk
    )
    _check(request, option.appraisal.cycle.programme, True)
    return option


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    return render(request, f"plan/{template}", {"title": title, **context})


def _form_page(
    request: HttpRequest,
    title: str,
    form: Any,
    *,
    caption: str,
    submit: str,
    back: str,
    template: str = "form.html",
    intro: str = "",
    **context: Any,
) -> HttpResponse:
    return _page(
        request,
        template,
        title,
        form=form,
        caption=caption,
        submit_text=submit,
        back=back,
        intro=intro,
        **context,
    )


def _save(form: Any, call: Any) -> bool:
    """Run a service call; copy its errors onto the form. True when it succeeded."""
    try:
        call()
    except ValidationError as error:
        form.add_service_error(error)
        return False
    return True


def _posted(request: HttpRequest, form: Any, call: Any) -> bool:
    """True when a POSTed form is valid and the service call behind it succeeded."""
    return request.method == "POST" and form.is_valid() and _save(form, call)


def _act(request: HttpRequest, call: Any, success: str) -> None:
    """Run a service call from a one-button form; say what happened either way."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
