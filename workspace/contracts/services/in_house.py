"""The people of an in-house team who send their agreement's returns."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from workspace.accounts.models import Membership
from workspace.audit.services import audit_record
from workspace.contracts.models import Agreement
from workspace.contracts.services.common import _lead, _require_edit


def agreement_in_house_team_set(
    *, actor: User, agreement: Agreement, members: Iterable[User]
) -> Agreement:
    """Name the people of an in-house team who send its agreement's returns.

    Each must be a member of the programme's lead or partner organisation. Being named gives
    the provider's rights over this agreement only (``access.in_house_team_of``).
    """
    _require_edit(actor, agreement)
    if agreement.kind != Agreement.Kind.IN_HOUSE or agreement.provider_id is not None:
        raise ValidationError({"members": "Only an in-house agreement has an in-house team"})
    chosen = list(members)
    programme = agreement.programme
    organisations = [programme.organisation_id, programme.partner_organisation_id]
    outsiders = [
        user.get_username()
        for user in chosen
        if not Membership.objects.filter(user=user, organisation_id__in=organisations).exists()
    ]
    if outsiders:
        raise ValidationError(
            {
                "members": "Not a member of the programme's organisations: "
                + ", ".join(sorted(outsiders))
            }
        )
    with transaction.atomic():
        before = sorted(agreement.in_house_team.values_list("pk", flat=True))
        agreement.in_house_team.set(chosen)
        audit_record(
            actor=actor,
            action="set in-house team",
            target=agreement,
            organisation=_lead(agreement),
            before={"in_house_team": before},
            after={"in_house_team": sorted(u.pk for u in chosen)},
        )
    return agreement
