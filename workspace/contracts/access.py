"""Who may see and change an agreement and its returns.

- The commissioning side: VIEW (or EDIT) in the programme's lead or partner organisation, as
  for the programme itself (``workspace.accounts.access``).
- The provider side: the *provider* role in the agreement's provider organisation. A
  provider sees its own organisation's agreements and returns, saves and submits returns,
  and sees the ratings; nothing else. Another provider's agreement is "not found" (404), so
  its existence is not revealed either.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from workspace.accounts.access import AnyUser, Capability, has_capability, organisations_with
from workspace.accounts.models import Membership, Organisation, Role
from workspace.contracts.models import Agreement


def provider_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The provider organisations in which ``user`` holds the provider role."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.PROVIDER,
        memberships__user_id=user.pk,
        memberships__role=Role.PROVIDER,
    ).distinct()


def is_provider_of(user: AnyUser, agreement: Agreement) -> bool:
    """Whether ``user`` speaks for the agreement's provider."""
    if agreement.provider_id is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(
        user_id=user.pk, organisation_id=agreement.provider_id, role=Role.PROVIDER
    ).exists()


def may(user: AnyUser, agreement: Agreement, capability: Capability) -> bool:
    """Whether ``user`` holds ``capability`` over the agreement's programme."""
    return any(has_capability(user, org, capability) for org in agreement.programme.organisations())


def may_read(user: AnyUser, agreement: Agreement) -> bool:
    return may(user, agreement, Capability.VIEW) or is_provider_of(user, agreement)


def visible_agreements(user: AnyUser) -> QuerySet[Agreement]:
    """Every agreement ``user`` may read: their programmes' or their provider's."""
    viewing = organisations_with(user, Capability.VIEW)
    return (
        Agreement.objects.filter(
            Q(programme__organisation__in=viewing)
            | Q(programme__partner_organisation__in=viewing)
            | Q(provider__in=provider_organisations(user))
        )
        .select_related("programme", "provider")
        .distinct()
    )


def agreement_for(user: AnyUser, pk: int, *, edit: bool = False) -> Agreement:
    """The agreement ``pk`` if ``user`` may read it (or edit it); otherwise 404.

    Refusing with "not found" rather than "forbidden" means a provider cannot even learn
    which other agreements exist by trying numbers.
    """
    agreement = (
        Agreement.objects.select_related(
            "programme__organisation", "programme__partner_organisation", "provider"
        )
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404("No such agreement")
    if not may_read(user, agreement):
        raise Http404("No such agreement")
    if edit and not may(user, agreement, Capability.EDIT):
        raise PermissionDenied("You cannot change this agreement.")
    return agreement
