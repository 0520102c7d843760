"""API operations of the Spiral test (mounted on ``/api/``): verdicts, the history file and the
check of each next plan against the previous review.

Reading needs the same VIEW capability as the pages; a programme the caller may not see
gives 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from workspace.accounts.access import Capability, has_capability
from workspace.cycles.models import Programme
from workspace.http import AuthenticatedHttpRequest
from workspace.reviews import services
from workspace.reviews.history import cycle_id
from workspace.reviews.plan_check import review_check

router = Router(tags=["Reviews and the Spiral test"])


class ReasonOut(Schema):
    rule: str
    text: str


class CycleVerdictOut(Schema):
    cycle: str
    name: str
    start: dt.date
    end: dt.date | None
    verdict: str
    label: str
    outcome_index: float | None
    real_cost_per_head: float | None
    cost_change: float | None
    value_per_pound: float | None
    transaction_cost: float | None
    reasons: list[ReasonOut]
    missing: list[str]


class SpiralTestOut(Schema):
    programme_id: int
    as_of: dt.date
    problems: list[str]
    cycles: list[CycleVerdictOut]


def _programme(request: AuthenticatedHttpRequest, pk: int) -> Programme:
    programme = get_object_or_404(Programme, pk=pk)
    if not any(
        has_capability(request.user, org, Capability.VIEW) for org in programme.organisations()
    ):
        raise HttpError(403, "You cannot see this programme.")
    return programme


@router.get(
    "/programmes/{pk}/spiral-test",
    response=SpiralTestOut,
    summary="Each cycle's verdict of the Spiral test, with the evidence behind it",
)
def spiral_test(request: AuthenticatedHttpRequest, pk: int) -> SpiralTestOut:
    programme = _programme(request, pk)
    assessment = services.programme_assess(programme=programme)
    report = assessment.report
    cycles = [
        CycleVerdictOut(
            cycle=c.cycle_id,
            name=c.name,
            start=c.start,
            end=c.end,
            verdict=c.verdict.verdict,
            label=c.verdict.label,
            outcome_index=c.outcome_index,
            real_cost_per_head=c.cost.per_head,
            cost_change=c.cost_change,
            value_per_pound=c.value_per_pound,
            transaction_cost=c.process.transaction_cost,
            reasons=[ReasonOut(rule=r.rule, text=r.text) for r in c.verdict.reasons],
            missing=list(c.verdict.missing),
        )
        for c in (report.cycles if report else ())
    ]
    return SpiralTestOut(
        programme_id=programme.pk,
        as_of=dt.date.fromisoformat(assessment.history["as_of"]),
        problems=list(assessment.problems),
        cycles=cycles,
    )


@router.get(
    "/programmes/{pk}/history",
    response=dict[str, Any],
    summary="The programme's history in the documented file format (as `spiral review` reads)",
)
def history(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    return services.programme_assess(programme=_programme(request, pk)).history


class CommissionerOut(Schema):
    addressed: bool
    how: str


class PlanCheckOut(Schema):
    recommendation: str
    cycle: str
    choice: str
    status: str
    label: str
    summary: str
    supporting: list[str]
    contradicting: list[str]
    context: list[str]
    commissioner: CommissionerOut | None
    comparison: str


@router.get(
    "/programmes/{pk}/plan-check",
    response=list[PlanCheckOut],
    summary="Whether each next plan takes up each review recommendation: Spiral's finding "
    "beside the commissioner's statement",
)
def plan_check(request: AuthenticatedHttpRequest, pk: int) -> list[PlanCheckOut]:
    programme = _programme(request, pk)
    found = []
    for cycle in programme.cycles.order_by("number"):
        for checked in review_check(cycle):
            response = checked.response
            found.append(
                PlanCheckOut(
                    recommendation=checked.id,
                    cycle=cycle_id(cycle),
                    choice=checked.recommendation.choice,
                    status=checked.finding.status,
                    label=checked.finding.label,
                    summary=checked.finding.summary,
                    supporting=list(checked.finding.supporting),
                    contradicting=list(checked.finding.contradicting),
                    context=list(checked.finding.context),
                    commissioner=CommissionerOut(addressed=response.addressed, how=response.how)
                    if response is not None
                    else None,
                    comparison=checked.comparison,
                )
            )
    return found
