"""Who may see and change an agreement and its returns.

- The commissioning side: VIEW (or EDIT) in the programme's lead or partner organisation, as
  for the programme itself (``workspace.accounts.access``).
- The provider side: the *provider* role in the agreement's provider organisation. A
  provider sees its own organisation's agreements and returns, saves and submits returns,
  and sees the ratings; nothing else. Another provider's agreement is "not found" (404), so
  its existence is not revealed either.
- An in-house agreement has no provider organisation: the people named as its **in-house
  team** take the provider's place for that agreement only, while they are members of the
  programme's lead or partner organisation. Membership of the council alone gives no one
  the right to send an in-house team's returns, and naming someone in one team gives them
  nothing over any other agreement. Whoever sent a return cannot also accept or query it
  (``services.return_accept``), so a council officer on both sides is never their own check.
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


def in_house_team_of(user: AnyUser, agreement: Agreement) -> bool:
    """Whether ``user`` is on the in-house team of an in-house agreement (and still a member
    of one of the programme's organisations)."""
    if agreement.kind != Agreement.Kind.IN_HOUSE or agreement.provider_id is not None:
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    programme = agreement.programme
    organisations = [programme.organisation_id, programme.partner_organisation_id]
    return (
        agreement.in_house_team.filter(pk=user.pk).exists()
        and Membership.objects.filter(user_id=user.pk, organisation_id__in=organisations).exists()
    )


def is_provider_of(user: AnyUser, agreement: Agreement) -> bool:
    """Whether ``user`` speaks for the agreement's provider (or its in-house team)."""
    if agreement.provider_id is None:
        return in_house_team_of(user, agreement)
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(
        user_id=user.pk, organisation_id=agreement.provider_id, role=Role.PROVIDER
    ).exists()


def in_house_agreements(user: AnyUser) -> QuerySet[Agreement]:
    """The in-house agreements whose returns ``user`` sends (see :func:`in_house_team_of`)."""
    if not user.is_authenticated or not user.is_active:
        return Agreement.objects.none()
    member_of = Membership.objects.filter(user_id=user.pk).values("organisation_id")
    return Agreement.objects.filter(
        Q(programme__organisation__in=member_of) | Q(programme__partner_organisation__in=member_of),
        kind=Agreement.Kind.IN_HOUSE,
        provider__isnull=True,
        in_house_team=user.pk,
    )


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
            | Q(pk__in=in_house_agreements(user).values("pk"))
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
