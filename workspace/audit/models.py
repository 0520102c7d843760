"""The audit trail's one table. Rows are only ever inserted: see ``guards.py``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from spiral.ledger import StoredEntry


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_organisations(self, organisation_ids: list[int]) -> AuditEventQuerySet:
        """Events about these organisations' records, joint programmes they partner in included."""
        return self.filter(
            models.Q(organisation_id__in=organisation_ids)
            | models.Q(partner_organisation_id__in=organisation_ids)
        )


class AuditEvent(models.Model):
    """One change: who did what to which record, when, with the record before and after.

    ``previous_hash`` and ``hash`` chain every event to the one before it
    (:mod:`spiral.ledger`), so an edit made behind the application's back is detectable.
    The actor and organisation are kept as plain references and labels, with no database
    constraint, so that no later deletion can ever require this table to change.
    """

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    partner_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="For a jointly commissioned programme, the partner, whose auditors see it too.",
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def payload(self) -> dict[str, Any]:
        """The content the hash covers (the partner only when there is one)."""
        payload: dict[str, Any] = {
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "before": self.before,
            "after": self.after,
        }
        if self.partner_organisation_id is not None:
            payload["partner_organisation_id"] = self.partner_organisation_id
        return payload

    def stored_entry(self) -> StoredEntry:
        return StoredEntry(self.payload(), self.previous_hash, self.hash)

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """``(field, before, after)`` for each field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
