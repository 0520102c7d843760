"""API operation for a cycle's needs assessment (mounted on ``/api/``).

It checks the same access as the page (VIEW in the programme's organisations) and returns
the same engine-computed figures.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from workspace.cycles.models import Cycle
from workspace.http import AuthenticatedHttpRequest
from workspace.needs.access import may_view
from workspace.needs.analysis import assessment_figures
from workspace.needs.models import NeedsAssessment

router = Router(tags=["Needs assessment"])


class IndicatorFiguresOut(Schema):
    indicator: str
    unit: str
    polarity: str
    period: str | None
    value: float | None
    lower_ci_95: float | None
    upper_ci_95: float | None
    england: float | None
    comparators: float | None
    compared_with_england: str
    compared_with_comparators: str
    trend: str


class NeedsAssessmentOut(Schema):
    cycle: int
    area_code: str
    area: str
    fictional: bool
    comparators: list[str]
    summary: str
    indicators: list[IndicatorFiguresOut]


@router.get(
    "/cycles/{pk}/needs-assessment",
    response=NeedsAssessmentOut,
    summary="A cycle's needs assessment: each indicator against comparators and England",
)
def needs_assessment(request: AuthenticatedHttpRequest, pk: int) -> NeedsAssessmentOut:
    cycle = get_object_or_404(Cycle.objects.select_related("programme"), pk=pk)
    if not may_view(request.user, cycle):
        raise HttpError(403, "You cannot see this needs assessment.")
    assessment = get_object_or_404(NeedsAssessment, cycle=cycle)
    figures = assessment_figures(assessment)
    return NeedsAssessmentOut(
        cycle=cycle.pk,
        area_code=figures.area.code,
        area=figures.area.name,
        fictional=figures.area.fictional,
        comparators=[area.code for area in figures.comparators],
        summary=assessment.summary,
        indicators=[
            IndicatorFiguresOut(
                indicator=item.indicator.name,
                unit=item.indicator.unit,
                polarity=item.indicator.polarity,
                period=item.period,
                value=item.area_row["value"] if item.area_row else None,
                lower_ci_95=item.area_row["lower"] if item.area_row else None,
                upper_ci_95=item.area_row["upper"] if item.area_row else None,
                england=item.england_value,
                comparators=item.comparator_value,
                compared_with_england=item.vs_england,
                compared_with_comparators=item.vs_comparators,
                trend=item.trend_label,
            )
            for item in figures.indicators
        ],
    )
