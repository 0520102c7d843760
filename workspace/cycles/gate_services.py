"""Use cases for stage gates: submit for sign-off, approve, send back, each audited.

Re-exported by :mod:`workspace.cycles.services`, where the rest of the app finds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from workspace.accounts.access import Capability, has_capability, has_role
from workspace.audit.services import audit_record, snapshot
from workspace.cycles.models import (
    Artefact,
    Cycle,
    Decision,
    StageProgress,
)
from workspace.cycles.rules import now as _now
from workspace.cycles.rules import required as _required

#: Called inside :func:`gate_approve`'s transaction as ``hook(actor=, progress=, decision=,
#: at=)``; an app adds its own in ``AppConfig.ready`` (the Plan stage records its appraisal's
#: recommendation as a decision).
GATE_APPROVED_HOOKS: list[Callable[..., object]] = []

#: Called by the sign-off page as ``hook(progress)``; each returns warnings (plain text) the
#: approver sees before deciding. An app adds its own in ``AppConfig.ready`` (the reviews
#: app warns when the Plan does not take up the previous review).
SIGN_OFF_WARNINGS: list[Callable[[StageProgress], list[str]]] = []


def sign_off_warnings(progress: StageProgress) -> list[str]:
    """Every warning the registered hooks give for this gate, in order."""
    return [warning for hook in SIGN_OFF_WARNINGS for warning in hook(progress)]


def missing_artefacts(progress: StageProgress) -> list[Artefact]:
    """The stage's required artefacts that are not yet complete."""
    return list(
        progress.cycle.artefacts.filter(stage_id=progress.stage_id, required=True).exclude(
            status=Artefact.Status.COMPLETE
        )
    )


def may_sign_off(user: Any, progress: StageProgress) -> bool:
    """Whether ``user`` holds the gate's approving role in one of the programme's organisations.

    The framework names the role (usually ``approver``; an organisation's own framework may
    name, say, ``finance`` for a gate), and that role is what counts.
    """
    role = progress.stage.gate.approver_role
    return any(
        has_capability(user, org, Capability.VIEW) and has_role(user, org, role)
        for org in progress.cycle.programme.organisations()
    )


def gate_submit(
    *, actor: User, progress: StageProgress, note: str = "", at: dt.datetime | None = None
) -> StageProgress:
    """Submit a stage's gate for sign-off: earlier gates signed off, required work complete."""
    cycle = progress.cycle
    if not any(
        has_capability(actor, org, Capability.EDIT) for org in cycle.programme.organisations()
    ):
        raise PermissionDenied("You cannot submit this cycle's gates.")
    with transaction.atomic():
        progress = StageProgress.objects.select_for_update().get(pk=progress.pk)
        if not progress.is_editable:
            raise ValidationError(
                {"note": f"This gate is {progress.get_status_display().lower()} already"}
            )
        earlier = cycle.stages.filter(position__lt=progress.position).exclude(
            status=StageProgress.Status.APPROVED
        )
        if earlier.exists():
            raise ValidationError({"note": "Earlier stages' gates must be signed off first"})
        missing = missing_artefacts(progress)
        if missing:
            names = "; ".join(artefact.title for artefact in missing)
            raise ValidationError({"note": f"Complete the required artefacts first: {names}"})
        before = snapshot(progress)
        progress.status = StageProgress.Status.SUBMITTED
        progress.submitted_at = _now(at)
        progress.submitted_by = actor
        progress.submission_note = note.strip()
        progress.sent_back_reason = ""
        progress.save()
        audit_record(
            actor=actor,
            action="submitted gate",
            target=progress,
            organisation=cycle.programme.organisation,
            before=before,
            after=snapshot(progress),
        )
    return progress


def _check_signer(actor: User, progress: StageProgress) -> None:
    if not may_sign_off(actor, progress):
        role = progress.stage.gate.approver_role
        raise PermissionDenied(f"Only someone with the {role} role can sign this gate off.")
    if progress.submitted_by_id == actor.pk:
        raise PermissionDenied("You submitted this gate, so someone else must sign it off.")


def gate_approve(
    *,
    actor: User,
    progress: StageProgress,
    checklist_confirmed: Sequence[str],
    note: str = "",
    at: dt.datetime | None = None,
) -> Decision:
    """Sign a submitted gate off, every checklist item confirmed; record the decision.

    Signing off the last gate completes the cycle.
    """
    _check_signer(actor, progress)
    gate = progress.stage.gate
    unconfirmed = [item for item in gate.checklist if item not in set(checklist_confirmed)]
    if unconfirmed:
        raise ValidationError({"checklist": "Confirm every item on the checklist to sign off"})
    cycle = progress.cycle
    when = _now(at)
    with transaction.atomic():
        progress = StageProgress.objects.select_for_update().get(pk=progress.pk)
        if progress.status != StageProgress.Status.SUBMITTED:
            raise ValidationError({"checklist": "This gate is not awaiting sign-off"})
        before = snapshot(progress)
        progress.status = StageProgress.Status.APPROVED
        progress.decided_at = when
        progress.decided_by = actor
        progress.save()
        decision = Decision.objects.create(
            cycle=cycle,
            stage_id=progress.stage_id,
            kind=Decision.Kind.GATE_APPROVED,
            title=f"{progress.stage.name} gate signed off: {gate.name}",
            options_considered="Sign off the gate; send it back with a reason.",
            rationale=note.strip()
            or "Every checklist item was confirmed: " + "; ".join(gate.checklist),
            decided_by=actor,
            decided_at=when,
            recorded_by=actor,
        )
        organisation = cycle.programme.organisation
        audit_record(
            actor=actor,
            action="signed off gate",
            target=progress,
            organisation=organisation,
            before=before,
            after=snapshot(progress),
        )
        audit_record(
            actor=actor,
            action="recorded decision",
            target=decision,
            organisation=organisation,
            after=snapshot(decision),
        )
        for hook in GATE_APPROVED_HOOKS:
            hook(actor=actor, progress=progress, decision=decision, at=when)
        following = cycle.stages.filter(position__gt=progress.position).order_by("position")
        upcoming = following.first()
        if upcoming is None:
            cycle_before = snapshot(cycle)
            cycle.status = Cycle.Status.COMPLETE
            cycle.ended_at = when
            cycle.save(update_fields=["status", "ended_at"])
            audit_record(
                actor=actor,
                action="completed cycle",
                target=cycle,
                organisation=organisation,
                before=cycle_before,
                after=snapshot(cycle),
            )
        elif upcoming.status == StageProgress.Status.NOT_STARTED:
            upcoming.status = StageProgress.Status.IN_PROGRESS
            upcoming.save(update_fields=["status"])
    return decision


def gate_send_back(
    *, actor: User, progress: StageProgress, reason: str, at: dt.datetime | None = None
) -> Decision:
    """Send a submitted gate back with a reason; the stage opens again for changes."""
    _check_signer(actor, progress)
    _required({"reason": reason}, {"reason": "Enter why the gate is being sent back"})
    cycle = progress.cycle
    when = _now(at)
    with transaction.atomic():
        progress = StageProgress.objects.select_for_update().get(pk=progress.pk)
        if progress.status != StageProgress.Status.SUBMITTED:
            raise ValidationError({"reason": "This gate is not awaiting sign-off"})
        before = snapshot(progress)
        progress.status = StageProgress.Status.SENT_BACK
        progress.sent_back_reason = reason.strip()
        progress.decided_at = when
        progress.decided_by = actor
        progress.save()
        decision = Decision.objects.create(
            cycle=cycle,
            stage_id=progress.stage_id,
            kind=Decision.Kind.GATE_SENT_BACK,
            title=f"{progress.stage.name} gate sent back",
            options_considered="Sign off the gate; send it back with a reason.",
            rationale=reason.strip(),
            decided_by=actor,
            decided_at=when,
            recorded_by=actor,
        )
        organisation = cycle.programme.organisation
        audit_record(
            actor=actor,
            action="sent gate back",
            target=progress,
            organisation=organisation,
            before=before,
            after=snapshot(progress),
        )
        audit_record(
            actor=actor,
            action="recorded decision",
            target=decision,
            organisation=organisation,
            after=snapshot(decision),
        )
    return decision
