"""Who may do what: roles grant capabilities within one organisation.

Every view and API operation asks this module before it shows or changes anything. A
person holds roles per organisation (:class:`~workspace.accounts.models.Membership`); each
role grants a fixed set of capabilities. Providers hold no capability over commissioning
records: what they may see of their own contracts is decided where contracts live.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from workspace.accounts.models import Membership, Organisation, Role


class Capability(StrEnum):
    VIEW = "view"
    """Read the organisation's commissioning record."""
    EDIT = "edit"
    """Create and change programmes, cycles, artefacts, decisions and co-production."""
    APPROVE = "approve"
    """Sign off stage gates and decisions, or send them back."""
    AUDIT = "audit"
    """Read the audit trail."""
    ADMINISTER = "administer"
    """Manage the organisation's people and frameworks."""


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.COMMISSIONER: frozenset({Capability.VIEW, Capability.EDIT}),
    Role.ANALYST: frozenset({Capability.VIEW, Capability.EDIT}),
    Role.FINANCE: frozenset({Capability.VIEW, Capability.EDIT}),
    Role.PROCUREMENT: frozenset({Capability.VIEW, Capability.EDIT}),
    Role.APPROVER: frozenset({Capability.VIEW, Capability.APPROVE}),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.AUDIT}),
    Role.ADMINISTRATOR: frozenset({Capability.VIEW, Capability.AUDIT, Capability.ADMINISTER}),
    Role.PROVIDER: frozenset(),
}

AnyUser = AbstractBaseUser | AnonymousUser


def roles_in(user: AnyUser, organisation: Organisation) -> frozenset[str]:
    """The roles ``user`` holds in ``organisation`` (none for anonymous visitors)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        Membership.objects.filter(user_id=user.pk, organisation=organisation).values_list(
            "role", flat=True
        )
    )


def capabilities_in(user: AnyUser, organisation: Organisation) -> frozenset[Capability]:
    """Every capability that ``user``'s roles grant in ``organisation``."""
    granted: set[Capability] = set()
    for role in roles_in(user, organisation):
        granted |= ROLE_CAPABILITIES[role]
    return frozenset(granted)


def has_capability(user: AnyUser, organisation: Organisation, capability: Capability) -> bool:
    """Whether ``user`` may do ``capability`` in ``organisation``."""
    return capability in capabilities_in(user, organisation)


def has_role(user: AnyUser, organisation: Organisation, role: str) -> bool:
    """Whether ``user`` holds ``role`` in ``organisation`` (a gate names its approving role)."""
    return role in roles_in(user, organisation)


def require(user: AnyUser, organisation: Organisation, capability: Capability) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may do ``capability`` here."""
    if not has_capability(user, organisation, capability):
        raise PermissionDenied(f"You cannot {capability} this organisation's records.")


def organisations_with(user: AnyUser, capability: Capability) -> QuerySet[Organisation]:
    """The organisations in which ``user`` holds ``capability``."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
    return Organisation.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=roles
    ).distinct()
