"""Use cases for programmes and cycles: each in one transaction, each change audited.

Every function is named ``<entity>_<verb>``, takes keyword arguments only, checks the
rules of the cycle (a gate is submitted only when its required artefacts are complete,
signed off only by someone holding the gate's role, never by the person who submitted
it...), and records what it changed with :func:`workspace.audit.services.audit_record`
inside the same transaction, so the change and its record land together or not at all.
Rule breaches raise :class:`django.core.exceptions.ValidationError` with a message per
field, ready for a form's error summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from spiral.frameworks import (
    DEFAULT_FRAMEWORK_ID,
    framework_to_document,
)
from workspace.accounts.access import Capability, has_capability
from workspace.accounts.models import Organisation
from workspace.audit.services import audit_record, snapshot
from workspace.cycles.framework_services import (
    framework_adapt,
    framework_import,
    framework_load_shipped,
    framework_revise,
)
from workspace.cycles.gate_services import (
    GATE_APPROVED_HOOKS,
    SIGN_OFF_WARNINGS,
    gate_approve,
    gate_send_back,
    gate_submit,
    may_sign_off,
    missing_artefacts,
    sign_off_warnings,
)
from workspace.cycles.models import (
    AddedActivity,
    Artefact,
    CoProductionEntry,
    Cycle,
    CycleFramework,
    Decision,
    DecommissioningPlan,
    DecommissioningStep,
    Programme,
    Recommendation,
    StageProgress,
    artefact_slots,
)
from workspace.cycles.rules import check_links as _check_links
from workspace.cycles.rules import now as _now
from workspace.cycles.rules import required as _required

#: What the app and its neighbours call; the framework and gate use cases live in their
#: own modules and are re-exported here.
__all__ = [
    "GATE_APPROVED_HOOKS",
    "SIGN_OFF_WARNINGS",
    "activity_add",
    "artefact_update",
    "coproduction_record",
    "cycle_start",
    "decision_record",
    "decommissioning_start",
    "decommissioning_step_update",
    "framework_adapt",
    "framework_import",
    "framework_load_shipped",
    "framework_revise",
    "frameworks_available_to",
    "gate_approve",
    "gate_send_back",
    "gate_submit",
    "may_sign_off",
    "missing_artefacts",
    "programme_create",
    "recommendation_record",
    "sign_off_warnings",
]


# --- programmes and cycles ----------------------------------------------------------------


def programme_create(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    service_area: str,
    description: str = "",
    partner_organisation: Organisation | None = None,
) -> Programme:
    """Create a programme, optionally commissioned jointly with a partner organisation."""
    if not has_capability(actor, organisation, Capability.EDIT):
        raise PermissionDenied("You cannot create programmes for this organisation.")
    _required(
        {"name": name, "service_area": service_area},
        {"name": "Enter the programme's name", "service_area": "Enter the service area"},
    )
    if partner_organisation is not None and partner_organisation.pk == organisation.pk:
        raise ValidationError(
            {"partner_organisation": "A partner must be a different organisation"}
        )
    with transaction.atomic():
        programme = Programme.objects.create(
            organisation=organisation,
            partner_organisation=partner_organisation,
            name=name.strip(),
            service_area=service_area.strip(),
            description=description.strip(),
        )
        audit_record(
            actor=actor,
            action="created programme",
            target=programme,
            organisation=organisation,
            after=snapshot(programme),
        )
    return programme


def frameworks_available_to(programme: Programme) -> list[CycleFramework]:
    """Framework versions a programme may start a cycle on: shipped ones and its owners'."""
    owners = [org.pk for org in programme.organisations()]
    records = CycleFramework.objects.filter(
        organisation__isnull=True
    ) | CycleFramework.objects.filter(organisation_id__in=owners)
    latest: dict[tuple[int | None, str], CycleFramework] = {}
    for record in records.order_by("key", "-version"):
        latest.setdefault((record.organisation_id, record.key), record)
    return sorted(
        latest.values(),
        key=lambda r: (r.organisation_id is not None, r.key != _default_key(), r.name),
    )


def _default_key() -> str:

    return DEFAULT_FRAMEWORK_ID


def _starting_evidence(previous: Cycle) -> str:
    lines = [f"Carried forward from cycle {previous.number} ({previous.framework_label})."]
    recommendations = list(previous.recommendations.order_by("id"))
    if not recommendations:
        lines.append("The previous cycle's review made no recommendation.")
    for rec in recommendations:
        lines.append(f"Recommendation: {rec.get_choice_display()}. {rec.rationale}")
        if rec.evidence:
            lines.append(f"Evidence: {rec.evidence}")
    return "\n".join(lines)


def cycle_start(
    *,
    actor: User,
    programme: Programme,
    framework: CycleFramework,
    at: dt.datetime | None = None,
) -> Cycle:
    """Start the programme's next cycle on a framework version, pinning its definition.

    The previous cycle (if any) must be complete; its review recommendations are carried
    in as this cycle's starting evidence and the two cycles are linked.
    """
    if not any(has_capability(actor, org, Capability.EDIT) for org in programme.organisations()):
        raise PermissionDenied("You cannot start cycles for this programme.")
    if programme.status != Programme.Status.ACTIVE:
        raise ValidationError({"framework": "This programme is no longer active"})
    owners = {org.pk for org in programme.organisations()}
    if framework.organisation_id is not None and framework.organisation_id not in owners:
        raise ValidationError({"framework": "Choose a framework this programme may use"})
    with transaction.atomic():
        previous = (
            Cycle.objects.select_for_update()
            .filter(programme=programme)
            .order_by("-number")
            .first()
        )
        if previous is not None and previous.is_open:
            raise ValidationError(
                {"framework": f"Cycle {previous.number} is still in progress: finish it first"}
            )
        definition = framework.framework
        started = _now(at)
        cycle = Cycle.objects.create(
            programme=programme,
            number=(previous.number + 1) if previous else 1,
            framework=framework,
            framework_label=framework.label,
            framework_snapshot=framework_to_document(definition),
            previous_cycle=previous,
            starting_evidence=_starting_evidence(previous) if previous else "",
            started_at=started,
            started_by=actor,
        )
        for position, stage in enumerate(definition.stages):
            StageProgress.objects.create(
                cycle=cycle,
                stage_id=stage.id,
                position=position,
                status=(
                    StageProgress.Status.IN_PROGRESS
                    if position == 0
                    else StageProgress.Status.NOT_STARTED
                ),
            )
        Artefact.objects.bulk_create(
            Artefact(
                cycle=cycle,
                stage_id=slot["stage_id"],
                activity_id=slot["activity_id"],
                requirement_id=slot["requirement_id"],
                kind=slot["kind"],
                required=slot["required"],
                title=slot["name"],
            )
            for slot in artefact_slots(definition)
        )
        if previous is not None:
            previous.recommendations.update(carried_into=cycle)
        audit_record(
            actor=actor,
            action="started cycle",
            target=cycle,
            organisation=programme.organisation,
            after=snapshot(cycle),
        )
    return cycle


# --- artefacts ----------------------------------------------------------------------------


def artefact_update(
    *,
    actor: User,
    artefact: Artefact,
    title: str,
    summary: str,
    findings: str = "",
    evidence: str = "",
    links: str = "",
    status: str,
    file: UploadedFile | None = None,
    at: dt.datetime | None = None,
) -> Artefact:
    """Save an artefact's text, links and file; ``complete`` needs a title and a summary."""
    cycle = artefact.cycle
    if not any(
        has_capability(actor, org, Capability.EDIT) for org in cycle.programme.organisations()
    ):
        raise PermissionDenied("You cannot change this cycle's artefacts.")
    if status not in {Artefact.Status.DRAFT, Artefact.Status.COMPLETE}:
        raise ValidationError({"status": "Choose draft or complete"})
    _required({"title": title}, {"title": "Enter a title"})
    if status == Artefact.Status.COMPLETE and not summary.strip():
        raise ValidationError({"summary": "Enter a summary before marking the artefact complete"})
    links = _check_links(links, "links")
    with transaction.atomic():
        progress = StageProgress.objects.select_for_update().get(
            cycle=cycle, stage_id=artefact.stage_id
        )
        if not progress.is_editable:
            raise ValidationError(
                {"status": f"The stage is {progress.get_status_display().lower()}: it is locked"}
            )
        before = snapshot(artefact)
        artefact.title = title.strip()
        artefact.summary = summary.strip()
        artefact.findings = findings.strip()
        artefact.evidence = evidence.strip()
        artefact.links = links
        artefact.status = status
        if file is not None:
            artefact.file = file
        artefact.updated_at = _now(at)
        artefact.updated_by = actor
        artefact.save()
        if progress.status == StageProgress.Status.NOT_STARTED:
            progress.status = StageProgress.Status.IN_PROGRESS
            progress.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="updated artefact",
            target=artefact,
            organisation=cycle.programme.organisation,
            before=before,
            after=snapshot(artefact),
        )
    return artefact


def activity_add(
    *,
    actor: User,
    cycle: Cycle,
    stage_id: str,
    name: str,
    guidance: str = "",
    artefact_kind: str = "other",
    at: dt.datetime | None = None,
) -> AddedActivity:
    """Add an activity, with one artefact, to a stage whose framework leaves activities open."""
    _check_editor(actor, cycle)
    _check_stage(cycle, stage_id)
    stage = cycle.definition.stage(stage_id)
    if not stage.free_activities:
        raise ValidationError({"name": "This stage's activities are set by its framework"})
    _required({"name": name}, {"name": "Enter the activity's name"})
    if artefact_kind not in dict(Artefact._meta.get_field("kind").choices or []):
        raise ValidationError({"artefact_kind": "Choose what the activity produces"})
    with transaction.atomic():
        progress = StageProgress.objects.select_for_update().get(cycle=cycle, stage_id=stage_id)
        if not progress.is_editable:
            raise ValidationError({"name": "The stage is locked: it cannot take new activities"})
        added = AddedActivity.objects.create(
            cycle=cycle,
            stage_id=stage_id,
            name=name.strip(),
            guidance=guidance.strip(),
            added_by=actor,
            added_at=_now(at),
        )
        artefact = Artefact.objects.create(
            cycle=cycle,
            stage_id=stage_id,
            activity_id=added.activity_id,
            requirement_id=artefact_kind,
            kind=artefact_kind,
            required=False,
            title=name.strip(),
        )
        organisation = cycle.programme.organisation
        audit_record(
            actor=actor,
            action="added activity",
            target=added,
            organisation=organisation,
            after=snapshot(added),
        )
        audit_record(
            actor=actor,
            action="added artefact",
            target=artefact,
            organisation=organisation,
            after=snapshot(artefact),
        )
    return added


# --- decisions, co-production, recommendations --------------------------------------------


def _check_editor(actor: User, cycle: Cycle) -> None:
    if not any(
        has_capability(actor, org, Capability.EDIT) for org in cycle.programme.organisations()
    ):
        raise PermissionDenied("You cannot change this cycle's records.")


def _check_stage(cycle: Cycle, stage_id: str, field: str = "stage_id") -> None:
    if stage_id and stage_id not in {stage.id for stage in cycle.definition.stages}:
        raise ValidationError({field: "Choose a stage of this cycle"})


def decision_record(
    *,
    actor: User,
    cycle: Cycle,
    title: str,
    rationale: str,
    options_considered: str = "",
    evidence_links: str = "",
    stage_id: str = "",
    decision_maker: str = "",
    decided_at: dt.datetime | None = None,
) -> Decision:
    """Log a decision with the options considered, the rationale and the evidence."""
    _check_editor(actor, cycle)
    _required(
        {"title": title, "rationale": rationale},
        {"title": "Enter what was decided", "rationale": "Enter why it was decided"},
    )
    _check_stage(cycle, stage_id)
    evidence_links = _check_links(evidence_links, "evidence_links")
    with transaction.atomic():
        decision = Decision.objects.create(
            cycle=cycle,
            stage_id=stage_id,
            kind=Decision.Kind.GENERAL,
            title=title.strip(),
            options_considered=options_considered.strip(),
            rationale=rationale.strip(),
            evidence_links=evidence_links,
            decision_maker=decision_maker.strip(),
            decided_by=actor,
            decided_at=_now(decided_at),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="recorded decision",
            target=decision,
            organisation=cycle.programme.organisation,
            after=snapshot(decision),
        )
    return decision


def coproduction_record(
    *,
    actor: User,
    cycle: Cycle,
    stage_id: str,
    participants: Sequence[str],
    method: str,
    held_on: dt.date,
    description: str,
    what_changed: str,
    people_count: int | None = None,
    at: dt.datetime | None = None,
) -> CoProductionEntry:
    """Record who took part at a stage, how, and what changed because of it."""
    _check_editor(actor, cycle)
    _check_stage(cycle, stage_id)
    if not stage_id:
        raise ValidationError({"stage_id": "Choose the stage"})
    known = set(CoProductionEntry.Participant.values)
    if not participants or not set(participants) <= known:
        raise ValidationError({"participants": "Choose who took part"})
    if method not in CoProductionEntry.Method.values:
        raise ValidationError({"method": "Choose how they took part"})
    _required(
        {"description": description, "what_changed": what_changed},
        {
            "description": "Enter what happened",
            "what_changed": "Enter what changed because of it (or that nothing did, and why)",
        },
    )
    with transaction.atomic():
        entry = CoProductionEntry.objects.create(
            cycle=cycle,
            stage_id=stage_id,
            participants=[p for p in CoProductionEntry.Participant.values if p in participants],
            people_count=people_count,
            method=method,
            held_on=held_on,
            description=description.strip(),
            what_changed=what_changed.strip(),
            recorded_by=actor,
            recorded_at=_now(at),
        )
        audit_record(
            actor=actor,
            action="recorded co-production",
            target=entry,
            organisation=cycle.programme.organisation,
            after=snapshot(entry),
        )
    return entry


def _record_with_decision(
    *,
    actor: User,
    cycle: Cycle,
    record: Recommendation | DecommissioningPlan,
    action: str,
    when: dt.datetime,
    **fields: Any,
) -> Decision:
    """Log the decision that goes with ``record`` and audit both, record first."""
    decision = Decision.objects.create(
        cycle=cycle, decided_by=actor, decided_at=when, recorded_by=actor, **fields
    )
    organisation = cycle.programme.organisation
    audit_record(
        actor=actor,
        action=action,
        target=record,
        organisation=organisation,
        after=snapshot(record),
    )
    audit_record(
        actor=actor,
        action="recorded decision",
        target=decision,
        organisation=organisation,
        after=snapshot(decision),
    )
    return decision


def recommendation_record(
    *,
    actor: User,
    cycle: Cycle,
    choice: str,
    rationale: str,
    evidence: str = "",
    at: dt.datetime | None = None,
) -> Recommendation:
    """Record a review recommendation; it is carried into the programme's next cycle."""
    _check_editor(actor, cycle)
    if choice not in Recommendation.Choice.values:
        raise ValidationError({"choice": "Choose a recommendation"})
    _required({"rationale": rationale}, {"rationale": "Enter the reasons for the recommendation"})
    if hasattr(cycle, "next_cycle"):
        raise ValidationError({"choice": "The next cycle has started: record it there instead"})
    when = _now(at)
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            cycle=cycle,
            choice=choice,
            rationale=rationale.strip(),
            evidence=evidence.strip(),
            recorded_by=actor,
            recorded_at=when,
        )
        _record_with_decision(
            actor=actor,
            cycle=cycle,
            record=recommendation,
            action="recorded recommendation",
            when=when,
            stage_id="",
            kind=Decision.Kind.RECOMMENDATION,
            title=f"Review recommends: {recommendation.get_choice_display().lower()}",
            rationale=rationale.strip(),
        )
    return recommendation


# --- decommissioning ----------------------------------------------------------------------


def decommissioning_start(
    *,
    actor: User,
    cycle: Cycle,
    source: str,
    reason: str,
    at: dt.datetime | None = None,
) -> DecommissioningPlan:
    """Open the decommissioning path for a cycle, with its four-item checklist.

    It needs a review recommendation to decommission (``source="review"``) or an options
    appraisal in the cycle that is complete (``source="appraisal"``).
    """
    _check_editor(actor, cycle)
    recommendation = None
    if source == DecommissioningPlan.Source.REVIEW:
        recommendation = cycle.recommendations.filter(
            choice=Recommendation.Choice.DECOMMISSION
        ).last()
        if recommendation is None:
            raise ValidationError({"source": "No review in this cycle recommends decommissioning"})
    elif source == DecommissioningPlan.Source.APPRAISAL:
        if not cycle.artefacts.filter(
            kind="options_appraisal", status=Artefact.Status.COMPLETE
        ).exists():
            raise ValidationError({"source": "This cycle has no completed options appraisal"})
    else:
        raise ValidationError({"source": "Choose what recommended decommissioning"})
    _required({"reason": reason}, {"reason": "Enter why the service is being decommissioned"})
    when = _now(at)
    with transaction.atomic():
        if DecommissioningPlan.objects.filter(cycle=cycle).exists():
            raise ValidationError({"source": "Decommissioning has already started for this cycle"})
        plan = DecommissioningPlan.objects.create(
            cycle=cycle,
            source=source,
            recommendation=recommendation,
            reason=reason.strip(),
            started_at=when,
            started_by=actor,
        )
        for position, step in enumerate(DecommissioningStep.Step.values):
            DecommissioningStep.objects.create(plan=plan, step=step, position=position)
        _record_with_decision(
            actor=actor,
            cycle=cycle,
            record=plan,
            action="started decommissioning",
            when=when,
            kind=Decision.Kind.DECOMMISSIONING,
            title="Decommissioning started",
            options_considered=(
                "Continue, vary, re-procure, bring in-house, co-produce, decommission."
            ),
            rationale=reason.strip(),
        )
    return plan


def decommissioning_step_update(
    *,
    actor: User,
    step: DecommissioningStep,
    notes: str,
    completed: bool,
    at: dt.datetime | None = None,
) -> DecommissioningStep:
    """Record progress on one checklist item; when all four are done the plan is complete
    and the programme is marked decommissioned."""
    plan = step.plan
    cycle = plan.cycle
    _check_editor(actor, cycle)
    if completed and not notes.strip():
        raise ValidationError({"notes": "Describe what was done before marking it complete"})
    when = _now(at)
    with transaction.atomic():
        step = DecommissioningStep.objects.select_for_update().get(pk=step.pk)
        if plan.status == DecommissioningPlan.Status.COMPLETE:
            raise ValidationError({"notes": "Decommissioning is complete: it cannot change"})
        before = snapshot(step)
        step.notes = notes.strip()
        step.completed = completed
        step.completed_at = when if completed else None
        step.completed_by = actor if completed else None
        step.save()
        organisation = cycle.programme.organisation
        audit_record(
            actor=actor,
            action="updated decommissioning step",
            target=step,
            organisation=organisation,
            before=before,
            after=snapshot(step),
        )
        if not plan.steps.filter(completed=False).exists():
            plan_before = snapshot(plan)
            plan.status = DecommissioningPlan.Status.COMPLETE
            plan.completed_at = when
            plan.save(update_fields=["status", "completed_at"])
            programme = cycle.programme
            programme_before = snapshot(programme)
            programme.status = Programme.Status.DECOMMISSIONED
            programme.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="completed decommissioning",
                target=plan,
                organisation=organisation,
                before=plan_before,
                after=snapshot(plan),
            )
            audit_record(
                actor=actor,
                action="decommissioned programme",
                target=programme,
                organisation=organisation,
                before=programme_before,
                after=snapshot(programme),
            )
    return step
