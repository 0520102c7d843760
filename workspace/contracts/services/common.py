"""What the contract register's use cases share: the clock, who may edit, the lead council."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from workspace.accounts.access import Capability
from workspace.accounts.models import Organisation
from workspace.contracts.access import may
from workspace.contracts.models import Agreement


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def _require_edit(actor: User, agreement: Agreement) -> None:
    if not may(actor, agreement, Capability.EDIT):
        raise PermissionDenied("You cannot change this agreement.")


def _lead(agreement: Agreement) -> Organisation:
    return agreement.programme.organisation
