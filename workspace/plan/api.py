"""API operations over outcomes frameworks and options appraisals (mounted on ``/api/``).

Readers are the pages' readers (VIEW in the programme's lead or partner organisation); an
outcomes framework is created and changed by the pages' editors (EDIT), through the same
services, choosing the cycle it plans. Others get 403; a rule broken gives 422 with a
message per field. Appraisals are read-only here. An appraisal's results are the engine's
report as plain data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from workspace.cycles.models import Cycle, Programme
from workspace.http import AuthenticatedHttpRequest
from workspace.plan import services
from workspace.plan.models import Appraisal, OutcomesFramework
from workspace.plan.services.outcomes import OTHER_PROGRAMME_CYCLE

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
    cycle_id: int | None
    cycle_number: int | None
    title: str
    purpose: str
    outcomes: list[OutcomeOut]


class OutcomesFrameworkIn(Schema):
    title: str
    purpose: str = ""
    cycle_id: int | None = None
    """The cycle it plans: by default the programme's current cycle (on create) or the
    cycle it already plans (on change)."""


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


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


def _require_editor(request: HttpRequest, programme: Programme) -> None:
    if not services.may_edit(request.user, programme):
        raise HttpError(403, "You cannot change this programme's plans.")


def _errors(error: ValidationError) -> dict[str, list[str]]:
    """The service's messages by field, named as in the request (``cycle`` → ``cycle_id``)."""
    if not hasattr(error, "error_dict"):
        return {"__all__": list(error.messages)}
    return {
        ("cycle_id" if name == "cycle" else name): [m for e in errs for m in e.messages]
        for name, errs in error.error_dict.items()
    }


def _cycle_of(programme: Programme, cycle_id: int | None) -> Cycle | None:
    """The programme's cycle with this id; a 422 for any other id (another programme's too)."""
    if cycle_id is None:
        return None
    cycle = Cycle.objects.filter(pk=cycle_id, programme=programme).first()
    if cycle is None:
        raise ValidationError({"cycle": OTHER_PROGRAMME_CYCLE})
    return cycle


def _framework_out(f: OutcomesFramework) -> OutcomesFrameworkOut:
    return OutcomesFrameworkOut(
        id=f.pk,
        programme_id=f.programme_id,
        cycle_id=f.cycle_id,
        cycle_number=f.cycle.number if f.cycle is not None else None,
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


_FRAMEWORKS = OutcomesFramework.objects.select_related("programme", "cycle").prefetch_related(
    "outcomes__indicators__targets"
)


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
    summary="A programme's outcomes frameworks: the cycle each plans, outcomes, indicators, "
    "baselines and targets",
)
def outcomes_frameworks(request: HttpRequest, pk: int) -> list[OutcomesFrameworkOut]:
    programme = get_object_or_404(Programme, pk=pk)
    _require(request, programme)
    return [_framework_out(f) for f in _FRAMEWORKS.filter(programme=programme)]


@router.post(
    "/programmes/{pk}/outcomes-frameworks",
    response={201: OutcomesFrameworkOut, 422: ErrorsOut},
    summary="Start an outcomes framework planning one of the programme's cycles (by default "
    "its current cycle)",
)
def outcomes_framework_create(
    request: AuthenticatedHttpRequest, pk: int, body: OutcomesFrameworkIn
) -> Status[OutcomesFrameworkOut | ErrorsOut]:
    programme = get_object_or_404(Programme, pk=pk)
    _require_editor(request, programme)
    try:
        made = services.outcomes_framework_create(
            actor=request.user,
            programme=programme,
            title=body.title,
            purpose=body.purpose,
            cycle=_cycle_of(programme, body.cycle_id),
        )
    except ValidationError as error:
        return Status(422, ErrorsOut(errors=_errors(error)))
    return Status(201, _framework_out(_FRAMEWORKS.get(pk=made.pk)))


@router.get(
    "/outcomes-frameworks/{pk}",
    response=OutcomesFrameworkOut,
    summary="An outcomes framework: the cycle it plans, outcomes, indicators, baselines and "
    "targets",
)
def outcomes_framework(request: HttpRequest, pk: int) -> OutcomesFrameworkOut:
    found = get_object_or_404(_FRAMEWORKS, pk=pk)
    _require(request, found.programme)
    return _framework_out(found)


@router.put(
    "/outcomes-frameworks/{pk}",
    response={200: OutcomesFrameworkOut, 422: ErrorsOut},
    summary="Change an outcomes framework's title, purpose or the cycle it plans",
)
def outcomes_framework_update(
    request: AuthenticatedHttpRequest, pk: int, body: OutcomesFrameworkIn
) -> Status[OutcomesFrameworkOut | ErrorsOut]:
    found = get_object_or_404(_FRAMEWORKS, pk=pk)
    _require_editor(request, found.programme)
    try:
        services.outcomes_framework_update(
            actor=request.user,
            framework=found,
            title=body.title,
            purpose=body.purpose,
            cycle=_cycle_of(found.programme, body.cycle_id),
        )
    except ValidationError as error:
        return Status(422, ErrorsOut(errors=_errors(error)))
    return Status(200, _framework_out(_FRAMEWORKS.get(pk=found.pk)))


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
