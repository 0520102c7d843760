"""API operations over programmes, cycles, decisions and approvals (mounted on ``/api/``).

Each operation checks the same capabilities as the pages and calls the same services, so
a script and a person are held to the same rules. A rule broken gives 422 with a message
per field; a record the caller may not see gives 403.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from workspace.accounts.access import Capability, has_capability, organisations_with
from workspace.cycles import services
from workspace.cycles.models import Cycle, CycleFramework, Decision, Programme, StageProgress
from workspace.http import AuthenticatedHttpRequest

router = Router(tags=["Programmes and cycles"])


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class CurrentCycleOut(Schema):
    id: int
    number: int
    status: str
    stage: str | None


class ProgrammeOut(Schema):
    id: int
    name: str
    service_area: str
    organisation: str
    partner_organisation: str | None
    status: str
    current_cycle: CurrentCycleOut | None


class StageOut(Schema):
    id: str
    name: str
    status: str
    gate: str
    approver_role: str


class ArtefactOut(Schema):
    id: int
    stage: str
    activity: str
    kind: str
    title: str
    required: bool
    status: str


class CycleOut(Schema):
    id: int
    programme_id: int
    number: int
    framework: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    previous_cycle_id: int | None
    starting_evidence: str
    stages: list[StageOut]
    artefacts: list[ArtefactOut]


class CycleStartIn(Schema):
    framework_id: int


class DecisionOut(Schema):
    id: int
    kind: str
    stage: str
    title: str
    options_considered: str
    rationale: str
    evidence_links: list[str]
    decision_maker: str
    decided_by: str | None
    decided_at: dt.datetime


class DecisionIn(Schema):
    title: str
    rationale: str
    options_considered: str = ""
    evidence_links: str = ""
    stage_id: str = ""
    decision_maker: str = ""


class ApprovalOut(Schema):
    cycle_id: int
    programme: str
    cycle_number: int
    stage: str
    gate: str
    checklist: list[str]
    submitted_at: dt.datetime | None
    submitted_by: str | None


class SignOffIn(Schema):
    outcome: str
    checklist: list[str] = []
    note: str = ""
    reason: str = ""


def _may(request: HttpRequest, programme: Programme, capability: Capability) -> bool:
    return any(has_capability(request.user, org, capability) for org in programme.organisations())


def _require(request: HttpRequest, programme: Programme, capability: Capability) -> None:
    if not _may(request, programme, capability):
        raise HttpError(403, "You cannot see or change this programme.")


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [m for e in errs for m in e.messages] for field, errs in error.error_dict.items()
        }
    return {"__all__": list(error.messages)}


def _person(user: object) -> str | None:
    return user.get_username() if user is not None else None  # type: ignore[attr-defined]


def _programme_out(programme: Programme) -> ProgrammeOut:
    cycle = programme.current_cycle()
    current = None
    if cycle is not None:
        progress = cycle.current_progress()
        current = CurrentCycleOut(
            id=cycle.pk,
            number=cycle.number,
            status=cycle.status,
            stage=progress.stage_id if progress else None,
        )
    return ProgrammeOut(
        id=programme.pk,
        name=programme.name,
        service_area=programme.service_area,
        organisation=programme.organisation.slug,
        partner_organisation=(
            programme.partner_organisation.slug if programme.partner_organisation else None
        ),
        status=programme.status,
        current_cycle=current,
    )


def _cycle_out(cycle: Cycle) -> CycleOut:
    definition = cycle.definition
    progress = {p.stage_id: p.status for p in cycle.stages.all()}
    return CycleOut(
        id=cycle.pk,
        programme_id=cycle.programme_id,
        number=cycle.number,
        framework=cycle.framework_label,
        status=cycle.status,
        started_at=cycle.started_at,
        ended_at=cycle.ended_at,
        previous_cycle_id=cycle.previous_cycle_id,
        starting_evidence=cycle.starting_evidence,
        stages=[
            StageOut(
                id=stage.id,
                name=stage.name,
                status=progress[stage.id],
                gate=stage.gate.name,
                approver_role=stage.gate.approver_role,
            )
            for stage in definition.stages
        ],
        artefacts=[
            ArtefactOut(
                id=a.pk,
                stage=a.stage_id,
                activity=a.activity_id,
                kind=a.kind,
                title=a.title,
                required=a.required,
                status=a.status,
            )
            for a in cycle.artefacts.order_by("id")
        ],
    )


def _decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(
        id=decision.pk,
        kind=decision.kind,
        stage=decision.stage_id,
        title=decision.title,
        options_considered=decision.options_considered,
        rationale=decision.rationale,
        evidence_links=decision.evidence_list(),
        decision_maker=decision.decision_maker,
        decided_by=_person(decision.decided_by),
        decided_at=decision.decided_at,
    )


def _cycle_for(request: HttpRequest, pk: int, capability: Capability) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("programme"), pk=pk)
    _require(request, cycle.programme, capability)
    return cycle


@router.get("/programmes", response=list[ProgrammeOut], summary="Programmes you may see")
def programme_list(request: AuthenticatedHttpRequest) -> list[ProgrammeOut]:
    organisations = organisations_with(request.user, Capability.VIEW)
    programmes = (
        Programme.objects.filter(
            Q(organisation__in=organisations) | Q(partner_organisation__in=organisations)
        )
        .select_related("organisation", "partner_organisation")
        .distinct()
    )
    return [_programme_out(p) for p in programmes]


@router.get("/programmes/{pk}", response=ProgrammeOut, summary="One programme")
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> ProgrammeOut:
    programme = get_object_or_404(Programme, pk=pk)
    _require(request, programme, Capability.VIEW)
    return _programme_out(programme)


@router.post(
    "/programmes/{pk}/cycles",
    response={201: CycleOut, 422: ErrorsOut},
    summary="Start the programme's next cycle on a framework version",
)
def cycle_start(
    request: AuthenticatedHttpRequest, pk: int, body: CycleStartIn
) -> Status[CycleOut | ErrorsOut]:
    programme = get_object_or_404(Programme, pk=pk)
    _require(request, programme, Capability.EDIT)
    framework = CycleFramework.objects.filter(pk=body.framework_id).first()
    if framework is None:
        return Status(422, ErrorsOut(errors={"framework_id": ["No framework has this id"]}))
    try:
        cycle = services.cycle_start(actor=request.user, programme=programme, framework=framework)
    except ValidationError as error:
        return Status(422, ErrorsOut(errors=_errors(error)))
    return Status(201, _cycle_out(cycle))


@router.get("/cycles/{pk}", response=CycleOut, summary="A cycle: stages, gates and artefacts")
def cycle_detail(request: AuthenticatedHttpRequest, pk: int) -> CycleOut:
    return _cycle_out(_cycle_for(request, pk, Capability.VIEW))


@router.get("/cycles/{pk}/decisions", response=list[DecisionOut], summary="A cycle's decisions")
def decision_list(request: AuthenticatedHttpRequest, pk: int) -> list[DecisionOut]:
    cycle = _cycle_for(request, pk, Capability.VIEW)
    return [_decision_out(d) for d in cycle.decisions.select_related("decided_by")]


@router.post(
    "/cycles/{pk}/decisions",
    response={201: DecisionOut, 422: ErrorsOut},
    summary="Record a decision",
)
def decision_record(
    request: AuthenticatedHttpRequest, pk: int, body: DecisionIn
) -> Status[DecisionOut | ErrorsOut]:
    cycle = _cycle_for(request, pk, Capability.EDIT)
    try:
        decision = services.decision_record(actor=request.user, cycle=cycle, **body.dict())
    except ValidationError as error:
        return Status(422, ErrorsOut(errors=_errors(error)))
    return Status(201, _decision_out(decision))


@router.get("/approvals", response=list[ApprovalOut], summary="Gates awaiting your sign-off")
def approval_list(request: AuthenticatedHttpRequest) -> list[ApprovalOut]:
    organisations = organisations_with(request.user, Capability.VIEW)
    waiting = (
        StageProgress.objects.filter(status=StageProgress.Status.SUBMITTED)
        .filter(
            Q(cycle__programme__organisation__in=organisations)
            | Q(cycle__programme__partner_organisation__in=organisations)
        )
        .select_related("cycle__programme", "submitted_by")
        .distinct()
        .order_by("submitted_at")
    )
    return [
        ApprovalOut(
            cycle_id=p.cycle_id,
            programme=p.cycle.programme.name,
            cycle_number=p.cycle.number,
            stage=p.stage_id,
            gate=p.stage.gate.name,
            checklist=list(p.stage.gate.checklist),
            submitted_at=p.submitted_at,
            submitted_by=_person(p.submitted_by),
        )
        for p in waiting
        if services.may_sign_off(request.user, p)
    ]


@router.post(
    "/cycles/{pk}/stages/{stage_id}/sign-off",
    response={200: DecisionOut, 422: ErrorsOut},
    summary="Sign a gate off, or send it back with a reason",
)
def gate_sign_off(
    request: AuthenticatedHttpRequest, pk: int, stage_id: str, body: SignOffIn
) -> Status[DecisionOut | ErrorsOut]:
    cycle = _cycle_for(request, pk, Capability.VIEW)
    progress = get_object_or_404(StageProgress, cycle=cycle, stage_id=stage_id)
    try:
        if body.outcome == "approve":
            decision = services.gate_approve(
                actor=request.user,
                progress=progress,
                checklist_confirmed=body.checklist,
                note=body.note,
            )
        elif body.outcome == "send_back":
            decision = services.gate_send_back(
                actor=request.user, progress=progress, reason=body.reason
            )
        else:
            return Status(422, ErrorsOut(errors={"outcome": ["Choose approve or send_back"]}))
    except ValidationError as error:
        return Status(422, ErrorsOut(errors=_errors(error)))
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    return Status(200, _decision_out(decision))
