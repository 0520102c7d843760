"""Shared checks for the Plan stage's use cases: who may act, what is open, the audit call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from workspace.accounts.access import Capability, has_capability
from workspace.audit.services import audit_record, snapshot
from workspace.cycles.models import Cycle, Programme, StageProgress
from workspace.plan.models import Appraisal

MAX_SIMULATIONS = 100_000
ASSUMPTION_TOPICS = ("optimism_bias", "transaction", "risk", "general")


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def may_edit(user: Any, programme: Programme) -> bool:
    """Whether ``user`` may change the programme's plan records (EDIT in either organisation)."""
    return any(has_capability(user, org, Capability.EDIT) for org in programme.organisations())


def may_view(user: Any, programme: Programme) -> bool:
    """Whether ``user`` may read the programme's plan records (VIEW in either organisation)."""
    return any(has_capability(user, org, Capability.VIEW) for org in programme.organisations())


def _check_editor(actor: User, programme: Programme) -> None:
    if not may_edit(actor, programme):
        raise PermissionDenied("You cannot change this programme's plans.")


def _required(values: Mapping[str, str], messages: Mapping[str, str]) -> None:
    errors = {name: message for name, message in messages.items() if not values[name].strip()}
    if errors:
        raise ValidationError(errors)


def _audit(
    actor: User,
    action: str,
    target: Model,
    programme: Programme,
    before: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        organisation=programme.organisation,
        before=before,
        after=snapshot(target),
    )


def _change(actor: User, action: str, target: Model, programme: Programme, **fields: Any) -> None:
    """Set ``fields`` on ``target``, save it and audit the change, in one transaction."""
    with transaction.atomic():
        before = snapshot(target)
        for name, value in fields.items():
            setattr(target, name, value)
        target.save()
        _audit(actor, action, target, programme, before)


def appraisal_stage(cycle: Cycle) -> str | None:
    """The id of the cycle's stage that asks for an options appraisal (the Plan stage)."""
    for stage in cycle.definition.stages:
        for activity in stage.activities:
            if any(a.kind == "options_appraisal" for a in activity.artefacts):
                return stage.id
    return None


def _progress(appraisal: Appraisal) -> StageProgress:
    return StageProgress.objects.get(cycle=appraisal.cycle, stage_id=appraisal.stage_id)


def is_open(appraisal: Appraisal) -> bool:
    """An appraisal changes while its stage is open (not submitted, not signed off)."""
    return _progress(appraisal).is_editable


def _check_open(actor: User, appraisal: Appraisal, field: str = "__all__") -> None:
    _check_editor(actor, appraisal.cycle.programme)
    if not is_open(appraisal):
        raise ValidationError(
            {field: "The Plan stage is submitted or signed off: the appraisal is locked"}
        )
