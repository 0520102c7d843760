"""What every sourcing use case shares: the Do stages, who may edit, the audit call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from workspace.accounts.access import Capability, has_capability
from workspace.audit.services import audit_record
from workspace.cycles.models import Cycle, Programme

DO_STAGES = ("procuring-services", "buy", "do", "commission")
"""Stage ids of the shipped frameworks where a service is secured, in order of preference."""

COST_ACTIVITIES = (
    "market_engagement",
    "specification",
    "evaluation",
    "legal",
    "monitoring",
    "disputes",
)


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def _on_day(day: dt.date) -> dt.datetime:
    """Noon on a past day (the time a decision of that day is logged at), else now."""
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def may_edit(user: Any, programme: Programme) -> bool:
    """Whether ``user`` may change this programme's sourcing and market records."""
    return any(has_capability(user, org, Capability.EDIT) for org in programme.organisations())


def _check_editor(actor: User, programme: Programme) -> None:
    if not may_edit(actor, programme):
        raise PermissionDenied("You cannot change this programme's sourcing records.")


def do_stage(cycle: Cycle) -> str:
    """The id of the cycle's stage where the service is secured (empty if it has none)."""
    ids = [stage.id for stage in cycle.definition.stages]
    return next((stage for stage in DO_STAGES if stage in ids), "")


def _audit(actor: User | None, action: str, target: Any, programme: Programme, **kw: Any) -> None:
    audit_record(
        actor=actor, action=action, target=target, organisation=programme.organisation, **kw
    )
