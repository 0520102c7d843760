"""Who may read and change needs assessments and indicator data.

Reading needs the VIEW capability in the programme's lead or partner organisation
(commissioners, analysts, finance, procurement, approvers, auditors, administrators).
Changing needs EDIT *and* the commissioner or analyst role there: finance and procurement
read the needs assessment but do not write it. Providers and other councils see nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from workspace.accounts.access import AnyUser, Capability, has_capability, has_role
from workspace.accounts.models import Role
from workspace.cycles.models import Cycle

EDITING_ROLES = (Role.COMMISSIONER, Role.ANALYST)


def may_view(user: AnyUser, cycle: Cycle) -> bool:
    """Whether ``user`` may read the cycle's needs assessment."""
    return any(
        has_capability(user, org, Capability.VIEW) for org in cycle.programme.organisations()
    )


def may_edit(user: AnyUser, cycle: Cycle) -> bool:
    """Whether ``user`` may change the cycle's needs assessment and upload indicator data."""
    return any(
        has_capability(user, org, Capability.EDIT)
        and any(has_role(user, org, role) for role in EDITING_ROLES)
        for org in cycle.programme.organisations()
    )


def require_view(user: AnyUser, cycle: Cycle) -> None:
    if not may_view(user, cycle):
        raise PermissionDenied("You cannot see this needs assessment.")


def require_edit(user: AnyUser, cycle: Cycle) -> None:
    if not may_edit(user, cycle):
        raise PermissionDenied("You cannot change this needs assessment.")
