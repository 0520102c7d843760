"""Pages of the Review stage and the Spiral test. Each view checks access, parses, calls a service.

Reading needs VIEW in the programme's lead or partner organisation (commissioner, analyst,
finance, procurement, approver, auditor, administrator); changing needs EDIT
(commissioner, analyst, finance, procurement). Providers and other councils hold neither.
The approver signs the Review stage off through the cycle's own gate.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from spiral.pdf import html_to_pdf
from spiral.spiral_test import SpiralReport, cycle_table, picture_table, spiral_svg
from spiral.spiral_test.picture import COLOURS
from spiral.spiral_test.verdict import VERDICT_LABELS
from workspace.accounts.access import Capability, has_capability, organisations_with
from workspace.cycles.models import Cycle, Programme, Recommendation
from workspace.http import AuthenticatedHttpRequest
from workspace.reviews import delivery, services
from workspace.reviews.forms import (
    CycleFiguresForm,
    FindingsForm,
    HistoryUploadForm,
    PlanResponseForm,
    spend_text,
)
from workspace.reviews.history import cycle_id
from workspace.reviews.models import CycleFigures, CycleReview, PlanResponse
from workspace.reviews.outcome_sources import outcome_evidence
from workspace.reviews.plan_check import review_check
from workspace.reviews.presenters import (
    SORT_KEYS,
    cycle_assessment,
    filter_rows,
    portfolio_row,
    reason_figures,
    sort_rows,
)

GET_POST = require_http_methods(["GET", "POST"])
FINDING_COLOURS = {
    "addressed": "#00703c",
    "not_addressed": "#f47738",
    "contradicted": "#942514",
    "cannot_tell": "#505a5f",
}
"""The report's colours for Spiral's findings on a plan (GOV.UK green, orange, dark red, grey)."""


def _may(request: HttpRequest, programme: Programme, capability: Capability) -> bool:
    return any(has_capability(request.user, org, capability) for org in programme.organisations())


def _programme(request: HttpRequest, pk: int, capability: Capability) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("organisation", "partner_organisation"), pk=pk
    )
    if not _may(request, programme, capability):
        raise PermissionDenied("You cannot see or change this programme.")
    return programme


def _cycle(request: HttpRequest, pk: int, capability: Capability) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("programme"), pk=pk)
    _programme(request, cycle.programme_id, capability)
    return cycle


def _visible_programmes(request: HttpRequest) -> QuerySet[Programme]:
    organisations = organisations_with(request.user, Capability.VIEW)
    return (
        Programme.objects.filter(
            Q(organisation__in=organisations) | Q(partner_organisation__in=organisations)
        )
        .select_related("organisation", "partner_organisation")
        .distinct()
        .order_by("name")
    )


def _posted(request: HttpRequest) -> Any:
    """The submitted data on a POST (even an empty one, so its errors show), else None."""
    return request.POST if request.method == "POST" else None


def _paired(rows: list[dict[str, Any]], report: SpiralReport) -> list[tuple[Any, Any]]:
    """Table rows beside their cycle's assessment (for the verdict colour and evidence)."""
    return list(zip(rows, report.cycles, strict=True))


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    return render(
        request,
        f"reviews/{template}",
        {"title": title, "colours": COLOURS, "verdict_labels": VERDICT_LABELS, **context},
    )


# --- portfolio ----------------------------------------------------------------------------


@login_required
@require_GET
def portfolio(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not organisations_with(request.user, Capability.VIEW).exists():
        raise PermissionDenied("You have no programmes to see.")
    sort = request.GET.get("sort", "programme")
    descending = request.GET.get("order") == "desc"
    verdict = request.GET.get("verdict", "")
    rows = [
        portfolio_row(p, services.programme_assess(programme=p))
        for p in _visible_programmes(request)
    ]
    shown = sort_rows(filter_rows(rows, verdict), sort, descending)
    return _page(
        request,
        "portfolio.html",
        "Portfolio: the Spiral test of every programme",
        rows=shown,
        total=len(rows),
        sort=sort if sort in SORT_KEYS else "programme",
        descending=descending,
        verdict=verdict if verdict in VERDICT_LABELS else "",
    )


# --- a programme's spiral -----------------------------------------------------------------


@login_required
@require_GET
def programme_spiral(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.VIEW)
    measure = "outcome" if request.GET.get("measure") == "outcome" else "value"
    assessment = services.programme_assess(programme=programme)
    report = assessment.report
    return _page(
        request,
        "spiral.html",
        f"The Spiral test: {programme.name}",
        programme=programme,
        assessment=assessment,
        report=report,
        measure=measure,
        svg=spiral_svg(report, measure=measure) if report else "",  # type: ignore[arg-type]
        picture=_paired(picture_table(report, measure), report) if report else [],  # type: ignore[arg-type]
        cycles=_paired(cycle_table(report), report) if report else [],
        reason_figures=reason_figures,
        may_edit=_may(request, programme, Capability.EDIT),
        workspace_cycles={cycle_id(c): c for c in programme.cycles.all()},
    )


@login_required
@require_GET
def history_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.VIEW)
    history = services.programme_assess(programme=programme).history
    response = HttpResponse(
        json.dumps(history, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    name = f"programme-{programme.pk}-history-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@GET_POST
def history_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.EDIT)
    form = HistoryUploadForm(_posted(request), request.FILES if request.method == "POST" else None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.history_upload(
                actor=request.user, programme=programme, content=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            problems = [m for e in error.error_dict.get("file", []) for m in e.messages]
            form.add_error("file", f"The file has {len(problems)} problem(s): see the list above")
        else:
            messages.success(request, "History uploaded: the Spiral test now uses its figures")
            return redirect("reviews:spiral", pk=programme.pk)
    return _page(
        request,
        "history_upload.html",
        f"Upload the history of {programme.name}",
        programme=programme,
        form=form,
        problems=problems,
    )


def _as_of(assessment: services.Assessment) -> dt.date:
    """The date the assessed history was assembled for."""
    return dt.date.fromisoformat(assessment.history["as_of"])


def _report_context(programme: Programme) -> dict[str, Any]:
    assessment = services.programme_assess(programme=programme)
    report = assessment.report
    cycles = list(programme.cycles.order_by("number"))
    findings = {r.cycle_id: r for r in CycleReview.objects.filter(cycle__in=cycles)}
    return {
        "programme": programme,
        "assessment": assessment,
        "report": report,
        "svg": spiral_svg(report) if report else "",
        "picture": _paired(picture_table(report), report) if report else [],
        "cycles": _paired(cycle_table(report), report) if report else [],
        "workspace_cycles": {cycle_id(c): c for c in cycles},
        "findings": {cycle_id(c): findings.get(c.pk) for c in cycles},
        "checks": {cycle_id(c): review_check(c) for c in cycles},
        "finding_colours": FINDING_COLOURS,
        "provenance": {
            cycle_id(c): delivery.cycle_provenance(c, _as_of(assessment)) for c in cycles
        },
        "kpi_evidence": {cycle_id(c): delivery.kpi_evidence(c) for c in cycles},
        "reason_figures": reason_figures,
        "colours": COLOURS,
        "generated": timezone.localtime(),
        "evidence": outcome_evidence(programme),
    }


@login_required
@require_GET
def review_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.VIEW)
    return render(request, "reviews/report.html", _report_context(programme))


@login_required
@require_GET
def review_report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.VIEW)
    html = render_to_string("reviews/report.html", _report_context(programme), request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"review-report-programme-{programme.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- a cycle's Review stage ---------------------------------------------------------------


@login_required
@require_GET
def cycle_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.VIEW)
    programme = cycle.programme
    assessment = services.programme_assess(programme=programme)
    mine = cycle_assessment(assessment.report, cycle_id(cycle))
    previous = cycle.previous_cycle
    return _page(
        request,
        "cycle_review.html",
        f"Review: {programme.name}, cycle {cycle.number}",
        cycle=cycle,
        programme=programme,
        assessment=assessment,
        mine=mine,
        findings=CycleReview.objects.filter(cycle=cycle).first(),
        figures=CycleFigures.objects.filter(cycle=cycle).first(),
        provenance=delivery.cycle_provenance(cycle, _as_of(assessment)),
        kpi_evidence=delivery.kpi_evidence(cycle),
        coproduction=list(cycle.coproduction.all()),
        checked=review_check(cycle),
        previous=previous,
        previous_checked=review_check(previous) if previous is not None else [],
        has_next=hasattr(cycle, "next_cycle"),
        reason_figures=reason_figures,
        evidence=outcome_evidence(programme),
        cycle_key=cycle_id(cycle),
        may_edit=_may(request, programme, Capability.EDIT),
    )


@login_required
@GET_POST
def findings_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    existing = CycleReview.objects.filter(cycle=cycle).first()
    initial = (
        {"findings": existing.findings, "reviewed_on": existing.reviewed_on}
        if existing
        else {"reviewed_on": timezone.localdate()}
    )
    form = FindingsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_findings_save(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Findings saved")
            return redirect("reviews:cycle-review", pk=cycle.pk)
    return _page(
        request, "findings_edit.html", "Write the review's findings", cycle=cycle, form=form
    )


@login_required
@GET_POST
def cycle_figures(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    existing = CycleFigures.objects.filter(cycle=cycle).first()
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            name: getattr(existing, name)
            for name in CycleFiguresForm.base_fields
            if name != "spend"
        }
        initial["spend"] = spend_text(existing.spend)
    form = CycleFiguresForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_figures_update(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Figures saved for cycle {cycle.number}")
            return redirect("reviews:cycle-review", pk=cycle.pk)
    return _page(
        request,
        "cycle_figures.html",
        f"Cost and effort figures: cycle {cycle.number}",
        cycle=cycle,
        form=form,
    )


@login_required
@GET_POST
def plan_response(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation.objects.select_related("cycle"), pk=pk)
    _programme(request, recommendation.cycle.programme_id, Capability.EDIT)
    existing = PlanResponse.objects.filter(recommendation=recommendation).first()
    initial = (
        {"addressed": "yes" if existing.addressed else "no", "how": existing.how}
        if existing
        else {}
    )
    form = PlanResponseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_response_record(
                actor=request.user, recommendation=recommendation, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Plan response saved")
            target = recommendation.carried_into or recommendation.cycle
            return redirect("reviews:cycle-review", pk=target.pk)
    return _page(
        request,
        "plan_response.html",
        "Does the plan take this recommendation up?",
        recommendation=recommendation,
        form=form,
        checked=next(
            (c for c in review_check(recommendation.cycle) if c.recommendation.pk == pk), None
        ),
    )
