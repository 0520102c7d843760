"""Pages for outcomes frameworks, their outcomes, indicators and targets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET

from workspace.http import AuthenticatedHttpRequest
from workspace.plan import services
from workspace.plan.forms import (
    IndicatorForm,
    OutcomeForm,
    OutcomesFrameworkForm,
    TargetForm,
)
from workspace.plan.models import (
    Outcome,
    OutcomeIndicator,
    OutcomesFramework,
)
from workspace.plan.views.common import (
    GET_POST,
    _check,
    _form_page,
    _framework,
    _page,
    _posted,
    _programme,
)


def _outcome(request: HttpRequest, pk: int) -> Outcome:
    outcome = get_object_or_404(Outcome.objects.select_related("framework__programme"), pk=pk)
    _check(request, outcome.framework.programme, True)
    return outcome


def _indicator(request: HttpRequest, pk: int) -> OutcomeIndicator:
    indicator = get_object_or_404(
        OutcomeIndicator.objects.select_related("outcome__framework__programme"), pk=pk
    )
    _check(request, indicator.outcome.framework.programme, True)
    return indicator


def _framework_form(
    request: AuthenticatedHttpRequest,
    framework: OutcomesFramework,
    form: Any,
    *,
    title: str,
    caption: str,
    submit: str,
    intro: str = "",
) -> HttpResponse:
    return _form_page(
        request,
        title,
        form,
        caption=caption,
        submit=submit,
        back=f"/outcomes-frameworks/{framework.pk}/",
        intro=intro,
        programme=framework.programme,
    )


@login_required
@require_GET
def outcomes_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    return _page(
        request,
        "outcomes_list.html",
        f"Outcomes frameworks: {programme.name}",
        programme=programme,
        frameworks=list(programme.outcomes_frameworks.select_related("cycle")),
        may_edit=services.may_edit(request.user, programme),
    )


@login_required
@GET_POST
def outcomes_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, edit=True)
    current = programme.current_cycle()
    form = OutcomesFrameworkForm(
        request.POST or None,
        programme=programme,
        initial={"cycle": current.pk if current is not None else None},
    )
    made: list[OutcomesFramework] = []
    if _posted(
        request,
        form,
        lambda: made.append(
            services.outcomes_framework_create(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        ),
    ):
        messages.success(request, "Outcomes framework created")
        return redirect("plan:outcomes-framework", pk=made[0].pk)
    return _form_page(
        request,
        "New outcomes framework",
        form,
        caption=programme.name,
        submit="Create outcomes framework",
        back=f"/programmes/{programme.pk}/outcomes/",
        programme=programme,
    )


@login_required
@require_GET
def outcomes_framework(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    outcomes = list(
        framework.outcomes.prefetch_related("indicators__targets", "indicators__needs_indicator")
    )
    return _page(
        request,
        "outcomes_framework.html",
        framework.title,
        framework=framework,
        programme=framework.programme,
        outcomes=outcomes,
        may_edit=services.may_edit(request.user, framework.programme),
    )


@login_required
@GET_POST
def outcomes_framework_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, edit=True)
    form = OutcomesFrameworkForm(
        request.POST or None,
        programme=framework.programme,
        initial={
            "title": framework.title,
            "purpose": framework.purpose,
            "cycle": framework.cycle_id,
        },
    )
    if _posted(
        request,
        form,
        lambda: services.outcomes_framework_update(
            actor=request.user, framework=framework, **form.cleaned_data
        ),
    ):
        messages.success(request, "Outcomes framework saved")
        return redirect("plan:outcomes-framework", pk=framework.pk)
    return _framework_form(
        request,
        framework,
        form,
        title="Change the outcomes framework",
        caption=framework.programme.name,
        submit="Save",
    )


@login_required
@GET_POST
def outcome_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk, edit=True)
    form = OutcomeForm(request.POST or None)
    if _posted(
        request,
        form,
        lambda: services.outcome_add(actor=request.user, framework=framework, **form.cleaned_data),
    ):
        messages.success(request, "Outcome added")
        return redirect("plan:outcomes-framework", pk=framework.pk)
    return _framework_form(
        request,
        framework,
        form,
        title="Add an outcome",
        caption=framework.title,
        submit="Add outcome",
    )


@login_required
@GET_POST
def indicator_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    form = IndicatorForm(
        request.POST or None, organisation=outcome.framework.programme.organisation
    )
    if _posted(
        request,
        form,
        lambda: services.indicator_add(actor=request.user, outcome=outcome, **form.cleaned_data),
    ):
        messages.success(request, "Indicator added")
        return redirect("plan:outcomes-framework", pk=outcome.framework.pk)
    return _framework_form(
        request,
        outcome.framework,
        form,
        title="Add an indicator",
        caption=outcome.statement,
        submit="Add indicator",
    )


@login_required
@GET_POST
def outcome_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    form = OutcomeForm(
        request.POST or None,
        initial={"statement": outcome.statement, "description": outcome.description},
    )
    if _posted(
        request,
        form,
        lambda: services.outcome_update(actor=request.user, outcome=outcome, **form.cleaned_data),
    ):
        messages.success(request, "Outcome saved")
        return redirect("plan:outcomes-framework", pk=outcome.framework.pk)
    return _framework_form(
        request,
        outcome.framework,
        form,
        title="Change an outcome",
        caption=outcome.framework.title,
        submit="Save",
    )


@login_required
@GET_POST
def indicator_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    fields = (
        "name",
        "code",
        "unit",
        "direction",
        "baseline_value",
        "baseline_period",
        "baseline_source",
    )
    form = IndicatorForm(
        request.POST or None,
        initial={f: getattr(indicator, f) for f in fields}
        | {"needs_indicator": indicator.needs_indicator_id},
        organisation=indicator.outcome.framework.programme.organisation,
    )
    if _posted(
        request,
        form,
        lambda: services.indicator_update(
            actor=request.user, indicator=indicator, **form.cleaned_data
        ),
    ):
        messages.success(request, "Indicator saved")
        return redirect("plan:outcomes-framework", pk=indicator.outcome.framework.pk)
    return _framework_form(
        request,
        indicator.outcome.framework,
        form,
        title="Change an indicator",
        caption=indicator.outcome.statement,
        submit="Save",
        intro="Corrections to the baseline are kept in the audit trail.",
    )


@login_required
@GET_POST
def target_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    form = TargetForm(request.POST or None)
    if _posted(
        request,
        form,
        lambda: services.target_set(actor=request.user, indicator=indicator, **form.cleaned_data),
    ):
        messages.success(request, "Target set")
        return redirect("plan:outcomes-framework", pk=indicator.outcome.framework.pk)
    return _framework_form(
        request,
        indicator.outcome.framework,
        form,
        title="Set a target",
        caption=indicator.name,
        submit="Set target",
        intro="Setting a target for a period that already has one replaces it; the audit "
        "trail keeps the earlier figure.",
    )
