"""API operations over outcomes frameworks and options appraisals (mounted on ``/api/``).

Read-only for now: the same readers as the pages (VIEW in the programme's lead or partner
organisation); others get 403. An appraisal's results are the engine's report as plain data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from workspace.cycles.models import Cycle, Programme
from workspace.plan import services
from workspace.plan.models import Appraisal

router = Router(tags=["Plan: outcomes and options appraisals"])


class TargetOut(Schema):
    period: str
    value: float
    set_by: str
    rationale: str


class IndicatorOut(Schema):
    id: int
    name: str
    code: str
    unit: str
    direction: str
    baseline_value: float | None
    baseline_period: str
    baseline_source: str
    targets: list[TargetOut]


class OutcomeOut(Schema):
    id: int
    statement: str
    description: str
    indicators: list[IndicatorOut]


class OutcomesFrameworkOut(Schema):
    id: int
    programme_id: int
    title: str
    purpose: str
    outcomes: list[OutcomeOut]


class OptionOut(Schema):
    id: int
    name: str
    delivery_model: str
    shortlisted: bool
    discard_reason: str


class AppraisalOut(Schema):
    id: int
    cycle_id: int
    stage: str
    title: str
    status: str
    options: list[OptionOut]
    recommended: str | None
    recommendation_rationale: str
    decision_id: int | None


def _require(request: HttpRequest, programme: Programme) -> None:
    if not services.may_view(request.user, programme):
        raise HttpError(403, "You cannot see this programme's plans.")


def _appraisal_out(appraisal: Appraisal) -> AppraisalOut:
    return AppraisalOut(
        id=appraisal.pk,
        cycle_id=appraisal.cycle_id,
        stage=appraisal.stage_id,
        title=appraisal.title,
        status=appraisal.status,
        options=[
            OptionOut(
                id=o.pk,
                name=o.name,
                delivery_model=o.delivery_model,
                shortlisted=o.shortlisted,
                discard_reason=o.discard_reason,
            )
            for o in appraisal.options.all()
        ],
        recommended=appraisal.recommended.name if appraisal.recommended else None,
        recommendation_rationale=appraisal.recommendation_rationale,
        decision_id=appraisal.decision_id,
    )


@router.get(
    "/programmes/{pk}/outcomes-frameworks",
    response=list[OutcomesFrameworkOut],
    summary="A programme's outcomes frameworks: outcomes, indicators, baselines and targets",
)
def outcomes_frameworks(request: HttpRequest, pk: int) -> list[OutcomesFrameworkOut]:
    programme = get_object_or_404(Programme, pk=pk)
    _require(request, programme)
    return [
        OutcomesFrameworkOut(
            id=f.pk,
            programme_id=programme.pk,
            title=f.title,
            purpose=f.purpose,
            outcomes=[
                OutcomeOut(
                    id=o.pk,
                    statement=o.statement,
                    description=o.description,
                    indicators=[
                        IndicatorOut(
                            id=i.pk,
                            name=i.name,
                            code=i.code,
                            unit=i.unit,
                            direction=i.direction,
                            baseline_value=i.baseline_value,
                            baseline_period=i.baseline_period,
                            baseline_source=i.baseline_source,
                            targets=[
                                TargetOut(
                                    period=t.period,
                                    value=t.value,
                                    set_by=t.set_by,
                                    rationale=t.rationale,
                                )
                                for t in i.targets.all()
                            ],
                        )
                        for i in o.indicators.all()
                    ],
                )
                for o in f.outcomes.all()
            ],
        )
        for f in programme.outcomes_frameworks.prefetch_related("outcomes__indicators__targets")
    ]


@router.get(
    "/cycles/{pk}/appraisals", response=list[AppraisalOut], summary="A cycle's options appraisals"
)
def cycle_appraisals(request: HttpRequest, pk: int) -> list[AppraisalOut]:
    cycle = get_object_or_404(Cycle.objects.select_related("programme"), pk=pk)
    _require(request, cycle.programme)
    return [_appraisal_out(a) for a in cycle.appraisals.select_related("recommended")]


@router.get("/appraisals/{pk}", response=AppraisalOut, summary="An options appraisal")
def appraisal(request: HttpRequest, pk: int) -> AppraisalOut:
    found = get_object_or_404(Appraisal.objects.select_related("cycle__programme"), pk=pk)
    _require(request, found.cycle.programme)
    return _appraisal_out(found)


@router.get(
    "/appraisals/{pk}/results",
    response=dict[str, Any],
    summary="Every figure of the appraisal (the engine's report as plain data); 422 if it "
    "cannot run yet",
)
def appraisal_results(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = get_object_or_404(Appraisal.objects.select_related("cycle__programme"), pk=pk)
    _require(request, found.cycle.programme)
    try:
        return services.appraisal_run(appraisal=found).to_dict()
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from None
