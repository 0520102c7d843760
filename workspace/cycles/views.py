"""Pages for programmes and their cycles. Each view checks access, parses, calls a service.

Access: reading needs the VIEW capability in the programme's lead or partner
organisation; changing needs EDIT; signing a gate off needs APPROVE and the gate's role;
adapting frameworks needs ADMINISTER. Providers and people from other organisations hold
none of these here, so they are refused everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET

from workspace.accounts.access import Capability, has_capability, organisations_with
from workspace.accounts.models import Organisation
from workspace.cycles import services
from workspace.cycles.forms import (
    ActivityForm,
    ArtefactForm,
    CoProductionForm,
    DecisionForm,
    DecommissioningStartForm,
    DecommissioningStepForm,
    GateSubmitForm,
    ProgrammeForm,
    RecommendationForm,
    SignOffForm,
    StartCycleForm,
)
from workspace.cycles.models import (
    Artefact,
    Cycle,
    Decision,
    DecommissioningPlan,
    Programme,
    Recommendation,
    StageProgress,
)
from workspace.cycles.pages import GET_POST
from workspace.cycles.pages import page as _page
from workspace.cycles.presenters import cycle_task_list, programme_rows
from workspace.http import AuthenticatedHttpRequest

# --- access -------------------------------------------------------------------------------


def _may(request: HttpRequest, programme: Programme, capability: Capability) -> bool:
    return any(has_capability(request.user, org, capability) for org in programme.organisations())


def _require(request: HttpRequest, programme: Programme, capability: Capability) -> None:
    if not _may(request, programme, capability):
        raise PermissionDenied("You cannot see or change this programme.")


def _programme(request: HttpRequest, pk: int, capability: Capability) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("organisation", "partner_organisation"), pk=pk
    )
    _require(request, programme, capability)
    return programme


def _cycle(request: HttpRequest, pk: int, capability: Capability) -> Cycle:
    cycle = get_object_or_404(
        Cycle.objects.select_related(
            "programme", "programme__organisation", "programme__partner_organisation"
        ),
        pk=pk,
    )
    _require(request, cycle.programme, capability)
    return cycle


def _progress(cycle: Cycle, stage_id: str) -> StageProgress:
    progress = cycle.stages.filter(stage_id=stage_id).first()
    if progress is None:
        raise Http404("No such stage in this cycle")
    return progress


def _visible_programmes(request: HttpRequest) -> QuerySet[Programme]:
    organisations = organisations_with(request.user, Capability.VIEW)
    return (
        Programme.objects.filter(
            Q(organisation__in=organisations) | Q(partner_organisation__in=organisations)
        )
        .select_related("organisation", "partner_organisation")
        .distinct()
    )


def _stage_choices(cycle: Cycle) -> list[tuple[str, str]]:
    return [(stage.id, stage.name) for stage in cycle.definition.stages]


# --- programmes ---------------------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not organisations_with(request.user, Capability.VIEW).exists():
        raise PermissionDenied("You have no programmes to see.")
    programmes = list(_visible_programmes(request))
    may_create = organisations_with(request.user, Capability.EDIT).exists()
    return _page(
        request,
        "programme_list.html",
        "Programmes",
        rows=programme_rows(programmes),
        may_create=may_create,
    )


@login_required
@GET_POST
def programme_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = organisations_with(request.user, Capability.EDIT).filter(
        kind__in=[k for k in Organisation.Kind.values if k != Organisation.Kind.PROVIDER]
    )
    if not organisations.exists():
        raise PermissionDenied("You cannot create programmes.")
    partners = Organisation.objects.exclude(kind=Organisation.Kind.PROVIDER)
    form = ProgrammeForm(request.POST or None, organisations=organisations, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                partner_organisation=form.cleaned_data["partner_organisation"],
                name=form.cleaned_data["name"],
                service_area=form.cleaned_data["service_area"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Programme created: {programme.name}")
            return redirect("cycles:programme", pk=programme.pk)
    return _page(request, "programme_new.html", "Create a programme", form=form)


@login_required
@require_GET
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.VIEW)
    cycles = list(programme.cycles.select_related("framework").order_by("-number"))
    latest = cycles[0] if cycles else None
    return _page(
        request,
        "programme_detail.html",
        programme.name,
        programme=programme,
        cycles=cycles,
        latest=latest,
        may_edit=_may(request, programme, Capability.EDIT),
    )


# --- cycles -------------------------------------------------------------------------------


def _start_cycle(
    request: AuthenticatedHttpRequest, programme: Programme, previous: Cycle | None
) -> HttpResponse:
    frameworks = services.frameworks_available_to(programme)
    initial: dict[str, Any] = {}
    if previous is not None:
        same = [f for f in frameworks if f.key == previous.framework.key]
        initial["framework"] = (same[0] if same else previous.framework).pk
    elif frameworks:
        initial["framework"] = frameworks[0].pk
    form = StartCycleForm(request.POST or None, frameworks=frameworks, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_start(
                actor=request.user,
                programme=programme,
                framework=form.cleaned_data["framework"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Cycle {cycle.number} started")
            return redirect("cycles:cycle", pk=cycle.pk)
    carried = list(previous.recommendations.all()) if previous is not None else []
    return _page(
        request,
        "cycle_start.html",
        "Start the next cycle" if previous else "Start a cycle",
        programme=programme,
        previous=previous,
        carried=carried,
        frameworks=frameworks,
        form=form,
    )


@login_required
@GET_POST
def cycle_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.EDIT)
    return _start_cycle(request, programme, programme.current_cycle())


@login_required
@GET_POST
def cycle_start_next(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    latest = cycle.programme.current_cycle()
    if latest is not None and latest.pk != cycle.pk:
        messages.info(request, f"Cycle {latest.number} already follows this one")
        return redirect("cycles:cycle", pk=latest.pk)
    return _start_cycle(request, cycle.programme, cycle)


@login_required
@require_GET
def cycle_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.VIEW)
    return _page(
        request,
        "cycle_detail.html",
        str(cycle),
        cycle=cycle,
        programme=cycle.programme,
        stages=cycle_task_list(cycle),
        current=cycle.current_progress(),
        recommendations=list(cycle.recommendations.all()),
        carried=list(cycle.carried_recommendations.select_related("cycle")),
        may_edit=_may(request, cycle.programme, Capability.EDIT),
        decommissioning=DecommissioningPlan.objects.filter(cycle=cycle).first(),
        following=Cycle.objects.filter(previous_cycle=cycle).first(),
    )


# --- artefacts ----------------------------------------------------------------------------


def _artefact(request: HttpRequest, pk: int, capability: Capability) -> Artefact:
    artefact = get_object_or_404(Artefact.objects.select_related("cycle__programme"), pk=pk)
    _require(request, artefact.cycle.programme, capability)
    return artefact


@login_required
@require_GET
def artefact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    artefact = _artefact(request, pk, Capability.VIEW)
    cycle = artefact.cycle
    progress = _progress(cycle, artefact.stage_id)
    return _page(
        request,
        "artefact_detail.html",
        artefact.title,
        artefact=artefact,
        cycle=cycle,
        stage=progress.stage,
        activity=cycle.activity(artefact.activity_id),
        may_edit=_may(request, cycle.programme, Capability.EDIT) and progress.is_editable,
    )


@login_required
@require_GET
def artefact_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    artefact = _artefact(request, pk, Capability.VIEW)
    if not artefact.file:
        raise Http404("No file")
    return FileResponse(artefact.file.open("rb"), as_attachment=True)


@login_required
@GET_POST
def artefact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    artefact = _artefact(request, pk, Capability.EDIT)
    cycle = artefact.cycle
    progress = _progress(cycle, artefact.stage_id)
    initial = {
        "title": artefact.title,
        "summary": artefact.summary,
        "findings": artefact.findings,
        "evidence": artefact.evidence,
        "links": artefact.links,
        "status": artefact.status if artefact.status != Artefact.Status.NOT_STARTED else "",
    }
    form = ArtefactForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.artefact_update(
                actor=request.user,
                artefact=artefact,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                findings=form.cleaned_data["findings"],
                evidence=form.cleaned_data["evidence"],
                links=form.cleaned_data["links"],
                status=form.cleaned_data["status"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Saved: {artefact.title}")
            return redirect("cycles:cycle", pk=cycle.pk)
    return _page(
        request,
        "artefact_edit.html",
        f"Edit {artefact.title}",
        artefact=artefact,
        cycle=cycle,
        progress=progress,
        stage=progress.stage,
        activity=cycle.activity(artefact.activity_id),
        form=form,
    )


@login_required
@GET_POST
def activity_add(request: AuthenticatedHttpRequest, pk: int, stage_id: str) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    progress = _progress(cycle, stage_id)
    if not progress.stage.free_activities:
        raise Http404("This stage's activities are set by its framework")
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_add(
                actor=request.user, cycle=cycle, stage_id=stage_id, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Activity added: {form.cleaned_data['name']}")
            return redirect("cycles:cycle", pk=cycle.pk)
    return _page(
        request,
        "activity_add.html",
        f"Add an activity to {progress.stage.name}",
        cycle=cycle,
        stage=progress.stage,
        form=form,
    )


# --- gates --------------------------------------------------------------------------------


@login_required
@GET_POST
def gate(request: AuthenticatedHttpRequest, pk: int, stage_id: str) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.VIEW)
    progress = _progress(cycle, stage_id)
    may_edit = _may(request, cycle.programme, Capability.EDIT)
    form = GateSubmitForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("You cannot submit this gate.")
        if form.is_valid():
            try:
                services.gate_submit(
                    actor=request.user,
                    progress=progress,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{progress.stage.name} gate submitted for sign-off")
                return redirect("cycles:cycle", pk=cycle.pk)
    artefacts = list(cycle.artefacts.filter(stage_id=stage_id))
    return _page(
        request,
        "gate.html",
        f"{progress.stage.name}: {progress.stage.gate.name}",
        cycle=cycle,
        progress=progress,
        stage=progress.stage,
        artefacts=artefacts,
        missing=services.missing_artefacts(progress),
        decisions=list(cycle.decisions.filter(stage_id=stage_id).order_by("-decided_at")),
        may_edit=may_edit and progress.is_editable,
        may_sign_off=(
            progress.status == StageProgress.Status.SUBMITTED
            and services.may_sign_off(request.user, progress)
        ),
        form=form,
    )


@login_required
@GET_POST
def sign_off(request: AuthenticatedHttpRequest, pk: int, stage_id: str) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.VIEW)
    progress = _progress(cycle, stage_id)
    if not services.may_sign_off(request.user, progress):
        raise PermissionDenied("You do not hold the role that signs this gate off.")
    if progress.status != StageProgress.Status.SUBMITTED:
        messages.info(request, "This gate is not awaiting sign-off")
        return redirect("cycles:gate", pk=cycle.pk, stage_id=stage_id)
    gate_definition = progress.stage.gate
    form = SignOffForm(request.POST or None, checklist=gate_definition.checklist)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == SignOffForm.APPROVE:
                services.gate_approve(
                    actor=request.user,
                    progress=progress,
                    checklist_confirmed=data["checklist"],
                    note=data["note"],
                )
                messages.success(request, f"{progress.stage.name} gate signed off")
            else:
                services.gate_send_back(
                    actor=request.user,
                    progress=progress,
                    reason=data["reason"],
                )
                messages.success(request, f"{progress.stage.name} gate sent back")
        except ValidationError as error:
            form.add_service_error(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect("cycles:approvals")
    return _page(
        request,
        "sign_off.html",
        f"Sign off: {progress.stage.name}",
        cycle=cycle,
        progress=progress,
        stage=progress.stage,
        artefacts=list(cycle.artefacts.filter(stage_id=stage_id)),
        coproduction=list(cycle.coproduction.filter(stage_id=stage_id)),
        warnings=services.sign_off_warnings(progress),
        form=form,
    )


@login_required
@require_GET
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = organisations_with(request.user, Capability.VIEW)
    if not organisations.exists():
        raise PermissionDenied("You have no sign-offs waiting.")
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
    rows = [p for p in waiting if services.may_sign_off(request.user, p)]
    return _page(request, "approvals.html", "Awaiting sign-off", rows=rows)


# --- decisions, co-production and recommendations -----------------------------------------


@login_required
@require_GET
def decision_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.VIEW)
    decisions = list(cycle.decisions.select_related("decided_by").order_by("-decided_at", "-id"))
    stage_names = dict(_stage_choices(cycle))
    return _page(
        request,
        "decision_list.html",
        f"Decision log: cycle {cycle.number}",
        cycle=cycle,
        decisions=decisions,
        stage_names=stage_names,
        may_edit=_may(request, cycle.programme, Capability.EDIT),
    )


@login_required
@require_GET
def programme_decisions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.VIEW)
    decisions = list(
        Decision.objects.filter(cycle__programme=programme)
        .select_related("cycle", "decided_by")
        .order_by("-decided_at", "-id")
    )
    return _page(
        request,
        "programme_decisions.html",
        f"Decision log: {programme.name}",
        programme=programme,
        decisions=decisions,
    )


def _record_entry(
    request: AuthenticatedHttpRequest,
    cycle: Cycle,
    form: DecisionForm | CoProductionForm,
    *,
    record: Callable[..., object],
    success: str,
    to: str,
) -> HttpResponse | None:
    """Record a posted, valid entry for ``cycle``; the redirect on success, else ``None``."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        record(actor=request.user, cycle=cycle, **form.cleaned_data)
    except ValidationError as error:
        form.add_service_error(error)
        return None
    messages.success(request, success)
    return redirect(to, pk=cycle.pk)


@login_required
@GET_POST
def decision_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    form = DecisionForm(request.POST or None, stages=_stage_choices(cycle))
    done = _record_entry(
        request,
        cycle,
        form,
        record=services.decision_record,
        success="Decision recorded",
        to="cycles:decisions",
    )
    if done is not None:
        return done
    return _page(request, "decision_new.html", "Record a decision", cycle=cycle, form=form)


@login_required
@require_GET
def coproduction_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.VIEW)
    return _page(
        request,
        "coproduction_list.html",
        f"Co-production: cycle {cycle.number}",
        cycle=cycle,
        entries=list(cycle.coproduction.order_by("-held_on", "-id")),
        stage_names=dict(_stage_choices(cycle)),
        may_edit=_may(request, cycle.programme, Capability.EDIT),
    )


@login_required
@GET_POST
def coproduction_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    current = cycle.current_progress()
    form = CoProductionForm(
        request.POST or None,
        stages=_stage_choices(cycle),
        initial={"stage_id": current.stage_id if current else ""},
    )
    done = _record_entry(
        request,
        cycle,
        form,
        record=services.coproduction_record,
        success="Co-production recorded",
        to="cycles:coproduction",
    )
    if done is not None:
        return done
    return _page(request, "coproduction_new.html", "Record co-production", cycle=cycle, form=form)


@login_required
@GET_POST
def recommendation_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.recommendation_record(
                actor=request.user,
                cycle=cycle,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Recommendation recorded: it will start the next cycle")
            if recommendation.choice == Recommendation.Choice.DECOMMISSION:
                return redirect("cycles:decommissioning-start", pk=cycle.pk)
            return redirect("cycles:cycle", pk=cycle.pk)
    return _page(
        request, "recommendation_new.html", "Record a review recommendation", cycle=cycle, form=form
    )


# --- decommissioning ----------------------------------------------------------------------


@login_required
@require_GET
def decommissioning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.VIEW)
    plan = DecommissioningPlan.objects.filter(cycle=cycle).first()
    return _page(
        request,
        "decommissioning.html",
        f"Decommissioning: {cycle.programme.name}",
        cycle=cycle,
        plan=plan,
        steps=list(plan.steps.all()) if plan else [],
        recommended=cycle.recommendations.filter(
            choice=Recommendation.Choice.DECOMMISSION
        ).exists(),
        may_edit=_may(request, cycle.programme, Capability.EDIT),
    )


@login_required
@GET_POST
def decommissioning_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    if DecommissioningPlan.objects.filter(cycle=cycle).exists():
        return redirect("cycles:decommissioning", pk=cycle.pk)
    recommended = cycle.recommendations.filter(choice=Recommendation.Choice.DECOMMISSION).last()
    initial = (
        {"source": DecommissioningPlan.Source.REVIEW, "reason": recommended.rationale}
        if recommended
        else {}
    )
    form = DecommissioningStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decommissioning_start(
                actor=request.user,
                cycle=cycle,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Decommissioning started")
            return redirect("cycles:decommissioning", pk=cycle.pk)
    return _page(
        request, "decommissioning_start.html", "Start decommissioning", cycle=cycle, form=form
    )


@login_required
@GET_POST
def decommissioning_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    plan = get_object_or_404(DecommissioningPlan, cycle=cycle)
    item = get_object_or_404(plan.steps, step=step)
    form = DecommissioningStepForm(
        request.POST or None, initial={"notes": item.notes, "completed": item.completed}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decommissioning_step_update(
                actor=request.user,
                step=item,
                notes=form.cleaned_data["notes"],
                completed=form.cleaned_data["completed"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Saved: {item.get_step_display()}")
            return redirect("cycles:decommissioning", pk=cycle.pk)
    return _page(
        request,
        "decommissioning_step.html",
        item.get_step_display(),
        cycle=cycle,
        item=item,
        form=form,
    )
