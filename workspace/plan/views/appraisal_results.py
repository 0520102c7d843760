"""Pages for an appraisal's scoring, five cases, results, recommendation and reports."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from spiral.appraisal.report import AppraisalReport
from spiral.pdf import html_to_pdf
from workspace.http import AuthenticatedHttpRequest
from workspace.plan import services
from workspace.plan.forms import (
    CasesForm,
    MCDAForm,
    RecommendForm,
)
from workspace.plan.models import Appraisal
from workspace.plan.presenters import results_context
from workspace.plan.views.appraisals import _appraisal_form
from workspace.plan.views.common import (
    GET_POST,
    _appraisal,
    _page,
    _posted,
)

#: Suggested criteria and weights for what is not monetised (docs/appraisal.md).
DEFAULT_CRITERIA = {
    "quality": 20,
    "outcomes_for_users": 25,
    "social_value": 15,
    "resilience": 15,
    "what_users_said": 15,
    "deliverability": 10,
}


@login_required
@GET_POST
def appraisal_scoring(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    weights = appraisal.criteria or DEFAULT_CRITERIA
    criteria = list(weights)
    initial = {"criteria": "\n".join(f"{c}: {w:g}" for c, w in weights.items())}
    if request.method == "POST":
        probe = MCDAForm(request.POST, appraisal=appraisal, criteria=criteria)
        probe.is_valid()  # the criteria are read even when scores are missing
        posted = probe.cleaned_data.get("criteria")
        try:
            shown = [str(c) for c in json.loads(request.POST.get("shown", ""))] or criteria
        except (ValueError, TypeError):
            shown = criteria
        # The same criteria in another order are not new criteria (PostgreSQL's JSON keeps
        # object keys in its own order, so order alone says nothing).
        if posted and set(posted) == set(shown):
            criteria = list(posted)
        elif posted:
            # New criteria: show their columns to score, keeping the scores already typed.
            criteria = list(posted)
            fresh = MCDAForm(
                None,
                appraisal=appraisal,
                criteria=criteria,
                initial={
                    "criteria": request.POST.get("criteria", ""),
                    **{k: v for k, v in request.POST.items() if k.startswith("score_")},
                },
            )
            messages.info(request, "Criteria changed: score every option on each one, then save")
            return _appraisal_form(
                request,
                appraisal,
                fresh,
                title="Multi-criteria scoring",
                submit="Save scoring",
                template="scoring.html",
                criteria=criteria,
            )
    form = MCDAForm(request.POST or None, appraisal=appraisal, criteria=criteria, initial=initial)
    if _posted(
        request,
        form,
        lambda: services.appraisal_mcda_set(
            actor=request.user,
            appraisal=appraisal,
            criteria=form.cleaned_data["criteria"],
            scores=form.scores(),
        ),
    ):
        messages.success(request, "Criteria, weights and scores saved")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title="Multi-criteria scoring",
        submit="Save scoring",
        template="scoring.html",
        criteria=criteria,
    )


@login_required
@GET_POST
def appraisal_cases(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    form = CasesForm(request.POST or None, initial=appraisal.cases)
    if _posted(
        request,
        form,
        lambda: services.appraisal_cases_update(
            actor=request.user, appraisal=appraisal, cases=form.cleaned_data
        ),
    ):
        messages.success(request, "Five-case narrative saved")
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request,
        appraisal,
        form,
        title="The five cases",
        submit="Save",
        intro="The Green Book's five-case model: why the change is needed (strategic), what "
        "gives best value (economic), whether it can be secured (commercial), whether it is "
        "affordable (financial) and whether it can be delivered (management).",
    )


@login_required
@require_GET
def appraisal_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    try:
        report = services.appraisal_run(appraisal=appraisal)
    except ValidationError as error:
        context: dict[str, Any] = {"problems": error.messages}
    else:
        context = {
            "problems": [],
            "may_recommend": services.may_edit(request.user, appraisal.cycle.programme)
            and services.is_open(appraisal),
            **results_context(report),
        }
    return _page(
        request,
        "results.html",
        f"Results: {appraisal.title}",
        appraisal=appraisal,
        cycle=appraisal.cycle,
        programme=appraisal.cycle.programme,
        **context,
    )


@login_required
@GET_POST
def appraisal_recommend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk, edit=True)
    form = RecommendForm(
        request.POST or None,
        appraisal=appraisal,
        initial={
            "option": appraisal.recommended_id,
            "rationale": appraisal.recommendation_rationale,
        },
    )
    if _posted(
        request,
        form,
        lambda: services.appraisal_recommend(
            actor=request.user,
            appraisal=appraisal,
            option=form.cleaned_data["option"],
            rationale=form.cleaned_data["rationale"],
        ),
    ):
        messages.success(
            request,
            "Recommendation recorded; the options appraisal artefact is complete. It "
            "becomes a decision when the Plan gate is signed off.",
        )
        return redirect("plan:appraisal", pk=appraisal.pk)
    return _appraisal_form(
        request, appraisal, form, title="Recommend an option", submit="Recommend"
    )


def _report(request: HttpRequest, appraisal: Appraisal) -> AppraisalReport | None:
    """The appraisal's report, or None (with a message saying why) when it cannot run yet."""
    try:
        return services.appraisal_run(appraisal=appraisal)
    except ValidationError as error:
        messages.error(request, "The appraisal cannot run yet: " + " ".join(error.messages))
        return None


@login_required
@require_GET
def appraisal_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    report = _report(request, appraisal)
    if report is None:
        return redirect("plan:appraisal-results", pk=appraisal.pk)
    return HttpResponse(report.to_html(), content_type="text/html; charset=utf-8")


@login_required
@require_GET
def appraisal_report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal(request, pk)
    report = _report(request, appraisal)
    if report is None:
        return redirect("plan:appraisal-results", pk=appraisal.pk)
    response = HttpResponse(html_to_pdf(report.to_html()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="appraisal-{appraisal.pk}.pdf"'
    return response
