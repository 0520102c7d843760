"""Recording changes in the audit trail, and verifying the chain."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from spiral.ledger import GENESIS, ChainBreak, entry_hash, verify_chain
from workspace.accounts.models import Organisation
from workspace.audit.models import AuditEvent

# Serialises appends on PostgreSQL (SQLite serialises writers itself).
_ADVISORY_LOCK_KEY = 0x5350_4952  # "SPIR"


def _plain(value: Any) -> Any:  # noqa: PLR0911 - one return per kind of value
    """A JSON-safe copy of a field value that survives a round trip through the database."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


# Secrets never enter the trail, not even hashed.
SECRET_FIELDS = frozenset({"password", "key_hash"})


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete fields of ``instance`` as plain JSON values (foreign keys by id).

    Secret fields (passwords, token hashes) are left out.
    """
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.attname in SECRET_FIELDS:
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def _partner_of(target: models.Model | None) -> int | None:
    """The partner organisation of the jointly commissioned programme ``target`` belongs to.

    A record belongs to a programme when it is one, or has a ``programme`` or a
    ``cycle.programme``; anything else has no partner.
    """
    programme = None
    if target is not None:
        if hasattr(target, "partner_organisation_id") and hasattr(target, "cycles"):
            programme = target
        else:
            programme = getattr(target, "programme", None)
            if programme is None:
                cycle = getattr(target, "cycle", None)
                programme = getattr(cycle, "programme", None)
    partner = getattr(programme, "partner_organisation_id", None)
    return partner if isinstance(partner, int) else None


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    organisation: Organisation | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, chained to the last one.

    Call it inside the transaction that makes the change, so the change and its record
    land together or not at all. ``target`` fills the object's type, id and label.
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_label = object_label or str(target)[:300]
    actor_user = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            at=timezone.now().astimezone(dt.UTC),
            actor_id=actor_user.pk if actor_user else None,
            actor_label=actor_user.get_username() if actor_user else "system",
            organisation_id=organisation.pk if organisation else None,
            partner_organisation_id=_partner_of(target),
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            before=_plain(before),
            after=_plain(after),
            previous_hash=last or GENESIS,
        )
        event.hash = entry_hash(event.previous_hash, event.payload())
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainReport:
    """The result of verifying the whole audit trail."""

    events: int
    broken: ChainBreak | None
    broken_event_id: int | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _stored_events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)


def audit_verify() -> ChainReport:
    """Recompute every hash in order and report the first event that does not verify."""
    ids: list[int] = []

    def entries() -> Iterator[Any]:
        for event in _stored_events():
            ids.append(event.pk)
            yield event.stored_entry()

    broken = verify_chain(entries())
    broken_id = ids[broken.position] if broken is not None else None
    return ChainReport(events=AuditEvent.objects.count(), broken=broken, broken_event_id=broken_id)
