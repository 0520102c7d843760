"""Pages of the needs assessment. Each view checks access, parses, calls one service.

The assessment's page leads with the summary (the written summary, the spine chart, the
comparison table); each indicator has its own page with its comparison, funnel plot, trend
and forecast. The document (HTML, PDF) and the CSV hold everything the assessment includes.

Reading: anyone with VIEW in the programme's organisations. Changing and uploading:
commissioners and analysts there (:mod:`workspace.needs.access`). Providers and other
councils are refused everywhere.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods

from spiral.exceptions import ImportErrors, SpiralError
from spiral.indicators.age_bands import LIFE_EXPECTANCY_BANDS, allowed_bands
from spiral.pdf import html_to_pdf
from workspace.cycles.models import Cycle
from workspace.http import AuthenticatedHttpRequest
from workspace.needs import services
from workspace.needs.access import may_edit, require_edit, require_view
from workspace.needs.analysis import (
    AssessmentFigures,
    assessment_figures,
    assessment_indicator_figures,
    assessment_indicators,
    figures_csv_rows,
)
from workspace.needs.forms import AgeBandUploadForm, IndicatorUploadForm, NeedsAssessmentForm
from workspace.needs.models import Area, Indicator, NeedsAssessment

GET_POST = require_http_methods(["GET", "POST"])


def _cycle(pk: int) -> Cycle:
    return get_object_or_404(
        Cycle.objects.select_related(
            "programme", "programme__organisation", "programme__partner_organisation"
        ),
        pk=pk,
    )


def _assessment(cycle: Cycle) -> NeedsAssessment:
    assessment = NeedsAssessment.objects.filter(cycle=cycle).select_related("area").first()
    if assessment is None:
        raise Http404("This cycle has no needs assessment yet")
    return assessment


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    return render(request, f"needs/{template}", {"title": title, **context})


def _document(request: HttpRequest, figures: AssessmentFigures) -> str:
    return render_to_string(
        "needs/document.html", {"figures": figures, "title": _title(figures)}, request=request
    )


def _title(figures: AssessmentFigures) -> str:
    cycle = figures.assessment.cycle
    return f"Needs assessment: {cycle.programme.name}, cycle {cycle.number}"


def _filename(cycle: Cycle, suffix: str) -> str:
    return f"needs-assessment-programme-{cycle.programme.pk}-cycle-{cycle.number}.{suffix}"


@login_required
@require_GET
def needs_assessment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    require_view(request.user, cycle)
    assessment = NeedsAssessment.objects.filter(cycle=cycle).select_related("area").first()
    figures = assessment_figures(assessment, details=False) if assessment is not None else None
    return _page(
        request,
        "assessment.html",
        f"Needs assessment: {cycle.programme.name}",
        cycle=cycle,
        assessment=assessment,
        figures=figures,
        artefact=services.artefact_for(cycle),
        may_edit=may_edit(request.user, cycle),
    )


def _sections(figures: AssessmentFigures) -> list[tuple[str, str]]:
    """The indicator page's sections, as (anchor, heading), for its contents list."""
    item, chosen = figures.indicators[0], figures.assessment
    if not item.period:
        return []
    sections = [("areas", "Areas compared")]
    if chosen.include_funnel:
        sections.append(("funnel", "Funnel plot"))
    if chosen.include_trends and item.trend_table:
        sections.append(("trend", "Trend"))
    if chosen.include_forecast:
        sections.append(("forecast", "Demand forecast"))
    return sections


@login_required
@require_GET
def needs_indicator(request: AuthenticatedHttpRequest, pk: int, indicator: int) -> HttpResponse:
    cycle = _cycle(pk)
    require_view(request.user, cycle)
    assessment = _assessment(cycle)
    chosen = assessment_indicators(assessment)
    position = next((i for i, item in enumerate(chosen) if item.pk == indicator), None)
    if position is None:
        raise Http404("This indicator is not in the needs assessment")
    figures = assessment_indicator_figures(assessment, chosen[position])
    return _page(
        request,
        "indicator.html",
        f"{chosen[position].name}: needs assessment, {cycle.programme.name}",
        cycle=cycle,
        assessment=assessment,
        figures=figures,
        item=figures.indicators[0],
        sections=_sections(figures),
        previous=chosen[position - 1] if position > 0 else None,
        next=chosen[position + 1] if position + 1 < len(chosen) else None,
        position=position + 1,
        count=len(chosen),
    )


@login_required
@GET_POST
def needs_assessment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    require_edit(request.user, cycle)
    assessment = NeedsAssessment.objects.filter(cycle=cycle).first()
    available = services.indicators_available(cycle.programme.organisation)
    initial: dict[str, Any] = {
        "include_spine": True,
        "include_funnel": True,
        "include_trends": True,
        "include_forecast": True,
    }
    if assessment is not None:
        initial = {
            "area": assessment.area.pk,
            "indicators": [i.pk for i in assessment.indicators.all()],
            "summary": assessment.summary,
            "include_spine": assessment.include_spine,
            "include_funnel": assessment.include_funnel,
            "include_trends": assessment.include_trends,
            "include_forecast": assessment.include_forecast,
        }
    else:
        own = Area.objects.filter(code=cycle.programme.organisation.ons_code).first()
        if own is not None:
            initial["area"] = own.pk
    form = NeedsAssessmentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        areas=Area.objects.exclude(code="E92000001"),
        indicators=Indicator.objects.filter(pk__in=[i.pk for i in available]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_assessment_save(
                actor=request.user,
                cycle=cycle,
                area=form.cleaned_data["area"],
                indicators=form.cleaned_data["indicators"],
                summary=form.cleaned_data["summary"],
                include_spine=form.cleaned_data["include_spine"],
                include_funnel=form.cleaned_data["include_funnel"],
                include_trends=form.cleaned_data["include_trends"],
                include_forecast=form.cleaned_data["include_forecast"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Needs assessment saved")
            return redirect("needs:assessment", pk=cycle.pk)
    return _page(
        request, "edit.html", "Choose what the needs assessment shows", cycle=cycle, form=form
    )


@login_required
@GET_POST
def indicator_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    require_edit(request.user, cycle)
    posted = request.method == "POST"
    form = IndicatorUploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_import(
                actor=request.user,
                cycle=cycle,
                key=form.cleaned_data["key"],
                name=form.cleaned_data["name"],
                statistic=form.cleaned_data["statistic"],
                multiplier=form.cleaned_data["multiplier"],
                polarity=form.cleaned_data["polarity"],
                unit=form.cleaned_data["unit"],
                upload=form.cleaned_data["file"],
            )
        except ImportErrors as error:
            problems = list(error.problems)
            for problem in problems:
                form.add_error("file", _problem_text(problem))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"Imported {indicator.name}: {indicator.values.count()} rows. "
                "You can now choose it for the needs assessment.",
            )
            return redirect("needs:edit", pk=cycle.pk)
    return _page(
        request,
        "upload.html",
        "Upload local indicator data",
        cycle=cycle,
        form=form,
        problems=problems,
    )


@login_required
@GET_POST
def age_band_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    require_edit(request.user, cycle)
    posted = request.method == "POST"
    form = AgeBandUploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[Any] = []
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            indicator = services.age_band_import(
                actor=request.user,
                cycle=cycle,
                key=data["key"],
                name=data["name"],
                statistic=data["statistic"],
                multiplier=data["multiplier"] or 100_000.0,
                polarity=data["polarity"],
                unit=data["unit"],
                upload=data["file"],
                standard_population=data["standard_population"] or Indicator.Standard.ESP2013,
                reference=data["reference"] or Indicator.Reference.ENGLAND,
            )
        except ImportErrors as error:
            problems = list(error.problems)
            for problem in problems:
                form.add_error("file", _problem_text(problem))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"Imported {indicator.name}: {indicator.age_bands.count()} age-band rows, "
                f"{indicator.values.count()} values. "
                "You can now choose it for the needs assessment.",
            )
            return redirect("needs:edit", pk=cycle.pk)
    return _page(
        request,
        "upload_age_bands.html",
        "Upload local data by age band",
        cycle=cycle,
        form=form,
        problems=problems,
        bands=[", ".join(allowed_bands("dsr")), ", ".join(LIFE_EXPECTANCY_BANDS)],
    )


def _problem_text(problem: Any) -> str:
    where = f"Row {problem.row}" if problem.row is not None else "The file"
    return f"{where}, {problem.field}: {problem.message}"


@login_required
@require_GET
def document_html(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    require_view(request.user, cycle)
    html = _document(request, assessment_figures(_assessment(cycle)))
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{_filename(cycle, "html")}"'
    return response


@login_required
@require_GET
def document_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    require_view(request.user, cycle)
    html = _document(request, assessment_figures(_assessment(cycle)))
    try:
        pdf = html_to_pdf(html)
    except SpiralError as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(cycle, "pdf")}"'
    return response


@login_required
@require_GET
def figures_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(pk)
    require_view(request.user, cycle)
    rows = figures_csv_rows(assessment_figures(_assessment(cycle)))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(cycle, "csv")}"'
    return response
